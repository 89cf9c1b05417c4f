#!/usr/bin/env bats
# Attacks on what the runtime itself does on the container's behalf (issue 14):
# masks taken from the image's /dev/null, writes under a /proc that is not
# procfs, cgroups shared with others, a container id reused under a running
# `run`, and a state file made corrupt. Each attack fails cleanly or is
# contained, and the host is unchanged.

load helpers

setup() {
	requires root
	setup_bundle
}

# No tmpfs on /dev: the image's /dev is the container's.
drop_dev_tmpfs() {
	update_config '.mounts |= map(select(.destination != "/dev"))'
	mkdir -p "$BUNDLE/rootfs/dev"
}

# A host directory that looks like /proc to a write, bind-mounted over /proc.
fake_proc() {
	FAKE_PROC=$BATS_TEST_TMPDIR/fakeproc
	mkdir -p "$FAKE_PROC/sys/net/ipv4" "$FAKE_PROC/self"
	echo decoy >"$FAKE_PROC/sys/net/ipv4/ip_forward"
	echo decoy >"$FAKE_PROC/self/oom_score_adj"
	update_config --arg src "$FAKE_PROC" '.mounts |= map(if .destination == "/proc"
		then {destination: "/proc", type: "bind", source: $src, options: ["rbind"]} else . end)'
}

assert_decoy_unchanged() {
	local f
	for f in "$@"; do
		[[ $(cat "$f") == decoy ]] || fail "$f was written: $(cat "$f")"
	done
}

# ---- issue 14.2: masked paths ---------------------------------------------------

@test "masks: an image's /dev/null linked to a procfs file is not the mask source" {
	drop_dev_tmpfs
	rm -f "$BUNDLE/rootfs/dev/null"
	ln -s /proc/sys/kernel/hostname "$BUNDLE/rootfs/dev/null"
	update_config '.hostname = "inside" | .linux.maskedPaths = ["/proc/keys", "/sys/firmware"]'
	set_cmd /bin/sh -c 'echo evil >/proc/keys; wc -c </proc/keys; hostname;
		stat -c %t:%T /proc/keys; /probe write /sys/firmware/x; /probe mount /proc/keys'
	run_baton run "$CID"
	assert_success
	# the write went to the null device: nothing to read back, the hostname
	# untouched; the masks are read-only
	assert_line --index 0 '0'
	assert_line --index 1 'inside'
	assert_line --index 2 '1:3'
	assert_line --index 3 'EROFS'
	assert_line --index 4 --regexp ' ro[,]?'
}

