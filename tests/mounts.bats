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

@test "a linux.devices node outside the default list is made with mknod, in the device cgroup" {
	# 10:200 (tun) is in no default list; a new path, so nothing on the host to bind.
	# Opened, tun answers a write with EBADFD: only EPERM is the cgroup's.
	update_config '.linux.devices = [{"path": "/dev/mydev", "type": "c", "major": 10, "minor": 200, "fileMode": 438}] |
		.linux.resources.devices = [{"allow": false, "access": "rwm"},
			{"allow": true, "type": "c", "major": 10, "minor": 200, "access": "rw"}]'
	set_cmd /bin/sh -c 'stat -c "%n|%F|%t:%T|%a" /dev/mydev; grep -c " /dev/mydev " /proc/self/mountinfo;
		/probe write /dev/mydev; exec /probe sleep'
	run_baton run -d "$CID"
	assert_success
	wait_log sleeping
	assert_line --index 0 '/dev/mydev|character special file|a:c8|666'
	# a node of its own, not a bind mount of a host node
	assert_line --index 1 '0'
	refute_line --index 2 'EPERM'
	if [[ -f $CGROUP_V1/devices/baton/$CID/devices.list ]]; then
		local list
		list=$(cat "$CGROUP_V1/devices/baton/$CID/devices.list")
		grep -qx 'c \*:\* m' <<<"$list" || fail "no mknod rule: $list"
		grep -qx 'b \*:\* m' <<<"$list" || fail "no mknod rule: $list"
		grep -qx 'c 10:200 rw' <<<"$list" || fail "no rule for 10:200: $list"
	fi
}

@test "a linux.devices node the config does not allow exists but cannot be opened (runc, crun)" {
	update_config '.linux.devices = [{"path": "/dev/mydev/", "type": "c", "major": 10, "minor": 200}] |
		.linux.resources.devices = [{"allow": false, "access": "rwm"}]'
	set_cmd /bin/sh -c 'stat -c "%n|%t:%T" /dev/mydev; /probe write /dev/mydev'
	run_baton run "$CID"
	assert_success
	# the trailing slash of the path is dropped
	assert_line --index 0 '/dev/mydev|a:c8'
	assert_line --index 1 'EPERM'
}

@test "in a user namespace a linux.devices node is the host's, bound nosuid,noexec" {
	requires userns
	local d=$BUNDLE
	while [[ $d != / ]]; do chmod o+x "$d"; d=$(dirname "$d"); done
	update_config '.linux.namespaces += [{"type": "user"}] |
		.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
		.linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
		.linux.devices = [{"path": "/dev/kmsg", "type": "c", "major": 1, "minor": 11}]'
	set_cmd /bin/sh -c 'stat -c "%t:%T" /dev/kmsg; grep " /dev/kmsg " /proc/self/mountinfo | cut -d" " -f6'
	run_baton run "$CID"
	assert_success
	assert_line --index 0 '1:b'
	[[ ${lines[1]} == *nosuid* && ${lines[1]} == *noexec* ]] || fail "mount options of /dev/kmsg: ${lines[1]}"
	# a node the host does not have, or has as another device, is a clear error
	update_config '.linux.devices = [{"path": "/dev/mydev", "type": "c", "major": 1, "minor": 11}]'
	run_baton run "$CID"
	assert_failure 1
	assert_output "baton: mount-rootfs: linux.devices: \`/dev/mydev\`: mknod is not permitted here (a user namespace) and the host has no such node to bind: No such file or directory"
	update_config '.linux.devices = [{"path": "/dev/kmsg", "type": "c", "major": 1, "minor": 3}]'
	run_baton run "$CID"
	assert_failure 1
	assert_output --partial "the host's \`/dev/kmsg\` is not device 1:3"
	[[ -z $(ls -A "$STATE_ROOT") ]] || fail "state left: $(ls -A "$STATE_ROOT")"
}

@test "a rootfs whose /dev is a symlink is refused" {
	rm -rf "$BUNDLE/rootfs/dev"
	ln -s /tmp "$BUNDLE/rootfs/dev"
	run_baton run "$CID"
	assert_failure 1
	assert_output 'baton: mount-rootfs: root.path: `/dev` is a symlink (to `/tmp`), not a directory'
	[[ -z $(ls -A "$BUNDLE/rootfs/tmp") ]] || fail "something was made through the link: $(ls -A "$BUNDLE/rootfs/tmp")"
	[[ -z $(ls -A "$STATE_ROOT") ]] || fail "state left: $(ls -A "$STATE_ROOT")"
}

