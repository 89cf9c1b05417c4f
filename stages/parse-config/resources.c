/* linux.resources: cgroup values, named as schemas/plan.md lists them. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "stage.h"

#include "internal.h"
#include "parse.h"
#include "rules.h"

enum num_kind { NUM_I64, NUM_U64, NUM_BOOL, NUM_STRING };

/*
 * Go's encoders write a zero value for every field the user did not set
 * (Docker sends "cpu": {"shares": 0}, "blockIO": {"weight": 0}, and `update
 * -r` a whole resources object of zeros and empty strings). runc and crun
 * read those as "not set"; fields marked UNSET_ZERO do the same, where 0 is
 * never a limit anyone could mean (0 bytes of memory, a weight of 0).
 */
enum { UNSET_ZERO = 1 };

/* One scalar field of a resources object and its plan name. */
struct resource_field {
	const char *key, *name;
	enum num_kind kind;
	int64_t min;
	uint64_t max;
	int flags;
};

static const struct resource_field memory_fields[] = {
    {"limit", "memory.limit", NUM_I64, -1, INT64_MAX, UNSET_ZERO},
    {"reservation", "memory.reservation", NUM_I64, -1, INT64_MAX, UNSET_ZERO},
    {"swap", "memory.swap", NUM_I64, -1, INT64_MAX, UNSET_ZERO},
    {"kernel", "memory.kernel", NUM_I64, -1, INT64_MAX, UNSET_ZERO},
    {"kernelTCP", "memory.kernel-tcp", NUM_I64, -1, INT64_MAX, UNSET_ZERO},
    {"swappiness", "memory.swappiness", NUM_U64, 0, 100, 0},
    {"disableOOMKiller", "memory.disable-oom-killer", NUM_BOOL, 0, 1, 0},
    {"useHierarchy", "memory.use-hierarchy", NUM_BOOL, 0, 1, 0},
};

static const struct resource_field cpu_fields[] = {
    {"shares", "cpu.shares", NUM_U64, 0, UINT64_MAX, UNSET_ZERO},
    {"quota", "cpu.quota", NUM_I64, -1, INT64_MAX, UNSET_ZERO},
    {"burst", "cpu.burst", NUM_U64, 0, UINT64_MAX, 0},
    {"period", "cpu.period", NUM_U64, 0, UINT64_MAX, UNSET_ZERO},
    {"realtimeRuntime", "cpu.realtime-runtime", NUM_I64, -1, INT64_MAX, UNSET_ZERO},
    {"realtimePeriod", "cpu.realtime-period", NUM_U64, 0, UINT64_MAX, UNSET_ZERO},
    {"cpus", "cpu.cpus", NUM_STRING, 0, 0, UNSET_ZERO},
    {"mems", "cpu.mems", NUM_STRING, 0, 0, UNSET_ZERO},
    {"idle", "cpu.idle", NUM_I64, 0, 1, 0},
};

static const struct resource_field pids_fields[] = {
    {"limit", "pids.limit", NUM_I64, -1, INT64_MAX, UNSET_ZERO},
};

static const struct resource_field blockio_fields[] = {
    {"weight", "blockio.weight", NUM_U64, 10, 1000, UNSET_ZERO},
    {"leafWeight", "blockio.leaf-weight", NUM_U64, 10, 1000, UNSET_ZERO},
};

static const struct resource_field network_fields[] = {
    {"classID", "network.class-id", NUM_U64, 0, UINT32_MAX, UNSET_ZERO},
};

/* 0 or "": what a Go encoder writes for a field of this kind left alone. */
static bool is_zero_value(const struct jnode *v, enum num_kind kind)
{
	if (kind == NUM_STRING)
		return jnode_is(v, JNODE_STRING) && v->str[0] == '\0';
	return jnode_is(v, JNODE_NUMBER) && v->num == 0;
}

