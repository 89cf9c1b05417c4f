#!/usr/bin/env bats
# Fault injection: baton create SIGKILLed at random points, the container's
# init SIGKILLed during start, delete -f racing start, delete -f and exec
# SIGKILLed. After each, delete -f
# must leave nothing behind: no state dir, no cgroup in any hierarchy, no
# mount, no process or zombie (tests/tools/reaper), no memfd.

load ../helpers
load rel-helpers

setup() {
	requires root
	setup_bundle
	rel_setup
	set_args sleep
}

# The wall time of a create here, in microseconds (the fastest of three, as
# the load of a shared host makes it vary by 5x): the kills are spread over
# it, so that most land inside create on a fast host and on a slow one.
create_us() {
	local i t0 t1 times=()
	for i in 1 2 3; do
		t0=$(date +%s%N)
		"$BATON" --root "$STATE_ROOT" create --bundle "$BUNDLE" "$CID-timing" >/dev/null 2>&1 </dev/null 3>&- ||
			fail "create failed"
		t1=$(date +%s%N)
		baton_cmd delete -f "$CID-timing" >/dev/null 2>&1 </dev/null 3>&-
		times+=($(((t1 - t0) / 1000)))
	done
	printf '%s\n' "${times[@]}" | sort -n | head -n 1
}

# A random delay in seconds, 0 to us microseconds.
random_delay() {
	local us=$(((RANDOM * 32768 + RANDOM) % ($1 + 1)))
	printf '0.%06d' "$((us > 0 ? us : 1))"
}

@test "the leftover checks see a container that was not deleted" {
	reaped "$SCENARIO" kill-create 10 "$CID-seen"
	run leftovers_of "$CID-seen"
	assert_output ''
	run_baton create --bundle "$BUNDLE" "$CID-kept"
	assert_success
	run leftovers_of "$CID-kept"
	assert_output --partial "state dir $STATE_ROOT/$CID-kept"
	assert_output --partial "cgroup "
	run "$REAPER" --grace 200 -- "$BATON" --root "$STATE_ROOT" run -d --bundle "$BUNDLE" "$CID-orphan"
	assert_failure 99
	assert_output --partial "leftover "
	baton_cmd delete -f "$CID-kept"
	baton_cmd delete -f "$CID-orphan" || true
}

@test "SIGKILL of create at ${BATON_REL_KILLS:-30} random points, then delete -f, leaves nothing" {
	local n=${BATON_REL_KILLS:-30} us killed=0 i delay
	us=$(create_us)
	for ((i = 0; i < n; i++)); do
		delay=$(random_delay "$us")
		reaped "$SCENARIO" kill-create "$delay" "$CID-k$i"
		grep -Eq '^create=(124|137)$' "$REAPED_LOG" && killed=$((killed + 1))
		grep -Eq '^delete=(ok|absent)$' "$REAPED_LOG" ||
			fail "kill after ${delay}s: $(cat "$REAPED_LOG")"
		assert_no_leftovers "$CID-k$i"
	done
	echo "# create takes ${us} us here; $killed of $n creates were killed before they finished" >&3
	# not a vacuous test: a good part of the kills must land inside create
	((killed >= n / 10)) || fail "only $killed of $n kills landed inside create"
}

@test "SIGKILL of the container's init during start, then delete -f, leaves nothing" {
	local i
	for ((i = 0; i < 10; i++)); do
		reaped "$SCENARIO" kill-init "$(random_delay 3000)" "$CID-i$i"
		assert_no_leftovers "$CID-i$i"
		grep -Eq '^delete=(ok|absent)$' "$REAPED_LOG" || fail "$(cat "$REAPED_LOG")"
	done
}

@test "delete -f racing start leaves nothing" {
	local i
	for ((i = 0; i < 10; i++)); do
		reaped "$SCENARIO" race-delete "$(random_delay 2000)" "$CID-r$i"
		assert_no_leftovers "$CID-r$i"
		grep -Eq '^racing-delete=(ok|absent)$' "$REAPED_LOG" || fail "$(cat "$REAPED_LOG")"
	done
}

@test "SIGKILL of delete -f, then delete -f again, leaves nothing" {
	local i
	for ((i = 0; i < 10; i++)); do
		reaped "$SCENARIO" kill-delete "$(random_delay 4000)" "$CID-d$i"
		assert_no_leftovers "$CID-d$i"
		grep -Eq '^delete=(ok|absent)$' "$REAPED_LOG" || fail "$(cat "$REAPED_LOG")"
	done
}

@test "SIGKILL of exec, then delete -f, leaves nothing" {
	local i
	for ((i = 0; i < 10; i++)); do
		reaped "$SCENARIO" kill-exec "$(random_delay 4000)" "$CID-e$i"
		assert_no_leftovers "$CID-e$i"
		grep -Eq '^delete=ok$' "$REAPED_LOG" || fail "$(cat "$REAPED_LOG")"
	done
}
