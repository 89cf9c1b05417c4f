#!/usr/bin/env bats
# --cgroup-manager: cgroupfs (the default), disabled, and systemd where no
# systemd runs (this host); the systemd driver itself is tested in
# cgroups-systemd.bats, in a VM booted with systemd (tests/v2/run --systemd).

load helpers

setup() {
	requires root
	setup_bundle
}

@test "--cgroup-manager=disabled: no cgroup is made, the container runs in ours" {
	update_config '.linux.namespaces |= map(select(.type != "cgroup"))'
	set_cmd /bin/cat /proc/self/cgroup
	run baton_cmd --cgroup-manager=disabled run "$CID"
	assert_success
	local line
	line=$(grep ':pids:' <<<"$output")
	[[ $line != *"$CID"* ]] || fail "a cgroup was made: $line"
	[[ -z $(leftover_cgroups) ]] || fail "cgroups: $(leftover_cgroups)"
}

@test "--cgroup-manager=disabled: delete and kill --all leave cgroups alone" {
	set_args sleep
	run_baton --cgroup-manager disabled run -d "$CID"
	assert_success
	wait_log sleeping
	[[ ! -d $CGROUP_V1/pids/baton/$CID ]] || fail "a pids cgroup was made"
	run_baton delete --force "$CID"
	assert_success
}

@test "--cgroup-manager=cgroupfs is the default and accepted" {
	set_args exit 0
	run_baton --cgroup-manager=cgroupfs run "$CID"
	assert_success
}

@test "--systemd-cgroup without a systemd to ask: a clear error and nothing left" {
	[[ $(cat /proc/1/comm) != systemd ]] || skip "systemd runs here"
	set_args exit 0
	run_baton --systemd-cgroup run "$CID"
	assert_failure
	assert_output --partial 'cgroup-systemd: cannot reach systemd on the system bus'
	[[ ! -e $STATE_ROOT/$CID ]] || fail "state left behind"
	[[ -z $(leftover_cgroups) ]] || fail "cgroups: $(leftover_cgroups)"
	run_baton --cgroup-manager=systemd run "$CID"
	assert_failure
	assert_output --partial 'cannot reach systemd'
}

@test "--cgroup-manager: an unknown manager is named" {
	run_baton --cgroup-manager=bogus run "$CID"
	assert_failure
	assert_output --partial '--cgroup-manager=bogus: unknown cgroup manager'
}

@test "--systemd-cgroup: a cgroupsPath that is not slice:prefix:name is refused first" {
	update_config '.linux.cgroupsPath = "/not/a/unit"'
	run_baton --systemd-cgroup run "$CID"
	assert_failure
	assert_output --partial 'linux.cgroupsPath: the systemd cgroup manager wants slice:prefix:name'
	update_config '.linux.cgroupsPath = "bad:p:n"'
	run_baton --systemd-cgroup run "$CID"
	assert_output --partial 'linux.cgroupsPath: `bad` is not a slice name'
	update_config '.linux.cgroupsPath = "" | .annotations["org.systemd.property.CPUWeight"] = "1.5"'
	run_baton --systemd-cgroup run "$CID"
	assert_output --partial 'annotations.org.systemd.property.CPUWeight: cannot read `1.5`'
	[[ ! -e $STATE_ROOT/$CID ]] || fail "state left behind"
}

@test "without a cgroup namespace /sys/fs/cgroup shows the container's own cgroups" {
	update_config '.linux.namespaces |= map(select(.type != "cgroup")) |
		.linux.resources = {"memory": {"limit": 33554432}, "pids": {"limit": 17}}'
	set_cmd /bin/cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max
	run_baton run "$CID"
	assert_success
	assert_line --index 0 33554432
	assert_line --index 1 17
}
