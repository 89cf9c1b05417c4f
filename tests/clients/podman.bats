#!/usr/bin/env bats
# podman as a real client of baton: a busybox image imported offline, podman
# running the baton that `make install` put in a private prefix, under its
# installed name, with the installed containers.conf drop-in (through
# CONTAINERS_CONF, so the host's /etc stays as it is). Each scenario is
# checked by its effect. This host lacks CAP_SYS_RESOURCE: every run passes
# --ulimit so that podman's default RLIMIT_NOFILE/NPROC can be set.

load ../helpers
load install
bats_require_minimum_version 1.5.0

IMAGE=localhost/baton-test-busybox
ULIMITS=(--ulimit nofile=1024:1024 --ulimit nproc=1024:1024)
RL_USER=baton-rlpod

# What the image was built from: a stale image (an older probe) is rebuilt.
rootfs_digest() {
	cat "$BATON_ROOTFS/probe" "$BATON_ROOTFS/bin/busybox" | sha256sum | cut -c1-16
}

setup_file() {
	install_baton
	command -v podman >/dev/null || return 0
	export CONTAINERS_CONF=$BATON_DROPIN
	local digest old
	digest=$(rootfs_digest)
	[[ $(podman image inspect -f '{{index .Config.Labels "baton.rootfs"}}' "$IMAGE" 2>/dev/null) != "$digest" ]] ||
		return 0
	old=$(podman image inspect -f '{{.ID}}' "$IMAGE" 2>/dev/null) || old= # none yet
	tar -C "$BATON_ROOTFS" -c . |
		podman import --change "LABEL=baton.rootfs=$digest" - "$IMAGE" >/dev/null
	# the stale image, untagged now
	[[ -z $old ]] || podman rmi "$old" >/dev/null 2>&1 || true
}

setup() {
	requires root
	command -v podman >/dev/null || skip "needs podman"
	export CONTAINERS_CONF=$BATON_DROPIN
	NAME=baton-test-$$-$BATS_TEST_NUMBER
}

teardown() {
	local id cmd
	for cmd in "${DEFERRED[@]}"; do eval "$cmd" >/dev/null 2>&1 || true; done
	id=$(podman inspect -f '{{.ID}}' "$NAME" 2>/dev/null || echo none)
	podman rm -f -t 0 "$NAME" >/dev/null 2>&1 || true
	[[ ! -e /run/baton/$id ]] || fail "baton state of $NAME left in /run/baton/$id"
}

pod() {
	timeout 120 podman --runtime baton "$@"
}

prun() {
	pod run --network none "${ULIMITS[@]}" "$@"
}

@test "podman: the runtime is the installed baton, registered by the installed drop-in" {
	run pod info --format '{{.Host.OCIRuntime.Name}} {{.Host.OCIRuntime.Path}}'
	assert_success
	assert_output "baton $BATON_INSTALLED"
	run grep -E '^baton = ' "$BATON_DROPIN"
	assert_output "baton = [\"$BATON_PREFIX/bin/baton\"]"
}

@test "the installed baton runs the stages installed beside it" {
	local copy=$BATS_TEST_TMPDIR/copy
	cp -a "$BATON_PREFIX" "$copy"
	rm "$copy/libexec/baton/parse-config"
	run "$copy/bin/baton" stage parse-config --help
	assert_failure
	assert_output --partial "$copy/libexec/baton/parse-config"
	run "$BATON_INSTALLED" stage parse-config --help
	assert_success
}

@test "podman run --rm: output and exit codes" {
	run prun --rm --name "$NAME" "$IMAGE" /bin/echo hello-from-podman
	assert_success
	assert_output 'hello-from-podman'
	run prun --rm --name "$NAME" "$IMAGE" /bin/sh -c 'exit 3'
	assert_failure 3
}

@test "podman run: a missing program is 127, a program that is no executable 126" {
	run -127 prun --rm --name "$NAME" "$IMAGE" /no/such/program
	assert_output --partial 'no/such/program'
	run -126 prun --rm --name "$NAME" "$IMAGE" /etc/passwd
	assert_output --partial 'Permission denied'
}

