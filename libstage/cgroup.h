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
/* Containers without linux.cgroupsPath get CGROUP_DEFAULT_PARENT/ID. */
#define CGROUP_DEFAULT_PARENT "/baton"

enum cgroup_layout { CGROUP_LAYOUT_V1, CGROUP_LAYOUT_HYBRID, CGROUP_LAYOUT_V2 };

/* Detect once, cheaply (statfs of /sys/fs/cgroup and /sys/fs/cgroup/unified). */
int cgroup_detect(enum cgroup_layout *layout, struct stage_error *err);

/*
 * Not root of the host: a user, or root of a user namespace that is not the
 * host's (rootless engines run their runtime there). Asked once.
 */
bool cgroup_rootless(void);

/*
 * Rootless: may the caller make the cgroup `path` (cgroup-delegate.c)? Yes
 * when, in every hierarchy with controllers, the deepest existing ancestor of
 * path is writable for it, and in a v2 tree the cgroup.procs of the cgroup it
 * shares with path; why says which is not. Root of the host: always.
 */
bool cgroup_delegated(const char *path, struct stage_error *why);

/*
 * The container process is in the cgroup's subtree already (systemd put it
 * into the scope): rootless, whether the caller may move processes in from
 * its own cgroup no longer matters.
 */
void cgroup_process_placed(void);

/*
 * Create the cgroup `path` (plan's cgroup.path, absolute inside each
 * hierarchy) in every hierarchy, apply the plan's cgroup.resource and
 * cgroup.device records, and move pid into it (pid <= 0: create and
 * configure only). On failure removes the directories it created.
 * Rootless, only in hierarchies delegated to the caller (cgroup_delegated:
 * a hierarchy without controllers that is not is left out) and without
 * device rules (v1 devices.allow needs CAP_SYS_ADMIN, v2 a BPF program).
 */
int cgroup_setup(const struct plan *plan, pid_t pid, struct stage_error *err);

/*
 * What the container process needs to join the cgroup `path` by itself,
 * before it runs anything: in v1, "0" written to a hierarchy's `tasks` by the
 * process moves it without the kernel's global threadgroup lock (a pid written
 * to cgroup.procs takes it, and its first use after idle waits out an RCU grace
 * period: 5-20 ms here); in v2, the cgroup directory for clone3's
 * CLONE_INTO_CGROUP, and its cgroup.procs for a process cloned without it.
 */
#define CGROUP_JOIN_MAX 33
struct cgroup_join {
	/* written "0" by the process: v1 `tasks` files (and, when the process
	 * was not cloned into the v2 cgroup, that cgroup's procs moved here) */
	int files[CGROUP_JOIN_MAX];
	size_t nfiles;
	int v2_dir;   /* the unified hierarchy's cgroup, or -1 */
	int v2_procs; /* its cgroup.procs, opened for writing, or -1 */
};
int cgroup_join_open(const char *path, struct cgroup_join *j, struct stage_error *err);
void cgroup_join_close(struct cgroup_join *j);
/* Open them and send them on sync as FD records cgroup:tasks|dir|procs (protocol.md). */
int cgroup_join_send(const char *path, int sync, struct stage_error *err);

/*
 * Apply the cgroup.resource (and cgroup.device) records of resources to the
 * existing cgroup path: `baton update`.
 */
int cgroup_update(const char *path, const struct plan *resources, struct stage_error *err);

/* Remove the cgroup (and any sub-cgroups) in every hierarchy; missing is fine. */
int cgroup_remove(const char *path, struct stage_error *err);
/* Remove the cgroup where it is empty and has no sub-cgroups, leave it elsewhere:
 * a cgroup that was there before the container. */
int cgroup_remove_empty(const char *path, struct stage_error *err);

/*
 * The cgroup process pid (0: ourselves) is in, in the hierarchy whose
 * /proc/PID/cgroup line names these controllers ("" the unified one,
 * "name=systemd" v1's systemd one), as that line has it ("/" the root).
 */
int cgroup_process_path(pid_t pid, const char *controllers, char *out, size_t size,
			struct stage_error *err);

/* The pids in the cgroup and its sub-cgroups; caller frees *pids. */
int cgroup_pids(const char *path, pid_t **pids, size_t *npids, struct stage_error *err);

/*
 * May a new container take the cgroup `path`? Not when it exists and it (or
 * a sub-cgroup) holds processes, in any hierarchy: error naming the count.
 * *exists: it is there already, so it is not the container's own to remove.
 */
