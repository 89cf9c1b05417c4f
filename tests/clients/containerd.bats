#!/usr/bin/env bats
# containerd as a real client of baton: a private containerd (own root, state
# and socket under the test's tmp dir), a busybox OCI image built and imported
# offline, and `ctr run` with the runc v2 shim running the installed baton as
# its runtime binary (--runc-binary; its state under a private --runc-root).
# What the shim calls: `--root R --log F --log-format json` then create
# (--bundle --pid-file [--console-socket]), start, state, exec --process
# --detach --pid-file, ps --format json, pause, resume, kill ID SIG [--all],
# delete [--force].

load ../helpers
load install
bats_require_minimum_version 1.5.0

IMAGE=localhost/baton-busybox:latest

setup_file() {
	install_baton
	command -v containerd >/dev/null && command -v ctr >/dev/null || return 0
	export CTD_DIR=$BATS_FILE_TMPDIR/containerd
	export CTD_SOCK=$CTD_DIR/containerd.sock
	export RUNC_ROOT=$CTD_DIR/runc
	mkdir -p "$CTD_DIR"
	# the shims' sockets go under /run/containerd whatever the config says,
	# and baton makes the parent cgroup `default`: remove what we made
	[[ -e /run/containerd ]] || touch "$CTD_DIR/made-run-containerd"
	compgen -G "/sys/fs/cgroup/*/default" >/dev/null || touch "$CTD_DIR/made-cgroups"
	start_containerd
	"$BATS_TEST_DIRNAME/oci-image.sh" "$BATON_ROOTFS" "$IMAGE" "$CTD_DIR/image.tar"
	ctr -a "$CTD_SOCK" images import "$CTD_DIR/image.tar" >/dev/null
}

teardown_file() {
	[[ -n ${CTD_DIR:-} ]] || return 0
	local pid
	pid=$(cat "$CTD_DIR/containerd.pid" 2>/dev/null) || return 0
	kill "$pid" 2>/dev/null
	for _ in $(seq 100); do [[ -e /proc/$pid ]] || break; sleep 0.1; done
	[[ -e $CTD_DIR/made-run-containerd ]] &&
		find /run/containerd -depth -type d -empty -delete 2>/dev/null
	[[ -e $CTD_DIR/made-cgroups ]] && rmdir /sys/fs/cgroup/*/default 2>/dev/null
	return 0
}

setup() {
	requires root
	command -v containerd >/dev/null || skip "needs containerd"
	CID=bt-ctd-$$-$BATS_TEST_NUMBER
}

teardown() {
	local cmd
	for cmd in "${DEFERRED[@]}"; do eval "$cmd" >/dev/null 2>&1 || true; done
	ctr_ task kill -a -s SIGKILL "$CID" >/dev/null 2>&1
	ctr_ task delete -f "$CID" >/dev/null 2>&1
	ctr_ containers delete "$CID" >/dev/null 2>&1
	[[ ! -e $RUNC_ROOT/default/$CID ]] || fail "baton state left: $RUNC_ROOT/default/$CID"
	[[ -z $(find /sys/fs/cgroup -maxdepth 3 -type d -path "*/default/$CID") ]] ||
		fail "cgroups left: $(find /sys/fs/cgroup -maxdepth 3 -type d -path "*/default/$CID")"
}

# A containerd of our own, started in the background (its output in a file,
# bats' fd 3 closed so that it does not hold the test run open).
start_containerd() {
	cat >"$CTD_DIR/config.toml" <<-EOF
		version = 2
		root = "$CTD_DIR/root"
		state = "$CTD_DIR/state"
		disabled_plugins = ["io.containerd.grpc.v1.cri"]
		[grpc]
		  address = "$CTD_SOCK"
		[ttrpc]
		  address = "$CTD_SOCK.ttrpc"
		[debug]
		  address = ""
		[metrics]
		  address = ""
	EOF
	containerd --config "$CTD_DIR/config.toml" >"$CTD_DIR/containerd.log" 2>&1 </dev/null 3>&- &
	echo $! >"$CTD_DIR/containerd.pid"
	for _ in $(seq 100); do
		ctr -a "$CTD_SOCK" version >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	echo "containerd did not start: $(tail -n 20 "$CTD_DIR/containerd.log")" >&2
	return 1
}

ctr_() {
	timeout 60 ctr -a "$CTD_SOCK" "$@"
}

# ctr run with baton as the shim's runtime binary (ctr's fifos are ours too).
crun_() {
	ctr_ run --runc-binary "$BATON_INSTALLED" --runc-root "$RUNC_ROOT" --fifo-dir "$CTD_DIR/fifo" "$@"
}

exec_() {
	ctr_ task exec --fifo-dir "$CTD_DIR/fifo" "$@"
}

# task_status: the STATUS column of `ctr task ls` for $CID.
task_status() {
	ctr_ task ls | awk -v id="$CID" '$1 == id {print $3}'
}

wait_task_status() {
	for _ in $(seq 100); do
		[[ $(task_status) == "$1" ]] && return 0
		sleep 0.1
	done
	fail "task $CID: status '$(task_status)', expected '$1'"
}

@test "ctr run --rm: output and exit code" {
	run crun_ --rm "$IMAGE" "$CID" /bin/echo hello-from-ctr
	assert_success
	assert_output 'hello-from-ctr'
	run -3 crun_ --rm "$IMAGE" "$CID" /bin/sh -c 'exit 3'
}

