#!/usr/bin/env bats
# `baton plan`: what a create would do, stage by stage, without doing it.

load helpers

setup() {
	requires root
	setup_bundle
}

# The stages of create's pipeline, in declaration order.
create_stages() {
	awk -F'\t' '!/^#/ && NF >= 7 && $7 ~ /(^|,)create(,|$)/ {print $1}' \
		"$BATS_TEST_DIRNAME/../schemas/pipeline.tsv"
}

# The text's title line of a stage: NAME SIDE LIBC runs|skipped (WHY).
title_of() {
	grep -E "^$1 " <<<"$output"
}

plan_json() {
	baton_cmd plan --format json "$@"
}

# The `does` of stage $1 in the JSON plan.
does() {
	local stage=$1
	shift
	plan_json "$CID" | jq -c --arg s "$stage" '.stages[] | select(.name == $s) | .does'
}

@test "plan: every stage of create, in order, with side, libc and whether it runs" {
	run_baton plan "$CID"
	assert_success
	mapfile -t shown < <(grep -E '^[^ ]+ +(host|self|child) ' <<<"$output" | awk '{print $1}')
	mapfile -t declared < <(create_stages)
	[[ ${shown[*]} == "${declared[*]}" ]] || fail "stages ${shown[*]} != declared ${declared[*]}"
	assert_line --regexp '^parse-config +host +musl +runs \(always\)$'
	assert_line --regexp '^seccomp-load +host +glibc +skipped \(no linux.seccomp\)$'
	assert_line --regexp '^clone +self +- +runs \(always\)$'
	assert_line --regexp '^userns-map +host +musl +skipped \(no new user namespace\)$'
	assert_line --regexp '^hooks@prestart +host +musl +skipped \(no hooks of this phase\)$'
	assert_line --regexp '^final-exec +child +musl +runs \(always\)$'
	# the declared fd contract, kind and all
	assert_line --regexp '^  fds +NAME +KIND +PRESENCE$'
	assert_line --regexp '^ +BPF +memfd +optional$'
	assert_line --regexp '^ +NEXT +exec +required$'
}

@test "plan: runs or skipped as create decides it (the --debug stage list)" {
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO"}]}'
	run_baton plan "$CID"
	assert_success
	plan_out=$output
	run_baton --debug create "$CID"
	assert_success
	local stage want got
	for stage in $(create_stages); do
		[[ $(grep -E "^$stage " <<<"$plan_out") =~ \ (runs|skipped)\ \( ]] ||
			fail "no title for $stage"
		want=${BASH_REMATCH[1]}
		got=$(grep -E "stage $stage +" <<<"$output" | awk '{print $NF}')
		if [[ $want == skipped ]]; then
			[[ $got == skipped ]] || fail "$stage: plan says skipped, create: $got"
		else
			[[ $got == ok ]] || fail "$stage: plan says it runs, create: $got"
		fi
	done
	baton_cmd delete --force "$CID"
}

@test "plan: the conditions follow the config (seccomp, user namespace, hooks)" {
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38,
		"architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
		"syscalls": [{"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"},
			     {"names": ["exit_group"], "action": "SCMP_ACT_ALLOW"}]}
		| .linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 200000, "size": 1000}]
		| .hooks.prestart = [{"path": "/bin/true", "args": ["true", "--one", "two"], "timeout": 5}]'
	run_baton plan "$CID"
	assert_success
	assert_line --regexp '^seccomp-load +host +glibc +runs \(linux.seccomp is given\)$'
	assert_line --regexp '^userns-map +host +musl +runs \(a new user namespace\)$'
	assert_line --regexp '^hooks@prestart +host +musl +runs \(hooks of this phase\)$'
	assert_line --regexp '^hooks@createRuntime +host +musl +skipped'
	assert_line --regexp '^  default-action +SCMP_ACT_ERRNO errno 38$'
	assert_line --regexp '^  uid-map +CONTAINER +HOST +SIZE$'
	assert_line --regexp '^ +0 +100000 +65536$'
	assert_line --regexp '^ +0 +200000 +1000$'
	assert_line --regexp '^  hooks +PATH +ARGS +TIMEOUT$'
	assert_line --regexp '^ +/bin/true +--one two +5$'
	[[ $(does seccomp-load) == '{"default-action":"SCMP_ACT_ERRNO errno 38","rules":3,"architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X86"],"flags":[],"writes":"the BPF program, for final-exec to install"}' ]] ||
		fail "seccomp-load: $(does seccomp-load)"
}

