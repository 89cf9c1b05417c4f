/*
 * Rootless cgroups: a user who is not root of the host may use a cgroup
 * subtree given to it (chown by an administrator, systemd's Delegate=). The
 * kernel lets the owner of a cgroup directory mkdir in it, and the creator of
 * a cgroup owns its files; moving a process into a v2 cgroup also needs write
 * access to cgroup.procs of the common ancestor of where it is and where it
 * goes. A few access() calls decide it, before anything is made.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cgroup-int.h"
#include "cleanup.h"
#include "stage.h"

/* v1 controllers: a hierarchy that names none of them (name=systemd) limits nothing. */
static const char *const v1_controllers[] = {
    "blkio",  "cpu",  "cpuacct", "cpuset",   "devices",	   "freezer", "hugetlb",
    "memory", "misc", "net_cls", "net_prio", "perf_event", "pids",    "rdma",
};

bool cgroup_rootless(void)
{
	static int rootless = -1;

	if (rootless < 0)
		rootless = !host_root();
	return rootless;
}

static bool limits_something(const struct hierarchy *h)
{
	if (h->unified)
		return cg_is_v2_tree(h);
	for (size_t i = 0; i < sizeof(v1_controllers) / sizeof(v1_controllers[0]); i++)
		if (cg_has_controller(h, v1_controllers[i]))
			return true;
	return false;
}

static bool writable(const char *file)
{
	return faccessat(AT_FDCWD, file, W_OK, AT_EACCESS) == 0;
}

/* The deepest existing ancestor of the cgroup path in h: where our mkdir happens. */
static int deepest_ancestor(const struct hierarchy *h, const char *path, char *dir, size_t size,
			    struct stage_error *err)
{
	size_t root_len = strlen(h->root);

	if (cg_dir(dir, size, h, path, err) < 0)
		return -1;
	do
		*strrchr(dir, '/') = '\0';
	while (strlen(dir) > root_len && access(dir, F_OK) < 0);
	return 0;
}

/* The caller's own cgroup in the unified hierarchy; the root as "", to join to a mount point. */
static int own_unified_cgroup(char *out, size_t size, struct stage_error *err)
{
	if (cgroup_process_path(0, "", out, size, err) < 0)
		return -1;
	if (strcmp(out, "/") == 0)
		out[0] = '\0';
	return 0;
}

/* Cut a to the longest leading run of whole path components it shares with b. */
static void common_ancestor(char *a, const char *b)
{
	size_t last = 0, i = 0;

	for (; a[i] && a[i] == b[i]; i++)
		if (a[i] == '/')
			last = i;
	if ((a[i] == '\0' || a[i] == '/') && (b[i] == '\0' || b[i] == '/'))
		last = i;
	a[last] = '\0';
}

static bool process_placed;

void cgroup_process_placed(void)
{
	process_placed = true;
}

/* v2: may we move our processes (the clone, an exec) into path's subtree? */
static int may_move_into(const struct hierarchy *h, const char *path, struct stage_error *err)
{
	char common[PATH_MAX], procs[PATH_MAX];

	if (process_placed)
		return 0; /* it moves inside the subtree only */
	if (own_unified_cgroup(common, sizeof(common), err) < 0)
		return -1;
	common_ancestor(common, path);
	if (snprintf(procs, sizeof(procs), "%s%s/cgroup.procs", h->root, common) >=
	    (int)sizeof(procs))
		return stage_fail(err, ENAMETOOLONG, "cgroup `%s%s`", h->root, common);
	if (!writable(procs))
		return stage_fail(err, EACCES,
				  "rootless: cgroup `%s` is not delegated to uid %u: `%s`, of the "
				  "cgroup shared with the caller's, is not writable",
				  path, (unsigned)geteuid(), procs);
	return 0;
}

/* Is the subtree path goes into, in h, the caller's to use? */
static int delegated_in(const struct hierarchy *h, const char *path, struct stage_error *err)
{
	char dir[PATH_MAX];

	if (deepest_ancestor(h, path, dir, sizeof(dir), err) < 0)
		return -1;
	if (!writable(dir))
		return stage_fail(err, EACCES,
				  "rootless: cgroup `%s` is not delegated to uid %u: `%s` is not "
				  "writable (linux.cgroupsPath must lie in a cgroup subtree the "
				  "user owns)",
				  path, (unsigned)geteuid(), dir);
	return h->unified ? may_move_into(h, path, err) : 0;
}

int cg_rootless_select(struct hierarchy *h, size_t *n, const char *path, struct stage_error *err)
{
	size_t kept = 0;

	if (!cgroup_rootless())
		return 0;
	for (size_t i = 0; i < *n; i++) {
		struct stage_error why = {0};

		if (delegated_in(&h[i], path, &why) == 0) {
			h[kept++] = h[i];
			continue;
		}
		if (limits_something(&h[i])) {
			*err = why;
			return -1;
		}
		stage_debug("%s: no controllers, left out: %s", h[i].root, why.msg);
	}
	*n = kept;
	if (kept == 0)
		return stage_fail(err, ENOENT, "rootless: no cgroup hierarchy in `%s` to use",
				  CGROUP_MOUNT);
	return 0;
}

bool cgroup_delegated(const char *path, struct stage_error *why)
{
	struct hierarchy h[HIER_MAX];
	size_t nh;

	return cgroup_path_check(path, why) == 0 && cg_list_hierarchies(h, &nh, why) == 0 &&
	       cg_rootless_select(h, &nh, path, why) == 0;
}