static int emit_field(struct pc *pc, const struct jnode *obj, const char *path,
		      const struct resource_field *f)
{
	const struct jnode *v = jget(obj, f->key);
	char p[JPATH_MAX], n[NUM_MAX];
	const char *value;
	int64_t i;
	uint64_t u;
	bool b;

	if (!v || ((f->flags & UNSET_ZERO) && is_zero_value(v, f->kind)))
		return 0;
	jpath_key(p, path, f->key);
	switch (f->kind) {
	case NUM_I64:
		if (jv_i64(v, p, f->min, (int64_t)f->max, &i, pc->err) < 0)
			return -1;
		value = fmt_i64(n, i);
		break;
	case NUM_U64:
		/* a lower bound above 0 belongs in the range the message names */
		if (f->min > 0) {
			if (jv_i64(v, p, f->min, (int64_t)f->max, &i, pc->err) < 0)
				return -1;
			u = (uint64_t)i;
		} else if (jv_u64(v, p, f->max, &u, pc->err) < 0) {
			return -1;
		}
		if (u < (uint64_t)f->min)
			return stage_fail(pc->err, 0, "%s: %llu out of range %lld..%llu", p,
					  (unsigned long long)u, (long long)f->min,
					  (unsigned long long)f->max);
		value = fmt_u64(n, u);
		break;
	case NUM_BOOL:
		if (jv_bool(v, p, &b, pc->err) < 0)
			return -1;
		value = b ? "1" : "0";
		break;
	default:
		if (jv_string(v, p, &value, pc->err) < 0)
			return -1;
	}
	plan_emit(pc->out, "cgroup.resource", f->name, value, NULL);
	return 0;
}

static int emit_group(struct pc *pc, const struct jnode *res, const char *key,
		      const struct resource_field *fields, size_t n)
{
	const struct jnode *obj;
	char path[JPATH_MAX];

	jpath_key(path, "linux.resources", key);
	if (jm_object(res, "linux.resources", key, &obj, pc->err) < 0)
		return -1;
	for (size_t i = 0; obj && i < n; i++)
		if (emit_field(pc, obj, path, &fields[i]) < 0)
			return -1;
	return 0;
}
#define EMIT_GROUP(pc, res, key, fields)                                                           \
	emit_group(pc, res, key, fields, sizeof(fields) / sizeof(fields[0]))

static int parse_hugepages(struct pc *pc, const struct jnode *res)
{
	const struct jnode *arr, *h;
	char p[JPATH_MAX], name[JPATH_MAX], n[NUM_MAX];
	int i = 0;

	if (jm_array(res, "linux.resources", "hugepageLimits", &arr, pc->err) < 0)
		return -1;
	jnode_foreach(h, arr)
	{
		const char *size = NULL;
		uint64_t limit;
		bool has_limit;

		jpath_idx(p, "linux.resources.hugepageLimits", i++);
		if (jv_object(h, p, pc->err) < 0 ||
		    jm_string(h, p, "pageSize", &size, pc->err) < 0 ||
		    jm_u64(h, p, "limit", UINT64_MAX, &limit, &has_limit, pc->err) < 0)
			return -1;
		if (!size || !*size || strchr(size, '/') || !has_limit)
			return stage_fail(pc->err, 0, "%s: pageSize and limit are required", p);
		snprintf(name, sizeof(name), "hugepage.%s", size);
		plan_emit(pc->out, "cgroup.resource", name, fmt_u64(n, limit), NULL);
	}
	return 0;
}

/* Not in plan.md yet: `network.priority.IFNAME` PRIO, like hugepage.SIZE. */
static int parse_net_priorities(struct pc *pc, const struct jnode *res)
{
	const struct jnode *net, *arr, *e;
	char p[JPATH_MAX], name[JPATH_MAX], n[NUM_MAX];
	int i = 0;

	if (jm_object(res, "linux.resources", "network", &net, pc->err) < 0 ||
	    jm_array(net, "linux.resources.network", "priorities", &arr, pc->err) < 0)
		return -1;
	jnode_foreach(e, arr)
	{
		const char *ifname = NULL;
		uint64_t prio;
		bool has_prio;

		jpath_idx(p, "linux.resources.network.priorities", i++);
		if (jv_object(e, p, pc->err) < 0 || jm_string(e, p, "name", &ifname, pc->err) < 0 ||
		    jm_u64(e, p, "priority", UINT32_MAX, &prio, &has_prio, pc->err) < 0)
			return -1;
		if (!ifname || !*ifname || strchr(ifname, '/') || !has_prio)
			return stage_fail(pc->err, 0, "%s: name and priority are required", p);
		snprintf(name, sizeof(name), "network.priority.%s", ifname);
		plan_emit(pc->out, "cgroup.resource", name, fmt_u64(n, prio), NULL);
	}
	return 0;
}