@test "podman run without --ulimit: runs with CAP_SYS_RESOURCE, else the rlimit it cannot raise is named, 126" {
	# podman's default RLIMIT_NOFILE (1048576) is above the hard limit: raising
	# it needs CAP_SYS_RESOURCE, which a host's bounding set may lack (this one's does)
	if host_has cap_sys_resource; then
		run -0 pod run --rm --network none --name "$NAME" "$IMAGE" /bin/sh -c 'ulimit -n'
		assert_output 1048576
		return
	fi
	run -126 pod run --rm --network none --name "$NAME" "$IMAGE" /bin/true
	assert_output --partial 'RLIMIT_NOFILE'
	assert_output --partial 'CAP_SYS_RESOURCE'
	refute_output --partial 'error opening file'
}

@test "podman run: env, workdir, user and hostname" {
	run prun --rm --name "$NAME" -e FOO=bar -w /tmp -u 1000:1000 --hostname podhost "$IMAGE" \
		/bin/sh -c 'echo "$FOO $(pwd) $(id -u):$(id -g) $(hostname)"'
	assert_success
	assert_output 'bar /tmp 1000:1000 podhost'
}

@test "podman run: bind mounts, read-write and read-only" {
	local rw=$BATS_TEST_TMPDIR/rw ro=$BATS_TEST_TMPDIR/ro
	mkdir "$rw" "$ro"
	echo host-data >"$ro/file"
	run prun --rm --name "$NAME" -v "$rw:/rw" -v "$ro:/ro:ro" "$IMAGE" /bin/sh -c \
		'echo from-container >/rw/new && cat /ro/file && touch /ro/x'
	assert_failure 1
	assert_line --index 0 'host-data'
	assert_line --index 1 --partial 'Read-only file system'
	[[ $(cat "$rw/new") == from-container ]] || fail "the write to /rw did not reach the host"
	[[ ! -e $ro/x ]] || fail "a file was made through the read-only mount"
}

@test "podman run: --memory and --pids-limit reach the container's cgroup" {
	run prun --rm --name "$NAME" --memory 64m --pids-limit 20 "$IMAGE" /bin/sh -c \
		'cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max'
	assert_success
	assert_line --index 0 67108864
	assert_line --index 1 20
}

@test "podman run: --cpus is a CFS quota in the container's cgroup" {
	run prun --rm --name "$NAME" --cpus 0.5 "$IMAGE" /bin/sh -c \
		'cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu/cpu.cfs_period_us'
	assert_success
	assert_line --index 0 50000
	assert_line --index 1 100000
}

@test "podman run: --read-only and --tmpfs" {
	run prun --rm --name "$NAME" --read-only --tmpfs /scratch "$IMAGE" /bin/sh -c \
		'touch /x 2>/dev/null && echo root-writable; touch /scratch/y && echo tmpfs-writable'
	assert_success
	assert_output 'tmpfs-writable'
}

@test "podman run: --cap-drop and no-new-privileges" {
	run prun --rm --name "$NAME" --cap-drop all --security-opt no-new-privileges "$IMAGE" \
		/bin/sh -c 'grep -E "CapEff|NoNewPrivs" /proc/self/status'
	assert_success
	assert_line --regexp '^CapEff:\s+0+$'
	assert_line --regexp '^NoNewPrivs:\s+1$'
}

@test "podman run: --cap-add grants what the default set does not" {
	local set_mtu='ip link set lo mtu 1280 2>&1 && cat /sys/class/net/lo/mtu'
	run prun --rm --name "$NAME" "$IMAGE" /bin/sh -c "$set_mtu"
	assert_failure
	assert_output --partial 'Operation not permitted'
	run prun --rm --name "$NAME" --cap-add NET_ADMIN "$IMAGE" /bin/sh -c "$set_mtu"
	assert_success
	assert_output '1280'
}

