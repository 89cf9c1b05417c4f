# Shared helpers of the bats suite, in the style of runc's integration tests:
# a fresh bundle per test, `update_config`, `requires`, `check_cgroup_value`,
# and a teardown that fails the test when anything was left behind.
#
# Every test gets:
#   CID         a container id unique to the test (extra ids must start with "$CID-")
#   BUNDLE      $BATS_TEST_TMPDIR/bundle, rootfs from tests/.rootfs, config from `baton spec`
#   STATE_ROOT  $BATS_TEST_TMPDIR/state, passed as --root by baton_cmd

load /usr/lib/bats/bats-support/load.bash
load /usr/lib/bats/bats-assert/load.bash

# The host side of the v1 hierarchies on this hybrid host.
CGROUP_V1=/sys/fs/cgroup
# Seconds before a hanging baton command is killed (a hang must fail, not stall CI).
BATON_TIMEOUT=${BATON_TIMEOUT:-60}

TRACKED_PIDS=()
DEFERRED=()

# baton with the test's private state root, under a time limit.
baton_cmd() {
	timeout -k 5 "$BATON_TIMEOUT" "$BATON" --root "$STATE_ROOT" "$@"
}

# Like bats' `run baton_cmd ...`, but through a file: a container inherits
# baton's stdout, and a pipe would hold `run` open until the container exits.
# Later container output keeps landing in $LAST_LOG.
run_baton() {
	LOG_SEQ=$((${LOG_SEQ:-0} + 1))
	LAST_LOG=$BATS_TEST_TMPDIR/baton.$LOG_SEQ.log
	status=0
	baton_cmd "$@" >"$LAST_LOG" 2>&1 </dev/null 3>&- || status=$?
	output=$(cat "$LAST_LOG")
	mapfile -t lines <<<"$output"
	[[ -n $output ]] || lines=()
}

# A fresh bundle whose process is the probe, not a terminal.
setup_bundle() {
	[[ -x $BATON ]] || fail "no baton binary at $BATON (build first)"
	CID="bt$$-${BATS_SUITE_TEST_NUMBER:-$RANDOM}"
	BUNDLE=$BATS_TEST_TMPDIR/bundle
	STATE_ROOT=$BATS_TEST_TMPDIR/state
	mkdir -p "$BUNDLE" "$STATE_ROOT"
	cp -a "$BATON_ROOTFS" "$BUNDLE/rootfs"
	MOUNTS_BEFORE=$(wc -l </proc/self/mountinfo)
	run "$BATON" spec -b "$BUNDLE"
	[[ $status -eq 0 && -f $BUNDLE/config.json ]] ||
		fail "baton spec -b $BUNDLE failed ($status): $output"
	# tests that need a read-only root say so
	update_config '.process.terminal = false | .process.args = ["/probe", "ids"] | .root.readonly = false'
	cd "$BUNDLE" || fail "cd $BUNDLE"
}

# update_config [JQ-OPTIONS...] EXPR: edit the bundle's config.json in place.
update_config() {
	local tmp=$BUNDLE/config.json.tmp
	jq "$@" "$BUNDLE/config.json" >"$tmp" || fail "jq $* failed"
	mv "$tmp" "$BUNDLE/config.json"
}

# Set the probe's command line: set_args sleep / set_args mount /proc.
set_args() {
	local args
	args=$(jq -cn '$ARGS.positional' --args -- /probe "$@")
	update_config --argjson a "$args" '.process.args = $a'
}

# Set process.args to any command line (not the probe).
set_cmd() {
	local args
	args=$(jq -cn '$ARGS.positional' --args -- "$@")
	update_config --argjson a "$args" '.process.args = $a'
}

