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

@test "NOTIFY_SOCKET: READY from the container reaches the caller's socket" {
	local sock=$BATS_TEST_TMPDIR/notify.sock out=$BATS_TEST_TMPDIR/notify.out
	"$BATON_BUILD/tests/notify-recv" "$sock" >"$out" &
	local recv=$!
	for _ in $(seq 50); do [[ -S $sock ]] && break; sleep 0.1; done
	set_args notify READY=1
	NOTIFY_SOCKET=$sock run_baton run "$CID"
	assert_success
	assert_output 'sent'
	wait "$recv"
	run cat "$out"
	assert_output 'READY=1'
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
