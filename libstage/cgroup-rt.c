/*
 * v1 realtime budgets: a cgroup's cpu.rt_runtime_us must fit in its parent's,
 * and a new cgroup gets 0, so a container's runtime is refused (EINVAL) under
 * a parent like /baton that never had one. Before the container's write, its
 * ancestors get just the budget their children (the container included) need,
 * from the top down; the hierarchy's root is never written: the host's.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup-int.h"
#include "cleanup.h"
#include "stage.h"

/* The kernel's to_ratio(): a budget as a fraction of its period, << 20. */
#define RT_SHIFT 20
#define RT_FULL	 (UINT64_C(1) << RT_SHIFT)

struct rt_budget {
	int64_t runtime; /* -1: unlimited */
	uint64_t period;
};

static uint64_t rt_ratio(const struct rt_budget *b)
{
	if (b->runtime < 0 || b->period == 0)
		return RT_FULL;
	return ((uint64_t)b->runtime << RT_SHIFT) / b->period;
}

static int read_number(const char *dir, const char *file, int64_t *out, struct stage_error *err)
{
	autofree char *text = NULL;
	char *end;

	if (cg_read_file(dir, file, &text, err) < 0)
		return -1;
	errno = 0;
	*out = strtoll(text, &end, 10);
	if (end == text || errno)
		return stage_fail(err, EINVAL, "`%s/%s`: not a number", dir, file);
	return 0;
}

static int read_budget(const char *dir, struct rt_budget *b, struct stage_error *err)
{
	int64_t period;

	if (read_number(dir, "cpu.rt_runtime_us", &b->runtime, err) < 0 ||
	    read_number(dir, "cpu.rt_period_us", &period, err) < 0)
		return -1;
	b->period = period > 0 ? (uint64_t)period : 0;
	return 0;
}

/* What dir's children but `skip` hold, as a ratio. */
static int children_ratio(const char *dir, const char *skip, uint64_t *sum, struct stage_error *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char child[PATH_MAX];
	int ret = 0;

	*sum = 0;
	if (!d)
		return stage_fail(err, errno, "open cgroup `%s`", dir);
	while (ret == 0 && (de = readdir(d))) {
		struct rt_budget b;

		if (de->d_type != DT_DIR || de->d_name[0] == '.' || strcmp(de->d_name, skip) == 0)
			continue;
		if (snprintf(child, sizeof(child), "%s/%s", dir, de->d_name) >= (int)sizeof(child))
			ret = stage_fail(err, ENAMETOOLONG, "cgroup `%s/%s`", dir, de->d_name);
		else if ((ret = read_budget(child, &b, err)) == 0)
			*sum += rt_ratio(&b);
	}
	closedir(d);
	return ret;
}

int cg_rt_make_room(const char *root, const char *path, const char *value, struct stage_error *err)
{
	static const char field[] = "linux.resources.cpu.realtimeRuntime";
	char dir[PATH_MAX];
	struct rt_budget mine;
	char *end;
	size_t levels = 0;

	errno = 0;
	mine.runtime = strtoll(value, &end, 10);
	if (*end || errno)
		return stage_fail(err, EINVAL, "%s: not a number: `%s`", field, value);
	if (snprintf(dir, sizeof(dir), "%s%s", root, path) >= (int)sizeof(dir))
		return stage_fail(err, ENAMETOOLONG, "cgroup `%s%s`", root, path);
	int64_t period;
	if (read_number(dir, "cpu.rt_period_us", &period, err) < 0)
		return -1;
	mine.period = period > 0 ? (uint64_t)period : 0;
	for (const char *p = path; *p; p++)
		levels += *p == '/';
	/* path /a/b/c: the ancestors /a and /a/b, each with what it must hold */
	size_t n = levels - 1;
	if (n == 0)
		return 0;
	autofree uint64_t *want = calloc(n, sizeof(*want));
	autofree uint64_t *have = calloc(n, sizeof(*have));
	autofree uint64_t *periods = calloc(n, sizeof(*periods));
	if (!want || !have || !periods)
		return stage_fail(err, ENOMEM, "%s", field);

	/* bottom up: each ancestor needs its other children's share plus the path's */
	uint64_t need = rt_ratio(&mine);
	for (size_t i = n; i-- > 0;) {
		char *slash = strrchr(dir, '/');
		struct rt_budget b;
		uint64_t others;

		*slash = '\0';
		if (read_budget(dir, &b, err) < 0 ||
		    children_ratio(dir, slash + 1, &others, err) < 0)
			return -1;
		have[i] = rt_ratio(&b);
		periods[i] = b.period;
		want[i] = others + need;
		need = want[i] > have[i] ? want[i] : have[i];
	}
	/* top down: a parent's budget grows before its child's */
	for (size_t i = 0; i < n; i++) {
		/* the walk up cut dir at each ancestor: put the next level back */
		if (i > 0)
			dir[strlen(dir)] = '/';
		if (want[i] <= have[i])
			continue;
		if (want[i] > RT_FULL)
			return stage_fail(err, EINVAL,
					  "%s: %s us per %" PRIu64
					  " us does not fit in `%s`, whose "
					  "children already hold its whole period",
					  field, value, mine.period, dir);
		uint64_t runtime = (want[i] * periods[i] + RT_FULL - 1) >> RT_SHIFT;
		char text[24];

		snprintf(text, sizeof(text), "%" PRIu64, runtime);
		if (cg_write_file(dir, "cpu.rt_runtime_us", text, err) < 0)
			return stage_wrap(
			    err, "%s: %s us needs %s us in `%s`, more than its parent grants",
			    field, value, text, dir);
	}
	return 0;
}
