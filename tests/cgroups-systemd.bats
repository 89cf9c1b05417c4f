#!/usr/bin/env bats
# The systemd cgroup driver (--systemd-cgroup, --cgroup-manager=systemd):
# a transient scope per container, made by systemd over D-Bus. Needs systemd
# as PID 1: tests/v2/run --systemd boots a cgroup v2 VM with it; elsewhere
# (this hybrid host has no systemd) these skip, and cgroup-manager.bats checks
# the error instead.

load helpers
load cgroups-helpers

setup() {
	requires root
	[[ $(cat /proc/1/comm) == systemd ]] || skip "needs systemd as PID 1 (tests/v2/run --systemd)"
	setup_bundle
	SCOPE=baton-$CID.scope
}

teardown() {
	baton_teardown
	# nothing of the container is left with systemd either
	if [[ -n ${SCOPE:-} ]] && systemctl is-active --quiet "$SCOPE"; then
		systemctl stop "$SCOPE"
		fail "the unit $SCOPE is still active"
	fi
}

# The cgroup of the container's process, as the host sees it (v2 line).
process_cgroup() {
	sed -n 's/^0:://p' "/proc/$(container_pid)/cgroup"
}

# run -d a sleeper under the systemd driver with the given extra arguments.
run_sleeper() {
	set_args sleep
	run_baton --systemd-cgroup run -d "$@" "$CID"
	assert_success
	wait_log sleeping
}

@test "systemd: the container gets a delegated scope in system.slice by default" {
	run_sleeper
	[[ $(process_cgroup) == "/system.slice/$SCOPE/container" ]] || fail "in $(process_cgroup)"
	run systemctl show -p ActiveState -p Delegate -p Slice "$SCOPE"
	assert_line ActiveState=active
	assert_line Delegate=yes
	assert_line Slice=system.slice
	run_baton delete --force "$CID"
	assert_success
	run systemctl is-active "$SCOPE"
	[[ $output != active ]] || fail "the scope is still active"
	[[ ! -d /sys/fs/cgroup/system.slice/$SCOPE ]] || fail "the scope's cgroup is left"
}

