/* The `process` section: what final-exec turns into the user's process. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "capabilities.h"
#include "internal.h"
#include "rules.h"

static const struct name_value rlimits[] = {
    {"RLIMIT_CPU", RLIMIT_CPU},		  {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_DATA", RLIMIT_DATA},	  {"RLIMIT_STACK", RLIMIT_STACK},
    {"RLIMIT_CORE", RLIMIT_CORE},	  {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_NPROC", RLIMIT_NPROC},	  {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},	  {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},	  {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE}, {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},	  {"RLIMIT_RTTIME", RLIMIT_RTTIME},
};

static int parse_terminal(struct pc *pc, const struct jnode *proc)
{
	const struct jnode *size;
	bool terminal = false;
	uint64_t height = 0, width = 0;
	char h[NUM_MAX], w[NUM_MAX];

	if (jm_bool(proc, "process", "terminal", &terminal, pc->err) < 0 ||
	    jm_object(proc, "process", "consoleSize", &size, pc->err) < 0)
		return -1;
	plan_emit(pc->out, "process.terminal", terminal ? "1" : "0", NULL);
	if (!size)
		return 0;
	if (jm_u64(size, "process.consoleSize", "height", UINT32_MAX, &height, NULL, pc->err) < 0 ||
	    jm_u64(size, "process.consoleSize", "width", UINT32_MAX, &width, NULL, pc->err) < 0)
		return -1;
	plan_emit(pc->out, "process.console-size", fmt_u64(h, height), fmt_u64(w, width), NULL);
	return 0;
}

static int parse_cwd(struct pc *pc, const struct jnode *proc)
{
	const char *cwd = "/";

	if (jm_string(proc, "process", "cwd", &cwd, pc->err) < 0 ||
	    rule_absolute_path("process.cwd", cwd, pc->err) < 0)
		return -1;
	plan_emit(pc->out, "process.cwd", cwd, NULL);
	return 0;
}

static int parse_user(struct pc *pc, const struct jnode *proc)
{
	const struct jnode *user, *gids, *v;
	uint64_t uid = 0, gid = 0, umask = 0, n;
	bool has_umask;
	char a[NUM_MAX], b[NUM_MAX], p[JPATH_MAX];
	int i = 0;

	if (jm_object(proc, "process", "user", &user, pc->err) < 0 ||
	    jm_u64(user, "process.user", "uid", UINT32_MAX, &uid, NULL, pc->err) < 0 ||
	    jm_u64(user, "process.user", "gid", UINT32_MAX, &gid, NULL, pc->err) < 0 ||
	    jm_u64(user, "process.user", "umask", 0777, &umask, &has_umask, pc->err) < 0 ||
	    jm_array(user, "process.user", "additionalGids", &gids, pc->err) < 0)
		return -1;
	plan_emit(pc->out, "process.user", fmt_u64(a, uid), fmt_u64(b, gid), NULL);
	pc->proc_uid = (uint32_t)uid;
	pc->proc_gid = (uint32_t)gid;
	if (has_umask) {
		snprintf(a, sizeof(a), "0%o", (unsigned)umask);
		plan_emit(pc->out, "process.umask", a, NULL);
	}
	jnode_foreach(v, gids)
	{
		if (jv_u64(v, jpath_idx(p, "process.user.additionalGids", i++), UINT32_MAX, &n,
			   pc->err) < 0)
			return -1;
		plan_emit(pc->out, "process.additional-gid", fmt_u64(a, n), NULL);
	}
	return 0;
}

static int parse_args_env(struct pc *pc, const struct jnode *proc)
{
	const struct jnode *args = jget(proc, "args"), *env;

	/* a string here is a common mistake: say what is wanted, not just the type */
	if (rule_nonempty_array("process.args", jnode_is(args, JNODE_ARRAY) ? jnode_count(args) : 0,
				pc->err) < 0 ||
	    jm_array(proc, "process", "env", &env, pc->err) < 0)
		return -1;
	if (emit_string_list(pc, args, "process.args", "process.arg", NULL) < 0)
		return -1;
	return emit_string_list(pc, env, "process.env", "process.env", rule_env_entry);
}

static int cap_set(struct pc *pc, const struct jnode *caps, const char *set, uint64_t *mask)
{
	const struct jnode *arr, *v;
	char path[JPATH_MAX], p[JPATH_MAX];
	int i = 0;

	*mask = 0;
	jpath_key(path, "process.capabilities", set);
	if (jm_array(caps, "process.capabilities", set, &arr, pc->err) < 0)
		return -1;
	jnode_foreach(v, arr)
	{
		const char *name;
		int cap;

		if (jv_string(v, jpath_idx(p, path, i++), &name, pc->err) < 0)
			return -1;
		cap = cap_number(name);
		if (cap < 0)
			return stage_fail(pc->err, 0, "%s: unknown capability \"%s\"", p, name);
		*mask |= 1ULL << cap;
	}
	return 0;
}

