#!/usr/bin/env bats
# OCI hooks: every phase at its point and in its namespace, with the state
# JSON on stdin, args, env and timeout; failures fail create/start, except
# poststart and poststop which only warn.

load helpers

setup() {
	requires root
	setup_bundle
	HOOKLOG=$BATS_TEST_TMPDIR/hooks.log
	# a host-side hook: PHASE, its mount namespace, and the state it was given
	HOOK=$BATS_TEST_TMPDIR/hook.sh
	cat >"$HOOK" <<-EOF
		#!/bin/sh
		state=\$(tr -d "\\n")
		echo "\$1 mnt=\$(readlink /proc/self/mnt 2>/dev/null || readlink /proc/self/ns/mnt) env=\$HOOK_ENV state=\$state" >>"$HOOKLOG"
		exit \${HOOK_EXIT:-0}
	EOF
	chmod +x "$HOOK"
}

# hook PHASE [EXTRA-JSON]: add a host hook for PHASE.
add_hook() {
	local phase=$1 extra=${2:-{\}}
	update_config --arg p "$HOOK" --arg ph "$phase" --argjson x "$extra" \
		'.hooks[$ph] += [{"path": $p, "args": ["hook.sh", $ph], "env": ["HOOK_ENV=set"]} + $x]'
}

@test "every phase runs once, in order, where the spec says" {
	for phase in prestart createRuntime createContainer poststart poststop; do
		add_hook "$phase"
	done
	# startContainer runs in the container: its path is the container's
	update_config '.hooks.startContainer = [{"path": "/bin/sh",
		"args": ["sh", "-c", "echo startContainer >>/startcontainer.log"]}]'
	set_args sleep
	run_baton create "$CID"
	assert_success
	local create_log=$LAST_LOG # the container writes where create's stdout went
	[[ ! -e $BUNDLE/rootfs/startcontainer.log ]] || fail "startContainer ran before start"
	run cut -d' ' -f1 "$HOOKLOG"
	assert_output $'prestart\ncreateRuntime\ncreateContainer'
	run_baton start "$CID"
	assert_success
	wait_log sleeping "$create_log"
	run cat "$BUNDLE/rootfs/startcontainer.log"
	assert_output 'startContainer'
	run_baton delete --force "$CID"
	assert_success
	run cut -d' ' -f1 "$HOOKLOG"
	assert_output $'prestart\ncreateRuntime\ncreateContainer\npoststart\npoststop'

	# createRuntime on the host, createContainer in the container's mount namespace
	local host_mnt
	host_mnt=$(readlink /proc/self/ns/mnt)
	grep -qF "createRuntime mnt=$host_mnt " "$HOOKLOG" ||
		fail "createRuntime not in the host mount ns: $(cat "$HOOKLOG")"
	grep "^createContainer " "$HOOKLOG" | grep -qvF "mnt=$host_mnt " ||
		fail "createContainer ran in the host mount ns"
	grep -qF "poststop mnt=$host_mnt " "$HOOKLOG" || fail "poststop not on the host"
}

@test "hooks get the state JSON on stdin, their args and env" {
	add_hook createRuntime
	add_hook poststart
	set_args sleep
	run_baton run -d "$CID"
	assert_success
	run grep '^createRuntime ' "$HOOKLOG"
	assert_output --partial 'env=set'
	assert_output --partial "\"id\": \"$CID\""
	assert_output --partial '"status": "creating"'
	assert_output --regexp '"pid": [1-9][0-9]*'
	run grep '^poststart ' "$HOOKLOG"
	assert_output --partial '"status": "running"'
}

@test "a failing prestart hook fails create and leaves nothing" {
	add_hook prestart
	update_config '.hooks.prestart[0].env += ["HOOK_EXIT=3"]'
	run_baton create "$CID"
	assert_failure
	assert_output --partial "prestart hook \`$HOOK\` failed with exit status 3"
	run_baton list -q
	refute_output --partial "$CID"
}

@test "a failing createContainer hook fails create" {
	add_hook createContainer
	update_config '.hooks.createContainer[0].env += ["HOOK_EXIT=4"]'
	run_baton run "$CID"
	assert_failure
	assert_output --partial 'createContainer hook'
	assert_output --partial 'exit status 4'
}

