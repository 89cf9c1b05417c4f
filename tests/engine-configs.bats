#!/usr/bin/env bats
# Configs written by other engines, as they send them: Go encoders write zero
# values for everything the user left alone, hooks that exec /proc/PID/exe,
# Docker's default seccomp profile. tests/fixtures/ holds them verbatim.

load helpers
load cgroups-helpers

FIXTURES=$BATS_TEST_DIRNAME/fixtures

setup() {
	requires root
	setup_bundle
}

# docker_config: the config Docker 20.10 sent, with its host paths pointed
# into the bundle, and its prestart hook (dockerd's own binary through
# /proc/PID/exe) replaced by this shell's binary the same way.
docker_config() {
	local data=$BUNDLE/docker-data id
	id=$(jq -r '.mounts[] | select(.destination == "/etc/hosts") | .source' \
		"$FIXTURES/docker-20.10-config.json" | awk -F/ '{print $(NF-1)}')
	mkdir -p "$data/data/containers/$id"
	echo "nameserver 127.0.0.1" >"$data/data/containers/$id/resolv.conf"
	echo "$id" | cut -c1-12 >"$data/data/containers/$id/hostname"
	echo "127.0.0.1 localhost" >"$data/data/containers/$id/hosts"
	sed "s#DATA_ROOT#$data#g" "$FIXTURES/docker-20.10-config.json" >"$BUNDLE/config.json"
	# Docker's cgroup parent; ours keeps the teardown's cgroup checks meaningful
	update_config --arg exe "/proc/$$/exe" --arg out "$BUNDLE/hook.out" '
		del(.linux.cgroupsPath)
		| .hooks.prestart[0] = {"path": $exe,
			"args": ["bash", "-c", "cat >\($out)"]}
		| .process.args = ["/probe", "ids"]'
}

@test "Docker 20.10's config runs: zero values are unset, the hook runs through /proc/PID/exe" {
	docker_config
	[[ $(jq -c .linux.resources.cpu "$BUNDLE/config.json") == '{"shares":0}' ]]
	[[ $(jq -c .linux.resources.blockIO "$BUNDLE/config.json") == '{"weight":0}' ]]
	run_baton run "$CID"
	assert_success
	assert_output 'uid=0 gid=0 euid=0 egid=0 groups=0'
	# the hook got the state on stdin
	[[ $(jq -r .id "$BUNDLE/hook.out") == "$CID" ]] || fail "hook: $(cat "$BUNDLE/hook.out")"
}

@test "Docker 20.10's config: shares 0 leaves the default, its sysctls apply" {
	docker_config
	update_config '.process.args = ["/bin/sh", "-c",
		"cat /proc/sys/net/ipv4/ping_group_range; cat /proc/sys/net/ipv4/ip_unprivileged_port_start; sleep 1000"]'
	run_baton run -d "$CID"
	assert_success
	container_pid >/dev/null
	wait_log 'ip_unprivileged|^0$'
	grep -q $'^0\t2147483647$' "$LAST_LOG" || fail "ping_group_range: $(cat "$LAST_LOG")"
	if cg_has_controller cpu; then
		if cg_v2; then cg_check cpu.weight 100; else cg_check cpu.shares 1024; fi
	fi
}

@test "zero values of every numeric resource are read as not set at create" {
	update_config '.linux.resources = {
		"memory": {"limit": 0, "reservation": 0, "swap": 0, "kernel": 0, "kernelTCP": 0},
		"cpu": {"shares": 0, "quota": 0, "period": 0, "realtimeRuntime": 0,
			"realtimePeriod": 0, "cpus": "", "mems": ""},
		"pids": {"limit": 0},
		"blockIO": {"weight": 0, "leafWeight": 0,
			"weightDevice": [{"major": 8, "minor": 0, "weight": 0, "leafWeight": 0}]},
		"network": {"classID": 0}}'
	set_args sleep
	run_baton run -d "$CID"
	assert_success
	container_pid >/dev/null
	if cg_v2; then
		cg_check memory.max max
		cg_check pids.max max
		cg_has_controller cpu && cg_check cpu.max "max 100000"
	else
		cg_check memory.limit_in_bytes 9223372036854771712
		cg_check pids.max max
		cg_check cpu.shares 1024
		cg_check cpu.cfs_quota_us -1
		[[ -n $(cg_value cpuset.cpus) ]] || fail "cpuset.cpus is empty"
	fi
}

@test "update -r with Docker's resources object: zeros change nothing, the limit applies" {
	update_config '.linux.resources = {"cpu": {"shares": 512}, "pids": {"limit": 100}}'
	set_args sleep
	run_baton run -d "$CID"
	assert_success
	container_pid >/dev/null
	# what `docker update --memory 64m` hands the runtime through containerd
	cat >"$BUNDLE/update.json" <<-'JSON'
		{"memory": {"limit": 67108864, "reservation": 0, "swap": 0, "kernel": 0, "kernelTCP": 0},
		 "cpu": {"shares": 0, "quota": 0, "period": 0, "realtimeRuntime": 0,
		         "realtimePeriod": 0, "cpus": "", "mems": ""},
		 "blockIO": {"weight": 0}, "pids": {"limit": 0}}
	JSON
	run_baton update -r "$BUNDLE/update.json" "$CID"
	assert_success
	assert_output ''
	if cg_v2; then
		cg_check memory.max 67108864
		cg_check pids.max 100
	else
		cg_check memory.limit_in_bytes 67108864
		cg_check pids.max 100
		cg_check cpu.shares 512
	fi
}

@test "a non-zero value out of range is still refused, naming the field" {
	update_config '.linux.resources.blockIO = {"weight": 5}'
	run_baton create "$CID"
	assert_failure 1
	assert_output 'baton: parse-config: linux.resources.blockIO.weight: 5 out of range 10..1000'
	update_config '.linux.resources.blockIO = {"weight": 0} | .linux.resources.cpu = {"cpus": 0}'
	run_baton create "$CID"
	assert_failure 1
	assert_output --partial 'linux.resources.cpu.cpus'
}
