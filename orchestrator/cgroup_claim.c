/*
 * Is the planned cgroup this container's to take? delete, delete --force and
 * kill --all act on a container's whole cgroup, so a cgroup shared with
 * others would get their processes killed: one that holds processes already
 * is refused (as runc 1.2 does), and so is one that is, contains or lies
 * inside another container's. One that exists but is empty may be used, and
 * is remembered as not baton's own: teardown then leaves it alone.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "baton.h"
#include "cgroup.h"
#include "cleanup.h"

/* a is b, or an ancestor of it */
static bool cgroup_covers(const char *a, const char *b)
{
	size_t len = strlen(a);

	while (len > 1 && a[len - 1] == '/')
		len--;
	return strncmp(a, b, len) == 0 && (b[len] == '\0' || b[len] == '/');
}

/* Another container's cgroup, read without its lock (a create holds that
 * for long): its status is replaced atomically; before the status, its plan. */
static bool other_cgroup(const char *root, const char *id, char *out, size_t size)
{
	struct container other;
	struct stage_error ignored;
	autoplan struct plan plan = {0};
	int ret = state_peek(&other, root, id, &ignored);

	if (ret < 0)
		return false;
	if (ret == 0)
		snprintf(out, size, "%s", other.cgroup_path);
	else if (state_load_plan(&other, &plan, &ignored) == 0)
		snprintf(out, size, "%s", plan_str(&plan, "cgroup.path", ""));
	else
		out[0] = '\0';
	state_close(&other);
	return out[0] != '\0';
}

/* 0, or -1 with err naming the first container whose cgroup meets ours. */
static int meets(const struct container *c, const char *id, const char *theirs,
		 struct stage_error *err)
{
	if (strcmp(theirs, c->cgroup_path) == 0)
		return stage_fail(err, EBUSY,
				  "linux.cgroupsPath: `%s` is the cgroup of container `%s`",
				  c->cgroup_path, id);
	if (cgroup_covers(c->cgroup_path, theirs))
		return stage_fail(
		    err, EBUSY,
		    "linux.cgroupsPath: `%s` contains the cgroup `%s` of container `%s`",
		    c->cgroup_path, theirs, id);
	if (cgroup_covers(theirs, c->cgroup_path))
		return stage_fail(
		    err, EBUSY,
		    "linux.cgroupsPath: `%s` lies inside the cgroup `%s` of container "
		    "`%s`",
		    c->cgroup_path, theirs, id);
	return 0;
}

static int check_others(const struct global_opts *g, const struct container *c,
			struct stage_error *err)
{
	DIR *dir = opendir(g->root);
	char theirs[sizeof(c->cgroup_path)];
	struct dirent *de;
	int ret = 0;

	while (ret == 0 && dir && (de = readdir(dir))) {
		if (de->d_name[0] == '.' || strcmp(de->d_name, c->id) == 0 ||
		    !other_cgroup(g->root, de->d_name, theirs, sizeof(theirs)))
			continue;
		ret = meets(c, de->d_name, theirs, err);
	}
	if (dir)
		closedir(dir);
	return ret;
}

int claim_cgroup(const struct global_opts *g, struct container *c, struct stage_error *err)
{
	bool exists;

	if (!c->cgroup_path[0])
		return 0;
	if (check_others(g, c, err) < 0)
		return -1;
	/* systemd makes the scope anew, or refuses to */
	if (c->cgroup_unit[0]) {
		c->cgroup_owned = true;
		return 0;
	}
	if (cgroup_claim(c->cgroup_path, &exists, err) < 0)
		return -1;
	c->cgroup_owned = !exists;
	return c->cgroup_owned ? state_mark_cgroup_owned(c, err) : 0;
}
