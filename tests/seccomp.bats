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

# ---- podman's default profile, ENOSYS for newer syscalls ---------------------

PODMAN_PROFILE=/usr/share/containers/seccomp.json

# Syscalls of x86_64 from clone3 (435) on that libseccomp 2.5 knows by name.
NEW_SYSCALLS='["clone3","close_range","openat2","pidfd_getfd","faccessat2",
	"process_madvise","epoll_pwait2","mount_setattr","quotactl_fd",
	"landlock_create_ruleset","landlock_add_rule","landlock_restrict_self",
	"memfd_secret","process_mrelease","futex_waitv","set_mempolicy_home_node"]'

# podman_profile [JQ-FILTER]: podman's profile (Docker's format, from Debian's
# golang-github-containers-common) in OCI form for x86_64 and the bundle's
# bounding set: rules for other arches, or for caps the container lacks, dropped.
podman_profile() {
	[[ -f $PODMAN_PROFILE ]] || skip "needs $PODMAN_PROFILE (golang-github-containers-common)"
	local caps
	caps=$(jq -c '.process.capabilities.bounding // []' "$BUNDLE/config.json")
	jq -c --argjson caps "$caps" '
		def held($l): all($l[]; . as $c | $caps | index($c));
		def any_held($l): any($l[]; . as $c | $caps | index($c));
		def for_amd64: (.includes.arches // []) as $a |
			(($a | length) == 0 or ($a | index("amd64"))) and
			((.excludes.arches // []) | index("amd64") | not);
		{defaultAction, defaultErrnoRet,
		 architectures: [.archMap[] | select(.architecture == "SCMP_ARCH_X86_64") |
			.architecture, .subArchitectures[]],
		 syscalls: [.syscalls[] | select(for_amd64) |
			select(held(.includes.caps // [])) | select(any_held(.excludes.caps // []) | not) |
			{names, action} + (if .errnoRet then {errnoRet} else {} end) +
			(if (.args // []) | length > 0 then {args} else {} end)]}' "$PODMAN_PROFILE" |
		jq -c --argjson new "$NEW_SYSCALLS" "${1:-.}"
}

# A static glibc program that starts a thread: glibc tries clone3 first and
# falls back to clone only when clone3 fails with ENOSYS.
install_thread_program() {
	command -v gcc >/dev/null || skip "needs gcc"
	cat >"$BATS_TEST_TMPDIR/thread.c" <<'CEOF'
#include <pthread.h>
#include <stdio.h>
#include <string.h>
static void *run(void *arg) { return arg; }
int main(void)
{
	pthread_t t;
	int rc = pthread_create(&t, NULL, run, NULL);
	if (rc != 0) {
		printf("pthread_create: %s\n", strerror(rc));
		return 1;
	}
	pthread_join(t, NULL);
	puts("thread ok");
	return 0;
}
CEOF
	gcc -static -pthread -o "$BUNDLE/rootfs/thread" "$BATS_TEST_TMPDIR/thread.c" ||
		fail "cannot build the thread program"
}

@test "podman's default profile: programs run, its denials hold" {
	update_config --argjson s "$(podman_profile)" '.linux.seccomp = $s'
	set_cmd /bin/sh -c '/probe seccomp; echo piped | cat; /probe syscall 163 0; /probe syscall 248'
	run_baton run "$CID"
	assert_success
	# acct is denied without CAP_SYS_PACCT; add_key is not in the profile: its ENOSYS default
	assert_output $'2\npiped\nEPERM\nENOSYS'
}

@test "podman's default profile: glibc starts threads (clone3)" {
	install_thread_program
	update_config --argjson s "$(podman_profile)" '.linux.seccomp = $s'
	set_cmd /thread
	run_baton run "$CID"
	assert_success
	assert_output 'thread ok'
}

@test "syscalls newer than the profile get ENOSYS, older unknown ones the default" {
	update_config --argjson s "$(podman_profile '.defaultErrnoRet = 1')" '.linux.seccomp = $s'
	# add_key (248, not named): EPERM; futex_waitv (449), 462, 1000: newer than all named
	set_cmd /bin/sh -c '/probe syscall 248; /probe syscall 449; /probe syscall 462; /probe syscall 1000'
	run_baton run "$CID"
	assert_success
	assert_output $'EPERM\nENOSYS\nENOSYS\nENOSYS'
}

@test "a profile older than clone3 with an EPERM default: glibc falls back to clone" {
	install_thread_program
	update_config --argjson s "$(podman_profile '.defaultErrnoRet = 1 |
		.syscalls |= map(.names -= $new) | .syscalls |= map(select(.names | length > 0))')" \
		'.linux.seccomp = $s'
	set_cmd /bin/sh -c '/probe syscall 435; /probe syscall 248; /thread'
	run_baton run "$CID"
	assert_success
	assert_output $'ENOSYS\nEPERM\nthread ok'
}

@test "clone3 below the newest named syscall keeps the default action" {
	install_thread_program
	# the profile names futex_waitv (449), so clone3 (435) is old to it: EPERM, as runc does
	update_config --argjson s "$(podman_profile '.defaultErrnoRet = 1 |
		.syscalls |= map(.names -= ["clone3"])')" '.linux.seccomp = $s'
	set_cmd /thread
	run_baton run "$CID"
	assert_failure 1
	assert_output 'pthread_create: Operation not permitted'
}

@test "an allow-by-default profile gets no ENOSYS prelude" {
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["getpgid"], "action": "SCMP_ACT_ERRNO"}]}'
	# 448 (process_mrelease) on a bad pidfd: the kernel answers, not the filter
	set_cmd /bin/sh -c '/probe syscall 121 0; /probe syscall 448 -1 0'
	run_baton run "$CID"
	assert_success
	assert_output $'EPERM\nEBADF'
}

# ---- run.oci.seccomp_fail_unknown_syscall ------------------------------------

unknown_syscall_profile() {
	cat <<'JSON'
{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [{"names": ["no_such_syscall", "getpgid"], "action": "SCMP_ACT_ERRNO"}]}
JSON
}

@test "a syscall unknown to libseccomp is skipped" {
	update_config --argjson s "$(unknown_syscall_profile)" '.linux.seccomp = $s'
	set_args syscall 121 0
	run_baton run "$CID"
	assert_success
	assert_output 'EPERM'
}

@test "run.oci.seccomp_fail_unknown_syscall=1 refuses it" {
	update_config --argjson s "$(unknown_syscall_profile)" '.linux.seccomp = $s |
		.annotations["run.oci.seccomp_fail_unknown_syscall"] = "1"'
	run_baton run "$CID"
	assert_failure 1
	assert_output 'baton: seccomp-load: invalid seccomp syscall `no_such_syscall`'
	[[ -z $(ls -A -I .cache "$STATE_ROOT") ]] || fail "state left: $(ls -A "$STATE_ROOT")"
}

@test "run.oci.seccomp_fail_unknown_syscall=0 skips it" {
	update_config --argjson s "$(unknown_syscall_profile)" '.linux.seccomp = $s |
		.annotations["run.oci.seccomp_fail_unknown_syscall"] = "0"'
	set_args syscall 121 0
	run_baton run "$CID"
	assert_success
	assert_output 'EPERM'
}

# ---- actions, operators, flags -------------------------------------------------

# one_rule ACTION [EXTRA-JSON]: allow all, getpgid (121) gets ACTION.
one_rule() {
	jq -cn --arg a "$1" --argjson x "${2:-{\}}" \
		'{defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["getpgid"], action: $a} + $x]}'
}

@test "every action has its effect" {
	local action want
	while read -r action want; do
		update_config --argjson s "$(one_rule "$action")" '.linux.seccomp = $s'
		set_args syscall 121 0
		run_baton run "$CID"
		case $want in
		SIGSYS) [[ $status -eq 159 ]] || fail "$action: status $status, output $output" ;;
		*) [[ $status -eq 0 && $output == "$want" ]] ||
			fail "$action: status $status, output '$output', expected '$want'" ;;
		esac
	done <<-EOF
		SCMP_ACT_ALLOW ok
		SCMP_ACT_LOG ok
		SCMP_ACT_ERRNO EPERM
		SCMP_ACT_TRACE ENOSYS
		SCMP_ACT_TRAP SIGSYS
		SCMP_ACT_KILL SIGSYS
		SCMP_ACT_KILL_THREAD SIGSYS
		SCMP_ACT_KILL_PROCESS SIGSYS
	EOF
}

@test "SCMP_ACT_NOTIFY is refused with a clear error" {
	update_config --argjson s "$(one_rule SCMP_ACT_NOTIFY)" \
		'.linux.seccomp = $s | .linux.seccomp.listenerPath = "/run/nobody.sock"'
	run_baton run "$CID"
	assert_failure 1
	assert_output --partial 'seccomp notify is not supported yet'
	[[ -z $(ls -A -I .cache "$STATE_ROOT") ]] || fail "state left: $(ls -A "$STATE_ROOT")"
}

@test "argument conditions: every operator" {
	local op value two arg want rule
	# umask (95) succeeds for any argument: an errno can only come from the filter
	while read -r op value two arg want; do
		rule=$(jq -cn --arg op "$op" --argjson v "$value" --argjson t "$two" \
			'{defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["umask"],
			action: "SCMP_ACT_ERRNO", errnoRet: 13,
			args: [{index: 0, op: $op, value: $v, valueTwo: $t}]}]}')
		update_config --argjson s "$rule" '.linux.seccomp = $s'
		set_args syscall 95 "$arg"
		run_baton run "$CID"
		[[ $status -eq 0 && $output == "$want" ]] ||
			fail "$op $value $two on $arg: status $status, '$output', expected '$want'"
	done <<-EOF
		SCMP_CMP_EQ 4242 0 4242 EACCES
		SCMP_CMP_EQ 4242 0 0 ok
		SCMP_CMP_NE 0 0 4242 EACCES
		SCMP_CMP_NE 0 0 0 ok
		SCMP_CMP_GT 100 0 101 EACCES
		SCMP_CMP_GT 100 0 100 ok
		SCMP_CMP_GE 100 0 100 EACCES
		SCMP_CMP_GE 100 0 99 ok
		SCMP_CMP_LT 100 0 99 EACCES
		SCMP_CMP_LT 100 0 100 ok
		SCMP_CMP_LE 100 0 100 EACCES
		SCMP_CMP_LE 100 0 101 ok
		SCMP_CMP_MASKED_EQ 255 66 4162 EACCES
		SCMP_CMP_MASKED_EQ 255 66 4163 ok
	EOF
}

@test "two conditions on one argument: either one matches" {
	update_config --argjson s "$(one_rule SCMP_ACT_ERRNO '{"errnoRet": 13, "args": [
		{"index": 0, "op": "SCMP_CMP_EQ", "value": 7}, {"index": 0, "op": "SCMP_CMP_EQ", "value": 9}]}')" \
		'.linux.seccomp = $s'
	set_cmd /bin/sh -c '/probe syscall 121 7; /probe syscall 121 9; /probe syscall 121 0'
	run_baton run "$CID"
	assert_success
	assert_output $'EACCES\nEACCES\nok'
}

