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
#include <stdlib.h>
#include <string.h>

#include "stage.h"

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

uint64_t cgroup_shares_to_weight(uint64_t shares)
{
	if (shares < 2)
		shares = 2;
	if (shares > 262144)
		shares = 262144;
	return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t cgroup_blkio_to_io_weight(uint64_t weight)
{
	if (weight < 10)
		weight = 10;
	if (weight > 1000)
		weight = 1000;
	return 1 + ((weight - 10) * 9999) / 990;
}

/* --- how each resource is written -------------------------------------------- */

/* What a value becomes in one cgroup version. */
enum conv {
	RAW,	 /* as given */
	MAX,	 /* -1 is "max" (v2) */
	PIDS,	 /* 0 or -1 is "max" */
	NONZERO, /* 0 means unset: nothing written */
	LIST,	 /* a cpu or node list; empty means unset */
	ONLY1,	 /* a flag: written only when 1 */
	WEIGHT,	 /* cpu.shares to cpu.weight, 0 = unset */
	SKIP,	 /* no such knob in this version (deprecated or always on): debug line */
	REJECT,	 /* no such knob in this version and it matters: an error */
};

/* One plain resource: its plan name and its file in v1 and in v2. */
struct rule {
	const char *name, *controller;
	const char *v1_file;
	enum conv v1;
	bool v1_optional; /* the file depends on kernel options: skipped if missing */
	const char *v2_file;
	enum conv v2;
};

/*
 * In write order: memory limit before memsw, cpu period before quota (each is
 * checked against the other), realtime period before runtime. memory.swap,
 * cpu.quota/period/burst and the families are written by functions below.
 */
static const struct rule rules[] = {
    {"memory.limit", "memory", "memory.limit_in_bytes", RAW, false, "memory.max", MAX},
    {"memory.reservation", "memory", "memory.soft_limit_in_bytes", RAW, false, "memory.low", MAX},
    {"memory.kernel", "memory", "memory.kmem.limit_in_bytes", RAW, true, NULL, SKIP},
    {"memory.kernel-tcp", "memory", "memory.kmem.tcp.limit_in_bytes", RAW, false, NULL, SKIP},
    {"memory.swappiness", "memory", "memory.swappiness", RAW, false, NULL, SKIP},
    {"memory.disable-oom-killer", "memory", "memory.oom_control", ONLY1, false, NULL, SKIP},
    {"memory.use-hierarchy", "memory", "memory.use_hierarchy", ONLY1, true, NULL, SKIP},
    {"pids.limit", "pids", "pids.max", PIDS, false, "pids.max", PIDS},
    {"cpu.shares", "cpu", "cpu.shares", NONZERO, false, "cpu.weight", WEIGHT},
    {"cpu.realtime-period", "cpu", "cpu.rt_period_us", NONZERO, false, NULL, REJECT},
    {"cpu.realtime-runtime", "cpu", "cpu.rt_runtime_us", NONZERO, false, NULL, REJECT},
    {"cpu.idle", "cpu", "cpu.idle", RAW, false, "cpu.idle", RAW},
    {"cpu.cpus", "cpuset", "cpuset.cpus", LIST, false, "cpuset.cpus", LIST},
    {"cpu.mems", "cpuset", "cpuset.mems", LIST, false, "cpuset.mems", LIST},
    {"blockio.leaf-weight", "blkio", "blkio.leaf_weight", NONZERO, false, NULL, REJECT},
    {"network.class-id", "net_cls", "net_cls.classid", RAW, false, NULL, REJECT},
};

/* Rules whose file a host may lack: the config field to name, and why. */
static const struct {
	const char *name, *field, *why;
} hints[] = {
    {"cpu.realtime-period", "linux.resources.cpu.realtimePeriod",
     "a kernel without CONFIG_RT_GROUP_SCHED"},
    {"cpu.realtime-runtime", "linux.resources.cpu.realtimeRuntime",
     "a kernel without CONFIG_RT_GROUP_SCHED"},
    {"network.class-id", "linux.resources.network.classID", NULL},
};

/* Resource names handled by the functions below, and the families (NAME.x). */
static const char *const special[] = {"memory.swap", "cpu.quota", "cpu.period", "cpu.burst",
				      "blockio.weight"};
static const char *const families[] = {
    "hugepage.",
    "network.priority.",
    "blockio.weight-device.",
    "blockio.leaf-weight-device.",
    "blockio.throttle-read-bps.",
    "blockio.throttle-write-bps.",
    "blockio.throttle-read-iops.",
    "blockio.throttle-write-iops.",
    "rdma.",
    "unified.",
};

struct out {
	struct cgroup_write *w;
	size_t n;
	bool v2;
	int64_t current_limit; /* the cgroup's memory limit when the plan has none, or -1 */
	struct stage_error *err;
};

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

__attribute__((format(printf, 5, 6))) static int
add(struct out *o, const char *controller, const char *file, bool optional, const char *fmt, ...)
{
	struct cgroup_write *w = &o->w[o->n];
	va_list ap;
	int n;

	if (o->n == CGROUP_WRITES_MAX)
		return stage_fail(o->err, E2BIG, "linux.resources: more than %d cgroup files",
				  CGROUP_WRITES_MAX);
	*w = (struct cgroup_write){.controller = controller, .optional = optional};
	va_start(ap, fmt);
	n = vsnprintf(w->value, sizeof(w->value), fmt, ap);
	va_end(ap);
	if (snprintf(w->file, sizeof(w->file), "%s", file) >= (int)sizeof(w->file) || n < 0 ||
	    (size_t)n >= sizeof(w->value))
		return stage_fail(o->err, E2BIG, "cgroup file `%s`: name or value too long", file);
	o->n++;
	return 0;
}

/* The previous write gets a second choice, used when its file does not exist. */
__attribute__((format(printf, 3, 4))) static void add_alt(struct out *o, const char *file,
							  const char *fmt, ...)
{
	struct cgroup_write *w = &o->w[o->n - 1];
	va_list ap;

	snprintf(w->alt_file, sizeof(w->alt_file), "%s", file);
	va_start(ap, fmt);
	vsnprintf(w->alt_value, sizeof(w->alt_value), fmt, ap);
	va_end(ap);
}

/* The previous write names its config field and why its file may be missing. */
static void describe(struct out *o, const char *field, const char *why)
{
	o->w[o->n - 1].field = field;
	o->w[o->n - 1].why = why;
}

static const char *resource(const struct plan *plan, const char *name)
{
	plan_for_each(plan, "cgroup.resource", e)
	{
		if (strcmp(plan_field(e, 0), name) == 0)
			return plan_field(e, 1);
	}
	return NULL;
}

static int number(const char *name, const char *value, int64_t *out, struct stage_error *err)
{
	char *end;

	errno = 0;
	*out = strtoll(value, &end, 10);
	if (!*value || *end || errno)
		return stage_fail(err, 0, "linux.resources: `%s`: not a number: `%s`", name, value);
	return 0;
}

static int no_v2_knob(struct out *o, const char *name)
{
	return stage_fail(o->err, 0, "linux.resources: `%s` has no equivalent on cgroup v2", name);
}

static int apply_rule(struct out *o, const struct rule *r, const char *value)
{
	enum conv conv = o->v2 ? r->v2 : r->v1;
	const char *file = o->v2 ? r->v2_file : r->v1_file;
	bool optional = !o->v2 && r->v1_optional;
	int64_t n = 0;

	if (r->v1 != LIST && number(r->name, value, &n, o->err) < 0)
		return -1;
	switch (conv) {
	case SKIP:
		stage_debug("%s: no such knob on cgroup %s, skipped", r->name, o->v2 ? "v2" : "v1");
		return 0;
	case REJECT:
		return n == 0 ? 0 : no_v2_knob(o, r->name);
	case NONZERO:
		return n == 0 ? 0 : add(o, r->controller, file, optional, "%" PRId64, n);
	case LIST:
		return *value ? add(o, r->controller, file, optional, "%s", value) : 0;
	case ONLY1:
		return n == 1 ? add(o, r->controller, file, optional, "1") : 0;
	case WEIGHT:
		if (n <= 0)
			return 0;
		return add(o, r->controller, file, false, "%" PRIu64,
			   cgroup_shares_to_weight((uint64_t)n));
	case MAX:
		if (n < 0)
			return add(o, r->controller, file, false, "max");
		return add(o, r->controller, file, false, "%" PRId64, n);
	case PIDS:
		if (n <= 0)
			return add(o, r->controller, file, false, "max");
		return add(o, r->controller, file, false, "%" PRId64, n);
	default:
		return add(o, r->controller, file, optional, "%s", value);
	}
}

/* OCI's swap is memory+swap; v2's memory.swap.max is the swap alone. */
static int write_swap(struct out *o, const struct plan *plan)
{
	const char *swap_text = resource(plan, "memory.swap");
	const char *limit_text = resource(plan, "memory.limit");
	int64_t swap, limit = 0;

	if (!swap_text)
		return 0;
	if (number("memory.swap", swap_text, &swap, o->err) < 0 ||
	    (limit_text && number("memory.limit", limit_text, &limit, o->err) < 0))
		return -1;
	if (!limit_text && o->current_limit > 0) {
		limit = o->current_limit;
		limit_text = "current";
	}
	if (swap == 0)
		return 0;
	/* memsw exists only with swap accounting on (swapaccount=1) */
	if (!o->v2)
		return add(o, "memory", "memory.memsw.limit_in_bytes", true, "%" PRId64, swap);
	if (swap < 0)
		return add(o, "memory", "memory.swap.max", false, "max");
	if (!limit_text || limit <= 0)
		return stage_fail(o->err, 0,
				  "linux.resources.memory.swap: needs a memory limit on cgroup v2");
	if (swap < limit)
		return stage_fail(o->err, 0,
				  "linux.resources.memory.swap: %" PRId64
				  " is below the memory limit %" PRId64,
				  swap, limit);
	return add(o, "memory", "memory.swap.max", false, "%" PRId64, swap - limit);
}

/* v1: period, then quota (checked against it); v2: both in cpu.max. */
static int write_cpu_bandwidth(struct out *o, const struct plan *plan)
{
	const char *q = resource(plan, "cpu.quota"), *p = resource(plan, "cpu.period");
	const char *b = resource(plan, "cpu.burst");
	int64_t quota = 0, period = 0, burst = 0;

	if ((q && number("cpu.quota", q, &quota, o->err) < 0) ||
	    (p && number("cpu.period", p, &period, o->err) < 0) ||
	    (b && number("cpu.burst", b, &burst, o->err) < 0))
		return -1;
	if (!o->v2) {
		if (period > 0 && add(o, "cpu", "cpu.cfs_period_us", false, "%" PRId64, period) < 0)
			return -1;
		if (quota != 0 && add(o, "cpu", "cpu.cfs_quota_us", false, "%" PRId64, quota) < 0)
			return -1;
		return b ? add(o, "cpu", "cpu.cfs_burst_us", false, "%" PRId64, burst) : 0;
	}
	/* without a period the kernel keeps the cgroup's own (update --cpu-quota) */
	if (period > 0 && quota > 0 &&
	    add(o, "cpu", "cpu.max", false, "%" PRId64 " %" PRId64, quota, period) < 0)
		return -1;
	if (period > 0 && quota <= 0 && add(o, "cpu", "cpu.max", false, "max %" PRId64, period) < 0)
		return -1;
	if (period <= 0 && quota > 0 && add(o, "cpu", "cpu.max", false, "%" PRId64, quota) < 0)
		return -1;
	if (period <= 0 && quota < 0 && add(o, "cpu", "cpu.max", false, "max") < 0)
		return -1;
	return b ? add(o, "cpu", "cpu.max.burst", false, "%" PRId64, burst) : 0;
}

/* v1 blkio.weight (or bfq's); v2 io.bfq.weight as is, else io.weight converted. */
static int write_blkio_weight(struct out *o, const char *device, const char *value)
{
	const char *sep = device ? " " : "";
	int64_t w;

	if (!device)
		device = "";
	if (number("blockio.weight", value, &w, o->err) < 0)
		return -1;
	if (w == 0)
		return 0;
	if (!o->v2) {
		if (add(o, "blkio", *device ? "blkio.weight_device" : "blkio.weight", false,
			"%s%s%" PRId64, device, sep, w) < 0)
			return -1;
		add_alt(o, *device ? "blkio.bfq.weight_device" : "blkio.bfq.weight", "%s%s%" PRId64,
			device, sep, w);
	} else {
		if (add(o, "io", "io.bfq.weight", false, "%s%s%" PRId64, device, sep, w) < 0)
			return -1;
		add_alt(o, "io.weight", "%s%s%" PRIu64, device, sep,
			cgroup_blkio_to_io_weight((uint64_t)w));
	}
	/* weights need bfq (or, on v2, iocost); mq-deadline and none have none */
	describe(
	    o, *device ? "linux.resources.blockIO.weightDevice" : "linux.resources.blockIO.weight",
	    o->v2 ? "no bfq I/O scheduler and no io.weight (iocost)" : "no bfq I/O scheduler");
	return 0;
}

static int write_throttle(struct out *o, const char *kind, const char *device, const char *value)
{
	static const struct {
		const char *kind, *v1_file, *v2_key;
	} t[] = {
	    {"read-bps", "blkio.throttle.read_bps_device", "rbps"},
	    {"write-bps", "blkio.throttle.write_bps_device", "wbps"},
	    {"read-iops", "blkio.throttle.read_iops_device", "riops"},
	    {"write-iops", "blkio.throttle.write_iops_device", "wiops"},
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (strncmp(kind, t[i].kind, strlen(t[i].kind)) != 0)
			continue;
		if (o->v2)
			return add(o, "io", "io.max", false, "%s %s=%s", device, t[i].v2_key,
				   value);
		return add(o, "blkio", t[i].v1_file, false, "%s %s", device, value);
	}
	return stage_fail(o->err, 0, "linux.resources: unknown throttle `%s`", kind);
}

/* hugetlb: the limit, and on kernels that have it the reservation limit too. */
static int write_hugepage(struct out *o, const char *size, const char *value)
{
	char file[96];

	snprintf(file, sizeof(file), o->v2 ? "hugetlb.%s.max" : "hugetlb.%s.limit_in_bytes", size);
	if (add(o, "hugetlb", file, false, "%s", value) < 0)
		return -1;
	describe(o, "linux.resources.hugepageLimits", NULL);
	snprintf(file, sizeof(file),
		 o->v2 ? "hugetlb.%s.rsvd.max" : "hugetlb.%s.rsvd.limit_in_bytes", size);
	if (add(o, "hugetlb", file, true, "%s", value) < 0)
		return -1;
	describe(o, "linux.resources.hugepageLimits", NULL);
	return 0;
}

/* unified.KEY: the raw v2 file; its controller is the part before the dot. */
static int write_unified(struct out *o, const char *key, const char *value)
{
	static const char *const controllers[] = {"cpu",     "cpuset", "io",   "memory", "pids",
						  "hugetlb", "rdma",   "misc", "cgroup"};
	const char *controller = "cgroup";

	if (!o->v2)
		return stage_fail(o->err, 0,
				  "linux.resources.unified.%s: cgroup v2 keys need a cgroup v2 "
				  "host (this one has cgroup v1 controllers)",
				  key);
	for (size_t i = 0; i < sizeof(controllers) / sizeof(controllers[0]); i++)
		if (starts_with(key, controllers[i]) && key[strlen(controllers[i])] == '.')
			controller = controllers[i];
	return add(o, controller, key, false, "%s", value);
}

static int write_family(struct out *o, const char *name, const char *value)
{
	const char *rest = strchr(name, '.') + 1;

	if (starts_with(name, "hugepage."))
		return write_hugepage(o, rest, value);
	if (starts_with(name, "unified."))
		return write_unified(o, rest, value);
	if (starts_with(name, "rdma.")) {
		if (add(o, "rdma", "rdma.max", false, "%s %s", rest, value) < 0)
			return -1;
		describe(o, "linux.resources.rdma", NULL);
		return 0;
	}
	if (starts_with(name, "network.priority.")) {
		if (o->v2)
			return no_v2_knob(o, "network.priorities");
		if (add(o, "net_prio", "net_prio.ifpriomap", false, "%s %s",
			name + strlen("network.priority."), value) < 0)
			return -1;
		describe(o, "linux.resources.network.priorities", NULL);
		return 0;
	}
	if (starts_with(name, "blockio.weight-device."))
		return write_blkio_weight(o, name + strlen("blockio.weight-device."), value);
	if (starts_with(name, "blockio.leaf-weight-device.")) {
		if (o->v2)
			return no_v2_knob(o, "blockio.leafWeight");
		return add(o, "blkio", "blkio.leaf_weight_device", false, "%s %s",
			   name + strlen("blockio.leaf-weight-device."), value);
	}
	rest = name + strlen("blockio.throttle-");
	return write_throttle(o, rest, strchr(rest, '.') + 1, value);
}

static bool is_family(const char *name)
{
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		if (starts_with(name, families[i]) && name[strlen(families[i])])
			return true;
	return false;
}

static bool known(const char *name)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (strcmp(name, rules[i].name) == 0)
			return true;
	for (size_t i = 0; i < sizeof(special) / sizeof(special[0]); i++)
		if (strcmp(name, special[i]) == 0)
			return true;
	return is_family(name);
}

