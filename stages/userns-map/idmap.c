#include "idmap.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "procfs.h"
#include "stage.h"

int idmap_text(const struct plan *plan, const char *key, struct strbuf *out,
	       struct stage_error *err)
{
	plan_for_each(plan, key, e)
	{
		uint64_t inside, host, size;

		if (plan_field_u64(e, 0, &inside, err) < 0 ||
		    plan_field_u64(e, 1, &host, err) < 0 || plan_field_u64(e, 2, &size, err) < 0)
			return -1;
		strbuf_printf(out, "%" PRIu64 " %" PRIu64 " %" PRIu64 "\n", inside, host, size);
	}
	return 0;
}

bool idmap_is_only(const struct plan *plan, const char *key, unsigned id)
{
	const struct plan_entry *e = plan_get(plan, key);

	return e && plan_count(plan, key) == 1 && strcmp(plan_field(e, 2), "1") == 0 &&
	       strtoul(plan_field(e, 1), NULL, 10) == id;
}

/* /proc/PID/FILE gets text in one write: the kernel takes a map only once, whole. */
static int write_proc(pid_t pid, const char *file, const char *text, struct stage_error *err)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	stage_debug("write %s:\n%s", path, text);
	return proc_write(path, text, err);
}

/* The helper tool (newuidmap, newgidmap) in PATH or /usr/bin, if installed. */
static bool find_tool(const char *tool, char *path, size_t size)
{
	const char *dirs = getenv("PATH");

	if (!dirs || !*dirs)
		dirs = "/usr/local/bin:/usr/bin:/bin";
	for (const char *p = dirs; *p;) {
		size_t n = strcspn(p, ":");

		snprintf(path, size, "%.*s/%s", (int)n, p, tool);
		if (n && access(path, X_OK) == 0)
			return true;
		p += n;
		p += *p == ':';
	}
	snprintf(path, size, "/usr/bin/%s", tool);
	return access(path, X_OK) == 0;
}

/* newuidmap PID INSIDE HOST SIZE ...: the setuid helper checks /etc/subuid. */
static int run_tool(const char *tool, const char *path, pid_t pid, const struct plan *plan,
		    const char *key, struct stage_error *err)
{
	size_t n = plan_count(plan, key), argc = 0;
	autofree const char **argv = calloc(3 * n + 3, sizeof(char *));
	char pidtext[24];
	int status;

	if (!argv)
		return stage_fail(err, ENOMEM, "%s arguments", tool);
	snprintf(pidtext, sizeof(pidtext), "%d", (int)pid);
	argv[argc++] = tool;
	argv[argc++] = pidtext;
	plan_for_each(plan, key, e)
	{
		for (unsigned i = 0; i < 3; i++)
			argv[argc++] = plan_field(e, i);
	}
	stage_debug("run %s for pid %d with %zu range(s)", path, (int)pid, n);
	pid_t child = fork();
	if (child < 0)
		return stage_fail(err, errno, "fork for `%s`", path);
	if (child == 0) {
		execv(path, (char *const *)argv);
		_exit(127);
	}
	if (waitpid(child, &status, 0) < 0)
		return stage_fail(err, errno, "wait for `%s`", path);
	if (WIFSIGNALED(status))
		return stage_fail(err, 0, "`%s %s ...` killed by signal %d", path, pidtext,
				  WTERMSIG(status));
	if (WEXITSTATUS(status) != 0)
		return stage_fail(err, 0, "`%s %s ...` exited with status %d", path, pidtext,
				  WEXITSTATUS(status));
	return 0;
}

/*
 * Without root: the setuid helper when installed; else only the caller's own
 * id can be mapped, and for the gid that needs setgroups denied first.
 */
static int map_unprivileged(const struct plan *plan, pid_t pid, const char *key, const char *tool,
			    unsigned own, struct stage_error *err)
{
	autostrbuf struct strbuf text = {0};
	char path[256];

	if (find_tool(tool, path, sizeof(path)))
		return run_tool(tool, path, pid, plan, key, err);
	if (!idmap_is_only(plan, key, own))
		return stage_fail(err, 0,
				  "%s not found: install uidmap (without it only the caller's own "
				  "id can be mapped)",
				  tool);
	if (strcmp(key, "gid-map") == 0 && write_proc(pid, "setgroups", "deny", err) < 0)
		return -1;
	if (idmap_text(plan, key, &text, err) < 0)
		return -1;
	return write_proc(pid, strcmp(key, "uid-map") == 0 ? "uid_map" : "gid_map", text.data, err);
}

static int map_one(const struct plan *plan, pid_t pid, const char *key, const char *file,
		   struct stage_error *err)
{
	autostrbuf struct strbuf text = {0};

	if (plan_count(plan, key) == 0) {
		stage_debug("no %s records: %s left unwritten", key, file);
		return 0;
	}
	if (geteuid() != 0) {
		bool uid = strcmp(key, "uid-map") == 0;

		return map_unprivileged(plan, pid, key, uid ? "newuidmap" : "newgidmap",
					uid ? geteuid() : getegid(), err);
	}
	if (idmap_text(plan, key, &text, err) < 0)
		return -1;
	return write_proc(pid, file, text.data, err);
}

/* The kernel's EINVAL does not say which map it refused: name the config field. */
int map_ids(const struct plan *plan, pid_t pid, struct stage_error *err)
{
	if (map_one(plan, pid, "uid-map", "uid_map", err) < 0)
		return stage_wrap(err, "linux.uidMappings");
	if (map_one(plan, pid, "gid-map", "gid_map", err) < 0)
		return stage_wrap(err, "linux.gidMappings");
	return 0;
}
