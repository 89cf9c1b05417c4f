#!/bin/sh
# command-page.sh BATON COMMAND: the man page baton-COMMAND(1), made from
# `BATON COMMAND --help` (orchestrator/help.c), so that the page and the
# help cannot say different things. The build runs it for every command
# `baton --help` lists.
set -eu

baton=$1 cmd=$2
version=$("$baton" --version | sed -n '1s/^baton version //p')
help=$("$baton" "$cmd" --help 2>/dev/null || true)
if [ -z "$help" ]; then
	# a command that is not supported has no help of its own (podman reads
	# its --help's status): its line in `baton --help` says so
	summary=$("$baton" --help | awk -v c="$cmd" '$1 == c && $2 == "-" {sub(/^[^-]*- /, ""); print; exit}')
	[ -n "$summary" ] || {
		echo "command-page.sh: \`$baton --help\` lists no command $cmd" >&2
		exit 1
	}
	help=$(printf 'Usage: baton [OPTION...] %s\n%s\n' "$cmd" "$summary")
fi

printf '%s\n' "$help" | awk -v cmd="$cmd" -v version="$version" '
	# roff: a backslash doubled, a leading dot or quote escaped
	function esc(s) {
		gsub(/\\/, "\\\\", s)
		gsub(/-/, "\\-", s)
		sub(/^[.\047]/, "\\\\\\&&", s)
		return s
	}
	NR == 1 {
		synopsis = $0
		sub(/^Usage: baton \[OPTION\.\.\.\] [^ ]+ ?/, "", synopsis)
		next
	}
	NR == 2 { summary = $0; next }
	/^ +-/ {
		# help.c: flags in columns 1-27, the text from column 29 (a long
		# flag may leave only one space before it)
		flags = substr($0, 1, 27)
		text = substr($0, 28)
		if (text !~ /^ /) {
			flags = $0
			sub(/  +.*/, "", flags)
			text = substr($0, length(flags) + 1)
		}
		sub(/^ +/, "", flags)
		sub(/ +$/, "", flags)
		sub(/^ +/, "", text)
		opts[++n] = flags
		texts[n] = text
		next
	}
	/^ {20,}/ && n {
		line = $0
		sub(/^ +/, "", line)
		texts[n] = texts[n] " " line
		next
	}
	END {
		upper = toupper(cmd)
		printf ".TH BATON\\-%s 1 \"\" \"baton %s\" \"baton manual\"\n", esc(upper), version
		print ".SH NAME"
		printf "baton\\-%s \\- %s\n", esc(cmd), esc(summary)
		print ".SH SYNOPSIS"
		printf ".B baton\n[\\fIGLOBAL OPTION\\fR...]\n.B %s\n[\\fIOPTION\\fR...] %s\n", esc(cmd), esc(synopsis)
		print ".SH DESCRIPTION"
		printf "%s.\n", esc(toupper(substr(summary, 1, 1)) substr(summary, 2))
		print "The global options (\\fB\\-\\-root\\fR, \\fB\\-\\-log\\fR, \\fB\\-\\-systemd\\-cgroup\\fR, ...) are described in"
		print ".BR baton (1)."
		if (n) {
			print ".SH OPTIONS"
			for (i = 1; i <= n; i++) {
				f = esc(opts[i])
				gsub(/, /, "\\fR, \\fB", f)
				printf ".TP\n\\fB%s\\fR\n%s\n", f, esc(texts[i])
			}
		}
		print ".SH SEE ALSO"
		print ".BR baton (1)"
	}'
