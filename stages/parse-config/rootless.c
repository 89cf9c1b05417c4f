/*
 * Rootless: a user who is not root gets a user namespace even when
 * config.json has none, as with crun, mapping the caller to root and, where
 * /etc/subuid and /etc/subgid grant them, the caller's subordinate ids after
 * it. Without subordinate ids only the caller is mapped, and we say so.
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "internal.h"
#include "stage.h"

/* The caller's range in /etc/subuid or /etc/subgid (by name or number). */
static bool subordinate_range(const char *file, const char *name, unsigned long id,
			      unsigned long *start, unsigned long *count)
{
	autofree char *line = NULL; /* whole lines: a cut one's tail would read as an entry */
	size_t cap = 0;
	char idtext[32];
	FILE *f = fopen(file, "re");
	bool found = false;

	if (!f)
		return false;
	snprintf(idtext, sizeof(idtext), "%lu", id);
	while (!found && getline(&line, &cap, f) >= 0) {
		char *owner = strtok(line, ":"), *s = strtok(NULL, ":"), *c = strtok(NULL, ":\n");

		if (!owner || !s || !c ||
		    (strcmp(owner, idtext) != 0 && (!name || strcmp(owner, name) != 0)))
			continue;
		*start = strtoul(s, NULL, 10);
		*count = strtoul(c, NULL, 10);
		found = *count > 0;
	}
	fclose(f);
	return found;
}

static void emit_maps(struct pc *pc, const char *record, const char *file, const char *name,
		      unsigned long id)
{
	char a[NUM_MAX], b[NUM_MAX], c[NUM_MAX];
	unsigned long start, count;

	plan_emit(pc->out, record, "0", fmt_u64(b, id), "1", NULL);
	if (subordinate_range(file, name, id, &start, &count)) {
		plan_emit(pc->out, record, "1", fmt_u64(b, start), fmt_u64(c, count), NULL);
		return;
	}
	(void)a;
	stage_warn("no subordinate ids for `%s` in %s: only id %lu is mapped (as root)",
		   name ? name : "?", file, id);
}

int rootless_user_namespace(struct pc *pc, int *nuid, int *ngid)
{
	const char *caller = getenv("BATON_ROOTLESS");
	unsigned long uid, gid;
	struct passwd *pw;

	if (!caller || sscanf(caller, "%lu:%lu", &uid, &gid) != 2)
		return 0;
	if (!(pc->ns_listed & NS_USER)) {
		plan_emit(pc->out, "namespace", "user", "", NULL);
		pc->ns_listed |= NS_USER;
		pc->ns_new |= NS_USER;
	}
	if (!(pc->ns_new & NS_USER) || *nuid || *ngid)
		return 0;
	pw = getpwuid((uid_t)uid);
	emit_maps(pc, "uid-map", "/etc/subuid", pw ? pw->pw_name : NULL, uid);
	emit_maps(pc, "gid-map", "/etc/subgid", pw ? pw->pw_name : NULL, gid);
	*nuid = *ngid = 1;
	return 0;
}

/*
 * As crun for a caller with subordinate ids (root's own lines in /etc/subuid):
 * ids below the process's come from the range, the process's id is the
 * caller's, the rest of the range follows it.
 */
static void emit_subordinate_layout(struct pc *pc, const char *record, uint32_t id,
				    unsigned long host, unsigned long start, unsigned long count)
{
	char a[NUM_MAX], b[NUM_MAX], c[NUM_MAX];
	unsigned long below = id < count ? id : count;

	if (id > 0 && below > 0)
		plan_emit(pc->out, record, "0", fmt_u64(b, start), fmt_u64(c, below), NULL);
	plan_emit(pc->out, record, fmt_u64(a, id), fmt_u64(b, host), "1", NULL);
	if (count > below)
		plan_emit(pc->out, record, fmt_u64(a, (uint64_t)id + 1), fmt_u64(b, start + below),
			  fmt_u64(c, count - below), NULL);
}

static void default_map(struct pc *pc, const char *field, const char *record, const char *file,
			uint32_t id, unsigned long host)
{
	struct passwd *pw = getpwuid((uid_t)geteuid());
	unsigned long start, count;
	char a[NUM_MAX], c[NUM_MAX];

	if (subordinate_range(file, pw ? pw->pw_name : NULL, geteuid(), &start, &count)) {
		emit_subordinate_layout(pc, record, id, host, start, count);
		stage_debug("%s: none given: %lu as %u, %lu ids from %s (%lu..)", field, host, id,
			    count, file, start);
		return;
	}
	/* no range of our own: the host's ids up to the process's, as themselves */
	plan_emit(pc->out, record, "0", fmt_u64(a, host), fmt_u64(c, (uint64_t)id + 1), NULL);
	stage_debug("%s: none given and no range in %s: host ids %lu..%llu as 0..%u", field, file,
		    host, (unsigned long long)host + id, id);
}

int default_id_maps(struct pc *pc, int *nuid, int *ngid)
{
	if (!(pc->ns_new & NS_USER))
		return 0;
	if (*nuid == 0) {
		default_map(pc, "linux.uidMappings", "uid-map", "/etc/subuid", pc->proc_uid,
			    geteuid());
		*nuid = 1;
	}
	if (*ngid == 0) {
		default_map(pc, "linux.gidMappings", "gid-map", "/etc/subgid", pc->proc_gid,
			    getegid());
		*ngid = 1;
	}
	return 0;
}
