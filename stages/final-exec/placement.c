#include "placement.h"

#include <errno.h>
#include <limits.h>
#include <linux/ioprio.h>
#include <linux/mempolicy.h>
#include <linux/sched.h>
#include <sched.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "stage.h"

static int load_scheduler(struct sched_spec *s, const struct plan *plan, struct stage_error *err)
{
	const struct plan_entry *e = plan_get(plan, "process.scheduler");
	uint64_t policy, priority;
	int64_t nice;

	if (!e)
		return 0;
	s->policy_name = plan_field(e, 0);
	if (plan_field_u64(e, 1, &policy, err) < 0 || plan_field_i64(e, 2, &nice, err) < 0 ||
	    plan_field_u64(e, 3, &priority, err) < 0 || plan_field_u64(e, 4, &s->flags, err) < 0 ||
	    plan_field_u64(e, 5, &s->runtime, err) < 0 ||
	    plan_field_u64(e, 6, &s->deadline, err) < 0 ||
	    plan_field_u64(e, 7, &s->period, err) < 0)
		return -1;
	if (policy > UINT32_MAX || nice < -20 || nice > 19 || priority > 99)
		return stage_fail(err, EINVAL, "plan: line %u: scheduler out of range", e->line);
	s->has_scheduler = true;
	s->policy = (uint32_t)policy;
	s->nice = (int32_t)nice;
	s->priority = (uint32_t)priority;
	return 0;
}

static int load_io_priority(struct sched_spec *s, const struct plan *plan, struct stage_error *err)
{
	const struct plan_entry *e = plan_get(plan, "process.io-priority");
	uint64_t class, level;

	if (!e)
		return 0;
	s->io_class_name = plan_field(e, 0);
	if (plan_field_u64(e, 1, &class, err) < 0 || plan_field_u64(e, 2, &level, err) < 0)
		return -1;
	if (class > IOPRIO_CLASS_IDLE || level > 7)
		return stage_fail(err, EINVAL, "plan: line %u: I/O priority out of range", e->line);
	s->has_io_priority = true;
	s->io_priority = IOPRIO_PRIO_VALUE(class, level);
	return 0;
}

static int load_id_list(const struct plan *plan, const char *key, const char **text,
			struct idset *set, struct stage_error *err)
{
	unsigned long bad;

	*text = plan_str(plan, key, NULL);
	if (!*text)
		return 0;
	if (idset_parse(*text, ULONG_MAX, set, &bad) < 0)
		return stage_fail(err, errno, "plan: `%s` is not an id list: `%s`", key, *text);
	return 0;
}

static int load_memory_policy(struct sched_spec *s, const struct plan *plan,
			      struct stage_error *err)
{
	const struct plan_entry *e = plan_get(plan, "memory-policy");
	uint64_t mode, flags;
	unsigned long bad;

	if (!e)
		return 0;
	s->mempolicy_name = plan_field(e, 0);
	s->nodes_text = plan_field(e, 3);
	if (plan_field_u64(e, 1, &mode, err) < 0 || plan_field_u64(e, 2, &flags, err) < 0)
		return -1;
	if (mode > 32 || flags > INT_MAX)
		return stage_fail(err, EINVAL, "plan: line %u: memory policy out of range",
				  e->line);
	if (idset_parse(s->nodes_text, ULONG_MAX, &s->nodes, &bad) < 0)
		return stage_fail(err, errno, "plan: line %u: not a node list: `%s`", e->line,
				  s->nodes_text);
	s->has_memory_policy = true;
	s->mempolicy = (int)(mode | flags);
	return 0;
}

int sched_spec_load(struct sched_spec *s, const struct plan *plan, struct stage_error *err)
{
	memset(s, 0, sizeof(*s));
	s->initial.highest = s->final.highest = s->nodes.highest = -1;
	if (load_scheduler(s, plan, err) < 0 || load_io_priority(s, plan, err) < 0 ||
	    load_id_list(plan, "process.cpu-affinity.initial", &s->cpus_initial, &s->initial, err) <
		0 ||
	    load_id_list(plan, "process.cpu-affinity.final", &s->cpus_final, &s->final, err) < 0 ||
	    load_memory_policy(s, plan, err) < 0)
		return -1;
	return 0;
}

void sched_spec_release(struct sched_spec *s)
{
	idset_release(&s->initial);
	idset_release(&s->final);
	idset_release(&s->nodes);
}

