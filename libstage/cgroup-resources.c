/*
 * The pure half of the cgroup code: the plan's cgroup.resource and
 * cgroup.device records turned into the files to write for v1 or v2, with the
 * v1 to v2 conversions crun documents. No file system access here, so the
 * unit tests cover all of it.
 */
#include "cgroup.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "stage.h"

#define UNSET INT64_MIN

int cgroup_path_check(const char *path, struct stage_error *err)
{
	if (!path || path[0] != '/' || path[1] == '\0')
		return stage_fail(err, EINVAL, "cgroup path `%s`: must be absolute and not `/`",
				  path ? path : "");
	for (const char *p = path + 1;;) {
		size_t n = strcspn(p, "/");

		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return stage_fail(err, EINVAL,
					  "cgroup path `%s`: empty, `.` or `..` component", path);
		if (!p[n])
			return 0;
		p += n + 1;
	}
}

/* The plan's cgroup.resource values; UNSET where not given. */
struct limits {
	int64_t mem_limit, mem_reservation, mem_swap, swappiness, pids, shares, quota, period;
	bool oom_killer_off;
	const char *cpus, *mems;
};

static int64_t *limit_slot(struct limits *l, const char *name)
{
	static const struct {
		const char *name;
		size_t off;
	} slots[] = {
	    {"memory.limit", offsetof(struct limits, mem_limit)},
	    {"memory.reservation", offsetof(struct limits, mem_reservation)},
	    {"memory.swap", offsetof(struct limits, mem_swap)},
	    {"memory.swappiness", offsetof(struct limits, swappiness)},
	    {"pids.limit", offsetof(struct limits, pids)},
	    {"cpu.shares", offsetof(struct limits, shares)},
	    {"cpu.quota", offsetof(struct limits, quota)},
	    {"cpu.period", offsetof(struct limits, period)},
	};

	for (size_t i = 0; i < sizeof(slots) / sizeof(slots[0]); i++)
		if (strcmp(name, slots[i].name) == 0)
			return (int64_t *)((char *)l + slots[i].off);
	return NULL;
}

static int read_limit(struct limits *l, const struct plan_entry *e, struct stage_error *err)
{
	const char *name = plan_field(e, 0), *value = plan_field(e, 1);
	int64_t *slot = limit_slot(l, name);

	if (slot)
		return plan_field_i64(e, 1, slot, err);
	if (strcmp(name, "cpu.cpus") == 0)
		l->cpus = value;
	else if (strcmp(name, "cpu.mems") == 0)
		l->mems = value;
	else if (strcmp(name, "memory.disable-oom-killer") == 0)
		l->oom_killer_off = strcmp(value, "1") == 0 || strcmp(value, "true") == 0;
	else
		return stage_fail(err, 0, "linux.resources: `%s` is not supported yet", name);
	return 0;
}

static int read_limits(const struct plan *plan, struct limits *l, struct stage_error *err)
{
	*l = (struct limits){UNSET, UNSET, UNSET, UNSET, UNSET, UNSET,
			     UNSET, UNSET, false, NULL,	 NULL};
	plan_for_each(plan, "cgroup.resource", e)
	{
		if (read_limit(l, e, err) < 0)
			return -1;
	}
	return 0;
}

__attribute__((format(printf, 6, 7))) static void add_write(struct cgroup_write *w, size_t *n,
							    const char *controller,
							    const char *file, bool optional,
							    const char *fmt, ...)
{
	va_list ap;

	w[*n].controller = controller;
	w[*n].file = file;
	w[*n].optional = optional;
	va_start(ap, fmt);
	vsnprintf(w[*n].value, sizeof(w[*n].value), fmt, ap);
	va_end(ap);
	(*n)++;
}

uint64_t cgroup_shares_to_weight(uint64_t shares)
{
	if (shares < 2)
		shares = 2;
	if (shares > 262144)
		shares = 262144;
	return 1 + ((shares - 2) * 9999) / 262142;
}

static void v1_writes(const struct limits *l, struct cgroup_write *w, size_t *n)
{
	/* the limit first: memsw must never be below it */
	if (l->mem_limit != UNSET)
		add_write(w, n, "memory", "memory.limit_in_bytes", false, "%" PRId64, l->mem_limit);
	/* memsw exists only with swap accounting on (swapaccount=1) */
	if (l->mem_swap != UNSET && l->mem_swap != 0)
		add_write(w, n, "memory", "memory.memsw.limit_in_bytes", true, "%" PRId64,
			  l->mem_swap);
	if (l->mem_reservation != UNSET)
		add_write(w, n, "memory", "memory.soft_limit_in_bytes", false, "%" PRId64,
			  l->mem_reservation);
	if (l->swappiness != UNSET && l->swappiness >= 0)
		add_write(w, n, "memory", "memory.swappiness", false, "%" PRId64, l->swappiness);
	if (l->oom_killer_off)
		add_write(w, n, "memory", "memory.oom_control", false, "1");
	if (l->pids != UNSET) {
		if (l->pids > 0)
			add_write(w, n, "pids", "pids.max", false, "%" PRId64, l->pids);
		else
			add_write(w, n, "pids", "pids.max", false, "max");
	}
	if (l->shares != UNSET && l->shares != 0)
		add_write(w, n, "cpu", "cpu.shares", false, "%" PRId64, l->shares);
	/* the period first: the quota is checked against it */
	if (l->period != UNSET && l->period != 0)
		add_write(w, n, "cpu", "cpu.cfs_period_us", false, "%" PRId64, l->period);
	if (l->quota != UNSET && l->quota != 0)
		add_write(w, n, "cpu", "cpu.cfs_quota_us", false, "%" PRId64, l->quota);
	if (l->cpus && *l->cpus)
		add_write(w, n, "cpuset", "cpuset.cpus", false, "%s", l->cpus);
	if (l->mems && *l->mems)
		add_write(w, n, "cpuset", "cpuset.mems", false, "%s", l->mems);
}

