#!/usr/bin/env bats
# Docker as a real client of baton: a private dockerd (Debian's docker.io:
# its own data root, exec root, pid file and socket, no iptables, no bridge,
# the vfs storage driver) with the installed baton added as the runtime
# `baton`, an image imported offline from the test rootfs, and the docker
# commands people use. dockerd drives baton through containerd's runc shim;
# its config is Go's, zero values and all (tests/engine-configs.bats has one).

load ../helpers
load install
bats_require_minimum_version 1.5.0

IMAGE=baton-busybox:latest

setup_file() {
	command -v dockerd >/dev/null || return 0
	install_baton
	# unix socket paths are short: not under BATS_FILE_TMPDIR
	DKD=$(mktemp -d /tmp/baton-dockerd.XXXXXX)
	export DKD DOCKER_HOST=unix://$DKD/docker.sock
	compgen -G "/sys/fs/cgroup/*/docker" >/dev/null || touch "$DKD/made-cgroups"
	[[ -e /run/containerd ]] || touch "$DKD/made-run-containerd"
	jq -n --arg path "$BATON_INSTALLED" '{runtimes: {baton: {path: $path}}}' >"$DKD/daemon.json"
	dockerd --config-file "$DKD/daemon.json" --data-root "$DKD/data" --exec-root "$DKD/exec" \
		--pidfile "$DKD/docker.pid" -H "$DOCKER_HOST" --iptables=false --ip6tables=false \
		--bridge=none --storage-driver=vfs >"$DKD/dockerd.log" 2>&1 </dev/null 3>&- &
	for _ in $(seq 150); do
		docker_ version >/dev/null 2>&1 && break
		sleep 0.2
	done
	docker_ version >/dev/null 2>&1 || {
		echo "dockerd did not start: $(tail -n 20 "$DKD/dockerd.log")" >&2
		return 1
	}
	tar -C "$BATON_ROOTFS" -c . | docker_ import - "$IMAGE" >/dev/null
}

