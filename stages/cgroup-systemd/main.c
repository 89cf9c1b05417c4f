/*
 * cgroup-systemd: the systemd cgroup driver. systemd makes the container's
 * scope with the container process in it (it wants a process for a scope),
 * so this stage runs after the clone; then the cgroup below is configured as
 * cgroup-setup does, and the process joins the hierarchies systemd does not
 * handle through the same FD records (schemas/protocol.md). glibc: sd-bus
 * exists only as Debian's shared libsystemd.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <systemd/sd-bus.h>
#include <unistd.h>

#include "bus.h"
#include "cgroup.h"
#include "cleanup.h"
#include "fdenv.h"
#include "plan.h"
#include "record.h"
#include "stage.h"

static const char usage[] =
    "Usage: cgroup-systemd --plan FILE --pid PID\n"
    "       cgroup-systemd --stop UNIT [--user]\n"
    "Ask systemd for the plan's scope (cgroup.unit in cgroup.slice, delegated,\n"
    "with the plan's cgroup.property records) with PID in it; check that systemd\n"
    "put PID at cgroup.scope; then make cgroup.path below it and apply\n"
    "cgroup.resource and cgroup.device there, as cgroup-setup does. Or stop a\n"
    "scope (of the user's systemd with --user).\n"
    "Run by baton with BATON_FD_PLAN, BATON_FD_SYNC and BATON_PID instead: then\n"
    "the files to join the cgroup through go back as FD records.\n"
    "BATON_DEBUG=1 narrates each step.\n";

struct args {
	const char *plan_file; /* --plan, or NULL: BATON_FD_PLAN */
	int plan_fd;
	int sync; /* BATON_FD_SYNC when run by baton for a container, else -1 */
	pid_t pid;
	const char *stop; /* --stop UNIT */
	bool user;	  /* --user */
};

static int parse_args(int argc, char **argv, struct args *a, struct stage_error *err)
{
	*a = (struct args){.plan_fd = -1, .sync = -1};
	if (argc == 1 && getenv("BATON_FD_PLAN"))
		return stage_target_from_env(&a->plan_fd, &a->sync, &a->pid, err);
	for (int i = 1; i < argc; i++) {
		const char *value = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(argv[i], "--user") == 0)
			a->user = true;
		else if (strcmp(argv[i], "--stop") == 0 && value)
			a->stop = argv[++i];
		else if (strcmp(argv[i], "--plan") == 0 && value)
			a->plan_file = argv[++i];
		else if (strcmp(argv[i], "--pid") == 0 && value) {
			if (stage_parse_pid(argv[++i], "--pid", &a->pid, err) < 0)
				return -1;
		} else
			return stage_fail(err, EINVAL,
					  "unknown or incomplete argument `%s` (see --help)",
					  argv[i]);
	}
	if (!a->stop && (!a->plan_file || !a->pid))
		return stage_fail(err, EINVAL,
				  "--plan FILE --pid PID, or --stop UNIT (see --help)");
	return 0;
}

/* Where systemd put pid: the unified hierarchy's line, or v1's name=systemd one. */
static int placed_at(pid_t pid, char *out, size_t size, struct stage_error *err)
{
	enum cgroup_layout layout;

	if (cgroup_detect(&layout, err) < 0)
		return -1;
	return cgroup_process_path(pid, layout == CGROUP_LAYOUT_V1 ? "name=systemd" : "", out, size,
				   err);
}

/*
 * A sub-cgroup of the scope on v2 (run.oci.systemd.subgroup): the process
 * moves there first, because the scope can hand controllers down only
 * once no process is left in it.
 */
static int enter_subgroup(const char *path, pid_t pid, struct stage_error *err)
{
	char dir[PATH_MAX], value[24];
	autoclose int fd = -1;
	int len = snprintf(value, sizeof(value), "%d", (int)pid);

	snprintf(dir, sizeof(dir), "%s%s", CGROUP_MOUNT, path);
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return stage_fail(err, errno, "create cgroup `%s`", dir);
	strncat(dir, "/cgroup.procs", sizeof(dir) - strlen(dir) - 1);
	fd = open(dir, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, value, (size_t)len) != len)
		return stage_fail(err, errno, "move %d into `%s`", (int)pid, dir);
	return 0;
}

/* The host ids of the container's root: who owns a delegated cgroup. */
static void container_root(const struct plan *plan, const char *key, unsigned *id)
{
	*id = 0;
	plan_for_each(plan, key, e)
	{
		if (strcmp(plan_field(e, 0), "0") == 0)
			*id = (unsigned)strtoul(plan_field(e, 1), NULL, 10);
	}
}