@test "a device fileMode with the file type bits (podman --privileged) makes the node" {
	# 8624 = 020660: S_IFCHR | 0660, the host node's st_mode as podman copies it
	update_config '.linux.devices = [{"path": "/dev/baton-null", "type": "c", "major": 1, "minor": 3, "fileMode": 8624}]'
	set_cmd /bin/stat -c '%n|%F|%t:%T|%a' /dev/baton-null
	run_baton run "$CID"
	assert_success
	assert_output '/dev/baton-null|character special file|1:3|660'
}

@test "a device fileMode whose file type contradicts its type is refused" {
	# 25008 = 060660: S_IFBLK on a "c" device
	update_config '.linux.devices = [{"path": "/dev/baton-null", "type": "c", "major": 1, "minor": 3, "fileMode": 25008}]'
	run_baton run "$CID"
	assert_failure
	assert_output --partial 'linux.devices[0].fileMode: file type 060000 does not match type c'
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

# Docker 20.10 sends these two with every container that has a network namespace.
@test "sysctl: Docker's unprivileged port and ping range" {
	update_config '.linux.sysctl = {"net.ipv4.ip_unprivileged_port_start": "0",
		"net.ipv4.ping_group_range": "0 2147483647"}'
	run_probe sysctl net.ipv4.ip_unprivileged_port_start
	assert_output '0'
	run_probe sysctl net.ipv4.ping_group_range
	assert_output --regexp '^0[[:space:]]+2147483647$'
}

@test "sysctl: the uts ones, and hostname with an equal kernel.hostname" {
	update_config '.hostname = "baton-host" | .linux.sysctl = {"kernel.hostname": "baton-host",
		"kernel.domainname": "baton.example"}'
	run_probe hostname
	assert_output 'baton-host'
	run_probe domainname
	assert_output 'baton.example'
}

# A pod: the second container joins the first one's network namespace by path.
@test "sysctl: net.* in a network namespace joined by path" {
	set_args sleep
	run_baton run -d "$CID"
	assert_success
	wait_log sleeping
	local pid
	pid=$(container_pid)
	update_config --arg p "/proc/$pid/ns/net" '.linux.namespaces |=
		map(if .type == "network" then .path = $p else . end) |
		.linux.sysctl = {"net.ipv4.ping_group_range": "1 7"}'
	set_args sysctl net.ipv4.ping_group_range
	run_baton run "$CID-b"
	assert_success
	assert_output --regexp '^1[[:space:]]+7$'
	[[ $(cat /proc/sys/net/ipv4/ping_group_range) != "1	7" ]] || fail "the host's sysctl changed"
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

# --- idmapped mounts (mount_setattr(MOUNT_ATTR_IDMAP), made by idmap-mounts) ---

# idmap_source DIR: files of three owners, on the test's filesystem (ext4 or tmpfs).
idmap_source() {
	mkdir -p "$1"
	touch "$1/f0" "$1/f1" "$1/f100"
	chown 1:2 "$1/f1"
	chown 100:211 "$1/f100"
}

# The container gets a user namespace mapping 0..65535 to 100000.. (and may reach its bundle).
idmap_userns() {
	local d=$BUNDLE
	while [[ $d != / ]]; do
		chmod o+x "$d"
		d=$(dirname "$d")
	done
	update_config '.linux.namespaces += [{"type": "user"}] |
		.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
		.linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
}

# add_idmap_mount DEST SOURCE OPTIONS-JSON [UIDMAPS-JSON GIDMAPS-JSON]
add_idmap_mount() {
	mkdir -p "$BUNDLE/rootfs$1" # the container's root may not mkdir in the host's rootfs
	update_config --arg d "$1" --arg s "$2" --argjson o "$3" --argjson u "${4:-null}" \
		--argjson g "${5:-null}" '.mounts += [{"destination": $d, "type": "bind", "source": $s,
			"options": $o} + (if $u then {"uidMappings": $u, "gidMappings": $g} else {} end)]'
}

no_idmap_helper_left() {
	[[ -z $(pgrep -x idmap-mounts) ]] || fail "idmap-mounts processes left: $(pgrep -x idmap-mounts)"
}

