/*
 * A container's processes through its cgroup: list them (ps), signal them
 * (kill --all, delete --force), count OOM kills, freeze and thaw
 * (pause/resume). Works on any cgroup that cgroup.c made, rootless ones too.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cgroup-int.h"
#include "cleanup.h"
#include "stage.h"

/* --- processes ----------------------------------------------------------------- */

/* The cgroup's directory in the hierarchy best suited to list its tasks. */
static int task_dir(const char *path, char *dir, size_t size, struct stage_error *err)
{
	struct hierarchy h[HIER_MAX];
	size_t nh;

	if (cgroup_path_check(path, err) < 0 || cg_list_hierarchies(h, &nh, err) < 0)
		return -1;
	const struct hierarchy *best = cg_find_controller(h, nh, "pids");
	if (!best)
		best = cg_find_controller(h, nh, "memory");
	if (!best && nh > 0)
		best = &h[0];
	if (!best)
		return stage_fail(err, ENOENT, "no cgroup hierarchy in `%s`", CGROUP_MOUNT);
	return cg_dir(dir, size, best, path, err);
}

static int add_pid(pid_t **pids, size_t *n, size_t *cap, pid_t pid, struct stage_error *err)
{
	if (*n == *cap) {
		size_t bigger = *cap ? *cap * 2 : 16;
		pid_t *p = realloc(*pids, bigger * sizeof(pid_t));

		if (!p)
			return stage_fail(err, ENOMEM, "cgroup pid list");
		*pids = p;
		*cap = bigger;
	}
	(*pids)[(*n)++] = pid;
	return 0;
}

static int collect_pids(char *dir, size_t size, pid_t **pids, size_t *n, size_t *cap,
			struct stage_error *err)
{
	autofree char *procs = NULL;
	size_t len = strlen(dir);
	struct dirent *de;
	int ret = 0;

	if (cg_read_file(dir, "cgroup.procs", &procs, err) < 0)
		return -1;
	for (char *p = procs, *end; *p; p = end) {
		long pid = strtol(p, &end, 10);

		if (end == p)
			break;
		if (add_pid(pids, n, cap, (pid_t)pid, err) < 0)
			return -1;
	}
	DIR *d = opendir(dir);
	if (!d)
		return stage_fail(err, errno, "open cgroup `%s`", dir);
	while (ret == 0 && (de = readdir(d))) {
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		if (snprintf(dir + len, size - len, "/%s", de->d_name) >= (int)(size - len))
			ret = stage_fail(err, ENAMETOOLONG, "cgroup `%s`", dir);
		else
			ret = collect_pids(dir, size, pids, n, cap, err);
		dir[len] = '\0';
	}
	closedir(d);
	return ret;
}

int cgroup_process_path(pid_t pid, const char *controllers, char *out, size_t size,
			struct stage_error *err)
{
	char file[64], line[PATH_MAX + 64];
	size_t want = strlen(controllers);
	autofile FILE *f = NULL;

	if (pid > 0)
		snprintf(file, sizeof(file), "/proc/%d/cgroup", (int)pid);
	else
		snprintf(file, sizeof(file), "/proc/self/cgroup");
	if (!(f = fopen(file, "re")))
		return stage_fail(err, errno, "read `%s`", file);
	/* ID:CONTROLLERS:PATH */
	while (fgets(line, sizeof(line), f)) {
		const char *c = strchr(line, ':');

		if (!c || strncmp(c + 1, controllers, want) != 0 || c[1 + want] != ':')
			continue;
		const char *path = c + 2 + want;
		size_t len = strcspn(path, "\n");

		if (len >= size)
			return stage_fail(err, ENAMETOOLONG, "cgroup `%.*s` of `%s`", (int)len,
					  path, file);
		memcpy(out, path, len);
		out[len] = '\0';
		return 0;
	}
	return stage_fail(err, ENOENT, "`%s` has no %s%s hierarchy", file,
			  *controllers ? controllers : "unified", *controllers ? "" : " cgroup");
}

int cgroup_pids(const char *path, pid_t **pids, size_t *npids, struct stage_error *err)
{
	char dir[PATH_MAX];
	size_t cap = 0;

	*pids = NULL;
	*npids = 0;
	if (task_dir(path, dir, sizeof(dir), err) < 0)
		return -1;
	if (collect_pids(dir, sizeof(dir), pids, npids, &cap, err) < 0) {
		free(*pids);
		*pids = NULL;
		*npids = 0;
		return -1;
	}
	return 0;
}

int cgroup_claim(const char *path, bool *exists, struct stage_error *err)
{
	struct hierarchy h[HIER_MAX];
	char dir[PATH_MAX];
	size_t nh;

	*exists = false;
	if (cgroup_path_check(path, err) < 0 || cg_list_hierarchies(h, &nh, err) < 0)
		return -1;
	for (size_t i = 0; i < nh; i++) {
		autofree pid_t *pids = NULL;
		size_t n = 0, cap = 0;
		struct stat st;

		if (cg_dir(dir, sizeof(dir), &h[i], path, err) < 0)
			return -1;
		if (stat(dir, &st) < 0)
			continue;
		*exists = true;
		if (collect_pids(dir, sizeof(dir), &pids, &n, &cap, err) < 0)
			return -1;
		/* runc 1.2 refuses it too: delete and kill --all would reach them */
		if (n > 0)
			return stage_fail(err, EBUSY,
					  "linux.cgroupsPath: cgroup `%s` is not empty: %zu "
					  "process(es) found",
					  path, n);
	}
	return 0;
}

