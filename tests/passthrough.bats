#!/usr/bin/env bats
# What the caller hands through to the container process: socket-activation
# fds (LISTEN_FDS), the sd_notify socket (NOTIFY_SOCKET), and a pidfd for
# run.oci.pidfd_receiver.

load helpers

setup() {
	requires root
	setup_bundle
}

@test "LISTEN_FDS: the fds follow stdio and LISTEN_PID is the process" {
	set_cmd /bin/sh -c 'echo "fds=$(ls /proc/self/fd | sort -n | tr "\n" " ")"; echo "LISTEN_FDS=$LISTEN_FDS LISTEN_PID=$LISTEN_PID pid=$$"'
	local log=$BATS_TEST_TMPDIR/listen.log rc=0
	LISTEN_FDS=2 LISTEN_PID=$$ baton_cmd run "$CID" >"$log" 2>&1 </dev/null \
		3</etc/hostname 4</etc/hostname || rc=$?
	[[ $rc -eq 0 ]] || fail "run failed ($rc): $(cat "$log")"
	run cat "$log"
	assert_line --partial 'fds=0 1 2 3 4 '
	assert_line 'LISTEN_FDS=2 LISTEN_PID=1 pid=1'
}

@test "LISTEN_FDS naming an fd that is not open is refused" {
	LISTEN_FDS=3 run_baton run "$CID"
	assert_failure
	assert_output --partial 'LISTEN_FDS=3: fd'
}

# start_notify_recv: the caller's sd_notify socket, in $NSOCK; its first message into $NOUT.
start_notify_recv() {
	NSOCK=$BATS_TEST_TMPDIR/notify.sock NOUT=$BATS_TEST_TMPDIR/notify.out
	"$BATON_BUILD/tests/notify-recv" "$NSOCK" >"$NOUT" &
	NRECV=$!
	defer "kill $NRECV 2>/dev/null"
	for _ in $(seq 50); do [[ -S $NSOCK ]] && return; sleep 0.1; done
	fail "notify-recv did not start"
}

@test "NOTIFY_SOCKET: READY from the container reaches the caller's socket, with MAINPID" {
	start_notify_recv
	set_args notify READY=1
	NOTIFY_SOCKET=$NSOCK run_baton run "$CID"
	assert_success
	assert_output 'sent'
	wait "$NRECV"
	run cat "$NOUT"
	assert_line --index 0 'READY=1'
	assert_line --index 1 --regexp '^MAINPID=[1-9][0-9]*$'
}

@test "NOTIFY_SOCKET is proxied: the container has a socket of its own, start forwards READY with its pid" {
	start_notify_recv
	set_cmd /bin/sh -c 'echo "socket=$NOTIFY_SOCKET"; [ -S "$NOTIFY_SOCKET" ] && echo is-a-socket
		ls /run/notify; /probe notify READY=1; exec /probe sleep'
	# a user other than root may send too
	update_config '.process.user = {"uid": 1000, "gid": 1000}'
	NOTIFY_SOCKET=$NSOCK run_baton create "$CID"
	assert_success
	local log=$LAST_LOG pid
	pid=$(container_pid)
	NOTIFY_SOCKET=$NSOCK run_baton start "$CID"
	assert_success
	wait "$NRECV"
	run cat "$NOUT"
	assert_output $'READY=1\nMAINPID='"$pid"
	wait_log sleeping "$log"
	run cat "$log"
	assert_line --index 0 'socket=/run/notify/notify'
	assert_line --index 1 'is-a-socket'
	# only our socket: the caller's is not in the container
	assert_line --index 2 'notify'
	assert_line --index 3 'sent'
	run_baton delete --force "$CID"
	assert_success
	[[ ! -e $STATE_ROOT/$CID ]] || fail "state left: $(ls -R "$STATE_ROOT/$CID")"
}

@test "NOTIFY_SOCKET that does not exist: the container runs, READY cannot be passed on (a warning)" {
	set_cmd /bin/sh -c '/probe notify READY=1'
	NOTIFY_SOCKET=$BATS_TEST_TMPDIR/nobody.sock run_baton run "$CID"
	assert_success
	assert_output --partial 'sent'
	assert_output --partial "warning"
	assert_output --partial "NOTIFY_SOCKET \`$BATS_TEST_TMPDIR/nobody.sock\`: cannot pass READY=1 on"
}

@test "NOTIFY_SOCKET and a container that exits without READY: run does not hang" {
	start_notify_recv
	set_args exit 3
	NOTIFY_SOCKET=$NSOCK run_baton run "$CID"
	assert_failure 3
	[[ ! -s $NOUT ]] || fail "READY passed on: $(cat "$NOUT")"
}

@test "without NOTIFY_SOCKET the process has none" {
	set_args env NOTIFY_SOCKET
	env -u NOTIFY_SOCKET "$BATON" --root "$STATE_ROOT" run "$CID" >"$BATS_TEST_TMPDIR/out" 2>&1
	run cat "$BATS_TEST_TMPDIR/out"
	assert_output 'NOTIFY_SOCKET unset'
}

@test "run.oci.pidfd_receiver gets a pidfd of the container process" {
	local sock=$BATS_TEST_TMPDIR/pidfd.sock out=$BATS_TEST_TMPDIR/pidfd.out
	"$BATON_BUILD/tests/recvfd" "$sock" >"$out" &
	local recv=$!
	for _ in $(seq 50); do [[ -S $sock ]] && break; sleep 0.1; done
	update_config --arg s "$sock" '.annotations["run.oci.pidfd_receiver"] = $s'
	set_args sleep
	run_baton run -d "$CID"
	assert_success
	wait "$recv"
	run cat "$out"
	assert_line 'anon_inode:[pidfd]'
	assert_line "Pid:	$(container_pid)"
}

# run in the foreground: the signal sent to baton reaches the container
# process (the probe's sleep exits 128+N on TERM/INT/HUP/USR1).
foreground_signal() {
	local sig=$1 want=$2
	set_args sleep
	baton_cmd run "$CID" >"$BATS_TEST_TMPDIR/out" 2>&1 </dev/null &
	local runner=$!
	wait_log sleeping "$BATS_TEST_TMPDIR/out"
	# the baton process itself (under timeout) gets the signal
	local baton_pid="" p
	for p in $(pgrep -f -- "run $CID"); do
		[[ $(cat "/proc/$p/comm" 2>/dev/null) == baton ]] && baton_pid=$p
	done
	[[ -n $baton_pid ]] || fail "no baton process found"
	kill -"$sig" "$baton_pid"
	local rc=0
	wait "$runner" || rc=$?
	[[ $rc -eq $want ]] || fail "exit code $rc after SIG$sig, want $want: $(cat "$BATS_TEST_TMPDIR/out")"
}

@test "run in the foreground forwards SIGTERM and exits 128+15" {
	foreground_signal TERM 143
}

@test "run in the foreground forwards SIGINT and SIGHUP" {
	foreground_signal INT 130
	foreground_signal HUP 129
}

@test "NOTIFY_SOCKET: a SIGTERM to run while it waits for READY reaches the container" {
	start_notify_recv
	NOTIFY_SOCKET=$NSOCK foreground_signal TERM 143
	# the container got it and ended, and run cleaned up after it
	[[ ! -e $STATE_ROOT/$CID ]] || fail "state left: the signal did not reach the container"
	[[ ! -s $NOUT ]] || fail "READY passed on: $(cat "$NOUT")"
}