/*
 * run.oci.delegate-cgroup: a cgroup below the container's for its payload to
 * manage, owned by the container's root (the directory and the files
 * delegation hands over). The process enters it itself, once its cgroup
 * namespace exists, through the cgroup.procs sent as `cgroup:delegate`.
 */
static int make_delegate(const struct plan *plan, int sync, struct stage_error *err)
{
	static const char *const files[] = {".", "cgroup.procs", "cgroup.subtree_control",
					    "cgroup.threads"};
	const char *name = plan_str(plan, "cgroup.delegate", NULL);
	char dir[PATH_MAX], file[PATH_MAX + 32];
	autoclose int fd = -1;
	unsigned uid, gid;

	if (!name)
		return 0;
	snprintf(dir, sizeof(dir), "%s%s/%s", CGROUP_MOUNT, plan_str(plan, "cgroup.path", ""),
		 name);
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return stage_fail(err, errno, "create cgroup `%s`", dir);
	container_root(plan, "uid-map", &uid);
	container_root(plan, "gid-map", &gid);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(file, sizeof(file), "%s/%s", dir, files[i]);
		if (chown(file, uid, gid) < 0)
			return stage_fail(err, errno, "delegate `%s` to %u:%u", file, uid, gid);
	}
	stage_debug("delegated %s to %u:%u", dir, uid, gid);
	snprintf(file, sizeof(file), "%s/cgroup.procs", dir);
	if (sync < 0)
		return 0; /* run by hand: nobody to enter it */
	if ((fd = open(file, O_WRONLY | O_CLOEXEC)) < 0)
		return stage_fail(err, errno, "open `%s`", file);
	return record_send(sync, REC_FD, "cgroup:delegate", strlen("cgroup:delegate"), &fd, 1, err);
}

static int configure(const struct plan *plan, pid_t pid, int sync, struct stage_error *err)
{
	const char *scope = plan_str(plan, "cgroup.scope", ""),
		   *path = plan_str(plan, "cgroup.path", "");
	enum cgroup_layout layout;
	char at[PATH_MAX];

	if (placed_at(pid, at, sizeof(at), err) < 0)
		return -1;
	if (strcmp(at, scope) != 0)
		return stage_fail(err, 0, "systemd put the container into `%s`, not `%s`", at,
				  scope);
	cgroup_process_placed();
	if (strcmp(path, scope) != 0 && cgroup_detect(&layout, err) == 0 &&
	    layout == CGROUP_LAYOUT_V2 && enter_subgroup(path, pid, err) < 0)
		return -1;
	if (cgroup_setup(plan, 0, err) < 0 || make_delegate(plan, sync, err) < 0)
		return -1;
	return sync >= 0 ? cgroup_join_send(path, sync, err) : 0;
}

static int start(const struct args *a, struct stage_error *err)
{
	autoplan struct plan plan = {0};
	sd_bus *bus = NULL;
	int ret;

	if ((a->plan_file ? plan_load_file(&plan, a->plan_file, err)
			  : plan_load_fd(&plan, a->plan_fd, err)) < 0)
		return -1;
	if (strcmp(plan_str(&plan, "cgroup.manager", ""), "systemd") != 0)
		return stage_fail(err, EINVAL,
				  "plan: no systemd scope (parse-config "
				  "--cgroup-manager systemd makes one)");
	if (bus_open(strcmp(plan_str(&plan, "cgroup.bus", ""), "user") == 0, &bus, err) < 0)
		return -1;
	ret = bus_start_scope(bus, &plan, a->pid, err);
	if (ret == 0 && (ret = configure(&plan, a->pid, a->sync, err)) < 0) {
		struct stage_error ignored;

		cgroup_remove(plan_str(&plan, "cgroup.path", ""), &ignored);
		bus_stop_unit(bus, plan_str(&plan, "cgroup.unit", ""), &ignored);
	}
	sd_bus_flush_close_unref(bus);
	return ret;
}

static int stop(const struct args *a, struct stage_error *err)
{
	sd_bus *bus = NULL;
	int ret;

	if (bus_open(a->user, &bus, err) < 0)
		return -1;
	ret = bus_stop_unit(bus, a->stop, err);
	sd_bus_flush_close_unref(bus);
	return ret;
}

int main(int argc, char **argv)
{
	struct stage_error err = {0};
	struct args a;

	stage_init("cgroup-systemd", argc, argv, usage);
	if (parse_args(argc, argv, &a, &err) < 0 || (a.stop ? stop(&a, &err) : start(&a, &err)) < 0)
		stage_exit_error(&err);
	return 0;
}
