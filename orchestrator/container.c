/*
 * The container process, from clone3 to the exec of the first child stage.
 *
 * Fast path: one clone3 with every new namespace. Slow path (a namespace is
 * joined by path, or the time namespace needs offsets): a plain clone3, then
 * setns (user first), unshare, and a second clone3 with CLONE_PARENT so that
 * the process that lands in the joined/new pid or time namespace is still the
 * orchestrator's child. The cgroup namespace is unshared only after GO, once
 * the process is in its cgroup, so that the namespace is rooted there.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "container.h"
#include "fdenv.h"
#include "procfs.h"
#include "record.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const struct {
	const char *name;
	int flag;
} ns_types[] = {
    {"user", CLONE_NEWUSER}, {"pid", CLONE_NEWPID},  {"network", CLONE_NEWNET},
    {"ipc", CLONE_NEWIPC},   {"uts", CLONE_NEWUTS},  {"cgroup", CLONE_NEWCGROUP},
    {"time", CLONE_NEWTIME}, {"mount", CLONE_NEWNS},
};

static int ns_flag(const char *name)
{
	for (size_t i = 0; i < sizeof(ns_types) / sizeof(ns_types[0]); i++)
		if (strcmp(ns_types[i].name, name) == 0)
			return ns_types[i].flag;
	return 0;
}

static bool plan_has_namespace(const struct plan *plan, const char *type)
{
	plan_for_each(plan, "namespace", e)
	{
		if (strcmp(plan_field(e, 0), type) == 0)
			return true;
	}
	return false;
}

static const char *ns_name(int flag)
{
	for (size_t i = 0; i < sizeof(ns_types) / sizeof(ns_types[0]); i++)
		if (ns_types[i].flag == flag)
			return ns_types[i].name;
	return "?";
}

/* index: the namespace's place in linux.namespaces, -1 when exec joins the container's. */
static int add_join(struct container_spawn *cs, const char *type, const char *path, int index,
		    struct stage_error *err)
{
	int fd;

	if (cs->njoin >= MAX_JOIN)
		return stage_fail(err, E2BIG, "more than %d namespaces to join (MAX_JOIN)",
				  MAX_JOIN);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (index >= 0)
			return stage_fail(err, errno, "linux.namespaces[%d].path: open `%s`", index,
					  path);
		return stage_fail(err, errno, "open %s namespace `%s`", type, path);
	}
	cs->join_fd[cs->njoin] = fd;
	cs->join_type[cs->njoin] = ns_flag(type);
	cs->join_index[cs->njoin] = index;
	cs->njoin++;
	return 0;
}

static int time_offsets(struct container_spawn *cs, const struct plan *plan)
{
	size_t len = 0;

	plan_for_each(plan, "time-offset", e)
	{
		int n =
		    snprintf(cs->time_offsets + len, sizeof(cs->time_offsets) - len, "%s %s %s\n",
			     plan_field(e, 0), plan_field(e, 1), plan_field(e, 2));
		if (n > 0 && (size_t)n < sizeof(cs->time_offsets) - len)
			len += (size_t)n;
	}
	return len > 0;
}

static const char *ns_proc_file(const char *type)
{
	if (strcmp(type, "network") == 0)
		return "net";
	if (strcmp(type, "mount") == 0)
		return "mnt";
	return type;
}

/* exec: the namespace `type` of process pid, unless it is already ours. */
static int add_join_of(struct container_spawn *cs, const char *type, pid_t pid,
		       struct stage_error *err)
{
	char theirs[64], ours[64];
	struct stat a, b;

