/*
 * The systemd driver's part of delete: stop the container's scope. systemd
 * would collect an empty scope by itself, but only some time after its
 * cgroup empties; stopping it here means a container created again under the
 * same name right after delete finds no unit in the way. The sd-bus code
 * lives in the glibc stage cgroup-systemd, so that baton stays static.
 */
#include <errno.h>
#include <string.h>
#include <sys/wait.h>

#include "baton.h"
#include "spawn.h"

extern char **environ;

/* The variables sd-bus finds the buses by: stages get no environment of ours else. */
static const char *const bus_vars[] = {"XDG_RUNTIME_DIR", "DBUS_SESSION_BUS_ADDRESS",
				       "DBUS_SYSTEM_BUS_ADDRESS"};

size_t systemd_bus_env(char **out, size_t max)
{
	size_t n = 0;

	for (char **e = environ; *e; e++)
		for (size_t i = 0; i < sizeof(bus_vars) / sizeof(bus_vars[0]) && n < max; i++) {
			size_t len = strlen(bus_vars[i]);

			if (strncmp(*e, bus_vars[i], len) == 0 && (*e)[len] == '=')
				out[n++] = *e;
		}
	return n;
}

int systemd_stop_unit(const struct container *c, struct stage_error *err)
{
	char *env[4] = {NULL};
	char *args[] = {"--stop", (char *)c->cgroup_unit, c->cgroup_user_bus ? "--user" : NULL,
			NULL};
	struct stage_proc proc;
	int status;
	pid_t pid;

	systemd_bus_env(env, 3);
	if (stage_spawn(&proc, "cgroup-systemd", args, NULL, 0, env, err) < 0)
		return -1;
	do
		pid = waitpid(proc.pid, &status, 0);
	while (pid < 0 && errno == EINTR);
	if (pid < 0)
		return stage_fail(err, errno, "waitpid");
	return stage_finish(&proc, status, err);
}
