/*
 * cgroups with the cgroupfs driver: one interface over the three layouts a
 * host can have (v1, hybrid = v1 controllers plus an empty unified tree, v2).
 * Used by the cgroup-setup stage (create, configure, join) and by the
 * orchestrator (delete, kill --all, ps, pause/resume). Plain libc + syscalls,
 * so that it builds with musl and glibc alike.
 */
#ifndef BATON_CGROUP_H
#define BATON_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"
#include "plan.h"

#define CGROUP_MOUNT "/sys/fs/cgroup"

enum cgroup_layout { CGROUP_LAYOUT_V1, CGROUP_LAYOUT_HYBRID, CGROUP_LAYOUT_V2 };

/* Detect once, cheaply (statfs of /sys/fs/cgroup and /sys/fs/cgroup/unified). */
int cgroup_detect(enum cgroup_layout *layout, struct stage_error *err);

/*
 * Create the cgroup `path` (plan's cgroup.path, absolute inside each
 * hierarchy) in every hierarchy, apply the plan's cgroup.resource and
 * cgroup.device records, and move pid into it (pid <= 0: create and
 * configure only). On failure removes the directories it created.
 */
int cgroup_setup(const struct plan *plan, pid_t pid, struct stage_error *err);

/* Remove the cgroup (and any sub-cgroups) in every hierarchy; missing is fine. */
int cgroup_remove(const char *path, struct stage_error *err);

/* The pids in the cgroup and its sub-cgroups; caller frees *pids. */
int cgroup_pids(const char *path, pid_t **pids, size_t *npids, struct stage_error *err);

/* Send sig to every process of the cgroup (kill --all; delete --force). */
int cgroup_kill(const char *path, int sig, struct stage_error *err);

/* Freeze or thaw (freezer.state on v1, cgroup.freeze on v2), and ask. */
int cgroup_freeze(const char *path, bool frozen, struct stage_error *err);
int cgroup_is_frozen(const char *path, bool *frozen, struct stage_error *err);

/* --- pure logic (libstage/cgroup-resources.c), exposed for the unit tests ---- */

/* Check a cgroup path: absolute, no empty, `.` or `..` components. */
int cgroup_path_check(const char *path, struct stage_error *err);

#define CGROUP_VALUE_MAX  256
#define CGROUP_WRITES_MAX 16

/* One file to write: the controller owning it, the file and the value. */
struct cgroup_write {
	const char *controller; /* "memory", "cpu", ...: picks the v1 hierarchy */
	const char *file;
	char value[CGROUP_VALUE_MAX];
	bool optional; /* skipped (with a debug line) when the file does not exist */
};

/*
 * Turn the plan's cgroup.resource records into the files to write, in order,
 * for v1 (v2 false) or v2 (values converted as crun documents). Fails on
 * resource names not supported yet.
 */
int cgroup_writes_from_plan(const struct plan *plan, bool v2, struct cgroup_write *writes,
			    size_t *nwrites, struct stage_error *err);

/* cpu.shares (2..262144) to cpu.weight (1..10000), crun's formula. */
uint64_t cgroup_shares_to_weight(uint64_t shares);

/* A cgroup.device record as a v1 devices.allow/deny line ("c 1:3 rwm"). */
int cgroup_device_rule(const struct plan_entry *e, bool *allow, char *rule, size_t size,
		       struct stage_error *err);

#endif