@test "podman run: the default seccomp profile is installed and blocks sysfs(2)" {
	# sysfs(2) needs no privilege; podman's profile answers it with EPERM
	run prun --rm --name "$NAME" "$IMAGE" /bin/sh -c '/probe seccomp; /probe syscall 139 3'
	assert_success
	assert_output $'2\nEPERM'
	run prun --rm --name "$NAME" --security-opt seccomp=unconfined "$IMAGE" \
		/bin/sh -c '/probe seccomp; /probe syscall 139 3'
	assert_success
	assert_output $'0\nok'
}

@test "podman run --privileged: every capability, the host's devices, no seccomp" {
	local bounding
	bounding=$(awk '/^CapBnd/ {print $2}' /proc/self/status)
	run prun --rm --name "$NAME" --privileged "$IMAGE" /bin/sh -c \
		'grep -E "^(CapEff|Seccomp):" /proc/self/status; stat -c "%F %t:%T" /dev/kmsg'
	assert_success
	assert_line --index 0 --regexp "^CapEff:\s+$bounding$"
	assert_line --index 1 --regexp '^Seccomp:\s+0$'
	assert_line --index 2 'character special file 1:b'
	run prun --rm --name "$NAME" "$IMAGE" /bin/sh -c 'test -e /dev/kmsg'
	assert_failure 1
}

@test "podman run --init: pid 1 is podman's init, and it forwards signals" {
	run prun -d --init --name "$NAME" "$IMAGE" /bin/sh -c \
		'trap "echo got-USR1" USR1; echo ready; while :; do sleep 0.1; done'
	assert_success
	wait_podman_log ready
	run pod exec "$NAME" cat /proc/1/cmdline
	assert_output --partial '/run/podman-init'
	run pod kill -s USR1 "$NAME"
	assert_success
	wait_podman_log got-USR1
}

@test "podman run -d, exec, logs, pause, stop and rm" {
	run prun -d --name "$NAME" "$IMAGE" /bin/sh -c 'echo started; trap "exit 0" TERM; while :; do sleep 0.1; done'
	assert_success
	run pod exec "$NAME" /bin/sh -c 'echo in-exec; exit 4'
	assert_failure 4
	assert_output 'in-exec'
	wait_podman_log started
	run pod pause "$NAME"
	assert_success
	run pod inspect -f '{{.State.Status}}' "$NAME"
	assert_output 'paused'
	run pod unpause "$NAME"
	assert_success
	run pod stop -t 5 "$NAME"
	assert_success
	run pod inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$NAME"
	assert_output 'exited 0'
	run pod rm "$NAME"
	assert_success
}

@test "podman kill: a signal reaches the container's process, then SIGKILL ends it" {
	run prun -d --name "$NAME" "$IMAGE" /bin/sh -c \
		'trap "echo got-USR1" USR1; echo ready; while :; do sleep 0.1; done'
	assert_success
	wait_podman_log ready
	run pod kill -s USR1 "$NAME"
	assert_success
	wait_podman_log got-USR1
	run pod kill "$NAME"
	assert_success
	run pod wait "$NAME"
	assert_output '137'
}

@test "podman top: the container's processes" {
	run prun -d --name "$NAME" "$IMAGE" /bin/sleep 1000
	assert_success
	run pod top "$NAME" pid comm args
	assert_success
	assert_line --regexp '^1 +sleep +/bin/sleep 1000 *$'
}

@test "podman run -i: stdin reaches the container" {
	run bash -c 'printf "line-1\nline-2\n" | "$@"' _ timeout 120 podman --runtime baton run --rm -i \
		--network none "${ULIMITS[@]}" --name "$NAME" "$IMAGE" /bin/cat
	assert_success
	assert_output $'line-1\nline-2'
}