static int parse_cgroup_device(struct pc *pc, const struct jnode *d, const char *path)
{
	const char *type = "a", *access = "rwm";
	bool allow = false, has_allow = jget(d, "allow") != NULL;
	int64_t major = -1, minor = -1;
	char p[JPATH_MAX], ma[NUM_MAX], mi[NUM_MAX];

	if (jv_object(d, path, pc->err) < 0 || jm_bool(d, path, "allow", &allow, pc->err) < 0 ||
	    jm_string(d, path, "type", &type, pc->err) < 0 ||
	    jm_i64(d, path, "major", -1, UINT32_MAX, &major, NULL, pc->err) < 0 ||
	    jm_i64(d, path, "minor", -1, UINT32_MAX, &minor, NULL, pc->err) < 0 ||
	    jm_string(d, path, "access", &access, pc->err) < 0)
		return -1;
	if (!has_allow)
		return stage_fail(pc->err, 0, "%s: required", jpath_key(p, path, "allow"));
	if (strcmp(type, "a") != 0 && strcmp(type, "c") != 0 && strcmp(type, "b") != 0)
		return stage_fail(pc->err, 0, "%s: must be one of a, c, b",
				  jpath_key(p, path, "type"));
	if (rule_cgroup_access(jpath_key(p, path, "access"), access, pc->err) < 0)
		return -1;
	plan_emit(pc->out, "cgroup.device", allow ? "1" : "0", type, fmt_i64(ma, major),
		  fmt_i64(mi, minor), access, NULL);
	return 0;
}

static int parse_cgroup_devices(struct pc *pc, const struct jnode *res)
{
	const struct jnode *arr, *d;
	char p[JPATH_MAX];
	int i = 0;

	if (jm_array(res, "linux.resources", "devices", &arr, pc->err) < 0)
		return -1;
	jnode_foreach(d, arr)
	{
		if (parse_cgroup_device(pc, d, jpath_idx(p, "linux.resources.devices", i++)) < 0)
			return -1;
	}
	return 0;
}

static int parse_unified(struct pc *pc, const struct jnode *res)
{
	const struct jnode *unified, *v;
	char p[JPATH_MAX], name[JPATH_MAX];

	if (jm_object(res, "linux.resources", "unified", &unified, pc->err) < 0)
		return -1;
	jnode_foreach(v, unified)
	{
		const char *value;

		jpath_key(p, "linux.resources.unified", v->key);
		if (rule_unified_key(p, v->key, pc->err) < 0 ||
		    jv_string(v, p, &value, pc->err) < 0)
			return -1;
		/* a cut name would be another file: refuse it */
		if ((size_t)snprintf(name, sizeof(name), "unified.%s", v->key) >= sizeof(name))
			return stage_fail(pc->err, 0,
					  "linux.resources.unified: cgroup file name of %zu bytes, "
					  "more than %zu",
					  strlen(v->key), sizeof(name) - sizeof("unified."));
		plan_emit(pc->out, "cgroup.resource", name, value, NULL);
	}
	return 0;
}

/* A blockIO device entry's "MAJ:MIN", from its major and minor (both required). */
static int device_numbers(struct pc *pc, const struct jnode *d, const char *path, char *out,
			  size_t size)
{
	int64_t major, minor;
	bool has_major, has_minor;

	if (jv_object(d, path, pc->err) < 0 ||
	    jm_i64(d, path, "major", 0, UINT32_MAX, &major, &has_major, pc->err) < 0 ||
	    jm_i64(d, path, "minor", 0, UINT32_MAX, &minor, &has_minor, pc->err) < 0)
		return -1;
	if (!has_major || !has_minor)
		return stage_fail(pc->err, 0, "%s: major and minor are required", path);
	snprintf(out, size, "%lld:%lld", (long long)major, (long long)minor);
	return 0;
}