int cgroup_claim(const char *path, bool *exists, struct stage_error *err);

/* Send sig to every process of the cgroup (kill --all; delete --force). */
int cgroup_kill(const char *path, int sig, struct stage_error *err);

/*
 * How many processes of the cgroup the OOM killer has killed so far: for
 * `state` and the exit path of `run` to say so (read before cgroup_remove).
 */
int cgroup_oom_kills(const char *path, uint64_t *kills, struct stage_error *err);

/* Freeze or thaw (freezer.state on v1, cgroup.freeze on v2), and ask. */
int cgroup_freeze(const char *path, bool frozen, struct stage_error *err);
int cgroup_is_frozen(const char *path, bool *frozen, struct stage_error *err);

/* --- pure logic (libstage/cgroup-resources.c), exposed for the unit tests ---- */

/* Check a cgroup path: absolute, no empty, `.` or `..` components. */
int cgroup_path_check(const char *path, struct stage_error *err);

#define CGROUP_VALUE_MAX  256
#define CGROUP_FILE_MAX	  96
#define CGROUP_WRITES_MAX 64

/* One file to write: the controller owning it, the file and the value. */
struct cgroup_write {
	const char *controller; /* "memory", "cpu", ...: picks the v1 hierarchy */
	char file[CGROUP_FILE_MAX];
	char value[CGROUP_VALUE_MAX];
	/* written instead when `file` does not exist (blkio.weight vs bfq's), if set */
	char alt_file[CGROUP_FILE_MAX];
	char alt_value[CGROUP_VALUE_MAX];
	bool optional; /* skipped (with a debug line) when neither file exists */
	/*
	 * The config field the write comes from and why its file may be missing
	 * on a host, for an error that names both instead of a bare ENOENT.
	 */
	const char *field, *why;
};

/*
 * Turn the plan's cgroup.resource records into the files to write, in order,
 * for v1 (v2 false) or v2 (values converted as crun documents). Fails on
 * resource names not supported yet.
 */
int cgroup_writes_from_plan(const struct plan *plan, bool v2, struct cgroup_write *writes,
			    size_t *nwrites, struct stage_error *err);
/*
 * The same for `update`: current_limit is the cgroup's memory limit (-1 if
 * none), so that a swap alone can be converted for v2.
 */
int cgroup_writes_for_update(const struct plan *plan, bool v2, int64_t current_limit,
			     struct cgroup_write *writes, size_t *nwrites, struct stage_error *err);

/* cpu.shares (2..262144) to cpu.weight (1..10000), crun's formula. */
uint64_t cgroup_shares_to_weight(uint64_t shares);
/* blkio.weight (10..1000) to io.weight (1..10000), crun's formula. */
uint64_t cgroup_blkio_to_io_weight(uint64_t weight);

/* A cgroup.device record as a v1 devices.allow/deny line ("c 1:3 rwm"). */
int cgroup_device_rule(const struct plan_entry *e, bool *allow, char *rule, size_t size,
		       struct stage_error *err);

/* --- the v2 device cgroup (libstage/cgroup-bpf.c) ------------------------------ */

struct bpf_insn;

#define CGROUP_DEVICE_RULES_MAX 256
#define CGROUP_DEVICE_INSNS_MAX (8 + 10 * (CGROUP_DEVICE_RULES_MAX + 16))

/* A cgroup.device record: TYPE 'a', 'c' or 'b'; -1 = any; access BPF_DEVCG_ACC_* bits. */
struct cgroup_device_rule {
	bool allow;
	char type;
	int64_t major, minor;
	int access;
};

/* mknod of any node; null, zero, full, random, urandom, tty, console, ptmx,
 * pts: every container's */
#define CGROUP_DEFAULT_DEVICES 11
extern const struct cgroup_device_rule cgroup_default_devices[CGROUP_DEFAULT_DEVICES];

int cgroup_device_rule_parse(const struct plan_entry *e, struct cgroup_device_rule *r,
			     struct stage_error *err);

/*
 * The BPF_PROG_TYPE_CGROUP_DEVICE program for the plan's cgroup.device
 * records followed by the default devices: the last matching rule decides,
 * no match denies.
 */
int cgroup_device_program(const struct plan *plan, struct bpf_insn *prog, size_t max, size_t *len,
			  struct stage_error *err);

/*
 * Load that program and attach it to the cgroup directory dir; replace:
 * detach the device programs attached before (update).
 */
int cgroup_device_attach(const char *dir, const struct plan *plan, bool replace,
			 struct stage_error *err);

#endif
