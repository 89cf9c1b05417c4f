#!/bin/sh
# A first container: a busybox rootfs that prints one line, run by baton.
# Needs root, busybox-static and jq, and a built tree (make).
set -eu

if [ "$(id -u)" -ne 0 ]; then
	echo "tests/demo.sh: needs root: run it in a root shell, or as sudo tests/demo.sh" >&2
	exit 1
fi

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
