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

# skipped as crun does, with crun's warning, naming the field
@test "a syscall unknown to libseccomp is skipped, with a warning" {
	update_config --argjson s "$(unknown_syscall_profile)" '.linux.seccomp = $s'
	set_args syscall 121 0
	run_baton run "$CID"
	assert_success
	assert_line --index 0 'baton[seccomp-load]: warning: linux.seccomp.syscalls[0].names[0]: unknown seccomp syscall `no_such_syscall` ignored'
	assert_line --index 1 'EPERM'
}

@test "run.oci.seccomp_fail_unknown_syscall=1 refuses it" {
	update_config --argjson s "$(unknown_syscall_profile)" '.linux.seccomp = $s |
		.annotations["run.oci.seccomp_fail_unknown_syscall"] = "1"'
	run_baton run "$CID"
	assert_failure 1
	assert_output 'baton: seccomp-load: linux.seccomp.syscalls[0].names[0]: invalid seccomp syscall `no_such_syscall`'
	[[ -z $(ls -A -I .cache "$STATE_ROOT") ]] || fail "state left: $(ls -A "$STATE_ROOT")"
}

@test "run.oci.seccomp_fail_unknown_syscall=0 skips it" {
	update_config --argjson s "$(unknown_syscall_profile)" '.linux.seccomp = $s |
		.annotations["run.oci.seccomp_fail_unknown_syscall"] = "0"'
	set_args syscall 121 0
	run_baton run "$CID"
	assert_success
	assert_line --index 0 'baton[seccomp-load]: warning: linux.seccomp.syscalls[0].names[0]: unknown seccomp syscall `no_such_syscall` ignored'
	assert_line --index 1 'EPERM'
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

@test "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV without SCMP_ACT_NOTIFY is refused before the start" {
	update_config --argjson s "$(one_rule SCMP_ACT_ERRNO)" \
		'.linux.seccomp = ($s | .flags = ["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"])'
	run_baton create "$CID"
	assert_failure 1
	assert_output 'baton: seccomp-load: seccomp flag `SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV` needs a notify listener: no action of the profile is SCMP_ACT_NOTIFY'
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

# ---- SCMP_ACT_NOTIFY: the listener goes to a receiver, an agent answers -------

# start_agent [AGENT-OPTIONS...]: tests/tools/seccomp-agent on $AGENT_SOCK; what it
# received and answered lands in $AGENT_OUT (state.N, fds.N, log).
start_agent() {
	AGENT_SOCK=$BATS_TEST_TMPDIR/agent.sock
	AGENT_OUT=$BATS_TEST_TMPDIR/agent
	rm -rf "$AGENT_SOCK" "$AGENT_OUT"
	mkdir -p "$AGENT_OUT"
	timeout -k 5 "$BATON_TIMEOUT" "$BATON_BUILD/tests/seccomp-agent" "$@" "$AGENT_SOCK" \
		"$AGENT_OUT" </dev/null >"$BATS_TEST_TMPDIR/agent.err" 2>&1 3>&- &
	AGENT_PID=$!
	AGENT_RUNNING=1
	defer '[[ -n ${AGENT_RUNNING:-} ]] && kill "$AGENT_PID"'
	local _
	for _ in $(seq 50); do [[ -S $AGENT_SOCK ]] && return 0; sleep 0.1; done
	fail "the seccomp agent did not start: $(cat "$BATS_TEST_TMPDIR/agent.err")"
}

# The agent ends once every process under its listeners is gone.
wait_agent() {
	local rc=0
	wait "$AGENT_PID" || rc=$?
	AGENT_RUNNING=
	[[ $rc -eq 0 ]] || fail "the seccomp agent failed ($rc): $(cat "$BATS_TEST_TMPDIR/agent.err")"
}

# Allow everything; mkdir and mkdirat go to the agent.
notify_profile() {
	jq -cn '{defaultAction: "SCMP_ACT_ALLOW",
		syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_NOTIFY"}]}'
}

assert_nothing_left() {
	[[ -z $(ls -A -I .cache "$STATE_ROOT") ]] || fail "state left: $(ls -A "$STATE_ROOT")"
	[[ -z $(leftover_cgroups) ]] || fail "cgroups left: $(leftover_cgroups)"
}

@test "SCMP_ACT_NOTIFY: the agent at listenerPath answers the container's mkdir" {
	start_agent --mkdir 18
	update_config --argjson s "$(notify_profile)" --arg p "$AGENT_SOCK" '.linux.seccomp = ($s |
		.listenerPath = $p | .listenerMetadata = "hello agent" |
		.flags = ["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"])'
	set_args mkdir /tmp/notified
	run_baton run "$CID"
	assert_success
	# 18: the agent's answer, not the kernel's
	assert_output 'EXDEV'
	wait_agent
	[[ ! -e $BUNDLE/rootfs/tmp/notified ]] || fail "the directory was made"
	run cat "$AGENT_OUT/log"
	assert_output --regexp '^mkdir /tmp/notified [0-9]+$'
	local pid=${output##* }
	run cat "$AGENT_OUT/fds.1"
	assert_output 'anon_inode:seccomp notify'
	# the OCI container process state: the caller of mkdir is the process it names
	jq -e --arg id "$CID" --arg b "$BUNDLE" --argjson pid "$pid" '
		(.ociVersion | test("^1\\.")) and .fds == ["seccompFd"] and .pid == $pid and
		.metadata == "hello agent" and .state.id == $id and .state.pid == $pid and
		.state.status == "creating" and .state.bundle == $b' "$AGENT_OUT/state.1" ||
		fail "unexpected container process state: $(cat "$AGENT_OUT/state.1")"
}

@test "SCMP_ACT_NOTIFY: the agent fakes a success, TSYNC does not get in the way" {
	start_agent --mkdir fake
	update_config --argjson s "$(notify_profile)" --arg p "$AGENT_SOCK" \
		'.linux.seccomp = ($s | .listenerPath = $p | .flags = ["SECCOMP_FILTER_FLAG_TSYNC"])'
	set_args mkdir /tmp/faked
	run_baton run "$CID"
	assert_success
	assert_output 'ok'
	wait_agent
	[[ ! -e $BUNDLE/rootfs/tmp/faked ]] || fail "the directory was made"
	grep -q '^mkdir /tmp/faked ' "$AGENT_OUT/log" || fail "the agent saw no mkdir"
	jq -e 'has("metadata") | not' "$AGENT_OUT/state.1" >/dev/null || fail "metadata without listenerMetadata"
}

@test "a profile that notifies every syscall: the handover, execve and the program all go through the agent" {
	local nnp
	for nnp in true false; do
		start_agent --mkdir 18
		# the filter is final-exec's last step either way: READY (sendmsg) went before it
		update_config --arg p "$AGENT_SOCK" --argjson nnp "$nnp" '.process.noNewPrivileges = $nnp |
			.linux.seccomp = {defaultAction: "SCMP_ACT_NOTIFY", listenerPath: $p}'
		set_cmd /bin/sh -c '/probe fds; /probe mkdir /tmp/x'
		run_baton run "$CID"
		[[ $status -eq 0 && $output == $'0 1 2\nEXDEV' ]] ||
			fail "noNewPrivileges $nnp: status $status, output '$output'"
		wait_agent
		# futex (202) and wait4 (61) right after the filter, then execve (59)
		local nr
		for nr in 202 61 59; do
			grep -qx "syscall $nr" "$AGENT_OUT/log" ||
				fail "noNewPrivileges $nnp: syscall $nr never reached the agent"
		done
		! grep -qx "syscall 46" "$AGENT_OUT/log" ||
			fail "noNewPrivileges $nnp: final-exec sent on its sync socket under the filter"
	done
}

@test "create and start: with noNewPrivileges the listener goes at start" {
	start_agent --mkdir 13
	update_config --argjson s "$(notify_profile)" --arg p "$AGENT_SOCK" \
		'.linux.seccomp = ($s | .listenerPath = $p) | .process.noNewPrivileges = true'
	set_args mkdir /tmp/x
	run_baton create "$CID"
	assert_success
	local log=$LAST_LOG
	[[ ! -s $AGENT_OUT/state.1 ]] || fail "the listener went before start"
	run_baton start "$CID"
	assert_success
	wait_agent
	wait_log EACCES "$log"
	jq -e '.state.status == "creating"' "$AGENT_OUT/state.1" >/dev/null ||
		fail "unexpected state: $(cat "$AGENT_OUT/state.1")"
}

@test "run.oci.seccomp.receiver and RUN_OCI_SECCOMP_RECEIVER, after listenerPath, in crun's order" {
	local nobody=$BATS_TEST_TMPDIR/nobody.sock
	start_agent --count 3 --mkdir 18
	update_config --argjson s "$(notify_profile)" '.linux.seccomp = $s'
	set_args mkdir /tmp/x
	# the annotation comes before the variable
	update_config --arg p "$AGENT_SOCK" '.annotations["run.oci.seccomp.receiver"] = $p'
	RUN_OCI_SECCOMP_RECEIVER=$nobody run_baton run "$CID"
	[[ $status -eq 0 && $output == EXDEV ]] || fail "annotation: $status '$output'"
	# the variable alone
	update_config 'del(.annotations["run.oci.seccomp.receiver"])'
	RUN_OCI_SECCOMP_RECEIVER=$AGENT_SOCK run_baton run "$CID"
	[[ $status -eq 0 && $output == EXDEV ]] || fail "variable: $status '$output'"
	# listenerPath before both
	update_config --arg p "$AGENT_SOCK" --arg n "$nobody" \
		'.linux.seccomp.listenerPath = $p | .annotations["run.oci.seccomp.receiver"] = $n'
	RUN_OCI_SECCOMP_RECEIVER=$nobody run_baton run "$CID"
	[[ $status -eq 0 && $output == EXDEV ]] || fail "listenerPath: $status '$output'"
	wait_agent
	[[ $(grep -c '^mkdir /tmp/x ' "$AGENT_OUT/log") -eq 3 ]] || fail "log: $(cat "$AGENT_OUT/log")"
	jq -e --arg p "$AGENT_SOCK" '.state.annotations["run.oci.seccomp.receiver"] == $p' \
		"$AGENT_OUT/state.1" >/dev/null || fail "no annotations in: $(cat "$AGENT_OUT/state.1")"
}

@test "exec: the new process's listener goes to the receiver too" {
	start_agent --count 2 --mkdir 18
	update_config --argjson s "$(notify_profile)" --arg p "$AGENT_SOCK" \
		'.linux.seccomp = ($s | .listenerPath = $p)'
	set_args sleep
	run_baton run -d "$CID"
	assert_success
	local pid
	pid=$(container_pid)
	run_baton exec "$CID" /probe mkdir /tmp/x
	assert_success
	assert_output 'EXDEV'
	run_baton delete -f "$CID"
	assert_success
	wait_agent
	jq -e --argjson pid "$pid" '.pid == $pid and .state.status == "creating"' \
		"$AGENT_OUT/state.1" >/dev/null || fail "container: $(cat "$AGENT_OUT/state.1")"
	# the filter is on the exec'd process; the state is still the container's
	jq -e --argjson pid "$pid" '.pid != $pid and .state.pid == $pid and
		.state.status == "running"' "$AGENT_OUT/state.2" >/dev/null ||
		fail "exec: $(cat "$AGENT_OUT/state.2")"
}

@test "a receiver that drops the listener: notified syscalls fail with ENOSYS, nothing hangs" {
	local sock=$BATS_TEST_TMPDIR/recv.sock out=$BATS_TEST_TMPDIR/recv.out
	"$BATON_BUILD/tests/recvfd" "$sock" >"$out" 3>&- &
	local recv=$!
	for _ in $(seq 50); do [[ -S $sock ]] && break; sleep 0.1; done
	update_config --argjson s "$(notify_profile)" --arg p "$sock" \
		'.linux.seccomp = ($s | .listenerPath = $p)'
	set_args mkdir /tmp/x
	run_baton run "$CID"
	[[ $status -eq 0 ]] || kill "$recv"
	wait "$recv" || true
	assert_success
	assert_output 'ENOSYS'
	run cat "$out"
	assert_output 'anon_inode:seccomp notify'
}

@test "SCMP_ACT_NOTIFY without a receiver is refused, nothing made" {
	update_config --argjson s "$(notify_profile)" '.linux.seccomp = $s'
	run_baton run "$CID"
	assert_failure 1
	assert_output 'baton: linux.seccomp: SCMP_ACT_NOTIFY needs a listener: set linux.seccomp.listenerPath, the run.oci.seccomp.receiver annotation or RUN_OCI_SECCOMP_RECEIVER'
	assert_nothing_left
}

@test "a receiver nobody listens on, or a relative one, fails naming it, nothing made" {
	local nobody=$BATS_TEST_TMPDIR/nobody.sock
	update_config --argjson s "$(notify_profile)" --arg p "$nobody" \
		'.linux.seccomp = ($s | .listenerPath = $p)'
	run_baton run "$CID"
	assert_failure 1
	assert_output "baton: connect to the seccomp receiver \`$nobody\`: No such file or directory"
	assert_nothing_left
	update_config 'del(.linux.seccomp.listenerPath)'
	RUN_OCI_SECCOMP_RECEIVER=agent.sock run_baton run "$CID"
	assert_failure 1
	assert_output 'baton: RUN_OCI_SECCOMP_RECEIVER: the seccomp receiver `agent.sock` is not an absolute path'
	assert_nothing_left
	update_config '.annotations["run.oci.seccomp.receiver"] = "agent.sock"'
	run_baton run "$CID"
	assert_failure 1
	assert_output 'baton: parse-config: annotations.run.oci.seccomp.receiver: the seccomp receiver `agent.sock` is not an absolute path'
	assert_nothing_left
}

@test "features lists SCMP_ACT_NOTIFY and WAIT_KILLABLE_RECV" {
	run "$BATON" features
	assert_success
	jq -e '(.linux.seccomp.actions | index("SCMP_ACT_NOTIFY")) and
		(.linux.seccomp.supportedFlags | index("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV")) and
		(.potentiallyUnsafeConfigAnnotations | index("run.oci.seccomp.receiver"))' \
		<<<"$output" >/dev/null || fail "features: $output"
}

# ---- the filter is the last step before execve (issue 15, item 1) ------------

# What `busybox sh -c '/bin/busybox true; echo ok'` calls, from `strace -f` of
# it on the test rootfs's busybox, plus exit: an allowlist as hand-written
# profiles are. It holds nothing final-exec itself uses before the user's
# program (close_range, getcwd, capset, setresuid, sendmsg, prctl's own...).
BUSYBOX_SYSCALLS='["arch_prctl","brk","clone","execve","exit","exit_group","getpid",
	"getppid","getrandom","getuid","mprotect","newfstatat","prctl","prlimit64","readlink",
	"rseq","rt_sigaction","rt_sigreturn","set_robust_list","set_tid_address","uname",
	"wait4","write"]'

strict_busybox_profile() {
	jq -cn --argjson n "$BUSYBOX_SYSCALLS" '{defaultAction: "SCMP_ACT_ERRNO",
		architectures: ["SCMP_ARCH_X86_64"], syscalls: [{names: $n, action: "SCMP_ACT_ALLOW"}]}'
}

