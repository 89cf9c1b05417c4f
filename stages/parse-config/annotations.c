/*
 * crun's annotations (crun(1), "Extensions to OCI"). Each known key has a
 * check; those baton implements become plan records, so that the stages
 * never look at annotations themselves.
 */
#include "annotations.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"
#include "stage.h"

typedef int annotation_fn(struct pc *pc, const struct jnode *config, const char *path,
			  const char *value);

/* Presence is what counts, as in crun: setgroups is skipped in final-exec. */
static int keep_original_groups(struct pc *pc, const struct jnode *config, const char *path,
				const char *value)
{
	(void)config;
	(void)path;
	(void)value;
	plan_emit(pc->out, "process.keep-original-groups", "1", NULL);
	return 0;
}

/* The kernel's clock ids for the two clocks a time namespace offsets. */
static const char *clock_name(const char *s)
{
	if (strcmp(s, "monotonic") == 0 || strcmp(s, "1") == 0)
		return "monotonic";
	if (strcmp(s, "boottime") == 0 || strcmp(s, "7") == 0)
		return "boottime";
	return NULL;
}

/* A decimal integer filling all of s; nsecs are digits only. */
static bool parse_number(const char *s, bool sign, int64_t max, int64_t *out)
{
	char *end;
	long long v;

	if (!s || (!sign && (*s < '0' || *s > '9')))
		return false;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v > max)
		return false;
	*out = v;
	return true;
}

static int parse_offset_line(struct pc *pc, const struct jnode *config, const char *path,
			     char *line, unsigned *seen)
{
	const struct jnode *offsets = jget(jget(config, "linux"), "timeOffsets");
	char orig[256], *save = NULL, s[NUM_MAX], n[NUM_MAX];
	const char *clock, *secs_s, *nsecs_s, *name;
	int64_t secs, nsecs;
	unsigned bit;

	snprintf(orig, sizeof(orig), "%s", line);
	clock = strtok_r(line, " \t", &save);
	secs_s = strtok_r(NULL, " \t", &save);
	nsecs_s = strtok_r(NULL, " \t", &save);
	if (!parse_number(secs_s, true, INT64_MAX, &secs) ||
	    !parse_number(nsecs_s, false, 999999999, &nsecs) || strtok_r(NULL, " \t", &save))
		return stage_fail(pc->err, 0, "%s: `%s` is not `CLOCK SECS NSECS`", path, orig);
	name = clock_name(clock);
	if (!name)
		return stage_fail(pc->err, 0, "%s: unknown clock `%s` (want monotonic or boottime)",
				  path, clock);
	bit = name[0] == 'm' ? 1 : 2;
	if (*seen & bit)
		return stage_fail(pc->err, 0, "%s: clock `%s` given twice", path, name);
	*seen |= bit;
	if (jget(offsets, name))
		return stage_fail(pc->err, 0, "%s: clock `%s` is also in linux.timeOffsets", path,
				  name);
	plan_emit(pc->out, "time-offset", name, fmt_i64(s, secs), fmt_u64(n, (uint64_t)nsecs),
		  NULL);
	return 0;
}

/* "CLOCK SECS NSECS", one per line, as /proc/self/timens_offsets takes them. */
static int timens_offset(struct pc *pc, const struct jnode *config, const char *path,
			 const char *value)
{
	char buf[256], *line, *save = NULL;
	unsigned seen = 0;

	if (rule_needs_new_ns(path, pc->ns_new, NS_TIME, "time", pc->err) < 0)
		return -1;
	if (strlen(value) >= sizeof(buf))
		return stage_fail(pc->err, 0, "%s: too long", path);
	strcpy(buf, value);
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (parse_offset_line(pc, config, path, line, &seen) < 0)
			return -1;
	if (!seen)
		return stage_fail(pc->err, 0, "%s: empty (want `CLOCK SECS NSECS`)", path);
	return 0;
}

/* The file hooks write to; the hook runner reads the annotation record. */
static int hook_output(struct pc *pc, const struct jnode *config, const char *path,
		       const char *value)
{
	(void)config;
	if (!*value)
		return stage_fail(pc->err, 0, "%s: empty file name", path);
	return 0;
}

