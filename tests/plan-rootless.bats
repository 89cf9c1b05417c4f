#!/usr/bin/env bats
# `baton plan` as an unprivileged user: parse-config runs as create runs it
# there, so the plan has the user namespace and the mappings a rootless
# container gets.

load helpers
load rootless-helpers

# The rows of a uid-map/gid-map table in plan's text: CONTAINER HOST SIZE.
map_rows() {
	awk -v key="$1" '$1 == key {on = 1; next} on && /^  [a-z]/ {exit}
		on && $1 ~ /^[0-9]+$/ {print $1, $2, $3}' <<<"$output"
}

@test "plan rootless: the user namespace and the maps the container really gets" {
	rm "$BUNDLE/config.json"
	as_user "$RL_USER" spec --rootless
	update_config '.process.terminal = false | .process.args = ["/bin/cat", "/proc/self/uid_map"] |
		.root.readonly = false'
	run as_user "$RL_USER" plan "$CID"
	assert_success
	assert_line --regexp '^userns-map +host +musl +runs \(a new user namespace\)$'
	# /baton (root's) is no delegated subtree: create leaves the container in the caller's cgroups
	assert_line --regexp '^cgroup-setup +host +musl +skipped \(rootless, and no cgroup is delegated to the user\)$'
	planned=$(map_rows uid-map)
	[[ -n $planned && $planned == *"0 $RL_UID 1"* ]] || fail "uid-map: $planned"
	[[ -z $(ls "/run/user/$RL_UID/baton" 2>/dev/null | grep "$CID") ]] || fail "state written"
	run as_user "$RL_USER" run "$CID"
	assert_success
	drop_cgroup_warning
	[[ $(awk '{print $1, $2, $3}' <<<"$output") == "$planned" ]] ||
		fail "planned $planned, the container has $output"
}
