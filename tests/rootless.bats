#!/usr/bin/env bats
# Rootless baton: an unprivileged user runs containers, state under
# $XDG_RUNTIME_DIR/baton, an automatic user namespace mapped from
# /etc/subuid and /etc/subgid through newuidmap/newgidmap.

load helpers
load rootless-helpers

@test "rootless: spec --rootless runs with the caller mapped to root" {
	rm "$BUNDLE/config.json"
	as_user "$RL_USER" spec --rootless
	update_config '.process.terminal = false | .process.args = ["/bin/cat", "/proc/self/uid_map"] |
		.root.readonly = false'
	run as_user "$RL_USER" run "$CID"
	assert_success
	drop_cgroup_warning
	assert_output --regexp "^ +0 +$RL_UID +1$"
	[[ ! -e /run/baton/$CID ]] || fail "state written under /run/baton"
	[[ -z $(ls "/run/user/$RL_UID/baton" 2>/dev/null | grep "$CID") ]] || fail "state left behind"
}

@test "rootless: an automatic user namespace maps the subordinate ids" {
	no_user_namespace_config
	set_cmd /bin/cat /proc/self/uid_map /proc/self/gid_map
	run as_user "$RL_USER" run "$CID"
	assert_success
	drop_cgroup_warning
	local start count
	IFS=: read -r _ start count < <(grep "^$RL_USER:" /etc/subuid | head -1)
	assert_line --index 0 --regexp "^ +0 +$RL_UID +1$"
	assert_line --index 1 --regexp "^ +1 +$start +$count$"
	IFS=: read -r _ start count < <(grep "^$RL_USER:" /etc/subgid | head -1)
	assert_line --index 3 --regexp "^ +1 +$start +$count$"
}

@test "rootless: without subordinate ids a single mapping, with a warning" {
	no_user_namespace_config
	chown -R "$RL_NOSUB:" "$BUNDLE"
	set_cmd /bin/cat /proc/self/uid_map
	run as_user "$RL_NOSUB" run "$CID"
	assert_success
	assert_output --partial "no subordinate ids for \`$RL_NOSUB\`"
	assert_output --regexp " +0 +$(id -u "$RL_NOSUB") +1"
}

@test "rootless: ids inside, and files of the mapped root" {
	no_user_namespace_config
	update_config '.process.user = {"uid": 1000, "gid": 1000}'
	set_args ids
	run as_user "$RL_USER" run "$CID"
	assert_success
	# no cgroup subtree of the user's: said, not silent
	assert_line --index 0 "baton: warning: the container stays in the caller's cgroups: rootless: cgroup \`/baton/$CID\` is not delegated to uid $RL_UID: \`/sys/fs/cgroup/pids/baton\` is not writable (linux.cgroupsPath must lie in a cgroup subtree the user owns)"
	drop_cgroup_warning
	assert_output --regexp '^uid=1000 gid=1000'
}

@test "rootless: create, state, exec, kill, delete" {
	no_user_namespace_config
	set_args sleep
	# the container keeps run's stdout: a file, not bats' pipe
	as_user "$RL_USER" run -d "$CID" >"$BATS_TEST_TMPDIR/rl.log" 2>&1 ||
		fail "run -d: $(cat "$BATS_TEST_TMPDIR/rl.log")"
	run as_user "$RL_USER" state "$CID"
	assert_success
	assert_output --partial '"status": "running"'
	run as_user "$RL_USER" exec "$CID" /probe ids
	assert_success
	assert_output --regexp '^uid=0 gid=0'
	run as_user "$RL_USER" list -q
	assert_line "$CID"
	run as_user "$RL_USER" kill "$CID" KILL
	assert_success
	run as_user "$RL_USER" delete --force "$CID"
	assert_success
	run ls "/run/user/$RL_UID/baton"
	refute_output --partial "$CID"
}

@test "rootless: a cgroup limit that cannot be applied is an error, not ignored" {
	no_user_namespace_config
	update_config '.linux.resources = {"pids": {"limit": 10}}'
	run as_user "$RL_USER" run "$CID"
	assert_failure
	assert_output --regexp "cgroup-setup: linux.resources cannot be applied: rootless: cgroup \`/baton/$CID\` is not delegated to uid $RL_UID: \`/sys/fs/cgroup/[a-z_,]+(/baton)?\` is not writable .*: Permission denied"
	run ls "/run/user/$RL_UID/baton"
	refute_output --partial "$CID"
	[[ -z $(leftover_cgroups) ]] || fail "cgroups left: $(leftover_cgroups)"
}

# --- cgroups in a delegated subtree ---

