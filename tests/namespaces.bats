#!/usr/bin/env bats
# Namespaces: new ones differ from the host's, absent ones are shared, a path
# joins an existing one, user and time namespaces carry their maps and offsets.

load helpers

setup() {
	requires root
	setup_bundle
}

# ns_link NAME: the host's /proc/self/ns/NAME link, e.g. net:[4026531833].
host_ns() {
	readlink "/proc/$$/ns/$1"
}

# The container's link for NAME from the probe's `ns` output in $output.
container_ns() {
	awk -v n="$1" '$1 == n {print $2}' <<<"$output"
}

# Let a process mapped to an unprivileged host uid reach the bundle: the test
# tmpdirs are 0700 root.
open_bundle_path() {
	local d=$BUNDLE
	while [[ $d != / ]]; do
		chmod o+x "$d"
		d=$(dirname "$d")
	done
}

@test "every configured namespace is new" {
	update_config '.linux.namespaces = [{"type": "pid"}, {"type": "network"}, {"type": "ipc"},
		{"type": "uts"}, {"type": "mount"}, {"type": "cgroup"}]'
	set_args ns
	run_baton run "$CID"
	assert_success
	local ns
	for ns in pid net ipc uts mnt cgroup; do
		[[ -n $(container_ns "$ns") ]] || fail "no $ns line: $output"
		[[ $(container_ns "$ns") != "$(host_ns "$ns")" ]] ||
			fail "$ns namespace is the host's: $(container_ns "$ns")"
	done
	[[ $(container_ns user) == "$(host_ns user)" ]] || fail "user namespace is not the host's"
	[[ $(container_ns time) == "$(host_ns time)" ]] || fail "time namespace is not the host's"
}

@test "a namespace absent from the config is the host's" {
	update_config 'del(.hostname) | del(.domainname) | .linux.namespaces = [{"type": "pid"}, {"type": "mount"}]'
	set_args ns
	run_baton run "$CID"
	assert_success
	local ns
	for ns in net ipc uts cgroup user; do
		[[ $(container_ns "$ns") == "$(host_ns "$ns")" ]] ||
			fail "$ns namespace is not the host's: $(container_ns "$ns")"
	done
	[[ $(container_ns pid) != "$(host_ns pid)" ]] || fail "pid namespace is the host's"
}

# Mounts of our namespace at or under the bundle's rootfs.
rootfs_mounts() {
	awk -v r="$BUNDLE/rootfs" '$5 == r || index($5, r "/") == 1 {print $5}' /proc/self/mountinfo
}

@test "without a mount namespace the container shares ours, chrooted into its rootfs" {
	update_config '.linux.namespaces |= map(select(.type != "mount"))'
	set_args sleep
	run_baton run -d "$CID"
	assert_success
	wait_log sleeping
	# its mounts are in our namespace, under its rootfs (runtime-spec: inherited)
	rootfs_mounts | grep -qx "$BUNDLE/rootfs/proc" || fail "no /proc mount under the rootfs: $(rootfs_mounts)"
	run_baton exec "$CID" /probe ns mnt
	assert_success
	assert_output "mnt $(host_ns mnt)"
	# and its root is the rootfs: the probe and busybox are there, the bundle is not
	run_baton exec "$CID" /bin/sh -c 'ls /probe && ls /config.json'
	assert_failure
	assert_line --index 0 '/probe'
	run_baton delete -f "$CID"
	assert_success
	[[ -z $(rootfs_mounts) ]] || fail "mounts left under the rootfs: $(rootfs_mounts)"
}

@test "without a mount namespace the rootfs's own mount is left alone on delete" {
	# an engine's rootfs is a mount of its own (overlay); it is not ours to remove
	mount -t tmpfs baton-test "$BUNDLE/rootfs"
	defer umount -l "$BUNDLE/rootfs"
	cp -a "$BATON_ROOTFS/." "$BUNDLE/rootfs/"
	update_config '.linux.namespaces |= map(select(.type != "mount"))'
	set_args ns mnt
	run_baton run "$CID"
	assert_success
	assert_output "mnt $(host_ns mnt)"
	[[ $(rootfs_mounts) == "$BUNDLE/rootfs" ]] || fail "mounts under the rootfs: $(rootfs_mounts)"
}

@test "without a mount namespace a failed create leaves no mount behind" {
	update_config '.linux.namespaces |= map(select(.type != "mount")) |
		.mounts += [{"destination": "/data", "type": "bind", "source": "/nonexistent-'"$CID"'", "options": ["bind"]}]'
	run_baton create "$CID"
	assert_failure 1
	assert_output --partial "/nonexistent-$CID"
	[[ -z $(rootfs_mounts) ]] || fail "mounts left under the rootfs: $(rootfs_mounts)"
	[[ -z $(ls -A "$STATE_ROOT") ]] || fail "state left: $(ls -A "$STATE_ROOT")"
}

