#!/usr/bin/env bats
# OCI hooks: every phase at its point and in its namespace, with the state
# JSON on stdin, args, env and timeout; failures fail create/start/run,
# except poststop's, which warn (and the other poststop hooks still run).

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
	assert_output --partial '"status": "created"'
	assert_output --regexp '"pid": [1-9][0-9]*'
	run grep '^poststart ' "$HOOKLOG"
	assert_output --partial '"status": "running"'
}

@test "each phase's state carries the status crun gives it" {
	for phase in prestart createRuntime createContainer poststart poststop; do
		add_hook "$phase"
	done
	# startContainer, in the container: its stdin into the rootfs
	update_config '.hooks.startContainer = [{"path": "/bin/sh", "args": ["sh", "-c", "cat >/sc.state"]}]'
	set_args sleep
	run_baton create "$CID"
	assert_success
	run_baton start "$CID"
	assert_success
	run_baton delete --force "$CID"
	assert_success
	local phase want got
	while read -r phase want; do
		got=$(grep "^$phase " "$HOOKLOG" | sed 's/.* state=//' | jq -r .status)
		[[ $got == "$want" ]] || fail "$phase: status '$got', expected '$want'"
	done <<-EOF
		prestart created
		createRuntime created
		createContainer created
		poststart running
		poststop stopped
	EOF
	got=$(jq -r .status "$BUNDLE/rootfs/sc.state")
	[[ $got == created ]] || fail "startContainer: status '$got', expected 'created'"
}

@test "a hook without env gets the runtime's environment, one with env only its own" {
	local envhook=$BATS_TEST_TMPDIR/env-hook.sh
	cat >"$envhook" <<-EOF
		#!/bin/sh
		env | sort >"$BATS_TEST_TMPDIR/env.\$1"
	EOF
	chmod +x "$envhook"
	update_config --arg p "$envhook" '.hooks.createRuntime = [{"path": $p, "args": ["x", "none"]},
		{"path": $p, "args": ["x", "own"], "env": ["ONLY=this"]}] |
		.hooks.poststart = [{"path": $p, "args": ["x", "poststart"]}] |
		.hooks.startContainer = [{"path": "/bin/sh", "args": ["sh", "-c", "env >/sc.env"]}] |
		.process.env = ["PROCESS_VAR=p1", "PATH=/bin"]'
	set_args sleep
	CALLER_VAR=c1 run_baton create "$CID"
	assert_success
	CALLER_VAR=c2 run_baton start "$CID"
	assert_success
	grep -qx 'CALLER_VAR=c1' "$BATS_TEST_TMPDIR/env.none" || fail "createRuntime: $(cat "$BATS_TEST_TMPDIR/env.none")"
	! grep -q '^BATON_' "$BATS_TEST_TMPDIR/env.none" || fail "baton's contract leaked: $(grep '^BATON_' "$BATS_TEST_TMPDIR/env.none")"
	grep -qx 'CALLER_VAR=c2' "$BATS_TEST_TMPDIR/env.poststart" || fail "poststart: $(cat "$BATS_TEST_TMPDIR/env.poststart")"
	run grep -v '^PWD=' "$BATS_TEST_TMPDIR/env.own"
	assert_output 'ONLY=this'
	# startContainer runs in the container, after the process's environment is made (crun)
	grep -qx 'PROCESS_VAR=p1' "$BUNDLE/rootfs/sc.env" || fail "startContainer: $(cat "$BUNDLE/rootfs/sc.env")"
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
	# exactly the hook's command line: other users' sleeps are not ours
	run pgrep -x -f 'sleep 30'
	assert_failure
}

@test "a failing poststart hook fails run, and the container is stopped and deleted" {
	add_hook poststart
	add_hook poststop
	update_config '.hooks.poststart[0].env += ["HOOK_EXIT=1"]'
	set_args sleep
	run_baton run -d "$CID"
	assert_failure
	assert_output --partial 'poststart hook'
	assert_output --partial 'failed with exit status 1'
	run_baton state "$CID"
	assert_failure
	[[ ! -e $STATE_ROOT/$CID ]] || fail "state left: $(ls "$STATE_ROOT/$CID")"
	# deleted as `delete` does: poststop ran
	grep -q '^poststop ' "$HOOKLOG" || fail "no poststop: $(cat "$HOOKLOG")"
}

@test "a failing poststart hook fails start, and the container is stopped and deleted" {
	add_hook poststart
	update_config '.hooks.poststart[0].env += ["HOOK_EXIT=3"]'
	set_args sleep
	run_baton create "$CID"
	assert_success
	local pid
	pid=$(container_pid)
	run_baton start "$CID"
	assert_failure
	assert_output --partial 'failed with exit status 3'
	run_baton state "$CID"
	assert_failure
	[[ ! -e $STATE_ROOT/$CID ]] || fail "state left: $(ls "$STATE_ROOT/$CID")"
	# gone, or a zombie that init has still to reap
	[[ ! -e /proc/$pid ]] || grep -q '^State:.*Z' "/proc/$pid/status" ||
		fail "the container process $pid is still running"
}

@test "a failing poststop hook warns, and the other poststop hooks still run" {
	add_hook poststop
	add_hook poststop
	add_hook poststop
	update_config '.hooks.poststop[0].env += ["HOOK_EXIT=1"] | .hooks.poststop[1].env += ["HOOK_EXIT=2"]'
	set_args sleep
	run_baton run -d "$CID"
	assert_success
	run_baton delete --force "$CID"
	assert_success
	assert_output --partial 'warning'
	assert_output --partial 'failed with exit status 1'
	assert_output --partial 'failed with exit status 2'
	run grep -c '^poststop ' "$HOOKLOG"
	assert_output 3
	run_baton state "$CID"
	assert_failure
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