int cgroup_writes_from_plan(const struct plan *plan, bool v2, struct cgroup_write *writes,
			    size_t *nwrites, struct stage_error *err)
{
	return cgroup_writes_for_update(plan, v2, -1, writes, nwrites, err);
}

int cgroup_writes_for_update(const struct plan *plan, bool v2, int64_t current_limit,
			     struct cgroup_write *writes, size_t *nwrites, struct stage_error *err)
{
	struct out o = {.w = writes, .v2 = v2, .current_limit = current_limit, .err = err};
	const char *value;
	int ret = 0;

	*nwrites = 0;
	plan_for_each(plan, "cgroup.resource", e)
	{
		if (!known(plan_field(e, 0)))
			return stage_fail(err, 0, "linux.resources: `%s` is not supported",
					  plan_field(e, 0));
	}
	/* memory.limit must come before memsw on v1; swap right after the table's first */
	value = resource(plan, "memory.limit");
	if (value && apply_rule(&o, &rules[0], value) < 0)
		return -1;
	if (write_swap(&o, plan) < 0)
		return -1;
	for (size_t i = 1; i < sizeof(rules) / sizeof(rules[0]) && ret == 0; i++) {
		size_t before = o.n;

		if (!(value = resource(plan, rules[i].name)))
			continue;
		ret = apply_rule(&o, &rules[i], value);
		for (size_t k = 0; k < sizeof(hints) / sizeof(hints[0]) && ret == 0 && o.n > before;
		     k++)
			if (strcmp(hints[k].name, rules[i].name) == 0)
				describe(&o, hints[k].field, hints[k].why);
	}
	if (ret < 0 || write_cpu_bandwidth(&o, plan) < 0)
		return -1;
	if ((value = resource(plan, "blockio.weight")) && write_blkio_weight(&o, NULL, value) < 0)
		return -1;
	plan_for_each(plan, "cgroup.resource", e)
	{
		if (is_family(plan_field(e, 0)) &&
		    write_family(&o, plan_field(e, 0), plan_field(e, 1)) < 0)
			return -1;
	}
	*nwrites = o.n;
	return 0;
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