@test "ctr run: env and working directory" {
	run crun_ --rm --env FOO=bar --cwd /tmp "$IMAGE" "$CID" /bin/sh -c 'echo "$FOO $(pwd)"'
	assert_success
	assert_output 'bar /tmp'
}

@test "ctr run: a missing program fails with baton's words and leaves nothing" {
	run crun_ --rm "$IMAGE" "$CID" /no/such/program
	assert_failure
	assert_output --partial 'executable file `/no/such/program` not found'
	run ctr_ containers ls -q
	refute_output --partial "$CID"
}

@test "ctr run -d, task exec, kill and delete; the state is baton's" {
	run crun_ -d "$IMAGE" "$CID" /bin/sh -c 'trap "exit 5" TERM; while :; do sleep 0.1; done'
	assert_success
	wait_task_status RUNNING
	run "$BATON_INSTALLED" --root "$RUNC_ROOT/default" state "$CID"
	assert_success
	echo "$output" | jq -e --arg id "$CID" '.id == $id and .status == "running"' ||
		fail "unexpected state: $output"
	run -4 exec_ --exec-id e1 "$CID" /bin/sh -c 'echo in-exec; exit 4'
	assert_output 'in-exec'
	run exec_ --exec-id e2 "$CID" /no/such/program
	assert_failure
	assert_output --partial 'executable file `/no/such/program` not found'
	run ctr_ task kill "$CID"
	assert_success
	wait_task_status STOPPED
	run ctr_ task delete "$CID"
	assert_success
	assert_output --partial 'exit code 5'
	run ctr_ containers delete "$CID"
	assert_success
	[[ ! -e $RUNC_ROOT/default/$CID ]] || fail "state left after task delete"
}

@test "ctr task kill --all: every process of the container" {
	run crun_ -d "$IMAGE" "$CID" /bin/sleep 1000
	assert_success
	wait_task_status RUNNING
	exec_ -d --exec-id e1 "$CID" /bin/sleep 1000 3>&-
	run ctr_ task kill -a -s SIGKILL "$CID"
	assert_success
	wait_task_status STOPPED
	run ctr_ task ps "$CID"
	refute_output --partial 'sleep'
}

@test "ctr task pause and resume freeze the container's cgroup" {
	run crun_ -d "$IMAGE" "$CID" /bin/sleep 1000
	assert_success
	wait_task_status RUNNING
	run ctr_ task pause "$CID"
	assert_success
	assert_equal "$(task_status)" PAUSED
	assert_equal "$(cat "/sys/fs/cgroup/freezer/default/$CID/freezer.state")" FROZEN
	run ctr_ task resume "$CID"
	assert_success
	assert_equal "$(task_status)" RUNNING
	assert_equal "$(cat "/sys/fs/cgroup/freezer/default/$CID/freezer.state")" THAWED
}

@test "ctr task ps: the container's processes, an exec'd one included" {
	local pid
	run crun_ -d "$IMAGE" "$CID" /bin/sleep 1000
	assert_success
	wait_task_status RUNNING
	pid=$(ctr_ task ls | awk -v id="$CID" '$1 == id {print $2}')
	exec_ -d --exec-id e1 "$CID" /bin/sleep 999 3>&-
	run ctr_ task ps "$CID"
	assert_success
	assert_line --regexp "^$pid +"
	local other
	other=$(pgrep -f '^/bin/sleep 999$' | head -1)
	[[ -n $other ]] || fail "the exec'd sleep does not run"
	assert_line --regexp "^$other +"
}

@test "ctr run --memory-limit: the limit is in the container's memory cgroup" {
	run crun_ --rm --memory-limit 67108864 \
		--mount type=cgroup,src=cgroup,dst=/sys/fs/cgroup,options=ro:nosuid:nodev:noexec \
		"$IMAGE" "$CID" /bin/cat /sys/fs/cgroup/memory/memory.limit_in_bytes
	assert_success
	assert_output '67108864'
}

@test "ctr run -t: a terminal session (tmux)" {
	requires tmux
	local sock=baton-ctd-$$ rcfile=$BATS_TEST_TMPDIR/rc screen=$BATS_TEST_TMPDIR/screen
	tmux -L "$sock" new-session -d -s s -x 100 -y 30 \
		"ctr -a $CTD_SOCK run --rm -t --runc-binary $BATON_INSTALLED --runc-root $RUNC_ROOT \
		--fifo-dir $CTD_DIR/fifo \
		$IMAGE $CID /bin/sh -c 'tty; [ -t 0 ] && echo stdin-tty; echo ready; read l; \
		echo got:\$l'; echo \$? >$rcfile; sleep 60"
	DEFERRED+=("tmux -L $sock kill-server")
	for _ in $(seq 300); do
		tmux -L "$sock" capture-pane -p -t s | grep -q '^ready' && break
		sleep 0.1
	done
	tmux -L "$sock" send-keys -t s 'typed-in' Enter
	for _ in $(seq 300); do [[ -s $rcfile ]] && break; sleep 0.1; done
	tmux -L "$sock" capture-pane -p -t s >"$screen"
	run cat "$screen"
	assert_line --regexp '^/dev/pts/[0-9]+$'
	assert_line 'stdin-tty'
	assert_line 'got:typed-in'
	[[ $(cat "$rcfile") == 0 ]] || fail "ctr run -t exited $(cat "$rcfile")"
}
