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