@test "a strict allowlist without close_range or getcwd runs the program, with and without noNewPrivileges" {
	local nnp
	for nnp in true false; do
		update_config --argjson s "$(strict_busybox_profile)" --argjson nnp "$nnp" \
			'.linux.seccomp = $s | .process.noNewPrivileges = $nnp'
		set_cmd /bin/sh -c '/bin/busybox true; echo ok'
		run_baton run "$CID"
		[[ $status -eq 0 && $output == ok ]] ||
			fail "run, noNewPrivileges $nnp: status $status, output '$output'"
		# create + start: the wait for start is before the filter too
		run_baton create "$CID"
		assert_success
		local log=$LAST_LOG
		run_baton start "$CID"
		[[ $status -eq 0 ]] || fail "start, noNewPrivileges $nnp: status $status, '$output'"
		wait_status stopped
		[[ $(cat "$log") == ok ]] || fail "create+start, noNewPrivileges $nnp: '$(cat "$log")'"
		run_baton delete "$CID"
		assert_success
	done
}

@test "the strict allowlist holds: what it lacks fails with EPERM in the container" {
	update_config --argjson s "$(strict_busybox_profile)" '.linux.seccomp = $s | .process.noNewPrivileges = false'
	# mkdir is not on the list
	set_cmd /bin/sh -c 'mkdir /tmp/x || echo refused'
	run_baton run "$CID"
	assert_success
	assert_output --partial 'Operation not permitted'
	assert_output --partial 'refused'
	[[ ! -e $BUNDLE/rootfs/tmp/x ]] || fail "the directory was made"
}

