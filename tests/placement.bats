#!/usr/bin/env bats
# Where and when the process runs: process.scheduler, process.ioPriority,
# process.execCPUAffinity and linux.memoryPolicy, read back inside the container.

load helpers

setup() {
	requires root
	setup_bundle
}

run_probe() {
	set_args "$@"
	run_baton run "$CID"
	assert_success
}

assert_nothing_created() {
	[[ -z $(ls -A "$STATE_ROOT" 2>/dev/null) ]] || fail "state left: $(ls -A "$STATE_ROOT")"
	[[ -z $(leftover_cgroups) ]] || fail "cgroups left: $(leftover_cgroups)"
}

# create must fail in parse-config, with one line that contains TEXT, and leave nothing.
assert_config_error() {
	run_baton create "$CID"
	assert_failure 1
	assert_output --regexp '^baton: parse-config: '
	assert_output --partial "$1"
	[[ ${#lines[@]} -eq 1 ]] || fail "expected one line of error, got: $output"
	assert_nothing_created
}

@test "process.scheduler SCHED_BATCH with nice and SCHED_FLAG_RESET_ON_FORK" {
	update_config '.process.scheduler = {"policy": "SCHED_BATCH", "nice": 5, "flags": ["SCHED_FLAG_RESET_ON_FORK"]}'
	run_probe sched
	# EEVDF kernels report the fair slice as the runtime
	assert_output --regexp '^policy=SCHED_BATCH priority=0 nice=5 flags=0x1 runtime=[0-9]+ deadline=0 period=0$'
}

@test "process.scheduler SCHED_IDLE and SCHED_OTHER" {
	update_config '.process.scheduler = {"policy": "SCHED_IDLE"}'
	run_probe sched
	assert_output --regexp '^policy=SCHED_IDLE priority=0 '
	update_config '.process.scheduler = {"policy": "SCHED_OTHER", "nice": -3}'
	run_probe sched
	assert_output --regexp '^policy=SCHED_OTHER priority=0 nice=-3 '
}

# Real-time tasks need an rt budget in their cgroup where the kernel groups
# rt bandwidth (cgroup v1 cpu.rt_runtime_us): without one, the clear error.
@test "process.scheduler SCHED_FIFO and SCHED_RR with a priority" {
	local policy
	for policy in SCHED_FIFO SCHED_RR; do
		update_config --arg p "$policy" '.process.scheduler = {"policy": $p, "priority": 10}'
		set_args sched
		run_baton run "$CID"
		if [[ $status -ne 0 ]]; then
			assert_output --partial "process.scheduler: sched_setattr $policy (priority 10): refused here"
			assert_output --partial 'needs CAP_SYS_NICE'
		else
			assert_output "policy=$policy priority=10 nice=0 flags=0x0 runtime=0 deadline=0 period=0"
		fi
	done
	[[ -f /sys/fs/cgroup/cpu/cpu.rt_runtime_us ]] || return 0
	update_config '.linux.resources.cpu = {"realtimeRuntime": 10000, "realtimePeriod": 1000000}'
	for policy in SCHED_FIFO SCHED_RR; do
		update_config --arg p "$policy" '.process.scheduler = {"policy": $p, "priority": 10}'
		run_probe sched
		assert_output "policy=$policy priority=10 nice=0 flags=0x0 runtime=0 deadline=0 period=0"
	done
}

@test "process.scheduler SCHED_DEADLINE gets its runtime, deadline and period" {
	update_config '.process.scheduler = {"policy": "SCHED_DEADLINE", "runtime": 1000000, "deadline": 10000000, "period": 20000000}'
	set_args sched
	run_baton run "$CID"
	if [[ $status -ne 0 ]]; then
		assert_output --partial 'process.scheduler: sched_setattr SCHED_DEADLINE (runtime 1000000, deadline 10000000, period 20000000): refused here'
		return
	fi
	assert_output 'policy=SCHED_DEADLINE priority=0 nice=0 flags=0x0 runtime=1000000 deadline=10000000 period=20000000'
}

@test "process.scheduler: invalid settings are refused before any side effect" {
	update_config '.process.scheduler = {"nice": 1}'
	assert_config_error 'process.scheduler.policy: required'
	update_config '.process.scheduler = {"policy": "SCHED_ISO"}'
	assert_config_error 'process.scheduler.policy: unknown policy "SCHED_ISO"'
	update_config '.process.scheduler = {"policy": "SCHED_FIFO"}'
	assert_config_error 'process.scheduler.priority: SCHED_FIFO takes 1..99, got 0'
	update_config '.process.scheduler = {"policy": "SCHED_RR", "priority": 100}'
	assert_config_error 'process.scheduler.priority: SCHED_RR takes 1..99, got 100'
	update_config '.process.scheduler = {"policy": "SCHED_OTHER", "priority": 3}'
	assert_config_error 'process.scheduler.priority: must be 0 for SCHED_OTHER, got 3'
	update_config '.process.scheduler = {"policy": "SCHED_OTHER", "nice": 20}'
	assert_config_error 'process.scheduler.nice'
	update_config '.process.scheduler = {"policy": "SCHED_OTHER", "flags": ["SCHED_FLAG_FOO"]}'
	assert_config_error 'process.scheduler.flags[0]: unknown scheduler flag "SCHED_FLAG_FOO"'
}

@test "process.scheduler: SCHED_DEADLINE's rules are checked before any side effect" {
	update_config '.process.scheduler = {"policy": "SCHED_DEADLINE", "deadline": 10000}'
	assert_config_error 'process.scheduler.runtime: required for SCHED_DEADLINE'
	update_config '.process.scheduler = {"policy": "SCHED_DEADLINE", "runtime": 10000}'
	assert_config_error 'process.scheduler.deadline: required for SCHED_DEADLINE'
	update_config '.process.scheduler = {"policy": "SCHED_DEADLINE", "runtime": 1000, "deadline": 10000}'
	assert_config_error 'process.scheduler.runtime: at least 1024 ns, got 1000'
	update_config '.process.scheduler = {"policy": "SCHED_DEADLINE", "runtime": 20000, "deadline": 10000}'
	assert_config_error 'process.scheduler.runtime: 20000 is over the deadline 10000'
	update_config '.process.scheduler = {"policy": "SCHED_DEADLINE", "runtime": 2000, "deadline": 10000, "period": 5000}'
	assert_config_error 'process.scheduler.deadline: 10000 is over the period 5000'
	update_config '.process.scheduler = {"policy": "SCHED_DEADLINE", "runtime": 2000, "deadline": 9223372036854775808}'
	assert_config_error 'process.scheduler.deadline: must be below 2^63 ns'
}

@test "exec honours the exec'd process's own scheduler" {
	set_args sleep
	run_baton run -d "$CID"
	assert_success
	jq '.process | .args = ["/probe", "sched"] | .scheduler = {"policy": "SCHED_BATCH", "nice": 7}' \
		"$BUNDLE/config.json" >"$BATS_TEST_TMPDIR/process.json"
	run_baton exec --process "$BATS_TEST_TMPDIR/process.json" "$CID"
	assert_success
	assert_output --regexp '^policy=SCHED_BATCH priority=0 nice=7 '
	# the container's own process, started with a scheduler, gives it to exec too
	run_baton delete -f "$CID"
	update_config '.process.scheduler = {"policy": "SCHED_IDLE"}'
	set_args sleep
	run_baton run -d "$CID"
	assert_success
	run_baton exec "$CID" /probe sched
	assert_success
	assert_output --regexp '^policy=SCHED_IDLE '
	run_baton delete -f "$CID"
}

@test "process.ioPriority: each class and level, read with ioprio_get" {
	update_config '.process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 6}'
	run_probe ioprio
	assert_output 'class=2 level=6'
	update_config '.process.ioPriority = {"class": "IOPRIO_CLASS_RT", "priority": 1}'
	run_probe ioprio
	assert_output 'class=1 level=1'
	update_config '.process.ioPriority = {"class": "IOPRIO_CLASS_IDLE"}'
	run_probe ioprio
	assert_output --regexp '^class=3 '
}

@test "process.ioPriority: a bad class or level names the field" {
	update_config '.process.ioPriority = {"class": "IOPRIO_CLASS_NONE"}'
	assert_config_error 'process.ioPriority.class: unknown class "IOPRIO_CLASS_NONE"'
	update_config '.process.ioPriority = {"priority": 1}'
	assert_config_error 'process.ioPriority.class: required'
	update_config '.process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 8}'
	assert_config_error 'process.ioPriority.priority: 8 out of range 0..7'
}

@test "process.execCPUAffinity.final is the user's program's affinity" {
	local last=$(($(nproc --all) - 1))
	update_config --arg c "$last" '.process.execCPUAffinity = {"initial": "0", "final": $c}'
	run_probe affinity
	assert_output "$last"
	update_config --arg c "0-$last" '.process.execCPUAffinity = {"final": $c}'
	run_probe affinity
	if ((last == 0)); then assert_output '0'; else assert_output "0-$last"; fi
	# initial alone: final-exec's first step, and the program keeps it
	update_config --arg c "$last" '.process.execCPUAffinity = {"initial": $c}'
	run_probe affinity
	assert_output "$last"
}

@test "process.execCPUAffinity: a malformed list or a cpu the host lacks names the field" {
	local n
	n=$(nproc --all)
	update_config '.process.execCPUAffinity = {"final": "0-"}'
	assert_config_error 'process.execCPUAffinity.final: "0-" is not a list like 0-3,7'
	update_config '.process.execCPUAffinity = {"initial": "3-1"}'
	assert_config_error 'process.execCPUAffinity.initial: "3-1" is not a list like 0-3,7'
	update_config --arg c "0,$n" '.process.execCPUAffinity = {"final": $c}'
	assert_config_error "process.execCPUAffinity.final: cpus $n in \"0,$n\": this host has cpus 0-$((n - 1))"
	update_config '.process.execCPUAffinity = {"final": ""}'
	assert_config_error 'process.execCPUAffinity.final: an empty cpu list'
}

@test "linux.memoryPolicy MPOL_BIND on node 0 with MPOL_F_STATIC_NODES" {
	update_config '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "0", "flags": ["MPOL_F_STATIC_NODES"]}'
	run_probe mempolicy
	assert_line --index 0 'mode=2 flags=0x8000 nodes=0'
	assert_line --index 1 --regexp '^allowed=0'
}

@test "linux.memoryPolicy: each mode the host can take" {
	local mode n
	for mode in MPOL_PREFERRED:1 MPOL_INTERLEAVE:3 MPOL_PREFERRED_MANY:5; do
		update_config --arg m "${mode%:*}" '.linux.memoryPolicy = {"mode": $m, "nodes": "0"}'
		run_probe mempolicy
		assert_line --index 0 "mode=${mode#*:} flags=0x0 nodes=0"
	done
	update_config '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "0", "flags": ["MPOL_F_NUMA_BALANCING"]}'
	run_probe mempolicy
	assert_line --index 0 'mode=2 flags=0x2000 nodes=0'
	update_config '.linux.memoryPolicy = {"mode": "MPOL_LOCAL"}'
	run_probe mempolicy
	assert_line --index 0 'mode=4 flags=0x0 nodes='
	update_config '.linux.memoryPolicy = {"mode": "MPOL_DEFAULT"}'
	run_probe mempolicy
	assert_line --index 0 'mode=0 flags=0x0 nodes='
	# weighted interleave came with Linux 6.9: applied, or the kernel's clear refusal
	update_config '.linux.memoryPolicy = {"mode": "MPOL_WEIGHTED_INTERLEAVE", "nodes": "0"}'
	set_args mempolicy
	run_baton run "$CID"
	if [[ $status -eq 0 ]]; then
		assert_line --index 0 'mode=6 flags=0x0 nodes=0'
	else
		assert_output --partial 'linux.memoryPolicy: set_mempolicy MPOL_WEIGHTED_INTERLEAVE nodes `0`'
	fi
}

@test "linux.memoryPolicy: bad modes, flags and node lists name the field" {
	local n
	n=$(($(sed 's/.*-//' /sys/devices/system/node/possible 2>/dev/null || echo 0) + 1))
	update_config '.linux.memoryPolicy = {"nodes": "0"}'
	assert_config_error 'linux.memoryPolicy.mode: required'
	update_config '.linux.memoryPolicy = {"mode": "MPOL_FOO"}'
	assert_config_error 'linux.memoryPolicy.mode: unknown mode "MPOL_FOO"'
	update_config '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "0", "flags": ["MPOL_F_FOO"]}'
	assert_config_error 'linux.memoryPolicy.flags[0]: unknown memory policy flag "MPOL_F_FOO"'
	update_config '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "0", "flags": ["MPOL_F_STATIC_NODES", "MPOL_F_RELATIVE_NODES"]}'
	assert_config_error 'linux.memoryPolicy.flags: MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES exclude each other'
	update_config '.linux.memoryPolicy = {"mode": "MPOL_INTERLEAVE", "nodes": "0", "flags": ["MPOL_F_NUMA_BALANCING"]}'
	assert_config_error 'linux.memoryPolicy.flags: MPOL_F_NUMA_BALANCING needs MPOL_BIND, not MPOL_INTERLEAVE'
	update_config '.linux.memoryPolicy = {"mode": "MPOL_DEFAULT", "nodes": "0"}'
	assert_config_error 'linux.memoryPolicy.nodes: MPOL_DEFAULT takes no nodes'
	update_config '.linux.memoryPolicy = {"mode": "MPOL_LOCAL", "flags": ["MPOL_F_STATIC_NODES"]}'
	assert_config_error 'linux.memoryPolicy.flags: MPOL_LOCAL takes no flags'
	update_config '.linux.memoryPolicy = {"mode": "MPOL_BIND"}'
	assert_config_error 'linux.memoryPolicy.nodes: required for MPOL_BIND'
	update_config '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "0,,1"}'
	assert_config_error 'linux.memoryPolicy.nodes: "0,,1" is not a list like 0-3,7'
	update_config --arg v "0-$n" '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": $v}'
	assert_config_error "linux.memoryPolicy.nodes: nodes $n in \"0-$n\": this host has nodes 0-$((n - 1))"
}

@test "features lists exactly the memory policy modes and flags parse-config accepts" {
	local mode flag
	run "$BATON" features
	assert_success
	for mode in $(jq -r '.linux.memoryPolicy.modes[]' <<<"$output"); do
		if [[ $mode == MPOL_DEFAULT || $mode == MPOL_LOCAL ]]; then
			update_config --arg m "$mode" '.linux.memoryPolicy = {"mode": $m}'
		else
			update_config --arg m "$mode" '.linux.memoryPolicy = {"mode": $m, "nodes": "0"}'
		fi
		run "$BATON" stage parse-config --bundle "$BUNDLE"
		assert_success
		assert_line --regexp $'^memory-policy\t'"$mode"$'\t'
	done
	run "$BATON" features
	for flag in $(jq -r '.linux.memoryPolicy.flags[]' <<<"$output"); do
		update_config --arg f "$flag" '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "0", "flags": [$f]}'
		run "$BATON" stage parse-config --bundle "$BUNDLE"
		assert_success
	done
	run "$BATON" features
	[[ $(jq '.linux.memoryPolicy.modes | length' <<<"$output") == 7 ]] || fail "modes: $output"
	[[ $(jq '.linux.memoryPolicy.flags | length' <<<"$output") == 3 ]] || fail "flags: $output"
}
