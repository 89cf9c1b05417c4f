#!/usr/bin/env bats
# config.json errors are found by parse-config before any side effect, named by
# their JSON path; `spec` and `stage parse-config` work on their own.

load helpers

setup() {
	requires root
	setup_bundle
}

# A failing create must leave nothing: no state, no cgroup (teardown checks mounts/pids).
assert_nothing_created() {
	[[ -z $(ls -A "$STATE_ROOT" 2>/dev/null) ]] || fail "state left: $(ls -A "$STATE_ROOT")"
	[[ -z $(leftover_cgroups) ]] || fail "cgroups left: $(leftover_cgroups)"
}

# create must fail with exit 1 and a parse-config message that contains TEXT.
assert_config_error() {
	run_baton create "$CID"
	assert_failure 1
	assert_output --regexp '^baton: parse-config: '
	assert_output --partial "$1"
	[[ ${#lines[@]} -eq 1 ]] || fail "expected one line of error, got: $output"
	assert_nothing_created
}

@test "spec writes a config.json that runs" {
	rm -rf "$BATS_TEST_TMPDIR/fresh"
	mkdir "$BATS_TEST_TMPDIR/fresh"
	run "$BATON" spec --bundle "$BATS_TEST_TMPDIR/fresh"
	assert_success
	jq -e '(.ociVersion | test("^1\\.")) and .root.path == "rootfs" and
		(.process.args | length > 0) and
		(.linux.namespaces | map(.type) | index("mount") != null)' \
		"$BATS_TEST_TMPDIR/fresh/config.json" || fail "unexpected spec"
	run_baton run "$CID"
	assert_success
}

@test "spec refuses to overwrite config.json" {
	local before
	before=$(cat "$BUNDLE/config.json")
	run "$BATON" spec -b "$BUNDLE"
	assert_failure 1
	assert_output --partial '`config.json` already exists'
	[[ $(cat "$BUNDLE/config.json") == "$before" ]] || fail "config.json changed"
}

@test "spec in the current directory" {
	mkdir "$BATS_TEST_TMPDIR/cwd"
	cd "$BATS_TEST_TMPDIR/cwd"
	run "$BATON" spec
	assert_success
	[[ -f config.json ]] || fail "no config.json in the current directory"
}

@test "spec --rootless adds a user namespace" {
	mkdir "$BATS_TEST_TMPDIR/rl"
	run "$BATON" spec --rootless -b "$BATS_TEST_TMPDIR/rl"
	assert_success
	jq -e '(.linux.namespaces | map(.type) | index("user") != null) and
		true' \
		"$BATS_TEST_TMPDIR/rl/config.json" || fail "unexpected rootless spec: $(cat "$BATS_TEST_TMPDIR/rl/config.json")"
}

@test "missing config.json" {
	rm "$BUNDLE/config.json"
	run_baton create "$CID"
	assert_failure 1
	assert_output --regexp '^baton: '
	assert_output --partial 'config.json'
	assert_output --partial 'No such file or directory'
	assert_nothing_created
}

@test "--config names another file" {
	mv "$BUNDLE/config.json" "$BATS_TEST_TMPDIR/other.json"
	run_baton run --config "$BATS_TEST_TMPDIR/other.json" "$CID"
	assert_success
	assert_output --partial 'uid=0'
}

@test "invalid JSON" {
	echo '{"ociVersion": "1.0.0", ' >"$BUNDLE/config.json"
	assert_config_error ''
}

# Go's decoder (podman, containerd, policy checkers) reads the last of two
# equal names: "uid":0,"uid":1000 must not pass review as 1000 and run as 0.
@test "a duplicate JSON key is refused, naming its path" {
	update_config '.process.user = {"uid": 0, "gid": 0}'
	sed -i 's/"user": {/"user": {"uid": 1000, /' "$BUNDLE/config.json"
	grep -q '"user": {"uid": 1000, ' "$BUNDLE/config.json" || fail "no duplicate made: $(cat "$BUNDLE/config.json")"
	assert_config_error 'process.user.uid: duplicate key'
	update_config '.linux.sysctl = {"kernel.shmmni": "4096"}'
	sed -i 's/"kernel.shmmni": "4096"/&, "kernel.shmmni": "4096"/' "$BUNDLE/config.json"
	assert_config_error 'linux.sysctl.kernel.shmmni: duplicate key'
}

# sysctl_config KEY [NAMESPACES-JQ]: the sysctl KEY at the host's current value
# (so that nothing would change even if it got through), namespaces edited by JQ.
sysctl_config() {
	local value
	value=$(cat "/proc/sys/${1//.//}") || fail "no sysctl $1 here"
	update_config --arg k "$1" --arg v "$value" ".linux.sysctl = {(\$k): \$v} | ${2:-.}"
}

@test "a sysctl the kernel does not namespace is refused before any side effect" {
	local key before
	for key in vm.swappiness kernel.core_pattern kernel.pid_max user.max_user_namespaces; do
		before=$(cat "/proc/sys/${key//.//}")
		sysctl_config "$key"
		assert_config_error "linux.sysctl.$key: not namespaced, would change the host"
		[[ $(cat "/proc/sys/${key//.//}") == "$before" ]] || fail "the host's $key changed"
	done
	update_config '.linux.sysctl = {"vm.swappiness": "abc"}'
	assert_config_error 'linux.sysctl.vm.swappiness: not namespaced, would change the host'
}

@test "a namespaced sysctl needs the container's own namespace, not the host's" {
	sysctl_config net.ipv4.ip_forward '.linux.namespaces |= map(select(.type != "network"))'
	assert_config_error "linux.sysctl.net.ipv4.ip_forward: needs the container's own network namespace, not the host's"
	# the runtime's own network namespace, joined by path, is still the host's
	sysctl_config net.ipv4.ip_forward \
		".linux.namespaces += [{\"type\": \"network\", \"path\": \"/proc/$$/ns/net\"}]"
	assert_config_error "linux.sysctl.net.ipv4.ip_forward: needs the container's own network namespace"
	sysctl_config kernel.shmmni '.linux.namespaces |= map(select(.type != "ipc"))'
	assert_config_error "linux.sysctl.kernel.shmmni: needs the container's own ipc namespace"
	sysctl_config fs.mqueue.msg_max '.linux.namespaces |= map(select(.type != "ipc"))'
	assert_config_error "linux.sysctl.fs.mqueue.msg_max: needs the container's own ipc namespace"
	sysctl_config kernel.domainname '.linux.namespaces |= map(select(.type != "uts")) | del(.hostname)'
	assert_config_error "linux.sysctl.kernel.domainname: needs the container's own uts namespace"
}

@test "a sysctl value with a newline is refused" {
	update_config '.linux.sysctl = {"net.ipv4.ip_forward": "1\n0"}'
	assert_config_error 'linux.sysctl.net.ipv4.ip_forward: control character 0x0a in the value'
}

@test "hostname and a different kernel.hostname sysctl conflict" {
	update_config '.hostname = "a" | .linux.sysctl = {"kernel.hostname": "b"}'
	assert_config_error 'linux.sysctl.kernel.hostname: "b" conflicts with hostname "a"'
	update_config '.domainname = "d" | .linux.sysctl = {"kernel.domainname": "e"}'
	assert_config_error 'linux.sysctl.kernel.domainname: "e" conflicts with domainname "d"'
}

# A plan is copied into the state dir on /run (memory): 100 MB of annotation must not be.
@test "a plan over its size limit is refused, naming the limit" {
	head -c 10485760 /dev/zero | tr '\0' x >"$BATS_TEST_TMPDIR/big"
	update_config --rawfile v "$BATS_TEST_TMPDIR/big" '.annotations.huge = $v'
	assert_config_error 'over its limit of 8 MiB (the largest record: `annotation` of 10485'
	update_config --rawfile v "$BATS_TEST_TMPDIR/big" 'del(.annotations.huge) | .process.env += ["BIG=" + $v]'
	assert_config_error 'over its limit of 8 MiB (the largest record: `process.json` of 10486'
}

@test "process.args must be a non-empty array" {
	update_config '.process.args = "/probe"'
	assert_config_error 'process.args: must be a non-empty array'
	update_config '.process.args = []'
	assert_config_error 'process.args: must be a non-empty array'
}

@test "a wrong type names its path" {
	update_config '.process.user.uid = "0"'
	assert_config_error 'process.user.uid'
}

@test "a negative uid is refused" {
	update_config '.process.user.uid = -1'
	assert_config_error 'process.user.uid'
}

@test "root.path must exist" {
	update_config '.root.path = "no-such-rootfs"'
	run_baton create "$CID"
	assert_failure 1
	assert_output --partial 'no-such-rootfs'
	assert_output --partial 'No such file or directory'
	assert_nothing_created
}

@test "unknown namespace type" {
	update_config '.linux.namespaces += [{"type": "foo"}]'
	local n
	n=$(jq '.linux.namespaces | length - 1' "$BUNDLE/config.json")
	assert_config_error "linux.namespaces[$n].type: unknown namespace \"foo\""
}

@test "duplicate namespace" {
	update_config '.linux.namespaces += [{"type": "pid"}]'
	local n
	n=$(jq '.linux.namespaces | length - 1' "$BUNDLE/config.json")
	assert_config_error "linux.namespaces[$n]"
}

@test "unknown capability" {
	update_config '.process.capabilities.bounding += ["CAP_FOO"]'
	assert_config_error 'process.capabilities.bounding'
	assert_output --partial 'unknown capability "CAP_FOO"'
}

@test "unknown rlimit" {
	update_config '.process.rlimits = [{"type": "RLIMIT_FOO", "soft": 1, "hard": 1}]'
	assert_config_error 'process.rlimits[0].type'
}

@test "tmpfs options become flags and data in the plan" {
	update_config '.mounts += [{"destination": "/mnt/t", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "size=1m"]}]'
	run_baton stage parse-config --bundle "$BUNDLE"
	assert_success
	assert_output --regexp $'(^|\n)mount\t/mnt/t\ttmpfs\ttmpfs\t0x0*2\t0x[0-9a-f]+\t(0x)?0+\tsize=1m'
}

# runtime-spec: a relative destination is deprecated but MUST be taken as relative to "/".
@test "a relative mount destination is taken relative to /" {
	update_config '.mounts += [{"destination": "mnt/rel", "type": "tmpfs", "source": "tmpfs"}]'
	set_args mount /mnt/rel
	run_baton run "$CID"
	assert_success
	assert_output --regexp '^tmpfs '
}

@test "a mount without destination is refused" {
	update_config '.mounts += [{"type": "tmpfs", "source": "tmpfs"}]'
	local n
	n=$(jq '.mounts | length - 1' "$BUNDLE/config.json")
	assert_config_error "mounts[$n].destination"
}

@test "ociVersion 1.3.0 is accepted" {
	update_config '.ociVersion = "1.3.0"'
	run_baton run "$CID"
	assert_success
	assert_output --partial 'uid=0'
}

@test "ociVersion 2.0.0 is rejected" {
	update_config '.ociVersion = "2.0.0"'
	assert_config_error 'ociVersion'
}

@test "without process, create works and start fails clearly" {
	update_config 'del(.process)'
	run_baton create "$CID"
	assert_success
	run_baton start "$CID"
	assert_failure 1
	assert_output --regexp '^baton: .*process'
	run_baton delete --force "$CID"
	assert_success
}

@test "a missing program fails create and leaves nothing" {
	set_cmd no-such-program
	run_baton create "$CID"
	assert_failure
	assert_output --partial 'executable file `no-such-program` not found in $PATH: No such file or directory'
	assert_nothing_created
}

@test "a missing program fails run and leaves nothing" {
	set_cmd no-such-program
	run_baton run "$CID"
	assert_failure
	assert_output --partial 'executable file `no-such-program` not found in $PATH: No such file or directory'
	assert_nothing_created
}

@test "a program found through PATH runs" {
	set_cmd true
	run_baton run "$CID"
	assert_success
}

# crun ignores linux.mountLabel without SELinux: a config written on Fedora runs here.
@test "linux.mountLabel is ignored with a debug line where SELinux is not enabled" {
	grep -q selinuxfs /proc/filesystems && skip "SELinux is enabled here"
	update_config '.linux.mountLabel = "system_u:object_r:container_file_t:s0:c1,c2"'
	run_baton --debug run "$CID"
	assert_success
	assert_line --partial 'linux.mountLabel `system_u:object_r:container_file_t:s0:c1,c2`: ignored, SELinux is not enabled here'
	assert_line --regexp '^uid=0 gid=0'
}

@test "linux.intelRdt is refused naming the field and the missing resctrl" {
	update_config '.linux.intelRdt = {"closID": "c1", "l3CacheSchema": "L3:0=f"}'
	if [[ $(stat -f -c %t /sys/fs/resctrl 2>/dev/null) == 7655821 ]]; then
		assert_config_error 'linux.intelRdt: not supported yet'
	else
		assert_config_error 'linux.intelRdt: resctrl is not mounted on this host (/sys/fs/resctrl), and baton does not support Intel RDT'
	fi
	run "$BATON" features
	jq -e '.linux.intelRdt.enabled == false' <<<"$output" >/dev/null || fail "features: $output"
}

@test "stage parse-config prints the plan" {
	run "$BATON" stage parse-config --bundle "$BUNDLE"
	assert_success
	assert_line --index 0 $'format\tbaton-plan/1'
	assert_line $'bundle\t'"$BUNDLE"
	assert_line $'root.path\t'"$BUNDLE/rootfs"
	assert_line $'process\t1'
	assert_line $'process.arg\t/probe'
	assert_line $'process.arg\tids'
	assert_line --regexp $'^process.caps\t0x[0-9a-f]+\t0x[0-9a-f]+\t0x[0-9a-f]+\t0x[0-9a-f]+\t0x[0-9a-f]+$'
	assert_line --regexp $'^namespace\tpid\t?$'
}

@test "stage parse-config reports errors like create" {
	update_config '.process.args = []'
	run "$BATON" stage parse-config --bundle "$BUNDLE"
	assert_failure 1
	assert_output --partial 'process.args: must be a non-empty array'
}

@test "stage with an unknown name fails" {
	run "$BATON" stage no-such-stage
	assert_failure 1
	assert_output --regexp '^baton: .*no-such-stage'
}
