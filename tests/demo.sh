#!/bin/sh
# A first container: a busybox rootfs that prints one line, run by baton.
# Needs root, busybox-static and jq, and a built tree (make).
set -eu

repo=$(cd "$(dirname "$0")/.." && pwd)
baton=${BATON:-$repo/build/bin/baton}
bundle=$(mktemp -d /tmp/baton-demo.XXXXXX)
trap 'rm -rf "$bundle"' EXIT

mkdir -p "$bundle/rootfs/bin"
cp /bin/busybox "$bundle/rootfs/bin/busybox"
chroot "$bundle/rootfs" /bin/busybox --install -s /bin
for d in proc sys dev tmp etc; do mkdir -p "$bundle/rootfs/$d"; done

"$baton" spec --bundle "$bundle"
jq '.process.terminal = false | .process.args = ["/bin/echo", "hello from baton"]' \
	"$bundle/config.json" >"$bundle/config.json.new"
mv "$bundle/config.json.new" "$bundle/config.json"

"$baton" run --bundle "$bundle" "baton-demo-$$"
