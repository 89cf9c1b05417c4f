#!/usr/bin/env bats
# The parse-config fuzzer (tests/fuzz/README.md) for a short fixed time from
# the committed seed corpus: any crash, leak, undefined behaviour or broken
# invariant fails the lane, with the input kept under $BATON_BUILD/tests/fuzz/.

REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)

setup() {
	BUILD=$(cd "$(dirname "$BATON")/.." && pwd)
	command -v clang >/dev/null || skip "needs clang (.ci/deps installs it)"
}

@test "parse-config survives ${BATON_FUZZ_TIME:-60} s of fuzzing under ASan/UBSan" {
	local log=$BATS_TEST_TMPDIR/fuzz.log rc=0
	make -C "$REPO" --no-print-directory BUILD="$BUILD" FUZZ_TIME="${BATON_FUZZ_TIME:-60}" \
		fuzz-run >"$log" 2>&1 || rc=$?
	grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added)' "$log" |
		sed 's/^/# /' >&3
	if ((rc != 0)); then
		grep -E -A3 'invariant broken|ERROR: |SUMMARY|Test unit written' "$log" | head -n 40
		false
	fi
	grep -q '^Done [0-9]* runs' "$log"
}
