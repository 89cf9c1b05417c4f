#include "lookup.h"

#include <errno.h>
#include <stdio.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "spec.h"
#include "stage.h"

int make_cwd(const char *cwd, struct stage_error *err)
{
	struct stat st;
	autofree char *path = NULL;

	/* after pivot_root: / is the container's, symlinks resolve inside it */
	if (stat(cwd, &st) == 0 || errno != ENOENT)
		return 0;
	if (!(path = strdup(cwd)))
		return stage_fail(err, ENOMEM, "process.cwd `%s`", cwd);
	for (char *p = path + 1;; p++) {
		bool last = *p == '\0';

		if ((*p != '/' || p[-1] == '/') && !last)
			continue; /* inside a name, or `//` */
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return stage_fail(err, errno, "process.cwd: create `%s` in the rootfs",
					  path);
		if (last)
			break;
		*p = '/';
	}
	stage_debug("process.cwd `%s` made in the rootfs", cwd);
	return 0;
}

int enter_cwd(const char *cwd, struct stage_error *err)
{
	char buf[PATH_MAX];

	if (chdir(cwd) < 0)
		return stage_fail(err, errno, "chdir to cwd (`%s`) set in config.json failed", cwd);
	/*
	 * A directory fd leaked from the host makes the kernel report the cwd as
	 * "(unreachable)/..." (musl and glibc turn that into ENOENT): refuse it.
	 */
	bool reachable = getcwd(buf, sizeof(buf)) != NULL;

	if (!reachable && errno != ENOENT)
		return stage_fail(err, errno, "getcwd after chdir to `%s`", cwd);
	if (!reachable || buf[0] != '/')
		return stage_fail(err, 0,
				  "cwd `%s` is outside of the container root: possible container "
				  "breakout",
				  cwd);
	stage_debug("cwd `%s`", buf);
	return 0;
}

/* 0: an executable regular file; else the errno that explains why not. */
static int check_executable(const char *file)
{
	struct stat st;

	if (stat(file, &st) < 0)
		return errno;
	if (!S_ISREG(st.st_mode))
		return EACCES;
	if (access(file, X_OK) < 0)
		return errno;
	return 0;
}

static int not_found(const char *name, int errnum, struct stage_error *err)
{
	if (errnum == ENOENT || errnum == ENOTDIR)
		return stage_fail(err, ENOENT, "executable file `%s` not found in $PATH", name);
	return stage_fail(err, errnum, "open executable `%s`", name);
}

static int search_path(const char *name, const char *path, char **resolved, struct stage_error *err)
{
	size_t nlen = strlen(name);
	int last = ENOENT;

	for (const char *dir = path;; dir++) {
		const char *end = strchrnul(dir, ':');
		size_t dlen = (size_t)(end - dir);
		char *file = malloc(dlen + nlen + 3);

		if (!file)
			return stage_fail(err, ENOMEM, "look up `%s`", name);
		/* an empty entry means the current directory, as in execvp */
		if (dlen == 0) {
			strcpy(file, ".");
		} else {
			memcpy(file, dir, dlen);
			file[dlen] = '\0';
		}
		strcat(file, "/");
		strcat(file, name);

		int ret = check_executable(file);
		if (ret == 0) {
			*resolved = file;
			return 0;
		}
		free(file);
		/* a non-executable match is worth reporting over "not found" */
		if (ret != ENOENT && ret != ENOTDIR)
			last = ret;
		if (!*end)
			break;
		dir = end;
	}
	return not_found(name, last, err);
}

int find_executable(const char *name, const char *path, char **resolved, struct stage_error *err)
{
	*resolved = NULL;
	if (!*name)
		return not_found(name, ENOENT, err);
	if (strchr(name, '/')) {
		int ret = check_executable(name);

		if (ret != 0)
			return not_found(name, ret, err);
		*resolved = strdup(name);
		return *resolved ? 0 : stage_fail(err, ENOMEM, "look up `%s`", name);
	}
	return search_path(name, path ? path : DEFAULT_PATH, resolved, err);
}

/*
 * HOME of uid in the container's /etc/passwd, or "/" (crun's default too),
 * malloc'd. Whole lines, however long: a cut line's tail would read as an entry.
 */
static char *passwd_home(uid_t uid)
{
	autofree char *line = NULL;
	size_t cap = 0;
	FILE *f = fopen("/etc/passwd", "re");
	char *home = NULL;

	if (!f)
		return strdup("/");
	while (!home && getline(&line, &cap, f) >= 0) {
		char *field[7] = {0}, *p = line;
		int n = 0;

		p[strcspn(p, "\n")] = '\0';
		while (n < 7 && (field[n++] = strsep(&p, ":")))
			;
		if (n < 7 || !field[2] || !field[5] || strtoul(field[2], NULL, 10) != uid)
			continue;
		home = strdup(field[5]);
	}
	fclose(f);
	return home ? home : strdup("/");
}

/* Set NAME=value in the process's environment, replacing an earlier NAME. */
static int env_set(struct process_spec *spec, const char *name, const char *value,
		   struct stage_error *err)
{
	size_t n = 0, len = strlen(name);
	char *entry;

	if (asprintf(&entry, "%s=%s", name, value) < 0)
		return stage_fail(err, ENOMEM, "set %s", name);
	for (; spec->envp[n]; n++)
		if (strncmp(spec->envp[n], name, len) == 0 && spec->envp[n][len] == '=') {
			spec->envp[n] = entry;
			return 0;
		}
	char **grown = realloc(spec->envp, (n + 2) * sizeof(char *));
	if (!grown)
		return stage_fail(err, ENOMEM, "set %s", name);
	grown[n] = entry;
	grown[n + 1] = NULL;
	spec->envp = grown;
	return 0;
}

int env_default_home(struct process_spec *spec, struct stage_error *err)
{
	autofree char *home = NULL;

	for (size_t n = 0; spec->envp[n]; n++)
		if (strncmp(spec->envp[n], "HOME=", 5) == 0)
			return 0;
	home = passwd_home(spec->uid);
	if (!home)
		return stage_fail(err, ENOMEM, "HOME from /etc/passwd");
	stage_debug("HOME=%s from /etc/passwd", home);
	return env_set(spec, "HOME", home, err);
}

int env_from_caller(struct process_spec *spec, struct stage_error *err)
{
	const char *listen = getenv("BATON_LISTEN_FDS");
	char pid[32];

	/* mount-rootfs bound the caller's socket there */
	/* the socket `start` or `run` binds in the directory mount-rootfs bound there */
	if (getenv("BATON_NOTIFY_DIR") &&
	    env_set(spec, "NOTIFY_SOCKET", "/run/notify/notify", err) < 0)
		return -1;
	if (!listen)
		return 0;
	/* socket activation: the fds follow stdio, and LISTEN_PID is us as the process sees it */
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	if (env_set(spec, "LISTEN_FDS", listen, err) < 0 ||
	    env_set(spec, "LISTEN_PID", pid, err) < 0)
		return -1;
	return 0;
}
