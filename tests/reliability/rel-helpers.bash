# Helpers of the reliability lane (tests/reliability/): on top of the suite's
# helpers, a leftover check per container id and a process check through
# tests/tools/reaper, which runs a scenario as a child subreaper so that every
# process the scenario leaves behind, orphaned or not, is seen.

REAPER=$(dirname "$BATON")/../tests/reaper
export SCENARIO=$BATS_TEST_DIRNAME/scenario.sh

# The scenarios (scenario.sh) run outside bats: give them the test's paths.
rel_setup() {
	[[ -x $REAPER ]] || fail "no $REAPER (build first)"
	export STATE_ROOT BUNDLE
}

# reaped CMD...: run CMD under the reaper, its output in $REAPED_LOG; fail
# the test when CMD leaves any process behind.
reaped() {
	REAPED_LOG=$BATS_TEST_TMPDIR/reaped.$((${REAPED_SEQ:=0} + 1)).log
	REAPED_SEQ=$((REAPED_SEQ + 1))
	local rc=0
	"$REAPER" --grace 3000 -- "$@" >"$REAPED_LOG" 2>&1 </dev/null 3>&- || rc=$?
	if ((rc == 99)); then
		fail "processes left behind: $(grep '^leftover' "$REAPED_LOG" | tr '\n' ';')"
	fi
	((rc == 0)) || fail "$* failed ($rc): $(tail -n 5 "$REAPED_LOG")"
}

# What container id left behind: its state dir, a cgroup in any v1 hierarchy
# or the unified one, a mount, and memfds held by this shell.
leftovers_of() {
	local id=$1 d
	[[ -e $STATE_ROOT/$id ]] && echo "state dir $STATE_ROOT/$id ($(ls -A "$STATE_ROOT/$id" | tr '\n' ' '))"
	for d in "$CGROUP_V1"/*/baton/"$id" "$CGROUP_V1"/baton/"$id"; do
		[[ -d $d ]] && echo "cgroup $d"
	done
	awk -v id="$id" -v b="$BUNDLE" 'index($5, b) == 1 || index($5, "/" id) {print "mount " $5}' \
		/proc/self/mountinfo
	find /proc/$$/fd /proc/$BASHPID/fd -maxdepth 1 -lname '/memfd:*' -printf 'memfd %p -> %l\n' 2>/dev/null
	return 0
}

assert_no_leftovers() {
	local id out=""
	for id in "$@"; do
		out+=$(leftovers_of "$id")
	done
	[[ -z $out ]] || fail "left behind: $out"
}

# The host's allocated file handles (the first field of /proc/sys/fs/file-nr).
file_handles() {
	cut -f1 /proc/sys/fs/file-nr
}
