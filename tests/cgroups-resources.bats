#!/usr/bin/env bats
# Every OCI resource, on whichever layout the host has (v1/hybrid here, v2 in
# the VM lane): set in config.json, read from the host and from inside the
# container, changed with `update`, read again; and the refusals.

load helpers
load cgroups-helpers

setup() {
	requires root
	setup_bundle
}

@test "memory: limit, reservation and swap, then update" {
	update_config '.linux.resources.memory = {"limit": 33554432, "reservation": 16777216, "swap": 67108864}'
	if cg_v2; then
		run_watcher memory.max memory.low memory.swap.max
		cg_both memory.max 33554432
		cg_both memory.low 16777216
		cg_both memory.swap.max 33554432 # v2 counts the swap alone
	else
		run_watcher memory.limit_in_bytes memory.soft_limit_in_bytes
		cg_both memory.limit_in_bytes 33554432
		cg_both memory.soft_limit_in_bytes 16777216
		[[ ! -e $(cg_path memory.memsw.limit_in_bytes) ]] ||
			cg_check memory.memsw.limit_in_bytes 67108864
	fi
	# raising both needs memory+swap first on v1
	run_baton update --memory 134217728 --memory-swap 268435456 --memory-reservation 8388608 "$CID"
	assert_success
	if cg_v2; then
		cg_both memory.max 134217728
		cg_both memory.low 8388608
		cg_both memory.swap.max 134217728
		# a swap alone counts from the current limit
		run_baton update --memory-swap 201326592 "$CID"
		assert_success
		cg_both memory.swap.max 67108864
	else
		cg_both memory.limit_in_bytes 134217728
		cg_both memory.soft_limit_in_bytes 8388608
		[[ ! -e $(cg_path memory.memsw.limit_in_bytes) ]] ||
			cg_check memory.memsw.limit_in_bytes 268435456
	fi
}

@test "memory: -1 is unlimited" {
	update_config '.linux.resources.memory = {"limit": -1}'
	run_watcher pids.max
	if cg_v2; then
		cg_check memory.max max
	else
		cg_check memory.limit_in_bytes 9223372036854771712
	fi
}

@test "memory: the v1-only knobs (kernelTCP, swappiness, disableOOMKiller)" {
	update_config '.linux.resources.memory = {"limit": 33554432, "kernelTCP": 8388608, "swappiness": 10, "disableOOMKiller": true}'
	run_watcher pids.max
	if cg_v2; then
		# cgroup v2 has none of these (crun ignores them there too)
		cg_check memory.max 33554432
	else
		cg_check memory.kmem.tcp.limit_in_bytes 8388608
		cg_check memory.swappiness 10
		[[ $(cg_value memory.oom_control) == "oom_kill_disable 1 "* ]] ||
			fail "memory.oom_control: $(cg_value memory.oom_control)"
	fi
}

@test "memory: a limit OOM-kills the container" {
	update_config '.linux.resources.memory = {"limit": 16777216, "swap": 16777216}'
	# the shell holds 64 MiB in a variable
	set_cmd /bin/sh -c 'x=$(head -c 67108864 /dev/zero | tr "\000" a); echo survived ${#x}'
	run_baton run "$CID"
	refute_output --partial survived
	assert_equal "$status" 137
	assert_output --partial "the OOM killer killed"
}

@test "memory: the cgroup counts the OOM kills (cgroup-setup --oom-kills)" {
	update_config '.linux.resources.memory = {"limit": 16777216, "swap": 16777216}'
	set_cmd /bin/sh -c '(x=$(head -c 67108864 /dev/zero | tr "\000" a)); echo child-gone; sleep 1000'
	run_baton run -d "$CID"
	assert_success
	container_pid >/dev/null
	wait_log child-gone
	run "$(dirname "$BATON")/../libexec/baton/cgroup-setup" --plan "$STATE_ROOT/$CID/plan" --oom-kills
	assert_success
	((output >= 1)) || fail "oom kills: $output"
}

