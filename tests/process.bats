#!/usr/bin/env bats
# What the user process gets: ids, umask, env, cwd, rlimits, capabilities,
# no_new_privs, oom score, and exactly the fds it is owed.

load helpers

setup() {
	requires root
	setup_bundle
}

# run_probe ARGS...: run the probe with ARGS in a fresh container, must succeed.
run_probe() {
	set_args "$@"
	run_baton run "$CID"
	assert_success
}

@test "root by default" {
	run_probe ids
	assert_output --regexp '^uid=0 gid=0 euid=0 egid=0 groups='
}

@test "process.user uid, gid and additionalGids" {
	update_config '.process.user = {"uid": 1000, "gid": 1001, "additionalGids": [10, 20]}'
	run_probe ids
	assert_output 'uid=1000 gid=1001 euid=1000 egid=1001 groups=10,20'
}

@test "a user without additionalGids has no supplementary groups" {
	update_config '.process.user = {"uid": 1000, "gid": 1000}'
	run_probe ids
	assert_output 'uid=1000 gid=1000 euid=1000 egid=1000 groups='
}

@test "umask from process.user.umask" {
	update_config '.process.user.umask = 63'
	run_probe umask
	assert_output '0077'
}

@test "umask defaults to 0022" {
	update_config 'del(.process.user.umask)'
	umask 0077
	run_probe umask
	assert_output '0022'
}

@test "process.env is the environment" {
	update_config '.process.env = ["PATH=/usr/bin:/bin", "FOO=bar baz", "EMPTY="]'
	run_probe env FOO
	assert_output 'FOO=bar baz'
	run_probe env EMPTY
	assert_output 'EMPTY='
	# nothing of the caller's environment leaks in
	BATON_LEAK=1 run_probe env BATON_LEAK
	assert_output 'BATON_LEAK unset'
}

@test "HOME comes from the container's /etc/passwd when not set" {
	update_config '.process.env = ["PATH=/usr/bin:/bin"] | .process.user = {"uid": 1000, "gid": 1000}'
	run_probe env HOME
	assert_output 'HOME=/home/user'
}

# A line longer than any buffer: its tail must not read as an entry of its own.
@test "HOME from an /etc/passwd line of any length" {
	local pad home passwd=$BUNDLE/rootfs/etc/passwd
	# cut at 1023 bytes, the rest of this uid 1001 line reads as uid 1000 with HOME=/evil
	pad=$(head -c $((1023 - 17)) /dev/zero | tr '\0' g)
	home=/home/$(head -c 600 /dev/zero | tr '\0' h)
	{
		printf 'long:x:1001:1001:%sevil:x:1000:1000::/evil:/bin/sh\n' "$pad"
		printf 'u2:x:1000:1000::%s:/bin/sh\n' "$home"
		grep -v '^[^:]*:[^:]*:1000:' "$passwd"
	} >"$passwd.new"
	mv "$passwd.new" "$passwd"
	update_config '.process.env = ["PATH=/usr/bin:/bin"] | .process.user = {"uid": 1000, "gid": 1000}'
	run_probe env HOME
	assert_output "HOME=$home"
}

@test "process.cwd is the working directory" {
	update_config '.process.cwd = "/tmp"'
	run_probe cwd
	assert_output '/tmp'
}

@test "process.rlimits are applied" {
	update_config '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 1024, "hard": 2048},
		{"type": "RLIMIT_CORE", "soft": 0, "hard": 0}]'
	run_probe rlimit NOFILE
	assert_output '1024 2048'
	run_probe rlimit CORE
	assert_output '0 0'
}

@test "an rlimit above the hard limit: raised with CAP_SYS_RESOURCE, else an error naming it" {
	local hard
	hard=$(ulimit -Hn)
	update_config --argjson h "$((hard + 1))" '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": $h, "hard": $h}]'
	set_args rlimit NOFILE
	run_baton run "$CID"
	# the container can raise its hard limit only with CAP_SYS_RESOURCE, which
	# a host's bounding set may lack (this machine kind's does)
	if host_has cap_sys_resource; then
		assert_success
		assert_output "$((hard + 1)) $((hard + 1))"
		return
	fi
	assert_failure 1
	assert_output --regexp '^baton: .*RLIMIT_NOFILE'
}

