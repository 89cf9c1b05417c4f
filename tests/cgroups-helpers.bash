# Helpers of the cgroups*.bats files that work on every layout: v1/hybrid
# (this host) and v2 (the VM lane, tests/v2/run).

# Is the host pure cgroup v2?
cg_v2() {
	[[ $(stat -f -c %T /sys/fs/cgroup 2>/dev/null) == cgroup2fs ]]
}

# cg_path FILE [ID]: the host path of the container's cgroup FILE.
cg_path() {
	local file=$1 id=${2:-$CID}
	if cg_v2; then
		echo "/sys/fs/cgroup/baton/$id/$file"
	else
		echo "$CGROUP_V1/$(cgroup_controller "$file")/baton/$id/$file"
	fi
}

# cg_value FILE [ID]: the file's content, newlines as spaces, trimmed.
cg_value() {
	local v
	v=$(tr '\n' ' ' <"$(cg_path "$@")") || return 1
	echo "${v% }"
}

# cg_check FILE VALUE: the container's cgroup FILE holds VALUE (from the host).
cg_check() {
	local file=$1 want=$2 got
	got=$(cg_value "$file") || fail "no cgroup file $(cg_path "$file")"
	[[ $got == "$want" ]] || fail "$(cg_path "$file"): expected '$want', got '$got'"
}

# cg_first_existing FILE...: the first of the files the container's cgroup has.
cg_first_existing() {
	local f
	for f in "$@"; do
		[[ -e $(cg_path "$f") ]] && echo "$f" && return 0
	done
	return 1
}

# The path of a cgroup file inside a container with a cgroup namespace.
cg_inner_path() {
	if cg_v2; then
		echo "/sys/fs/cgroup/$1"
	else
		echo "/sys/fs/cgroup/$(cgroup_controller "$1")/$1"
	fi
}

# run_watcher FILE...: run -d a container (with a cgroup namespace) that
# copies the given cgroup files, as it sees them, to /tmp/cg/FILE every 50 ms.
run_watcher() {
	local f script="mkdir -p /tmp/cg; while :; do"
	for f in "$@"; do
		script+=" cat $(cg_inner_path "$f") >/tmp/cg/$f.new 2>&1; mv /tmp/cg/$f.new /tmp/cg/$f;"
	done
	script+=" echo watching >/tmp/cg/ready; sleep 0.05; done"
	update_config 'if (.linux.namespaces | map(.type) | index("cgroup")) then . else .linux.namespaces += [{"type": "cgroup"}] end'
	set_cmd /bin/sh -c "$script"
	run_baton run -d "$CID"
	assert_success
	local tries=200
	while [[ ! -e $BUNDLE/rootfs/tmp/cg/ready ]] && ((tries-- > 0)); do sleep 0.05; done
	[[ -e $BUNDLE/rootfs/tmp/cg/ready ]] || fail "the watcher did not start: $(cat "$LAST_LOG")"
	container_pid >/dev/null
}

# cg_check_inside FILE VALUE: what the container sees in FILE becomes VALUE.
cg_check_inside() {
	local file=$1 want=$2 got tries=60
	while ((tries-- > 0)); do
		got=$(tr '\n' ' ' <"$BUNDLE/rootfs/tmp/cg/$file" 2>/dev/null)
		got=${got% }
		[[ $got == "$want" ]] && return 0
		sleep 0.05
	done
	fail "inside the container $file: expected '$want', got '$got'"
}

# cg_both FILE VALUE: the host and the container agree on VALUE.
cg_both() {
	cg_check "$1" "$2"
	cg_check_inside "$1" "$2"
}

# The "MAJ:MIN" of a whole disk of this machine, or nothing.
cg_disk() {
	host_disk
}

# Is the cgroup controller available to containers here?
cg_has_controller() {
	host_has "controller:$1"
}

# A create that must fail: no state, no cgroup left (teardown checks those too).
cg_refused() {
	run_baton run -d "$CID"
	assert_failure
	[[ -z $(ls -A -I .cache "$STATE_ROOT") ]] || fail "state left: $(ls -A "$STATE_ROOT")"
	[[ -z $(leftover_cgroups) ]] || fail "cgroups left: $(leftover_cgroups)"
}

# cg_weight_file [device]: the block I/O weight file (or, with `device`, the
# per-device one) that this host gives a container: bfq's, v1's, v2's iocost,
# or nothing (mq-deadline or none schedulers have no weights). Found in the
# cgroup of a plain container, run and removed for the purpose.
cg_weight_file() {
	local files f found=
	if cg_v2; then
		files=(io.bfq.weight io.weight)
	elif [[ ${1-} == device ]]; then
		files=(blkio.weight_device blkio.bfq.weight_device)
	else
		files=(blkio.weight blkio.bfq.weight)
	fi
	jq '.process.args = ["/probe", "sleep"] | del(.linux.resources)' "$BUNDLE/config.json" \
		>"$BATS_TEST_TMPDIR/plain.json"
	run_baton run -d --config "$BATS_TEST_TMPDIR/plain.json" "$CID-w"
	assert_success
	for f in "${files[@]}"; do
		[[ -e $(cg_path "$f" "$CID-w") ]] && found=$f && break
	done
	run_baton delete -f "$CID-w"
	assert_success
	echo "$found"
}
