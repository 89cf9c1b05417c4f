/*
 * What final-exec needs from the plan, read once and checked before any side
 * effect, so that a bad plan fails while nothing has changed yet. Strings
 * point into the plan, which must outlive the spec.
 */
#ifndef BATON_FINAL_EXEC_SPEC_H
#define BATON_FINAL_EXEC_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"
#include "plan.h"
#include "placement.h"

struct rlimit_spec {
	const char *name; /* RLIMIT_NOFILE, for messages */
	int resource;
	uint64_t soft, hard;
};

struct cap_sets {
	uint64_t bounding, effective, inheritable, permitted, ambient;
};

struct process_spec {
	const char *id;
	char **argv; /* NULL-terminated */
	char **envp; /* NULL-terminated, exactly process.env */
	const char *cwd;
	uid_t uid;
	gid_t gid;
	gid_t *groups;
	size_t ngroups;
	bool has_umask;
	mode_t umask;
	struct cap_sets caps;
	struct rlimit_spec *rlimits;
	size_t nrlimits;
	bool no_new_privileges;
	bool has_oom_score_adj;
	int oom_score_adj;
	bool has_personality;
	unsigned long personality;
	unsigned seccomp_flags;	 /* SECCOMP_FILTER_FLAG_* from seccomp.flag */
	bool keep_groups;	 /* run.oci.keep_original_groups: no setgroups */
	struct sched_spec sched; /* scheduler, I/O priority, affinity, memory policy */
};

int process_spec_load(struct process_spec *spec, const struct plan *plan, struct stage_error *err);
void process_spec_release(struct process_spec *spec);

static inline void cleanup_process_spec(struct process_spec *spec)
{
	process_spec_release(spec);
}
#define autospec __attribute__((cleanup(cleanup_process_spec)))

/* The value of NAME in a NULL-terminated environment, or NULL. */
const char *env_lookup(char *const *envp, const char *name);

#endif
