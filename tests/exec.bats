#!/usr/bin/env bats
# baton exec: a process joins a running container (namespaces, cgroup, the
# container's process settings) and obeys the same rules as its first one.

load helpers

setup() {
	requires root
	setup_bundle
}

# A detached container running the probe's sleep, with a known config.
start_sleeper() {
	set_args sleep
	run_baton run -d "$CID"
	assert_success
	wait_log sleeping
	pid=$(container_pid)
}

@test "exec runs a command inside the container and returns its output" {
	start_sleeper
	run_baton exec "$CID" /probe hostname
	assert_success
	assert_output "$(jq -r .hostname "$BUNDLE/config.json")"
}

@test "exec joins every namespace of the container" {
	update_config '.linux.namespaces += [{"type": "time"}]'
	start_sleeper
	run_baton exec "$CID" /probe ns
	assert_success
	local exec_ns=$output
	for ns in ipc mnt net pid uts cgroup time; do
		local want
		want=$(readlink "/proc/$pid/ns/$ns")
		grep -qxF "$ns $want" <<<"$exec_ns" ||
			fail "namespace $ns: want $want, exec saw: $exec_ns"
	done
}

@test "exec joins the container's cgroup" {
	update_config '.linux.resources.pids = {"limit": 42}'
	start_sleeper
	run_baton exec "$CID" /probe cgroup
	assert_success
	assert_output --partial "pids:/"
	run cat "/proc/$pid/cgroup"
	local want
	want=$(grep ':pids:' "/proc/$pid/cgroup" | cut -d: -f3)
	[[ $want == *"$CID"* ]] || fail "container not in its own pids cgroup: $want"
}

@test "exec returns the process's exit code" {
	start_sleeper
	run_baton exec "$CID" /probe exit 3
	assert_failure 3
	run_baton exec "$CID" /probe exit 0
	assert_success
}

@test "exec of a process killed by SIGKILL returns 137" {
	start_sleeper
	run_baton exec "$CID" /bin/sh -c 'kill -9 $$'
	assert_failure 137
}

@test "exec of a missing program fails in crun's words and leaves nothing running" {
	start_sleeper
	run_baton exec "$CID" /nonexistent
	assert_failure
	assert_output --partial 'executable file `/nonexistent` not found'
	run_baton exec "$CID" nosuchprogram
	assert_failure
	assert_output --partial 'executable file `nosuchprogram` not found in $PATH: No such file or directory'
	run ps -eo args
	refute_output --partial nosuchprogram
}

@test "exec of a non-executable file fails with permission denied" {
	start_sleeper
	run_baton exec "$CID" /etc/passwd
	assert_failure
	assert_output --partial 'Permission denied'
}

@test "exec --env, --cwd and --user" {
	start_sleeper
	run_baton exec --env FOO=bar --env PATH=/bin "$CID" /probe env FOO
	assert_success
	assert_output 'FOO=bar'
	run_baton exec --cwd /tmp "$CID" /probe cwd
	assert_success
	assert_output '/tmp'
	run_baton exec -u 1000:1001 "$CID" /probe ids
	assert_success
	assert_output --regexp '^uid=1000 gid=1001 euid=1000 egid=1001'
}

@test "exec inherits the container's process settings" {
	update_config '.process.env += ["FROM_CONFIG=yes"] | .process.cwd = "/etc"'
	start_sleeper
	run_baton exec "$CID" /probe env FROM_CONFIG
	assert_output 'FROM_CONFIG=yes'
	run_baton exec "$CID" /probe cwd
	assert_output '/etc'
}

@test "exec --cap adds a capability, and the config's caps apply otherwise" {
	start_sleeper
	run_baton exec "$CID" /probe caps
	assert_success
	local eff
	eff=$(grep CapEff <<<"$output" | cut -d= -f2)
	run_baton exec --cap CAP_SYS_ADMIN "$CID" /probe caps
	assert_success
	local eff2
	eff2=$(grep CapEff <<<"$output" | cut -d= -f2)
	(((0x$eff2 & (1 << 21)) != 0)) || fail "CAP_SYS_ADMIN not effective: $eff2"
	(((0x$eff & (1 << 21)) == 0)) || fail "CAP_SYS_ADMIN effective without --cap: $eff"
	run_baton exec --cap CAP_BOGUS "$CID" /probe caps
	assert_failure
	assert_output --partial 'unknown capability "CAP_BOGUS"'
}

