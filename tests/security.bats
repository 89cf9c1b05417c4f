#!/usr/bin/env bats
# Attacks on baton: a hostile rootfs, cwd tricks, leaked fds, privileges that
# should not be gained, LSM labels, and the binary-exposure attack through
# /proc/PID/exe. Each test checks the effect inside the container and that
# the host is unchanged.

load helpers

setup() {
	requires root
	setup_bundle
	HOST_BEFORE=$BATS_TEST_TMPDIR/host.before
	host_snapshot >"$HOST_BEFORE"
}

# What an escape would change: the host's / and /etc, its mounts, and the binaries.
host_snapshot() {
	ls -A /
	ls -A /etc
	sha256sum /etc/passwd /etc/hostname
	awk '{print $5}' /proc/self/mountinfo | sort
	sha256sum "$BATON" "$(dirname "$BATON")"/../libexec/baton/*
}

assert_host_unchanged() {
	local after=$BATS_TEST_TMPDIR/host.after
	host_snapshot >"$after"
	diff -u "$HOST_BEFORE" "$after" >&2 || fail "the host changed (diff above)"
}

add_mount() {
	update_config --argjson m "$1" '.mounts += [$m]'
}

# ---- a hostile rootfs -----------------------------------------------------------

@test "rootfs /dev -> / does not touch the host's /" {
	rm -rf "$BUNDLE/rootfs/dev"
	ln -s / "$BUNDLE/rootfs/dev"
	set_cmd /bin/sh -c 'ls /dev/null /dev/zero'
	run_baton run "$CID"
	# either refused or contained; never a device node or a mount on the host
	if ((status == 0)); then
		assert_output $'/dev/null\n/dev/zero'
		# /dev resolved to the container's own /: the nodes are in the bundle
		[[ -c $BUNDLE/rootfs/null ]] || fail "where did /dev/null go?"
	else
		assert_output --regexp '^baton: mount-rootfs: '
	fi
	[[ ! -e /null && ! -e /zero && ! -e /ptmx && ! -e /pts ]] || fail "device nodes on the host's /"
	assert_host_unchanged
}

@test "rootfs /proc -> a host directory: proc is not mounted there" {
	local evil=/tmp/evil-$CID
	mkdir "$evil"
	defer "rmdir $evil"
	rm -rf "$BUNDLE/rootfs/proc"
	ln -s "$evil" "$BUNDLE/rootfs/proc"
	set_args mount /proc
	run_baton run "$CID"
	if ((status == 0)); then
		assert_output --regexp '^proc '
	else
		assert_output --regexp '^baton: mount-rootfs: '
	fi
	[[ -z $(ls -A "$evil") ]] || fail "$evil on the host was written to: $(ls -A "$evil")"
	! mountpoint -q "$evil" || fail "proc was mounted on the host's $evil"
	assert_host_unchanged
}

@test "a mount destination that is a symlink to /etc lands in the rootfs" {
	mkdir "$BATS_TEST_TMPDIR/vol"
	echo planted >"$BATS_TEST_TMPDIR/vol/marker-$CID"
	ln -s /etc "$BUNDLE/rootfs/mnt/abs"
	ln -s ../../../../../../../../etc "$BUNDLE/rootfs/mnt/rel"
	add_mount '{"destination": "/mnt/abs", "type": "bind", "source": "'"$BATS_TEST_TMPDIR/vol"'", "options": ["bind"]}'
	add_mount '{"destination": "/mnt/rel/sub", "type": "tmpfs", "source": "tmpfs"}'
	set_cmd /bin/sh -c "cat /etc/marker-$CID; /probe mount /etc/sub"
	run_baton run "$CID"
	assert_success
	assert_line planted
	assert_line --regexp '^tmpfs '
	[[ ! -e /etc/marker-$CID && ! -e /etc/sub ]] || fail "the host's /etc was reached"
	assert_host_unchanged
}

@test "masked and read-only paths through symlinks stay in the rootfs" {
	ln -s /etc/passwd "$BUNDLE/rootfs/mnt/masked"
	ln -s /etc "$BUNDLE/rootfs/mnt/ro"
	update_config '.linux.maskedPaths = ["/mnt/masked"] | .linux.readonlyPaths = ["/mnt/ro"]'
	set_cmd /bin/sh -c 'wc -c </etc/passwd; /probe write /etc/x'
	run_baton run "$CID"
	assert_success
	# the container's /etc/passwd is masked, its /etc read-only
	assert_output $'0\nEROFS'
	[[ -s /etc/passwd ]] || fail "the host's /etc/passwd was masked"
	touch "/etc/.baton-rw-$CID" && rm "/etc/.baton-rw-$CID" || fail "the host's /etc is read-only"
	assert_host_unchanged
}

@test "rootfs /sys -> / : sysfs stays inside the container" {
	rm -rf "$BUNDLE/rootfs/sys"
	ln -s / "$BUNDLE/rootfs/sys"
	set_args mount /sys
	run_baton run "$CID"
	if ((status == 0)); then
		# resolved in the root: sysfs went over the container's own /, /sys stays a link
		assert_output 'not a mount point'
	else
		assert_output --regexp '^baton: mount-rootfs: '
	fi
	assert_host_unchanged
}

@test "a device node through a symlinked directory lands in the rootfs" {
	# no /dev tmpfs: the rootfs's own /dev, with /dev/net pointing at /etc
	update_config 'del(.mounts[] | select(.destination == "/dev")) |
		.linux.devices = [{"path": "/dev/net/tun", "type": "c", "major": 10, "minor": 200}]'
	mkdir -p "$BUNDLE/rootfs/dev"
	ln -s /etc "$BUNDLE/rootfs/dev/net"
	set_cmd /bin/sh -c 'ls -l /etc/tun | cut -c1'
	run_baton run "$CID"
	if ((status == 0)); then
		assert_output 'c'
	else
		assert_output --regexp '^baton: mount-rootfs: '
	fi
	[[ ! -e /etc/tun ]] || fail "a device node was made in the host's /etc"
	assert_host_unchanged
}

@test "a mount destination with .. components cannot climb out" {
	mkdir "$BATS_TEST_TMPDIR/vol"
	echo planted >"$BATS_TEST_TMPDIR/vol/marker-$CID"
	add_mount '{"destination": "/mnt/../../../../../etc/climb", "type": "bind", "source": "'"$BATS_TEST_TMPDIR/vol"'", "options": ["bind"]}'
	mkdir -p "$BUNDLE/rootfs/etc/climb"
	set_cmd /bin/cat "/etc/climb/marker-$CID"
	run_baton run "$CID"
	assert_success
	assert_output planted
	[[ ! -e /etc/climb ]] || fail "the host's /etc was reached"
	assert_host_unchanged
}

# ---- cwd -------------------------------------------------------------------------

@test "a cwd through a symlink climbing out of the root stays inside" {
	ln -s ../../../../../../../../tmp "$BUNDLE/rootfs/climb"
	update_config '.process.cwd = "/climb"'
	set_args cwd
	run_baton run "$CID"
	assert_success
	assert_output '/tmp'
}

@test "a cwd of /../../.. is the container's /" {
	update_config '.process.cwd = "/../../../etc"'
	set_args cwd
	run_baton run "$CID"
	assert_success
	assert_output '/etc'
}

@test "a cwd that names a host directory absent from the rootfs fails" {
	ln -s /usr/share/containers "$BUNDLE/rootfs/hostdir"
	update_config '.process.cwd = "/hostdir"'
	set_args cwd
	run_baton run "$CID"
	assert_failure 1
	assert_output --regexp '^baton: final-exec: chdir to cwd \(`/hostdir`\) set in config.json failed: No such file or directory$'
	assert_host_unchanged
}

@test "a cwd through /proc/self/cwd of final-exec does not leave the root" {
	update_config '.process.cwd = "/proc/self/cwd"'
	set_args cwd
	run_baton run "$CID"
	assert_success
	assert_output '/'
}

# ---- fds -------------------------------------------------------------------------

@test "fds leaked at high numbers, a directory among them, do not reach the process" {
	set_args fds
	local log=$BATS_TEST_TMPDIR/fds.log rc=0
	baton_cmd run "$CID" >"$log" 2>&1 </dev/null 3>&- 9</ 100</etc/hostname 255>"$BATS_TEST_TMPDIR/w" || rc=$?
	[[ $rc -eq 0 ]] || fail "run failed ($rc): $(cat "$log")"
	run cat "$log"
	assert_output '0 1 2'
}

@test "--preserve-fds 1 with a directory fd: the process gets exactly 0-3" {
	set_cmd /bin/sh -c '/probe fds; ls /proc/self/fd/3/ >/dev/null && echo dir'
	local log=$BATS_TEST_TMPDIR/fds.log rc=0
	baton_cmd run --preserve-fds 1 "$CID" >"$log" 2>&1 </dev/null 3<"$BUNDLE/rootfs" 9</ || rc=$?
	[[ $rc -eq 0 ]] || fail "run failed ($rc): $(cat "$log")"
	run cat "$log"
	assert_output $'0 1 2 3\ndir'
}

# ---- privileges ------------------------------------------------------------------

# A setuid-root copy of the probe, run by uid 1000.
install_setuid_probe() {
	cp "$BUNDLE/rootfs/probe" "$BUNDLE/rootfs/suid-probe"
	chown 0:0 "$BUNDLE/rootfs/suid-probe"
	chmod 4755 "$BUNDLE/rootfs/suid-probe"
	update_config '.process.user = {"uid": 1000, "gid": 1000}'
}

@test "noNewPrivileges: a setuid binary does not make uid 1000 root" {
	install_setuid_probe
	update_config '.process.noNewPrivileges = true'
	set_cmd /bin/sh -c '/probe nnp; /suid-probe ids'
	run_baton run "$CID"
	assert_success
	assert_output --regexp $'^1\nuid=1000 gid=1000 euid=1000 egid=1000'
}

@test "without noNewPrivileges the same setuid binary does (the control)" {
	install_setuid_probe
	update_config '.process.noNewPrivileges = false'
	set_cmd /bin/sh -c '/probe nnp; /suid-probe ids'
	run_baton run "$CID"
	assert_success
	assert_output --regexp $'^0\nuid=1000 gid=1000 euid=0 egid=1000'
}

caps_for_user() {
	update_config --argjson amb "$1" '.process.user = {"uid": 1000, "gid": 1000} |
		.process.capabilities = {"bounding": ["CAP_NET_BIND_SERVICE"],
		"effective": ["CAP_NET_BIND_SERVICE"], "permitted": ["CAP_NET_BIND_SERVICE"],
		"inheritable": ["CAP_NET_BIND_SERVICE"], "ambient": $amb}'
}

@test "an ambient capability lets uid 1000 bind port 80" {
	caps_for_user '["CAP_NET_BIND_SERVICE"]'
	set_cmd /bin/sh -c '/probe ids; /probe bind 80'
	run_baton run "$CID"
	assert_success
	assert_output --regexp $'^uid=1000 .*\nok$'
}

@test "without it uid 1000 cannot (the control)" {
	caps_for_user '[]'
	set_args bind 80
	run_baton run "$CID"
	assert_success
	assert_output 'EACCES'
}

@test "an unknown capability name is refused before anything is made" {
	update_config '.process.capabilities.bounding += ["CAP_NOT_A_CAP"]'
	run_baton run "$CID"
	assert_failure 1
	assert_output --regexp '^baton: parse-config: process.capabilities.bounding\[[0-9]+\]: .*CAP_NOT_A_CAP'
	[[ -z $(ls -A -I .cache "$STATE_ROOT") ]] || fail "state left"
}

@test "a seccomp rule with argument conditions, with and without noNewPrivileges, as uid 1000" {
	local nnp
	for nnp in true false; do
		update_config --argjson nnp "$nnp" '.process.user = {"uid": 1000, "gid": 1000} |
			.process.noNewPrivileges = $nnp |
			.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
			{"names": ["umask"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13,
			 "args": [{"index": 0, "op": "SCMP_CMP_MASKED_EQ", "value": 63, "valueTwo": 63}]}]}'
		set_cmd /bin/sh -c '/probe seccomp; /probe syscall 95 077; /probe syscall 95 022'
		run_baton run "$CID"
		[[ $status -eq 0 && $output == $'2\nEACCES\nok' ]] ||
			fail "noNewPrivileges $nnp: status $status: $output"
	done
}

# ---- LSM labels --------------------------------------------------------------------

apparmor_enabled() {
	host_has apparmor
}

selinux_enabled() {
	host_has selinux
}

@test "process.apparmorProfile on a host without AppArmor is a clear error" {
	! apparmor_enabled || skip "this host has AppArmor"
	update_config '.process.apparmorProfile = "baton-test"'
	run_baton run "$CID"
	assert_failure 1
	assert_output 'baton: final-exec: apparmor profile `baton-test`: AppArmor is not enabled on this host (no `/proc/thread-self/attr/apparmor/exec`): Not supported'
	[[ -z $(ls -A -I .cache "$STATE_ROOT") ]] || fail "state left"
}

@test "process.selinuxLabel on a host without SELinux is a clear error" {
	! selinux_enabled || skip "this host has SELinux"
	update_config '.process.selinuxLabel = "system_u:system_r:container_t:s0"'
	run_baton run "$CID"
	assert_failure 1
	assert_output 'baton: final-exec: selinux label `system_u:system_r:container_t:s0`: SELinux is not enabled on this host: Not supported'
	[[ -z $(ls -A -I .cache "$STATE_ROOT") ]] || fail "state left"
}

@test "process.apparmorProfile is the process's profile" {
	apparmor_enabled || skip "this host has no AppArmor"
	update_config '.process.apparmorProfile = "unconfined"'
	set_args attr apparmor/current
	run_baton run "$CID"
	assert_success
	assert_output 'unconfined'
}

@test "process.selinuxLabel is the process's label" {
	selinux_enabled || skip "this host has no SELinux"
	local label
	label=$(cat /proc/self/attr/current)
	update_config --arg l "$label" '.process.selinuxLabel = $l'
	set_args attr current
	run_baton run "$CID"
	assert_success
	assert_output "$label"
}

@test "a volume over /proc neither receives the label nor fakes the LSM" {
	# CVE-2019-16884: a volume over /proc would make the label write a no-op;
	# final-exec writes through a procfs instance of its own instead
	local fake=$BATS_TEST_TMPDIR/fakeproc
	mkdir -p "$fake/thread-self/attr/apparmor"
	touch "$fake/thread-self/attr/apparmor/exec"
	update_config --arg src "$fake" '.process.apparmorProfile = "unconfined" |
		(.mounts[] | select(.destination == "/proc")) |= {"destination": "/proc",
		"type": "bind", "source": $src, "options": ["rbind"]} |
		.linux.maskedPaths = [] | .linux.readonlyPaths = [] | .process.args = ["/bin/true"]'
	run_baton run "$CID"
	if apparmor_enabled; then
		assert_success
	else
		assert_failure 1
		assert_output --partial 'AppArmor is not enabled on this host'
	fi
	[[ ! -s $fake/thread-self/attr/apparmor/exec ]] || fail "the fake attr file was written"
}

# ---- binary exposure (CVE-2019-5736) ----------------------------------------------

ALL_CAPS='["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_DAC_READ_SEARCH","CAP_FOWNER","CAP_FSETID",
	"CAP_KILL","CAP_SETGID","CAP_SETUID","CAP_SETPCAP","CAP_SYS_PTRACE","CAP_SYS_ADMIN",
	"CAP_SYS_CHROOT","CAP_MKNOD","CAP_AUDIT_WRITE","CAP_SETFCAP","CAP_NET_BIND_SERVICE"]'

# The attacker: root in the container with every capability that matters here.
grant_all_caps() {
	update_config --argjson c "$ALL_CAPS" '.process.capabilities = {"bounding": $c,
		"effective": $c, "permitted": $c, "inheritable": $c, "ambient": $c}'
}

@test "a created container's final-exec is a sealed memfd, not the host binary" {
	use_private_build
	run_baton create "$CID"
	assert_success
	local pid
	pid=$(container_pid)
	[[ $(readlink "/proc/$pid/exe") == "/memfd:baton-final-exec (deleted)" ]] ||
		fail "exe: $(readlink "/proc/$pid/exe")"
	grep -q '^Name:.*memfd' "/proc/$pid/status" || fail "not running from the memfd"
	# even the host's root cannot write it
	run bash -c "exec 5>/proc/$pid/exe"
	assert_failure
	assert_output --partial 'Text file busy'
	assert_host_unchanged
}

@test "a second container in the first's pid namespace cannot write its final-exec" {
	use_private_build
	run_baton create "$CID"
	assert_success
	local pid
	pid=$(container_pid)
	# the attacker: all capabilities, sharing the pid namespace where final-exec waits
	grant_all_caps
	update_config --arg ns "/proc/$pid/ns/pid" \
		'(.linux.namespaces[] | select(.type == "pid")) |= {"type": "pid", "path": $ns}'
	set_cmd /bin/sh -c 'readlink /proc/1/exe; /probe exe-open 1'
	run_baton run "$CID-b"
	assert_success
	assert_line '/memfd:baton-final-exec (deleted)'
	refute_line 'ok'
	assert_line --regexp '^(ETXTBSY|EPERM|EACCES)$'
	assert_host_unchanged
}

# A private copy of baton and its stages: if an attack gets through, it
# damages the copy, not the build the rest of the suite runs.
use_private_build() {
	local copy=$BATS_TEST_TMPDIR/build
	mkdir -p "$copy/bin" "$copy/libexec"
	cp "$BATON" "$copy/bin/baton"
	cp -r "$(dirname "$BATON")/../libexec/baton" "$copy/libexec/baton"
	REAL_BATON=$BATON
	BATON=$copy/bin/baton
	host_snapshot >"$HOST_BEFORE"
}

teardown() {
	# delete with the real build: the copy may be what the attack broke
	[[ -z ${REAL_BATON:-} ]] || BATON=$REAL_BATON
	baton_teardown
}

# attack_exec: the container runs the attacker, the host runs `baton exec` while it watches.
attack_exec() {
	use_private_build
	set_args exe-attack 4
	run_baton run -d "$CID"
	assert_success
	local log=$LAST_LOG i
	wait_log watching "$log"
	for i in $(seq 12); do
		baton_cmd exec "$CID" /bin/true >/dev/null 2>&1 </dev/null 3>&- || true
		sleep 0.2
	done
	wait_log '^done' "$log" 10
	# every process the attacker saw that was not the container's own binary
	ATTACKED=$(grep -E '^pid .* exe=' "$log" | grep -vE 'exe=(/bin/|/probe )' || true)
	echo "attacker's view: $ATTACKED" >&3
}

@test "a container process attacking baton exec through /proc/PID/exe fails" {
	attack_exec
	[[ -n $ATTACKED ]] || skip "the attacker never saw an exec in flight (timing)"
	assert_host_unchanged
	! grep -E 'open-write=ok|reopen-write=ok' <<<"$ATTACKED" || fail "a write succeeded: $ATTACKED"
}

@test "the same attack from a container with CAP_SYS_PTRACE and the rest fails" {
	grant_all_caps
	attack_exec
	[[ -n $ATTACKED ]] || skip "the attacker never saw an exec in flight (timing)"
	assert_host_unchanged
	! grep -E 'open-write=ok|reopen-write=ok' <<<"$ATTACKED" || fail "a write succeeded: $ATTACKED"
}

@test "the attack on a container created into the attacker's pid namespace fails" {
	use_private_build
	grant_all_caps
	set_args exe-attack 4
	run_baton run -d "$CID"
	assert_success
	local log=$LAST_LOG i pid
	wait_log watching "$log"
	pid=$(container_pid)
	# the victim: new containers whose pid namespace is the attacker's
	for i in $(seq 6); do
		update_config --arg ns "/proc/$pid/ns/pid" '.process.capabilities = {} |
			(.linux.namespaces[] | select(.type == "pid")) |= {"type": "pid", "path": $ns} |
			.process.args = ["/bin/true"]'
		baton_cmd run "$CID-$i" >/dev/null 2>&1 </dev/null 3>&- || true
		sleep 0.2
	done
	wait_log '^done' "$log" 10
	ATTACKED=$(grep -E '^pid .* exe=' "$log" | grep -vE 'exe=(/bin/|/probe )' || true)
	echo "attacker's view: $ATTACKED" >&3
	[[ -n $ATTACKED ]] || skip "the attacker never saw a start in flight (timing)"
	assert_host_unchanged
	! grep -E 'open-write=ok|reopen-write=ok' <<<"$ATTACKED" || fail "a write succeeded: $ATTACKED"
}

@test "a volume over /proc cannot fake SELinux either" {
	selinux_enabled && skip "this host has SELinux"
	local fake=$BATS_TEST_TMPDIR/fakeproc
	mkdir -p "$fake/thread-self/attr"
	touch "$fake/thread-self/attr/exec"
	printf 'nodev\tproc\nnodev\tselinuxfs\n' >"$fake/filesystems"
	update_config --arg src "$fake" '.process.selinuxLabel = "system_u:system_r:container_t:s0" |
		(.mounts[] | select(.destination == "/proc")) |= {"destination": "/proc",
		"type": "bind", "source": $src, "options": ["rbind"]} |
		.linux.maskedPaths = [] | .linux.readonlyPaths = [] | .process.args = ["/bin/true"]'
	run_baton run "$CID"
	assert_failure 1
	assert_output --partial 'SELinux is not enabled on this host'
	[[ ! -s $fake/thread-self/attr/exec ]] || fail "the fake attr file was written"
}