@test "without a mount namespace a read-only root or a root propagation is refused" {
	update_config '.linux.namespaces |= map(select(.type != "mount")) | .root.readonly = true'
	run_baton run "$CID"
	assert_failure 1
	assert_output "baton: parse-config: root.readonly: needs a mount namespace in linux.namespaces (without one the container shares the runtime's mounts)"
	update_config '.root.readonly = false | .linux.rootfsPropagation = "shared"'
	run_baton run "$CID"
	assert_failure 1
	assert_output --partial 'linux.rootfsPropagation: needs a mount namespace'
	[[ -z $(rootfs_mounts) ]] || fail "mounts left under the rootfs: $(rootfs_mounts)"
	[[ -z $(ls -A "$STATE_ROOT") ]] || fail "state left: $(ls -A "$STATE_ROOT")"
}

@test "the process is pid 1 of a new pid namespace" {
	set_cmd /bin/sh -c 'echo $$'
	run_baton run "$CID"
	assert_success
	assert_output '1'
}

@test "join a network namespace by path" {
	requires ip
	local name=baton-$CID
	ip netns add "$name"
	defer ip netns delete "$name"
	update_config --arg p "/run/netns/$name" \
		'.linux.namespaces |= map(if .type == "network" then .path = $p else . end)'
	set_args ns net
	run_baton run "$CID"
	assert_success
	local inode
	inode=$(stat -L -c %i "/run/netns/$name")
	assert_output "net net:[$inode]"
}

@test "a new network namespace has its loopback interface up" {
	set_args loopback
	run_baton run "$CID"
	assert_success
	assert_line --index 0 'lo up'
	assert_line --index 1 '127.0.0.1 ok'
}

@test "a new network namespace of a user namespace has its loopback interface up" {
	requires userns
	open_bundle_path
	update_config '.linux.namespaces += [{"type": "user"}] |
		.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
		.linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	set_args loopback
	run_baton run "$CID"
	assert_success
	assert_line --index 0 'lo up'
	assert_line --index 1 '127.0.0.1 ok'
}

@test "a joined network namespace keeps its loopback interface as it is" {
	requires ip
	local name=baton-$CID
	ip netns add "$name"
	defer ip netns delete "$name"
	update_config --arg p "/run/netns/$name" \
		'.linux.namespaces |= map(if .type == "network" then .path = $p else . end)'
	set_args loopback
	run_baton run "$CID"
	assert_success
	# whoever made the namespace configures it: ip netns add leaves lo down
	assert_line --index 0 'lo down'
	assert_line --index 1 '127.0.0.1 ENETUNREACH'
	[[ $(ip netns exec "$name" cat /sys/class/net/lo/operstate) == down ]] ||
		fail "lo of the joined namespace changed"
}

@test "join a uts namespace of a running process by path" {
	unshare --uts /bin/sh -c "hostname joined-$CID; exec sleep 600" 3>&- &
	local sleeper=$!
	defer kill -9 "$sleeper"
	local tries=100
	while [[ $(readlink "/proc/$sleeper/ns/uts") == "$(host_ns uts)" || $(readlink "/proc/$sleeper/exe") != *sleep ]] && ((tries-- > 0)); do
		sleep 0.05
	done
	update_config --arg p "/proc/$sleeper/ns/uts" \
		'del(.hostname) | .linux.namespaces |= map(if .type == "uts" then .path = $p else . end)'
	set_args hostname
	run_baton run "$CID"
	assert_success
	assert_output "joined-$CID"
}

@test "hostname and domainname are set in a uts namespace joined by path" {
	local host_name host_domain
	host_name=$(hostname)
	host_domain=$(cat /proc/sys/kernel/domainname)
	unshare --uts sleep 600 3>&- &
	local holder=$!
	defer kill -9 "$holder"
	local tries=100
	while [[ $(readlink "/proc/$holder/ns/uts") == "$(host_ns uts)" ]] && ((tries-- > 0)); do
		sleep 0.05
	done
	update_config --arg p "/proc/$holder/ns/uts" --arg h "h-$CID" --arg d "d-$CID" \
		'.hostname = $h | .domainname = $d |
		 .linux.namespaces |= map(if .type == "uts" then .path = $p else . end)'
	set_cmd /bin/sh -c '/probe hostname; /probe domainname'
	run_baton run "$CID"
	assert_success
	assert_line --index 0 "h-$CID"
	assert_line --index 1 "d-$CID"
	# the holder's namespace has them; the host's names are unchanged
	[[ $(nsenter -u -t "$holder" hostname) == "h-$CID" ]] || fail "holder: $(nsenter -u -t "$holder" hostname)"
	[[ $(hostname) == "$host_name" ]] || fail "host hostname changed to $(hostname)"
	[[ $(cat /proc/sys/kernel/domainname) == "$host_domain" ]] || fail "host domainname changed"
}

@test "hostname without a uts namespace is refused: it would be the host's" {
	update_config '.hostname = "h" | .linux.namespaces |= map(select(.type != "uts"))'
	run_baton run "$CID"
	assert_failure 1
	assert_output "baton: parse-config: hostname: requires a uts namespace (new or joined by path)"
	[[ -z $(ls -A "$STATE_ROOT") ]] || fail "state left: $(ls -A "$STATE_ROOT")"
}

