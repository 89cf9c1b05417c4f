/*
 * The systemd cgroup driver's plan: which scope systemd makes for the
 * container, in which slice, and where its cgroup will be, so that the plan
 * still names one cgroup.path that every later command uses (cgroup-systemd
 * checks that systemd put the process there). cgroupsPath is runc's and
 * crun's "slice:prefix:name"; org.systemd.property.* annotations become
 * typed properties of the scope.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup.h"
#include "internal.h"
#include "json.h"
#include "plan.h"
#include "stage.h"
#include "systemd.h"

#define PROPERTY_PREFIX "org.systemd.property."
/* strings in one list property (DeviceAllow-like lists are short) */
#define SYSTEMD_LIST_MAX 32

/* The characters systemd allows in a unit name (besides the type suffix). */
static bool unit_chars_ok(const char *s)
{
	return *s && !s[strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
				  ":-_.\\@")];
}

int systemd_slice_path(const char *slice, char *out, size_t size, struct stage_error *err)
{
	size_t len = strlen(slice), used = 0;
	const char *name_end = slice + len - strlen(".slice");

	*out = '\0';
	if (strcmp(slice, "-") == 0 || strcmp(slice, "-.slice") == 0)
		return 0; /* the root slice */
	if (len <= strlen(".slice") || strcmp(name_end, ".slice") != 0 || !unit_chars_ok(slice) ||
	    slice[0] == '-' || name_end[-1] == '-' || strstr(slice, "--"))
		return stage_fail(err, 0, "linux.cgroupsPath: `%s` is not a slice name", slice);
	/* every dash opens a level: a-b.slice lives in a.slice */
	for (const char *dash = slice;; dash++) {
		dash = strchr(dash, '-');
		if (!dash || dash > name_end)
			dash = name_end;
		int n =
		    snprintf(out + used, size - used, "/%.*s.slice", (int)(dash - slice), slice);
		if (n < 0 || (size_t)n >= size - used)
			return stage_fail(err, ENAMETOOLONG, "linux.cgroupsPath: too long");
		used += (size_t)n;
		if (dash == name_end)
			return 0;
	}
}

int systemd_unit_names(const char *value, const char *id, bool rootless, char *unit,
		       size_t unit_size, char *slice, size_t slice_size, struct stage_error *err)
{
	const char *dflt_slice = rootless ? "user.slice" : "system.slice";
	const char *c1 = value ? strchr(value, ':') : NULL;
	const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	int n;

	if (!value || !*value) {
		snprintf(slice, slice_size, "%s", dflt_slice);
		n = snprintf(unit, unit_size, "baton-%s.scope", id);
	} else if (!c2 || strchr(c2 + 1, ':')) {
		return stage_fail(err, 0,
				  "linux.cgroupsPath: the systemd cgroup manager wants "
				  "slice:prefix:name, not `%s`",
				  value);
	} else {
		const char *name = c2 + 1;
		size_t name_len = strlen(name);

		if (!*name)
			return stage_fail(err, 0, "linux.cgroupsPath: `%s` has no name", value);
		if (name_len > 6 && strcmp(name + name_len - 6, ".slice") == 0)
			return stage_fail(err, 0,
					  "linux.cgroupsPath: `%s`: a slice as the container's "
					  "unit is not supported (a scope is made)",
					  value);
		snprintf(slice, slice_size, "%.*s", (int)(c1 - value), value);
		if (!*slice)
			snprintf(slice, slice_size, "%s", dflt_slice);
		n = c2 > c1 + 1 ? snprintf(unit, unit_size, "%.*s-%s.scope", (int)(c2 - c1 - 1),
					   c1 + 1, name)
				: snprintf(unit, unit_size, "%s.scope", name);
	}
	if (n < 0 || (size_t)n >= unit_size || n > 255)
		return stage_fail(err, ENAMETOOLONG, "linux.cgroupsPath: unit name too long");
	if (!unit_chars_ok(unit))
		return stage_fail(err, 0, "linux.cgroupsPath: `%s` is not a valid unit name", unit);
	return 0;
}