@test "plan: the mounts, paths, devices, sysctls and hostname mount-rootfs will set" {
	update_config --arg s "$BATS_TEST_TMPDIR" '.mounts += [{"destination": "/data", "type": "bind",
		"source": $s, "options": ["rbind", "ro", "nosuid"]}]
		| .linux.devices = [{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229}]
		| .linux.sysctl = {"net.ipv4.ip_forward": "1"} | .hostname = "planned"'
	local d
	d=$(does mount-rootfs)
	jq -e --arg s "$BATS_TEST_TMPDIR" '.rootfs == ($s + "/bundle/rootfs") and
		(.mounts[] | select(.destination == "/data") |
			.type == "bind" and .source == $s and .options == "rbind,ro,nosuid") and
		(.mounts[] | select(.destination == "/proc") | .type == "proc") and
		(."masked-paths" | index("/proc/kcore")) and (."readonly-paths" | index("/proc/sys")) and
		.devices == [{"path":"/dev/fuse","type":"c","major":"10","minor":"229","mode":"0666","uid":"0","gid":"0"}] and
		.sysctls == [{"key":"net.ipv4.ip_forward","value":"1"}] and .hostname == "planned" and
		.root != null' <<<"$d" >/dev/null || fail "mount-rootfs: $d"
	run_baton plan "$CID"
	assert_line --regexp "^ +/data +bind +$BATS_TEST_TMPDIR +rbind,ro,nosuid\$"
	assert_line --regexp '^  hostname +planned$'
	assert_line --regexp '^  root +pivot_root into the rootfs'
	# no mount namespace: mount-rootfs chroots in the runtime's
	update_config '.linux.namespaces |= map(select(.type != "mount")) | .root.readonly = false |
		del(.linux.rootfsPropagation)'
	run_baton plan "$CID"
	assert_success
	assert_line --regexp '^  root +chroot into the rootfs \(no mount namespace'
}

@test "plan: cgroup files with their values, for this host's layout" {
	update_config '.linux.resources = {"memory": {"limit": 67108864}, "pids": {"limit": 42},
		"cpu": {"shares": 512}}'
	local d layout
	d=$(does cgroup-setup)
	layout=$(jq -r .layout <<<"$d")
	jq -e --arg id "$CID" '.path == "/baton/" + $id' <<<"$d" >/dev/null || fail "path: $d"
	if [[ $layout == v2 ]]; then
		jq -e '(.writes[] | select(.file == "memory.max") | .value == "67108864") and
			(.writes[] | select(.file == "pids.max") | .value == "42") and
			(.writes[] | select(.file == "cpu.weight") | .value == "20")' <<<"$d" >/dev/null ||
			fail "v2 writes: $d"
	else
		jq -e '(.writes[] | select(.file == "memory/memory.limit_in_bytes") | .value == "67108864") and
			(.writes[] | select(.file == "pids/pids.max") | .value == "42") and
			(.writes[] | select(.file == "cpu/cpu.shares") | .value == "512")' <<<"$d" >/dev/null ||
			fail "v1 writes: $d"
	fi
	jq -e '.["devices-files"] // .["device-program"] | any(.rule == "c 1:3 rwm")' <<<"$d" >/dev/null ||
		fail "no default devices: $d"
}