/* weightDevice: `blockio.weight-device.MAJ:MIN` W, `blockio.leaf-weight-device.MAJ:MIN` W. */
static int parse_weight_devices(struct pc *pc, const struct jnode *bio)
{
	static const char *const keys[] = {"weight", "leafWeight"};
	static const char *const names[] = {"blockio.weight-device.",
					    "blockio.leaf-weight-device."};
	const struct jnode *arr, *d;
	char p[JPATH_MAX], dev[48], name[JPATH_MAX], n[NUM_MAX];
	int i = 0;

	if (jm_array(bio, "linux.resources.blockIO", "weightDevice", &arr, pc->err) < 0)
		return -1;
	jnode_foreach(d, arr)
	{
		jpath_idx(p, "linux.resources.blockIO.weightDevice", i++);
		if (device_numbers(pc, d, p, dev, sizeof(dev)) < 0)
			return -1;
		for (int k = 0; k < 2; k++) {
			char kp[JPATH_MAX];
			uint64_t w;
			bool has;

			if (jm_u64(d, p, keys[k], 1000, &w, &has, pc->err) < 0)
				return -1;
			if (has && w == 0) /* a Go zero value: not set (runc) */
				continue;
			if (has && w < 10)
				return stage_fail(pc->err, 0, "%s: %llu out of range 10..1000",
						  jpath_key(kp, p, keys[k]), (unsigned long long)w);
			snprintf(name, sizeof(name), "%s%s", names[k], dev);
			if (has)
				plan_emit(pc->out, "cgroup.resource", name, fmt_u64(n, w), NULL);
		}
	}
	return 0;
}

/* throttle*Device: `blockio.throttle-KIND.MAJ:MIN` RATE. */
static int parse_throttles(struct pc *pc, const struct jnode *bio)
{
	static const struct {
		const char *key, *name;
	} kinds[] = {
	    {"throttleReadBpsDevice", "read-bps"},
	    {"throttleWriteBpsDevice", "write-bps"},
	    {"throttleReadIOPSDevice", "read-iops"},
	    {"throttleWriteIOPSDevice", "write-iops"},
	};

	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		const struct jnode *arr, *d;
		char path[JPATH_MAX], p[JPATH_MAX], dev[48], name[JPATH_MAX], n[NUM_MAX];
		int i = 0;

		jpath_key(path, "linux.resources.blockIO", kinds[k].key);
		if (jm_array(bio, "linux.resources.blockIO", kinds[k].key, &arr, pc->err) < 0)
			return -1;
		jnode_foreach(d, arr)
		{
			uint64_t rate;
			bool has_rate;

			jpath_idx(p, path, i++);
			if (device_numbers(pc, d, p, dev, sizeof(dev)) < 0 ||
			    jm_u64(d, p, "rate", UINT64_MAX, &rate, &has_rate, pc->err) < 0)
				return -1;
			if (!has_rate)
				return stage_fail(pc->err, 0, "%s: rate is required", p);
			snprintf(name, sizeof(name), "blockio.throttle-%s.%s", kinds[k].name, dev);
			plan_emit(pc->out, "cgroup.resource", name, fmt_u64(n, rate), NULL);
		}
	}
	return 0;
}

static int parse_blockio_devices(struct pc *pc, const struct jnode *res)
{
	const struct jnode *bio;

	if (jm_object(res, "linux.resources", "blockIO", &bio, pc->err) < 0)
		return -1;
	if (!bio)
		return 0;
	return parse_weight_devices(pc, bio) < 0 ? -1 : parse_throttles(pc, bio);
}