/* NAME VALUE, a number of the type sig ("t" uint64 ...), times scale; fails on junk. */
static int property_number(const char *path, const char *text, char sig, uint64_t scale, char *out,
			   size_t size, struct stage_error *err)
{
	char *end;
	bool is_signed = sig == 'x' || sig == 'i';
	long long s = 0;
	unsigned long long u = 0;

	errno = 0;
	if (is_signed)
		s = strtoll(text, &end, 10);
	else
		u = strtoull(text, &end, 10);
	if (!*text || *end || errno == EINVAL || (!is_signed && strchr(text, '-')))
		return stage_fail(err, 0,
				  "%s: cannot read `%s` (expected true, false, 'string', "
				  "['string', ...], or a number: [u]int32/[u]int64 N, or N)",
				  path, text);
	if (errno || (sig == 'u' && u > UINT32_MAX) ||
	    (sig == 'i' && (s < INT32_MIN || s > INT32_MAX)))
		return stage_fail(err, 0, "%s: `%s` is out of range", path, text);
	if (is_signed)
		snprintf(out, size, "%lld", s * (long long)scale);
	else
		snprintf(out, size, "%llu", u * (unsigned long long)scale);
	return 0;
}

/* A 'quoted' or "quoted" string, with \ escaping the next character; *rest after it. */
static int quoted(const char *path, const char *s, char *out, size_t size, const char **rest,
		  struct stage_error *err)
{
	char q = *s++;
	size_t n = 0;

	for (; *s && *s != q; s++) {
		if (*s == '\\' && s[1])
			s++;
		if (n + 1 >= size)
			return stage_fail(err, ENAMETOOLONG, "%s: string too long", path);
		out[n++] = *s;
	}
	if (*s != q)
		return stage_fail(err, 0, "%s: unterminated string", path);
	out[n] = '\0';
	*rest = s + 1;
	return 0;
}

/* ['a', 'b']: each string one field of the record. */
static int string_list(struct pc *pc, const char *path, const char *name, const char *s)
{
	const char *fields[SYSTEMD_LIST_MAX + 2] = {name, "as"};
	char items[SYSTEMD_LIST_MAX][256];
	unsigned n = 2;

	for (s++; *s == ' '; s++)
		;
	while (*s != ']') {
		if ((*s != '\'' && *s != '"') || n >= SYSTEMD_LIST_MAX + 2)
			return stage_fail(pc->err, 0, "%s: expected a list of quoted strings",
					  path);
		if (quoted(path, s, items[n - 2], sizeof(items[0]), &s, pc->err) < 0)
			return -1;
		fields[n] = items[n - 2];
		n++;
		for (; *s == ' '; s++)
			;
		if (*s == ',')
			for (s++; *s == ' '; s++)
				;
		else if (*s != ']')
			return stage_fail(pc->err, 0, "%s: expected `,` or `]`", path);
	}
	if (s[1])
		return stage_fail(pc->err, 0, "%s: text after `]`", path);
	plan_emitv(pc->out, "cgroup.property", fields, n);
	return 0;
}

int systemd_property(struct pc *pc, const char *path, const char *key, const char *value)
{
	static const struct {
		const char *word;
		char sig;
	} types[] = {{"uint64 ", 't'}, {"int64 ", 'x'}, {"uint32 ", 'u'}, {"int32 ", 'i'}};
	char name[128], text[256], sig[2] = {'i', '\0'};
	size_t len = strlen(key);
	uint64_t scale = 1;
	const char *rest;

	if (len < 2 || len >= sizeof(name) - 1 || !unit_chars_ok(key) || strchr(key, '.'))
		return stage_fail(pc->err, 0, "%s: not a systemd property name", path);
	/* NameSec is documented in seconds; D-Bus only knows NameUSec */
	if (len > 4 && strcmp(key + len - 3, "Sec") == 0 && key[len - 4] != 'U') {
		snprintf(name, sizeof(name), "%.*sUSec", (int)(len - 3), key);
		scale = 1000000;
	} else {
		snprintf(name, sizeof(name), "%s", key);
	}
	while (*value == ' ')
		value++;
	if (strcmp(value, "true") == 0 || strcmp(value, "false") == 0) {
		plan_emit(pc->out, "cgroup.property", name, "b", value[0] == 't' ? "1" : "0", NULL);
		return 0;
	}
	if (*value == '\'' || *value == '"') {
		if (quoted(path, value, text, sizeof(text), &rest, pc->err) < 0)
			return -1;
		if (*rest)
			return stage_fail(pc->err, 0, "%s: text after the string", path);
		plan_emit(pc->out, "cgroup.property", name, "s", text, NULL);
		return 0;
	}
	if (*value == '[')
		return string_list(pc, path, name, value);
	/* a number: typed as in GVariant text, int32 when no type is written */
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strncmp(value, types[i].word, strlen(types[i].word)) == 0) {
			sig[0] = types[i].sig;
			value += strlen(types[i].word);
		}
	if (property_number(path, value, sig[0], scale, text, sizeof(text), pc->err) < 0)
		return -1;
	plan_emit(pc->out, "cgroup.property", name, sig, text, NULL);
	return 0;
}

