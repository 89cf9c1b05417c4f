#include "spec.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>

#include "filter.h"

/* Collect every field 0 of key into a NULL-terminated array. */
static int collect_strings(const struct plan *plan, const char *key, char ***out,
			   struct stage_error *err)
{
	size_t n = plan_count(plan, key), i = 0;
	char **v = calloc(n + 1, sizeof(*v));

	if (!v)
		return stage_fail(err, ENOMEM, "plan: collect `%s`", key);
	plan_for_each(plan, key, e) v[i++] = (char *)plan_field(e, 0);
	*out = v;
	return 0;
}

static int load_user(struct process_spec *spec, const struct plan *plan, struct stage_error *err)
{
	const struct plan_entry *e = plan_get(plan, "process.user");
	uint64_t uid, gid;
	size_t i = 0;

	if (!e)
		return stage_fail(err, EINVAL, "plan: `process.user` missing");
	if (plan_field_u64(e, 0, &uid, err) < 0 || plan_field_u64(e, 1, &gid, err) < 0)
		return -1;
	if (uid > UINT32_MAX - 1 || gid > UINT32_MAX - 1)
		return stage_fail(err, EINVAL, "plan: line %u: id out of range", e->line);
	spec->uid = (uid_t)uid;
	spec->gid = (gid_t)gid;

	spec->ngroups = plan_count(plan, "process.additional-gid");
	spec->groups = calloc(spec->ngroups + 1, sizeof(gid_t));
	if (!spec->groups)
		return stage_fail(err, ENOMEM, "plan: additional gids");
	plan_for_each(plan, "process.additional-gid", g)
	{
		uint64_t v;

		if (plan_field_u64(g, 0, &v, err) < 0)
			return -1;
		if (v > UINT32_MAX - 1)
			return stage_fail(err, EINVAL, "plan: line %u: gid out of range", g->line);
		spec->groups[i++] = (gid_t)v;
	}
	return 0;
}

static int load_umask(struct process_spec *spec, const struct plan *plan, struct stage_error *err)
{
	const char *s = plan_str(plan, "process.umask", NULL);
	char *end;
	unsigned long v;

	spec->umask = 022;
	if (!s)
		return 0;
	/* octal whether or not the leading 0 is there */
	errno = 0;
	v = strtoul(s, &end, 8);
	if (!*s || *end || errno || v > 0777)
		return stage_fail(err, EINVAL, "plan: `process.umask` is not an octal mode: `%s`",
				  s);
	spec->has_umask = true;
	spec->umask = (mode_t)v;
	return 0;
}

static int load_caps(struct process_spec *spec, const struct plan *plan, struct stage_error *err)
{
	const struct plan_entry *e = plan_get(plan, "process.caps");
	uint64_t *sets[] = {&spec->caps.bounding, &spec->caps.effective, &spec->caps.inheritable,
			    &spec->caps.permitted, &spec->caps.ambient};

	if (!e)
		return stage_fail(err, EINVAL, "plan: `process.caps` missing");
	for (unsigned i = 0; i < 5; i++)
		if (plan_field_u64(e, i, sets[i], err) < 0)
			return -1;
	return 0;
}

static int load_rlimits(struct process_spec *spec, const struct plan *plan, struct stage_error *err)
{
	size_t i = 0;

	spec->nrlimits = plan_count(plan, "process.rlimit");
	spec->rlimits = calloc(spec->nrlimits + 1, sizeof(*spec->rlimits));
	if (!spec->rlimits)
		return stage_fail(err, ENOMEM, "plan: rlimits");
	plan_for_each(plan, "process.rlimit", e)
	{
		struct rlimit_spec *r = &spec->rlimits[i++];
		uint64_t resource;

		r->name = plan_field(e, 0);
		if (plan_field_u64(e, 1, &resource, err) < 0 ||
		    plan_field_u64(e, 2, &r->soft, err) < 0 ||
		    plan_field_u64(e, 3, &r->hard, err) < 0)
			return -1;
		if (resource > 64)
			return stage_fail(err, EINVAL, "plan: line %u: rlimit `%s` has no number",
					  e->line, r->name);
		r->resource = (int)resource;
	}
	return 0;
}

static int load_oom_and_personality(struct process_spec *spec, const struct plan *plan,
				    struct stage_error *err)
{
	const struct plan_entry *e = plan_get(plan, "process.oom-score-adj");
	const char *domain = plan_str(plan, "personality", NULL);

	if (e) {
		int64_t v;

		if (plan_field_i64(e, 0, &v, err) < 0)
			return -1;
		if (v < -1000 || v > 1000)
			return stage_fail(err, EINVAL,
					  "plan: `process.oom-score-adj` out of range");
		spec->has_oom_score_adj = true;
		spec->oom_score_adj = (int)v;
	}
	if (!domain)
		return 0;
	spec->has_personality = true;
	if (strcmp(domain, "LINUX") == 0)
		spec->personality = PER_LINUX;
	else if (strcmp(domain, "LINUX32") == 0)
		spec->personality = PER_LINUX32;
	else
		return stage_fail(err, EINVAL, "plan: unknown personality `%s`", domain);
	return 0;
}

static int load_seccomp_flags(struct process_spec *spec, const struct plan *plan,
			      struct stage_error *err)
{
	plan_for_each(plan, "seccomp.flag", e)
	{
		unsigned flag;

		if (seccomp_flag_from_name(plan_field(e, 0), &flag, err) < 0)
			return -1;
		spec->seccomp_flags |= flag;
	}
	return 0;
}

int process_spec_load(struct process_spec *spec, const struct plan *plan, struct stage_error *err)
{
	memset(spec, 0, sizeof(*spec));
	if (!plan_flag(plan, "process"))
		return stage_fail(err, 0, "no process to run");
	spec->id = plan_str(plan, "id", "");
	spec->cwd = plan_str(plan, "process.cwd", "/");
	spec->no_new_privileges = plan_flag(plan, "process.no-new-privileges");
	spec->keep_groups = plan_flag(plan, "process.keep-original-groups");
	if (collect_strings(plan, "process.arg", &spec->argv, err) < 0 ||
	    collect_strings(plan, "process.env", &spec->envp, err) < 0)
		return -1;
	if (!spec->argv[0] || !*spec->argv[0])
		return stage_fail(err, EINVAL, "plan: `process.arg` is empty");
	if (load_user(spec, plan, err) < 0 || load_umask(spec, plan, err) < 0 ||
	    load_caps(spec, plan, err) < 0 || load_rlimits(spec, plan, err) < 0 ||
	    load_oom_and_personality(spec, plan, err) < 0 ||
	    load_seccomp_flags(spec, plan, err) < 0 || sched_spec_load(&spec->sched, plan, err) < 0)
		return -1;
	return 0;
}

void process_spec_release(struct process_spec *spec)
{
	free(spec->argv);
	free(spec->envp);
	free(spec->groups);
	free(spec->rlimits);
	sched_spec_release(&spec->sched);
	memset(spec, 0, sizeof(*spec));
}

const char *env_lookup(char *const *envp, const char *name)
{
	size_t n = strlen(name);

	for (; envp && *envp; envp++)
		if (strncmp(*envp, name, n) == 0 && (*envp)[n] == '=')
			return *envp + n + 1;
	return NULL;
}