@test "podman run -it: a terminal session (tmux)" {
	requires tmux
	local sock=baton-clients-$$ rcfile=$BATS_TEST_TMPDIR/rc screen=$BATS_TEST_TMPDIR/screen
	tmux -L "$sock" new-session -d -s s -x 100 -y 30 \
		"env CONTAINERS_CONF=$CONTAINERS_CONF podman --runtime baton run --rm -it --network none \
		${ULIMITS[*]} --name $NAME $IMAGE /bin/sh -c 'tty; [ -t 0 ] && echo stdin-tty; \
		echo ready; read l; echo got:\$l'; echo \$? >$rcfile; sleep 60"
	defer_tmux "$sock"
	wait_screen "$sock" ready
	tmux -L "$sock" send-keys -t s 'typed-in' Enter
	for _ in $(seq 300); do [[ -s $rcfile ]] && break; sleep 0.1; done
	tmux -L "$sock" capture-pane -p -t s >"$screen"
	tmux -L "$sock" kill-server
	run cat "$screen"
	assert_line --regexp '^/dev/pts/[0-9]+$'
	assert_line 'stdin-tty'
	assert_line 'got:typed-in'
	[[ $(cat "$rcfile") == 0 ]] || fail "podman run -it exited $(cat "$rcfile")"
}

@test "podman start: a stopped container runs again, with its own filesystem" {
	run prun --name "$NAME" "$IMAGE" /bin/sh -c 'echo run >>/runs; wc -l </runs'
	assert_success
	assert_output '1'
	run pod start -a "$NAME"
	assert_success
	assert_output '2'
	run pod inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$NAME"
	assert_output 'exited 0'
}

@test "podman rm: no baton state and no cgroup left" {
	local id
	run prun -d --name "$NAME" "$IMAGE" /bin/sleep 1000
	assert_success
	id=$output
	run "$BATON_INSTALLED" list -q
	assert_line "$id"
	[[ -n $(find_cgroups "$id") ]] || fail "no cgroup of $id while it runs"
	run pod rm -f -t 0 "$NAME"
	assert_success
	run "$BATON_INSTALLED" list -q
	refute_output --partial "$id"
	[[ ! -e /run/baton/$id ]] || fail "state dir /run/baton/$id left"
	[[ -z $(find_cgroups "$id") ]] || fail "cgroups left: $(find_cgroups "$id")"
}

@test "podman run --cgroups=disabled: the container stays in the caller's cgroups" {
	run prun --rm --name "$NAME" --cgroups=disabled "$IMAGE" /bin/cat /proc/self/cgroup
	assert_success
	assert_output "$(cat /proc/self/cgroup)"
}

@test "podman container checkpoint: reported unsupported, the container keeps running" {
	run "$BATON_INSTALLED" checkpoint --help
	assert_failure 1
	run prun -d --name "$NAME" "$IMAGE" /bin/sleep 1000
	assert_success
	run -125 pod container checkpoint "$NAME"
	assert_output --partial 'does not support checkpoint/restore'
	run pod inspect -f '{{.State.Status}}' "$NAME"
	assert_output 'running'
}

@test "rootless podman: an unprivileged user runs a container on baton" {
	command -v newuidmap >/dev/null || skip "needs uidmap (newuidmap)"
	rootless_podman_user
	run as_rootless podman --runtime baton run --rm --network none "$IMAGE" \
		/bin/sh -c 'id -u; cat /proc/self/uid_map'
	assert_success
	assert_line --index 0 '0'
	assert_line --index 1 --regexp "^ +0 +$RL_UID +1$"
	assert_line --index 2 --regexp "^ +1 +$RL_SUBUID +$RL_SUBCOUNT$"
	run ls -A "$RL_RUNDIR/baton"
	refute_output --regexp '[0-9a-f]{64}'
}

@test "podman with baton by path (text logs): the error says baton's name once" {
	# not in runtime_supports_json: podman reads baton's text log file and
	# prefixes the runtime's path itself
	run -127 timeout 120 podman --runtime "$BATON_INSTALLED" run --rm --network none \
		"${ULIMITS[@]}" --name "$NAME" "$IMAGE" /no/such/program
	assert_output --partial "Error: $BATON_INSTALLED: final-exec: executable file \`/no/such/program\` not found"
	refute_output --partial 'baton: baton:'
	refute_output --partial "$BATON_INSTALLED: baton:"
}