@test "cpu: shares, quota, period and burst, then update" {
	update_config '.linux.resources.cpu = {"shares": 512, "quota": 50000, "period": 100000, "burst": 1000}'
	if cg_v2; then
		run_watcher cpu.weight cpu.max cpu.max.burst
		cg_both cpu.weight 20 # 1 + (512 - 2) * 9999 / 262142
		cg_both cpu.max "50000 100000"
		cg_both cpu.max.burst 1000
	else
		run_watcher cpu.shares cpu.cfs_quota_us cpu.cfs_period_us
		cg_both cpu.shares 512
		cg_both cpu.cfs_quota_us 50000
		cg_both cpu.cfs_period_us 100000
		cg_check cpu.cfs_burst_us 1000
	fi
	run_baton update --cpu-share 1024 --cpu-quota 20000 --cpu-period 50000 "$CID"
	assert_success
	if cg_v2; then
		cg_both cpu.weight 39
		cg_both cpu.max "20000 50000"
	else
		cg_both cpu.shares 1024
		cg_both cpu.cfs_quota_us 20000
		cg_both cpu.cfs_period_us 50000
	fi
	# a quota alone keeps the period
	run_baton update --cpu-quota 10000 "$CID"
	assert_success
	if cg_v2; then
		cg_both cpu.max "10000 50000"
	else
		cg_both cpu.cfs_quota_us 10000
		cg_both cpu.cfs_period_us 50000
	fi
}

@test "cpu: idle" {
	update_config '.linux.resources.cpu = {"idle": 1}'
	run_watcher cpu.idle
	cg_both cpu.idle 1
}

@test "cpu: realtime period (v1), refused on v2" {
	update_config '.linux.resources.cpu = {"realtimePeriod": 500000}'
	if cg_v2; then
		cg_refused
		assert_output --partial 'cpu.realtime-period` has no equivalent on cgroup v2'
		return
	fi
	if ! host_has rt_sched; then
		cg_refused
		assert_output 'baton: cgroup-setup: linux.resources.cpu.realtimePeriod: the host has no `cpu.rt_period_us` (a kernel without CONFIG_RT_GROUP_SCHED): No such file or directory'
		return
	fi
	run_watcher cpu.rt_period_us
	cg_both cpu.rt_period_us 500000
	run_baton update --cpu-rt-period 400000 "$CID"
	assert_success
	cg_both cpu.rt_period_us 400000
}

# The container may run SCHED_FIFO (CAP_SYS_NICE) once its cgroup has a budget.
rt_config() {
	update_config --argjson rt "$1" '.linux.resources.cpu = {"realtimePeriod": 1000000, "realtimeRuntime": $rt} |
		.process.capabilities |= with_entries(.value += ["CAP_SYS_NICE"])'
}

@test "cpu: realtime runtime (v1): the parents get a budget first, SCHED_FIFO works inside" {
	rt_config 10000
	if cg_v2; then
		cg_refused
		assert_output --partial '`cpu.realtime-period` has no equivalent on cgroup v2'
		return
	fi
	if ! host_has rt_sched; then
		cg_refused
		assert_output 'baton: cgroup-setup: linux.resources.cpu.realtimePeriod: the host has no `cpu.rt_period_us` (a kernel without CONFIG_RT_GROUP_SCHED): No such file or directory'
		return
	fi
	run_watcher cpu.rt_runtime_us
	cg_both cpu.rt_runtime_us 10000
	(($(cat "$CGROUP_V1/cpu/baton/cpu.rt_runtime_us") >= 10000)) || fail "/baton has no budget"
	run_baton exec "$CID" /probe rt
	assert_success
	assert_output ok
	run_baton update --cpu-rt-runtime 20000 "$CID"
	assert_success
	cg_both cpu.rt_runtime_us 20000
	(($(cat "$CGROUP_V1/cpu/baton/cpu.rt_runtime_us") >= 20000)) || fail "/baton's budget was not raised"
}

