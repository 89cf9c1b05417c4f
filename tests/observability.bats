#!/usr/bin/env bats
# Seeing what baton does: --version, `features` (checked against what really
# works), --log/--log-format/--log-level/--debug, and --trace.

load helpers

setup() {
	requires root
	setup_bundle
}

# The stage names of the pipeline declaration, in order.
declared_stages() {
	awk -F'\t' '!/^#/ && NF >= 5 {print $1}' "$BATS_TEST_DIRNAME/../schemas/pipeline.tsv"
}

features() {
	"$BATON" features
}

# A failing create must leave nothing: no state, no cgroup (teardown checks the rest).
assert_nothing_created() {
	[[ -z $(ls "$STATE_ROOT" 2>/dev/null) ]] || fail "state left: $(ls "$STATE_ROOT")"
	[[ -z $(leftover_cgroups) ]] || fail "cgroups left: $(leftover_cgroups)"
}

# A bind mount whose source does not exist: mount-rootfs fails with ENOENT.
break_mount_rootfs() {
	update_config --arg s "$BATS_TEST_TMPDIR/missing" \
		'.mounts += [{"destination": "/mnt/data", "type": "bind", "source": $s, "options": ["rbind"]}]'
}

@test "--version in crun's shape, honest about its features" {
	run "$BATON" --root "$STATE_ROOT" --version
	assert_success
	assert_line --index 0 --regexp '^baton version [0-9]+\.[0-9]+\.[0-9]+$'
	assert_line --index 1 --regexp '^commit: ([0-9a-f]{7,}|unknown)$'
	assert_line --index 2 "rundir: $STATE_ROOT"
	assert_line --index 3 'spec: 1.2.0'
	assert_line --index 4 --regexp '^([+-][A-Z0-9_]+ ?)+$'
	# every claim agrees with `features`
	local f=${lines[4]}
	[[ $f == *+SECCOMP* ]] && features | jq -e '.linux.seccomp.enabled' >/dev/null ||
		fail "+SECCOMP but features says otherwise"
	[[ $f == *+SYSTEMD* ]] && features | jq -e '.linux.cgroup.systemd and .linux.cgroup.systemdUser' >/dev/null ||
		fail "+SYSTEMD disagrees with features"
	[[ $f == *-APPARMOR* ]] && features | jq -e '.linux.apparmor.enabled == false' >/dev/null ||
		fail "-APPARMOR disagrees with features"
	[[ $f == *-SELINUX* ]] && features | jq -e '.linux.selinux.enabled == false' >/dev/null ||
		fail "-SELINUX disagrees with features"
	[[ $f == *+IDMAP* ]] && features | jq -e '.linux.mountExtensions.idmap.enabled == true' \
		>/dev/null || fail "+IDMAP disagrees with features"
	run "$BATON" -v
	assert_success
	assert_line --index 3 'spec: 1.2.0'
}

@test "features has the runtime-spec features schema's fields and types" {
	run features
	assert_success
	# the field names and types of runtime-spec schema/features-schema.json (+ linux)
	jq -e '
		def strs: type == "array" and all(.[]; type == "string");
		def semver: type == "string" and test("^1\\.[0-9]+\\.[0-9]+$");
		def enabled: type == "object" and (.enabled | type == "boolean");
		(keys - ["ociVersionMin", "ociVersionMax", "hooks", "mountOptions", "linux",
			"annotations", "potentiallyUnsafeConfigAnnotations"] == []) and
		(.ociVersionMin | semver) and (.ociVersionMax | semver) and
		(.hooks | strs) and (.mountOptions | strs) and
		(.annotations | type == "object" and all(.[]; type == "string")) and
		(.potentiallyUnsafeConfigAnnotations | strs) and
		(.linux.namespaces | strs and all(.[]; IN("cgroup", "ipc", "mount", "network",
			"pid", "time", "user", "uts"))) and
		(.linux.capabilities | strs and all(.[]; test("^CAP_[A-Z_]+$"))) and
		(.linux.cgroup | all(.[]; type == "boolean") and
			(keys - ["v1", "v2", "systemd", "systemdUser", "rdma"] == [])) and
		(.linux.seccomp | enabled and (.actions | strs) and (.operators | strs) and
			(.archs | strs) and (.knownFlags | strs) and (.supportedFlags | strs) and
			(.supportedFlags - .knownFlags == [])) and
		(.linux.apparmor | enabled) and (.linux.selinux | enabled) and
		(.linux.intelRdt | enabled) and (.linux.mountExtensions.idmap | enabled)
	' <<<"$output" || fail "features does not match the schema: $output"
	run "$BATON" features extra
	assert_failure 1
	assert_output --partial 'features: takes no arguments'
}

