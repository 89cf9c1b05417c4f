#!/usr/bin/env bats
# Concurrency: simultaneous creates of one id, and parallel run loops.

load ../helpers
load rel-helpers

setup() {
	requires root
	setup_bundle
	rel_setup
}

@test "8 simultaneous creates of one id: one wins, 7 say it already exists" {
	local lock=$BATS_TEST_TMPDIR/go i ok=0 exists=0 pids=()
	set_args sleep
	# the creates wait on a shared lock that this shell holds, then go together
	exec 5>"$lock"
	flock -x 5
	for i in 1 2 3 4 5 6 7 8; do
		(
			rc=0 # (bats runs the test under set -e)
			flock -s "$lock" "$BATON" --root "$STATE_ROOT" create --bundle "$BUNDLE" "$CID" \
				2>&1 </dev/null 3>&- || rc=$?
			echo "status=$rc"
		) >"$BATS_TEST_TMPDIR/create.$i" 5>&- & # the lock is ours alone
		pids+=($!)
	done
	sleep 0.5
	exec 5>&-
	# a plain `wait` would also wait for bats' own timeout watchdog
	wait "${pids[@]}" || true # the files say how each went
	for i in 1 2 3 4 5 6 7 8; do
		if [[ $(cat "$BATS_TEST_TMPDIR/create.$i") == status=0 ]]; then
			ok=$((ok + 1))
		elif grep -qx "baton: container \`$CID\` already exists" "$BATS_TEST_TMPDIR/create.$i" &&
			grep -qx "status=1" "$BATS_TEST_TMPDIR/create.$i"; then
			exists=$((exists + 1))
		else
			fail "create $i: $(cat "$BATS_TEST_TMPDIR/create.$i")"
		fi
	done
	((ok == 1 && exists == 7)) || fail "$ok creates succeeded, $exists said already exists"
	run baton_cmd state "$CID"
	assert_success
	[[ $(jq -r .status <<<"$output") == created ]] || fail "state: $output"
	[[ -d /proc/$(jq -r .pid <<<"$output") ]] || fail "the winner's init is not alive"
	run baton_cmd list -q
	assert_success
	assert_output "$CID"
	run_baton delete -f "$CID"
	assert_success
	assert_no_leftovers "$CID"
}

@test "8 parallel run loops of 20 runs each leave nothing behind" {
	local w runs=${BATON_REL_RUNS:-20} pids=()
	set_cmd /bin/true
	for w in 1 2 3 4 5 6 7 8; do
		"$REAPER" --grace 3000 -- "$SCENARIO" run-loop "$runs" "$CID-w$w" \
			>"$BATS_TEST_TMPDIR/loop.$w" 2>&1 </dev/null 3>&- &
		pids+=($!)
	done
	wait "${pids[@]}" || true # each loop's output says how it went
	for w in 1 2 3 4 5 6 7 8; do
		grep -qx "runs=$runs" "$BATS_TEST_TMPDIR/loop.$w" ||
			fail "loop $w: $(cat "$BATS_TEST_TMPDIR/loop.$w")"
		! grep -q '^leftover' "$BATS_TEST_TMPDIR/loop.$w" ||
			fail "loop $w left processes: $(cat "$BATS_TEST_TMPDIR/loop.$w")"
	done
	[[ -z $(ls -A -I .cache "$STATE_ROOT") ]] || fail "state left: $(ls -A "$STATE_ROOT")"
	[[ -z $(leftover_cgroups) ]] || fail "cgroups left: $(leftover_cgroups)"
	assert_no_leftovers "$CID-w1-0" "$CID-w8-$((runs - 1))"
}