@test "cpu: without a realtime runtime (v1) SCHED_FIFO is refused, more than the host grants is a clear error" {
	cg_v2 && skip "v1 only: cgroup v2 has no realtime budgets"
	# without it, the test above checks the error
	requires rt_sched
	update_config '.process.capabilities |= with_entries(.value += ["CAP_SYS_NICE"])'
	set_args rt
	run_baton run "$CID"
	assert_success
	assert_output EPERM
	# the whole period: more than any root budget (950000 by default) leaves
	rt_config 1000000
	cg_refused
	assert_output --regexp '^baton: cgroup-setup: linux.resources.cpu.realtimeRuntime: 1000000 us needs [0-9]+ us in `/sys/fs/cgroup/cpu[^`]*/baton`, more than its parent grants'
}

@test "cpuset: cpus and mems, then update" {
	update_config '.linux.resources.cpu = {"cpus": "0", "mems": "0"}'
	run_watcher cpuset.cpus cpuset.mems
	cg_both cpuset.cpus 0
	cg_both cpuset.mems 0
	(($(nproc) > 1)) || skip "one cpu"
	run_baton update --cpuset-cpus 0-1 --cpuset-mems 0 "$CID"
	assert_success
	cg_both cpuset.cpus 0-1
}

@test "pids: limit, update, and the update is enforced" {
	update_config '.linux.resources.pids = {"limit": 42}'
	run_watcher pids.max
	cg_both pids.max 42
	run_baton update --pids-limit 100 "$CID"
	assert_success
	cg_both pids.max 100
	run_baton update --pids-limit -1 "$CID"
	assert_success
	cg_both pids.max max
}

@test "blockIO: weight (bfq or io.weight), then update; a clear error without either" {
	local file
	file=$(cg_weight_file)
	update_config '.linux.resources.blockIO = {"weight": 300}'
	if [[ -z $file ]]; then
		# mq-deadline, kyber or none: no scheduler with weights
		cg_refused
		if cg_v2; then
			assert_output 'baton: cgroup-setup: linux.resources.blockIO.weight: the host has neither `io.bfq.weight` nor `io.weight` (no bfq I/O scheduler and no io.weight (iocost)): No such file or directory'
		else
			assert_output 'baton: cgroup-setup: linux.resources.blockIO.weight: the host has neither `blkio.weight` nor `blkio.bfq.weight` (no bfq I/O scheduler): No such file or directory'
		fi
		# and `update` says the same of a container made without one
		update_config 'del(.linux.resources.blockIO)'
		run_watcher pids.max
		run_baton update --blkio-weight 500 "$CID"
		assert_failure
		assert_output --partial 'linux.resources.blockIO.weight: the host has neither'
		return
	fi
	run_watcher pids.max
	if [[ $file == io.weight ]]; then
		cg_check io.weight "default 2930" # 1 + (300 - 10) * 9999 / 990
	elif [[ $file == io.bfq.weight ]]; then
		cg_check io.bfq.weight "default 300"
	else
		cg_check "$file" 300
	fi
	run_baton update --blkio-weight 500 "$CID"
	assert_success
	if [[ $file == io.weight ]]; then
		cg_check io.weight "default 4950"
	elif [[ $file == io.bfq.weight ]]; then
		cg_check io.bfq.weight "default 500"
	else
		cg_check "$file" 500
	fi
}

