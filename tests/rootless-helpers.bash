# Shared by the rootless tests (rootless.bats, cgroups-rootless.bats): the
# test users with subordinate ids, baton as one of them, and cgroup subtrees
# delegated to them.

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

# The container's own output: without the warning that a user who owns no
# cgroup subtree gets on every run (it stays in the caller's cgroups).
drop_cgroup_warning() {
	output=$(grep -v "^baton: warning: the container stays in the caller's cgroups" <<<"$output")
	mapfile -t lines <<<"$output"
}

no_user_namespace_config() {
	update_config 'del(.linux.uidMappings, .linux.gidMappings) |
		.linux.namespaces |= map(select(.type != "user" and .type != "network" and .type != "cgroup")) |
		.linux.resources = {} | del(.mounts[] | select(.type == "cgroup"))'
}

# The hierarchies on this host: the one tree on v2, else every mounted one.
cgroup_roots() {
	local d
	if [[ $(stat -fc %T /sys/fs/cgroup) == cgroup2fs ]]; then
		echo /sys/fs/cgroup
		return
	fi
	for d in /sys/fs/cgroup/*; do
		[[ -L $d ]] && continue
		case $(stat -fc %T "$d") in cgroupfs | cgroup2fs) echo "$d" ;; esac
	done
}

# delegate_cgroups [ROOT...]: as an administrator (or systemd's Delegate=)
# does, a cgroup DELEG in each hierarchy (default: all) owned by the test user,
# with the files it moves processes through; its callers' shells go into
# DELEG/caller of a v2 tree (a process must already be inside a delegated v2
# subtree to move its children around in it).
delegate_cgroups() {
	local root roots=("$@") f
	DELEG=baton-deleg-$$-$BATS_TEST_NUMBER
	((${#roots[@]})) || mapfile -t roots < <(cgroup_roots)
	defer undelegate_cgroups
	for root in "${roots[@]}"; do
		mkdir "$root/$DELEG" || fail "mkdir $root/$DELEG"
		for f in cpuset.cpus cpuset.mems; do
			# (a v2 root has none of its own to copy)
			[[ -f $root/$DELEG/$f && -f $root/$f ]] && cat "$root/$f" >"$root/$DELEG/$f"
		done
		for f in . cgroup.procs tasks cgroup.subtree_control cgroup.threads; do
			[[ -e $root/$DELEG/$f ]] && chown "$RL_USER:" "$root/$DELEG/$f"
		done
		if [[ $(stat -fc %T "$root") == cgroup2fs ]]; then
			mkdir "$root/$DELEG/caller" && chown "$RL_USER:" "$root/$DELEG/caller"{,/cgroup.procs}
			CALLER_CGROUP=$root/$DELEG/caller
		fi
	done
}

# Remove what delegate_cgroups made (and anything baton left in it).
undelegate_cgroups() {
	local root pid
	for root in $(cgroup_roots); do
		[[ -d $root/$DELEG ]] || continue
		for pid in $(find "$root/$DELEG" -name cgroup.procs -exec cat {} +); do
			kill -9 "$pid" 2>/dev/null
		done
		find "$root/$DELEG" -depth -type d -exec rmdir {} + 2>/dev/null ||
			{ sleep 0.2 && find "$root/$DELEG" -depth -type d -exec rmdir {} +; }
	done
}

# as_user in the delegated v2 cgroup, when there is one.
as_delegate() {
	(
		[[ -z ${CALLER_CGROUP:-} ]] || echo "$BASHPID" >"$CALLER_CGROUP/cgroup.procs" || exit 1
		as_user "$RL_USER" "$@"
	)
}

# The test's container cgroup directories that exist, one per line.
container_cgroups() {
	local root
	for root in $(cgroup_roots); do
		[[ -d $root/$DELEG/$CID ]] && echo "$root/$DELEG/$CID"
	done
	return 0
}