	snprintf(theirs, sizeof(theirs), "/proc/%d/ns/%s", (int)pid, ns_proc_file(type));
	snprintf(ours, sizeof(ours), "/proc/self/ns/%s", ns_proc_file(type));
	if (stat(theirs, &a) < 0)
		return stage_fail(err, errno, "the container's %s namespace (`%s`)", type, theirs);
	/* setns into our own user namespace is EINVAL, and joining ours is a no-op */
	if (stat(ours, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev)
		return 0;
	return add_join(cs, type, theirs, -1, err);
}

int container_spawn_from_plan(struct container_spawn *cs, const struct plan *plan, pid_t join_pid,
			      struct stage_error *err)
{
	/* join order: user first (it grants the rights for the rest), mount last */
	static const char *order[] = {"user", "pid",	"network", "ipc",
				      "uts",  "cgroup", "time",	   "mount"};

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		int index = -1; /* the records are linux.namespaces, in order */

		plan_for_each(plan, "namespace", e)
		{
			index++;
			if (strcmp(plan_field(e, 0), order[i]) != 0)
				continue;
			if (join_pid > 0) {
				if (add_join_of(cs, order[i], join_pid, err) < 0)
					return -1;
			} else if (*plan_field(e, 1) == '\0')
				cs->new_ns |= (uint64_t)ns_flag(order[i]);
			else if (add_join(cs, order[i], plan_field(e, 1), index, err) < 0)
				return -1;
		}
	}
	/* exec into a container that shares our mounts: its root is a chroot */
	if (join_pid > 0 && !plan_has_namespace(plan, "mount")) {
		char root[64];

		snprintf(root, sizeof(root), "/proc/%d/root", (int)join_pid);
		if (add_join(cs, "root", root, -1, err) < 0)
			return -1;
	}
	/* exec always takes the slow path: it joins, and may need a fork for the pid ns */
	cs->slow = join_pid > 0 || cs->njoin > 0 || time_offsets(cs, plan);
	cs->in_userns = cs->new_ns & CLONE_NEWUSER;
	for (unsigned i = 0; i < cs->njoin; i++)
		cs->in_userns |= cs->join_type[i] == CLONE_NEWUSER;
	return 0;
}

static pid_t clone3_into(uint64_t flags, int cgroup_dir)
{
	/* with CLONE_PARENT the kernel wants no exit signal: it takes the parent's */
	struct clone_args args = {.flags = flags,
				  .exit_signal = (flags & CLONE_PARENT) ? 0 : SIGCHLD};

	if (cgroup_dir >= 0) {
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = (uint64_t)cgroup_dir;
	}
	return (pid_t)syscall(SYS_clone3, &args, sizeof(args));
}

static pid_t clone3_simple(uint64_t flags)
{
	return clone3_into(flags, -1);
}

__attribute__((noreturn)) static void child_fail(struct container_spawn *cs,
						 struct stage_error *err)
{
	record_send_error(cs->sync, err);
	_exit(1);
}

/*
 * The container process joins its cgroups itself, first thing: "0" into v1
 * `tasks` files moves it without the global lock a pid written to
 * cgroup.procs takes (schemas/protocol.md).
 */
static void join_cgroups(struct container_spawn *cs, bool asked, struct stage_error *err)
{
	bool joined = asked || cs->cgroup.nfiles > 0 || cs->cgroup.v2_dir >= 0;

	for (size_t i = 0; i < cs->cgroup.nfiles; i++) {
		if (write(cs->cgroup.files[i], "0", 1) != 1)
			child_fail(cs,
				   (stage_fail(err, errno, "join the container's cgroup"), err));
	}
	cgroup_join_close(&cs->cgroup);
	if (joined && record_send(cs->sync, REC_JOINED, NULL, 0, NULL, 0, err) < 0)
		_exit(1);
}

/*
 * Until GO, the orchestrator may hand over the cgroup files the clone did not
 * take: FD records `cgroup:join`, then JOINED, which we answer once in.
 */