@test "plan: the namespaces clone makes or joins, and what final-exec sets" {
	update_config '.linux.namespaces = [{"type": "pid"}, {"type": "mount"},
		{"type": "network", "path": "/proc/1/ns/net"}] | del(.hostname)
		| .process.user = {"uid": 1000, "gid": 1000, "additionalGids": [5, 6]}
		| .process.cwd = "/tmp" | .process.env = ["A=1", "B=2", "C=3"]
		| .process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 100, "hard": 200}]
		| .process.capabilities = {"bounding": ["CAP_CHOWN", "CAP_KILL"], "effective": ["CAP_KILL"]}'
	set_args echo hello
	local d
	d=$(does clone)
	[[ $(jq -c .namespaces <<<"$d") == '[{"type":"pid","action":"new","path":""},{"type":"mount","action":"new","path":""},{"type":"network","action":"join","path":"/proc/1/ns/net"}]' ]] ||
		fail "clone: $d"
	d=$(does final-exec)
	jq -e '.user == "1000:1000" and ."additional-gids" == ["5","6"] and .cwd == "/tmp" and
		."env-count" == 3 and .args == ["/probe","echo","hello"] and
		.rlimits == [{"name":"RLIMIT_NOFILE","soft":"100","hard":"200"}] and
		(.capabilities[] | select(.set == "bounding") | .capabilities == "CAP_CHOWN CAP_KILL") and
		(.capabilities[] | select(.set == "effective") | .capabilities == "CAP_KILL") and
		.seccomp == "none" and ."no-new-privileges" == true' <<<"$d" >/dev/null ||
		fail "final-exec: $d"
}

@test "plan: the scheduler, I/O priority, cpu affinity and memory policy final-exec sets" {
	update_config '.process.scheduler = {"policy": "SCHED_RR", "priority": 5, "flags": ["SCHED_FLAG_RESET_ON_FORK"]}
		| .process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 3}
		| .process.execCPUAffinity = {"initial": "0", "final": "0"}
		| .linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "0", "flags": ["MPOL_F_STATIC_NODES"]}'
	local d
	d=$(does final-exec)
	jq -e '.scheduler == "SCHED_RR nice 0 priority 5 flags 0x1 runtime 0 deadline 0 period 0" and
		."io-priority" == "IOPRIO_CLASS_BE level 3" and ."cpu-affinity-initial" == "0" and
		."cpu-affinity-final" == "0" and ."memory-policy" == "MPOL_BIND flags 0x8000 nodes 0"' \
		<<<"$d" >/dev/null || fail "final-exec: $d"
}

@test "plan --format json: the documented shape, every stage, does only where it runs" {
	run plan_json "$CID"
	assert_success
	jq -e --arg b "$BUNDLE" --arg id "$CID" '.format == "baton-plan-view/1" and .id == $id and
		.bundle == $b and .config == $b + "/config.json" and
		all(.stages[]; (.name | type) == "string" and (.side | IN("host", "self", "child")) and
		(.libc | IN("musl", "glibc", "-")) and (.when | type) == "string" and
		(.runs | type) == "boolean" and (.because | type) == "string" and
		all(.fds[]; (.kind | type) == "string" and (.presence | IN("optional", "required"))) and
		(has("does") == .runs))' <<<"$output" >/dev/null || fail "shape: $output"
	mapfile -t names < <(jq -r '.stages[].name' <<<"$output")
	mapfile -t declared < <(create_stages)
	[[ ${names[*]} == "${declared[*]}" ]] || fail "stages ${names[*]}"
	jq -e '.stages[0].does | ."plan-records" > 10 and ."plan-bytes" > 100' <<<"$output" >/dev/null ||
		fail "parse-config: $output"
}

@test "plan: JSON strings are escaped" {
	set_cmd /bin/echo 'quote " backslash \ tab	end'
	run plan_json "$CID"
	assert_success
	[[ $(jq -r '.stages[] | select(.name == "final-exec") | .does.args[1]' <<<"$output") == 'quote " backslash \ tab	end' ]] ||
		fail "args: $output"
}