@test "masks: several file masks of the default config, each read-only null" {
	set_cmd /bin/sh -c 'for f in /proc/timer_list /proc/keys /proc/sched_debug; do
		[ -e $f ] || continue; stat -c %t:%T $f; /probe mount $f; done'
	run_baton run "$CID"
	assert_success
	((${#lines[@]} >= 4)) || fail "fewer than two masks: $output"
	for ((i = 0; i < ${#lines[@]}; i += 2)); do
		[[ ${lines[i]} == 1:3 && ${lines[i + 1]} =~ \ ro ]] || fail "not a read-only null: $output"
	done
}

# ---- issue 14.3: writes under /proc ---------------------------------------------

@test "proc writes: a sysctl does not reach a host directory bind-mounted over /proc" {
	fake_proc
	update_config '.linux.sysctl = {"net.ipv4.ip_forward": "1"}'
	run_baton run "$CID"
	assert_failure
	assert_output --partial 'linux.sysctl.net.ipv4.ip_forward'
	assert_output --partial '`/proc` is not a procfs mount'
	assert_decoy_unchanged "$FAKE_PROC/sys/net/ipv4/ip_forward"
}

@test "proc writes: a sysctl does not reach a host file mounted over the procfs file" {
	echo decoy >"$BATS_TEST_TMPDIR/decoy"
	update_config --arg src "$BATS_TEST_TMPDIR/decoy" '.mounts += [{destination:
		"/proc/sys/net/ipv4/ip_forward", type: "bind", source: $src, options: ["bind"]}]
		| .linux.sysctl = {"net.ipv4.ip_forward": "1"}'
	run_baton run "$CID"
	assert_failure
	assert_output --partial 'linux.sysctl.net.ipv4.ip_forward'
	assert_output --partial 'something is mounted over it'
	assert_decoy_unchanged "$BATS_TEST_TMPDIR/decoy"
}

@test "proc writes: oomScoreAdj does not reach a host directory bind-mounted over /proc" {
	fake_proc
	update_config '.process.oomScoreAdj = 100 | .linux.maskedPaths = [] | .linux.readonlyPaths = []'
	run_baton run "$CID"
	assert_failure
	assert_output --partial 'process.oomScoreAdj'
	assert_output --partial 'not a procfs mount'
	assert_decoy_unchanged "$FAKE_PROC/self/oom_score_adj"
}

@test "proc writes: a sysctl through the container's own procfs still works" {
	update_config '.linux.sysctl = {"net.ipv4.ip_forward": "1"}'
	set_cmd /bin/cat /proc/sys/net/ipv4/ip_forward
	run_baton run "$CID"
	assert_success
	assert_output 1
}

# ---- issue 14.4: shared cgroups -------------------------------------------------

# A throw-away cgroup in the pids hierarchy, with a decoy process in it if asked.
DECOYS=()
decoy_cgroup() {
	DECOY_CG=/$CID-decoy
	mkdir "$CGROUP_V1/pids$DECOY_CG"
	defer "for d in $CGROUP_V1/*$DECOY_CG; do rmdir \$d; done"
}

decoy_process() {
	sleep 1000 &
	DECOY_PID=$!
	echo "$DECOY_PID" >"$CGROUP_V1/pids$DECOY_CG/cgroup.procs"
	# runs before the deferred rmdir: the cgroup must be empty by then
	DEFERRED=("kill -9 $DECOY_PID; wait $DECOY_PID" "${DEFERRED[@]}")
}

assert_decoy_alive() {
	kill -0 "$DECOY_PID" 2>/dev/null || fail "the decoy process $DECOY_PID was killed"
	grep -qx "$DECOY_PID" "$CGROUP_V1/pids$DECOY_CG/cgroup.procs" ||
		fail "the decoy left its cgroup"
}

@test "cgroups: a cgroupsPath that holds processes is refused at create" {
	requires cgroup_v1
	decoy_cgroup
	decoy_process
	update_config --arg p "$DECOY_CG" '.linux.cgroupsPath = $p'
	set_args sleep
	run_baton create "$CID"
	assert_failure
	assert_output --partial "linux.cgroupsPath: cgroup \`$DECOY_CG\` is not empty: 1 process(es) found"
	assert_decoy_alive
}

@test "cgroups: a cgroup that was there before is not the container's: kill --all and delete -f spare a process placed in it" {
	requires cgroup_v1
	decoy_cgroup
	update_config --arg p "$DECOY_CG" '.linux.cgroupsPath = $p'
	set_args sleep
	run_baton run -d "$CID"
	assert_success
	container_pid >/dev/null
	decoy_process
	run_baton kill --all "$CID" KILL
	assert_success
	assert_output --partial 'signals only the container'
	assert_decoy_alive
	run_baton delete -f "$CID"
	assert_success
	assert_decoy_alive
	# baton's own levels in the other hierarchies went, the pids one stays
	[[ ! -d $CGROUP_V1/memory$DECOY_CG ]] || fail "the memory cgroup was left"
}

@test "cgroups: a cgroupsPath that is, contains or lies inside another container's is refused" {
	update_config --arg p "/$CID-p/a" '.linux.cgroupsPath = $p'
	defer "for d in $CGROUP_V1/*/$CID-p; do rmdir \$d; done"
	set_args sleep
	run_baton run -d "$CID-a"
	assert_success
	container_pid "$CID-a" >/dev/null
	local p want
	for p in "/$CID-p/a" "/$CID-p" "/$CID-p/a/b"; do
		update_config --arg p "$p" '.linux.cgroupsPath = $p'
		run_baton create "$CID-b"
		assert_failure
		case $p in
		*/b) want="lies inside the cgroup \`/$CID-p/a\` of container \`$CID-a\`" ;;
		*/a) want="is the cgroup of container \`$CID-a\`" ;;
		*) want="contains the cgroup \`/$CID-p/a\` of container \`$CID-a\`" ;;
		esac
		assert_output --partial "linux.cgroupsPath: \`$p\` $want"
	done
	[[ $(container_status "$CID-a") == running ]] || fail "container $CID-a was harmed"
}

@test "cgroups: cgroupsPath /baton, the parent of every container's, does not plan" {
	update_config '.linux.cgroupsPath = "/baton"'
	run_baton create "$CID"
	assert_failure
	assert_output --partial 'linux.cgroupsPath: `/baton` is the parent of other cgroups'
}

# ---- issue 14.5: an id reused under a foreground run -----------------------------

@test "run: a newer container with the same id survives the older run's exit" {
	set_args sleep
	baton_cmd run "$CID" >"$BATS_TEST_TMPDIR/run.log" 2>&1 </dev/null 3>&- &
	local run_pid=$! baton_pid old new
	wait_status running
	old=$(container_pid)
	# baton itself (under timeout), held still so that it wakes only after
	# the id is taken again, as a slow scheduler would have it
	baton_pid=$(ps -o ppid= -p "$old" | tr -d ' ')
	[[ $(cat "/proc/$baton_pid/comm") == baton ]] || fail "the container's parent is not baton"
	kill -STOP "$baton_pid"
	run_baton delete -f "$CID"
	assert_success
	run_baton create "$CID"
	assert_success
	new=$(container_pid)
	[[ $new != "$old" ]] || fail "the same process?"
	kill -CONT "$baton_pid"
	wait "$run_pid" || true
	# the older run has ended: the newer container is whole
	[[ $(container_status) == created ]] || fail "status: $(container_status)"
	kill -0 "$new" || fail "the newer container's process was killed"
	[[ -d $CGROUP_V1/pids/baton/$CID ]] || fail "the newer container's cgroup was removed"
	[[ -f $STATE_ROOT/$CID/status ]] || fail "the newer container's state was removed"
}

# ---- issue 14.8: a corrupt status -------------------------------------------------

# corrupt FORM: create a sleeper, break its status, check every command.
corrupt_and_delete() {
	set_args sleep
	run_baton create "$CID"
	assert_success
	container_pid >/dev/null
	local status=$STATE_ROOT/$CID/status
	case $1 in
	truncated) head -c 25 "$status" >"$status.new" && mv "$status.new" "$status" ;;
	line) head -n 3 "$status" >"$status.new" && mv "$status.new" "$status" ;;
	garbage) printf 'garbage\x01\n\x00\n' >"$status" ;;
	symlink) rm "$status" && ln -s /etc/hostname "$status" ;;
	esac
	run_baton state "$CID"
	assert_failure
	assert_output --partial 'corrupt state file'
	run_baton list
	assert_success
	assert_line --regexp "^$CID +0 +broken "
	run_baton list -f json
	[[ $(jq -r --arg id "$CID" '.[] | select(.id == $id) | .status' <<<"$output") == broken ]] ||
		fail "list -f json: $output"
	run_baton delete "$CID"
	assert_failure
	assert_output --partial 'is broken (delete --force removes it)'
	run_baton delete -f "$CID"
	assert_success
	# teardown checks the process, the cgroup and the state dir are gone
	run_baton list -q
	refute_output --partial "$CID"
}

