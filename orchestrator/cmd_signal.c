/* kill and delete. */
#include <errno.h>
#include <dirent.h>
#include <getopt.h>
#include <poll.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "baton.h"
#include "cgroup.h"
#include "cleanup.h"
#include "log.h"

/* Wait (bounded) until pid has exited; it need not be our child. */
static void wait_gone(pid_t pid, uint64_t start)
{
	autoclose int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);

	if (pidfd >= 0) {
		struct pollfd pfd = {.fd = pidfd, .events = POLLIN};

		poll(&pfd, 1, 10000);
		waitpid(pid, NULL, WNOHANG); /* reap it if it happens to be ours */
		return;
	}
	for (int i = 0; i < 1000 && pid_alive(pid, start); i++)
		usleep(10000);
}

/*
 * Only what is this container's: nothing once its directory is gone or made
 * anew for the id (another command tore it down; a newer container has the
 * name now), and its cgroup only when baton made it (a cgroup that was there
 * before may hold processes that are not the container's).
 */
void container_teardown(const struct global_opts *g, struct container *c, const char *cgroup_path)
{
	struct stage_error ignored;
	bool cgroup = cgroup_path && cgroup_path[0] && (c->cgroup_owned || c->cgroup_unit[0]);

	if (!state_is_current(c)) {
		state_close(c);
		return;
	}
	if (cgroup) {
		cgroup_kill(cgroup_path, SIGKILL, &ignored);
		/* a frozen task only dies once thawed */
		cgroup_freeze(cgroup_path, false, &ignored);
	}
	if (pid_alive(c->pid, c->pid_start)) {
		kill(c->pid, SIGKILL);
		wait_gone(c->pid, c->pid_start);
	}
	host_mounts_release(c);
	if (cgroup && cgroup_remove(cgroup_path, &ignored) < 0)
		log_stage_warning(&ignored);
	else if (!cgroup && cgroup_path && cgroup_path[0])
		cgroup_remove_empty(cgroup_path, &ignored);
	if (cgroup && c->cgroup_unit[0] && systemd_stop_unit(c, &ignored) < 0)
		log_stage_warning(&ignored);
	/* the processes are gone: moved devices leave a namespace joined by path
	 * (also after a failed create) */
	if (restore_net_devices(g, c, &ignored) < 0)
		log_stage_warning(&ignored);
	/* poststop: the container is gone, its state not yet (runtime-spec "delete") */
	if (g && run_host_hooks(g, c, "poststop", "stopped", &ignored) < 0)
		log_stage_warning(&ignored);
	state_destroy(c);
}

int cmd_kill(const struct global_opts *g, int argc, char **argv)
{
	static const struct option opts[] = {{"all", no_argument, NULL, 'a'}, {0}};
	struct stage_error err;
	struct container c;
	bool all = false;
	int sig = SIGTERM, opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "+a", opts, NULL)) != -1) {
		if (opt != 'a')
			return usage_error("kill", "invalid option");
		all = true;
	}
	if (optind >= argc || argc - optind > 2)
		return usage_error("kill", "usage: baton kill [--all] CONTAINER [SIGNAL]");
	if (argc - optind == 2 && parse_signal(argv[optind + 1], &sig, &err) < 0)
		return report_error(g, &err);
	if (state_open(&c, g->root, argv[optind], false, &err) < 0)
		return report_error(g, &err);
	if (state_status(&c) == STATUS_STOPPED) {
		stage_fail(&err, 0, "container `%s` is not running", c.id);
		goto fail;
	}
	if (all && c.cgroup_path[0] && !c.cgroup_owned && !c.cgroup_unit[0])
		log_warning("container `%s`: its cgroup `%s` was there before it, and may hold "
			    "other processes: --all signals only the container's process",
			    c.id, c.cgroup_path);
	if (all && c.cgroup_path[0] && (c.cgroup_owned || c.cgroup_unit[0])) {
		if (cgroup_kill(c.cgroup_path, sig, &err) < 0)
			goto fail;
	} else if (kill(c.pid, sig) < 0) {
		stage_fail(&err, errno, "kill container `%s`", c.id);
		goto fail;
	}
	state_close(&c);
	return 0;
