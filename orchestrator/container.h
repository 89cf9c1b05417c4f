#ifndef BATON_CONTAINER_H
#define BATON_CONTAINER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "baton.h"
#include "cgroup.h"

/* the eight namespace types, and the root of a container without a mount namespace */
#define MAX_JOIN 9
/* join_type of that root: exec chroots into it, as the container did */
#define JOIN_ROOT 0
#define MAX_KEEP  16

/* Everything the container process needs, prepared before clone3. */
struct container_spawn {
	uint64_t new_ns;       /* CLONE_NEW* to create */
	int join_fd[MAX_JOIN]; /* namespaces to join, user first, mount last */
	int join_type[MAX_JOIN];
	int join_index[MAX_JOIN]; /* its linux.namespaces[N], for errors; -1 for exec's joins */
	unsigned njoin;
	bool slow;
	bool in_userns; /* new or joined: become its root after GO */ /* setns/unshare/fork inside
									 instead of one clone3 */
	char time_offsets[256]; /* for /proc/self/timens_offsets, "" if none */
	int sync;		/* the container's end of the sync socket */
	int first_exe;		/* the first child stage, opened before any ns change */
	int self_exe;		/* a sealed copy of baton, when the process is exposed */
	const char *first_name;
	char **envp;		   /* the child chain's environment */
	struct cgroup_join cgroup; /* what the clone does not take is joined by the child */
	/* run.oci.delegate-cgroup's cgroup.procs: entered once the cgroup namespace
	 * exists (rooted at the container's cgroup), or -1 */
	int delegate_procs;
	int keep[MAX_KEEP]; /* fds of the child chain's contract */
	unsigned nkeep;
	unsigned preserve_fds;
};

/* Build new_ns/joins/slow from the plan's namespace and time-offset records. */
int container_spawn_from_plan(struct container_spawn *cs, const struct plan *plan, pid_t join_pid,
			      struct stage_error *err);
/*
 * clone3 the container process. Returns its pid in the parent; in the slow
 * path the pid comes in a PID record from the intermediate process
 * (*helper is that process, to be reaped). The child never returns.
 */
pid_t container_clone(struct container_spawn *cs, int parent_sync, pid_t *helper,
		      struct stage_error *err);

/* True when the container process joins a pid namespace others live in. */
bool container_exposed(const struct container_spawn *cs);
/* From clone to the exec of the first stage; never returns. */
__attribute__((noreturn)) void container_continue(struct container_spawn *cs);
/* container_reexec.c: re-exec from cs->self_exe (returns only on failure). */
void container_reexec(struct container_spawn *cs);
bool container_enter_requested(int argc, char **argv);
int container_enter(int argc, char **argv); /* returns only on bad arguments */

#endif