/* Used by the systemd cgroup manager only, as in crun; cgroupfs has no sub-cgroup. */
static int systemd_subgroup(struct pc *pc, const struct jnode *config, const char *path,
			    const char *value)
{
	(void)config;
	if (strchr(value, '/') || strcmp(value, ".") == 0 || strcmp(value, "..") == 0)
		return stage_fail(pc->err, 0, "%s: `%s` is not a cgroup name", path, value);
	return 0;
}

/* A sub-cgroup of the systemd driver's: systemd.c places it; cgroupfs has none. */
static int delegate_cgroup(struct pc *pc, const struct jnode *config, const char *path,
			   const char *value)
{
	if (!pc->systemd)
		return stage_fail(pc->err, 0,
				  "%s: needs the systemd cgroup manager (--systemd-cgroup)", path);
	if (!*value)
		return stage_fail(pc->err, 0, "%s: empty cgroup name", path);
	return systemd_subgroup(pc, config, path, value);
}

/* The option that would carry linux.mountLabel (ignored without SELinux, refused with it). */
static int mount_context_type(struct pc *pc, const struct jnode *config, const char *path,
			      const char *value)
{
	static const char *const types[] = {"context", "fscontext", "defcontext", "rootcontext"};

	(void)config;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(value, types[i]) == 0)
			return 0;
	return stage_fail(pc->err, 0,
			  "%s: unknown context type `%s` (want context, fscontext, defcontext "
			  "or rootcontext)",
			  path, value);
}

/* seccomp-load reads the annotation record itself: `0` leaves the check off. */
static int seccomp_fail_unknown(struct pc *pc, const struct jnode *config, const char *path,
				const char *value)
{
	(void)pc;
	(void)config;
	(void)path;
	(void)value;
	return 0;
}

/* Where the seccomp listener goes (the orchestrator connects to it), in crun's words. */
static int seccomp_receiver(struct pc *pc, const struct jnode *config, const char *path,
			    const char *value)
{
	(void)config;
	if (value[0] != '/')
		return stage_fail(pc->err, 0,
				  "%s: the seccomp receiver `%s` is not an absolute path", path,
				  value);
	return 0;
}

/* Known to crun, not done by baton: refused, never ignored. */
static int not_supported(struct pc *pc, const struct jnode *config, const char *path,
			 const char *value)
{
	(void)config;
	(void)value;
	return stage_fail(pc->err, 0, "%s: not supported yet", path);
}

static const struct {
	const char *key;
	annotation_fn *check;
} known[] = {
    {"run.oci.keep_original_groups", keep_original_groups},
    {"run.oci.timens_offset", timens_offset},
    {"run.oci.hooks.stdout", hook_output},
    {"run.oci.hooks.stderr", hook_output},
    {"run.oci.systemd.subgroup", systemd_subgroup},
    {"run.oci.mount_context_type", mount_context_type},
    {"run.oci.systemd.force_cgroup_v1", not_supported},
    {"run.oci.delegate-cgroup", delegate_cgroup},
    {"run.oci.handler", not_supported},
    {"run.oci.seccomp.receiver", seccomp_receiver},
    {"run.oci.seccomp.plugins", not_supported},
    {"run.oci.seccomp_fail_unknown_syscall", seccomp_fail_unknown},
    {"run.oci.seccomp_bpf_data", not_supported},
};

static annotation_fn *find_check(const char *key)
{
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(known[i].key, key) == 0)
			return known[i].check;
	return NULL;
}

int parse_run_oci_annotations(struct pc *pc, const struct jnode *config,
			      const struct jnode *annotations)
{
	const struct jnode *v;
	char p[JPATH_MAX];

	jnode_foreach(v, annotations)
	{
		annotation_fn *check;

		if (strncmp(v->key, "run.oci.", 8) != 0)
			continue;
		check = find_check(v->key);
		if (!check) {
			stage_debug("annotation `%s` is unknown to baton: ignored", v->key);
			continue;
		}
		/* the caller checked that every value is a string */
		if (check(pc, config, jpath_key(p, "annotations", v->key), v->str) < 0)
			return -1;
	}
	return 0;
}
