#!/usr/bin/env bats
# The container's filesystem: mounts from config.json, the read-only and masked
# paths, /dev, the uts names, sysctls, --no-pivot and mount errors.

load helpers

setup() {
	requires root
	setup_bundle
}

run_probe() {
	set_args "$@"
	run_baton run "$CID"
	assert_success
}

# add_mount JSON: append one mount to config.json.
add_mount() {
	update_config --argjson m "$1" '.mounts += [$m]'
}

@test "bind mount rw" {
	mkdir "$BATS_TEST_TMPDIR/vol"
	add_mount '{"destination": "/mnt/vol", "type": "bind", "source": "'"$BATS_TEST_TMPDIR/vol"'", "options": ["rbind", "rw"]}'
	run_probe write /mnt/vol/file
	assert_output 'ok'
	[[ $(cat "$BATS_TEST_TMPDIR/vol/file") == probe ]] || fail "the write did not reach the host"
}

@test "bind mount ro" {
	mkdir "$BATS_TEST_TMPDIR/vol"
	add_mount '{"destination": "/mnt/ro", "type": "bind", "source": "'"$BATS_TEST_TMPDIR/vol"'", "options": ["bind", "ro"]}'
	run_probe write /mnt/ro/file
	assert_output 'EROFS'
	[[ ! -e $BATS_TEST_TMPDIR/vol/file ]] || fail "a file appeared in the ro source"
	run_probe mount /mnt/ro
	assert_output --regexp '^[^ ]+ ro,'
}

@test "bind mount of a file" {
	echo host-file >"$BATS_TEST_TMPDIR/file"
	add_mount '{"destination": "/etc/bound", "type": "none", "source": "'"$BATS_TEST_TMPDIR/file"'", "options": ["bind", "ro"]}'
	set_cmd /bin/cat /etc/bound
	run_baton run "$CID"
	assert_success
	assert_output 'host-file'
}

@test "tmpfs with options" {
	add_mount '{"destination": "/mnt/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev", "noexec", "mode=750", "size=1m"]}'
	run_probe mount /mnt/tmp
	assert_output --regexp '^tmpfs rw,nosuid,nodev,noexec[^ ]* '
	assert_output --partial 'size=1024k'
	assert_output --partial 'mode=750'
}

@test "proc and sysfs" {
	update_config '(.mounts[] | select(.destination == "/sys")).options = ["nosuid", "noexec", "nodev", "ro"]'
	run_probe mount /proc
	assert_output --regexp '^proc rw,'
	run_probe mount /sys
	assert_output --regexp '^sysfs ro,'
	run_probe write /sys/kernel/baton-test
	assert_output 'EROFS'
}

@test "/dev, /dev/pts and /dev/shm" {
	run_probe mount /dev
	assert_output --regexp '^tmpfs '
	run_probe mount /dev/pts
	assert_output --regexp '^devpts '
	run_probe mount /dev/shm
	assert_output --regexp '^tmpfs '
}

@test "readonly root" {
	update_config '.root.readonly = true'
	run_probe write /file
	assert_output 'EROFS'
	run_probe mount /
	assert_output --regexp '^[^ ]+ ro,'
	# the mounts on top stay writable
	run_probe write /dev/shm/file
	assert_output 'ok'
}

@test "writable root" {
	update_config '.root.readonly = false'
	run_probe write /file
	assert_output 'ok'
	[[ -f $BUNDLE/rootfs/file ]] || fail "the write did not reach the rootfs"
}

@test "masked paths: a file reads empty, a directory is empty" {
	update_config '.linux.maskedPaths = ["/proc/timer_list", "/sys/firmware", "/proc/no-such-path"]'
	set_cmd /bin/sh -c 'wc -c < /proc/timer_list; ls -A /sys/firmware | wc -l'
	run_baton run "$CID"
	assert_success
	assert_line --index 0 '0'
	assert_line --index 1 '0'
}

@test "readonly paths" {
	update_config '.linux.readonlyPaths = ["/proc/sys", "/proc/no-such-path"]'
	run_probe write /proc/sys/kernel/domainname
	assert_output 'EROFS'
	run_probe mount /proc/sys
	assert_output --regexp '^proc ro,'
}

