/* The types of the pipeline declaration (schemas/pipeline.tsv). */
#ifndef BATON_PIPELINE_H
#define BATON_PIPELINE_H

#include <stdbool.h>

#include "fdenv.h"

enum stage_side { SIDE_HOST, SIDE_SELF, SIDE_CHILD };
enum stage_when {
	WHEN_ALWAYS,
	WHEN_SECCOMP,
	WHEN_USERNS,
	WHEN_CGROUP,
	WHEN_CGROUPFS,
	WHEN_SYSTEMD,
	WHEN_HOOKS,
	WHEN_IDMAP
};

struct fd_decl {
	const char *name;
	enum fd_kind kind;
	bool optional;
};

struct stage_decl {
	const char *name;
	enum stage_side side;
	enum stage_when when;
	const char *after[6];
	struct fd_decl fds[10];
	bool in_create; /* part of create/run */
	bool in_exec;	/* part of exec */
};

/* The declaration, for `baton --debug` and the trace. */
const struct stage_decl *pipeline_stages(unsigned *n);

#endif