@test "idmapped mount: files show through the container's user namespace" {
	requires userns
	local src=$BATS_TEST_TMPDIR/src
	idmap_source "$src"
	idmap_userns
	add_idmap_mount /mnt/a "$src" '["bind", "idmap"]'
	add_idmap_mount /mnt/plain "$src" '["bind"]'
	set_cmd /bin/sh -c 'stat -c "%n %u:%g" /mnt/a/f0 /mnt/a/f1 /mnt/a/f100 /mnt/plain/f0 &&
		touch /mnt/a/new && stat -c "%n %u:%g" /mnt/a/new'
	run_baton run "$CID"
	assert_success
	assert_line '/mnt/a/f0 0:0'
	assert_line '/mnt/a/f1 1:2'
	assert_line '/mnt/a/f100 100:211'
	assert_line '/mnt/a/new 0:0'
	# without idmap the host's root is nobody in the container
	assert_line '/mnt/plain/f0 65534:65534'
	# the container's root wrote as the source's root
	[[ $(stat -c %u:%g "$src/new") == 0:0 ]] || fail "new file on the host: $(stat -c %u:%g "$src/new")"
	no_idmap_helper_left
}

@test "idmapped mount with mappings of its own, in a user namespace" {
	requires userns
	local src=$BATS_TEST_TMPDIR/src
	idmap_source "$src"
	idmap_userns
	# source 100..102 shows as host 101100.. = container 1100..; gid 211 as 1911
	add_idmap_mount /mnt/a "$src" '["bind"]' '[{"containerID": 100, "hostID": 101100, "size": 3}]' \
		'[{"containerID": 200, "hostID": 101900, "size": 50}]'
	# the container's own mapping, spelled out: no user namespace of its own needed
	add_idmap_mount /mnt/b "$src" '["bind", "idmap", "ro"]' '[{"containerID": 0, "hostID": 100000, "size": 65536}]' \
		'[{"containerID": 0, "hostID": 100000, "size": 65536}]'
	set_cmd /bin/sh -c 'stat -c "%n %u:%g" /mnt/a/f100 /mnt/a/f0 /mnt/b/f1; touch /mnt/b/new'
	run_baton run "$CID"
	assert_line '/mnt/a/f100 1100:1911'
	assert_line '/mnt/a/f0 65534:65534'
	assert_line '/mnt/b/f1 1:2'
	# the mount's other options still apply
	assert_output --partial 'Read-only file system'
	no_idmap_helper_left
}

@test "idmapped mount with its own mappings, without a user namespace (also crun's idmap=)" {
	local src=$BATS_TEST_TMPDIR/src
	idmap_source "$src"
	add_idmap_mount /mnt/a "$src" '["bind"]' '[{"containerID": 0, "hostID": 100000, "size": 65536}]' \
		'[{"containerID": 0, "hostID": 200000, "size": 65536}]'
	add_idmap_mount /mnt/c "$src" '["bind", "idmap=uids=1-5000-1;gids=2-6000-1"]'
	add_idmap_mount /mnt/plain "$src" '["bind"]'
	set_cmd /bin/sh -c 'stat -c "%n %u:%g" /mnt/a/f0 /mnt/a/f1 /mnt/c/f1 /mnt/plain/f1; touch /mnt/a/new'
	run_baton run "$CID"
	assert_line '/mnt/a/f0 100000:200000'
	assert_line '/mnt/a/f1 100001:200002'
	assert_line '/mnt/c/f1 5000:6000'
	assert_line '/mnt/plain/f1 1:2'
	# our root (0) has no id on that mount: the kernel refuses to create files as it
	assert_output --partial 'Value too large for defined data type'
	[[ ! -e $src/new ]] || fail "a file was created through the unmapped mount"
	no_idmap_helper_left
}

@test "ridmap idmaps the mounts below an rbind, idmap only its top" {
	requires userns
	local src=$BATS_TEST_TMPDIR/src
	idmap_source "$src"
	mkdir "$src/sub"
	mount -t tmpfs -o mode=755 baton-idmap-test "$src/sub" || fail "mount tmpfs"
	defer umount -l "$src/sub"
	touch "$src/sub/f"
	idmap_userns
	add_idmap_mount /mnt/r "$src" '["rbind", "ridmap"]'
	add_idmap_mount /mnt/i "$src" '["rbind", "idmap"]'
	set_cmd /bin/stat -c '%n %u:%g' /mnt/r/f0 /mnt/r/sub/f /mnt/i/f0 /mnt/i/sub/f
	run_baton run "$CID"
	assert_success
	assert_line '/mnt/r/f0 0:0'
	assert_line '/mnt/r/sub/f 0:0'
	assert_line '/mnt/i/f0 0:0'
	assert_line '/mnt/i/sub/f 65534:65534'
}