@test "exec --no-new-privs" {
	update_config '.process.noNewPrivileges = false'
	start_sleeper
	run_baton exec "$CID" /probe nnp
	assert_output --partial '0'
	run_baton exec --no-new-privs "$CID" /probe nnp
	assert_output --partial '1'
}

@test "exec --process runs a full OCI process, validated" {
	start_sleeper
	cat >"$BATS_TEST_TMPDIR/process.json" <<-'JSON'
		{"args": ["/probe", "ids"], "cwd": "/", "user": {"uid": 1000, "gid": 1000},
		 "env": ["PATH=/bin"]}
	JSON
	run_baton exec --process "$BATS_TEST_TMPDIR/process.json" "$CID"
	assert_success
	assert_output --regexp '^uid=1000 gid=1000'
	echo '{"args": []}' >"$BATS_TEST_TMPDIR/bad.json"
	run_baton exec --process "$BATS_TEST_TMPDIR/bad.json" "$CID"
	assert_failure
	assert_output --partial 'process.args: must be a non-empty array'
}

# Nothing on the way (orchestrator, parse-config, final-exec) may cut a list.
@test "exec passes every argument and every -e option, however many" {
	start_sleeper
	run_baton exec "$CID" /bin/echo $(seq 600)
	assert_success
	assert_output "$(seq -s ' ' 600)"
	local opts=() i
	for i in $(seq 30); do opts+=(-e "V$i=$i"); done
	run_baton exec "${opts[@]}" "$CID" /usr/bin/env
	assert_success
	assert_line 'V1=1'
	assert_line 'V30=30'
	[[ $(grep -cE '^V[0-9]+=' <<<"$output") -eq 30 ]] || fail "not all 30 variables: $output"
}

@test "exec --process refuses a duplicate key" {
	start_sleeper
	echo '{"args": ["/probe", "ids"], "cwd": "/", "user": {"uid": 1000, "gid": 0, "uid": 0}}' \
		>"$BATS_TEST_TMPDIR/dup.json"
	run_baton exec --process "$BATS_TEST_TMPDIR/dup.json" "$CID"
	assert_failure 1
	assert_output 'baton: parse-config: process.user.uid: duplicate key'
}

@test "exec applies the container's seccomp filter" {
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}'
	start_sleeper
	run_baton exec "$CID" /probe mkdir /tmp/x
	assert_output 'EPERM'
	run_baton exec "$CID" /probe seccomp
	assert_output --partial '2'
}

@test "exec --detach with --pid-file leaves the process running" {
	start_sleeper
	run_baton exec -d --pid-file "$BATS_TEST_TMPDIR/exec.pid" "$CID" /probe sleep
	assert_success
	local epid
	epid=$(cat "$BATS_TEST_TMPDIR/exec.pid")
	[[ -d /proc/$epid ]] || fail "detached exec process $epid is not running"
	[[ $(readlink "/proc/$pid/ns/pid") == "$(readlink "/proc/$epid/ns/pid")" ]] ||
		fail "detached exec not in the container's pid namespace"
}

@test "exec sees only fds 0-2, plus --preserve-fds" {
	start_sleeper
	run_baton exec "$CID" /probe fds
	assert_output '0 1 2'
	# bats keeps fd 3 for itself: call baton directly, as process.bats does
	local log=$BATS_TEST_TMPDIR/preserve.log rc=0
	baton_cmd exec --preserve-fds 1 "$CID" /probe fds >"$log" 2>&1 </dev/null \
		3</etc/hostname || rc=$?
	[[ $rc -eq 0 ]] || fail "exec failed ($rc): $(cat "$log")"
	run cat "$log"
	assert_output '0 1 2 3'
}

@test "exec into a stopped container fails" {
	set_args exit 0
	run_baton run --keep "$CID"
	assert_success
	run_baton exec "$CID" /probe ids
	assert_failure
	assert_output --partial "the container \`$CID\` is not running"
}

@test "exec into a missing container fails like crun" {
	run_baton exec nosuch-"$CID" /probe ids
	assert_failure
	assert_output --partial 'No such file or directory'
}

@test "exec without a command is a usage error" {
	start_sleeper
	run_baton exec "$CID"
	assert_failure
	assert_output --partial 'requires a COMMAND'
}