@test "features: every hook phase it lists runs" {
	local hooks phase log=$BATS_TEST_TMPDIR/hooks.log
	hooks=$(features | jq -r '.hooks[]')
	[[ $(echo $hooks) == "prestart createRuntime createContainer startContainer poststart poststop" ]] ||
		fail "unexpected hook phases: $hooks"
	for phase in $hooks; do
		if [[ $phase == startContainer ]]; then
			# runs in the container: its path and its output are the container's
			update_config '.hooks.startContainer = [{"path": "/bin/sh",
				"args": ["sh", "-c", "echo startContainer >/started"]}]'
		else
			update_config --arg l "$log" --arg ph "$phase" '.hooks[$ph] += [{"path": "/bin/sh",
				"args": ["sh", "-c", ("echo " + $ph + " >>" + $l)]}]'
		fi
	done
	run_baton run "$CID"
	assert_success
	run cat "$log"
	assert_output $'prestart\ncreateRuntime\ncreateContainer\npoststart\npoststop'
	[[ $(cat "$BUNDLE/rootfs/started") == startContainer ]] || fail "startContainer did not run"
}

@test "features: every mount option it lists is accepted, crun's whole list is there" {
	local opts
	opts=$(features | jq -c '.mountOptions')
	# one mount per option (a bind for those about a source or symlinks): parse-config checks each on its own
	update_config --argjson o "$opts" '.linux.namespaces += [{"type": "user"}] |
		.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
		.linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
		.mounts += [$o[] | {"destination": ("/mnt/" + .), "type": "tmpfs", "source": "tmpfs",
			"options": [.]} | if .options[0] | test("idmap|nofollow|copy-symlink") then .type = "bind" | .source = "/tmp"
			else . end]'
	run "$BATON" stage parse-config --bundle "$BUNDLE"
	assert_success
	[[ $(grep -c '^mount	/mnt/' <<<"$output") -eq $(jq length <<<"$opts") ]] ||
		fail "not every listed option became a mount record"
	# crun's recursive options and its symlink options are all listed
	for o in rro rrw rnosuid rsuid rnodev rdev rnoexec rexec rnoatime ratime rrelatime \
		rnorelatime rstrictatime rnostrictatime rnodiratime rdiratime rnosymfollow rsymfollow \
		copy-symlink src-nofollow dest-nofollow; do
		jq -e --arg o "$o" 'index($o) != null' <<<"$opts" >/dev/null || fail "$o not listed"
	done
}

@test "features: a container with every listed namespace (but user) and capability" {
	local caps mask host
	caps=$(features | jq -c '.linux.capabilities')
	update_config --argjson c "$caps" '
		.linux.namespaces = [{"type": "pid"}, {"type": "network"}, {"type": "ipc"},
			{"type": "uts"}, {"type": "mount"}, {"type": "cgroup"}, {"type": "time"}] |
		.process.capabilities.bounding = $c'
	features | jq -e '.linux.namespaces | sort == ["cgroup", "ipc", "mount", "network",
		"pid", "time", "user", "uts"]' >/dev/null || fail "namespaces list changed"
	set_args caps
	run_baton run "$CID"
	assert_success
	# the bounding set holds exactly the listed capabilities (numbers 0..N-1) that
	# this host's bounding set still has
	host=$(awk '/^CapBnd:/ {print $2}' /proc/self/status)
	mask=$(printf '%016x' $((((1 << $(jq length <<<"$caps")) - 1) & 0x$host)))
	assert_line "CapBnd=$mask"
}

