/*
 * `baton exec`: the plan of a process to run in an existing container.
 *
 * The container's plan (the base) is kept as it is, except for its process
 * records. Those come from --process FILE, or from the container's own process
 * (the base's `process.json` record) with the command line's overrides. Either
 * way they go through the same parse_process() as config.json's, so an exec'd
 * process obeys exactly the rules of the container's own.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "internal.h"

static bool is_process_record(const char *key)
{
	return strcmp(key, "process") == 0 || strncmp(key, "process.", 8) == 0;
}

static void copy_base(const struct plan *base, struct strbuf *out)
{
	for (size_t i = 0; i < base->nentries; i++) {
		const struct plan_entry *e = &base->entries[i];

		if (!is_process_record(e->key))
			plan_emitv(out, e->key, (const char *const *)e->fields, e->nfields);
	}
}

static int load_process(const struct plan *base, const char *json, size_t len, cJSON **proc,
			struct stage_error *err)
{
	const char *what = json ? "--process" : "the container's process";

	if (!json) {
		json = plan_str(base, "process.json", NULL);
		if (!json)
			return stage_fail(err, 0,
					  "the container has no process to start from: "
					  "give one with --process");
		len = strlen(json);
	}
	*proc = cJSON_ParseWithLength(json, len);
	if (!*proc)
		return stage_fail(err, 0, "%s: invalid JSON", what);
	if (!cJSON_IsObject(*proc))
		return stage_fail(err, 0, "%s: must be a JSON object", what);
	return 0;
}

static cJSON *member(cJSON *obj, const char *key, cJSON *(*make)(void))
{
	cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (!m) {
		m = make();
		cJSON_AddItemToObject(obj, key, m);
	}
	return m;
}

static void set_member(cJSON *obj, const char *key, cJSON *value)
{
	if (cJSON_GetObjectItemCaseSensitive(obj, key))
		cJSON_ReplaceItemInObjectCaseSensitive(obj, key, value);
	else
		cJSON_AddItemToObject(obj, key, value);
}

/* NAME=VALUE replaces an entry of the same NAME, or is appended. */
static void override_env(cJSON *proc, const char *entry)
{
	cJSON *env = member(proc, "env", cJSON_CreateArray), *v;
	size_t name_len = strcspn(entry, "=");
	int i = 0;

	cJSON_ArrayForEach(v, env)
	{
		if (cJSON_IsString(v) && strncmp(v->valuestring, entry, name_len) == 0 &&
		    (v->valuestring[name_len] == '=' || v->valuestring[name_len] == '\0')) {
			cJSON_ReplaceItemInArray(env, i, cJSON_CreateString(entry));
			return;
		}
		i++;
	}
	cJSON_AddItemToArray(env, cJSON_CreateString(entry));
}

static int override_user(cJSON *proc, const char *spec, struct stage_error *err)
{
	cJSON *user = member(proc, "user", cJSON_CreateObject);
	unsigned long uid, gid = 0;
	char *end;
	bool has_gid = false;

	uid = strtoul(spec, &end, 10);
	if (end == spec || (*end && *end != ':'))
		return stage_fail(err, 0, "--user: `%s` is not UID[:GID]", spec);
	if (*end == ':') {
		const char *g = end + 1;

		gid = strtoul(g, &end, 10);
		if (end == g || *end)
			return stage_fail(err, 0, "--user: `%s` is not UID[:GID]", spec);
		has_gid = true;
	}
	set_member(user, "uid", cJSON_CreateNumber((double)uid));
	if (has_gid)
		set_member(user, "gid", cJSON_CreateNumber((double)gid));
	return 0;
}

/* --cap adds to the bounding, effective and permitted sets, as crun does. */
static void add_cap(cJSON *proc, const char *cap)
{
	static const char *const sets[] = {"bounding", "effective", "permitted"};
	cJSON *caps = member(proc, "capabilities", cJSON_CreateObject);

	for (size_t s = 0; s < sizeof(sets) / sizeof(sets[0]); s++) {
		cJSON *list = member(caps, sets[s], cJSON_CreateArray), *v;
		bool present = false;

		cJSON_ArrayForEach(v, list) present |=
		    cJSON_IsString(v) && strcmp(v->valuestring, cap) == 0;
		if (!present)
			cJSON_AddItemToArray(list, cJSON_CreateString(cap));
	}
}

static int apply_overrides(cJSON *proc, const struct exec_overrides *o, struct stage_error *err)
{
	if (o->nargs) {
		cJSON *args = cJSON_CreateArray();

		for (size_t i = 0; i < o->nargs; i++)
			cJSON_AddItemToArray(args, cJSON_CreateString(o->args[i]));
		set_member(proc, "args", args);
	}
	for (size_t i = 0; i < o->nenv; i++)
		override_env(proc, o->env[i]);
	for (size_t i = 0; i < o->ncaps; i++)
		add_cap(proc, o->caps[i]);
	if (o->cwd)
		set_member(proc, "cwd", cJSON_CreateString(o->cwd));
	if (o->user && override_user(proc, o->user, err) < 0)
		return -1;
	if (o->tty >= 0)
		set_member(proc, "terminal", cJSON_CreateBool(o->tty));
	if (o->no_new_privs)
		set_member(proc, "noNewPrivileges", cJSON_CreateTrue());
	if (o->apparmor)
		set_member(proc, "apparmorProfile", cJSON_CreateString(o->apparmor));
	if (o->process_label)
		set_member(proc, "selinuxLabel", cJSON_CreateString(o->process_label));
	return 0;
}

int parse_exec(const char *base_text, size_t base_len, const char *process_json, size_t len,
	       const struct exec_overrides *o, struct strbuf *out, struct stage_error *err)
{
	autoplan struct plan base = {0};
	cJSON *proc = NULL, *wrapper;
	struct pc pc = {.out = out, .err = err};
	int ret;

	if (plan_parse(&base, base_text, base_len, err) < 0)
		return stage_wrap(err, "container plan");
	pc.bundle = plan_str(&base, "bundle", "");
	pc.id = plan_str(&base, "id", "");
	if (load_process(&base, process_json, len, &proc, err) < 0 ||
	    apply_overrides(proc, o, err) < 0) {
		cJSON_Delete(proc);
		return -1;
	}
	copy_base(&base, out);
	wrapper = cJSON_CreateObject();
	cJSON_AddItemToObject(wrapper, "process", proc);
	ret = parse_process(&pc, wrapper);
	cJSON_Delete(wrapper);
	return ret;
}