@test "a default-allow profile that denies getcwd runs the program" {
	local nnp
	for nnp in true false; do
		update_config --argjson nnp "$nnp" '.process.noNewPrivileges = $nnp | .process.cwd = "/tmp" |
			.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
				syscalls: [{names: ["getcwd"], action: "SCMP_ACT_ERRNO", errnoRet: 1}]}'
		set_cmd /bin/sh -c 'echo ok; /probe syscall 79 0 0'
		run_baton run "$CID"
		[[ $status -eq 0 && $output == $'ok\nEPERM' ]] ||
			fail "noNewPrivileges $nnp: status $status, output '$output'"
	done
}

@test "a failure between start and execve fails start, naming the step, and the container is stopped" {
	# execve itself denied: final-exec gets as far as it can and reports to start
	update_config '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
		syscalls: [{names: ["execve", "execveat"], action: "SCMP_ACT_ERRNO", errnoRet: 1}]}'
	set_cmd /bin/sh -c 'echo program-ran'
	run_baton create "$CID"
	assert_success
	local create_log=$LAST_LOG
	run_baton --log "$BATS_TEST_TMPDIR/start.log" start "$CID"
	assert_failure
	assert_output --partial 'final-exec: exec `/bin/sh`: Operation not permitted'
	grep -q 'exec `/bin/sh`: Operation not permitted' "$BATS_TEST_TMPDIR/start.log" ||
		fail "not in --log: $(cat "$BATS_TEST_TMPDIR/start.log")"
	wait_status stopped
	run cat "$create_log"
	refute_output --partial 'program-ran'
	[[ ! -e $STATE_ROOT/$CID/exec.result ]] || fail "exec.result left after start"
	run_baton delete "$CID"
	assert_success
}

@test "an errnoRet the kernel cannot carry names the field" {
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 70000}]}'
	run_baton run "$CID"
	assert_failure 1
	assert_output 'baton: parse-config: linux.seccomp.syscalls[0].errnoRet: 70000 out of range 0..65535'
	assert_nothing_left
}