# host_has FEATURE: does this host have it? For tests that take one branch
# where it exists and check baton's error where it does not.
#   apparmor, selinux     the LSM is enabled
#   cap_sys_resource      in our bounding set (rlimits above the hard limit)
#   rt_sched              v1 realtime budgets (CONFIG_RT_GROUP_SCHED)
#   swap_accounting       v1 memory.memsw.* (swapaccount=1)
#   disk                  a whole disk to throttle or weigh
#   controller:NAME       a cgroup controller containers can use
host_has() {
	case $1 in
	apparmor)
		[[ -e /proc/self/attr/apparmor/exec &&
			$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null) == Y ]]
		;;
	selinux) grep -qw selinuxfs /proc/filesystems ;;
	cap_sys_resource) (($(awk '/^CapBnd/ {print "0x" $2}' /proc/self/status) >> 24 & 1)) ;;
	rt_sched) [[ -e $CGROUP_V1/cpu/cpu.rt_runtime_us ]] ;;
	swap_accounting) [[ -e $CGROUP_V1/memory/memory.memsw.limit_in_bytes ]] ;;
	disk) [[ -n $(host_disk) ]] ;;
	controller:*)
		if [[ $(stat -f -c %T /sys/fs/cgroup 2>/dev/null) == cgroup2fs ]]; then
			grep -qw "${1#controller:}" /sys/fs/cgroup/cgroup.controllers
		else
			[[ $(stat -f -c %T "$CGROUP_V1/${1#controller:}" 2>/dev/null) == cgroupfs ]]
		fi
		;;
	*) fail "host_has: unknown feature $1" ;;
	esac
}

# The "MAJ:MIN" of a whole disk of this machine (not a loop, ram or partition), or nothing.
host_disk() {
	awk 'NR > 2 && $4 !~ /[0-9]$/ && $1 != 7 && $1 != 1 {print $1 ":" $2; exit}' /proc/partitions
}

# requires FEATURE...: skip the test unless the host has it (see host_has
# for the host features; a skip says what is missing).
requires() {
	local r
	for r in "$@"; do
		case $r in
		apparmor | selinux | cap_sys_resource | rt_sched | swap_accounting | disk | controller:*)
			host_has "$r" || skip "needs $r, which this host lacks"
			;;
		root) [[ $EUID -eq 0 ]] || skip "needs root" ;;
		rootless) [[ $EUID -ne 0 ]] || skip "needs a non-root user" ;;
		cgroup_v1)
			[[ $(stat -f -c %T "$CGROUP_V1/memory" 2>/dev/null) == cgroupfs ]] ||
				skip "needs cgroup v1 controllers"
			;;
		cgroup_v2)
			[[ $(stat -f -c %T /sys/fs/cgroup 2>/dev/null) == cgroup2fs ]] ||
				skip "needs the unified cgroup hierarchy"
			;;
		userns)
			[[ -e /proc/self/ns/user && $(cat /proc/sys/user/max_user_namespaces) -gt 0 ]] ||
				skip "needs user namespaces"
			;;
		timens) [[ -e /proc/self/ns/time ]] || skip "needs time namespaces" ;;
		ip) command -v ip >/dev/null || skip "needs iproute2" ;;
		tmux) command -v tmux >/dev/null || skip "needs tmux" ;;
		*) fail "requires: unknown feature $r" ;;
		esac
	done
}

# The controller a v1 cgroup file belongs to: memory.limit_in_bytes -> memory.
cgroup_controller() {
	case $1 in
	cpuset.*) echo cpuset ;;
	cpuacct.*) echo cpuacct ;;
	cpu.*) echo cpu ;;
	*) echo "${1%%.*}" ;;
	esac
}

# check_cgroup_value FILE VALUE [ID]: the container's v1 cgroup file holds VALUE.
check_cgroup_value() {
	local file=$1 want=$2 id=${3:-$CID} path got
	path=$CGROUP_V1/$(cgroup_controller "$file")/baton/$id/$file
	[[ -f $path ]] || fail "no cgroup file $path"
	got=$(cat "$path")
	[[ $got == "$want" ]] || fail "$path: expected '$want', got '$got'"
}

# The pid from `baton state`, remembered so that teardown can check it is gone.
container_pid() {
	local id=${1:-$CID} pid
	pid=$(baton_cmd state "$id" | jq -r .pid) || return 1
	TRACKED_PIDS+=("$pid")
	echo "$pid"
}

container_status() {
	baton_cmd state "${1:-$CID}" 2>/dev/null | jq -r .status
}

# wait_status STATUS [ID] [SECONDS]: poll `baton state` until it reports STATUS.
wait_status() {
	local want=$1 id=${2:-$CID} tries=$((${3:-10} * 20)) got
	while ((tries-- > 0)); do
		got=$(container_status "$id")
		[[ $got == "$want" ]] && return 0
		sleep 0.05
	done
	fail "container $id: status '$got', expected '$want'"
}

