#!/usr/bin/env bats
# podman as a real client of baton: a busybox image imported offline, podman
# pointed at the built baton through a containers.conf that registers it as a
# runtime that takes JSON logs (as podman does for crun), each scenario
# checked by its effect. This host lacks CAP_SYS_RESOURCE: every run passes
# --ulimit so that podman's default RLIMIT_NOFILE/NPROC can be set.

load ../helpers
bats_require_minimum_version 1.5.0

IMAGE=localhost/baton-test-busybox

setup_file() {
	command -v podman >/dev/null || return 0
	export CONTAINERS_CONF=$BATS_FILE_TMPDIR/containers.conf
	cat >"$CONTAINERS_CONF" <<-EOF
		[engine]
		runtime = "baton"
		runtime_supports_json = ["baton"]
		cgroup_manager = "cgroupfs"
		events_logger = "file"
		[engine.runtimes]
		baton = ["$BATON"]
	EOF
	podman image exists "$IMAGE" ||
		tar -C "$BATON_ROOTFS" -c . | podman import - "$IMAGE" >/dev/null
}

setup() {
	requires root
	command -v podman >/dev/null || skip "needs podman"
	export CONTAINERS_CONF=$BATS_FILE_TMPDIR/containers.conf
	NAME=baton-test-$$-$BATS_TEST_NUMBER
}

teardown() {
	podman rm -f -t 0 "$NAME" >/dev/null 2>&1 || true
	[[ ! -e /run/baton/$(podman inspect -f '{{.ID}}' "$NAME" 2>/dev/null || echo none) ]]
}

prun() {
	timeout 120 podman run --network none --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 "$@"
}

@test "podman: the runtime is baton" {
	run podman info --format '{{.Host.OCIRuntime.Name}} {{.Host.OCIRuntime.Path}}'
	assert_success
	assert_output "baton $BATON"
}

@test "podman run --rm: output and exit codes" {
	run prun --rm --name "$NAME" "$IMAGE" /bin/echo hello-from-podman
	assert_success
	assert_output 'hello-from-podman'
	run prun --rm --name "$NAME" "$IMAGE" /bin/sh -c 'exit 3'
	assert_failure 3
}

@test "podman run: a missing program is exit 127 in podman's words" {
	run -127 prun --rm --name "$NAME" "$IMAGE" /no/such/program
}

@test "podman run: env, workdir, user and hostname" {
	run prun --rm --name "$NAME" -e FOO=bar -w /tmp -u 1000:1000 --hostname podhost "$IMAGE" \
		/bin/sh -c 'echo "$FOO $(pwd) $(id -u):$(id -g) $(hostname)"'
	assert_success
	assert_output 'bar /tmp 1000:1000 podhost'
}

@test "podman run: --memory and --pids-limit reach the container's cgroup" {
	run prun --rm --name "$NAME" --memory 64m --pids-limit 20 "$IMAGE" /bin/sh -c \
		'cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max'
	assert_success
	assert_line --index 0 67108864
	assert_line --index 1 20
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

@test "podman run -d, exec, logs, pause, stop and rm" {
	run prun -d --name "$NAME" "$IMAGE" /bin/sh -c 'echo started; trap "exit 0" TERM; while :; do sleep 0.1; done'
	assert_success
	run timeout 60 podman exec "$NAME" /bin/sh -c 'echo in-exec; exit 4'
	assert_failure 4
	assert_output 'in-exec'
	run podman logs "$NAME"
	assert_output --partial 'started'
	run podman pause "$NAME"
	assert_success
	run podman inspect -f '{{.State.Status}}' "$NAME"
	assert_output 'paused'
	run podman unpause "$NAME"
	assert_success
	run timeout 60 podman stop -t 5 "$NAME"
	assert_success
	run podman inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$NAME"
	assert_output 'exited 0'
	run podman rm "$NAME"
	assert_success
}
