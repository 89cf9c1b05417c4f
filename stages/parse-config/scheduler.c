/*
 * Where and when the process runs: process.scheduler, process.ioPriority and
 * process.execCPUAffinity. Checked here, applied by final-exec (sched.c).
 */
#include <linux/ioprio.h>
#include <linux/sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "rules.h"

static const struct name_value policies[] = {
    {"SCHED_OTHER", SCHED_NORMAL}, {"SCHED_BATCH", SCHED_BATCH}, {"SCHED_IDLE", SCHED_IDLE},
    {"SCHED_FIFO", SCHED_FIFO},	   {"SCHED_RR", SCHED_RR},	 {"SCHED_DEADLINE", SCHED_DEADLINE},
};

/* The runtime-spec's list, which is the kernel's sched_attr flags. */
static const struct name_value sched_flags[] = {
    {"SCHED_FLAG_RESET_ON_FORK", SCHED_FLAG_RESET_ON_FORK},
    {"SCHED_FLAG_RECLAIM", SCHED_FLAG_RECLAIM},
    {"SCHED_FLAG_DL_OVERRUN", SCHED_FLAG_DL_OVERRUN},
    {"SCHED_FLAG_KEEP_POLICY", SCHED_FLAG_KEEP_POLICY},
    {"SCHED_FLAG_KEEP_PARAMS", SCHED_FLAG_KEEP_PARAMS},
    {"SCHED_FLAG_UTIL_CLAMP_MIN", SCHED_FLAG_UTIL_CLAMP_MIN},
    {"SCHED_FLAG_UTIL_CLAMP_MAX", SCHED_FLAG_UTIL_CLAMP_MAX},
};

static const struct name_value io_classes[] = {
    {"IOPRIO_CLASS_RT", IOPRIO_CLASS_RT},
    {"IOPRIO_CLASS_BE", IOPRIO_CLASS_BE},
    {"IOPRIO_CLASS_IDLE", IOPRIO_CLASS_IDLE},
};

static int sched_flag_bits(struct pc *pc, const struct jnode *sched, uint64_t *bits)
{
	const struct jnode *arr, *v;
	char p[JPATH_MAX];
	int i = 0;

	*bits = 0;
	if (jm_array(sched, "process.scheduler", "flags", &arr, pc->err) < 0)
		return -1;
	jnode_foreach(v, arr)
	{
		const struct name_value *flag;
		const char *name;

		if (jv_string(v, jpath_idx(p, "process.scheduler.flags", i++), &name, pc->err) < 0)
			return -1;
		flag = NAME_FIND(sched_flags, name);
		if (!flag)
			return stage_fail(pc->err, 0, "%s: unknown scheduler flag \"%s\"", p, name);
		*bits |= flag->value;
	}
	return 0;
}

static int parse_scheduler(struct pc *pc, const struct jnode *proc)
{
	const struct jnode *sched;
	const struct name_value *policy;
	const char *name = NULL;
	int64_t nice = 0, priority = 0;
	uint64_t flags, runtime = 0, deadline = 0, period = 0;
	char f[7][NUM_MAX];

	if (jm_object(proc, "process", "scheduler", &sched, pc->err) < 0)
		return -1;
	if (!sched)
		return 0;
	if (jm_string(sched, "process.scheduler", "policy", &name, pc->err) < 0 ||
	    jm_i64(sched, "process.scheduler", "nice", -20, 19, &nice, NULL, pc->err) < 0 ||
	    jm_i64(sched, "process.scheduler", "priority", INT32_MIN, INT32_MAX, &priority, NULL,
		   pc->err) < 0 ||
	    jm_u64(sched, "process.scheduler", "runtime", UINT64_MAX, &runtime, NULL, pc->err) <
		0 ||
	    jm_u64(sched, "process.scheduler", "deadline", UINT64_MAX, &deadline, NULL, pc->err) <
		0 ||
	    jm_u64(sched, "process.scheduler", "period", UINT64_MAX, &period, NULL, pc->err) < 0 ||
	    sched_flag_bits(pc, sched, &flags) < 0)
		return -1;
	if (!name || !*name)
		return stage_fail(pc->err, 0, "process.scheduler.policy: required");
	policy = NAME_FIND(policies, name);
	if (!policy)
		return stage_fail(pc->err, 0, "process.scheduler.policy: unknown policy \"%s\"",
				  name);
	if (rule_sched_priority(name, priority, pc->err) < 0)
		return -1;
	if (policy->value == SCHED_DEADLINE &&
	    rule_sched_deadline(runtime, deadline, period, pc->err) < 0)
		return -1;
	plan_emit(pc->out, "process.scheduler", name, fmt_u64(f[0], policy->value),
		  fmt_i64(f[1], nice), fmt_i64(f[2], priority), fmt_hex(f[3], flags),
		  fmt_u64(f[4], runtime), fmt_u64(f[5], deadline), fmt_u64(f[6], period), NULL);
	return 0;
}

static int parse_io_priority(struct pc *pc, const struct jnode *proc)
{
	const struct jnode *io;
	const struct name_value *class;
	const char *name = NULL;
	int64_t priority = 0;
	char c[NUM_MAX], n[NUM_MAX];

	if (jm_object(proc, "process", "ioPriority", &io, pc->err) < 0)
		return -1;
	if (!io)
		return 0;
	if (jm_string(io, "process.ioPriority", "class", &name, pc->err) < 0 ||
	    jm_i64(io, "process.ioPriority", "priority", 0, 7, &priority, NULL, pc->err) < 0)
		return -1;
	if (!name)
		return stage_fail(pc->err, 0, "process.ioPriority.class: required");
	class = NAME_FIND(io_classes, name);
	if (!class)
		return stage_fail(pc->err, 0, "process.ioPriority.class: unknown class \"%s\"",
				  name);
	plan_emit(pc->out, "process.io-priority", name, fmt_u64(c, class->value),
		  fmt_i64(n, priority), NULL);
	return 0;
}

/* The ids sched_setaffinity can take here: every cpu the kernel may bring online. */
static unsigned long host_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_CONF);

	return n > 0 ? (unsigned long)n : 1;
}

static int parse_cpu_list(struct pc *pc, const struct jnode *aff, const char *key,
			  const char *record)
{
	const char *list = NULL;
	char p[JPATH_MAX];

	if (jm_string(aff, "process.execCPUAffinity", key, &list, pc->err) < 0)
		return -1;
	if (!list)
		return 0;
	jpath_key(p, "process.execCPUAffinity", key);
	if (!*list)
		return stage_fail(pc->err, 0, "%s: an empty cpu list", p);
	if (rule_id_list(p, list, host_cpus(), "cpus", pc->err) < 0)
		return -1;
	plan_emit(pc->out, record, list, NULL);
	return 0;
}

static int parse_cpu_affinity(struct pc *pc, const struct jnode *proc)
{
	const struct jnode *aff;

	if (jm_object(proc, "process", "execCPUAffinity", &aff, pc->err) < 0)
		return -1;
	if (!aff)
		return 0;
	if (parse_cpu_list(pc, aff, "initial", "process.cpu-affinity.initial") < 0 ||
	    parse_cpu_list(pc, aff, "final", "process.cpu-affinity.final") < 0)
		return -1;
	return 0;
}

int parse_process_sched(struct pc *pc, const struct jnode *proc)
{
	if (parse_scheduler(pc, proc) < 0 || parse_io_priority(pc, proc) < 0 ||
	    parse_cpu_affinity(pc, proc) < 0)
		return -1;
	return 0;
}
