/*
 * Where and when the user's process runs: the scheduler (sched_setattr), the
 * I/O priority (ioprio_set), the cpu affinity (sched_setaffinity) and the
 * NUMA memory policy (set_mempolicy), from the plan's records that
 * parse-config checked. Loaded before any side effect, applied as steps.
 */
#ifndef BATON_FINAL_EXEC_PLACEMENT_H
#define BATON_FINAL_EXEC_PLACEMENT_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "idset.h"
#include "plan.h"

struct sched_spec {
	bool has_scheduler;
	const char *policy_name; /* SCHED_FIFO, for messages */
	uint32_t policy;
	int32_t nice;
	uint32_t priority;
	uint64_t flags, runtime, deadline, period;

	bool has_io_priority;
	const char *io_class_name;
	int io_priority; /* IOPRIO_PRIO_VALUE(class, level) */

	const char *cpus_initial, *cpus_final; /* the lists, or NULL */
	struct idset initial, final;

	bool has_memory_policy;
	const char *mempolicy_name;
	int mempolicy; /* mode | flags */
	const char *nodes_text;
	struct idset nodes;
};

int sched_spec_load(struct sched_spec *s, const struct plan *plan, struct stage_error *err);
void sched_spec_release(struct sched_spec *s);

int apply_scheduler(const struct sched_spec *s, struct stage_error *err);
int apply_io_priority(const struct sched_spec *s, struct stage_error *err);
/* list: the plan's text, for messages; NULL: nothing to do */
int apply_cpu_affinity(const char *key, const char *list, const struct idset *cpus,
		       struct stage_error *err);
int apply_memory_policy(const struct sched_spec *s, struct stage_error *err);

#endif