/* The uid whose systemd --user makes a rootless container's scope. */
static unsigned long caller_uid(void)
{
	const char *rootless = getenv("BATON_ROOTLESS");
	unsigned long inside, outside;
	FILE *f;

	if (rootless)
		return strtoul(rootless, NULL, 10);
	/* root of a rootless engine's user namespace: whoever 0 is outside */
	f = fopen("/proc/self/uid_map", "re");
	while (f && fscanf(f, "%lu %lu %*u", &inside, &outside) == 2)
		if (inside == 0) {
			fclose(f);
			return outside;
		}
	if (f)
		fclose(f);
	return 0;
}

static bool pure_v2(void)
{
	enum cgroup_layout layout;
	struct stage_error ignored;

	return cgroup_detect(&layout, &ignored) == 0 && layout == CGROUP_LAYOUT_V2;
}

static const char *subgroup(const struct jnode *annotations)
{
	const struct jnode *v = annotations ? jget(annotations, "run.oci.systemd.subgroup") : NULL;

	/* as crun: on v2 the processes live in a leaf below the scope */
	return v ? v->str : pure_v2() ? "container" : "";
}

/*
 * run.oci.delegate-cgroup: one more cgroup below the subgroup, the
 * payload's to manage (limits stay on the subgroup); v2 only, where
 * delegating a cgroup is safe.
 */
static int delegate(struct pc *pc, const struct jnode *annotations, const char *sub)
{
	const struct jnode *v = annotations ? jget(annotations, "run.oci.delegate-cgroup") : NULL;

	if (!v)
		return 0;
	if (!*sub)
		return stage_fail(pc->err, 0,
				  "annotations.run.oci.delegate-cgroup: needs a sub-cgroup "
				  "(run.oci.systemd.subgroup is empty)");
	if (!pure_v2())
		return stage_fail(pc->err, 0,
				  "annotations.run.oci.delegate-cgroup: cgroup v2 only (delegation "
				  "is not safe on cgroup v1)");
	plan_emit(pc->out, "cgroup.delegate", v->str, NULL);
	return 0;
}

int parse_cgroup_systemd(struct pc *pc, const struct jnode *config)
{
	const struct jnode *linux_obj = jget(config, "linux"), *annotations, *v;
	const char *value = NULL, *sub;
	char unit[256], slice[256], slice_path[1024], base[128] = "", scope[2048], path[4096];
	bool rootless = !host_root();
	char p[JPATH_MAX];

	if ((linux_obj && jm_string(linux_obj, "linux", "cgroupsPath", &value, pc->err) < 0) ||
	    jm_object(config, "", "annotations", &annotations, pc->err) < 0 ||
	    systemd_unit_names(value, pc->id, rootless, unit, sizeof(unit), slice, sizeof(slice),
			       pc->err) < 0 ||
	    systemd_slice_path(slice, slice_path, sizeof(slice_path), pc->err) < 0)
		return -1;
	if (rootless) {
		unsigned long uid = caller_uid();

		snprintf(base, sizeof(base), "/user.slice/user-%lu.slice/user@%lu.service", uid,
			 uid);
	}
	snprintf(scope, sizeof(scope), "%s%s/%s", base, slice_path, unit);
	sub = subgroup(annotations);
	snprintf(path, sizeof(path), "%s%s%s", scope, *sub ? "/" : "", sub);
	plan_emit(pc->out, "cgroup.manager", "systemd", NULL);
	plan_emit(pc->out, "cgroup.unit", unit, NULL);
	plan_emit(pc->out, "cgroup.slice", slice, NULL);
	plan_emit(pc->out, "cgroup.bus", rootless ? "user" : "system", NULL);
	plan_emit(pc->out, "cgroup.scope", scope, NULL);
	plan_emit(pc->out, "cgroup.path", path, NULL);
	if (delegate(pc, annotations, sub) < 0)
		return -1;
	jnode_foreach(v, annotations)
	{
		if (strncmp(v->key, PROPERTY_PREFIX, strlen(PROPERTY_PREFIX)) == 0 &&
		    systemd_property(pc, jpath_key(p, "annotations", v->key),
				     v->key + strlen(PROPERTY_PREFIX), v->str) < 0)
			return -1;
	}
	return 0;
}