@test "plan creates nothing: no state, no cgroup, no process, no mount" {
	run_baton plan "$CID"
	assert_success
	[[ -z $(ls -A "$STATE_ROOT") ]] || fail "state: $(ls -A "$STATE_ROOT")"
	# other tests may run at the same time: only this container's cgroup counts
	[[ -z $(ls -d /sys/fs/cgroup/*/baton/"$CID" /sys/fs/cgroup/baton/"$CID" 2>/dev/null) ]] ||
		fail "a cgroup was made"
	[[ ! -e $BUNDLE/exec.fifo ]]
	run_baton list -q
	assert_output ''
}

@test "plan: a bad config fails with create's error, exit 1, nothing created" {
	update_config '.linux.resources = {"blockIO": {"weight": 5}}'
	run_baton create "$CID"
	assert_failure
	create_error=$output
	run_baton plan "$CID"
	assert_failure 1
	assert_output "$create_error"
	assert_output --partial 'parse-config: '
	[[ -z $(ls -A "$STATE_ROOT") ]] || fail "state: $(ls -A "$STATE_ROOT")"
	echo '{' >"$BUNDLE/config.json"
	run_baton plan "$CID"
	assert_failure 1
	assert_output --partial 'parse-config: config.json: invalid JSON'
}

@test "plan: bad arguments fail before parse-config runs" {
	run_baton plan --format yaml "$CID"
	assert_failure 1
	assert_line --index 0 'baton: plan: --format: `yaml` is not text or json'
	run_baton plan -b "$BATS_TEST_TMPDIR/none" "$CID"
	assert_failure 1
	assert_output --regexp '^baton: invalid bundle `.*/none`: No such file or directory$'
	run_baton plan 'bad/id'
	assert_failure 1
	run_baton plan a b
	assert_failure 1
	run_baton plan --config "$BATS_TEST_TMPDIR/none.json" "$CID"
	assert_failure 1
	assert_output --regexp '^baton: cannot open `.*/none.json`: No such file or directory$'
}

@test "plan --config and -b from elsewhere; the id defaults to ID" {
	cp "$BUNDLE/config.json" "$BATS_TEST_TMPDIR/other.json"
	jq '.hostname = "other"' "$BATS_TEST_TMPDIR/other.json" >"$BATS_TEST_TMPDIR/o.json"
	cd /
	run_baton plan -b "$BUNDLE" --config "$BATS_TEST_TMPDIR/o.json"
	assert_success
	assert_line --regexp '^  hostname +other$'
	assert_line --regexp '^  path +/baton/ID$'
	assert_line --regexp "^config +$BATS_TEST_TMPDIR/o.json\$"
}

@test "plan: the cgroup manager decides which cgroup stages run, and says why not" {
	run_baton --cgroup-manager=disabled plan "$CID"
	assert_success
	assert_line --regexp '^cgroup-setup +host +musl +skipped \(--cgroup-manager=disabled\)$'
	assert_line --regexp '^cgroup-join +self +- +skipped \(--cgroup-manager=disabled\)$'
	assert_line --regexp '^cgroup-systemd +host +glibc +skipped \(not --cgroup-manager=systemd\)$'
	run_baton --systemd-cgroup plan "$CID"
	assert_success
	assert_line --regexp '^cgroup-setup +host +musl +skipped \(the systemd driver manages the cgroup \(--cgroup-manager=systemd\)\)$'
	assert_line --regexp '^cgroup-systemd +host +glibc +runs \(the systemd driver manages the cgroup\)$'
	assert_line --regexp "^  unit +baton-$CID.scope\$"
	assert_line --regexp '^  slice +system.slice$'
	assert_line --regexp "^  path +/system.slice/baton-$CID.scope\$"
}

@test "plan: a config without a process (create makes it, start refuses)" {
	update_config 'del(.process)'
	run_baton plan "$CID"
	assert_success
	assert_line --regexp '^  process +none in config.json: the container is made, `start` refuses$'
	assert_line --regexp '^  args +\(none\)$'
	assert_line --regexp '^  user +-$'
}

@test "plan: the cgroup files it lists are the ones create writes, with those values" {
	update_config '.linux.resources = {"memory": {"limit": 67108864}, "pids": {"limit": 42},
		"cpu": {"shares": 512}}'
	local d layout file value path
	d=$(does cgroup-setup)
	layout=$(jq -r .layout <<<"$d")
	run_baton create "$CID"
	assert_success
	while IFS=$'\t' read -r file value; do
		if [[ $layout == v2 ]]; then
			path=/sys/fs/cgroup/baton/$CID/$file
		else
			path=/sys/fs/cgroup/${file%%/*}/baton/$CID/${file#*/}
		fi
		[[ -f $path ]] || fail "no $path"
		[[ $(cat "$path") == "$value" ]] || fail "$path: $(cat "$path"), plan said $value"
	done < <(jq -r '.writes[] | [.file, .value] | @tsv' <<<"$d")
	[[ $(jq '.writes | length' <<<"$d") -ge 3 ]] || fail "writes: $d"
	baton_cmd delete --force "$CID"
}
