#include "parse.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "annotations.h"
#include "internal.h"
#include "systemd.h"
#include "rules.h"

const struct name_value *name_find(const struct name_value *table, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(table[i].name, name) == 0)
			return &table[i];
	return NULL;
}

const char *fmt_u64(char *buf, uint64_t v)
{
	snprintf(buf, NUM_MAX, "%" PRIu64, v);
	return buf;
}

const char *fmt_i64(char *buf, int64_t v)
{
	snprintf(buf, NUM_MAX, "%" PRId64, v);
	return buf;
}

const char *fmt_hex(char *buf, uint64_t v)
{
	snprintf(buf, NUM_MAX, "0x%" PRIx64, v);
	return buf;
}

int emit_string_list(struct pc *pc, const struct jnode *arr, const char *path, const char *key,
		     int (*rule)(const char *path, const char *s, struct stage_error *err))
{
	char p[JPATH_MAX];
	const struct jnode *v;
	const char *s;
	int i = 0;

	jnode_foreach(v, arr)
	{
		jpath_idx(p, path, i++);
		if (jv_string(v, p, &s, pc->err) < 0 || (rule && rule(p, s, pc->err) < 0))
			return -1;
		plan_emit(pc->out, key, s, NULL);
	}
	return 0;
}

int reject_unsupported(const struct jnode *obj, const char *path, const char *key,
		       struct stage_error *err)
{
	char p[JPATH_MAX];

	if (jget(obj, key))
		return stage_fail(err, 0, "%s: not supported yet", jpath_key(p, path, key));
	return 0;
}

static int parse_version(struct pc *pc, const struct jnode *config)
{
	const char *version = NULL;

	if (jm_string(config, "", "ociVersion", &version, pc->err) < 0)
		return -1;
	if (!version)
		return stage_fail(pc->err, 0, "ociVersion: required");
	if (rule_oci_version(version, pc->err) < 0)
		return -1;
	plan_emit(pc->out, "oci-version", version, NULL);
	return 0;
}

static int parse_root(struct pc *pc, const struct jnode *config)
{
	const struct jnode *root;
	const char *path = NULL;
	bool readonly = false;

	if (jm_object(config, "", "root", &root, pc->err) < 0)
		return -1;
	if (!root)
		return stage_fail(pc->err, 0, "root: required");
	if (jm_string(root, "root", "path", &path, pc->err) < 0 ||
	    jm_bool(root, "root", "readonly", &readonly, pc->err) < 0)
		return -1;
	if (!path || !*path)
		return stage_fail(pc->err, 0, "root.path: required");
	char abs[4096];
	struct stat st;

	if ((size_t)snprintf(abs, sizeof(abs), "%s%s%s", path[0] == '/' ? "" : pc->bundle,
			     path[0] == '/' ? "" : "/", path) >= sizeof(abs))
		return stage_fail(pc->err, ENAMETOOLONG, "root.path: too long");
	/* the one filesystem check here: a missing rootfs fails before any side effect */
	if (stat(abs, &st) < 0)
		return stage_fail(pc->err, errno, "root.path: `%s`", abs);
	if (!S_ISDIR(st.st_mode))
		return stage_fail(pc->err, ENOTDIR, "root.path: `%s`", abs);
	plan_emit(pc->out, "root.path", abs, NULL);
	plan_emit(pc->out, "root.readonly", readonly ? "1" : "0", NULL);
	pc->root_readonly = readonly;
	return 0;
}

/*
 * The names are set in the container's UTS namespace, new or joined by path,
 * never in the runtime's (runc refuses that too).
 */
static int parse_names(struct pc *pc, const struct jnode *config)
{
	static const char *const keys[] = {"hostname", "domainname"};

	for (unsigned i = 0; i < 2; i++) {
		const char *name = NULL;

		if (jm_string(config, "", keys[i], &name, pc->err) < 0)
			return -1;
		if (!name || !*name)
			continue;
		if (rule_needs_ns(keys[i], pc->ns_listed, NS_UTS, "uts", pc->err) < 0)
			return -1;
		plan_emit(pc->out, keys[i], name, NULL);
		*(i == 0 ? &pc->hostname : &pc->domainname) = name;
	}
	return 0;
}

static int parse_annotations(struct pc *pc, const struct jnode *config)
{
	const struct jnode *annotations, *v;
	char p[JPATH_MAX];

	if (jm_object(config, "", "annotations", &annotations, pc->err) < 0)
		return -1;
	jnode_foreach(v, annotations)
	{
		const char *value;

		if (jv_string(v, jpath_key(p, "annotations", v->key), &value, pc->err) < 0)
			return -1;
		plan_emit(pc->out, "annotation", v->key, value, NULL);
	}
	return parse_run_oci_annotations(pc, config, annotations);
}

static int parse_document(struct pc *pc, const struct jnode *config)
{
	const struct jnode *linux_obj;

	if (!jnode_is(config, JNODE_OBJECT))
		return stage_fail(pc->err, 0, "config.json: must be a JSON object");
	plan_emit(pc->out, "format", PLAN_FORMAT, NULL);
	plan_emit(pc->out, "id", pc->id, NULL);
	plan_emit(pc->out, "bundle", pc->bundle, NULL);
	if (parse_version(pc, config) < 0 || parse_root(pc, config) < 0)
		return -1;
	if (jm_object(config, "", "linux", &linux_obj, pc->err) < 0)
		return -1;
	/* namespaces first: other rules depend on which ones are new */
	if (parse_namespaces(pc, linux_obj) < 0 || parse_process(pc, config) < 0 ||
	    parse_names(pc, config) < 0 || parse_mounts(pc, config) < 0 ||
	    parse_linux(pc, linux_obj) < 0 || parse_resources(pc, linux_obj) < 0 ||
	    parse_seccomp(pc, linux_obj) < 0 || parse_hooks(pc, config) < 0 ||
	    parse_annotations(pc, config) < 0 ||
	    (pc->systemd && parse_cgroup_systemd(pc, config) < 0))
		return -1;
	return 0;
}

int parse_config(const char *json, size_t len, const char *bundle, const char *id,
		 struct strbuf *plan_out, struct stage_error *err)
{
	const char *manager = getenv("BATON_CGROUP_MANAGER");
	struct pc pc = {.out = plan_out,
			.err = err,
			.bundle = bundle,
			.id = id,
			.systemd = manager && strcmp(manager, "systemd") == 0};
	struct jnode *config;
	int ret;

	if (json_read("config.json", "", json, len, &config, err) < 0)
		return -1;
	ret = parse_document(&pc, config);
	jnode_free(config);
	return ret;
}