int cgroup_kill(const char *path, int sig, struct stage_error *err)
{
	enum cgroup_layout layout;
	autofree pid_t *pids = NULL;
	char dir[PATH_MAX];
	size_t n;

	if (cgroup_path_check(path, err) < 0 || cgroup_detect(&layout, err) < 0)
		return -1;
	/* cgroup.kill (5.14) kills atomically, no race with forks */
	if (layout == CGROUP_LAYOUT_V2 && sig == SIGKILL) {
		snprintf(dir, sizeof(dir), "%s%s", CGROUP_MOUNT, path);
		if (cg_file_exists(dir, "cgroup.kill"))
			return cg_write_file(dir, "cgroup.kill", "1", err);
	}
	if (cgroup_pids(path, &pids, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (kill(pids[i], sig) < 0 && errno != ESRCH)
			return stage_fail(err, errno, "kill process %d of cgroup `%s`",
					  (int)pids[i], path);
	return 0;
}

int cgroup_oom_kills(const char *path, uint64_t *kills, struct stage_error *err)
{
	struct hierarchy h[HIER_MAX];
	autofree char *text = NULL;
	char dir[PATH_MAX];
	size_t nh;

	*kills = 0;
	if (cgroup_path_check(path, err) < 0 || cg_list_hierarchies(h, &nh, err) < 0)
		return -1;
	const struct hierarchy *memory = cg_find_controller(h, nh, "memory");
	if (!memory)
		return stage_fail(err, ENOENT, "cgroup controller `memory`");
	/* v2: memory.events; v1: memory.oom_control (both have an oom_kill line) */
	if (cg_dir(dir, sizeof(dir), memory, path, err) < 0 ||
	    cg_read_file(dir, memory->unified ? "memory.events" : "memory.oom_control", &text,
			 err) < 0)
		return -1;
	const char *line = strstr(text, "oom_kill ");
	if (line && (line == text || line[-1] == '\n'))
		*kills = strtoull(line + strlen("oom_kill "), NULL, 10);
	return 0;
}

/* --- freezer ----------------------------------------------------------------- */

/* Where the freezer lives: v1's freezer hierarchy, or the v2 tree. */
static int freezer_dir(const char *path, char *dir, size_t size, bool *v2, struct stage_error *err)
{
	struct hierarchy h[HIER_MAX];
	enum cgroup_layout layout;
	size_t nh;

	if (cgroup_path_check(path, err) < 0 || cgroup_detect(&layout, err) < 0 ||
	    cg_list_hierarchies(h, &nh, err) < 0)
		return -1;
	*v2 = layout == CGROUP_LAYOUT_V2;
	const struct hierarchy *f = *v2 ? &h[0] : cg_find_controller(h, nh, "freezer");
	if (!f)
		return stage_fail(err, ENOENT, "cgroup controller `freezer`");
	return cg_dir(dir, size, f, path, err);
}

static int frozen_now(const char *dir, bool v2, bool *frozen, struct stage_error *err)
{
	autofree char *text = NULL;

	if (cg_read_file(dir, v2 ? "cgroup.events" : "freezer.state", &text, err) < 0)
		return -1;
	if (v2)
		*frozen = strstr(text, "frozen 1") != NULL;
	else
		*frozen = strncmp(text, "FROZEN", 6) == 0;
	return 0;
}

int cgroup_freeze(const char *path, bool frozen, struct stage_error *err)
{
	char dir[PATH_MAX];
	bool v2, now;

	if (freezer_dir(path, dir, sizeof(dir), &v2, err) < 0)
		return -1;
	if (v2 && cg_write_file(dir, "cgroup.freeze", frozen ? "1" : "0", err) < 0)
		return -1;
	if (!v2 && cg_write_file(dir, "freezer.state", frozen ? "FROZEN" : "THAWED", err) < 0)
		return -1;
	/* freezing is asynchronous (FREEZING on v1): wait until every task stopped */
	for (int tries = 0; frozen; tries++) {
		if (frozen_now(dir, v2, &now, err) < 0)
			return -1;
		if (now)
			break;
		if (tries == 1000)
			return stage_fail(err, ETIMEDOUT, "freeze cgroup `%s`", dir);
		if (!v2)
			cg_write_file(dir, "freezer.state", "FROZEN", err);
		cg_sleep_ms(1);
	}
	return 0;
}

int cgroup_is_frozen(const char *path, bool *frozen, struct stage_error *err)
{
	char dir[PATH_MAX];
	bool v2;

	if (freezer_dir(path, dir, sizeof(dir), &v2, err) < 0)
		return -1;
	return frozen_now(dir, v2, frozen, err);
}