@test "podman restart ten times: the container runs each time, nothing piles up" {
	local id i
	run prun -d --name "$NAME" "$IMAGE" /bin/sh -c 'echo started >>/tmp/starts; sleep 1000'
	assert_success
	id=$output
	for i in $(seq 10); do
		run pod restart -t 0 "$NAME"
		assert_success
	done
	run pod exec "$NAME" /bin/sh -c 'wc -l </tmp/starts'
	assert_output 11
	run "$BATON_INSTALLED" list -q
	[[ $(grep -c "$id" <<<"$output") == 1 ]] || fail "baton list: $output"
	[[ $(find_cgroups "$id" | wc -l) -le $(find /sys/fs/cgroup -maxdepth 1 -mindepth 1 -type d | wc -l) ]] ||
		fail "cgroups pile up: $(find_cgroups "$id")"
	run pod rm -f -t 0 "$NAME"
	assert_success
	[[ ! -e /run/baton/$id ]] || fail "state dir /run/baton/$id left"
	[[ -z $(find_cgroups "$id") ]] || fail "cgroups left: $(find_cgroups "$id")"
}

@test "podman play kube: a pod of two containers that talk over the pod's loopback" {
	local pod=$NAME-pod conf=$BATS_TEST_TMPDIR/containers.conf
	# play kube takes no --ulimit: the limits this host can set, as defaults
	{
		cat "$BATON_DROPIN"
		printf '[containers]\ndefault_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]\n'
	} >"$conf"
	cat >"$BATS_TEST_TMPDIR/pod.yaml" <<-EOF
		apiVersion: v1
		kind: Pod
		metadata:
		  name: $pod
		spec:
		  restartPolicy: Never
		  containers:
		  - name: server
		    image: $IMAGE
		    command: ["/bin/sh", "-c", "echo pong | nc -l -p 9000; sleep 1000"]
		  - name: client
		    image: $IMAGE
		    command: ["/bin/sh", "-c", "for i in \$(seq 50); do nc 127.0.0.1 9000 </dev/null && break; sleep 0.1; done; sleep 1000"]
	EOF
	defer "CONTAINERS_CONF=$conf podman pod rm -f -t 0 $pod"
	CONTAINERS_CONF=$conf run pod play kube --network none "$BATS_TEST_TMPDIR/pod.yaml"
	assert_success
	local got=
	for _ in $(seq 100); do
		got=$(CONTAINERS_CONF=$conf podman logs "$pod-client" 2>&1)
		[[ $got == *pong* ]] && break
		sleep 0.1
	done
	[[ $got == *pong* ]] || fail "the client did not reach the server over 127.0.0.1: $got"
	run podman pod inspect -f '{{.State}}' "$pod"
	assert_output Running
	CONTAINERS_CONF=$conf run podman pod rm -f -t 0 "$pod"
	assert_success
}

@test "podman run --sdnotify=container: READY=1 from the container reaches podman's caller" {
	local sock out recv
	start_notify_recv
	NOTIFY_SOCKET=$sock run prun -d --name "$NAME" --sdnotify=container "$IMAGE" /bin/sh -c \
		'[ -S "$NOTIFY_SOCKET" ] && echo socket-inside; sleep 0.5; /probe notify READY=1; sleep 1000'
	assert_success
	for _ in $(seq 100); do [[ -e /proc/$recv ]] || break; sleep 0.1; done
	run cat "$out"
	assert_line 'READY=1'
	assert_line --regexp '^MAINPID=[1-9][0-9]*$'
	wait_podman_log socket-inside
}

@test "podman run --sdnotify=container: no READY from the container, none passed on" {
	local sock out recv
	start_notify_recv
	NOTIFY_SOCKET=$sock run prun -d --name "$NAME" --sdnotify=container "$IMAGE" /bin/sleep 1000
	assert_success
	sleep 2
	run cat "$out"
	refute_line 'READY=1'
}

