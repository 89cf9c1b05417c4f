#!/usr/bin/env bats
# The commands that act on a container's cgroup: pause, resume, ps, update
# (flags and -r), kill --all and delete, on whichever layout the host has.

load helpers
load cgroups-helpers

setup() {
	requires root
	setup_bundle
}

# run -d a shell that bumps a counter in /tmp/count every 20 ms, with children.
run_counter() {
	set_cmd /bin/sh -c 'sleep 1000 & sleep 1000 & i=0; while :; do i=$((i + 1)); echo $i >/tmp/count.new; mv /tmp/count.new /tmp/count; sleep 0.02; done'
	run_baton run -d "$CID"
	assert_success
	local tries=100
	while [[ ! -s $BUNDLE/rootfs/tmp/count ]] && ((tries-- > 0)); do sleep 0.05; done
	container_pid >/dev/null
}

count() {
	cat "$BUNDLE/rootfs/tmp/count"
}

@test "pause freezes every process and resume thaws them" {
	run_counter
	run_baton pause "$CID"
	assert_success
	assert_output ''
	[[ $(container_status) == paused ]] || fail "status $(container_status)"
	if cg_v2; then
		cg_check cgroup.freeze 1
	else
		check_cgroup_value freezer.state FROZEN
	fi
	local before after
	before=$(count)
	sleep 0.3
	after=$(count)
	[[ $before == "$after" ]] || fail "the counter moved while paused: $before -> $after"

	run_baton resume "$CID"
	assert_success
	[[ $(container_status) == running ]] || fail "status $(container_status)"
	sleep 0.3
	after=$(count)
	((after > before)) || fail "the counter did not move after resume: $before -> $after"
}

@test "pause and resume refuse the wrong state, with crun-like messages" {
	run_counter
	run_baton resume "$CID"
	assert_failure 1
	assert_output "baton: the container \`$CID\` is not paused"
	run_baton pause "$CID"
	assert_success
	run_baton pause "$CID"
	assert_failure 1
	assert_output "baton: the container \`$CID\` is already paused"
	run_baton pause nosuch-"$CID"
	assert_failure 1
	run_baton pause
	assert_failure 1
}

@test "a paused container can be deleted with --force, leaving nothing" {
	run_counter
	run_baton pause "$CID"
	assert_success
	run_baton delete "$CID"
	assert_failure 1
	run_baton delete --force "$CID"
	assert_success
	[[ -z $(leftover_cgroups) ]] || fail "cgroups left: $(leftover_cgroups)"
}

@test "delete removes sub-cgroups made under the container's cgroup" {
	run_counter
	local dir
	dir=$(dirname "$(cg_path pids.max)")
	mkdir "$dir/sub" "$dir/sub/deeper"
	run_baton delete --force "$CID"
	assert_success
	[[ ! -e $dir ]] || fail "$dir is left"
	[[ -z $(leftover_cgroups) ]] || fail "cgroups left: $(leftover_cgroups)"
}

