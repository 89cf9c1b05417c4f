/*
 * linux.seccomp: names are checked here, the filter is compiled by
 * seccomp-load (libseccomp), which also knows which syscall names exist.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "rules.h"

/* value: whether the action carries an errno (ERRNO) or a tracer value (TRACE). */
static const struct name_value actions[] = {
    {"SCMP_ACT_KILL", 0},  {"SCMP_ACT_KILL_PROCESS", 0}, {"SCMP_ACT_KILL_THREAD", 0},
    {"SCMP_ACT_TRAP", 0},  {"SCMP_ACT_ERRNO", 1},	 {"SCMP_ACT_TRACE", 1},
    {"SCMP_ACT_ALLOW", 0}, {"SCMP_ACT_LOG", 0},		 {"SCMP_ACT_NOTIFY", 0},
};

static const struct name_value arches[] = {
    {"SCMP_ARCH_X86", 0},      {"SCMP_ARCH_X86_64", 0},	     {"SCMP_ARCH_X32", 0},
    {"SCMP_ARCH_ARM", 0},      {"SCMP_ARCH_AARCH64", 0},     {"SCMP_ARCH_MIPS", 0},
    {"SCMP_ARCH_MIPS64", 0},   {"SCMP_ARCH_MIPS64N32", 0},   {"SCMP_ARCH_MIPSEL", 0},
    {"SCMP_ARCH_MIPSEL64", 0}, {"SCMP_ARCH_MIPSEL64N32", 0}, {"SCMP_ARCH_PPC", 0},
    {"SCMP_ARCH_PPC64", 0},    {"SCMP_ARCH_PPC64LE", 0},     {"SCMP_ARCH_S390", 0},
    {"SCMP_ARCH_S390X", 0},    {"SCMP_ARCH_PARISC", 0},	     {"SCMP_ARCH_PARISC64", 0},
    {"SCMP_ARCH_RISCV64", 0},  {"SCMP_ARCH_LOONGARCH64", 0}, {"SCMP_ARCH_M68K", 0},
    {"SCMP_ARCH_SH", 0},       {"SCMP_ARCH_SHEB", 0},
};

static const struct name_value filter_flags[] = {
    {"SECCOMP_FILTER_FLAG_TSYNC", 0},
    {"SECCOMP_FILTER_FLAG_LOG", 0},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", 0},
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", 0},
};

static const struct name_value operators[] = {
    {"SCMP_CMP_NE", 0}, {"SCMP_CMP_LT", 0}, {"SCMP_CMP_LE", 0},	       {"SCMP_CMP_EQ", 0},
    {"SCMP_CMP_GE", 0}, {"SCMP_CMP_GT", 0}, {"SCMP_CMP_MASKED_EQ", 0},
};

static int check_name(struct pc *pc, const struct name_value *table, size_t n, const char *path,
		      const char *name, const char *what)
{
	if (!name_find(table, n, name))
		return stage_fail(pc->err, 0, "%s: unknown %s \"%s\"", path, what, name);
	return 0;
}
#define CHECK_NAME(pc, table, path, name, what)                                                    \
	check_name(pc, table, sizeof(table) / sizeof(table[0]), path, name, what)

static int name_rule_arch(const char *path, const char *s, struct stage_error *err)
{
	if (!NAME_FIND(arches, s))
		return stage_fail(err, 0, "%s: unknown architecture \"%s\"", path, s);
	return 0;
}

static int name_rule_flag(const char *path, const char *s, struct stage_error *err)
{
	if (!NAME_FIND(filter_flags, s))
		return stage_fail(err, 0, "%s: unknown seccomp flag \"%s\"", path, s);
	return 0;
}

/* The errno travels in SECCOMP_RET_DATA, 16 bits: seccomp-load refuses more. */
#define SECCOMP_ERRNO_MAX 0xffff

/* libseccomp compares each of the six syscall arguments at most once per rule. */
#define MAX_CONDS 6