@test "five capability sets of root" {
	update_config '.process.capabilities = {
		"bounding": ["CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_AUDIT_WRITE"],
		"effective": ["CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_AUDIT_WRITE"],
		"permitted": ["CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_AUDIT_WRITE"],
		"inheritable": ["CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_AUDIT_WRITE"],
		"ambient": []}'
	run_probe caps
	assert_line 'CapInh=0000000020000420'
	assert_line 'CapPrm=0000000020000420'
	assert_line 'CapEff=0000000020000420'
	assert_line 'CapBnd=0000000020000420'
	assert_line 'CapAmb=0000000000000000'
}

# For a non-root user, execve keeps only what the ambient set carries.
@test "five capability sets of a non-root user with ambient capabilities" {
	update_config '.process.user = {"uid": 1000, "gid": 1000} | .process.capabilities = {
		"bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_SETUID", "CAP_NET_BIND_SERVICE"],
		"effective": ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
		"permitted": ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
		"inheritable": ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
		"ambient": ["CAP_NET_BIND_SERVICE"]}'
	run_probe caps
	assert_line 'CapInh=0000000000000420'
	assert_line 'CapPrm=0000000000000400'
	assert_line 'CapEff=0000000000000400'
	assert_line 'CapBnd=00000000000004a1'
	assert_line 'CapAmb=0000000000000400'
}