@test "conditions on two arguments must all match" {
	# getpriority(which, who): EACCES only for which=0 and who=4242
	update_config --argjson s "$(jq -cn '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [
		{names: ["getpriority"], action: "SCMP_ACT_ERRNO", errnoRet: 13, args: [
		{index: 0, op: "SCMP_CMP_EQ", value: 0}, {index: 1, op: "SCMP_CMP_EQ", value: 4242}]}]}')" \
		'.linux.seccomp = $s'
	set_cmd /bin/sh -c '/probe syscall 140 0 4242; /probe syscall 140 0 0'
	run_baton run "$CID"
	assert_success
	assert_output $'EACCES\nok'
}

@test "defaultErrnoRet picks the default errno" {
	# a profile that denies everything would deny execve and exit too: use podman's
	update_config --argjson s "$(podman_profile '.defaultErrnoRet = 13')" '.linux.seccomp = $s'
	set_args syscall 248
	run_baton run "$CID"
	assert_success
	assert_output 'EACCES'
}

@test "filter flags are accepted and the filter holds" {
	local flag
	for flag in SECCOMP_FILTER_FLAG_LOG SECCOMP_FILTER_FLAG_SPEC_ALLOW SECCOMP_FILTER_FLAG_TSYNC; do
		update_config --argjson s "$(one_rule SCMP_ACT_ERRNO)" --arg f "$flag" \
			'.linux.seccomp = ($s | .flags = [$f])'
		set_args syscall 121 0
		run_baton run "$CID"
		[[ $status -eq 0 && $output == EPERM ]] || fail "$flag: status $status, '$output'"
	done
}