static int wait_for_go(struct container_spawn *cs, struct stage_error *err)
{
	struct record rec;

	for (;;) {
		if (record_recv(cs->sync, &rec, err) <= 0)
			return -1;
		if (rec.tag == REC_GO)
			return 0;
		if (rec.tag == REC_FD && record_named(&rec, "cgroup:delegate") && rec.nfds == 1) {
			cs->delegate_procs = rec.fds[0];
		} else if (rec.tag == REC_FD) {
			for (unsigned i = 0; i < rec.nfds && cs->cgroup.nfiles < CGROUP_JOIN_MAX;
			     i++)
				cs->cgroup.files[cs->cgroup.nfiles++] = rec.fds[i];
		} else if (rec.tag == REC_JOINED) {
			join_cgroups(cs, true, err);
		} else {
			return stage_fail(err, EPROTO, "unexpected %s record before GO",
					  record_tag_name(rec.tag));
		}
	}
}

/* Name the config field: EINVAL alone does not say which path is wrong. */
static void setns_error(const struct container_spawn *cs, unsigned i, int errnum,
			struct stage_error *err)
{
	const char *type = ns_name(cs->join_type[i]);

	if (cs->join_index[i] >= 0)
		stage_fail(err, errnum, "linux.namespaces[%d].path: join the %s namespace",
			   cs->join_index[i], type);
	else
		stage_fail(err, errnum, "join the container's %s namespace", type);
}

/* Slow path, in the intermediate process: returns in the container process. */
static void enter_namespaces(struct container_spawn *cs, struct stage_error *err)
{
	uint64_t later = CLONE_NEWPID | CLONE_NEWTIME | CLONE_NEWCGROUP;
	bool fork_again = cs->new_ns & (CLONE_NEWPID | CLONE_NEWTIME);
	int32_t pid;

	for (unsigned i = 0; i < cs->njoin; i++) {
		if (cs->join_type[i] == JOIN_ROOT) {
			if (fchdir(cs->join_fd[i]) < 0 || chroot(".") < 0)
				child_fail(
				    cs, (stage_fail(err, errno, "chroot into the container's root"),
					 err));
			continue;
		}
		if (setns(cs->join_fd[i], cs->join_type[i]) < 0)
			child_fail(cs, (setns_error(cs, i, errno, err), err));
		fork_again |= cs->join_type[i] == CLONE_NEWPID || cs->join_type[i] == CLONE_NEWTIME;
	}
	if ((cs->new_ns & ~later) && unshare((int)(cs->new_ns & ~later)) < 0)
		child_fail(cs, (stage_fail(err, errno, "unshare namespaces"), err));
	if (cs->new_ns & CLONE_NEWTIME) {
		if (unshare(CLONE_NEWTIME) < 0)
			child_fail(cs, (stage_fail(err, errno, "unshare time namespace"), err));
		if (cs->time_offsets[0] &&
		    proc_write("/proc/self/timens_offsets", cs->time_offsets, err) < 0)
			child_fail(cs, err);
	}
	if ((cs->new_ns & CLONE_NEWPID) && unshare(CLONE_NEWPID) < 0)
		child_fail(cs, (stage_fail(err, errno, "unshare pid namespace"), err));
	if (fork_again) {
		pid_t child = clone3_simple(CLONE_PARENT);

		if (child < 0)
			child_fail(cs, (stage_fail(err, errno, "clone3 into the namespaces"), err));
		if (child > 0) {
			pid = child;
			record_send(cs->sync, REC_PID, &pid, sizeof(pid), NULL, 0, err);
			_exit(0);
		}
	} else {
		pid = getpid();
		if (record_send(cs->sync, REC_PID, &pid, sizeof(pid), NULL, 0, err) < 0)
			_exit(1);
	}
}

/*
 * Cloned into (or joined to) a user namespace, we still carry the host's
 * ids, which that namespace may not map; execve would then drop every
 * capability. Becoming the namespace's root, once the maps are written, keeps
 * them for the stages. final-exec sets the user's ids later.
 */