static int parse_capabilities(struct pc *pc, const struct jnode *proc)
{
	static const char *const sets[] = {"bounding", "effective", "inheritable", "permitted",
					   "ambient"};
	const struct jnode *caps;
	uint64_t mask[5];
	char hex[5][NUM_MAX];

	if (jm_object(proc, "process", "capabilities", &caps, pc->err) < 0)
		return -1;
	for (int i = 0; i < 5; i++) {
		if (cap_set(pc, caps, sets[i], &mask[i]) < 0)
			return -1;
		fmt_hex(hex[i], mask[i]);
	}
	plan_emit(pc->out, "process.caps", hex[0], hex[1], hex[2], hex[3], hex[4], NULL);
	return 0;
}

static int parse_rlimit(struct pc *pc, const struct jnode *rl, const char *path, uint64_t *seen)
{
	const struct name_value *res;
	const char *type = NULL;
	uint64_t soft = 0, hard = 0;
	bool has_soft, has_hard;
	char p[JPATH_MAX], r[NUM_MAX], s[NUM_MAX], h[NUM_MAX];

	if (jv_object(rl, path, pc->err) < 0 || jm_string(rl, path, "type", &type, pc->err) < 0 ||
	    jm_u64(rl, path, "soft", UINT64_MAX, &soft, &has_soft, pc->err) < 0 ||
	    jm_u64(rl, path, "hard", UINT64_MAX, &hard, &has_hard, pc->err) < 0)
		return -1;
	if (!type)
		return stage_fail(pc->err, 0, "%s: required", jpath_key(p, path, "type"));
	res = NAME_FIND(rlimits, type);
	if (!res)
		return stage_fail(pc->err, 0, "%s: unknown rlimit \"%s\"",
				  jpath_key(p, path, "type"), type);
	if (!has_soft || !has_hard)
		return stage_fail(pc->err, 0, "%s: required",
				  jpath_key(p, path, has_soft ? "hard" : "soft"));
	if (*seen & (1ULL << res->value))
		return stage_fail(pc->err, 0, "%s: duplicate rlimit \"%s\"", path, type);
	*seen |= 1ULL << res->value;
	if (rule_rlimit_order(path, soft, hard, pc->err) < 0)
		return -1;
	plan_emit(pc->out, "process.rlimit", type, fmt_u64(r, res->value), fmt_u64(s, soft),
		  fmt_u64(h, hard), NULL);
	return 0;
}

static int parse_rlimits(struct pc *pc, const struct jnode *proc)
{
	const struct jnode *arr, *v;
	uint64_t seen = 0;
	char p[JPATH_MAX];
	int i = 0;

	if (jm_array(proc, "process", "rlimits", &arr, pc->err) < 0)
		return -1;
	jnode_foreach(v, arr)
	{
		if (parse_rlimit(pc, v, jpath_idx(p, "process.rlimits", i++), &seen) < 0)
			return -1;
	}
	return 0;
}

static int parse_security(struct pc *pc, const struct jnode *proc)
{
	bool nnp = false, has_oom;
	int64_t oom = 0;
	const char *apparmor = NULL, *selinux = NULL;
	char n[NUM_MAX];

	if (jm_bool(proc, "process", "noNewPrivileges", &nnp, pc->err) < 0 ||
	    jm_i64(proc, "process", "oomScoreAdj", -1000, 1000, &oom, &has_oom, pc->err) < 0 ||
	    jm_string(proc, "process", "apparmorProfile", &apparmor, pc->err) < 0 ||
	    jm_string(proc, "process", "selinuxLabel", &selinux, pc->err) < 0)
		return -1;
	plan_emit(pc->out, "process.no-new-privileges", nnp ? "1" : "0", NULL);
	if (has_oom)
		plan_emit(pc->out, "process.oom-score-adj", fmt_i64(n, oom), NULL);
	if (apparmor && *apparmor)
		plan_emit(pc->out, "process.apparmor", apparmor, NULL);
	if (selinux && *selinux)
		plan_emit(pc->out, "process.selinux", selinux, NULL);
	return 0;
}

int parse_process(struct pc *pc, const struct jnode *config)
{
	const struct jnode *proc;

	if (jm_object(config, "", "process", &proc, pc->err) < 0)
		return -1;
	plan_emit(pc->out, "process", proc ? "1" : "0", NULL);
	if (!proc)
		return 0;
	if (parse_terminal(pc, proc) < 0 || parse_cwd(pc, proc) < 0 || parse_user(pc, proc) < 0 ||
	    parse_args_env(pc, proc) < 0 || parse_capabilities(pc, proc) < 0 ||
	    parse_rlimits(pc, proc) < 0 || parse_security(pc, proc) < 0 ||
	    parse_process_sched(pc, proc) < 0)
		return -1;
	/* `baton exec` starts from the container's process: keep it, as validated JSON */
	char *json = jnode_print(proc);
	if (!json)
		return stage_fail(pc->err, ENOMEM, "process: keep for exec");
	plan_emit(pc->out, "process.json", json, NULL);
	free(json);
	return 0;
}
