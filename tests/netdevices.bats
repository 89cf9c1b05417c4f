#!/usr/bin/env bats
# linux.netDevices: host interfaces moved into the container's network
# namespace, renamed there. Each test makes its own veth pair in the host
# namespace, with names of its own, and removes what is left of it.

load helpers

setup() {
	requires root
	setup_bundle
	HOST_A=bt$$a
	HOST_B=bt$$b
	ip link add "$HOST_A" type veth peer name "$HOST_B"
	# the veth dies with the container's namespace; the rest is ours to remove
	defer "ip link del $HOST_A 2>/dev/null || true"
	update_config '.linux.namespaces |= (map(select(.type != "network")) + [{"type": "network"}])'
}

@test "linux.netDevices: a veth end moves into the container, renamed, and leaves the host" {
	local mac
	mac=$(cat "/sys/class/net/$HOST_B/address")
	# a global address goes with it (the kernel drops it on the move: added again)
	ip addr add 192.0.2.7/24 dev "$HOST_B"
	update_config --arg d "$HOST_B" '.linux.netDevices = {($d): {"name": "eth7"}}'
	set_cmd /bin/sh -c 'cat /sys/class/net/eth7/address; ls /sys/class/net; ip -4 addr show eth7'
	run_baton create "$CID"
	assert_success
	# created: the interface is in the container, no longer here
	[[ ! -e /sys/class/net/$HOST_B ]] || fail "$HOST_B is still in the host's namespace"
	[[ -e /sys/class/net/$HOST_A ]] || fail "the host end went away early"
	local created_log=$LAST_LOG
	run_baton start "$CID"
	assert_success
	wait_status stopped
	output=$(cat "$created_log")
	[[ $output == *"$mac"* ]] || fail "no eth7 with the host's address $mac: $output"
	[[ $output == *eth7* && $output != *"$HOST_B"* ]] || fail "container interfaces: $output"
	[[ $output == *"inet 192.0.2.7/24"* ]] || fail "the address did not come along: $output"
	run_baton delete "$CID"
	assert_success
	# a veth does not outlive its namespace: the peer went with it
	[[ ! -e /sys/class/net/$HOST_A ]] || fail "$HOST_A outlived the container's namespace"
}

@test "linux.netDevices: from a namespace joined by path, the device comes back at delete" {
	ip netns add "bt$$j"
	defer "ip netns del bt$$j"
	ip addr add 192.0.2.9/24 dev "$HOST_B"
	update_config --arg d "$HOST_B" --arg p "/run/netns/bt$$j" '.linux.namespaces |=
		(map(select(.type != "network")) + [{"type": "network", "path": $p}]) |
		.linux.netDevices = {($d): {"name": "eth7"}}'
	set_cmd /bin/sh -c 'ip -4 addr show eth7'
	run_baton run "$CID"
	assert_success
	assert_output --partial "inet 192.0.2.9/24"
	# deleted: back here under its own name, with its address; gone from there
	ip -4 addr show dev "$HOST_B" | grep -q "inet 192.0.2.9/24" ||
		fail "$HOST_B not back: $(ip -4 addr show dev "$HOST_B" 2>&1)"
	! ip -n "bt$$j" link show eth7 2>/dev/null || fail "eth7 left in the joined namespace"
}

@test "linux.netDevices: a device keeps its name without \`name\`" {
	update_config --arg d "$HOST_B" '.linux.netDevices = {($d): {}}'
	set_cmd /bin/sh -c "test -e /sys/class/net/$HOST_B && echo present"
	run_baton run "$CID"
	assert_success
	assert_output --partial present
}

@test "linux.netDevices: refused without a network namespace of the container's own" {
	update_config --arg d "$HOST_B" '.linux.namespaces |= map(select(.type != "network"))
		| .linux.netDevices = {($d): {"name": "eth7"}}'
	run_baton run "$CID"
	assert_failure
	assert_output "baton: parse-config: linux.netDevices.$HOST_B: requires a network namespace of the container's own (new, or joined by a path that is not the runtime's)"
	[[ -e /sys/class/net/$HOST_B ]] || fail "$HOST_B moved anyway"
}

@test "linux.netDevices: a device that does not exist fails in net-devices and leaves nothing" {
	update_config '.linux.netDevices = {"btnone0": {"name": "eth7"}}'
	run_baton run "$CID"
	assert_failure
	assert_output "baton: net-devices: linux.netDevices.btnone0: no interface \`btnone0\` in the runtime's network namespace: No such device"
	[[ -z $(pgrep -x net-devices) ]] || fail "net-devices processes left"
}

@test "linux.netDevices: names are checked before anything happens" {
	local bad
	for bad in '"eth/0"' '"."' '"0123456789abcdef"'; do
		update_config --arg d "$HOST_B" --argjson n "$bad" '.linux.netDevices = {($d): {"name": $n}}'
		run_baton run "$CID"
		assert_failure
		assert_output --partial "baton: parse-config: linux.netDevices.$HOST_B.name: "
	done
	update_config --arg d "$HOST_B" --arg a "$HOST_A" '.linux.netDevices = {($d): {"name": "eth7"}, ($a): {"name": "eth7"}}'
	run_baton run "$CID"
	assert_failure
	assert_output "baton: parse-config: linux.netDevices.$HOST_A.name: \`eth7\` is also the name of linux.netDevices.$HOST_B"
	[[ -e /sys/class/net/$HOST_B && -e /sys/class/net/$HOST_A ]] || fail "a device moved anyway"
}

@test "features lists netDevices, and stage net-devices runs alone" {
	run_baton features
	assert_success
	[[ $(jq -r '.linux.netDevices.enabled' <<<"$output") == true ]] || fail "features: $output"
	# alone: into the network namespace of a process of the test's own
	ip netns add "bt$$n"
	defer "ip netns del bt$$n"
	ip netns exec "bt$$n" sleep 60 &
	local pid=$!
	defer "kill $pid"
	update_config --arg d "$HOST_B" '.linux.netDevices = {($d): {"name": "eth7"}}'
	"$BATON" stage parse-config --bundle "$BUNDLE" >"$BATS_TEST_TMPDIR/plan" || fail "parse-config"
	sleep 0.2
	run "$BATON" stage net-devices --plan "$BATS_TEST_TMPDIR/plan" --pid "$pid"
	assert_success
	ip -n "bt$$n" link show eth7 >/dev/null || fail "eth7 not in the namespace"
}