static void become_userns_root(struct container_spawn *cs, struct stage_error *err)
{
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		child_fail(
		    cs, (stage_fail(err, errno, "become root of the user namespace (is 0 mapped?)"),
			 err));
}

bool container_exposed(const struct container_spawn *cs)
{
	for (unsigned i = 0; i < cs->njoin; i++)
		if (cs->join_type[i] == CLONE_NEWPID)
			return true;
	return false;
}

__attribute__((noreturn)) void container_continue(struct container_spawn *cs)
{
	struct stage_error err = {0};
	sigset_t none;

	stage_self = "baton";
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (cs->slow)
		enter_namespaces(cs, &err);
	join_cgroups(cs, false, &err);
	if (wait_for_go(cs, &err) < 0)
		_exit(1); /* the orchestrator is gone or failed: nothing to report to */
	/* rootless, we were dumpable for newuidmap's sake (see main.c): no longer */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (cs->in_userns)
		become_userns_root(cs, &err);
	if ((cs->new_ns & CLONE_NEWCGROUP) && unshare(CLONE_NEWCGROUP) < 0)
		child_fail(cs, (stage_fail(&err, errno, "unshare cgroup namespace"), &err));
	/* the payload's own cgroup, below the namespace's root (crun's order) */
	if (cs->delegate_procs >= 0 && write(cs->delegate_procs, "0", 1) != 1)
		child_fail(cs, (stage_fail(&err, errno, "enter the delegated cgroup"), &err));
	if (cs->delegate_procs >= 0)
		close(cs->delegate_procs);

	/* exactly the contract's fds and the user's preserved ones cross the exec */
	for (unsigned i = 0; i < cs->nkeep; i++)
		fcntl(cs->keep[i], F_SETFD, 0);
	for (unsigned fd = 3; fd < 3 + cs->preserve_fds; fd++)
		fcntl((int)fd, F_SETFD, 0);
	cs->keep[cs->nkeep++] = cs->first_exe;
	if (close_fds_except(cs->keep, cs->nkeep, cs->preserve_fds, &err) < 0)
		child_fail(cs, &err);
	char *argv[] = {(char *)cs->first_name, NULL};
	syscall(SYS_execveat, cs->first_exe, "", argv, cs->envp, AT_EMPTY_PATH);
	child_fail(cs, (stage_fail(&err, errno, "exec the first container stage"), &err));
}

pid_t container_clone(struct container_spawn *cs, int parent_sync, pid_t *helper,
		      struct stage_error *err)
{
	uint64_t flags = cs->slow ? 0 : cs->new_ns & ~(uint64_t)CLONE_NEWCGROUP;
	struct record rec;
	pid_t pid;

	*helper = 0;
	pid = -1;
	if (!cs->slow && cs->cgroup.v2_dir >= 0)
		pid = clone3_into(flags, cs->cgroup.v2_dir);
	if (pid < 0) {
		/* not cloned into the v2 cgroup (slow path, or refused): joined after */
		if (cs->cgroup.v2_procs >= 0)
			cs->cgroup.files[cs->cgroup.nfiles++] = cs->cgroup.v2_procs;
		cs->cgroup.v2_procs = -1;
		pid = clone3_simple(flags);
	}
	if (pid < 0)
		return stage_fail(err, errno, "clone3");
	if (pid == 0) {
		close(parent_sync);
		if (cs->self_exe >= 0) {
			struct stage_error e;

			container_reexec(cs);
			child_fail(cs, (stage_fail(&e, errno, "re-exec from the sealed copy"), &e));
		}
		container_continue(cs);
	}
	if (!cs->slow)
		return pid;
	*helper = pid;
	if (record_expect(parent_sync, REC_PID, &rec, err) < 0)
		return -1;
	if (rec.len != sizeof(int32_t))
		return stage_fail(err, EPROTO, "malformed PID record");
	int32_t container_pid;
	memcpy(&container_pid, rec.payload, sizeof(container_pid));
	return container_pid;
}
