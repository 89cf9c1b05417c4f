/*
 * What libstage's cgroup files share among themselves (cgroup.c: setup and
 * removal; cgroup-procs.c: processes and the freezer; cgroup-delegate.c:
 * rootless use of a delegated subtree). Not for stages: they use cgroup.h.
 */
#ifndef BATON_CGROUP_INT_H
#define BATON_CGROUP_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "cgroup.h"

#define CGROUP_V1_MAGIC 0x27e0ebUL
#define CGROUP_V2_MAGIC 0x63677270UL

#define HIER_MAX 32

/* One mounted hierarchy: a v1 controller tree, or the unified one. */
struct hierarchy {
	char root[128]; /* mount point */
	char name[64];	/* v1: "memory", "cpu,cpuacct", "systemd"; v2: "unified" */
	bool unified;
};

/* Every hierarchy under /sys/fs/cgroup. */
int cg_list_hierarchies(struct hierarchy *h, size_t *n, struct stage_error *err);
/* The unified tree of a pure v2 host (on hybrid hosts it has no controllers). */
bool cg_is_v2_tree(const struct hierarchy *h);
bool cg_has_controller(const struct hierarchy *h, const char *controller);
const struct hierarchy *cg_find_controller(const struct hierarchy *h, size_t n,
					   const char *controller);
/* The cgroup's directory in hierarchy h. */
int cg_dir(char *buf, size_t size, const struct hierarchy *h, const char *path,
	   struct stage_error *err);

int cg_write_file(const char *dir, const char *file, const char *value, struct stage_error *err);
/* A whole cgroup file as a NUL-terminated heap buffer. */
int cg_read_file(const char *dir, const char *file, char **out, struct stage_error *err);
bool cg_file_exists(const char *dir, const char *file);
void cg_sleep_ms(long ms);

/*
 * v1 (cgroup-rt.c): before path's cpu.rt_runtime_us becomes value, raise its
 * ancestors' budgets below the root to what their children need.
 */
int cg_rt_make_room(const char *root, const char *path, const char *value, struct stage_error *err);

/*
 * Rootless (cgroup-delegate.c): keep only the hierarchies the caller may use
 * for path. Root of the host: all of them. Otherwise a hierarchy with
 * controllers whose subtree is not delegated to the caller fails (err says
 * which); one without controllers (name=systemd, a hybrid host's unified
 * tree) is dropped instead.
 */
int cg_rootless_select(struct hierarchy *h, size_t *n, const char *path, struct stage_error *err);

#endif