fail:
	state_close(&c);
	return report_error(g, &err);
}

/*
 * No readable status: a create killed before it wrote it, or a status made
 * corrupt. The pid is unknown; what can be trusted is the plan and the
 * cgroup: if the state says baton made the plan's cgroup (state_cgroup_owned,
 * apart from the status), its processes are killed and it goes; otherwise it
 * may not have been baton's to make (--cgroup-manager=disabled leaves no
 * trace), so it is named, not touched.
 */
static void teardown_from_plan(struct container *c, const struct stage_error *why)
{
	autoplan struct plan plan = {0};
	struct stage_error err;

	log_warning("container `%s`: removed from what is left of it (%s)", c->id, why->msg);
	if (state_load_plan(c, &plan, &err) == 0) {
		const char *path = plan_str(&plan, "cgroup.path", "");

		if (state_cgroup_owned(c, path)) {
			snprintf(c->cgroup_path, sizeof(c->cgroup_path), "%s", path);
			c->cgroup_owned = true;
		} else if (path[0]) {
			log_warning("container `%s`: its cgroup `%s`, if it was made, is left as "
				    "it is, with any process in it",
				    c->id, path);
		}
	}
	container_teardown(NULL, c, c->cgroup_path);
}

static int delete_one(const struct global_opts *g, const char *id, bool force,
		      struct stage_error *err)
{
	struct container c;
	enum container_status st;
	int ret = state_open_any(&c, g->root, id, true, err);

	/* gone already: --force succeeds, as in crun and runc (podman and the
	 * containerd shim delete --force after every exit) */
	if (ret < 0)
		return force && err->errnum == ENOENT ? 0 : -1;
	if (ret > 0 && !force) {
		stage_wrap(err, "container `%s` is broken (delete --force removes it)", id);
		state_close(&c);
		return -1;
	}
	if (ret > 0) {
		teardown_from_plan(&c, err);
		return 0;
	}
	st = state_status(&c);
	/* a created container has run no user code yet: crun deletes it too */
	if ((st == STATUS_RUNNING || st == STATUS_PAUSED) && !force) {
		stage_fail(err, 0, "the container `%s` is not in 'stopped' state", id);
		state_close(&c);
		return -1;
	}
	container_teardown(g, &c, c.cgroup_path);
	return 0;
}

/* Every container whose id matches; each failure is reported. The exit status. */
static int delete_matching(const struct global_opts *g, const char *pattern, bool force,
			   struct stage_error *err)
{
	regex_t re;
	DIR *dir;
	struct dirent *de;
	int ret = 0, rc;

	if ((rc = regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB)) != 0) {
		char why[256];

		regerror(rc, &re, why, sizeof(why));
		stage_fail(err, 0, "delete -r: invalid regular expression `%s`: %s", pattern, why);
		return report_error(g, err);
	}
	dir = opendir(g->root);
	if (!dir) {
		regfree(&re);
		if (errno == ENOENT)
			return 0;
		stage_fail(err, errno, "cannot open `%s`", g->root);
		return report_error(g, err);
	}
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.' || regexec(&re, de->d_name, 0, NULL, 0) != 0)
			continue;
		if (delete_one(g, de->d_name, force, err) < 0)
			ret = report_error(g, err);
	}
	closedir(dir);
	regfree(&re);
	return ret;
}

int cmd_delete(const struct global_opts *g, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"force", no_argument, NULL, 'f'}, {"regex", no_argument, NULL, 'r'}, {0}};
	struct stage_error err;
	bool force = false, regex = false;
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "+fr", opts, NULL)) != -1) {
		if (opt == 'f')
			force = true;
		else if (opt == 'r')
			regex = true;
		else
			return usage_error("delete", "invalid option");
	}
	if (optind != argc - 1)
		return usage_error("delete", "requires exactly one CONTAINER argument");
	if (regex)
		return delete_matching(g, argv[optind], force, &err);
	if (delete_one(g, argv[optind], force, &err) < 0)
		return report_error(g, &err);
	return 0;
}