@test "rootless: a delegated cgroup subtree takes the container, with its limits" {
	requires cgroup_v1
	delegate_cgroups
	no_user_namespace_config
	update_config --arg p "/$DELEG/$CID" --arg m "/sys/fs/cgroup/memory/$DELEG" '
		.linux.cgroupsPath = $p |
		.linux.resources = {"memory": {"limit": 67108864}, "pids": {"limit": 20}} |
		.mounts += [{"destination": "/mnt/memcg", "type": "bind", "source": $m,
			"options": ["rbind", "ro"]}]'
	mkdir -p "$BUNDLE/rootfs/mnt/memcg"
	set_args sleep
	as_delegate run -d "$CID" >"$BATS_TEST_TMPDIR/rl.log" 2>&1 ||
		fail "run -d: $(cat "$BATS_TEST_TMPDIR/rl.log")"
	local pid
	pid=$(as_delegate state "$CID" | jq -r .pid)
	TRACKED_PIDS+=("$pid")

	# the limits, from the host
	[[ $(cat "/sys/fs/cgroup/memory/$DELEG/$CID/memory.limit_in_bytes") == 67108864 ]] ||
		fail "memory.limit_in_bytes: $(cat "/sys/fs/cgroup/memory/$DELEG/$CID/memory.limit_in_bytes")"
	[[ $(cat "/sys/fs/cgroup/pids/$DELEG/$CID/pids.max") == 20 ]] ||
		fail "pids.max: $(cat "/sys/fs/cgroup/pids/$DELEG/$CID/pids.max")"
	# the process is in it, in every hierarchy (the unified one too)
	run cat "/proc/$pid/cgroup"
	assert_line --regexp "^[0-9]+:memory:/$DELEG/$CID\$"
	assert_line --regexp "^[0-9]+:pids:/$DELEG/$CID\$"
	assert_line --regexp "^[0-9]+:freezer:/$DELEG/$CID\$"
	assert_line "0::/$DELEG/$CID"
	# and from inside: its own cgroup and the memory limit it runs under
	run as_delegate exec "$CID" /probe cgroup
	assert_success
	assert_line --regexp "^[0-9]+:memory:/$DELEG/$CID\$"
	run as_delegate exec "$CID" cat "/mnt/memcg/$CID/memory.limit_in_bytes"
	assert_success
	assert_output 67108864

	# ps, pause/resume, update, kill --all, delete work on it
	run as_delegate ps --format json "$CID"
	assert_success
	assert_output --partial "$pid"
	run as_delegate pause "$CID"
	assert_success
	[[ $(cat "/sys/fs/cgroup/freezer/$DELEG/$CID/freezer.state") == FROZEN ]] || fail "not frozen"
	run as_delegate state "$CID"
	assert_output --partial '"status": "paused"'
	run as_delegate resume "$CID"
	assert_success
	run as_delegate update --pids-limit 30 "$CID"
	assert_success
	[[ $(cat "/sys/fs/cgroup/pids/$DELEG/$CID/pids.max") == 30 ]] || fail "update: pids.max"
	run as_delegate kill --all "$CID" KILL
	assert_success
	run as_delegate delete --force "$CID"
	assert_success
	[[ -z $(container_cgroups) ]] || fail "cgroups left: $(container_cgroups)"
}

@test "rootless: the pids limit of a delegated cgroup holds inside" {
	requires cgroup_v1
	delegate_cgroups
	no_user_namespace_config
	update_config --arg p "/$DELEG/$CID" '.linux.cgroupsPath = $p |
		.linux.resources = {"pids": {"limit": 4}}'
	# sh and three sleeps fit; the fourth fork fails and sh gives up (pid 1: the sleeps go too)
	set_cmd /bin/sh -c 'for i in 1 2 3 4 5 6; do /bin/sleep 100 & done; echo all forked'
	run as_delegate run "$CID"
	assert_failure
	assert_output "/bin/sh: can't fork: Resource temporarily unavailable"
	[[ -z $(container_cgroups) ]] || fail "cgroups left: $(container_cgroups)"
}

@test "rootless: a delegated subtree is used without limits too, and not the undelegated unified tree" {
	requires cgroup_v1
	[[ $(stat -fc %T /sys/fs/cgroup/unified 2>/dev/null) == cgroup2fs ]] || skip "needs a hybrid host"
	# the v1 hierarchies only: the empty unified tree is left out, not an error
	mapfile -t roots < <(cgroup_roots | grep -v unified)
	delegate_cgroups "${roots[@]}"
	no_user_namespace_config
	update_config --arg p "/$DELEG/$CID" '.linux.cgroupsPath = $p'
	set_args cgroup
	run as_user "$RL_USER" --debug run "$CID"
	assert_success
	assert_line --regexp "^[0-9]+:memory:/$DELEG/$CID\$"
	assert_line --regexp "^[0-9]+:pids:/$DELEG/$CID\$"
	refute_line "0::/$DELEG/$CID"
	assert_output --partial "/sys/fs/cgroup/unified: no controllers, left out"
	assert_output --partial "device cgroup: rootless, rules not written"
	[[ -z $(container_cgroups) ]] || fail "cgroups left: $(container_cgroups)"
}

