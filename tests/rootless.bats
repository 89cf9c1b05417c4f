#!/usr/bin/env bats
# Rootless baton: an unprivileged user runs containers, state under
# $XDG_RUNTIME_DIR/baton, an automatic user namespace mapped from
# /etc/subuid and /etc/subgid through newuidmap/newgidmap.

load helpers

RL_USER=baton-rl
RL_NOSUB=baton-rl-nosub

setup_file() {
	[[ $EUID -eq 0 ]] || return 0
	for u in "$RL_USER" "$RL_NOSUB"; do
		id "$u" >/dev/null 2>&1 || useradd -M -s /bin/sh "$u"
		mkdir -p "/run/user/$(id -u "$u")"
		chown "$u:" "/run/user/$(id -u "$u")"
		chmod 700 "/run/user/$(id -u "$u")"
	done
	grep -q "^$RL_USER:" /etc/subuid || echo "$RL_USER:300000:65536" >>/etc/subuid
	grep -q "^$RL_USER:" /etc/subgid || echo "$RL_USER:300000:65536" >>/etc/subgid
	# useradd may have given it a range: this one must have none
	sed -i "/^$RL_NOSUB:/d" /etc/subuid /etc/subgid
}

setup() {
	requires root
	command -v newuidmap >/dev/null || skip "needs uidmap (newuidmap)"
	setup_bundle
	RL_UID=$(id -u "$RL_USER")
	# the user must reach the bundle
	chown -R "$RL_USER:" "$BUNDLE"
	local d=$BUNDLE
	while d=$(dirname "$d") && [[ $d != / ]]; do chmod o+x "$d"; done
}

teardown() {
	for u in "$RL_USER" "$RL_NOSUB"; do
		local dir=/run/user/$(id -u "$u")/baton
		for id in $(ls "$dir" 2>/dev/null); do
			[[ $id == "$CID"* ]] && as_user "$u" delete --force "$id" >/dev/null 2>&1
		done
	done
	baton_teardown
}

# as_user USER BATON-ARGS...: baton as USER, in the bundle, with its runtime dir.
as_user() {
	local user=$1
	shift
	runuser -u "$user" -- env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		XDG_RUNTIME_DIR="/run/user/$(id -u "$user")" \
		sh -c 'cd "$0" && exec "$@"' "$BUNDLE" "$BATON" "$@"
}

no_user_namespace_config() {
	update_config 'del(.linux.uidMappings, .linux.gidMappings) |
		.linux.namespaces |= map(select(.type != "user" and .type != "network" and .type != "cgroup")) |
		.linux.resources = {} | del(.mounts[] | select(.type == "cgroup"))'
}

@test "rootless: spec --rootless runs with the caller mapped to root" {
	rm "$BUNDLE/config.json"
	as_user "$RL_USER" spec --rootless
	update_config '.process.terminal = false | .process.args = ["/bin/cat", "/proc/self/uid_map"] |
		.root.readonly = false'
	run as_user "$RL_USER" run "$CID"
	assert_success
	assert_output --regexp "^ +0 +$RL_UID +1$"
	[[ ! -e /run/baton/$CID ]] || fail "state written under /run/baton"
	[[ -z $(ls "/run/user/$RL_UID/baton" 2>/dev/null | grep "$CID") ]] || fail "state left behind"
}

@test "rootless: an automatic user namespace maps the subordinate ids" {
	no_user_namespace_config
	set_cmd /bin/cat /proc/self/uid_map /proc/self/gid_map
	run as_user "$RL_USER" run "$CID"
	assert_success
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
	assert_output --partial 'cgroup'
	run ls "/run/user/$RL_UID/baton"
	refute_output --partial "$CID"
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
