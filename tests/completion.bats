#!/usr/bin/env bats
# bash completion (contrib/completion/baton.bash), driven as bash drives it:
# COMP_WORDS and COMP_CWORD set, the completion function called, COMPREPLY read.

load helpers

setup() {
	setup_bundle
	# the completion runs `baton` as typed: this build's, by that name
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	ln -sf "$BATON" "$BATS_TEST_TMPDIR/bin/baton"
	PATH=$BATS_TEST_TMPDIR/bin:$PATH
	# shellcheck source=../contrib/completion/baton.bash
	source "$BATS_TEST_DIRNAME/../contrib/completion/baton.bash"
}

# complete WORD...: what TAB offers for the last word (one per line, sorted).
complete_words() {
	COMP_WORDS=("$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	_baton
	printf '%s\n' "${COMPREPLY[@]}" | sort
}

@test "completion: the function is registered for baton" {
	run complete -p baton
	assert_output 'complete -F _baton baton'
}

@test "completion: commands, from baton --help" {
	run complete_words baton ''
	for c in create start run state kill delete list ps exec spec pause resume update \
		checkpoint restore features mounts; do
		assert_line "$c"
	done
	run complete_words baton --root /tmp de
	assert_output delete
}

@test "completion: global options and their values" {
	run complete_words baton --lo
	assert_line --log
	assert_line --log-format
	assert_line --log-level
	run complete_words baton --log-format ''
	assert_output $'json\ntext'
	run complete_words baton --cgroup-manager s
	assert_output systemd
}

@test "completion: a command's flags, from its --help" {
	run complete_words baton exec --pi
	assert_line --pid-file
	run complete_words baton delete --f
	assert_line --force
	run complete_words baton create --bu
	assert_line --bundle
}

@test "completion: container ids from baton list, with the --root on the line" {
	set_args sleep
	run_baton create "$CID"
	assert_success
	run_baton create "$CID-2"
	assert_success
	run complete_words baton --root "$STATE_ROOT" kill ''
	assert_output "$(printf '%s\n' "$CID" "$CID-2" | sort)"
	run complete_words baton --root "$STATE_ROOT" delete "$CID-"
	assert_output "$CID-2"
	# without that root, none of ours
	run complete_words baton --root "$BATS_TEST_TMPDIR/empty" state ''
	assert_output ''
}

@test "completion: kill offers signal names after the id" {
	run complete_words baton kill some-id KI
	assert_output KILL
	run complete_words baton kill some-id ''
	assert_line TERM
	assert_line HUP
	refute_line --partial SIG
}

@test "completion: bundle directories and config files" {
	mkdir -p "$BATS_TEST_TMPDIR/bundles/b1"
	touch "$BATS_TEST_TMPDIR/bundles/file"
	run complete_words baton create -b "$BATS_TEST_TMPDIR/bundles/"
	assert_output "$BATS_TEST_TMPDIR/bundles/b1"
	run complete_words baton stage ''
	assert_line parse-config
	assert_line final-exec
}