@test "rootless: limits in a cgroupsPath the user does not own: the error names it, nothing left" {
	requires cgroup_v1
	delegate_cgroups
	no_user_namespace_config
	# pids is not the user's: an administrator delegated all but one controller
	chown root: "/sys/fs/cgroup/pids/$DELEG"
	update_config --arg p "/$DELEG/$CID" '.linux.cgroupsPath = $p |
		.linux.resources = {"memory": {"limit": 67108864}}'
	run as_delegate run "$CID"
	assert_failure 1
	assert_output "baton: cgroup-setup: linux.resources cannot be applied: rootless: cgroup \`/$DELEG/$CID\` is not delegated to uid $RL_UID: \`/sys/fs/cgroup/pids/$DELEG\` is not writable (linux.cgroupsPath must lie in a cgroup subtree the user owns): Permission denied"
	[[ -z $(container_cgroups) ]] || fail "cgroups left: $(container_cgroups)"
	run ls "/run/user/$RL_UID/baton"
	refute_output --partial "$CID"
	# without limits the same container runs, without a cgroup (as crun)
	update_config 'del(.linux.resources)'
	set_args cgroup
	run as_delegate run "$CID"
	assert_success
	drop_cgroup_warning
	refute_output --partial "/$DELEG/$CID"
	[[ -z $(container_cgroups) ]] || fail "cgroups left: $(container_cgroups)"
}

@test "rootless: another user's containers are not ours" {
	no_user_namespace_config
	set_args sleep
	as_user "$RL_USER" run -d "$CID" >"$BATS_TEST_TMPDIR/rl.log" 2>&1 ||
		fail "run -d: $(cat "$BATS_TEST_TMPDIR/rl.log")"
	run baton_cmd state "$CID"
	assert_failure
	run as_user "$RL_USER" delete --force "$CID"
	assert_success
}

# --- idmapped mounts, rootless ---

@test "rootless: an idmapped mount of a host directory is refused clearly, nothing left" {
	no_user_namespace_config
	mkdir -p "$BUNDLE/src" "$BUNDLE/rootfs/mnt/a"
	chown -R "$RL_USER:" "$BUNDLE"
	update_config --arg s "$BUNDLE/src" '.mounts += [{"destination": "/mnt/a", "type": "bind",
		"source": $s, "options": ["bind", "idmap"]}]'
	run as_user "$RL_USER" run "$CID"
	assert_failure 1
	drop_cgroup_warning
	assert_output "baton: idmap-mounts: idmapped mount on \`/mnt/a\`: open_tree \`$BUNDLE/src\`: only root of the user namespace that mounted a filesystem may idmap it (rootless: no host filesystem): Operation not permitted"
	run ls "/run/user/$RL_UID/baton"
	refute_output --partial "$CID"
	[[ -z $(pgrep -x idmap-mounts) ]] || fail "idmap-mounts processes left"
}

# As rootless podman runs its runtime: root of a user namespace the user made
# (newuidmap: the user and its subordinate ids), where it mounted a tmpfs. The
# kernel lets the owner of that namespace idmap that tmpfs.
@test "rootless: in a user namespace of its own, an idmapped mount of its tmpfs" {
	local start count gstart gcount state=$BATS_TEST_TMPDIR/rl-state
	IFS=: read -r _ start count < <(grep "^$RL_USER:" /etc/subuid | head -1)
	IFS=: read -r _ gstart gcount < <(grep "^$RL_USER:" /etc/subgid | head -1)
	rm "$BUNDLE/config.json"
	as_user "$RL_USER" spec --rootless
	# no user namespace in the container: the mount's own mapping does the work
	update_config --arg s "$BUNDLE/src" '.process.terminal = false | .root.readonly = false |
		del(.linux.uidMappings, .linux.gidMappings) |
		.linux.namespaces |= map(select(.type != "user")) |
		.mounts |= map(select(.type != "cgroup")) |
		.mounts += [{"destination": "/mnt/a", "type": "bind", "source": $s, "options": ["bind"],
			"uidMappings": [{"containerID": 1, "hostID": 5, "size": 1}],
			"gidMappings": [{"containerID": 2, "hostID": 7, "size": 1}]}] |
		.process.args = ["/bin/stat", "-c", "%n %u:%g", "/mnt/a/f"]'
	mkdir -p "$BUNDLE/src" "$BUNDLE/rootfs/mnt/a" "$state"
	chown -R "$RL_USER:" "$BUNDLE" "$state"
	run runuser -u "$RL_USER" -- env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		unshare --map-root-user --map-users="$start,1,$count" --map-groups="$gstart,1,$gcount" \
		--mount sh -c 'mount -t tmpfs none "$1" && touch "$1/f" && chown 1:2 "$1/f" &&
			cd "$2" && exec "$3" --root "$4" --cgroup-manager=disabled run "$5"' \
		sh "$BUNDLE/src" "$BUNDLE" "$BATON" "$state" "$CID"
	assert_success
	assert_output '/mnt/a/f 5:7'
	[[ -z $(ls -A "$state") ]] || fail "state left: $(ls -A "$state")"
	[[ -z $(pgrep -x idmap-mounts) ]] || fail "idmap-mounts processes left"
}