@test "features: every seccomp action, operator, arch and flag it lists loads" {
	local f profile
	f=$(features)
	# one rule per action and per operator, on syscalls the probe never makes;
	# SCMP_ACT_NOTIFY's listener goes to a receiver (tests/seccomp.bats)
	profile=$(jq -c --arg p "$BATS_TEST_TMPDIR/recv.sock" '.linux.seccomp as $s | {
		defaultAction: "SCMP_ACT_ALLOW",
		listenerPath: $p,
		architectures: $s.archs,
		flags: $s.supportedFlags,
		syscalls: (
			[$s.actions | to_entries[] | select(.value != "SCMP_ACT_ALLOW") |
				{names: [["acct", "swapon", "swapoff", "kexec_load", "init_module",
					"delete_module", "quotactl", "syslog", "vhangup"][.key]],
				 action: .value}] +
			[$s.operators | to_entries[] |
				{names: [["add_key", "request_key", "keyctl", "mbind", "set_mempolicy",
					"get_mempolicy", "migrate_pages"][.key]], action: "SCMP_ACT_ERRNO",
				 args: [{index: 0, value: 4242, valueTwo: 4242, op: .value}]}])
	}' <<<"$f")
	update_config --argjson s "$profile" '.linux.seccomp = $s'
	set_args seccomp
	"$BATON_BUILD/tests/recvfd" "$BATS_TEST_TMPDIR/recv.sock" >"$BATS_TEST_TMPDIR/recv.out" 3>&- &
	local recv=$!
	for _ in $(seq 50); do [[ -S $BATS_TEST_TMPDIR/recv.sock ]] && break; sleep 0.1; done
	run_baton run "$CID"
	[[ $status -eq 0 ]] || kill "$recv"
	wait "$recv" || true
	assert_success
	assert_output '2'
}