@test "blockIO: weightDevice where the host has per-device weights, a clear error where not" {
	requires disk
	local disk file
	disk=$(cg_disk)
	file=$(cg_weight_file device)
	update_config --argjson maj "${disk%:*}" --argjson min "${disk#*:}" \
		'.linux.resources.blockIO = {"weightDevice": [{"major": $maj, "minor": $min, "weight": 200}]}'
	if [[ -z $file ]]; then
		cg_refused
		assert_output --regexp '^baton: cgroup-setup: linux.resources.blockIO.weightDevice: the host has neither `[a-z._]+` nor `[a-z._]+` \(no bfq I/O scheduler'
		return
	fi
	# iocost takes a device's weight only where the host enabled it for that
	# device (the root's io.cost.qos, not ours to change): else the kernel's
	# refusal, named
	if [[ $file == io.weight ]] && ! grep -q "^$disk enable=1" /sys/fs/cgroup/io.cost.qos 2>/dev/null; then
		cg_refused
		assert_output --regexp '^baton: cgroup-setup: linux.resources.blockIO.weightDevice: write `'"$disk"' 1920` to `[^`]*/io.weight`: '
		return
	fi
	run_watcher pids.max
	# one line per device; ours among them
	if [[ $file == io.weight ]]; then
		grep -qx "$disk 1920" "$(cg_path "$file")" || fail "$file: $(cat "$(cg_path "$file")")"
	else
		grep -qx "$disk 200" "$(cg_path "$file")" || fail "$file: $(cat "$(cg_path "$file")")"
	fi
}

@test "blockIO: throttles of a disk" {
	requires disk
	local disk
	disk=$(cg_disk)
	local maj=${disk%:*} min=${disk#*:}
	update_config --argjson maj "$maj" --argjson min "$min" '.linux.resources.blockIO = {
		"throttleReadBpsDevice": [{"major": $maj, "minor": $min, "rate": 1048576}],
		"throttleWriteBpsDevice": [{"major": $maj, "minor": $min, "rate": 2097152}],
		"throttleReadIOPSDevice": [{"major": $maj, "minor": $min, "rate": 100}],
		"throttleWriteIOPSDevice": [{"major": $maj, "minor": $min, "rate": 200}]}'
	run_watcher pids.max
	if cg_v2; then
		cg_check io.max "$disk rbps=1048576 wbps=2097152 riops=100 wiops=200"
	else
		cg_check blkio.throttle.read_bps_device "$disk 1048576"
		cg_check blkio.throttle.write_bps_device "$disk 2097152"
		cg_check blkio.throttle.read_iops_device "$disk 100"
		cg_check blkio.throttle.write_iops_device "$disk 200"
	fi
}

@test "hugepageLimits: set where hugetlb exists, a clear error where not" {
	update_config '.linux.resources.hugepageLimits = [{"pageSize": "2MB", "limit": 4194304}]'
	if ! cg_has_controller hugetlb; then
		cg_refused
		assert_output --partial 'linux.resources.hugepageLimits: the host has no cgroup controller `hugetlb`'
		return
	fi
	run_watcher pids.max
	if cg_v2; then
		cg_check hugetlb.2MB.max 4194304
		[[ ! -e $(cg_path hugetlb.2MB.rsvd.max) ]] || cg_check hugetlb.2MB.rsvd.max 4194304
	else
		cg_check hugetlb.2MB.limit_in_bytes 4194304
	fi
}

@test "network: classID on v1 with net_cls, refused elsewhere" {
	update_config '.linux.resources.network = {"classID": 1048577}'
	if cg_v2; then
		cg_refused
		assert_output --partial '`network.class-id` has no equivalent on cgroup v2'
	elif ! cg_has_controller net_cls; then
		cg_refused
		assert_output 'baton: cgroup-setup: linux.resources.network.classID: the host has no cgroup controller `net_cls` (for `net_cls.classid`): No such file or directory'
	else
		run_watcher pids.max
		cg_check net_cls.classid 1048577
	fi
}

@test "network: priorities on v1 with net_prio, refused elsewhere" {
	update_config '.linux.resources.network = {"priorities": [{"name": "lo", "priority": 5}]}'
	if cg_v2; then
		cg_refused
		assert_output --partial '`network.priorities` has no equivalent on cgroup v2'
	elif ! cg_has_controller net_prio; then
		cg_refused
		assert_output 'baton: cgroup-setup: linux.resources.network.priorities: the host has no cgroup controller `net_prio` (for `net_prio.ifpriomap`): No such file or directory'
	else
		run_watcher pids.max
		grep -qx 'lo 5' "$(cg_path net_prio.ifpriomap)" ||
			fail "net_prio.ifpriomap: $(cat "$(cg_path net_prio.ifpriomap)")"
	fi
}