# wait_log PATTERN [FILE] [SECONDS]: the container's output shows PATTERN.
wait_log() {
	local pattern=$1 file=${2:-$LAST_LOG} tries=$((${3:-10} * 20))
	while ((tries-- > 0)); do
		grep -qE -- "$pattern" "$file" 2>/dev/null && return 0
		sleep 0.05
	done
	fail "no '$pattern' in $file: $(cat "$file")"
}

# Run a cleanup command in teardown (a netns, a sleeper), before the checks.
defer() {
	DEFERRED+=("$*")
}

# Our container ids that baton still knows about (the list, else the state dir).
known_ids() {
	local ids
	if ids=$(baton_cmd list -q 2>/dev/null); then
		printf '%s\n' "$ids"
	fi
	ls -A -I .cache "$STATE_ROOT" 2>/dev/null
}

# Host cgroup directories of this test's containers, in every v1 hierarchy.
leftover_cgroups() {
	local d
	# v1 and hybrid: one per hierarchy; v2: the one tree
	for d in "$CGROUP_V1"/*/baton/"$CID" "$CGROUP_V1"/*/baton/"$CID"-* \
		"$CGROUP_V1"/baton/"$CID" "$CGROUP_V1"/baton/"$CID"-*; do
		[[ -d $d ]] && echo "$d"
	done
	return 0
}

leftover_mounts() {
	[[ -n ${BUNDLE:-} ]] || return 0
	awk -v b="$BUNDLE" 'index($5, b) == 1 {print $5}' /proc/self/mountinfo
}

leftover_pids() {
	local pid
	for pid in "${TRACKED_PIDS[@]}"; do
		[[ $pid =~ ^[0-9]+$ && $pid -gt 1 ]] || continue
		# a zombie is gone for our purposes only when reaped; give the kernel a moment
		local tries=40
		while [[ -e /proc/$pid ]] && ((tries-- > 0)); do sleep 0.05; done
		[[ -e /proc/$pid ]] && echo "$pid"
	done
	return 0
}

# Remove by hand what baton left, so one broken test does not break the next.
force_cleanup() {
	local pid d m
	for pid in $(leftover_pids); do kill -9 "$pid" 2>/dev/null; done
	for d in $(leftover_cgroups); do
		for pid in $(cat "$d/cgroup.procs" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
	done
	sleep 0.2
	for d in $(leftover_cgroups); do
		find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
	done
	for m in $(leftover_mounts | tac); do umount -l "$m" 2>/dev/null; done
	rm -rf "${STATE_ROOT:?}"/* 2>/dev/null
	return 0
}

# The teardown of every test: delete our containers with --force, then fail
# if any state entry, cgroup, mount or process of the test is left.
baton_teardown() {
	local id cmd problems=()
	cd "$BATS_TEST_TMPDIR" 2>/dev/null || cd /
	for cmd in "${DEFERRED[@]}"; do eval "$cmd" >/dev/null 2>&1 || true; done
	[[ -n ${STATE_ROOT:-} ]] || return 0
	for id in $(known_ids | sort -u); do
		baton_cmd state "$id" 2>/dev/null | jq -r '.pid // empty' >"$BATS_TEST_TMPDIR/pid" &&
			TRACKED_PIDS+=("$(cat "$BATS_TEST_TMPDIR/pid")")
		baton_cmd delete --force "$id" >/dev/null 2>&1 </dev/null 3>&- ||
			problems+=("delete --force $id failed")
	done

	# .cache (compiled seccomp filters) outlives containers by design
	[[ -z $(ls -A -I .cache "$STATE_ROOT" 2>/dev/null) ]] ||
		problems+=("state entries left: $(ls -A -I .cache "$STATE_ROOT" | tr '\n' ' ')")
	[[ -z $(leftover_cgroups) ]] || problems+=("cgroups left: $(leftover_cgroups | tr '\n' ' ')")
	[[ -z $(leftover_mounts) ]] || problems+=("mounts left: $(leftover_mounts | tr '\n' ' ')")
	[[ -z $(leftover_pids) ]] || problems+=("processes left: $(leftover_pids | tr '\n' ' ')")

	if ((${#problems[@]})); then
		force_cleanup
		printf 'teardown: %s\n' "${problems[@]}" >&2
		return 1
	fi
}

teardown() {
	baton_teardown
}