/* OCI's swap is memory+swap; v2's memory.swap.max is the swap alone. */
static int v2_swap(const struct limits *l, struct cgroup_write *w, size_t *n,
		   struct stage_error *err)
{
	if (l->mem_swap == UNSET || l->mem_swap == 0)
		return 0;
	if (l->mem_swap < 0) {
		add_write(w, n, "memory", "memory.swap.max", false, "max");
		return 0;
	}
	if (l->mem_limit == UNSET || l->mem_limit <= 0)
		return stage_fail(err, EINVAL,
				  "linux.resources.memory.swap: needs a memory limit on cgroup v2");
	if (l->mem_swap < l->mem_limit)
		return stage_fail(err, EINVAL,
				  "linux.resources.memory.swap: %" PRId64
				  " is below the memory limit %" PRId64,
				  l->mem_swap, l->mem_limit);
	add_write(w, n, "memory", "memory.swap.max", false, "%" PRId64, l->mem_swap - l->mem_limit);
	return 0;
}

static void add_v2_max(struct cgroup_write *w, size_t *n, const char *controller, const char *file,
		       int64_t value)
{
	if (value < 0)
		add_write(w, n, controller, file, false, "max");
	else
		add_write(w, n, controller, file, false, "%" PRId64, value);
}

static int v2_writes(const struct limits *l, struct cgroup_write *w, size_t *n,
		     struct stage_error *err)
{
	if (l->mem_limit != UNSET)
		add_v2_max(w, n, "memory", "memory.max", l->mem_limit);
	if (v2_swap(l, w, n, err) < 0)
		return -1;
	if (l->mem_reservation != UNSET)
		add_v2_max(w, n, "memory", "memory.low", l->mem_reservation);
	if (l->swappiness != UNSET)
		stage_debug("memory.swappiness: no such knob on cgroup v2, skipped");
	if (l->oom_killer_off)
		stage_debug("memory.disable-oom-killer: no such knob on cgroup v2, skipped");
	if (l->pids != UNSET)
		add_v2_max(w, n, "pids", "pids.max", l->pids > 0 ? l->pids : -1);
	if (l->shares != UNSET && l->shares > 0)
		add_write(w, n, "cpu", "cpu.weight", false, "%" PRIu64,
			  cgroup_shares_to_weight((uint64_t)l->shares));
	if ((l->quota != UNSET && l->quota != 0) || (l->period != UNSET && l->period > 0)) {
		int64_t period = l->period != UNSET && l->period > 0 ? l->period : 100000;

		if (l->quota != UNSET && l->quota > 0)
			add_write(w, n, "cpu", "cpu.max", false, "%" PRId64 " %" PRId64, l->quota,
				  period);
		else
			add_write(w, n, "cpu", "cpu.max", false, "max %" PRId64, period);
	}
	if (l->cpus && *l->cpus)
		add_write(w, n, "cpuset", "cpuset.cpus", false, "%s", l->cpus);
	if (l->mems && *l->mems)
		add_write(w, n, "cpuset", "cpuset.mems", false, "%s", l->mems);
	return 0;
}

int cgroup_writes_from_plan(const struct plan *plan, bool v2, struct cgroup_write *writes,
			    size_t *nwrites, struct stage_error *err)
{
	struct limits l;

	*nwrites = 0;
	if (read_limits(plan, &l, err) < 0)
		return -1;
	if ((l.cpus && strlen(l.cpus) >= CGROUP_VALUE_MAX) ||
	    (l.mems && strlen(l.mems) >= CGROUP_VALUE_MAX))
		return stage_fail(err, E2BIG, "linux.resources.cpu: cpus or mems too long");
	if (!v2) {
		v1_writes(&l, writes, nwrites);
		return 0;
	}
	return v2_writes(&l, writes, nwrites, err);
}

int cgroup_device_rule(const struct plan_entry *e, bool *allow, char *rule, size_t size,
		       struct stage_error *err)
{
	const char *type = plan_field(e, 1), *access = plan_field(e, 4);
	int64_t major, minor;
	char maj[24] = "*", min[24] = "*";

	*allow = strcmp(plan_field(e, 0), "1") == 0;
	if (!*access)
		access = "rwm";
	if (strcmp(type, "a") == 0) {
		snprintf(rule, size, "a *:* %s", access);
		return 0;
	}
	if (strcmp(type, "c") != 0 && strcmp(type, "b") != 0)
		return stage_fail(err, EINVAL, "plan line %u: device type `%s`", e->line, type);
	if (plan_field_i64(e, 2, &major, err) < 0 || plan_field_i64(e, 3, &minor, err) < 0)
		return -1;
	if (major >= 0)
		snprintf(maj, sizeof(maj), "%" PRId64, major);
	if (minor >= 0)
		snprintf(min, sizeof(min), "%" PRId64, minor);
	snprintf(rule, size, "%s %s:%s %s", type, maj, min, access);
	return 0;
}