# ---- the cache of compiled filters ------------------------------------------------

@test "a repeated start takes the compiled filter from the cache" {
	update_config --argjson s "$(deny_mkdir_profile 1)" '.linux.seccomp = $s'
	set_args mkdir /tmp/denied
	run_baton --debug run "$CID"
	assert_success
	assert_line 'EPERM'
	refute_output --partial '(from the cache)'
	local files=("$STATE_ROOT"/.cache/seccomp/*)
	[[ ${#files[@]} -eq 1 && -f ${files[0]} ]] || fail "cache: ${files[*]}"
	[[ $(stat -c %a "$STATE_ROOT/.cache/seccomp") == 700 ]] || fail "cache dir is not private"
	run_baton --debug run "$CID"
	assert_success
	assert_line 'EPERM'
	assert_output --partial '(from the cache)'
}

@test "a damaged cache entry is never installed" {
	update_config --argjson s "$(deny_mkdir_profile 1)" '.linux.seccomp = $s'
	set_args mkdir /tmp/denied
	run_baton run "$CID"
	assert_success
	local entry=("$STATE_ROOT"/.cache/seccomp/*) size
	size=$(stat -c %s "${entry[0]}")
	# one instruction of the program changed: its hash no longer matches
	printf '\377' | dd of="${entry[0]}" bs=1 seek=$((size - 3)) conv=notrunc status=none
	run_baton --debug run "$CID"
	assert_success
	assert_line 'EPERM'
	assert_output --partial 'fails its checks: removed'
	refute_output --partial '(from the cache)'
	# the key changed
	printf 'X' | dd of="${entry[0]}" bs=1 seek=3 conv=notrunc status=none
	run_baton --debug run "$CID"
	assert_line 'EPERM'
	assert_output --partial 'fails its checks: removed'
	# an entry someone else owns is not trusted
	chown 1000 "${entry[0]}"
	run_baton --debug run "$CID"
	assert_line 'EPERM'
	assert_output --partial 'fails its checks: removed'
	# a symlink is not followed
	rm -f "${entry[0]}"
	ln -s /etc/passwd "${entry[0]}"
	run_baton --debug run "$CID"
	assert_line 'EPERM'
	refute_output --partial '(from the cache)'
	[[ -f ${entry[0]} && ! -L ${entry[0]} ]] || fail "the symlink was not replaced"
	run_baton --debug run "$CID"
	assert_output --partial '(from the cache)'
}

@test "a different profile does not hit another's cache entry" {
	update_config --argjson s "$(deny_mkdir_profile 1)" '.linux.seccomp = $s'
	set_args mkdir /tmp/denied
	run_baton run "$CID"
	assert_output 'EPERM'
	update_config --argjson s "$(deny_mkdir_profile 13)" '.linux.seccomp = $s'
	run_baton --debug run "$CID"
	assert_success
	assert_line 'EACCES'
	refute_output --partial '(from the cache)'
	[[ $(ls "$STATE_ROOT/.cache/seccomp" | wc -l) -eq 2 ]] || fail "expected two cache entries"
}

@test "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV without a listener is refused before the start" {
	update_config --argjson s "$(one_rule SCMP_ACT_ERRNO)" \
		'.linux.seccomp = ($s | .flags = ["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"])'
	run_baton create "$CID"
	assert_failure 1
	assert_output --regexp '^baton: seccomp-load: seccomp flag `SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV` needs a notify listener'
	[[ -z $(ls -A -I .cache "$STATE_ROOT") ]] || fail "state left: $(ls -A "$STATE_ROOT")"
}

@test "a profile that denies exit_group and exit is refused, not left spinning" {
	# the process could never end: without the check `run` waited forever
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ERRNO",
		"syscalls": [{"names": ["getpid"], "action": "SCMP_ACT_ALLOW"}]}'
	run_baton run "$CID"
	assert_failure 1
	assert_output 'baton: seccomp-load: linux.seccomp: the profile denies both exit_group and exit: the container process could never end'
	[[ -z $(ls -A -I .cache "$STATE_ROOT") ]] || fail "state left: $(ls -A "$STATE_ROOT")"
}