/*
 * musl has no sched_setattr wrapper; the struct is the kernel's UAPI one
 * (linux/sched/types.h, which clashes with musl's <sched.h>).
 */
struct kernel_sched_attr {
	uint32_t size;
	uint32_t sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime, sched_deadline, sched_period;
	uint32_t sched_util_min, sched_util_max; /* SCHED_ATTR_SIZE_VER1 */
};
#define SCHED_ATTR_SIZE_VER0 48
#define SCHED_ATTR_SIZE_VER1 56

/* EPERM/EBUSY: no CAP_SYS_NICE, or no bandwidth left (rt throttling, a cgroup's rt budget). */
static int scheduler_refused(const struct sched_spec *s, int e, struct stage_error *err)
{
	static const char why[] = "refused here (needs CAP_SYS_NICE and the cpu bandwidth the "
				  "kernel keeps for real-time tasks)";

	if (e != EPERM && e != EBUSY)
		return stage_fail(err, e, "process.scheduler: sched_setattr %s", s->policy_name);
	if (s->policy == SCHED_DEADLINE)
		return stage_fail(err, e,
				  "process.scheduler: sched_setattr SCHED_DEADLINE (runtime %llu, "
				  "deadline %llu, period %llu): %s",
				  (unsigned long long)s->runtime, (unsigned long long)s->deadline,
				  (unsigned long long)s->period, why);
	return stage_fail(err, e, "process.scheduler: sched_setattr %s (priority %u): %s",
			  s->policy_name, s->priority, why);
}

int apply_scheduler(const struct sched_spec *s, struct stage_error *err)
{
	struct kernel_sched_attr attr = {
	    .size = SCHED_ATTR_SIZE_VER0,
	    .sched_policy = s->policy,
	    .sched_flags = s->flags,
	    .sched_nice = s->nice,
	    .sched_priority = s->priority,
	    .sched_runtime = s->runtime,
	    .sched_deadline = s->deadline,
	    .sched_period = s->period,
	};

	if (!s->has_scheduler)
		return 0;
	/* the spec gives no clamp values: the flags reset the clamps to the defaults */
	if (s->flags & SCHED_FLAG_UTIL_CLAMP) {
		attr.size = SCHED_ATTR_SIZE_VER1;
		attr.sched_util_min = attr.sched_util_max = UINT32_MAX;
	}
	if (syscall(SYS_sched_setattr, 0, &attr, 0) < 0)
		return scheduler_refused(s, errno, err);
	stage_debug("scheduler %s nice %d priority %u flags 0x%llx", s->policy_name, s->nice,
		    s->priority, (unsigned long long)s->flags);
	return 0;
}

int apply_io_priority(const struct sched_spec *s, struct stage_error *err)
{
	if (!s->has_io_priority)
		return 0;
	if (syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, s->io_priority) < 0)
		return stage_fail(err, errno, "process.ioPriority: ioprio_set %s level %d",
				  s->io_class_name, (int)IOPRIO_PRIO_DATA(s->io_priority));
	stage_debug("I/O priority %s level %d", s->io_class_name,
		    (int)IOPRIO_PRIO_DATA(s->io_priority));
	return 0;
}

int apply_cpu_affinity(const char *key, const char *list, const struct idset *cpus,
		       struct stage_error *err)
{
	if (!list)
		return 0;
	if (sched_setaffinity(0, cpus->nwords * sizeof(unsigned long), (cpu_set_t *)cpus->words) <
	    0)
		return stage_fail(err, errno, "%s: sched_setaffinity `%s`", key, list);
	stage_debug("cpu affinity `%s` (%s)", list, key);
	return 0;
}

int apply_memory_policy(const struct sched_spec *s, struct stage_error *err)
{
	if (!s->has_memory_policy)
		return 0;
	/* maxnode counts bits; the kernel reads one short of it (mm/mempolicy.c get_nodes) */
	if (syscall(SYS_set_mempolicy, s->mempolicy, s->nodes.nwords ? s->nodes.words : NULL,
		    s->nodes.nwords ? s->nodes.nwords * sizeof(unsigned long) * CHAR_BIT + 1 : 0) <
	    0)
		return stage_fail(err, errno, "linux.memoryPolicy: set_mempolicy %s nodes `%s`",
				  s->mempolicy_name, s->nodes_text);
	stage_debug("memory policy %s (0x%x) nodes `%s`", s->mempolicy_name, s->mempolicy,
		    s->nodes_text);
	return 0;
}