@test "a hook that outlives its timeout is killed and fails create" {
	update_config '.hooks.createRuntime = [{"path": "/bin/sleep", "args": ["sleep", "30"], "timeout": 1}]'
	local start=$SECONDS
	run_baton create "$CID"
	assert_failure
	assert_output --partial 'createRuntime hook `/bin/sleep` timed out after 1 seconds'
	((SECONDS - start < 20)) || fail "the timeout did not cut the hook short"
	run pgrep -f 'sleep 30'
	assert_failure
}

@test "a failing poststart or poststop hook only warns" {
	add_hook poststart
	add_hook poststop
	update_config '.hooks.poststart[0].env += ["HOOK_EXIT=1"] | .hooks.poststop[0].env += ["HOOK_EXIT=1"]'
	set_args sleep
	run_baton run -d "$CID"
	assert_success
	assert_output --partial 'warning'
	assert_output --partial 'poststart hook'
	[[ $(container_status) == running ]] || fail "not running after a failed poststart hook"
	run_baton delete --force "$CID"
	assert_success
	assert_output --partial 'poststop hook'
}

@test "run.oci.hooks.stdout and stderr take the hooks' output" {
	update_config --arg o "$BATS_TEST_TMPDIR/hook.out" --arg e "$BATS_TEST_TMPDIR/hook.err" \
		'.annotations["run.oci.hooks.stdout"] = $o | .annotations["run.oci.hooks.stderr"] = $e |
		 .hooks.createRuntime = [{"path": "/bin/sh", "args": ["sh", "-c", "echo to-out; echo to-err >&2"]}]'
	set_args exit 0
	run_baton run "$CID"
	assert_success
	run cat "$BATS_TEST_TMPDIR/hook.out"
	assert_output 'to-out'
	run cat "$BATS_TEST_TMPDIR/hook.err"
	assert_output 'to-err'
}

@test "the hooks stage runs alone" {
	add_hook poststop
	run "$BATON" stage parse-config --bundle "$BUNDLE" --id "$CID"
	assert_success
	echo "$output" >"$BATS_TEST_TMPDIR/plan"
	echo '{"id": "manual"}' >"$BATS_TEST_TMPDIR/state.json"
	run "$BATON" stage hooks --plan "$BATS_TEST_TMPDIR/plan" --state "$BATS_TEST_TMPDIR/state.json" poststop
	assert_success
	run cat "$HOOKLOG"
	assert_output --partial 'poststop'
	assert_output --partial '{"id": "manual"}'
}

@test "a failing startContainer hook stops the container before its program runs" {
	update_config '.hooks.startContainer = [{"path": "/bin/sh", "args": ["sh", "-c", "exit 6"]}]'
	set_cmd /bin/sh -c 'echo program-ran'
	run_baton create "$CID"
	assert_success
	local create_log=$LAST_LOG
	run_baton start "$CID"
	# start hears of it (exec.result), not only the container's stderr
	assert_failure
	assert_output --partial 'startContainer hook `/bin/sh` failed with exit status 6'
	wait_status stopped
	run cat "$create_log"
	refute_output --partial 'program-ran'
}

@test "the prestart hook finds the container process already in its cgroup" {
	cat >"$BATS_TEST_TMPDIR/cg-hook.sh" <<-EOF
		#!/bin/sh
		pid=\$(jq -r .pid)
		cat /proc/\$pid/cgroup >"$BATS_TEST_TMPDIR/cgroup-at-prestart"
	EOF
	chmod +x "$BATS_TEST_TMPDIR/cg-hook.sh"
	update_config --arg p "$BATS_TEST_TMPDIR/cg-hook.sh" '.hooks.prestart = [{"path": $p}]'
	set_args sleep
	run_baton create "$CID"
	assert_success
	# every hierarchy (v1 controllers, the unified one) shows the container's cgroup
	run grep -vc "/baton/$CID\$" "$BATS_TEST_TMPDIR/cgroup-at-prestart"
	assert_output 0
	run grep -c "/baton/$CID\$" "$BATS_TEST_TMPDIR/cgroup-at-prestart"
	((output >= 1)) || fail "$(cat "$BATS_TEST_TMPDIR/cgroup-at-prestart")"
	run_baton delete --force "$CID"
	assert_success
}
