#!/usr/bin/env bats
# cgroups on whichever layout the host has (hybrid here, v2 in the VM lane):
# the limits land in the container's cgroup files, the process is in the
# cgroup, and the cgroup goes away with delete.

load helpers
load cgroups-helpers

setup() {
	requires root
	setup_bundle
}

# run -d the probe sleeping with the current config; sets $pid.
run_sleeper() {
	set_args sleep
	run_baton run -d "$CID"
	assert_success
	wait_log sleeping
	pid=$(container_pid)
}

@test "memory limit" {
	update_config '.linux.resources.memory = {"limit": 33554432}'
	run_sleeper
	if cg_v2; then
		cg_check memory.max 33554432
	else
		cg_check memory.limit_in_bytes 33554432
	fi
}

@test "pids limit" {
	update_config '.linux.resources.pids = {"limit": 42}'
	run_sleeper
	cg_check pids.max 42
}

@test "cpu shares and quota" {
	update_config '.linux.resources.cpu = {"shares": 512, "quota": 50000, "period": 100000}'
	run_sleeper
	if cg_v2; then
		cg_check cpu.weight 20
		cg_check cpu.max "50000 100000"
	else
		cg_check cpu.shares 512
		cg_check cpu.cfs_quota_us 50000
		cg_check cpu.cfs_period_us 100000
	fi
}

@test "the process is in the container's cgroup in every hierarchy" {
	run_sleeper
	if cg_v2; then
		grep -qx "$pid" "/sys/fs/cgroup/baton/$CID/cgroup.procs" ||
			fail "$pid not in the cgroup: $(cat "/sys/fs/cgroup/baton/$CID/cgroup.procs" 2>&1)"
		grep -qx "0::/baton/$CID" "/proc/$pid/cgroup" || fail "/proc/$pid/cgroup: $(cat "/proc/$pid/cgroup")"
		return
	fi
	local c
	for c in memory pids cpu devices; do
		grep -qx "$pid" "$CGROUP_V1/$c/baton/$CID/cgroup.procs" ||
			fail "$pid not in $c cgroup: $(cat "$CGROUP_V1/$c/baton/$CID/cgroup.procs" 2>&1)"
		grep -Eq "^[0-9]+:([a-z_]+,)*$c(,[a-z_]+)*:/baton/$CID\$" "/proc/$pid/cgroup" ||
			fail "/proc/$pid/cgroup: $(cat "/proc/$pid/cgroup")"
	done
}

@test "the container sees its own cgroup as / in a cgroup namespace" {
	update_config 'if (.linux.namespaces | map(.type) | index("cgroup")) then . else .linux.namespaces += [{"type": "cgroup"}] end'
	set_args cgroup
	run_baton run "$CID"
	assert_success
	if cg_v2; then
		assert_output '0::/'
	else
		assert_line --regexp '^[0-9]+:memory:/$'
		assert_line --regexp '^[0-9]+:pids:/$'
	fi
}

@test "a pids limit is enforced" {
	update_config '.linux.resources.pids = {"limit": 5}'
	set_cmd /bin/sh -c 'for i in 1 2 3 4 5 6 7 8; do sleep 1 & done; wait; echo all forked'
	run_baton run "$CID"
	# the shell cannot fork an eighth child under a limit of five
	assert_output --partial 'fork'
	refute_output --partial 'all forked'
}

@test "the cgroup is removed on delete" {
	update_config '.linux.resources.memory = {"limit": 33554432} | .linux.resources.pids = {"limit": 42}'
	run_sleeper
	[[ -n $(leftover_cgroups) ]] || fail "no cgroup"
	run_baton delete --force "$CID"
	assert_success
	[[ -z $(leftover_cgroups) ]] || fail "cgroups left: $(leftover_cgroups)"
}

@test "the cgroup is removed after a foreground run" {
	update_config '.linux.resources.pids = {"limit": 42}'
	set_args exit 0
	run_baton run "$CID"
	assert_success
	[[ -z $(leftover_cgroups) ]] || fail "cgroups left: $(leftover_cgroups)"
}

@test "devices cgroup denies a device not allowed" {
	# 10:200 (tun) is not in the default allow list; opening it when allowed is harmless
	update_config '.linux.devices = [{"path": "/dev/baton-tun", "type": "c", "major": 10, "minor": 200, "fileMode": 438}] |
		.linux.resources.devices = [{"allow": false, "access": "rwm"},
			{"allow": true, "type": "c", "major": 10, "minor": 200, "access": "m"}]'
	set_args write /dev/baton-tun
	run_baton run "$CID"
	assert_success
	assert_output 'EPERM'
	set_args write /dev/null
	run_baton run "$CID"
	assert_success
	assert_output 'ok'
}

@test "cgroupsPath: absolute and relative paths name the cgroup" {
	local p
	for p in "/baton/$CID-abs/inner" "baton/$CID-rel"; do
		update_config --arg p "$p" '.linux.cgroupsPath = $p | .linux.resources.pids = {"limit": 21}'
		run_sleeper
		local dir=/sys/fs/cgroup/pids/${p#/}
		cg_v2 && dir=/sys/fs/cgroup/${p#/}
		grep -qx "$pid" "$dir/cgroup.procs" || fail "$pid not in $dir"
		[[ $(cat "$dir/pids.max") == 21 ]] || fail "$dir/pids.max: $(cat "$dir/pids.max")"
		run_baton delete --force "$CID"
		assert_success
		[[ ! -e $dir ]] || fail "$dir left"
	done
	# the parent made for the first path is the caller's to remove, as with runc
	find /sys/fs/cgroup -depth -type d -path "*/baton/$CID-abs" -exec rmdir {} +
}