@test "--log-format json: one JSON object per line, stderr keeps the text" {
	local log=$BATS_TEST_TMPDIR/log.json
	break_mount_rootfs
	run_baton --log "$log" --log-format json run "$CID"
	assert_failure 1
	# a person still reads the error on stderr, as text
	assert_output --regexp '^baton: mount-rootfs: .*No such file or directory$'
	[[ $(wc -l <"$log") -eq 1 ]] || fail "expected one log line: $(cat "$log")"
	jq -e '(keys == ["level", "msg", "time"]) and .level == "error" and
		(.msg | test("^mount-rootfs: .*/missing.*: No such file or directory$")) and
		(.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{6}Z$"))' \
		"$log" || fail "unexpected log line: $(cat "$log")"
	assert_nothing_created
}

@test "--log-format json without --log writes the JSON on stderr" {
	run "$BATON" --root "$STATE_ROOT" --log-format json state nosuch
	assert_failure 1
	jq -e '.level == "error" and (.msg | contains("nosuch"))' <<<"$output" ||
		fail "not a JSON line: $output"
}

@test "--log: file:PATH and a plain PATH append text lines" {
	local a=$BATS_TEST_TMPDIR/a.log b=$BATS_TEST_TMPDIR/b.log
	echo "earlier line" >"$a"
	run_baton --log "file:$a" state nosuch
	assert_failure 1
	run_baton --log "$b" --log-format text state nosuch2
	assert_failure 1
	assert_output --regexp '^baton: .*nosuch2'
	[[ $(sed -n 1p "$a") == "earlier line" ]] || fail "the log file was not appended to"
	# the bare message, as crun writes it: engines add the runtime's name
	grep -q '^error opening file .*nosuch' "$a" || fail "no error in $a: $(cat "$a")"
	grep -q '^error opening file .*nosuch2' "$b" || fail "no error in $b: $(cat "$b")"
	! grep -q '^baton: ' "$a" "$b" || fail "a prefixed line: $(cat "$a" "$b")"
}

@test "--log, --log-format, --log-level: bad values fail before anything is done" {
	run_baton --log-format yaml run "$CID"
	assert_failure 1
	assert_output 'baton: unknown log format type `yaml`'
	run_baton --log-level loud run "$CID"
	assert_failure 1
	assert_output 'baton: unknown verbosity `loud` specified'
	run_baton --log "tcp:localhost" run "$CID"
	assert_failure 1
	assert_output 'baton: unknown log type `tcp:localhost`'
	run_baton --log "$BATS_TEST_TMPDIR/no/such/dir/log" run "$CID"
	assert_failure 1
	assert_output --partial 'open log file'
	assert_output --partial 'No such file or directory'
	assert_nothing_created
}

@test "--log-level: warnings by default, not at error, debug narration only in debug" {
	local log=$BATS_TEST_TMPDIR/w.log trace=$BATS_TEST_TMPDIR/busy
	# a trace that cannot replace what is there is a warning: the container ran
	mkdir -p "$trace/in-the-way"
	run_baton --log-level error --trace "$trace" run "$CID"
	assert_success
	refute_output --partial 'warning'
	run_baton --trace "$trace" run "$CID"
	assert_success
	assert_line --regexp '^baton: warning: trace file .*busy.*: (Is a directory|Directory not empty)$'
	refute_output --partial 'baton[baton]'
	[[ ! -e $trace.tmp ]] || fail "the half-written trace was left"
	run_baton --log "$log" --log-format json --log-level debug run "$CID"
	assert_success
	jq -se 'map(.level) | index("debug") != null' "$log" >/dev/null ||
		fail "no debug line in the log: $(cat "$log")"
}

@test "--trace into a directory that cannot take it fails before anything is done" {
	run_baton --trace "$BATS_TEST_TMPDIR/no/dir/t.json" run "$CID"
	assert_failure 1
	assert_output --regexp '^baton: --trace `.*/no/dir/t.json`: directory `.*/no/dir/`: No such file or directory$'
	BATON_TRACE=$BATS_TEST_TMPDIR/ run_baton run "$CID"
	assert_failure 1
	assert_output --partial 'not a file name'
	assert_nothing_created
}

@test "--debug narrates every stage with its duration and outcome" {
	local stage
	run_baton --debug run "$CID"
	assert_success
	assert_line --regexp '^uid=0 gid=0'
	for stage in $(declared_stages); do
		assert_line --regexp "^baton\[baton\]: stage $stage +(host|self|child) +([0-9.]+ ms|-) +(ok|skipped)$"
	done
	# each stage says what it does, in its own name
	assert_line --regexp '^baton\[parse-config\]: '
	assert_line --regexp '^baton\[mount-rootfs\]: pivot_root'
	assert_line --regexp '^baton\[final-exec\]: '
	run_baton --log-level debug run "$CID"
	assert_success
	assert_line --regexp '^baton\[baton\]: stage parse-config'
}

@test "--trace: Chrome trace JSON with one complete event per stage" {
	local trace=$BATS_TEST_TMPDIR/trace.json stage
	run_baton --trace "$trace" run "$CID"
	assert_success
	jq -e '.traceEvents | length > 0' "$trace" >/dev/null || fail "not a trace: $(cat "$trace")"
	jq -e '.traceEvents[] | select(.ph == "X") |
		(.name | type == "string") and (.ts | type == "number") and
		(.dur | type == "number" and . >= 0) and (.pid | type == "number") and
		(.tid | type == "number") and (.args.outcome | IN("ok", "skipped"))' \
		"$trace" >/dev/null || fail "malformed events: $(cat "$trace")"
	for stage in $(declared_stages); do
		[[ $(jq --arg s "$stage" '[.traceEvents[] | select(.ph == "X" and .name == $s)] | length' \
			"$trace") -eq 1 ]] || fail "not one event for $stage"
	done
	# stages that ran take time inside the command's event
	jq -e '(.traceEvents[] | select(.cat == "command")) as $c |
		[.traceEvents[] | select(.ph == "X" and .args.outcome == "ok" and .cat != "command")] |
		length >= 4 and all(.[]; .ts >= $c.ts and .ts + .dur <= $c.ts + $c.dur + 1)' \
		"$trace" >/dev/null || fail "stage events outside the command: $(cat "$trace")"
	jq -e '[.traceEvents[] | select(.name == "parse-config")][0].args.outcome == "ok" and
		[.traceEvents[] | select(.name == "seccomp-load")][0].args.outcome == "skipped"' \
		"$trace" >/dev/null || fail "wrong outcomes: $(cat "$trace")"
}

@test "BATON_TRACE: the trace of a failed create names the failed stage" {
	local trace=$BATS_TEST_TMPDIR/fail.json
	break_mount_rootfs
	BATON_TRACE=$trace run_baton create "$CID"
	assert_failure 1
	jq -e 'def out($n): [.traceEvents[] | select(.ph == "X" and .name == $n)][0].args.outcome;
		out("parse-config") == "ok" and out("cgroup-setup") == "ok" and
		out("mount-rootfs") == "failed" and out("final-exec") == "not-run" and
		out("baton create") == "failed"' "$trace" >/dev/null ||
		fail "wrong outcomes: $(cat "$trace")"
	assert_nothing_created
}

@test "a config error is traced as a failed parse-config" {
	local trace=$BATS_TEST_TMPDIR/cfg.json
	update_config '.linux.namespaces += [{"type": "foo"}]'
	run_baton --trace "$trace" create "$CID"
	assert_failure 1
	assert_output --partial 'unknown namespace'
	jq -e 'def out($n): [.traceEvents[] | select(.ph == "X" and .name == $n)][0].args.outcome;
		out("parse-config") == "failed" and out("clone") == "not-run" and
		out("mount-rootfs") == "not-run"' "$trace" >/dev/null ||
		fail "wrong outcomes: $(cat "$trace")"
	assert_nothing_created
}

@test "a failing prestart hook is traced as its own stage" {
	local trace=$BATS_TEST_TMPDIR/hook.json
	update_config '.hooks.prestart = [{"path": "/bin/false"}]'
	run_baton --trace "$trace" create "$CID"
	assert_failure 1
	jq -e 'def out($n): [.traceEvents[] | select(.ph == "X" and .name == $n)][0].args.outcome;
		out("hooks@prestart") == "failed" and out("hooks@createRuntime") == "not-run" and
		out("mount-rootfs") == "not-run" and out("baton create") == "failed"' "$trace" \
		>/dev/null || fail "wrong outcomes: $(cat "$trace")"
	assert_nothing_created
}

# Run baton in a private mount namespace where SOCKET is a datagram socket we
# listen on; prints what arrived. Nothing of the host's /run or /dev changes.
log_socket_capture() {
	local socket=$1
	shift
	cat >"$BATS_TEST_TMPDIR/listen.py" <<'EOF'
import socket, subprocess, sys
path, cmd = sys.argv[1], sys.argv[2:]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
s.settimeout(5)
rc = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL).returncode
print("rc=%d" % rc)
try:
    while True:
        print(repr(s.recv(65536)))
        s.settimeout(0.2)
except socket.timeout:
    pass
EOF
	unshare -m --propagation private bash -c '
		set -e
		socket=$1; shift
		dir=${socket%/*}
		if [[ $dir == /dev ]]; then
			# keep the device nodes python and baton need, on a private /dev
			mkdir -p "$T/olddev"
			mount --rbind /dev "$T/olddev"
			mount -t tmpfs tmpfs /dev
			for n in null zero urandom; do
				touch /dev/$n
				mount --bind "$T/olddev/$n" /dev/$n
			done
		else
			mount -t tmpfs tmpfs /run
			mkdir -p "$dir"
		fi
		python3 "$T/listen.py" "$socket" "$@"
	' bash "$socket" "$@"
}

@test "--log syslog:ID sends RFC 3164 datagrams to /dev/log" {
	command -v python3 >/dev/null || skip "needs python3"
	T=$BATS_TEST_TMPDIR run log_socket_capture /dev/log \
		"$BATON" --root "$STATE_ROOT" --log syslog:batontest state nosuch
	assert_success
	assert_line 'rc=1'
	# LOG_USER | LOG_ERR = 11, the identifier and our pid, then the message
	assert_line --regexp "^b'<11>[A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8} batontest\[[0-9]+\]: .*nosuch.*'$"
}

@test "--log journald:ID speaks the journal's native protocol" {
	command -v python3 >/dev/null || skip "needs python3"
	T=$BATS_TEST_TMPDIR run log_socket_capture /run/systemd/journal/socket \
		"$BATON" --root "$STATE_ROOT" --log journald:batontest --log-format json state nosuch
	assert_success
	assert_line 'rc=1'
	assert_line --regexp "PRIORITY=3\\\\nSYSLOG_IDENTIFIER=batontest\\\\nSYSLOG_PID=[0-9]+\\\\nMESSAGE\\\\n"
	assert_output --partial '{"msg":"'
	assert_output --partial 'nosuch'
}

@test "--log syslog: without a syslog daemon is an error, not lost messages" {
	[[ ! -S /dev/log ]] || skip "this host has a syslog socket"
	run_baton --log syslog:batontest run "$CID"
	assert_failure 1
	assert_output --regexp '^baton: log `syslog:batontest`: connect `/dev/log`: '
	assert_nothing_created
}