/*
 * One seccomp.syscall record: NAME ACTION ERRNO PATH (the name's JSON path, for
 * seccomp-load's messages), then INDEX OP VALUE VALUETWO per condition.
 */
struct syscall_rule {
	const char *fields[4 + 4 * MAX_CONDS];
	char nums[1 + 3 * MAX_CONDS][NUM_MAX];
	unsigned nfields;
};

static int parse_cond(struct pc *pc, const struct jnode *a, const char *path,
		      struct syscall_rule *r, unsigned k)
{
	uint64_t index = 0, value = 0, value2 = 0;
	const char *op = NULL;
	bool has_index, has_value;
	char p[JPATH_MAX];

	if (jv_object(a, path, pc->err) < 0 ||
	    jm_u64(a, path, "index", 5, &index, &has_index, pc->err) < 0 ||
	    jm_u64(a, path, "value", UINT64_MAX, &value, &has_value, pc->err) < 0 ||
	    jm_u64(a, path, "valueTwo", UINT64_MAX, &value2, NULL, pc->err) < 0 ||
	    jm_string(a, path, "op", &op, pc->err) < 0)
		return -1;
	if (!has_index || !has_value || !op)
		return stage_fail(pc->err, 0, "%s: index, value and op are required", path);
	if (CHECK_NAME(pc, operators, jpath_key(p, path, "op"), op, "operator") < 0)
		return -1;
	r->fields[r->nfields++] = fmt_u64(r->nums[1 + 3 * k], index);
	r->fields[r->nfields++] = op;
	r->fields[r->nfields++] = fmt_u64(r->nums[2 + 3 * k], value);
	r->fields[r->nfields++] = fmt_u64(r->nums[3 + 3 * k], value2);
	return 0;
}

static int parse_conds(struct pc *pc, const struct jnode *args, const char *path,
		       struct syscall_rule *r)
{
	char p[JPATH_MAX];
	const struct jnode *a;
	unsigned k = 0;

	if (jnode_count(args) > MAX_CONDS)
		return stage_fail(pc->err, 0, "%s: at most %d conditions", path, MAX_CONDS);
	jnode_foreach(a, args)
	{
		if (parse_cond(pc, a, jpath_idx(p, path, (int)k), r, k) < 0)
			return -1;
		k++;
	}
	return 0;
}

static int parse_syscall(struct pc *pc, const struct jnode *sc, const char *path, bool *notify)
{
	const struct jnode *names, *args, *v;
	const char *action = NULL;
	uint64_t ret = 0;
	bool has_ret;
	char p[JPATH_MAX];
	struct syscall_rule r = {.nfields = 4};
	int i = 0;

	if (jv_object(sc, path, pc->err) < 0 || jm_array(sc, path, "names", &names, pc->err) < 0 ||
	    jm_string(sc, path, "action", &action, pc->err) < 0 ||
	    jm_u64(sc, path, "errnoRet", SECCOMP_ERRNO_MAX, &ret, &has_ret, pc->err) < 0 ||
	    jm_array(sc, path, "args", &args, pc->err) < 0)
		return -1;
	if (rule_nonempty_array(jpath_key(p, path, "names"), names ? jnode_count(names) : 0,
				pc->err) < 0)
		return -1;
	if (!action)
		return stage_fail(pc->err, 0, "%s: required", jpath_key(p, path, "action"));
	if (CHECK_NAME(pc, actions, jpath_key(p, path, "action"), action, "action") < 0)
		return -1;
	*notify |= strcmp(action, "SCMP_ACT_NOTIFY") == 0;
	if (parse_conds(pc, args, jpath_key(p, path, "args"), &r) < 0)
		return -1;
	r.fields[1] = action;
	r.fields[2] = has_ret ? fmt_u64(r.nums[0], ret) : "-";
	jnode_foreach(v, names)
	{
		snprintf(p, sizeof(p), "%s.names[%d]", path, i++);
		if (jv_string(v, p, &r.fields[0], pc->err) < 0 ||
		    rule_syscall_name(p, r.fields[0], pc->err) < 0)
			return -1;
		r.fields[3] = p;
		plan_emitv(pc->out, "seccomp.syscall", r.fields, r.nfields);
	}
	return 0;
}