@test "corrupt status: truncated" {
	corrupt_and_delete truncated
}

@test "corrupt status: cut at a line's end" {
	corrupt_and_delete line
}

@test "corrupt status: garbage" {
	corrupt_and_delete garbage
}

@test "corrupt status: a symlink to a host file is not followed" {
	corrupt_and_delete symlink
	[[ -s /etc/hostname ]] || fail "the host's /etc/hostname changed"
}

@test "corrupt status: garbage, with a cgroupsPath baton made, still killed through it and removed" {
	requires cgroup_v1
	update_config --arg p "/$CID-own" '.linux.cgroupsPath = $p'
	defer "for d in $CGROUP_V1/*/$CID-own; do rmdir \$d; done"
	corrupt_and_delete garbage
	local d
	for d in "$CGROUP_V1"/*/"$CID-own"; do
		[[ ! -d $d ]] || fail "cgroup $d was left"
	done
}

@test "corrupt status: not one, a status written before the end record (baton-state/1) is still read" {
	set_args sleep
	run_baton create "$CID"
	assert_success
	container_pid >/dev/null
	local status=$STATE_ROOT/$CID/status
	sed -e 's|^format\tbaton-state/2$|format\tbaton-state/1|' -e '/^end$/d' -e '/^cgroup-owned\t/d' \
		"$status" >"$status.new" && mv "$status.new" "$status"
	grep -q 'baton-state/1' "$status" || fail "no v1 status: $(cat "$status")"
	[[ $(container_status) == created ]] || fail "status: $(container_status)"
	run_baton delete -f "$CID"
	assert_success
	refute_output --partial 'broken'
}
