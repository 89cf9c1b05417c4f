#!/usr/bin/env bats
# process.terminal: a pty made in the container, its master sent to a
# console socket (as engines use it) or attached to the caller's terminal
# (`run -t`, `exec -t`), consoleSize applied, /dev/console bound to it.

load helpers

setup() {
	requires root
	setup_bundle
	RECVTTY=$BATON_BUILD/tests/recvtty
	SOCK=$BATS_TEST_TMPDIR/console.sock
}

# start_receiver OUTPUT [INPUT]: an engine-like receiver on $SOCK.
start_receiver() {
	"$RECVTTY" "$SOCK" "$1" "${2:-}" >"$BATS_TEST_TMPDIR/recvtty.name" &
	RECV_PID=$!
	for _ in $(seq 50); do [[ -S $SOCK ]] && return; sleep 0.1; done
	fail "recvtty did not start"
}

# in_tmux LOG CMD...: run CMD in a fresh 100x30 tmux terminal, wait for it,
# leave the screen in LOG and the exit code in $TMUX_RC.
in_tmux() {
	local log=$1 session=bt-$CID-$RANDOM rcfile=$BATS_TEST_TMPDIR/tmux.rc
	shift
	rm -f "$rcfile"
	tmux new-session -d -s "$session" -x 100 -y 30 \
		"$*; echo \$? >$rcfile; sleep 30"
	for _ in $(seq 100); do [[ -s $rcfile ]] && break; sleep 0.1; done
	tmux capture-pane -p -t "$session" >"$log"
	tmux kill-session -t "$session"
	TMUX_RC=$(cat "$rcfile" 2>/dev/null || echo none)
}

@test "create with --console-socket: the engine gets the terminal, consoleSize applies" {
	update_config '.process.terminal = true | .process.consoleSize = {"height": 30, "width": 100}'
	set_cmd /bin/sh -c 'tty; stty size; ls -l /dev/console; echo done'
	start_receiver "$BATS_TEST_TMPDIR/tty.out"
	run_baton create --console-socket "$SOCK" "$CID"
	assert_success
	run_baton start "$CID"
	assert_success
	wait "$RECV_PID"
	run cat "$BATS_TEST_TMPDIR/tty.out"
	assert_line --index 0 --regexp '^/dev/pts/[0-9]+'
	assert_line --index 1 --regexp '^30 100'
	assert_output --partial '136,'
	assert_output --partial 'done'
	run cat "$BATS_TEST_TMPDIR/recvtty.name"
	assert_output --regexp '^/dev/pts/[0-9]+$'
}

@test "the terminal is the controlling tty and stdin of the process" {
	update_config '.process.terminal = true'
	set_cmd /bin/sh -c 'read line; echo "got:$line"; [ -t 0 ] && echo stdin-is-tty'
	start_receiver "$BATS_TEST_TMPDIR/tty.out" $'hello\n'
	run_baton run --console-socket "$SOCK" "$CID"
	assert_success
	wait "$RECV_PID"
	run cat "$BATS_TEST_TMPDIR/tty.out"
	assert_output --partial 'got:hello'
	assert_output --partial 'stdin-is-tty'
}

@test "create with a terminal and no console socket fails and leaves nothing" {
	update_config '.process.terminal = true'
	run_baton create "$CID"
	assert_failure
	assert_output --partial 'process.terminal needs --console-socket with create'
	run_baton list -q
	refute_output --partial "$CID"
}

@test "a console socket nobody listens on is a clear error" {
	update_config '.process.terminal = true'
	run_baton create --console-socket "$BATS_TEST_TMPDIR/nobody.sock" "$CID"
	assert_failure
	assert_output --partial 'connect to the console socket'
}

@test "run in the foreground attaches the caller's terminal (tmux)" {
	requires tmux
	update_config '.process.terminal = true'
	set_cmd /bin/sh -c 'tty; stty size; exit 7'
	in_tmux "$BATS_TEST_TMPDIR/screen" "$BATON" --root "$STATE_ROOT" run "$CID"
	run cat "$BATS_TEST_TMPDIR/screen"
	assert_output --regexp '/dev/pts/[0-9]+'
	assert_output --partial '30 100'
	[[ $TMUX_RC == 7 ]] || fail "exit code $TMUX_RC, want 7"
}

