#!/usr/bin/env bats
# cgroups on this hybrid host: the limits land in the container's v1 cgroup
# files, the process is in the cgroup, and the cgroup goes away with delete.

load helpers

setup() {
	requires root cgroup_v1
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
	check_cgroup_value memory.limit_in_bytes 33554432
}

@test "pids limit" {
	update_config '.linux.resources.pids = {"limit": 42}'
	run_sleeper
	check_cgroup_value pids.max 42
}

@test "cpu shares and quota" {
	update_config '.linux.resources.cpu = {"shares": 512, "quota": 50000, "period": 100000}'
	run_sleeper
	check_cgroup_value cpu.shares 512
	check_cgroup_value cpu.cfs_quota_us 50000
	check_cgroup_value cpu.cfs_period_us 100000
}

@test "the process is in the container's cgroup in every hierarchy" {
	run_sleeper
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
	assert_line --regexp '^[0-9]+:memory:/$'
	assert_line --regexp '^[0-9]+:pids:/$'
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
	[[ -d $CGROUP_V1/memory/baton/$CID ]] || fail "no memory cgroup"
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
