/*
 * Idmapped mounts (runtime-spec config.md, mounts[].uidMappings): a bind
 * mount whose files show other owners. The mappings read as in runc and
 * crun: a file owned by containerID on the source filesystem shows as
 * hostID, which a user namespace of the container then maps as it maps
 * any host id. Without mappings, `idmap` uses the container's own user
 * namespace. The idmap-mounts stage does the work; here only the rules.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mount-idmap.h"

/* The kernel takes at most this many lines in a uid_map or gid_map. */
#define MAX_RANGES 340

struct id_range {
	uint64_t inside, outside, size; /* containerID, hostID, size */
};

struct id_ranges {
	struct id_range r[MAX_RANGES];
	unsigned n;
};

int idmap_option(const char *name, const char *path, struct idmap_opts *o, struct stage_error *err)
{
	bool recursive = strncmp(name, "ridmap", 6) == 0;
	const char *rest = name + (recursive ? 6 : 5);

	if (!recursive && strncmp(name, "idmap", 5) != 0)
		return 0;
	if (*rest && *rest != '=')
		return 0; /* idmapfoo: not ours, filesystem data */
	if (*rest == '=' && rest[1]) {
		if (o->value)
			return stage_fail(err, 0, "%s: mappings given twice (also in %s)", path,
					  o->path);
		o->value = rest + 1;
	}
	if (recursive)
		o->ridmap = true;
	else
		o->idmap = true;
	snprintf(o->path, sizeof(o->path), "%s", path);
	return 1;
}

/* A range may not overlap another one on either side, as the kernel requires. */
static int check_range(const struct id_ranges *rs, const struct id_range *r, const char *path,
		       struct stage_error *err)
{
	if (r->size == 0)
		return stage_fail(err, 0, "%s: size must be greater than 0", path);
	if (r->inside + r->size > (1ULL << 32) || r->outside + r->size > (1ULL << 32))
		return stage_fail(err, 0, "%s: the range goes past id 4294967295", path);
	for (unsigned i = 0; i < rs->n; i++) {
		const struct id_range *o = &rs->r[i];

		if ((r->inside < o->inside + o->size && o->inside < r->inside + r->size) ||
		    (r->outside < o->outside + o->size && o->outside < r->outside + r->size))
			return stage_fail(err, 0, "%s: overlaps range %u", path, i);
	}
	if (rs->n == MAX_RANGES)
		return stage_fail(err, 0, "%s: more than %d ranges", path, MAX_RANGES);
	return 0;
}

/* uidMappings or gidMappings: LinuxIDMapping objects, as linux.uidMappings. */
static int json_ranges(const struct jnode *arr, const char *path, struct id_ranges *rs,
		       struct stage_error *err)
{
	const struct jnode *v;
	char p[JPATH_MAX];

	rs->n = 0;
	jnode_foreach(v, arr)
	{
		struct id_range r;
		bool has_c, has_h, has_s;

		jpath_idx(p, path, (int)rs->n);
		if (jv_object(v, p, err) < 0 ||
		    jm_u64(v, p, "containerID", UINT32_MAX, &r.inside, &has_c, err) < 0 ||
		    jm_u64(v, p, "hostID", UINT32_MAX, &r.outside, &has_h, err) < 0 ||
		    jm_u64(v, p, "size", UINT32_MAX, &r.size, &has_s, err) < 0)
			return -1;
		if (!has_c || !has_h || !has_s)
			return stage_fail(err, 0, "%s: containerID, hostID and size are required",
					  p);
		if (check_range(rs, &r, p, err) < 0)
			return -1;
		rs->r[rs->n++] = r;
	}
	return 0;
}

static int bad_text(const char *path, const char *text, struct stage_error *err)
{
	return stage_fail(err, 0,
			  "%s: `%s`: expected uids=FROM-TO-COUNT[#...];gids=FROM-TO-COUNT[#...]",
			  path, text);
}

/* FROM-TO-COUNT[#FROM-TO-COUNT...] up to `;` or the end, as crun spells it. */
static int text_ranges(const char **pos, const char *path, const char *whole, struct id_ranges *rs,
		       struct stage_error *err)
{
	const char *s = *pos;

