/* linux.resources: cgroup values, named as schemas/plan.md lists them. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "rules.h"

enum num_kind { NUM_I64, NUM_U64, NUM_BOOL, NUM_STRING };

/* One scalar field of a resources object and its plan name. */
struct resource_field {
	const char *key, *name;
	enum num_kind kind;
	int64_t min;
	uint64_t max;
};

static const struct resource_field memory_fields[] = {
    {"limit", "memory.limit", NUM_I64, -1, INT64_MAX},
    {"reservation", "memory.reservation", NUM_I64, -1, INT64_MAX},
    {"swap", "memory.swap", NUM_I64, -1, INT64_MAX},
    {"kernel", "memory.kernel", NUM_I64, -1, INT64_MAX},
    {"kernelTCP", "memory.kernel-tcp", NUM_I64, -1, INT64_MAX},
    {"swappiness", "memory.swappiness", NUM_U64, 0, 100},
    {"disableOOMKiller", "memory.disable-oom-killer", NUM_BOOL, 0, 1},
    {"useHierarchy", "memory.use-hierarchy", NUM_BOOL, 0, 1},
};

static const struct resource_field cpu_fields[] = {
    {"shares", "cpu.shares", NUM_U64, 0, UINT64_MAX},
    {"quota", "cpu.quota", NUM_I64, -1, INT64_MAX},
    {"burst", "cpu.burst", NUM_U64, 0, UINT64_MAX},
    {"period", "cpu.period", NUM_U64, 0, UINT64_MAX},
    {"realtimeRuntime", "cpu.realtime-runtime", NUM_I64, -1, INT64_MAX},
    {"realtimePeriod", "cpu.realtime-period", NUM_U64, 0, UINT64_MAX},
    {"cpus", "cpu.cpus", NUM_STRING, 0, 0},
    {"mems", "cpu.mems", NUM_STRING, 0, 0},
    {"idle", "cpu.idle", NUM_I64, 0, 1},
};

static const struct resource_field pids_fields[] = {
    {"limit", "pids.limit", NUM_I64, -1, INT64_MAX},
};

static const struct resource_field blockio_fields[] = {
    {"weight", "blockio.weight", NUM_U64, 10, 1000},
    {"leafWeight", "blockio.leaf-weight", NUM_U64, 10, 1000},
};

static const struct resource_field network_fields[] = {
    {"classID", "network.class-id", NUM_U64, 0, UINT32_MAX},
};

static int emit_field(struct pc *pc, const cJSON *obj, const char *path,
		      const struct resource_field *f)
{
	const cJSON *v = jget(obj, f->key);
	char p[JPATH_MAX], n[NUM_MAX];
	const char *value;
	int64_t i;
	uint64_t u;
	bool b;

	if (!v)
		return 0;
	jpath_key(p, path, f->key);
	switch (f->kind) {
	case NUM_I64:
		if (jv_i64(v, p, f->min, (int64_t)f->max, &i, pc->err) < 0)
			return -1;
		value = fmt_i64(n, i);
		break;
	case NUM_U64:
		if (jv_u64(v, p, f->max, &u, pc->err) < 0)
			return -1;
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

static int emit_group(struct pc *pc, const cJSON *res, const char *key,
		      const struct resource_field *fields, size_t n)
{
	const cJSON *obj;
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

static int parse_hugepages(struct pc *pc, const cJSON *res)
{
	const cJSON *arr, *h;
	char p[JPATH_MAX], name[JPATH_MAX], n[NUM_MAX];
	int i = 0;

	if (jm_array(res, "linux.resources", "hugepageLimits", &arr, pc->err) < 0)
		return -1;
	cJSON_ArrayForEach(h, arr)
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
static int parse_net_priorities(struct pc *pc, const cJSON *res)
{
	const cJSON *net, *arr, *e;
	char p[JPATH_MAX], name[JPATH_MAX], n[NUM_MAX];
	int i = 0;

	if (jm_object(res, "linux.resources", "network", &net, pc->err) < 0 ||
	    jm_array(net, "linux.resources.network", "priorities", &arr, pc->err) < 0)
		return -1;
	cJSON_ArrayForEach(e, arr)
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

static int parse_cgroup_device(struct pc *pc, const cJSON *d, const char *path)
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

static int parse_cgroup_devices(struct pc *pc, const cJSON *res)
{
	const cJSON *arr, *d;
	char p[JPATH_MAX];
	int i = 0;

	if (jm_array(res, "linux.resources", "devices", &arr, pc->err) < 0)
		return -1;
	cJSON_ArrayForEach(d, arr)
	{
		if (parse_cgroup_device(pc, d, jpath_idx(p, "linux.resources.devices", i++)) < 0)
			return -1;
	}
	return 0;
}

static int parse_unified(struct pc *pc, const cJSON *res)
{
	const cJSON *unified, *v;
	char p[JPATH_MAX], name[JPATH_MAX];

	if (jm_object(res, "linux.resources", "unified", &unified, pc->err) < 0)
		return -1;
	cJSON_ArrayForEach(v, unified)
	{
		const char *value;

		jpath_key(p, "linux.resources.unified", v->string);
		if (rule_unified_key(p, v->string, pc->err) < 0 ||
		    jv_string(v, p, &value, pc->err) < 0)
			return -1;
		snprintf(name, sizeof(name), "unified.%s", v->string);
		plan_emit(pc->out, "cgroup.resource", name, value, NULL);
	}
	return 0;
}

/* Resource kinds cgroup-setup has no names for yet: refuse rather than ignore. */
static int reject_newer(struct pc *pc, const cJSON *res)
{
	static const char *const blkio[] = {"weightDevice", "throttleReadBpsDevice",
					    "throttleWriteBpsDevice", "throttleReadIOPSDevice",
					    "throttleWriteIOPSDevice"};
	const cJSON *bio = jget(res, "blockIO");

	if (reject_unsupported(res, "linux.resources", "rdma", pc->err) < 0)
		return -1;
	for (unsigned i = 0; i < sizeof(blkio) / sizeof(blkio[0]); i++) {
		const cJSON *v = jget(bio, blkio[i]);

		/* an empty list asks for nothing: podman writes those */
		if (v && !(cJSON_IsArray(v) && cJSON_GetArraySize(v) == 0) &&
		    reject_unsupported(bio, "linux.resources.blockIO", blkio[i], pc->err) < 0)
			return -1;
	}
	return 0;
}

int parse_resources(struct pc *pc, const cJSON *linux_obj)
{
	const cJSON *res;

	if (jm_object(linux_obj, "linux", "resources", &res, pc->err) < 0)
		return -1;
	if (!res)
		return 0;
	if (reject_newer(pc, res) < 0 || EMIT_GROUP(pc, res, "memory", memory_fields) < 0 ||
	    EMIT_GROUP(pc, res, "cpu", cpu_fields) < 0 ||
	    EMIT_GROUP(pc, res, "pids", pids_fields) < 0 ||
	    EMIT_GROUP(pc, res, "blockIO", blockio_fields) < 0 || parse_hugepages(pc, res) < 0 ||
	    EMIT_GROUP(pc, res, "network", network_fields) < 0 ||
	    parse_net_priorities(pc, res) < 0 || parse_cgroup_devices(pc, res) < 0 ||
	    parse_unified(pc, res) < 0)
		return -1;
	return 0;
}
