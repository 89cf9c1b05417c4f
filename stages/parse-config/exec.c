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

static int load_process(const struct plan *base, const char *json, size_t len, struct jnode **proc,
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
	if (json_read(what, "process", json, len, proc, err) < 0)
		return -1;
	if (!jnode_is(*proc, JNODE_OBJECT))
		return stage_fail(err, 0, "%s: must be a JSON object", what);
	return 0;
}

static struct jnode *member(struct jnode *obj, const char *key, struct jnode *(*make)(void))
{
	struct jnode *m = jnode_member(obj, key);

	if (!m) {
		m = make();
		jnode_add(obj, key, m);
	}
	return m;
}

static void set_member(struct jnode *obj, const char *key, struct jnode *value)
{
	if (jnode_member(obj, key))
		jnode_set(obj, key, value);
	else
		jnode_add(obj, key, value);
}

/* NAME=VALUE replaces an entry of the same NAME, or is appended. */
static void override_env(struct jnode *proc, const char *entry)
{
	struct jnode *env = member(proc, "env", jnode_new_array), *v;
	size_t name_len = strcspn(entry, "=");
	int i = 0;

	jnode_foreach(v, env)
	{
		if (jnode_is(v, JNODE_STRING) && strncmp(v->str, entry, name_len) == 0 &&
		    (v->str[name_len] == '=' || v->str[name_len] == '\0')) {
			jnode_replace_at(env, i, jnode_new_string(entry));
			return;
		}
		i++;
	}
	jnode_append(env, jnode_new_string(entry));
}

static int override_user(struct jnode *proc, const char *spec, struct stage_error *err)
{
	struct jnode *user = member(proc, "user", jnode_new_object);
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
	set_member(user, "uid", jnode_new_number((double)uid));
	if (has_gid)
		set_member(user, "gid", jnode_new_number((double)gid));
	return 0;
}

/* --cap adds to the bounding, effective and permitted sets, as crun does. */
static void add_cap(struct jnode *proc, const char *cap)
{
	static const char *const sets[] = {"bounding", "effective", "permitted"};
	struct jnode *caps = member(proc, "capabilities", jnode_new_object);

	for (size_t s = 0; s < sizeof(sets) / sizeof(sets[0]); s++) {
		struct jnode *list = member(caps, sets[s], jnode_new_array), *v;
		bool present = false;

		jnode_foreach(v, list) present |=
		    jnode_is(v, JNODE_STRING) && strcmp(v->str, cap) == 0;
		if (!present)
			jnode_append(list, jnode_new_string(cap));
	}
}

static int apply_overrides(struct jnode *proc, const struct exec_overrides *o,
			   struct stage_error *err)
{
	if (o->nargs) {
		struct jnode *args = jnode_new_array();

		for (size_t i = 0; i < o->nargs; i++)
			jnode_append(args, jnode_new_string(o->args[i]));
		set_member(proc, "args", args);
	}
	for (size_t i = 0; i < o->nenv; i++)
		override_env(proc, o->env[i]);
	for (size_t i = 0; i < o->ncaps; i++)
		add_cap(proc, o->caps[i]);
	if (o->cwd)
		set_member(proc, "cwd", jnode_new_string(o->cwd));
	if (o->user && override_user(proc, o->user, err) < 0)
		return -1;
	if (o->tty >= 0)
		set_member(proc, "terminal", jnode_new_bool(o->tty));
	if (o->no_new_privs)
		set_member(proc, "noNewPrivileges", jnode_new_bool(true));
	if (o->apparmor)
		set_member(proc, "apparmorProfile", jnode_new_string(o->apparmor));
	if (o->process_label)
		set_member(proc, "selinuxLabel", jnode_new_string(o->process_label));
	return 0;
}

int parse_exec(const char *base_text, size_t base_len, const char *process_json, size_t len,
	       const struct exec_overrides *o, struct strbuf *out, struct stage_error *err)
{
	autoplan struct plan base = {0};
	struct jnode *proc = NULL, *wrapper;
	struct pc pc = {.out = out, .err = err};
	int ret;

	if (plan_parse(&base, base_text, base_len, err) < 0)
		return stage_wrap(err, "container plan");
	pc.bundle = plan_str(&base, "bundle", "");
	pc.id = plan_str(&base, "id", "");
	if (load_process(&base, process_json, len, &proc, err) < 0 ||
	    apply_overrides(proc, o, err) < 0) {
		jnode_free(proc);
		return -1;
	}
	copy_base(&base, out);
	wrapper = jnode_new_object();
	jnode_add(wrapper, "process", proc);
	ret = parse_process(&pc, wrapper);
	jnode_free(wrapper);
	return ret;
}