@test "ps lists every process of the container, as a table and as JSON" {
	run_counter
	local pid
	pid=$(container_pid)
	run_baton ps "$CID"
	assert_success
	assert_line --index 0 PID
	assert_line "$pid"
	# the shell and its two sleeps, at least
	((${#lines[@]} >= 4)) || fail "too few processes: $output"
	local n=$((${#lines[@]} - 1))

	run_baton ps --format json "$CID"
	assert_success
	echo "$output" | jq -e --argjson pid "$pid" --argjson n "$n" \
		'type == "array" and (index($pid) != null) and length >= 3 and all(.[]; type == "number")' ||
		fail "ps json: $output"
	run_baton ps -f json "$CID"
	assert_success

	run_baton ps --format yaml "$CID"
	assert_failure 1
	run_baton ps nosuch-"$CID"
	assert_failure 1
	assert_output --partial "nosuch-$CID"
}

@test "kill --all signals every process of the cgroup" {
	run_counter
	local pids
	pids=$(baton_cmd ps "$CID" | tail -n +2)
	run_baton kill --all "$CID" KILL
	assert_success
	local p tries=100
	for p in $pids; do
		while [[ -e /proc/$p && $(awk '{print $3}' /proc/$p/stat 2>/dev/null) != Z ]] && ((tries-- > 0)); do
			sleep 0.05
		done
		[[ ! -e /proc/$p || $(awk '{print $3}' /proc/$p/stat 2>/dev/null) == Z ]] || fail "process $p survived"
	done
	run_baton delete "$CID"
	assert_success
}

@test "update -r FILE and -r - apply a resources object" {
	update_config '.linux.resources.pids = {"limit": 42}'
	run_watcher pids.max
	cg_both pids.max 42
	echo '{"pids": {"limit": 77}}' >"$BATS_TEST_TMPDIR/res.json"
	run_baton update -r "$BATS_TEST_TMPDIR/res.json" "$CID"
	assert_success
	cg_both pids.max 77
	baton_cmd update --resources - "$CID" <<<'{"pids": {"limit": 88}}' || fail "update -r -"
	cg_both pids.max 88
}

@test "update refuses bad input and changes nothing" {
	update_config '.linux.resources.pids = {"limit": 42}'
	run_watcher pids.max
	run_baton update --pids-limit abc "$CID"
	assert_failure 1
	assert_output 'baton: --pids-limit: invalid value `abc`'
	run_baton update --blkio-weight 5 "$CID"
	assert_failure 1
	assert_output 'baton: parse-config: linux.resources.blockIO.weight: 5 out of range 10..1000'
	echo '{"pids": {"limit": "x"}}' >"$BATS_TEST_TMPDIR/res.json"
	run_baton update -r "$BATS_TEST_TMPDIR/res.json" "$CID"
	assert_failure 1
	assert_output --partial 'linux.resources.pids.limit'
	echo '{"pids": {"limit": 50, "limit": 60}}' >"$BATS_TEST_TMPDIR/res.json"
	run_baton update -r "$BATS_TEST_TMPDIR/res.json" "$CID"
	assert_failure 1
	assert_output 'baton: parse-config: linux.resources.pids.limit: duplicate key'
	echo '[1]' >"$BATS_TEST_TMPDIR/res.json"
	run_baton update -r "$BATS_TEST_TMPDIR/res.json" "$CID"
	assert_failure 1
	assert_output --partial 'not a JSON object'
	run_baton update -r "$BATS_TEST_TMPDIR/nosuch.json" "$CID"
	assert_failure 1
	assert_output --partial 'No such file or directory'
	run_baton update -r "$BATS_TEST_TMPDIR/res.json" --memory 1 "$CID"
	assert_failure 1
	run_baton update --frobnicate 1 "$CID"
	assert_failure 1
	run_baton update --pids-limit 5 nosuch-"$CID"
	assert_failure 1
	cg_both pids.max 42
}

@test "update of a stopped container fails" {
	set_args exit 0
	run_baton create "$CID"
	assert_success
	run_baton start "$CID"
	assert_success
	wait_status stopped
	run_baton update --pids-limit 5 "$CID"
	assert_failure 1
	assert_output "baton: the container \`$CID\` is not running"
}

@test "update: unified keys on v1 are refused" {
	cg_v2 && skip "v1 only"
	run_counter
	echo '{"unified": {"pids.max": "5"}}' >"$BATS_TEST_TMPDIR/res.json"
	run_baton update -r "$BATS_TEST_TMPDIR/res.json" "$CID"
	assert_failure 1
	assert_output --partial 'cgroup v2 keys need a cgroup v2 host'
}

@test "update -r replaces the device rules" {
	update_config '.linux.devices = [{"path": "/dev/baton-tun", "type": "c", "major": 10, "minor": 200, "fileMode": 438}] |
		.linux.resources.devices = [{"allow": false, "access": "rwm"},
			{"allow": true, "type": "c", "major": 10, "minor": 200, "access": "m"}]'
	set_cmd /bin/sh -c 'while :; do /probe write /dev/baton-tun >/tmp/tun.new; mv /tmp/tun.new /tmp/tun; sleep 0.05; done'
	run_baton run -d "$CID"
	assert_success
	container_pid >/dev/null
	local tries=100
	while [[ $(cat "$BUNDLE/rootfs/tmp/tun" 2>/dev/null) != EPERM ]] && ((tries-- > 0)); do sleep 0.05; done
	[[ $(cat "$BUNDLE/rootfs/tmp/tun") == EPERM ]] || fail "tun: $(cat "$BUNDLE/rootfs/tmp/tun")"
	echo '{"devices": [{"allow": false, "access": "rwm"}, {"allow": true, "type": "c", "major": 10, "minor": 200, "access": "rwm"}]}' >"$BATS_TEST_TMPDIR/res.json"
	run_baton update -r "$BATS_TEST_TMPDIR/res.json" "$CID"
	assert_success
	# now the open passes the cgroup (the driver may still refuse the write)
	tries=100
	while [[ $(cat "$BUNDLE/rootfs/tmp/tun" 2>/dev/null) == EPERM ]] && ((tries-- > 0)); do sleep 0.05; done
	[[ $(cat "$BUNDLE/rootfs/tmp/tun") != EPERM ]] || fail "tun still denied after update"
	# and a later update takes it away again
	echo '{"devices": [{"allow": false, "access": "rwm"}]}' >"$BATS_TEST_TMPDIR/res.json"
	run_baton update -r "$BATS_TEST_TMPDIR/res.json" "$CID"
	assert_success
	tries=100
	while [[ $(cat "$BUNDLE/rootfs/tmp/tun" 2>/dev/null) != EPERM ]] && ((tries-- > 0)); do sleep 0.05; done
	[[ $(cat "$BUNDLE/rootfs/tmp/tun") == EPERM ]] || fail "tun allowed after the second update"
}

@test "exec --cgroup SUB joins the sub-cgroup where it exists (v1: in those hierarchies only)" {
	set_args sleep
	run_baton run -d "$CID"
	assert_success
	container_pid >/dev/null
	# an engine's sub-cgroup: on v1 in the memory hierarchy alone
	mkdir "$(dirname "$(cg_path memory.max)")/sub"
	run_baton exec --cgroup sub "$CID" /probe cgroup
	assert_success
	if cg_v2; then
		assert_line --regexp '^0::.*/sub$'
	else
		assert_line --regexp '^[0-9]+:memory:.*/sub$'
		# the other hierarchies: the container's own cgroup
		assert_line --regexp "^[0-9]+:pids:(/|.*/$CID)\$"
		refute_line --regexp '^[0-9]+:pids:.*/sub$'
	fi
	run_baton exec --cgroup nosuch "$CID" /probe cgroup
	assert_failure
	assert_output --partial '--cgroup: `nosuch` is in none of the container'"'"'s cgroups'
}
