/* What each declared stage will do, read from the plan, for `baton plan`. */
#ifndef BATON_PLAN_STAGES_H
#define BATON_PLAN_STAGES_H

#include <stddef.h>

#include "baton.h"
#include "pipeline.h"
#include "plan_view.h"

struct plan_context {
	const struct global_opts *g;
	const struct plan *plan;
	size_t plan_bytes;
	const char *config_path; /* what parse-config read */
};

/*
 * The "does" members of stage d into the open section; -1 with err where
 * create would fail on this host at that stage (cgroup files it cannot map).
 */
int plan_show_stage(struct view *v, const struct plan_context *ctx, const struct stage_decl *d,
		    struct stage_error *err);

#endif