@test "a non-root user without ambient capabilities has none" {
	update_config '.process.user = {"uid": 1000, "gid": 1000} | .process.capabilities = {
		"bounding": ["CAP_KILL"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL"]}'
	run_probe caps
	assert_line 'CapPrm=0000000000000000'
	assert_line 'CapEff=0000000000000000'
	assert_line 'CapBnd=0000000000000020'
	assert_line 'CapAmb=0000000000000000'
}

@test "noNewPrivileges true" {
	update_config '.process.noNewPrivileges = true'
	run_probe nnp
	assert_output '1'
}

@test "noNewPrivileges false" {
	update_config '.process.noNewPrivileges = false'
	run_probe nnp
	assert_output '0'
}

@test "oomScoreAdj is applied" {
	update_config '.process.oomScoreAdj = 100'
	run_probe oom
	assert_output '100'
}

@test "the process sees fds 0-2 only" {
	exec 7</etc/hostname 8>"$BATS_TEST_TMPDIR/fd8"
	run_probe fds
	exec 7<&- 8>&-
	assert_output '0 1 2'
}

@test "fds 0-2 only in a created then started container" {
	set_args fds
	exec 7</etc/hostname
	run_baton create "$CID"
	exec 7<&-
	assert_success
	local log=$LAST_LOG
	run_baton start "$CID"
	assert_success
	wait_status stopped
	run cat "$log"
	assert_output '0 1 2'
}

@test "--preserve-fds passes fds 3 and up" {
	set_args fds
	local log=$BATS_TEST_TMPDIR/preserve.log rc=0
	baton_cmd run --preserve-fds 2 "$CID" >"$log" 2>&1 </dev/null \
		3</etc/hostname 4</etc/hostname 5</etc/hostname || rc=$?
	[[ $rc -eq 0 ]] || fail "run failed ($rc): $(cat "$log")"
	run cat "$log"
	assert_output '0 1 2 3 4'
}

@test "--preserve-fds passes the same open file" {
	echo preserved-content >"$BATS_TEST_TMPDIR/preserved"
	set_cmd /bin/cat /proc/self/fd/3
	local log=$BATS_TEST_TMPDIR/preserve.log rc=0
	baton_cmd run --preserve-fds 1 "$CID" >"$log" 2>&1 </dev/null \
		3<"$BATS_TEST_TMPDIR/preserved" || rc=$?
	[[ $rc -eq 0 ]] || fail "run failed ($rc): $(cat "$log")"
	run cat "$log"
	assert_output 'preserved-content'
}

@test "stdin, stdout and stderr are the caller's" {
	set_cmd /bin/sh -c 'read line; echo "out:$line"; echo "err:$line" >&2'
	local out=$BATS_TEST_TMPDIR/out err=$BATS_TEST_TMPDIR/err
	echo piped | baton_cmd run "$CID" >"$out" 2>"$err" 3>&-
	[[ $(cat "$out") == out:piped ]] || fail "stdout: $(cat "$out")"
	[[ $(cat "$err") == err:piped ]] || fail "stderr: $(cat "$err")"
}

# CVE-2024-21626: a cwd through an inherited fd must not reach the host.
@test "a cwd through a leaked fd does not reach the host" {
	update_config '.process.cwd = "/proc/self/fd/7"'
	set_args cwd
	local log=$BATS_TEST_TMPDIR/leak.log rc=0
	baton_cmd run "$CID" >"$log" 2>&1 </dev/null 3>&- 7</ || rc=$?
	run cat "$log"
	if ((rc == 0)); then
		assert_output --regexp '^/'
		refute_output --partial 'unreachable'
	else
		assert_output --regexp '^baton: '
	fi
}

@test "a process.cwd missing from the rootfs is made, 0755 and root's, before the user switch" {
	update_config '.process.cwd = "/work//deep/er" | .process.user = {"uid": 1000, "gid": 1000}'
	run_probe cwd
	assert_output '/work/deep/er'
	local d
	for d in work work/deep work/deep/er; do
		[[ $(stat -c '%a %u:%g' "$BUNDLE/rootfs/$d") == '755 0:0' ]] ||
			fail "$d: $(stat -c '%a %u:%g' "$BUNDLE/rootfs/$d")"
	done
}

@test "a process.cwd that cannot be made fails naming process.cwd, nothing left" {
	update_config '.process.cwd = "/missing/dir" | .root.readonly = true'
	set_args cwd
	run_baton run "$CID"
	assert_failure 1
	assert_output --partial 'process.cwd: create `/missing` in the rootfs: Read-only file system'
	[[ ! -e $BUNDLE/rootfs/missing ]] || fail "made on the host side"
	[[ -z $(ls -A "$STATE_ROOT") ]] || fail "state left: $(ls -A "$STATE_ROOT")"
}

@test "--preserve-fds larger than what is open passes the open ones" {
	set_args fds
	local log=$BATS_TEST_TMPDIR/preserve.log rc=0
	baton_cmd run --preserve-fds 6 "$CID" >"$log" 2>&1 </dev/null \
		3</etc/hostname 4</etc/hostname || rc=$?
	[[ $rc -eq 0 ]] || fail "run failed ($rc): $(cat "$log")"
	run cat "$log"
	assert_output '0 1 2 3 4'
}

@test "--preserve-fds over a closed fd: /dev/null there, never one of baton's own (its --log)" {
	set_cmd /bin/sh -c '/probe fds; readlink /proc/self/fd/3; readlink /proc/self/fd/4'
	local log=$BATS_TEST_TMPDIR/preserve.log rc=0
	# fd 3 closed, fd 4 open: --log would otherwise take number 3
	baton_cmd --log "$BATS_TEST_TMPDIR/baton.log" run --preserve-fds 2 "$CID" >"$log" 2>&1 \
		</dev/null 3<&- 4</etc/hostname || rc=$?
	[[ $rc -eq 0 ]] || fail "run failed ($rc): $(cat "$log")"
	run cat "$log"
	assert_output $'0 1 2 3 4\n/dev/null\n/etc/hostname'
}

@test "stdio pipes and files are the container user's, so that the process can reopen them" {
	update_config '.process.user = {"uid": 1000, "gid": 1000}'
	set_cmd /bin/sh -c 'echo out-reopened >/proc/self/fd/1 && echo err-reopened >/proc/self/fd/2'
	local out=$BATS_TEST_TMPDIR/out err=$BATS_TEST_TMPDIR/err rc=0
	# stdout a pipe, stderr a file of root's, stdin /dev/null
	baton_cmd run "$CID" </dev/null 2>"$err" | cat >"$out" || rc=$?
	[[ $rc -eq 0 ]] || fail "run failed ($rc): $(cat "$err")"
	run cat "$out"
	assert_output 'out-reopened'
	run cat "$err"
	assert_output 'err-reopened'
	[[ $(stat -c %u:%g "$err") == 1000:1000 ]] || fail "stderr file: $(stat -c %u:%g "$err")"
	# a device is left alone
	[[ $(stat -c %u:%g /dev/null) == 0:0 ]] || fail "/dev/null was chowned: $(stat -c %u:%g /dev/null)"
}

@test "a process.env of 500 entries arrives whole" {
	update_config '.process.env += [range(500) | "E\(.)=\(.)"]'
	set_cmd /usr/bin/env
	run_baton run "$CID"
	assert_success
	assert_line 'E0=0'
	assert_line 'E499=499'
	[[ $(grep -cE '^E[0-9]+=' <<<"$output") -eq 500 ]] || fail "not all 500 variables arrived"
}
