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
	WHEN_IDMAP,
	WHEN_NETDEVICES
};

struct fd_decl {
	const char *name;
	enum fd_kind kind;
	bool optional;
};

struct stage_decl {
	const char *name;
	enum stage_side side;
	const char *libc; /* musl, glibc, or `-` for the orchestrator's own steps */
	enum stage_when when;
	const char *after[6];
	struct fd_decl fds[10];
	bool in_create; /* part of create/run */
	bool in_exec;	/* part of exec */
};

/* The declaration, for `baton --debug`, the trace and `baton plan`. */
const struct stage_decl *pipeline_stages(unsigned *n);

struct global_opts;
struct plan;
/* pipeline_when.c: does stage d run for this plan (its `when` column)? */
bool pipeline_condition_holds(const struct global_opts *g, const struct plan *plan,
			      const struct stage_decl *d);
/* Does the container get a cgroup of its own (the `cgroup` condition)? */
bool pipeline_manages_cgroups(const struct global_opts *g, const struct plan *plan);
/* The `when` word of d (`seccomp`), and what it means when it holds or not. */
const char *pipeline_condition_name(const struct stage_decl *d);
const char *pipeline_condition_text(const struct global_opts *g, const struct stage_decl *d,
				    bool holds);

#endif
