# bash completion for baton(1). Commands and flags come from baton's own
# --help texts, container ids from `baton list -q` (with the --root given on
# the line), so the completion cannot drift from the binary it completes.

# The words of `baton [--root R] CMD --help` that look like long options.
_baton_flags() {
	"${_baton_cmd[@]}" "$@" --help 2>/dev/null |
		grep -oE '(^|[[:space:]\[])--?[a-zA-Z][a-zA-Z0-9-]*' | tr -d ' \t[' | sort -u
}

_baton_commands() {
	"${_baton_cmd[@]}" --help 2>/dev/null |
		awk '/^COMMANDS:/ {on = 1; next} /^$/ {on = 0} on && NF {print $1}'
}

_baton_ids() {
	"${_baton_cmd[@]}" list -q 2>/dev/null
}

_baton_signals() {
	local s
	for s in $(compgen -A signal); do
		[[ $s == SIG* ]] && echo "${s#SIG}"
	done
}

_baton() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local i word cmd= args=0
	_baton_cmd=("${COMP_WORDS[0]}")
	COMPREPLY=()

	# the global options before the command, and the command itself
	for ((i = 1; i < COMP_CWORD; i++)); do
		word=${COMP_WORDS[i]}
		if [[ -z $cmd ]]; then
			case $word in
			--root) _baton_cmd+=(--root "${COMP_WORDS[i + 1]}") ;&
			--log | --log-format | --log-level | --trace | --cgroup-manager) ((i++)) ;;
			--root=*) _baton_cmd+=("$word") ;;
			-*) ;;
			*) cmd=$word ;;
			esac
		elif [[ $word != -* ]]; then
			((args++))
		fi
	done

	if [[ -z $cmd ]]; then
		case $prev in
		--root | --trace | --log) mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;;
		--log-format) mapfile -t COMPREPLY < <(compgen -W 'text json' -- "$cur") ;;
		--log-level) mapfile -t COMPREPLY < <(compgen -W 'error warning debug' -- "$cur") ;;
		--cgroup-manager) mapfile -t COMPREPLY < <(compgen -W 'cgroupfs systemd disabled' -- "$cur") ;;
		*)
			if [[ $cur == -* ]]; then
				mapfile -t COMPREPLY < <(compgen -W "$(_baton_flags)" -- "$cur")
			else
				mapfile -t COMPREPLY < <(compgen -W "$(_baton_commands)" -- "$cur")
			fi
			;;
		esac
		return 0
	fi

	# an option's value: directories and files
	case $prev in
	-b | --bundle | --image-path | --work-path | --parent-path)
		mapfile -t COMPREPLY < <(compgen -d -- "$cur")
		return 0
		;;
	--config | --pid-file | --console-socket | --process | -r | --resources)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return 0
		;;
	esac
	if [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$(_baton_flags "$cmd")" -- "$cur")
		return 0
	fi
	case $cmd in
	spec | features | list) ;;
	create | run | restore) ;; # a new id: nothing to offer
	kill)
		if ((args == 0)); then
			mapfile -t COMPREPLY < <(compgen -W "$(_baton_ids)" -- "$cur")
		elif ((args == 1)); then
			mapfile -t COMPREPLY < <(compgen -W "$(_baton_signals)" -- "$cur")
		fi
		;;
	exec)
		((args == 0)) && mapfile -t COMPREPLY < <(compgen -W "$(_baton_ids)" -- "$cur")
		;;
	stage)
		((args == 0)) && mapfile -t COMPREPLY < <(compgen -W \
			"$("${_baton_cmd[@]}" stage 2>&1 | awk '/^\t/ {print $1}')" -- "$cur")
		;;
	mounts)
		if ((args == 0)); then
			mapfile -t COMPREPLY < <(compgen -W 'add remove' -- "$cur")
		elif ((args == 1)); then
			mapfile -t COMPREPLY < <(compgen -W "$(_baton_ids)" -- "$cur")
		fi
		;;
	*)
		((args == 0)) && mapfile -t COMPREPLY < <(compgen -W "$(_baton_ids)" -- "$cur")
		;;
	esac
	return 0
}

complete -F _baton baton