	rs->n = 0;
	for (;;) {
		struct id_range r;
		uint64_t *field[3] = {&r.inside, &r.outside, &r.size};

		if (*s == '@')
			return stage_fail(
			    err, 0, "%s: relative mappings (`@`) are not supported yet", path);
		for (int i = 0; i < 3; i++) {
			char *end;

			if (i > 0 && *s++ != '-')
				return bad_text(path, whole, err);
			if (*s < '0' || *s > '9')
				return bad_text(path, whole, err);
			*field[i] = strtoull(s, &end, 10);
			if (*field[i] > UINT32_MAX)
				return bad_text(path, whole, err);
			s = end;
		}
		if (check_range(rs, &r, path, err) < 0)
			return -1;
		rs->r[rs->n++] = r;
		if (*s != '#')
			break;
		s++;
	}
	if (*s && *s != ';')
		return bad_text(path, whole, err);
	*pos = s + (*s == ';');
	return 0;
}

/* crun's `idmap=uids=0-100000-65536;gids=0-100000-65536`. */
static int option_ranges(const struct idmap_opts *o, struct id_ranges *uids, struct id_ranges *gids,
			 struct stage_error *err)
{
	bool have_u = false, have_g = false;

	for (const char *s = o->value; *s;) {
		bool u = strncmp(s, "uids=", 5) == 0;

		if (!u && strncmp(s, "gids=", 5) != 0)
			return bad_text(o->path, o->value, err);
		if ((u && have_u) || (!u && have_g))
			return stage_fail(err, 0, "%s: `%s`: %s given twice", o->path, o->value,
					  u ? "uids" : "gids");
		s += 5;
		if (text_ranges(&s, o->path, o->value, u ? uids : gids, err) < 0)
			return -1;
		have_u |= u;
		have_g |= !u;
	}
	if (!have_u || !have_g)
		return stage_fail(err, 0, "%s: `%s`: both uids= and gids= are needed", o->path,
				  o->value);
	return 0;
}

static void emit_ranges(struct pc *pc, const char *key, int index, const struct id_ranges *rs)
{
	char i[NUM_MAX], a[NUM_MAX], b[NUM_MAX], c[NUM_MAX];

	for (unsigned k = 0; k < rs->n; k++)
		plan_emit(pc->out, key, fmt_u64(i, (uint64_t)index), fmt_u64(a, rs->r[k].inside),
			  fmt_u64(b, rs->r[k].outside), fmt_u64(c, rs->r[k].size), NULL);
}

/* uidMappings and gidMappings of the mount: both or neither (the spec's MUST). */
static int mount_ranges(const struct jnode *m, const char *path, struct id_ranges *uids,
			struct id_ranges *gids, bool *given, struct stage_error *err)
{
	const struct jnode *u = NULL, *g = NULL;
	char pu[JPATH_MAX], pg[JPATH_MAX];

	jpath_key(pu, path, "uidMappings");
	jpath_key(pg, path, "gidMappings");
	if (jm_array(m, path, "uidMappings", &u, err) < 0 ||
	    jm_array(m, path, "gidMappings", &g, err) < 0 || json_ranges(u, pu, uids, err) < 0 ||
	    json_ranges(g, pg, gids, err) < 0)
		return -1;
	*given = uids->n || gids->n;
	if (*given && !uids->n)
		return stage_fail(err, 0, "%s: required with gidMappings", pu);
	if (*given && !gids->n)
		return stage_fail(err, 0, "%s: required with uidMappings", pg);
	return 0;
}

int parse_mount_idmap(struct pc *pc, const struct jnode *m, const char *path, int index, bool bind,
		      const struct idmap_opts *o, const char **word)
{
	static struct id_ranges uids, gids; /* 8 KiB each: not on the stack */
	char p[JPATH_MAX];
	bool given;

	*word = NULL;
	if (mount_ranges(m, path, &uids, &gids, &given, pc->err) < 0)
		return -1;
	if (!given && !o->idmap && !o->ridmap)
		return 0;
	if (!bind)
		return stage_fail(pc->err, 0, "%s: only a bind mount can be idmapped",
				  given ? jpath_key(p, path, "uidMappings") : o->path);
	if (given && o->value)
		return stage_fail(pc->err, 0, "%s: mappings given in %s too", o->path,
				  jpath_key(p, path, "uidMappings"));
	if (o->value && option_ranges(o, &uids, &gids, pc->err) < 0)
		return -1;
	/* no mappings of its own: the container's user namespace maps the mount */
	if (!uids.n && !(pc->ns_listed & NS_USER) && !getenv("BATON_ROOTLESS"))
		return stage_fail(pc->err, 0,
				  "%s: `idmap` without uidMappings needs a user namespace "
				  "(linux.namespaces) to take the mapping from",
				  o->path);
	emit_ranges(pc, "mount.uid-map", index, &uids);
	emit_ranges(pc, "mount.gid-map", index, &gids);
	*word = o->ridmap ? "ridmap" : "idmap";
	return 0;
}