static int parse_syscalls(struct pc *pc, const struct jnode *seccomp, bool *notify)
{
	const struct jnode *arr, *sc;
	char p[JPATH_MAX];
	int i = 0;

	if (jm_array(seccomp, "linux.seccomp", "syscalls", &arr, pc->err) < 0)
		return -1;
	jnode_foreach(sc, arr)
	{
		if (parse_syscall(pc, sc, jpath_idx(p, "linux.seccomp.syscalls", i++), notify) < 0)
			return -1;
	}
	return 0;
}

static int parse_default(struct pc *pc, const struct jnode *seccomp, bool *notify)
{
	const char *action = NULL;
	uint64_t ret = 1; /* EPERM, what runc and crun return by default */
	char n[NUM_MAX];

	if (jm_string(seccomp, "linux.seccomp", "defaultAction", &action, pc->err) < 0 ||
	    jm_u64(seccomp, "linux.seccomp", "defaultErrnoRet", SECCOMP_ERRNO_MAX, &ret, NULL,
		   pc->err) < 0)
		return -1;
	if (!action)
		return stage_fail(pc->err, 0, "linux.seccomp.defaultAction: required");
	if (CHECK_NAME(pc, actions, "linux.seccomp.defaultAction", action, "action") < 0)
		return -1;
	*notify |= strcmp(action, "SCMP_ACT_NOTIFY") == 0;
	plan_emit(pc->out, "seccomp.default", action, fmt_u64(n, ret), NULL);
	return 0;
}

static int parse_listener(struct pc *pc, const struct jnode *seccomp, bool notify)
{
	const char *path = NULL, *meta = NULL;

	if (jm_string(seccomp, "linux.seccomp", "listenerPath", &path, pc->err) < 0 ||
	    jm_string(seccomp, "linux.seccomp", "listenerMetadata", &meta, pc->err) < 0)
		return -1;
	if (path && *path && rule_absolute_path("linux.seccomp.listenerPath", path, pc->err) < 0)
		return -1;
	/*
	 * SCMP_ACT_NOTIFY needs a receiver of the listener, but it may also come
	 * from the run.oci.seccomp.receiver annotation or the caller's
	 * RUN_OCI_SECCOMP_RECEIVER: the orchestrator insists on one of the three.
	 */
	if (notify)
		plan_emit(pc->out, "seccomp.notify", "1", NULL);
	if (path && *path)
		plan_emit(pc->out, "seccomp.listener-path", path, NULL);
	if (meta && *meta)
		plan_emit(pc->out, "seccomp.listener-metadata", meta, NULL);
	return 0;
}

int parse_seccomp(struct pc *pc, const struct jnode *linux_obj)
{
	const struct jnode *seccomp, *arches_arr, *flags;
	bool notify = false;

	if (jm_object(linux_obj, "linux", "seccomp", &seccomp, pc->err) < 0)
		return -1;
	if (!seccomp)
		return 0;
	if (jm_array(seccomp, "linux.seccomp", "architectures", &arches_arr, pc->err) < 0 ||
	    jm_array(seccomp, "linux.seccomp", "flags", &flags, pc->err) < 0)
		return -1;
	if (parse_default(pc, seccomp, &notify) < 0 ||
	    emit_string_list(pc, arches_arr, "linux.seccomp.architectures", "seccomp.arch",
			     name_rule_arch) < 0 ||
	    emit_string_list(pc, flags, "linux.seccomp.flags", "seccomp.flag", name_rule_flag) <
		0 ||
	    parse_syscalls(pc, seccomp, &notify) < 0 || parse_listener(pc, seccomp, notify) < 0)
		return -1;
	return 0;
}
