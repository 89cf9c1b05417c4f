#!/usr/bin/env bats
# The man pages baton-COMMAND(1), generated from each command's --help
# (man/command-page.sh), and what `make install` puts in place beside them.

load helpers

setup() {
	command -v man >/dev/null || skip "needs man (man-db)"
	PAGES=$(dirname "$(dirname "$BATON")")/man
	mapfile -t COMMANDS < <("$BATON" --help | awk '/^COMMANDS:/ {on = 1; next} /^$/ {on = 0} on && NF {print $1}')
	((${#COMMANDS[@]} > 10)) || fail "baton --help lists ${#COMMANDS[@]} commands"
}

render() {
	MANWIDTH=100 man --warnings -l "$1" 2>&1 | col -bx
}

@test "man: a page for every command baton --help lists, rendered without roff warnings" {
	local c out
	for c in "${COMMANDS[@]}"; do
		[[ -s $PAGES/baton-$c.1 ]] || fail "no page $PAGES/baton-$c.1"
		out=$(render "$PAGES/baton-$c.1")
		[[ $out != *warning* ]] || fail "baton-$c.1: $out"
		grep -q "^NAME" <<<"$out" || fail "baton-$c.1 has no NAME: $out"
		grep -qE "^ +baton-$c - " <<<"$out" || fail "baton-$c.1: no 'baton-$c - ': $out"
	done
}

@test "man: every option of a command's --help is in its page, with its text" {
	local c opt text out
	for c in "${COMMANDS[@]}"; do
		out=$(render "$PAGES/baton-$c.1")
		while read -r opt; do
			grep -qF -- "$opt" <<<"$out" || fail "baton-$c.1 lacks $opt"
		done < <("$BATON" "$c" --help 2>/dev/null | grep -oE -- '--[a-z][a-z-]*(=[A-Z:\[\]]+)?')
	done
	out=$(render "$PAGES/baton-exec.1")
	grep -qE '^ +--console-socket=PATH$' <<<"$out" || fail "$out"
	grep -qE "^ +send the terminal's master to this unix socket$" <<<"$out" || fail "$out"
	grep -qE '^ +baton \[GLOBAL OPTION\.\.\.\] +exec \[OPTION\.\.\.\] CONTAINER \[COMMAND \[ARG\.\.\.\]\]$' <<<"$out" || fail "$out"
}

@test "make install: the command pages, readable by man; the bash completion" {
	local repo prefix=$BATS_TEST_TMPDIR/prefix build
	repo=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
	build=$(dirname "$(dirname "$BATON")")
	run make -C "$repo" --no-print-directory BUILD="$build" PREFIX="$prefix" \
		SYSCONFDIR="$BATS_TEST_TMPDIR/etc" install
	assert_success
	run env MANPATH="$prefix/share/man" MANWIDTH=80 man baton-exec
	assert_success
	assert_output --partial 'baton-exec - run a process in a running container'
	run env MANPATH="$prefix/share/man" man -w baton-kill
	assert_output "$prefix/share/man/man1/baton-kill.1"
	[[ -s $prefix/share/bash-completion/completions/baton ]] || fail "no completion installed"
	run make -C "$repo" --no-print-directory BUILD="$build" PREFIX="$prefix" \
		SYSCONFDIR="$BATS_TEST_TMPDIR/etc" uninstall
	assert_success
	[[ -z $(find "$prefix" -type f) ]] || fail "left after uninstall: $(find "$prefix" -type f)"
}
