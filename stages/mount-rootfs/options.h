/* mount-rootfs: its inputs, from the fd contract or the command line. */
#ifndef BATON_MOUNT_ROOTFS_OPTIONS_H
#define BATON_MOUNT_ROOTFS_OPTIONS_H

#include <stdbool.h>

#include "error.h"
#include "plan.h"

struct options {
	const char *plan_file; /* --plan: run alone, from files */
	const char *next_file; /* --next */
	bool no_pivot;	       /* --no-pivot or BATON_NO_PIVOT=1 */
};

int parse_args(int argc, char **argv, struct options *opt, struct stage_error *err);
/* From --plan (copied into a sealed memfd exported as BATON_FD_PLAN for the
 * next stage) or from BATON_FD_PLAN. */
int load_plan(const struct options *opt, struct plan *plan, struct stage_error *err);
/* The exec fd of final-exec, opened before any mount; FD_ABSENT when run
 * alone without --next. */
int open_next_stage(const struct options *opt, struct stage_error *err);

#endif
