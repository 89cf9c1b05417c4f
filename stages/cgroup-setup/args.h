/* cgroup-setup's inputs: from the orchestrator's fds, or from the command line. */
#ifndef CGROUP_SETUP_ARGS_H
#define CGROUP_SETUP_ARGS_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "plan.h"

struct cgroup_setup_args {
	const char *plan_file; /* --plan FILE, or NULL when run by the orchestrator */
	int plan_fd;	       /* BATON_FD_PLAN */
	int sync;	       /* BATON_FD_SYNC: the join files go there; else -1 */
	pid_t pid;	       /* --pid; 0 = create and configure only */
	bool remove;	       /* --remove */
	bool oom_kills;	       /* --oom-kills */
};

int parse_args(int argc, char **argv, struct cgroup_setup_args *args, struct stage_error *err);

int load_plan(const struct cgroup_setup_args *args, struct plan *plan, struct stage_error *err);

#endif