@test "default device nodes" {
	set_cmd /bin/stat -c '%n|%F|%t:%T' /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty
	run_baton run "$CID"
	assert_success
	assert_line '/dev/null|character special file|1:3'
	assert_line '/dev/zero|character special file|1:5'
	assert_line '/dev/full|character special file|1:7'
	assert_line '/dev/random|character special file|1:8'
	assert_line '/dev/urandom|character special file|1:9'
	assert_line '/dev/tty|character special file|5:0'
}

@test "default /dev symlinks" {
	set_cmd /bin/sh -c 'for f in /dev/fd /dev/stdin /dev/stdout /dev/stderr /dev/ptmx; do readlink $f; done'
	run_baton run "$CID"
	assert_success
	assert_line --index 0 '/proc/self/fd'
	assert_line --index 1 '/proc/self/fd/0'
	assert_line --index 2 '/proc/self/fd/1'
	assert_line --index 3 '/proc/self/fd/2'
	assert_line --index 4 'pts/ptmx'
}

@test "/dev/null is usable" {
	set_cmd /bin/sh -c 'echo x > /dev/null && head -c 4 /dev/zero | wc -c'
	run_baton run "$CID"
	assert_success
	assert_output '4'
}

@test "a linux.devices node" {
	update_config '.linux.devices = [{"path": "/dev/baton-null", "type": "c", "major": 1, "minor": 3, "fileMode": 384, "uid": 1000, "gid": 1000}]'
	set_cmd /bin/stat -c '%n|%F|%t:%T|%a|%u:%g' /dev/baton-null
	run_baton run "$CID"
	assert_success
	assert_output '/dev/baton-null|character special file|1:3|600|1000:1000'
}

@test "hostname and domainname" {
	update_config '.hostname = "baton-host" | .domainname = "baton.example"'
	run_probe hostname
	assert_output 'baton-host'
	run_probe domainname
	assert_output 'baton.example'
	[[ $(hostname) != baton-host ]] || fail "the host's hostname changed"
}

@test "sysctl" {
	update_config '.linux.sysctl = {"net.ipv4.ip_forward": "1", "kernel.shmmax": "123456789"}'
	local host_fwd
	host_fwd=$(cat /proc/sys/net/ipv4/ip_forward)
	run_probe sysctl net.ipv4.ip_forward
	assert_output '1'
	run_probe sysctl kernel.shmmax
	assert_output '123456789'
	[[ $(cat /proc/sys/net/ipv4/ip_forward) == "$host_fwd" ]] || fail "the host's sysctl changed"
}

@test "--no-pivot" {
	set_args mount /proc
	run_baton run --no-pivot "$CID"
	assert_success
	assert_output --regexp '^proc '
	set_cmd /bin/ls /probe
	run_baton run --no-pivot "$CID"
	assert_success
	assert_output '/probe'
}

@test "a destination through a symlink stays inside the rootfs" {
	ln -s /etc "$BUNDLE/rootfs/mnt/link"
	add_mount '{"destination": "/mnt/link", "type": "tmpfs", "source": "tmpfs"}'
	run_probe mount /etc
	assert_output --regexp '^tmpfs '
}

@test "a missing bind source fails in mount-rootfs and leaves nothing" {
	add_mount '{"destination": "/mnt/bad", "type": "bind", "source": "/nonexistent-'"$CID"'", "options": ["bind"]}'
	run_baton run "$CID"
	assert_failure 1
	assert_output --regexp '^baton: (mount-rootfs|parse-config): '
	assert_output --regexp "(/mnt/bad|/nonexistent-$CID)"
	assert_output --partial 'No such file or directory'
	[[ ${#lines[@]} -eq 1 ]] || fail "expected one line of error: $output"
	[[ -z $(ls -A "$STATE_ROOT") ]] || fail "state left: $(ls -A "$STATE_ROOT")"
}

@test "an unknown filesystem type fails with the mount named" {
	add_mount '{"destination": "/mnt/bad", "type": "nosuchfs", "source": "none"}'
	run_baton create "$CID"
	assert_failure 1
	assert_output --regexp '^baton: mount-rootfs: mount .*/mnt/bad.*: No such device$'
	[[ -z $(ls -A "$STATE_ROOT") ]] || fail "state left: $(ls -A "$STATE_ROOT")"
}
