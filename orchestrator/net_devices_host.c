/*
 * At delete: interfaces moved into a network namespace joined by path
 * (linux.netDevices) go back to ours, under their host names; that namespace
 * outlives the container, unlike a new one (runc moves them back too). The
 * net-devices stage does it with the container's saved plan.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "baton.h"
#include "cleanup.h"
#include "spawn.h"

static bool joins_netns_with_devices(const struct plan *plan)
{
	if (!plan_get(plan, "net-device"))
		return false;
	plan_for_each(plan, "namespace", e) if (strcmp(plan_field(e, 0), "network") == 0 &&
						*plan_field(e, 1)) return true;
	return false;
}

int restore_net_devices(const struct global_opts *g, const struct container *c,
			struct stage_error *err)
{
	autoplan struct plan plan = {0};
	autoclose int plan_fd = openat(c->dirfd, "plan", O_RDONLY | O_CLOEXEC);
	char *args[] = {"--restore", NULL};
	char *env[] = {g && g->debug ? "BATON_DEBUG=1" : NULL, NULL};
	struct stage_proc proc;
	int wstatus;

	if (plan_fd < 0 || plan_load_fd(&plan, plan_fd, err) < 0)
		return plan_fd < 0 ? 0 : -1; /* no plan, nothing was moved */
	if (!joins_netns_with_devices(&plan))
		return 0;
	if (lseek(plan_fd, 0, SEEK_SET) < 0)
		return stage_fail(err, errno, "rewind the plan");
	struct fd_assign fds[] = {{"PLAN", plan_fd}};
	if (stage_spawn(&proc, "net-devices", args, fds, 1, env, err) < 0)
		return -1;
	while (waitpid(proc.pid, &wstatus, 0) < 0)
		if (errno != EINTR)
			return stage_fail(err, errno, "wait for net-devices");
	return stage_finish(&proc, wstatus, err);
}