@test "bad idmapped mounts are refused before anything is made" {
	local src=$BATS_TEST_TMPDIR/src m
	idmap_source "$src"
	local -A bad=(
		['{"destination": "/mnt/a", "type": "bind", "source": "SRC", "options": ["bind", "idmap"]}']='mounts[7].options[1]: `idmap` without uidMappings needs a user namespace'
		['{"destination": "/mnt/a", "type": "bind", "source": "SRC", "uidMappings": [{"containerID": 0, "hostID": 1, "size": 1}]}']='mounts[7].gidMappings: required with uidMappings'
		['{"destination": "/mnt/a", "type": "tmpfs", "source": "tmpfs", "uidMappings": [{"containerID": 0, "hostID": 1, "size": 1}], "gidMappings": [{"containerID": 0, "hostID": 1, "size": 1}]}']='mounts[7].uidMappings: only a bind mount can be idmapped'
		['{"destination": "/mnt/a", "type": "bind", "source": "SRC", "uidMappings": [{"containerID": 0, "hostID": 1, "size": 10}, {"containerID": 20, "hostID": 5, "size": 1}], "gidMappings": [{"containerID": 0, "hostID": 1, "size": 1}]}']='mounts[7].uidMappings[1]: overlaps range 0'
		['{"destination": "/mnt/a", "type": "bind", "source": "SRC", "options": ["idmap=uids=0-1-x"]}']='mounts[7].options[0]: `uids=0-1-x`: expected uids=FROM-TO-COUNT'
	)
	cp "$BUNDLE/config.json" "$BATS_TEST_TMPDIR/config.orig"
	[[ $(jq '.mounts | length' "$BUNDLE/config.json") -eq 7 ]] || fail "the default config changed: fix the indexes"
	for m in "${!bad[@]}"; do
		cp "$BATS_TEST_TMPDIR/config.orig" "$BUNDLE/config.json"
		update_config --argjson m "${m//SRC/$src}" '.mounts += [$m]'
		run_baton run "$CID"
		assert_failure 1
		assert_output --partial "baton: parse-config: ${bad[$m]}"
		[[ -z $(ls -A "$STATE_ROOT") ]] || fail "state left: $(ls -A "$STATE_ROOT")"
	done
}

@test "a source the kernel cannot idmap fails in idmap-mounts and leaves nothing" {
	# procfs does not do idmapped mounts; the mappings make a user namespace first
	add_idmap_mount /mnt/proc /proc '["bind"]' '[{"containerID": 0, "hostID": 100000, "size": 65536}]' \
		'[{"containerID": 0, "hostID": 100000, "size": 65536}]'
	run_baton run "$CID"
	assert_failure 1
	assert_output "baton: idmap-mounts: idmapped mount on \`/mnt/proc\`: the filesystem of \`/proc\` (or one mounted below it) cannot be idmapped: Invalid argument"
	[[ -z $(ls -A "$STATE_ROOT") ]] || fail "state left: $(ls -A "$STATE_ROOT")"
	no_idmap_helper_left
}

@test "features reports idmapped mounts, and stage idmap-mounts runs alone" {
	"$BATON" features | jq -e '.linux.mountExtensions.idmap.enabled == true and
		(.mountOptions | index("idmap") != null and index("ridmap") != null)' >/dev/null ||
		fail "features: $("$BATON" features | jq -c '.linux.mountExtensions, .mountOptions')"
	local src=$BATS_TEST_TMPDIR/src
	idmap_source "$src"
	add_idmap_mount /mnt/a "$src" '["bind"]' '[{"containerID": 0, "hostID": 1000, "size": 1}]' \
		'[{"containerID": 0, "hostID": 1000, "size": 1}]'
	"$BATON" stage parse-config --bundle "$BUNDLE" >"$BATS_TEST_TMPDIR/plan" || fail "parse-config"
	run "$BATON" stage idmap-mounts --plan "$BATS_TEST_TMPDIR/plan" --pid $$
	assert_success
	assert_output "mounts[7] /mnt/a: idmapped mount of $src made"
	no_idmap_helper_left
}