/* rdma: `rdma.DEVICE` "hca_handle=N hca_object=M" (max where not given). */
static int parse_rdma(struct pc *pc, const struct jnode *res)
{
	const struct jnode *rdma, *dev;
	char p[JPATH_MAX], name[JPATH_MAX], value[64];

	if (jm_object(res, "linux.resources", "rdma", &rdma, pc->err) < 0)
		return -1;
	jnode_foreach(dev, rdma)
	{
		uint64_t handles, objects;
		bool has_handles, has_objects;
		char h[NUM_MAX] = "max", o[NUM_MAX] = "max";

		jpath_key(p, "linux.resources.rdma", dev->key);
		if (!*dev->key || strpbrk(dev->key, "/ \t\n"))
			return stage_fail(pc->err, 0, "%s: invalid device name", p);
		if (jv_object(dev, p, pc->err) < 0 ||
		    jm_u64(dev, p, "hcaHandles", UINT32_MAX, &handles, &has_handles, pc->err) < 0 ||
		    jm_u64(dev, p, "hcaObjects", UINT32_MAX, &objects, &has_objects, pc->err) < 0)
			return -1;
		if (!has_handles && !has_objects)
			continue;
		if (has_handles)
			fmt_u64(h, handles);
		if (has_objects)
			fmt_u64(o, objects);
		snprintf(name, sizeof(name), "rdma.%s", dev->key);
		snprintf(value, sizeof(value), "hca_handle=%s hca_object=%s", h, o);
		plan_emit(pc->out, "cgroup.resource", name, value, NULL);
	}
	return 0;
}

/* A linux.resources object (config.json's, or `update -r`'s) as records. */
static int parse_resources_object(struct pc *pc, const struct jnode *res)
{
	if (EMIT_GROUP(pc, res, "memory", memory_fields) < 0 ||
	    EMIT_GROUP(pc, res, "cpu", cpu_fields) < 0 ||
	    EMIT_GROUP(pc, res, "pids", pids_fields) < 0 ||
	    EMIT_GROUP(pc, res, "blockIO", blockio_fields) < 0 ||
	    parse_blockio_devices(pc, res) < 0 || parse_hugepages(pc, res) < 0 ||
	    EMIT_GROUP(pc, res, "network", network_fields) < 0 ||
	    parse_net_priorities(pc, res) < 0 || parse_rdma(pc, res) < 0 ||
	    parse_cgroup_devices(pc, res) < 0 || parse_unified(pc, res) < 0)
		return -1;
	return 0;
}

int parse_resources(struct pc *pc, const struct jnode *linux_obj)
{
	const struct jnode *res;

	if (jm_object(linux_obj, "linux", "resources", &res, pc->err) < 0)
		return -1;
	if (!res)
		return 0;
	return parse_resources_object(pc, res);
}

/*
 * `parse-config --resources FILE|-`: the JSON resources object of
 * `baton update -r` as cgroup.resource and cgroup.device records on stdout,
 * so that the orchestrator applies it without a JSON parser of its own.
 */
int parse_resources_text(const char *json, size_t len, const char *what, struct strbuf *out,
			 struct stage_error *err)
{
	struct pc pc = {.out = out, .err = err};
	autojnode struct jnode *res = NULL;

	if (json_read(what, "linux.resources", json, len, &res, err) < 0)
		return -1;
	if (!jnode_is(res, JNODE_OBJECT))
		return stage_fail(err, 0, "%s: not a JSON object", what);
	return parse_resources_object(&pc, res);
}

int resources_main(int argc, char **argv)
{
	struct stage_error err = {0};
	autostrbuf struct strbuf out = {0};
	autostrbuf struct strbuf in = {0};
	autoclose int fd = -1;
	char buf[8192];
	ssize_t n;

	if (argc != 3)
		stage_exit_error((stage_fail(&err, 0, "--resources needs one FILE (or -)"), &err));
	fd = strcmp(argv[2], "-") == 0 ? dup(STDIN_FILENO) : open(argv[2], O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		stage_exit_error((stage_fail(&err, errno, "open `%s`", argv[2]), &err));
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		strbuf_add(&in, buf, (size_t)n);
	if (n < 0)
		stage_exit_error((stage_fail(&err, errno, "read `%s`", argv[2]), &err));
	if (parse_resources_text(in.data ? in.data : "", in.len, argv[2], &out, &err) < 0)
		stage_exit_error(&err);
	fwrite(out.data ? out.data : "", 1, out.len, stdout);
	return fflush(stdout) == 0 ? 0 : 1;
}