teardown_file() {
	[[ -n ${DKD:-} ]] || return 0
	local pid
	docker_ rm -f $(docker_ ps -aq) >/dev/null 2>&1
	if pid=$(cat "$DKD/docker.pid" 2>/dev/null); then
		kill "$pid" 2>/dev/null
		for _ in $(seq 150); do [[ -e /proc/$pid ]] || break; sleep 0.1; done
	fi
	[[ -e $DKD/made-cgroups ]] && find /sys/fs/cgroup/*/docker /sys/fs/cgroup/docker \
		-depth -type d -exec rmdir {} + 2>/dev/null
	[[ -e $DKD/made-run-containerd ]] &&
		find /run/containerd -depth -type d -empty -delete 2>/dev/null
	rm -rf "$DKD"
	return 0
}

setup() {
	requires root
	command -v dockerd >/dev/null || skip "needs dockerd (Debian's docker.io)"
	NAME=bt-docker-$$-$BATS_TEST_NUMBER
}

teardown() {
	local id left
	id=$(docker_ inspect -f '{{.Id}}' "$NAME" 2>/dev/null)
	docker_ rm -f "$NAME" >/dev/null 2>&1
	[[ -n $id ]] || return 0
	# baton's state under the shim's runtime root, the container's cgroups
	left=$(find "$DKD/exec/runtime-runc" /sys/fs/cgroup -maxdepth 4 -name "$id" 2>/dev/null)
	[[ -z $left ]] || fail "left behind: $left"
}

# The Debian client: it matches the daemon's API version.
docker_() {
	timeout 120 /usr/bin/docker "$@"
}

drun() {
	docker_ run --runtime baton "$@"
}

# The container's id, and its v1 cgroup file (memory, pids) from the host.
cgroup_file() {
	local id
	id=$(docker_ inspect -f '{{.Id}}' "$NAME")
	if [[ $(stat -f -c %T /sys/fs/cgroup) == cgroup2fs ]]; then
		echo "/sys/fs/cgroup/docker/$id/$2"
	else
		echo "/sys/fs/cgroup/$1/docker/$id/$2"
	fi
}

@test "docker run --runtime baton --rm: output and exit code" {
	run drun --rm --name "$NAME" "$IMAGE" /bin/echo hello-from-docker
	assert_success
	assert_output 'hello-from-docker'
	run -3 drun --rm --name "$NAME" "$IMAGE" /bin/sh -c 'exit 3'
	run docker_ ps -aq --filter "name=$NAME"
	assert_output ''
}

@test "docker run -d, exec, top, stop: the signal reaches the process, its exit code is kept" {
	run drun -d --name "$NAME" "$IMAGE" /bin/sh -c 'trap "exit 7" TERM; while :; do sleep 0.1; done'
	assert_success
	run docker_ exec "$NAME" /bin/sh -c 'echo exec-ok; cat /proc/1/cmdline | tr "\0" " "'
	assert_success
	assert_output --partial 'exec-ok'
	assert_output --partial 'trap "exit 7" TERM'
	run docker_ top "$NAME"
	assert_success
	assert_output --partial 'trap "exit 7" TERM'
	run docker_ stop -t 10 "$NAME"
	assert_success
	run docker_ inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$NAME"
	assert_output 'exited 7'
}

@test "docker pause, unpause and stats --no-stream" {
	run drun -d --name "$NAME" "$IMAGE" /bin/sh -c 'i=0; while :; do i=$((i + 1)); echo $i >/tmp/t; sleep 0.05; done'
	assert_success
	run docker_ pause "$NAME"
	assert_success
	run docker_ inspect -f '{{.State.Status}}' "$NAME"
	assert_output paused
	local before after
	run docker_ exec "$NAME" cat /tmp/t
	assert_failure
	assert_output --partial 'paused'
	run docker_ unpause "$NAME"
	assert_success
	before=$(docker_ exec "$NAME" cat /tmp/t)
	sleep 0.3
	after=$(docker_ exec "$NAME" cat /tmp/t)
	((after > before)) || fail "the loop did not run after unpause: $before -> $after"
	run docker_ stats --no-stream --format '{{.Name}} {{.PIDs}}' "$NAME"
	assert_success
	assert_output --regexp "^$NAME [1-9]"
}

@test "docker update --memory and --pids-limit reach the cgroup" {
	run drun -d --name "$NAME" --pids-limit 50 "$IMAGE" /bin/sleep 1000
	assert_success
	local pids
	pids=$(cgroup_file pids pids.max)
	[[ $(cat "$pids") == 50 ]] || fail "$pids: $(cat "$pids")"
	run docker_ update --memory 64m --memory-swap 64m "$NAME"
	assert_success
	local mem
	mem=$(cgroup_file memory memory.limit_in_bytes)
	[[ -e $mem ]] || mem=$(cgroup_file memory memory.max)
	[[ $(cat "$mem") == 67108864 ]] || fail "$mem: $(cat "$mem")"
	run docker_ exec "$NAME" /bin/sh -c 'for i in $(seq 60); do sleep 5 & done 2>&1; wait'
	assert_output --partial "can't fork"
}

@test "docker run --read-only, --cap-drop ALL" {
	run drun --rm --name "$NAME" --read-only "$IMAGE" /bin/sh -c 'touch /x'
	assert_failure
	assert_output --partial 'Read-only file system'
	run drun --rm --name "$NAME" --cap-drop ALL "$IMAGE" /bin/sh -c 'grep -E "^Cap(Prm|Eff|Bnd)" /proc/self/status'
	assert_success
	assert_output $'CapPrm:\t0000000000000000\nCapEff:\t0000000000000000\nCapBnd:\t0000000000000000'
}

@test "docker run with Docker's default seccomp profile and with --security-opt seccomp=FILE" {
	run drun --rm --name "$NAME" "$IMAGE" /bin/sh -c 'grep ^Seccomp: /proc/self/status; unshare -U true 2>&1 || echo refused'
	assert_success
	assert_output --partial $'Seccomp:\t2'
	assert_output --partial refused
	jq -n '{defaultAction: "SCMP_ACT_ALLOW",
		syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: 1}]}' \
		>"$BATS_TEST_TMPDIR/profile.json"
	run drun --rm --name "$NAME" --security-opt "seccomp=$BATS_TEST_TMPDIR/profile.json" \
		"$IMAGE" /bin/sh -c 'mkdir /tmp/d'
	assert_failure
	assert_output --partial 'Operation not permitted'
}

@test "docker run --network none: loopback works" {
	run drun --rm --name "$NAME" --network none "$IMAGE" /bin/sh -c \
		'(echo over-lo | nc -l -p 8080 &); sleep 0.3; nc 127.0.0.1 8080 </dev/null; cat /sys/class/net/lo/operstate; ls /sys/class/net'
	assert_success
	assert_line over-lo
	assert_line lo
}
