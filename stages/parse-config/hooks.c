/* `hooks`: run by the orchestrator at the points the spec defines. */
#include <errno.h>
#include <stdio.h>

#include "internal.h"
#include "rules.h"

static const char *const phases[] = {"prestart",       "createRuntime", "createContainer",
				     "startContainer", "poststart",	"poststop"};

/* hook.arg / hook.env records: PHASE INDEX STRING. */
static int emit_hook_list(struct pc *pc, const struct jnode *hook, const char *path,
			  const char *key, const char *record, const char *phase, const char *index,
			  int (*rule)(const char *path, const char *s, struct stage_error *err))
{
	const struct jnode *arr, *v;
	char lpath[JPATH_MAX], p[JPATH_MAX];
	int i = 0;

	if (jm_array(hook, path, key, &arr, pc->err) < 0)
		return -1;
	jpath_key(lpath, path, key);
	jnode_foreach(v, arr)
	{
		const char *s;

		jpath_idx(p, lpath, i++);
		if (jv_string(v, p, &s, pc->err) < 0 || (rule && rule(p, s, pc->err) < 0))
			return -1;
		plan_emit(pc->out, record, phase, index, s, NULL);
	}
	return 0;
}

static int parse_hook(struct pc *pc, const struct jnode *hook, const char *path, const char *phase,
		      int index)
{
	const char *hpath = NULL;
	int64_t timeout = 0;
	bool has_timeout;
	char p[JPATH_MAX], idx[NUM_MAX], t[NUM_MAX];

	if (jv_object(hook, path, pc->err) < 0 ||
	    jm_string(hook, path, "path", &hpath, pc->err) < 0 ||
	    jm_i64(hook, path, "timeout", INT64_MIN, INT64_MAX, &timeout, &has_timeout, pc->err) <
		0)
		return -1;
	if (!hpath)
		return stage_fail(pc->err, 0, "%s: required", jpath_key(p, path, "path"));
	if (rule_absolute_path(jpath_key(p, path, "path"), hpath, pc->err) < 0)
		return -1;
	if (has_timeout && timeout <= 0)
		return stage_fail(pc->err, 0, "%s: must be greater than 0",
				  jpath_key(p, path, "timeout"));
	fmt_i64(idx, index);
	plan_emit(pc->out, "hook", phase, idx, hpath, fmt_i64(t, timeout), NULL);
	if (emit_hook_list(pc, hook, path, "args", "hook.arg", phase, idx, NULL) < 0 ||
	    emit_hook_list(pc, hook, path, "env", "hook.env", phase, idx, rule_env_entry) < 0)
		return -1;
	return 0;
}

int parse_hooks(struct pc *pc, const struct jnode *config)
{
	const struct jnode *hooks;
	char path[JPATH_MAX], p[JPATH_MAX];

	if (jm_object(config, "", "hooks", &hooks, pc->err) < 0)
		return -1;
	for (unsigned i = 0; hooks && i < sizeof(phases) / sizeof(phases[0]); i++) {
		const struct jnode *arr, *h;
		int index = 0;

		if (jm_array(hooks, "hooks", phases[i], &arr, pc->err) < 0)
			return -1;
		jpath_key(path, "hooks", phases[i]);
		jnode_foreach(h, arr)
		{
			if (parse_hook(pc, h, jpath_idx(p, path, index), phases[i], index) < 0)
				return -1;
			index++;
		}
	}
	return 0;
}
