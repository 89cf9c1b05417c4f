#!/usr/bin/env bats
# The container lifecycle as crun's CLI exposes it: create, start, state,
# kill, delete, run, list, and the errors of each.

load helpers
bats_require_minimum_version 1.5.0

setup() {
	requires root
	setup_bundle
}

# The state JSON of $CID has the crun fields, with STATUS.
assert_state_json() {
	local want=$1
	run baton_cmd state "$CID"
	assert_success
	echo "$output" | jq -e --arg id "$CID" --arg b "$BUNDLE" --arg st "$want" '
		(.ociVersion | test("^1\\.[0-9]+\\.[0-9]+")) and
		.id == $id and .status == $st and (.pid | type) == "number" and
		.bundle == $b and (.rootfs == ($b + "/rootfs") or .rootfs == "rootfs") and .owner == "" and
		(.created | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{9}Z$"))' ||
		fail "unexpected state for status $want: $output"
}

@test "--version prints the version first" {
	run "$BATON" --version
	assert_success
	assert_line --index 0 --regexp '^baton version [0-9]+\.[0-9]+\.[0-9]+'
}

@test "--help lists the commands" {
	run "$BATON" --help
	assert_success
	for cmd in create start run state kill delete list spec; do
		assert_output --partial "$cmd"
	done
}

# The commands `baton --help` lists.
listed_commands() {
	"$BATON" --help | awk '/^COMMANDS:/ {on = 1; next} on && NF == 0 {exit} on {print $1}'
}

@test "every command answers --help, -h, -? and --usage on stdout, in crun's shape" {
	local cmds
	cmds=$(listed_commands | tr '\n' ' ')
	[[ $cmds == "create start run state kill delete list spec exec ps pause resume update features checkpoint restore mounts plan trace-view stage " ]] ||
		fail "baton --help lists: $cmds"
	local cmd flag
	for cmd in $cmds; do
		[[ $cmd == checkpoint || $cmd == restore ]] && continue
		for flag in --help -h -?; do
			run --separate-stderr "$BATON" --root "$STATE_ROOT" "$cmd" "$flag"
			[[ $status -eq 0 ]] || fail "$cmd $flag: exit $status: $output $stderr"
			[[ -z $stderr ]] || fail "$cmd $flag wrote to stderr: $stderr"
			[[ ${lines[0]} == "Usage: baton [OPTION...] $cmd"* ]] ||
				fail "$cmd $flag: first line '${lines[0]}'"
			assert_output --partial '--help'
		done
		run --separate-stderr "$BATON" "$cmd" --usage
		[[ $status -eq 0 && ${#lines[@]} -eq 1 && ${lines[0]} == "Usage: baton [OPTION...] $cmd"* ]] ||
			fail "$cmd --usage: exit $status: $output"
	done
}

@test "--help lists the options each command takes" {
	run "$BATON" delete --help
	assert_output --partial '-f, --force'
	assert_output --partial '-r, --regex'
	run "$BATON" kill --help
	assert_line --index 0 'Usage: baton [OPTION...] kill CONTAINER [SIGNAL]'
	assert_output --partial '-a, --all'
	run "$BATON" run --help
	for opt in --bundle --config --console-socket --pid-file --preserve-fds --no-pivot --no-new-keyring --detach --keep; do
		assert_output --partial "$opt"
	done
	run "$BATON" create --help
	refute_output --partial '--detach'
	run "$BATON" update --help
	for opt in --resources --blkio-weight --cpu-period --cpu-quota --cpu-share --cpu-rt-period --cpu-rt-runtime \
		--cpuset-cpus --cpuset-mems --kernel-memory --kernel-memory-tcp --memory --memory-reservation --memory-swap --pids-limit; do
		assert_output --partial "$opt="
	done
	# after other options too, where getopt sees it
	run "$BATON" exec --cwd /tmp --help
	assert_success
	assert_line --index 0 'Usage: baton [OPTION...] exec CONTAINER [COMMAND [ARG...]]'
}

@test "--help acts on nothing: no container is started, killed or deleted" {
	set_args sleep
	run_baton create "$CID"
	assert_success
	local cmd
	for cmd in start kill delete pause; do
		run_baton "$cmd" --help
		assert_success
		[[ $(container_status) == created ]] || fail "$cmd --help: status $(container_status)"
	done
	# after the container, arguments are the command's own
	run_baton start "$CID"
	assert_success
	run_baton exec "$CID" /bin/echo --help -h
	assert_success
	assert_output -- '--help -h'
}

@test "checkpoint and restore --help fail: podman reads that as no checkpoint support" {
	local cmd
	for cmd in checkpoint restore; do
		run "$BATON" "$cmd" --help
		assert_failure 1
		# the strerror text is the libc's (musl: Not supported; glibc: Operation not supported)
		assert_output --regexp "^baton: \`$cmd\` is not supported yet: (Operation )?[Nn]ot supported$"
	done
}

@test "container IDs of [a-zA-Z0-9_+-][a-zA-Z0-9_+.-]* are accepted" {
	local id=$CID-a.b+c_d-E..9
	run_baton run "$id"
	assert_success
	run_baton run -d "$CID"
	assert_success
	run_baton state "$CID"
	assert_success
}

@test "an invalid container ID is refused by every command that takes one, naming the character" {
	set_args sleep
	run_baton run -d "$CID"
	assert_success
	local cmd extra
	for cmd in create run start state kill delete pause resume ps update exec; do
		extra=()
		[[ $cmd == exec ]] && extra=(/bin/true)
		run_baton "$cmd" ".$CID" "${extra[@]}"
		assert_failure 1
		assert_output "baton: invalid container ID \`.$CID\`: character \`.\` at position 1 (an ID is [a-zA-Z0-9_+-][a-zA-Z0-9_+.-]*): Invalid argument"
	done
	run_baton create "$CID:x"
	assert_failure 1
	assert_output --partial "character \`:\` at position $((${#CID} + 1))"
	# a control character is shown escaped: the error stays one line
	run_baton create "$(printf 'a\nb')"
	assert_failure 1
	assert_output 'baton: invalid container ID `a\x0ab`: character `\x0a` at position 2 (an ID is [a-zA-Z0-9_+-][a-zA-Z0-9_+.-]*): Invalid argument'
	run_baton create "$CID/x"
	assert_failure 1
	assert_output --partial "character \`/\`"
	run_baton create "$(printf "$CID%0200d" 0)"
	assert_failure 1
	assert_output --partial 'longer than 200 characters'
	# nothing was made, and the running container is untouched
	[[ $(ls -A "$STATE_ROOT") == "$CID" ]] || fail "state entries: $(ls -A "$STATE_ROOT")"
	[[ $(container_status) == running ]] || fail "status $(container_status)"
}

@test "an unknown command fails with baton: prefix and exit 1" {
	run baton_cmd frobnicate "$CID"
	assert_failure 1
	assert_output --regexp '^baton: .*frobnicate'
}

@test "create, start, state, kill, delete" {
	set_args sleep
	run_baton create --bundle "$BUNDLE" "$CID"
	assert_success
	local log=$LAST_LOG
	assert_state_json created
	local pid
	pid=$(container_pid)
	[[ -d /proc/$pid ]] || fail "container process $pid is not alive after create"
	# the user program must not run before start
	sleep 0.2
	run grep -c sleeping "$log"
	assert_output 0

	run_baton start "$CID"
	assert_success
	wait_log sleeping "$log"
	assert_state_json running
	[[ $(container_pid) == "$pid" ]] || fail "pid changed across start"

	run_baton kill "$CID" KILL
	assert_success
	wait_status stopped
	assert_state_json stopped

	run_baton delete "$CID"
	assert_success
	run baton_cmd state "$CID"
	assert_failure 1
	[[ ! -e $STATE_ROOT/$CID ]] || fail "state dir of $CID left after delete"
}

@test "create then start runs the program with its output" {
	set_args ids
	run_baton create "$CID"
	assert_success
	local log=$LAST_LOG
	run_baton start "$CID"
	assert_success
	wait_status stopped
	run cat "$log"
	assert_output --partial 'uid=0 gid=0 euid=0 egid=0'
}

@test "run in the foreground prints the output and removes the container" {
	set_args ids
	run_baton run "$CID"
	assert_success
	assert_output --partial 'uid=0 gid=0 euid=0 egid=0'
	run baton_cmd list -q
	assert_success
	assert_output ''
	run baton_cmd state "$CID"
	assert_failure 1
}

@test "run --keep leaves a stopped container that delete removes" {
	set_args exit 0
	run_baton run --keep "$CID"
	assert_success
	assert_state_json stopped
	run_baton delete "$CID"
	assert_success
	run baton_cmd list -q
	assert_output ''
}

@test "run -d returns while the container runs" {
	set_args sleep
	run_baton run -d "$CID"
	assert_success
	assert_state_json running
	local pid
	pid=$(container_pid)
	[[ -d /proc/$pid ]] || fail "pid $pid not alive"
	wait_log sleeping
	run_baton kill "$CID" KILL
	assert_success
	wait_status stopped
	run_baton delete "$CID"
	assert_success
}

@test "kill sends SIGTERM by default" {
	set_args sleep
	run_baton run -d "$CID"
	assert_success
	wait_log sleeping
	run_baton kill "$CID"
	assert_success
	wait_status stopped
}

@test "kill accepts signal numbers and SIG names" {
	set_args sleep
	run_baton run -d "$CID"
	assert_success
	wait_log sleeping
	run_baton kill "$CID" 10
	assert_success
	wait_status stopped
	run_baton run -d "$CID-2"
	assert_success
	wait_log sleeping
	run_baton kill "$CID-2" SIGKILL
	assert_success
	wait_status stopped "$CID-2"
}

@test "kill with an unknown signal fails" {
	set_args sleep
	run_baton run -d "$CID"
	assert_success
	run_baton kill "$CID" SIGFOO
	assert_failure 1
	assert_output --regexp '^baton: .*FOO'
	assert_state_json running
}

@test "kill --all signals every process of the container" {
	# pid 1 ignores USR1 and reports how its child ended; the child dies of it
	set_cmd /bin/sh -c 'trap "" USR1; /probe sleep & wait $!; echo child=$?; exec /probe sleep'
	run_baton run -d "$CID"
	assert_success
	local log=$LAST_LOG
	wait_log sleeping "$log"
	run_baton kill "$CID" USR1
	assert_success
	sleep 0.3
	run grep -c child= "$log"
	assert_output 0
	run_baton kill --all "$CID" USR1
	assert_success
	wait_log 'child=138' "$log"
	assert_state_json running
	run_baton kill "$CID" KILL
	assert_success
	wait_status stopped
}

@test "list -q, json and table" {
	set_args sleep
	run_baton create "$CID"
	assert_success
	run_baton create "$CID-2"
	assert_success

	run baton_cmd list -q
	assert_success
	assert_line "$CID"
	assert_line "$CID-2"
	[[ ${#lines[@]} -eq 2 ]] || fail "list -q: expected 2 lines: $output"

	run baton_cmd list --format json
	assert_success
	echo "$output" | jq -e --arg id "$CID" --arg b "$BUNDLE" '
		length == 2 and
		(map(select(.id == $id))[0] | .status == "created" and .bundle == $b and
			(.pid | type) == "number")' || fail "list json: $output"

	run baton_cmd list -f table
	assert_success
	assert_line --index 0 --regexp '^NAME[[:space:]]+PID[[:space:]]+STATUS[[:space:]]+BUNDLE PATH[[:space:]]+CREATED[[:space:]]+OWNER'
	assert_line --regexp "^$CID[[:space:]]+[0-9]+[[:space:]]+created[[:space:]]+$BUNDLE"

	run baton_cmd list
	assert_success
	assert_line --index 0 --regexp '^NAME[[:space:]]+PID'
}

@test "list of an empty root" {
	run baton_cmd list -q
	assert_success
	assert_output ''
	run baton_cmd list --format json
	assert_success
	echo "$output" | jq -e 'length == 0' || fail "list json: $output"
}

@test "a duplicate id is refused and the first container stays" {
	set_args sleep
	run_baton create "$CID"
	assert_success
	local pid
	pid=$(container_pid)
	run_baton create "$CID"
	assert_failure 1
	assert_output "baton: container \`$CID\` already exists"
	assert_state_json created
	[[ $(container_pid) == "$pid" ]] || fail "the first container changed"
}

@test "delete of a running container needs --force" {
	set_args sleep
	run_baton run -d "$CID"
	assert_success
	local pid
	pid=$(container_pid)
	run_baton delete "$CID"
	assert_failure 1
	assert_output "baton: the container \`$CID\` is not in 'stopped' state"
	assert_state_json running
	[[ -d /proc/$pid ]] || fail "delete without --force killed the container"

	run_baton delete --force "$CID"
	assert_success
	run baton_cmd state "$CID"
	assert_failure 1
	local tries=40
	while [[ -e /proc/$pid ]] && ((tries-- > 0)); do sleep 0.05; done
	[[ ! -e /proc/$pid ]] || fail "delete --force left process $pid"
}

@test "delete -f of a created container" {
	set_args ids
	run_baton create "$CID"
	assert_success
	run_baton delete -f "$CID"
	assert_success
	run baton_cmd list -q
	assert_output ''
}

@test "delete --regex deletes every matching id and only those" {
	set_args sleep
	run_baton create "$CID-a"
	assert_success
	run_baton create "$CID-b"
	assert_success
	run_baton create "$CID-other"
	assert_success
	run_baton delete --force --regex "^$CID-[ab]\$"
	assert_success
	run baton_cmd list -q
	assert_output "$CID-other"
}

@test "delete --regex with an invalid pattern says why" {
	run_baton delete -r '('
	assert_failure 1
	assert_output --regexp '^baton: delete -r: invalid regular expression `\(`: .+'
}

# ROOT/ID was cut at 4096 bytes: a long root could name another container's dir.
@test "a --root too long for ROOT/ID is an error" {
	run "$BATON" --root "/tmp/$(head -c 3900 /dev/zero | tr '\0' a)" list
	assert_failure 1
	assert_output --regexp '^baton: --root: longer than 3894 bytes: File ?name too long$'
}

@test "state, start, kill and delete of a missing container" {
	local want="baton: error opening file \`$STATE_ROOT/$CID/status\`: No such file or directory"
	for cmd in state start kill delete; do
		run_baton "$cmd" "$CID"
		assert_failure 1
		assert_output "$want"
	done
}

@test "a --root whose parents do not exist yet is created (containerd's shim passes one)" {
	STATE_ROOT=$BATS_TEST_TMPDIR/run/containerd/runc/default
	set_args ids
	run_baton run "$CID"
	assert_success
	[[ $(stat -c %a "$STATE_ROOT") == 700 ]] || fail "state root mode $(stat -c %a "$STATE_ROOT")"
}

@test "the default state root: /run/baton for the host's root, XDG_RUNTIME_DIR for root of another user namespace" {
	local xdg=$BATS_TEST_TMPDIR/xdg
	mkdir "$xdg"
	run env XDG_RUNTIME_DIR="$xdg" "$BATON" state "$CID"
	assert_failure 1
	assert_output "baton: error opening file \`/run/baton/$CID/status\`: No such file or directory"
	# rootless podman runs its runtime as root of a namespace like this one
	requires userns
	run unshare --user --map-root-user env XDG_RUNTIME_DIR="$xdg" "$BATON" state "$CID"
	assert_failure 1
	assert_output "baton: error opening file \`$xdg/baton/$CID/status\`: No such file or directory"
}

@test "delete --force of a missing container succeeds silently, as crun's" {
	run_baton delete --force "$CID"
	assert_success
	assert_output ''
	run_baton delete -f "$CID"
	assert_success
	assert_output ''
	[[ ! -e $STATE_ROOT/$CID ]] || fail "delete --force made a state dir"
}

@test "start twice fails the second time" {
	set_args sleep
	run_baton create "$CID"
	assert_success
	run_baton start "$CID"
	assert_success
	run_baton start "$CID"
	assert_failure 1
	assert_output --regexp "^baton: .*$CID"
	assert_state_json running
}

@test "start of a stopped container fails" {
	set_args exit 0
	run_baton run --keep "$CID"
	assert_success
	run_baton start "$CID"
	assert_failure 1
	assert_output --regexp "^baton: "
	assert_state_json stopped
}

@test "--pid-file holds the container pid" {
	set_args sleep
	run_baton create --pid-file "$BATS_TEST_TMPDIR/pid-file" "$CID"
	assert_success
	[[ -f $BATS_TEST_TMPDIR/pid-file ]] || fail "no pid file"
	local pid
	pid=$(container_pid)
	[[ $(cat "$BATS_TEST_TMPDIR/pid-file") == "$pid" ]] ||
		fail "pid file '$(cat "$BATS_TEST_TMPDIR/pid-file")' != state pid $pid"
}

@test "run propagates exit code 0" {
	set_args exit 0
	run_baton run "$CID"
	assert_success
}

@test "run propagates exit code 3" {
	set_args exit 3
	run_baton run "$CID"
	assert_failure 3
	assert_output ''
}

@test "run of a process killed by SIGKILL exits 137" {
	set_args sleep
	local log=$BATS_TEST_TMPDIR/fg.log rc=0
	baton_cmd run "$CID" >"$log" 2>&1 </dev/null 3>&- &
	local bg=$!
	LAST_LOG=$log
	wait_log sleeping "$log"
	baton_cmd kill "$CID" KILL
	wait "$bg" || rc=$?
	[[ $rc -eq 137 ]] || fail "run exited $rc, expected 137: $(cat "$log")"
	run baton_cmd list -q
	assert_output ''
}

@test "run of /bin/true 20 times leaves nothing behind" {
	set_cmd /bin/true
	local i
	for i in $(seq 20); do
		run_baton run "$CID"
		[[ $status -eq 0 ]] || fail "run $i failed ($status): $output"
		[[ -z $(ls -A "$STATE_ROOT") ]] || fail "run $i left state: $(ls -A "$STATE_ROOT")"
		[[ -z $(leftover_cgroups) ]] || fail "run $i left cgroups: $(leftover_cgroups)"
	done
	[[ $(wc -l </proc/self/mountinfo) -eq $MOUNTS_BEFORE ]] ||
		fail "host mounts changed: $MOUNTS_BEFORE -> $(wc -l </proc/self/mountinfo)"
}

@test "--debug narrates each stage of the pipeline" {
	set_args ids
	run_baton --debug run "$CID"
	assert_success
	assert_output --partial 'uid=0 gid=0'
	for stage in parse-config mount-rootfs final-exec; do
		assert_output --partial "$stage"
	done
}

@test "--log writes errors to a file" {
	local logfile=$BATS_TEST_TMPDIR/baton-errors.log
	run_baton --log "$logfile" state "$CID"
	assert_failure 1
	grep -qF "error opening file \`$STATE_ROOT/$CID/status\`: No such file or directory" "$logfile" ||
		fail "log file: $(cat "$logfile" 2>&1)"
}

@test "state shows annotations only when there are some" {
	set_args sleep
	run_baton create "$CID"
	assert_success
	run baton_cmd state "$CID"
	assert_success
	echo "$output" | jq -e 'has("annotations") | not' || fail "annotations without any: $output"
	run_baton delete --force "$CID"
	assert_success

	update_config '.annotations = {"org.example.key": "value"}'
	run_baton create "$CID"
	assert_success
	run baton_cmd state "$CID"
	assert_success
	echo "$output" | jq -e '.annotations["org.example.key"] == "value"' || fail "annotations: $output"
}

@test "a container whose program exits on its own is stopped" {
	set_args exit 0
	run_baton run -d "$CID"
	assert_success
	wait_status stopped
	run_baton delete "$CID"
	assert_success
}

@test "delete --force removes a create that was killed half-way, with its cgroup" {
	requires root
	update_config '.hooks.prestart = [{"path": "/bin/sleep", "args": ["sleep", "60"]}]'
	"$BATON" --root "$STATE_ROOT" create "$CID" >"$BATS_TEST_TMPDIR/create.log" 2>&1 </dev/null 3>&- &
	local creator=$! tries=100
	# the prestart hook runs once the cgroup is made and the process cloned
	while ! pgrep -f "sleep 60" >/dev/null && ((tries-- > 0)); do sleep 0.05; done
	[[ -e $STATE_ROOT/$CID/plan && ! -e $STATE_ROOT/$CID/status ]] || fail "not half-way: $(ls "$STATE_ROOT/$CID")"
	kill -9 "$creator"
	wait "$creator" || true
	pkill -f "sleep 60" || true
	run_baton delete --force "$CID"
	assert_success
	[[ ! -e $STATE_ROOT/$CID ]] || fail "state left: $(ls "$STATE_ROOT/$CID")"
	[[ -z $(leftover_cgroups) ]] || fail "cgroups left: $(leftover_cgroups)"
}
