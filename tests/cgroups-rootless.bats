#!/usr/bin/env bats
# Rootless cgroups on a pure cgroup v2 host: a user who owns a subtree gets
# the container's cgroup there, with its limits, and by default next to the
# caller's own cgroup. Run in the VM booted with systemd (tests/v2/run
# --systemd): the chroot of the other VM mode may not make user namespaces.

load helpers
load cgroups-helpers
load rootless-helpers

@test "rootless on v2: without cgroupsPath the container goes next to the caller's delegated cgroup" {
	cg_v2 || skip "pure cgroup v2 only (the VM lane)"
	delegate_cgroups
	echo "+memory +pids" >"/sys/fs/cgroup/cgroup.subtree_control"
	no_user_namespace_config
	update_config '.linux.resources = {"memory": {"limit": 33554432}, "pids": {"limit": 20}}'
	set_args sleep
	as_delegate run -d "$CID" >"$BATS_TEST_TMPDIR/rl.log" 2>&1 ||
		fail "run -d: $(cat "$BATS_TEST_TMPDIR/rl.log")"
	local pid dir=/sys/fs/cgroup/$DELEG/baton-$CID
	pid=$(as_delegate state "$CID" | jq -r .pid)
	TRACKED_PIDS+=("$pid")
	[[ $(sed -n 's/^0:://p' "/proc/$pid/cgroup") == "/$DELEG/baton-$CID" ]] ||
		fail "in $(cat "/proc/$pid/cgroup")"
	[[ $(cat "$dir/memory.max") == 33554432 ]] || fail "memory.max $(cat "$dir/memory.max")"
	[[ $(cat "$dir/pids.max") == 20 ]] || fail "pids.max $(cat "$dir/pids.max")"
	refute_output --partial warning
	run as_delegate delete --force "$CID"
	assert_success
	[[ ! -d $dir ]] || fail "$dir left"
}

@test "rootless on v2: outside a delegated subtree, a warning and the caller's cgroup" {
	cg_v2 || skip "pure cgroup v2 only (the VM lane)"
	no_user_namespace_config
	set_cmd /bin/cat /proc/self/cgroup
	run as_user "$RL_USER" run "$CID"
	assert_success
	assert_line --partial "baton: warning: the container stays in the caller's cgroups: rootless: cgroup \`"
	refute_line --regexp "^0::.*/baton-$CID"
}