# ---- helpers ----------------------------------------------------------------

# start_notify_recv: the caller's sd_notify socket $sock, its first two
# messages (podman sends MAINPID and READY=1 apart) into $out; $recv its pid.
# The caller declares the three local.
start_notify_recv() {
	sock=$BATS_TEST_TMPDIR/notify.sock out=$BATS_TEST_TMPDIR/notify.out
	"$BATON_BUILD/tests/notify-recv" "$sock" 2 >"$out" &
	recv=$!
	defer "kill $recv 2>/dev/null"
	for _ in $(seq 50); do [[ -S $sock ]] && return 0; sleep 0.1; done
	fail "notify-recv did not start"
}

# wait_podman_log TEXT: podman logs of $NAME show TEXT (bounded poll).
wait_podman_log() {
	for _ in $(seq 200); do
		podman logs "$NAME" 2>/dev/null | grep -qF -- "$1" && return 0
		sleep 0.1
	done
	fail "no '$1' in the logs of $NAME: $(podman logs "$NAME" 2>&1)"
}

# wait_screen SOCKET TEXT: the tmux pane shows TEXT (bounded poll).
wait_screen() {
	for _ in $(seq 300); do
		tmux -L "$1" capture-pane -p -t s 2>/dev/null | grep -qF -- "$2" && return 0
		sleep 0.1
	done
	fail "no '$2' on the screen: $(tmux -L "$1" capture-pane -p -t s 2>&1)"
}

defer_tmux() {
	DEFERRED+=("tmux -L $1 kill-server")
}

# The host cgroup directories of a podman container (libpod-ID, any hierarchy).
find_cgroups() {
	find /sys/fs/cgroup -maxdepth 4 -type d -name "*$1*" 2>/dev/null
}

# A user with subordinate ids, a private home and runtime dir, the image in
# its own storage. Cleanup (its pause process, its files) is deferred.
rootless_podman_user() {
	id "$RL_USER" >/dev/null 2>&1 || useradd -M -s /bin/sh "$RL_USER"
	RL_UID=$(id -u "$RL_USER")
	grep -q "^$RL_USER:" /etc/subuid || echo "$RL_USER:400000:65536" >>/etc/subuid
	grep -q "^$RL_USER:" /etc/subgid || echo "$RL_USER:400000:65536" >>/etc/subgid
	IFS=: read -r _ RL_SUBUID RL_SUBCOUNT < <(grep "^$RL_USER:" /etc/subuid | head -1)
	RL_RUNDIR=/run/user/$RL_UID
	RL_HOME=$BATS_TEST_TMPDIR/home
	mkdir -p "$RL_RUNDIR" "$RL_HOME"
	chown "$RL_USER:" "$RL_RUNDIR" "$RL_HOME"
	chmod 700 "$RL_RUNDIR"
	DEFERRED+=("rootless_podman_cleanup")
	# the user reaches the installed baton, the drop-in and its home
	local d
	for d in "$BATON_PREFIX" "$(dirname "$BATON_DROPIN")" "$RL_HOME"; do
		while d=$(dirname "$d") && [[ $d != / ]]; do chmod o+x "$d"; done
	done
	tar -C "$BATON_ROOTFS" -c . | as_rootless podman import - "$IMAGE" >/dev/null ||
		fail "podman import as $RL_USER failed"
}

as_rootless() {
	(cd / && runuser -u "$RL_USER" -- env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		HOME="$RL_HOME" XDG_RUNTIME_DIR="$RL_RUNDIR" CONTAINERS_CONF="$CONTAINERS_CONF" \
		timeout 120 "$@")
}

# podman keeps a pause process holding its user namespace: end it, by its pid.
rootless_podman_cleanup() {
	local pause
	pause=$(cat "$RL_RUNDIR/libpod/tmp/pause.pid" 2>/dev/null) &&
		[[ $pause =~ ^[0-9]+$ ]] && kill "$pause" 2>/dev/null
	rm -rf "${RL_RUNDIR:?}" "${RL_HOME:?}"
}
