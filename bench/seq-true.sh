#!/usr/bin/env bash
# 100 sequential `run` of /bin/true with baton and crun, side by side.
#
#   sudo bench/seq-true.sh [ROUNDS]
#
# crun 1.8 refuses hybrid cgroup hosts, so both runtimes run inside one
# private mount namespace with the unified hierarchy unmounted there (the
# host's mounts are not touched). Rounds alternate between the runtimes; the
# median of the per-round averages is reported, with the ratio crun/baton.
set -euo pipefail

rounds=${1:-5}
top=$(cd "$(dirname "$0")/.." && pwd)
baton=${BATON:-$top/build/bin/baton}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [[ -z ${BATON_BENCH_INNER:-} ]]; then
	export BATON_BENCH_INNER=1
	exec unshare -m --propagation private "$0" "$@"
fi
umount /sys/fs/cgroup/unified 2>/dev/null || true

mkdir -p "$work/bundle/rootfs/bin"
cp /bin/busybox "$work/bundle/rootfs/bin/"
ln -s busybox "$work/bundle/rootfs/bin/true"
cd "$work/bundle"
"$baton" spec
jq '.process.terminal = false | .process.args = ["/bin/true"]' config.json >c && mv c config.json

# ms per container for 100 sequential runs of one runtime
one_round() {
	local name=$1 start end
	shift
	start=$(date +%s%N)
	for i in $(seq 100); do
		"$@" --root "$work/state-$name" run "bench-$name-$i" >/dev/null
	done
	end=$(date +%s%N)
	echo "scale=3; ($end - $start) / 100000000" | bc
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

for r in $(seq "$rounds"); do
	one_round baton "$baton" >>"$work/baton.ms"
	one_round crun crun >>"$work/crun.ms"
done
b=$(median <"$work/baton.ms")
c=$(median <"$work/crun.ms")
printf "runtime  ms/container (median of %d rounds of 100)\n" "$rounds"
printf "baton    %s\ncrun     %s\ncrun/baton ratio: %s\n" "$b" "$c" "$(echo "scale=2; $c / $b" | bc)"
