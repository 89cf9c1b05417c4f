#!/usr/bin/env bats
# The layouts this host can show besides its own hybrid one: pure cgroup v1,
# made in a private mount namespace (the v1 hierarchies without the unified
# one). Pure v2 is the VM lane's (tests/v2/run).

load helpers
load cgroups-helpers

setup() {
	requires root cgroup_v1
	setup_bundle
}

# in_pure_v1 COMMAND...: run COMMAND in a private mount namespace whose
# /sys/fs/cgroup holds this host's v1 hierarchies and nothing else.
in_pure_v1() {
	local mounts=$BATS_TEST_TMPDIR/v1-mounts
	# mount point and super options (rw,memory -> memory; rw,name=systemd -> none,name=systemd)
	awk '$(NF-2) == "cgroup" {o = $NF; sub(/^r[ow],/, "", o); if (o ~ /^name=/) o = "none," o; print $5, o}' \
		/proc/self/mountinfo >"$mounts"
	unshare -m --propagation private bash -c '
		set -e
		mounts=$1; shift
		mount -t tmpfs -o mode=755 baton-v1 /sys/fs/cgroup
		while read -r dir opts; do
			mkdir -p "$dir"
			mount -t cgroup -o "$opts" cgroup "$dir"
		done <"$mounts"
		"$@"' in_pure_v1 "$mounts" "$@"
}

@test "pure v1: the layout is detected, limits set, update applied" {
	update_config '.linux.resources.pids = {"limit": 33} | .linux.resources.memory = {"limit": 33554432}'
	set_args sleep
	LAST_LOG=$BATS_TEST_TMPDIR/v1.log
	in_pure_v1 bash -c '
		[[ $(stat -f -c %T /sys/fs/cgroup) == tmpfs && ! -e /sys/fs/cgroup/unified ]] || { echo "not pure v1"; exit 1; }
		id=$1; shift
		"$@" run -d "$id" && "$@" update --pids-limit 44 "$id" && "$@" pause "$id" && "$@" state "$id"' \
		_ "$CID" timeout 60 "$BATON" --root "$STATE_ROOT" >"$LAST_LOG" 2>&1 </dev/null 3>&- ||
		fail "in a pure v1 namespace: $(cat "$LAST_LOG")"
	wait_log sleeping
	local pid
	pid=$(container_pid)
	grep -q '"status": "paused"' "$LAST_LOG" || fail "not paused: $(cat "$LAST_LOG")"
	grep -qx "$pid" "$CGROUP_V1/pids/baton/$CID/cgroup.procs" || fail "$pid not in the pids cgroup"
	cg_check pids.max 44
	cg_check memory.limit_in_bytes 33554432
	# pure v1 has no unified tree: nothing was made there
	[[ ! -e /sys/fs/cgroup/unified/baton/$CID ]] || fail "a unified cgroup was made on pure v1"
	# the host (hybrid) side can resume and delete what the v1 side made
	run_baton resume "$CID"
	assert_success
	run_baton delete --force "$CID"
	assert_success
}
