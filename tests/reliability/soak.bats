#!/usr/bin/env bats
# Soak: many create/start/delete cycles and many execs into one container,
# then the same leftover checks as the fault tests, plus file handles: the
# host's allocated ones (/proc/sys/fs/file-nr), the container init's fds and
# baton's own while it runs an exec.

load ../helpers
load rel-helpers

# The host's file handles move with whatever else the machine runs (other
# test suites here); a leak of one handle per cycle would add about
# BATON_SOAK_CYCLES, far above this.
FILE_NR_SLACK=${BATON_SOAK_FILE_SLACK:-500}

setup() {
	requires root
	setup_bundle
	rel_setup
}

# KEY=VALUE from the last reaped scenario's output.
value_of() {
	sed -n "s/^$1=//p" "$REAPED_LOG" | tail -n 1
}

@test "${BATON_SOAK_CYCLES:-1000} create/start/delete cycles leave nothing behind" {
	local n=${BATON_SOAK_CYCLES:-1000} before after i
	set_cmd /bin/true
	before=$(file_handles)
	reaped "$SCENARIO" cycles "$n" "$CID-c"
	after=$(file_handles)
	echo "# $n cycles, $(value_of ms_per_cycle) ms each; file handles $before -> $after" >&3
	((after - before < FILE_NR_SLACK)) ||
		fail "file handles grew from $before to $after over $n cycles"
	[[ -z $(ls -A -I .cache "$STATE_ROOT") ]] ||
		fail "state left: $(ls -A -I .cache "$STATE_ROOT" | head)"
	for ((i = 0; i < n; i += 97)); do
		assert_no_leftovers "$CID-c-$i"
	done
	[[ -z $(leftover_cgroups) ]] || fail "cgroups left: $(leftover_cgroups | head)"
}

@test "${BATON_SOAK_EXECS:-200} execs into one container leak no fds" {
	local n=${BATON_SOAK_EXECS:-200} before after
	set_args sleep
	before=$(file_handles)
	reaped "$SCENARIO" execs "$n" "$CID"
	after=$(file_handles)
	echo "# $n execs, $(value_of ms_per_exec) ms each; init fds $(value_of init_fds_before) -> $(value_of init_fds_after); baton exec fds $(value_of baton_fds_first) -> $(value_of baton_fds_last); file handles $before -> $after" >&3
	[[ -n $(value_of init_fds_before) && -n $(value_of baton_fds_first) ]] ||
		fail "no fd counts: $(cat "$REAPED_LOG")"
	[[ $(value_of init_fds_before) == "$(value_of init_fds_after)" ]] ||
		fail "the container's init fds changed: $(cat "$REAPED_LOG")"
	[[ $(value_of baton_fds_first) == "$(value_of baton_fds_last)" ]] ||
		fail "baton exec's own fds changed: $(cat "$REAPED_LOG")"
	((after - before < FILE_NR_SLACK)) ||
		fail "file handles grew from $before to $after over $n execs"
	assert_no_leftovers "$CID"
}