@test "exec -t attaches the caller's terminal (tmux)" {
	requires tmux
	set_args sleep
	run_baton run -d "$CID"
	assert_success
	wait_log sleeping
	in_tmux "$BATS_TEST_TMPDIR/screen" "$BATON" --root "$STATE_ROOT" exec -t "$CID" \
		/bin/sh -c "'tty; stty size; exit 5'"
	run cat "$BATS_TEST_TMPDIR/screen"
	assert_output --regexp '/dev/pts/[0-9]+'
	assert_output --partial '30 100'
	[[ $TMUX_RC == 5 ]] || fail "exit code $TMUX_RC, want 5"
}

@test "exec -t -d with --console-socket hands the terminal to the engine" {
	set_args sleep
	run_baton run -d "$CID"
	assert_success
	wait_log sleeping
	start_receiver "$BATS_TEST_TMPDIR/tty.out"
	run_baton exec -t -d --console-socket "$SOCK" "$CID" /bin/sh -c 'tty; echo exec-on-tty'
	assert_success
	wait "$RECV_PID"
	run cat "$BATS_TEST_TMPDIR/tty.out"
	assert_output --partial 'exec-on-tty'
}

@test "exec -t -d without a console socket is refused" {
	set_args sleep
	run_baton run -d "$CID"
	assert_success
	wait_log sleeping
	run_baton exec -t -d "$CID" /bin/true
	assert_failure
	assert_output --partial 'process.terminal needs --console-socket with --detach'
}

@test "exec -t: the process leads its own session and group, the terminal's foreground" {
	set_args sleep
	run_baton run -d "$CID"
	assert_success
	wait_log sleeping
	start_receiver "$BATS_TEST_TMPDIR/tty.out"
	run_baton exec -t -d --console-socket "$SOCK" "$CID" /probe session
	assert_success
	wait "$RECV_PID"
	run cat "$BATS_TEST_TMPDIR/tty.out"
	assert_output --partial 'sid=self pgid=self fg=self'
	# without a terminal: stdin is no tty, nothing to lead
	run_baton exec "$CID" /probe session
	assert_success
	assert_output --partial 'fg=none'
}

@test "run -t with NOTIFY_SOCKET: the terminal is attached before READY, which still goes on" {
	requires tmux
	local nsock=$BATS_TEST_TMPDIR/notify.sock nout=$BATS_TEST_TMPDIR/notify.out
	local session=bt-$CID-$RANDOM rcfile=$BATS_TEST_TMPDIR/tmux.rc
	"$BATON_BUILD/tests/notify-recv" "$nsock" >"$nout" &
	local recv=$!
	defer "kill $recv 2>/dev/null"
	for _ in $(seq 50); do [[ -S $nsock ]] && break; sleep 0.1; done
	update_config '.process.terminal = true'
	# the program wants a line from its terminal before it says READY
	set_cmd /bin/sh -c 'read answer; echo "got:$answer"; /probe notify READY=1; exit 4'
	tmux new-session -d -s "$session" -x 100 -y 30 \
		"NOTIFY_SOCKET=$nsock $BATON --root $STATE_ROOT run $CID; echo \$? >$rcfile; sleep 30"
	defer "tmux kill-session -t $session 2>/dev/null"
	sleep 1
	tmux send-keys -t "$session" yes Enter
	for _ in $(seq 100); do [[ -s $rcfile ]] && break; sleep 0.1; done
	tmux capture-pane -p -t "$session" >"$BATS_TEST_TMPDIR/screen"
	[[ $(cat "$rcfile" 2>/dev/null) == 4 ]] ||
		fail "run did not finish with 4 ($(cat "$rcfile" 2>/dev/null)): $(cat "$BATS_TEST_TMPDIR/screen")"
	grep -q 'got:yes' "$BATS_TEST_TMPDIR/screen" || fail "no input reached the program: $(cat "$BATS_TEST_TMPDIR/screen")"
	wait "$recv"
	run cat "$nout"
	assert_line --index 0 'READY=1'
}
