/*
 * The arguments of the host stages that act on the container process
 * (userns-map, idmap-mounts, net-devices): from the orchestrator its
 * contract, BATON_FD_PLAN, BATON_FD_SYNC and BATON_PID; run alone,
 * `--plan FILE --pid PID`.
 */
#ifndef BATON_TARGET_H
#define BATON_TARGET_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "plan.h"

struct stage_target {
	const char *plan_file; /* --plan FILE, run alone */
	int plan_fd, sync;     /* from the orchestrator; -1 run alone */
	pid_t pid;	       /* BATON_PID or --pid; 0 when not needed and not given */
};

/*
 * No arguments with BATON_FD_PLAN set: the orchestrator's contract. Else
 * `--plan FILE --pid PID` in any order (--pid optional unless need_pid);
 * usage is the stage's usage line for the error.
 */
int stage_target_args(int argc, char **argv, const char *usage, bool need_pid,
		      struct stage_target *t, struct stage_error *err);

/* The plan: from --plan's file, or the orchestrator's fd. */
int stage_target_plan(const struct stage_target *t, struct plan *plan, struct stage_error *err);

#endif
