#!/usr/bin/env bats
# Attacks on what the runtime itself does on the container's behalf (issue 14):
# masks taken from the image's /dev/null, writes under a /proc that is not
# procfs, cgroups shared with others, a container id reused under a running
# `run`, and a state file made corrupt. Each attack fails cleanly or is
# contained, and the host is unchanged.

load helpers

setup() {
	requires root
	setup_bundle
}

# No tmpfs on /dev: the image's /dev is the container's.
drop_dev_tmpfs() {
	update_config '.mounts |= map(select(.destination != "/dev"))'
	mkdir -p "$BUNDLE/rootfs/dev"
}

# A host directory that looks like /proc to a write, bind-mounted over /proc.
fake_proc() {
	FAKE_PROC=$BATS_TEST_TMPDIR/fakeproc
	mkdir -p "$FAKE_PROC/sys/net/ipv4" "$FAKE_PROC/self"
	echo decoy >"$FAKE_PROC/sys/net/ipv4/ip_forward"
	echo decoy >"$FAKE_PROC/self/oom_score_adj"
	update_config --arg src "$FAKE_PROC" '.mounts |= map(if .destination == "/proc"
		then {destination: "/proc", type: "bind", source: $src, options: ["rbind"]} else . end)'
}

assert_decoy_unchanged() {
	local f
	for f in "$@"; do
		[[ $(cat "$f") == decoy ]] || fail "$f was written: $(cat "$f")"
	done
}

# ---- issue 14.2: masked paths ---------------------------------------------------

@test "masks: an image's /dev/null linked to a procfs file is not the mask source" {
	drop_dev_tmpfs
	rm -f "$BUNDLE/rootfs/dev/null"
	ln -s /proc/sys/kernel/hostname "$BUNDLE/rootfs/dev/null"
	update_config '.hostname = "inside" | .linux.maskedPaths = ["/proc/keys", "/sys/firmware"]'
	set_cmd /bin/sh -c 'echo evil >/proc/keys; wc -c </proc/keys; hostname;
		stat -c %t:%T /proc/keys; /probe write /sys/firmware/x; /probe mount /proc/keys'
	run_baton run "$CID"
	assert_success
	# the write went to the null device: nothing to read back, the hostname
	# untouched; the masks are read-only
	assert_line --index 0 '0'
	assert_line --index 1 'inside'
	assert_line --index 2 '1:3'
	assert_line --index 3 'EROFS'
	assert_line --index 4 --regexp ' ro[,]?'
}

@test "masks: several file masks of the default config, each read-only null" {
	set_cmd /bin/sh -c 'for f in /proc/timer_list /proc/keys /proc/sched_debug; do
		[ -e $f ] || continue; stat -c %t:%T $f; /probe mount $f; done'
	run_baton run "$CID"
	assert_success
	((${#lines[@]} >= 4)) || fail "fewer than two masks: $output"
	for ((i = 0; i < ${#lines[@]}; i += 2)); do
		[[ ${lines[i]} == 1:3 && ${lines[i + 1]} =~ \ ro ]] || fail "not a read-only null: $output"
	done
}

# ---- issue 14.3: writes under /proc ---------------------------------------------

@test "proc writes: a sysctl does not reach a host directory bind-mounted over /proc" {
	fake_proc
	update_config '.linux.sysctl = {"net.ipv4.ip_forward": "1"}'
	run_baton run "$CID"
	assert_failure
	assert_output --partial 'linux.sysctl.net.ipv4.ip_forward'
	assert_output --partial '`/proc` is not a procfs mount'
	assert_decoy_unchanged "$FAKE_PROC/sys/net/ipv4/ip_forward"
}

@test "proc writes: a sysctl does not reach a host file mounted over the procfs file" {
	echo decoy >"$BATS_TEST_TMPDIR/decoy"
	update_config --arg src "$BATS_TEST_TMPDIR/decoy" '.mounts += [{destination:
		"/proc/sys/net/ipv4/ip_forward", type: "bind", source: $src, options: ["bind"]}]
		| .linux.sysctl = {"net.ipv4.ip_forward": "1"}'
	run_baton run "$CID"
	assert_failure
	assert_output --partial 'linux.sysctl.net.ipv4.ip_forward'
	assert_output --partial 'something is mounted over it'
	assert_decoy_unchanged "$BATS_TEST_TMPDIR/decoy"
}

@test "proc writes: oomScoreAdj does not reach a host directory bind-mounted over /proc" {
	fake_proc
	update_config '.process.oomScoreAdj = 100 | .linux.maskedPaths = [] | .linux.readonlyPaths = []'
	run_baton run "$CID"
	assert_failure
	assert_output --partial 'process.oomScoreAdj'
	assert_output --partial 'not a procfs mount'
	assert_decoy_unchanged "$FAKE_PROC/self/oom_score_adj"
}

@test "proc writes: a sysctl through the container's own procfs still works" {
	update_config '.linux.sysctl = {"net.ipv4.ip_forward": "1"}'
	set_cmd /bin/cat /proc/sys/net/ipv4/ip_forward
	run_baton run "$CID"
	assert_success
	assert_output 1
}