@test "rdma: limits where the controller and a device exist, a clear error where not" {
	local dev
	dev=$(ls /sys/class/infiniband 2>/dev/null | head -n 1)
	update_config --arg d "${dev:-mlx5_0}" '.linux.resources.rdma = {($d): {"hcaHandles": 3, "hcaObjects": 10000}}'
	if ! cg_has_controller rdma; then
		cg_refused
		assert_output 'baton: cgroup-setup: linux.resources.rdma: the host has no cgroup controller `rdma` (for `rdma.max`): No such file or directory'
		return
	fi
	[[ -n $dev ]] || skip "the rdma controller is here, but no RDMA device to limit"
	run_watcher pids.max
	grep -qx "$dev hca_handle=3 hca_object=10000" "$(cg_path rdma.max)" ||
		fail "rdma.max: $(cat "$(cg_path rdma.max)")"
}

@test "unified: raw v2 keys on v2, a clear error on v1" {
	update_config '.linux.resources.unified = {"memory.high": "33554432", "pids.max": "17"}'
	if ! cg_v2; then
		cg_refused
		assert_output 'baton: cgroup-setup: linux.resources.unified.memory.high: cgroup v2 keys need a cgroup v2 host (this one has cgroup v1 controllers)'
		return
	fi
	run_watcher memory.high pids.max
	cg_both memory.high 33554432
	cg_both pids.max 17
}

@test "unified: an unknown key fails and leaves nothing" {
	cg_v2 || skip "needs cgroup v2"
	update_config '.linux.resources.unified = {"memory.nosuchknob": "1"}'
	cg_refused
	assert_output --partial 'memory.nosuchknob'
}

@test "bad values are refused before anything is made" {
	update_config '.linux.resources.memory = {"limit": -2}'
	cg_refused
	assert_output 'baton: parse-config: linux.resources.memory.limit: -2 out of range -1..9223372036854775807'
	update_config '.linux.resources.memory = {} | .linux.resources.blockIO = {"weight": 1001}'
	cg_refused
	assert_output 'baton: parse-config: linux.resources.blockIO.weight: 1001 out of range 10..1000'
	update_config '.linux.resources.blockIO = {} | .linux.resources.cpu = {"idle": 2}'
	cg_refused
	assert_output --partial 'linux.resources.cpu.idle: 2 out of range'
}

@test "a value the kernel refuses fails the create and leaves nothing" {
	update_config '.linux.resources.cpu = {"cpus": "4096"}'
	cg_refused
	assert_output --regexp "baton: cgroup-setup: write \`4096\` to \`.*cpuset.cpus\`: (Invalid argument|Numerical result out of range|Result not representable)"
}

@test "devices: the device cgroup (v1 list or v2 eBPF program) denies and allows" {
	# 10:200 (tun) and 1:11 (kmsg) are not in the default list: tun may be read
	# (and made), kmsg only made
	update_config '.linux.devices = [{"path": "/dev/baton-tun", "type": "c", "major": 10, "minor": 200, "fileMode": 438},
			{"path": "/dev/baton-kmsg", "type": "c", "major": 1, "minor": 11, "fileMode": 438}] |
		.linux.resources.devices = [{"allow": false, "access": "rwm"},
			{"allow": true, "type": "c", "major": 10, "minor": 200, "access": "rm"},
			{"allow": true, "type": "c", "major": 1, "minor": 11, "access": "m"}]'
	# a read the cgroup allows may still fail in the driver (EBADFD, ENODEV): only EPERM counts
	set_cmd /bin/sh -c 'for d in /dev/baton-tun /dev/null /dev/baton-kmsg; do /probe write $d; done
		if cat /dev/baton-tun 2>&1 | grep -q "not permitted"; then echo read-denied; else echo read-allowed; fi'
	run_baton run "$CID"
	assert_success
	assert_line --index 0 'EPERM'
	assert_line --index 1 'ok'
	assert_line --index 2 'EPERM'
	assert_line --index 3 'read-allowed'
}