@test "a namespace path that does not exist fails clearly" {
	update_config '.linux.namespaces |= map(if .type == "ipc" then .path = "/nonexistent/ns/ipc" else . end)'
	run_baton run "$CID"
	assert_failure 1
	assert_output --regexp '^baton: '
	assert_output --partial '/nonexistent/ns/ipc'
	[[ -z $(ls -A "$STATE_ROOT") ]] || fail "state left: $(ls -A "$STATE_ROOT")"
}

# A failing create leaves no state (teardown checks cgroup, mounts, processes).
assert_no_state() {
	[[ -z $(ls -A "$STATE_ROOT") ]] || fail "state left: $(ls -A "$STATE_ROOT")"
}

@test "a namespace path of the wrong type names linux.namespaces[N].path" {
	local n
	update_config --arg p "/proc/$$/ns/uts" '.linux.namespaces |=
		map(if .type == "network" then .path = $p else . end)'
	n=$(jq '.linux.namespaces | map(.type) | index("network")' "$BUNDLE/config.json")
	run_baton run "$CID"
	assert_failure 1
	assert_output "baton: linux.namespaces[$n].path: join the network namespace: Invalid argument"
	assert_no_state
}

@test "mappings the kernel refuses name linux.uidMappings" {
	requires userns
	open_bundle_path
	# two ranges for container uid 0: the kernel refuses overlaps with EINVAL
	update_config '.linux.namespaces += [{"type": "user"}] |
		.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 10},
			{"containerID": 5, "hostID": 300000, "size": 10}] |
		.linux.gidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]'
	run_baton run "$CID"
	assert_failure 1
	assert_output --regexp '^baton: userns-map: linux.uidMappings: write `/proc/[0-9]+/uid_map`: Invalid argument$'
	assert_no_state
}

@test "user namespace with uid and gid mappings" {
	requires userns
	open_bundle_path
	update_config '.linux.namespaces += [{"type": "user"}] |
		.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
		.linux.gidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]'
	set_cmd /bin/sh -c 'cat /proc/self/uid_map /proc/self/gid_map; /probe ids; /probe ns user'
	run_baton run "$CID"
	assert_success
	assert_line --index 0 --regexp '^ *0 +100000 +65536$'
	assert_line --index 1 --regexp '^ *0 +200000 +65536$'
	assert_line --index 2 --regexp '^uid=0 gid=0 euid=0 egid=0'
	[[ ${lines[3]} != "user $(host_ns user)" ]] || fail "user namespace is the host's"
}

# crun's default for a caller without a range of its own in /etc/subuid: the
# host's ids 0..process.user.uid as themselves; the debug log says so.
@test "a user namespace without mappings gets crun's default mapping, named in the debug log" {
	requires userns
	open_bundle_path
	grep -q '^root:' /etc/subuid 2>/dev/null && skip "root has subordinate ids here"
	update_config '.linux.namespaces += [{"type": "user"}] | del(.linux.uidMappings, .linux.gidMappings)'
	set_cmd /bin/sh -c 'cat /proc/self/uid_map /proc/self/gid_map; /probe ids'
	run_baton --debug run "$CID"
	assert_success
	assert_line --regexp '^ *0 +0 +1$'
	assert_line --partial 'linux.uidMappings: none given and no range in /etc/subuid: host ids 0..0 as 0..0'
	assert_line --partial 'linux.gidMappings: none given and no range in /etc/subgid: host ids 0..0 as 0..0'
	assert_line --regexp '^uid=0 gid=0 euid=0 egid=0'
	# the process's own ids are mapped, so it can become them
	update_config '.process.user = {"uid": 1000, "gid": 1001}'
	run_baton run "$CID"
	assert_success
	assert_line --index 0 --regexp '^ *0 +0 +1001$'
	assert_line --index 1 --regexp '^ *0 +0 +1002$'
	assert_line --index 2 --regexp '^uid=1000 gid=1001 euid=1000 egid=1001'
}

@test "user namespace: the process runs as the mapped host uid" {
	requires userns
	open_bundle_path
	update_config '.linux.namespaces += [{"type": "user"}] |
		.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
		.linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	set_args sleep
	run_baton run -d "$CID"
	assert_success
	wait_log sleeping
	local pid
	pid=$(container_pid)
	[[ $(awk '/^Uid:/ {print $2}' "/proc/$pid/status") == 100000 ]] ||
		fail "host uid of the container process: $(grep ^Uid: "/proc/$pid/status")"
}

@test "time namespace with timeOffsets" {
	requires timens
	update_config '.linux.namespaces += [{"type": "time"}] |
		.linux.timeOffsets = {"monotonic": {"secs": 31536000, "nanosecs": 0},
			"boottime": {"secs": 63072000, "nanosecs": 0}}'
	set_cmd /bin/sh -c 'cat /proc/self/timens_offsets; cut -d. -f1 /proc/uptime'
	run_baton run "$CID"
	assert_success
	assert_line --regexp '^monotonic +31536000 +0$'
	assert_line --regexp '^boottime +63072000 +0$'
	local uptime
	uptime=$(tail -n 1 <<<"$output")
	((uptime > 63072000)) || fail "uptime $uptime does not include the boottime offset"
}