@test "systemd: cgroupsPath slice:prefix:name, nested slices, and the limits in the scope" {
	SCOPE=bt-$CID.scope
	update_config ".linux.cgroupsPath = \"machine-baton.slice:bt:$CID\" |
		.linux.resources.memory = {\"limit\": 33554432} | .linux.resources.pids = {\"limit\": 20}"
	run_sleeper
	local dir=/machine.slice/machine-baton.slice/$SCOPE/container
	[[ $(process_cgroup) == "$dir" ]] || fail "in $(process_cgroup), expected $dir"
	[[ $(cat "/sys/fs/cgroup$dir/memory.max") == 33554432 ]] || fail "memory.max"
	[[ $(cat "/sys/fs/cgroup$dir/pids.max") == 20 ]] || fail "pids.max"
	# inside, with a cgroup namespace, the container sees its own cgroup as /
	run_baton exec "$CID" /bin/cat /proc/self/cgroup /sys/fs/cgroup/memory.max
	assert_success
	assert_line --index 0 '0::/'
	assert_line --index 1 33554432
	run_baton delete --force "$CID"
	assert_success
	[[ ! -d /sys/fs/cgroup/machine.slice/machine-baton.slice/$SCOPE ]] || fail "cgroup left"
}

@test "systemd: run.oci.systemd.subgroup names the sub-cgroup, empty means none" {
	update_config '.annotations["run.oci.systemd.subgroup"] = "payload"'
	run_sleeper
	[[ $(process_cgroup) == "/system.slice/$SCOPE/payload" ]] || fail "in $(process_cgroup)"
	run_baton delete --force "$CID"
	assert_success

	update_config '.annotations["run.oci.systemd.subgroup"] = ""'
	run_sleeper
	[[ $(process_cgroup) == "/system.slice/$SCOPE" ]] || fail "in $(process_cgroup)"
}

@test "systemd: org.systemd.property annotations become the scope's properties" {
	update_config '.annotations["org.systemd.property.TimeoutStopUSec"] = "uint64 123456789" |
		.annotations["org.systemd.property.CollectMode"] = "'"'inactive-or-failed'"'" |
		.annotations["org.systemd.property.Description"] = "'"'a test scope'"'"'
	run_sleeper
	run systemctl show -p TimeoutStopUSec -p CollectMode -p Description "$SCOPE"
	assert_line 'TimeoutStopUSec=2min 3.456789s'
	assert_line CollectMode=inactive-or-failed
	assert_line 'Description=a test scope'
}

@test "systemd: a property systemd refuses fails the create and leaves nothing" {
	update_config '.annotations["org.systemd.property.NoSuchProperty"] = "'"'x'"'"'
	set_args exit 0
	run_baton --systemd-cgroup run "$CID"
	assert_failure
	assert_output --partial "cgroup-systemd: systemd: start \`$SCOPE\`"
	assert_output --partial NoSuchProperty
	[[ ! -e $STATE_ROOT/$CID ]] || fail "state left"
	[[ -z $(systemctl list-units --all --plain --no-legend "$SCOPE") ]] || fail "unit left"
}

@test "systemd: pause, resume, ps, update and kill --all work on the scope's cgroup" {
	update_config '.linux.resources.memory = {"limit": 33554432}'
	run_sleeper
	local dir=/sys/fs/cgroup/system.slice/$SCOPE/container pid
	pid=$(container_pid)
	run_baton pause "$CID"
	assert_success
	[[ $(cat "$dir/cgroup.freeze") == 1 ]] || fail "not frozen"
	run_baton resume "$CID"
	assert_success
	run_baton ps "$CID"
	assert_success
	assert_line "$pid"
	run_baton update --memory 67108864 --pids-limit 30 "$CID"
	assert_success
	[[ $(cat "$dir/memory.max") == 67108864 ]] || fail "memory.max $(cat "$dir/memory.max")"
	[[ $(cat "$dir/pids.max") == 30 ]] || fail "pids.max"
	run_baton kill --all "$CID" KILL
	assert_success
	wait_status stopped
}

@test "systemd: the same name can be used again right after delete" {
	run_sleeper
	run_baton delete --force "$CID"
	assert_success
	run_sleeper
	[[ $(process_cgroup) == "/system.slice/$SCOPE/container" ]] || fail "in $(process_cgroup)"
}

@test "systemd: a memory limit OOM-kills in the scope" {
	# a child eats memory, the shell survives it: the kill is counted in the
	# container's cgroup (run's own report races systemd, which removes an
	# emptied scope's cgroup as soon as it sees it empty)
	update_config '.linux.resources.memory = {"limit": 16777216, "swap": 16777216}'
	set_cmd /bin/sh -c '(x=a; while :; do x=$x$x$x$x; done); echo eater gone; sleep 1000'
	run_baton --systemd-cgroup run -d "$CID"
	assert_success
	wait_log 'eater gone'
	grep -qx 'oom_kill [1-9][0-9]*' "/sys/fs/cgroup/system.slice/$SCOPE/container/memory.events" ||
		fail "no oom_kill: $(cat "/sys/fs/cgroup/system.slice/$SCOPE/container/memory.events")"
}

@test "systemd rootless: the user's systemd makes the scope in its user.slice" {
	local user=baton-sd uid runtime
	id "$user" >/dev/null 2>&1 || useradd -m -s /bin/sh "$user"
	uid=$(id -u "$user")
	runtime=/run/user/$uid
	systemctl start "user@$uid.service"
	defer systemctl stop "user@$uid.service"
	local tries=100
	while [[ ! -S $runtime/bus && ! -S $runtime/systemd/private ]] && ((tries-- > 0)); do sleep 0.1; done
	SCOPE=
	update_config 'del(.linux.uidMappings, .linux.gidMappings) |
		.linux.namespaces |= map(select(.type != "user" and .type != "network")) |
		.linux.resources = {"memory": {"limit": 33554432}}'
	set_args sleep
	chown -R "$user:" "$BUNDLE"
	local d=$BUNDLE
	while d=$(dirname "$d") && [[ $d != / ]]; do chmod o+x "$d"; done
	runuser -u "$user" -- env -i PATH="$PATH" XDG_RUNTIME_DIR="$runtime" \
		"$BATON" --systemd-cgroup run -d "$CID" >"$BATS_TEST_TMPDIR/rl.log" 2>&1 </dev/null ||
		fail "run -d: $(cat "$BATS_TEST_TMPDIR/rl.log")"
	local pid cg want
	pid=$(runuser -u "$user" -- env XDG_RUNTIME_DIR="$runtime" "$BATON" state "$CID" | jq -r .pid)
	TRACKED_PIDS+=("$pid")
	cg=$(sed -n 's/^0:://p' "/proc/$pid/cgroup")
	want=/user.slice/user-$uid.slice/user@$uid.service/user.slice/baton-$CID.scope/container
	[[ $cg == "$want" ]] || fail "in $cg, expected $want"
	[[ $(cat "/sys/fs/cgroup$want/memory.max") == 33554432 ]] || fail "memory.max"
	runuser -u "$user" -- env XDG_RUNTIME_DIR="$runtime" "$BATON" delete --force "$CID" ||
		fail "delete"
	[[ ! -d /sys/fs/cgroup${want%/container} ]] || fail "the scope's cgroup is left"
}

@test "systemd: run.oci.delegate-cgroup: the payload's cgroup, below the namespace's root" {
	update_config '.annotations["run.oci.delegate-cgroup"] = "payload" |
		.linux.resources.pids = {"limit": 30} |
		(.mounts[] | select(.destination == "/sys/fs/cgroup") | .options) -= ["ro"]'
	set_cmd /bin/sh -c 'cat /proc/self/cgroup; mkdir /sys/fs/cgroup/payload/own && echo made; sleep 1000'
	run_baton --systemd-cgroup run -d "$CID"
	assert_success
	wait_log made
	assert_line '0::/payload'
	local dir=/sys/fs/cgroup/system.slice/$SCOPE/container
	[[ $(process_cgroup) == "/system.slice/$SCOPE/container/payload" ]] || fail "in $(process_cgroup)"
	[[ -d $dir/payload/own ]] || fail "the payload could not make its own cgroup"
	[[ $(cat "$dir/pids.max") == 30 ]] || fail "the limit is not on the container's cgroup"
	run_baton delete --force "$CID"
	assert_success
	[[ ! -d $dir ]] || fail "cgroup left"

	# it needs a sub-cgroup to go below
	update_config '.annotations["run.oci.systemd.subgroup"] = ""'
	run_baton --systemd-cgroup run "$CID"
	assert_failure
	assert_output --partial 'annotations.run.oci.delegate-cgroup: needs a sub-cgroup'
}
