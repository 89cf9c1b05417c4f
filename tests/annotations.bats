#!/usr/bin/env bats
# crun's run.oci.* annotations: those baton implements take effect, a known
# key with a malformed value (or one baton does not implement) is an error
# naming the key, unknown run.oci.* keys are ignored as crun ignores them.

load helpers

setup() {
	requires root
	setup_bundle
}

# set_annotation KEY VALUE
set_annotation() {
	update_config --arg k "$1" --arg v "$2" '.annotations[$k] = $v'
}

assert_nothing_created() {
	[[ -z $(ls "$STATE_ROOT" 2>/dev/null) ]] || fail "state left: $(ls "$STATE_ROOT")"
	[[ -z $(leftover_cgroups) ]] || fail "cgroups left: $(leftover_cgroups)"
}

# create fails with exit 1, one line naming annotations.KEY and containing TEXT.
assert_annotation_error() {
	run_baton create "$CID"
	assert_failure 1
	assert_output --regexp "^baton: parse-config: annotations\.$1: "
	assert_output --partial "$2"
	[[ ${#lines[@]} -eq 1 ]] || fail "expected one line of error, got: $output"
	assert_nothing_created
}

with_time_namespace() {
	requires timens
	update_config '.linux.namespaces += [{"type": "time"}]'
}

@test "run.oci.timens_offset shifts the container's clocks" {
	with_time_namespace
	set_annotation run.oci.timens_offset $'monotonic 31536000 5\nboottime -7 0'
	set_cmd /bin/cat /proc/self/timens_offsets
	run_baton run "$CID"
	assert_success
	assert_line --regexp '^monotonic +31536000 +5$'
	assert_line --regexp '^boottime +-7 +0$'
}

@test "run.oci.timens_offset takes the kernel's clock numbers too" {
	with_time_namespace
	set_annotation run.oci.timens_offset '7 3600 0'
	update_config '.linux.timeOffsets = {"monotonic": {"secs": 60, "nanosecs": 0}}'
	set_cmd /bin/cat /proc/self/timens_offsets
	run_baton run "$CID"
	assert_success
	assert_line --regexp '^boottime +3600 +0$'
	assert_line --regexp '^monotonic +60 +0$'
}

@test "run.oci.timens_offset: malformed values are errors naming the key" {
	with_time_namespace
	set_annotation run.oci.timens_offset 'monotonic ten 0'
	assert_annotation_error run.oci.timens_offset '`monotonic ten 0` is not `CLOCK SECS NSECS`'
	set_annotation run.oci.timens_offset 'monotonic 1 1000000000'
	assert_annotation_error run.oci.timens_offset 'is not `CLOCK SECS NSECS`'
	set_annotation run.oci.timens_offset 'monotonic 1 -1'
	assert_annotation_error run.oci.timens_offset 'is not `CLOCK SECS NSECS`'
	set_annotation run.oci.timens_offset 'monotonic 1 0 extra'
	assert_annotation_error run.oci.timens_offset 'is not `CLOCK SECS NSECS`'
	set_annotation run.oci.timens_offset 'realtime 1 0'
	assert_annotation_error run.oci.timens_offset 'unknown clock `realtime`'
	set_annotation run.oci.timens_offset $'boottime 1 0\nboottime 2 0'
	assert_annotation_error run.oci.timens_offset 'clock `boottime` given twice'
	set_annotation run.oci.timens_offset ''
	assert_annotation_error run.oci.timens_offset 'empty'
	set_annotation run.oci.timens_offset 'monotonic 5 0'
	update_config '.linux.timeOffsets = {"monotonic": {"secs": 60, "nanosecs": 0}}'
	assert_annotation_error run.oci.timens_offset 'clock `monotonic` is also in linux.timeOffsets'
}

@test "run.oci.timens_offset needs a new time namespace" {
	set_annotation run.oci.timens_offset 'monotonic 5 0'
	assert_annotation_error run.oci.timens_offset 'requires a new time namespace'
}

@test "run.oci.keep_original_groups becomes a plan record" {
	set_annotation run.oci.keep_original_groups 1
	run "$BATON" stage parse-config --bundle "$BUNDLE"
	assert_success
	assert_line $'process.keep-original-groups\t1'
	# any value counts, as in crun: the key's presence is what matters
	set_annotation run.oci.keep_original_groups ''
	run "$BATON" stage parse-config --bundle "$BUNDLE"
	assert_success
	assert_line $'process.keep-original-groups\t1'
	update_config 'del(.annotations)'
	run "$BATON" stage parse-config --bundle "$BUNDLE"
	assert_success
	refute_line --partial 'keep-original-groups'
}

# The container's `probe ids` when baton runs with supplementary groups 4242,4343.
ids_with_caller_groups() {
	setpriv --groups 4242,4343 -- timeout -k 5 "$BATON_TIMEOUT" \
		"$BATON" --root "$STATE_ROOT" run "$1" </dev/null 3>&-
}

@test "run.oci.keep_original_groups keeps the caller's groups in the container" {
	command -v setpriv >/dev/null || skip "needs setpriv"
	update_config '.process.user.additionalGids = [7]'
	run ids_with_caller_groups "$CID-plain"
	assert_success
	assert_output --regexp 'groups=7$'
	set_annotation run.oci.keep_original_groups 1
	run ids_with_caller_groups "$CID"
	assert_success
	assert_output --regexp 'groups=4242,4343$'
}

@test "unknown run.oci.* and other annotations are ignored, and kept in the state" {
	set_annotation run.oci.no_such_thing 'whatever value'
	set_annotation org.example.note 'hello'
	run_baton --debug create "$CID"
	assert_success
	assert_output --partial 'annotation `run.oci.no_such_thing` is unknown to baton: ignored'
	run baton_cmd state "$CID"
	assert_success
	jq -e '.annotations["run.oci.no_such_thing"] == "whatever value" and
		.annotations["org.example.note"] == "hello"' <<<"$output" ||
		fail "annotations missing from the state: $output"
}

@test "crun's annotations baton does not implement are refused, naming the key" {
	local key
	for key in run.oci.systemd.force_cgroup_v1 run.oci.handler \
		run.oci.seccomp.plugins run.oci.seccomp_bpf_data; do
		update_config 'del(.annotations)'
		set_annotation "$key" /some/value
		assert_annotation_error "$key" 'not supported yet'
	done
}

@test "run.oci.mount_context_type, systemd.subgroup and hooks.*: values are checked" {
	set_annotation run.oci.mount_context_type bogus
	assert_annotation_error run.oci.mount_context_type 'unknown context type `bogus`'
	set_annotation run.oci.mount_context_type rootcontext
	set_annotation run.oci.systemd.subgroup a/b
	assert_annotation_error run.oci.systemd.subgroup '`a/b` is not a cgroup name'
	set_annotation run.oci.systemd.subgroup ..
	assert_annotation_error run.oci.systemd.subgroup '`..` is not a cgroup name'
	set_annotation run.oci.systemd.subgroup container
	# crun's delegated sub-cgroup is the systemd driver's (cgroups-systemd.bats)
	set_annotation run.oci.delegate-cgroup payload
	assert_annotation_error run.oci.delegate-cgroup 'needs the systemd cgroup manager (--systemd-cgroup)'
	update_config 'del(.annotations["run.oci.delegate-cgroup"])'
	set_annotation run.oci.hooks.stderr ''
	assert_annotation_error run.oci.hooks.stderr 'empty file name'
	set_annotation run.oci.hooks.stderr "$BATS_TEST_TMPDIR/hooks.err"
	set_annotation run.oci.hooks.stdout "$BATS_TEST_TMPDIR/hooks.out"
	# well-formed values of all of them: the container runs
	run_baton run "$CID"
	assert_success
	assert_output --regexp '^uid=0 gid=0'
}

@test "features lists exactly the config annotations parse-config accepts" {
	local keys key
	keys=$("$BATON" features | jq -r '.annotations["run.oci.baton.config-annotations"]')
	[[ -n $keys && $keys != null ]] || fail "no run.oci.baton.config-annotations"
	requires timens
	update_config '.linux.namespaces += [{"type": "time"}]'
	for key in ${keys//,/ }; do
		update_config 'del(.annotations)'
		case $key in
		run.oci.timens_offset) set_annotation "$key" 'monotonic 1 0' ;;
		run.oci.mount_context_type) set_annotation "$key" context ;;
		run.oci.seccomp.receiver) set_annotation "$key" /run/agent.sock ;;
		*) set_annotation "$key" value ;;
		esac
		run "$BATON" stage parse-config --bundle "$BUNDLE"
		assert_success
	done
	# the unsafe ones it names are among them (or a prefix of some)
	"$BATON" features | jq -e --arg k "$keys" '($k | split(",")) as $all |
		.potentiallyUnsafeConfigAnnotations | all(.[]; . as $u |
			$all | any(.[]; . == $u or startswith($u)))' >/dev/null ||
		fail "potentiallyUnsafeConfigAnnotations names a key parse-config does not know"
}
