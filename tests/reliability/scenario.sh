#!/usr/bin/env bash
# The scenarios of the reliability lane, run under tests/tools/reaper by the
# .bats files (so that any process they leave is seen). Each prints KEY=VALUE
# lines for the test to check. Needs BATON, STATE_ROOT and BUNDLE.
#
#   scenario.sh kill-create DELAY ID    create, SIGKILLed after DELAY s; delete -f
#   scenario.sh kill-init DELAY ID      create; start, the init SIGKILLed after DELAY s; delete -f
#   scenario.sh race-delete DELAY ID    create; start and, after DELAY s, delete -f at once
#   scenario.sh kill-delete DELAY ID    run -d; delete -f SIGKILLed after DELAY s; delete -f
#   scenario.sh kill-exec DELAY ID      run -d; exec SIGKILLed after DELAY s; delete -f
#   scenario.sh cycles N PREFIX         N x create, start, delete (of a program that exits)
#   scenario.sh execs N ID              run ID, N x exec /bin/true, measuring fds; delete -f
#   scenario.sh run-loop N PREFIX       N x run
set -u

b() {
	"$BATON" --root "$STATE_ROOT" "$@" </dev/null 3>&-
}

# delete -f, which may find the container gone already; prints delete=...
delete_force() {
	local out
	if out=$(b delete -f "$1" 2>&1); then
		echo "delete=ok"
	elif [[ $out == *"does not exist"* ]]; then
		echo "delete=absent"
	else
		echo "delete=failed: $out"
	fi
}

fds() {
	find "/proc/$1/fd" -mindepth 1 -maxdepth 1 | wc -l
}

init_pid() {
	b state "$1" 2>/dev/null | sed -n 's/.*"pid": *\([0-9]*\).*/\1/p'
}

case $1 in
kill-create)
	timeout --foreground -s KILL "$2" "$BATON" --root "$STATE_ROOT" create --bundle "$BUNDLE" "$3" \
		>/dev/null 2>&1 </dev/null 3>&-
	echo "create=$?"
	delete_force "$3"
	;;
kill-init)
	b create --bundle "$BUNDLE" "$3" >/dev/null 2>&1 || {
		echo "create=failed"
		exit 1
	}
	pid=$(init_pid "$3")
	b start "$3" >/dev/null 2>&1 &
	sleep "$2"
	kill -KILL "$pid"
	wait
	echo "start=$?"
	delete_force "$3"
	;;
race-delete)
	b create --bundle "$BUNDLE" "$3" >/dev/null 2>&1 || {
		echo "create=failed"
		exit 1
	}
	b start "$3" >/dev/null 2>&1 &
	sleep "$2"
	delete_force "$3" | sed 's/^delete=/racing-delete=/'
	wait
	delete_force "$3"
	;;
kill-delete | kill-exec)
	b run -d --bundle "$BUNDLE" "$3" >/dev/null 2>&1 || {
		echo "run=failed"
		exit 1
	}
	if [[ $1 == kill-delete ]]; then
		set -- "$2" "$3" delete -f "$3"
	else
		set -- "$2" "$3" exec "$3" /bin/sh -c 'sleep 0.2'
	fi
	timeout --foreground -s KILL "$1" "$BATON" --root "$STATE_ROOT" "${@:3}" >/dev/null 2>&1 </dev/null 3>&-
	echo "killed=$?"
	delete_force "$2"
	;;
cycles)
	start=$(date +%s%N)
	for ((i = 0; i < $2; i++)); do
		id=$3-$i
		b create --bundle "$BUNDLE" "$id" >/dev/null || exit 1
		b start "$id" >/dev/null || exit 1
		# the program exits on its own: delete once it has
		tries=0
		until b delete "$id" 2>/dev/null; do
			((tries++ < 400)) || {
				echo "delete of $id never succeeded" >&2
				exit 1
			}
			sleep 0.005
		done
	done
	echo "ms_per_cycle=$((($(date +%s%N) - start) / 1000000 / $2))"
	;;
execs)
	b run -d --bundle "$BUNDLE" "$3" >/dev/null 2>&1 || exit 1
	pid=$(init_pid "$3")
	echo "init_fds_before=$(fds "$pid")"
	# baton's own fds, while an exec runs in the foreground
	"$BATON" --root "$STATE_ROOT" exec "$3" /bin/sleep 0.5 </dev/null 3>&- &
	sleep 0.25
	echo "baton_fds_first=$(fds $!)"
	wait
	start=$(date +%s%N)
	for ((i = 0; i < $2; i++)); do
		b exec "$3" /bin/true || exit 1
	done
	echo "ms_per_exec=$((($(date +%s%N) - start) / 1000000 / $2))"
	"$BATON" --root "$STATE_ROOT" exec "$3" /bin/sleep 0.5 </dev/null 3>&- &
	sleep 0.25
	echo "baton_fds_last=$(fds $!)"
	wait
	echo "init_fds_after=$(fds "$pid")"
	delete_force "$3"
	;;
run-loop)
	for ((i = 0; i < $2; i++)); do
		b run --bundle "$BUNDLE" "$3-$i" >/dev/null 2>&1 || {
			echo "run of $3-$i failed: $?"
			exit 1
		}
	done
	echo "runs=$2"
	;;
*)
	echo "usage: see the header of $0" >&2
	exit 2
	;;
esac
