#!/usr/bin/env bats
# seccomp: the profile is installed in filter mode and its rules take effect.

load helpers

setup() {
	requires root
	setup_bundle
}

# A profile allowing everything except mkdir/mkdirat, which fail with ERRNO.
deny_mkdir_profile() {
	local errno_json=${1:+, \"errnoRet\": $1}
	cat <<EOF
{
	"defaultAction": "SCMP_ACT_ALLOW",
	"architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
	"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"$errno_json}]
}
EOF
}

@test "a profile that makes mkdir fail with EPERM" {
	update_config --argjson s "$(deny_mkdir_profile 1)" '.linux.seccomp = $s'
	set_args mkdir /tmp/denied
	run_baton run "$CID"
	assert_success
	assert_output 'EPERM'
	[[ ! -e $BUNDLE/rootfs/tmp/denied ]] || fail "the directory was made"
}

@test "SCMP_ACT_ERRNO without errnoRet means EPERM" {
	update_config --argjson s "$(deny_mkdir_profile)" '.linux.seccomp = $s'
	set_args mkdir /tmp/denied
	run_baton run "$CID"
	assert_success
	assert_output 'EPERM'
}

@test "errnoRet picks the errno" {
	update_config --argjson s "$(deny_mkdir_profile 13)" '.linux.seccomp = $s'
	set_args mkdir /tmp/denied
	run_baton run "$CID"
	assert_success
	assert_output 'EACCES'
}

@test "other syscalls still work under the profile" {
	update_config --argjson s "$(deny_mkdir_profile 1)" '.linux.seccomp = $s'
	set_args write /tmp/allowed
	run_baton run "$CID"
	assert_success
	assert_output 'ok'
}

@test "probe seccomp shows filter mode 2" {
	update_config --argjson s "$(deny_mkdir_profile 1)" '.linux.seccomp = $s'
	set_args seccomp
	run_baton run "$CID"
	assert_success
	assert_output '2'
}

@test "without linux.seccomp there is no filter" {
	update_config 'del(.linux.seccomp)'
	set_args seccomp
	run_baton run "$CID"
	assert_success
	assert_output '0'
	set_args mkdir /tmp/allowed
	run_baton run "$CID"
	assert_success
	assert_output 'ok'
}

@test "the filter is installed without noNewPrivileges too" {
	update_config --argjson s "$(deny_mkdir_profile 1)" '.linux.seccomp = $s | .process.noNewPrivileges = false'
	set_cmd /bin/sh -c '/probe nnp; /probe seccomp; /probe mkdir /tmp/x'
	run_baton run "$CID"
	assert_success
	assert_output $'0\n2\nEPERM'
}

@test "an unknown seccomp action is a config error" {
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_FOO"}'
	run_baton run "$CID"
	assert_failure 1
	assert_output --regexp '^baton: parse-config: linux.seccomp.defaultAction'
	[[ -z $(ls -A "$STATE_ROOT") ]] || fail "state left: $(ls -A "$STATE_ROOT")"
}
