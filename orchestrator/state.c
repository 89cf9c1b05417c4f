/*
 * The state directory: ROOT/ID holds `status` (records in the plan syntax,
 * replaced atomically), `plan` (what parse-config derived), `cgroup` (the
 * cgroup baton made, if it made one) and, until `start`, `exec.fifo`. Every command locks the
 * directory with flock, so two commands on one id cannot race. Nothing in it is opened through a
 * symlink (O_NOFOLLOW): a link planted there must not lead a read or a write elsewhere.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "baton.h"
#include "cgroup.h"
#include "cleanup.h"

#define STATE_FORMAT "baton-state/2"
/* without `end`: still read as before (a running container outlives an
 * upgrade of baton), its cgroup taken as baton's */
#define STATE_FORMAT_V1 "baton-state/1"
#define V1_HEAD		"format\t" STATE_FORMAT_V1 "\n"

const char *status_name(enum container_status s)
{
	static const char *names[] = {"created", "running", "paused", "stopped", "broken"};
	return names[s];
}

/* id for a message: non-printable bytes as \xNN, so the error stays one line. */
static const char *printable_id(const char *id, char *buf, size_t size)
{
	size_t n = 0;

	for (const unsigned char *p = (const unsigned char *)id; *p && n + 5 < size; p++)
		n += (size_t)snprintf(buf + n, size - n, *p > 0x20 && *p < 0x7f ? "%c" : "\\x%02x",
				      *p);
	buf[n] = '\0';
	return buf;
}

/*
 * [a-zA-Z0-9_+-][a-zA-Z0-9_+.-]*, as runc and crun accept: the id names a
 * directory under the root and a cgroup, so no `/`, no `.`/`..` and no hidden
 * entry (list and delete --regex skip those).
 */
int validate_id(const char *id, struct stage_error *err)
{
	static const char allowed[] =
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+-.";
	char shown[CONTAINER_ID_MAX * 4 + 1], bad[8];
	size_t len = strlen(id);

	if (len == 0)
		return stage_fail(err, EINVAL, "invalid container ID: empty");
	if (len > CONTAINER_ID_MAX)
		return stage_fail(err, EINVAL,
				  "invalid container ID `%.32s...`: longer than %d characters",
				  printable_id(id, shown, 33), CONTAINER_ID_MAX);
	for (size_t i = 0; i < len; i++) {
		if (strchr(allowed, id[i]) && (i > 0 || id[i] != '.'))
			continue;
		return stage_fail(err, EINVAL,
				  "invalid container ID `%s`: character `%s` at position %zu (an "
				  "ID is [a-zA-Z0-9_+-][a-zA-Z0-9_+.-]*)",
				  printable_id(id, shown, sizeof(shown)),
				  printable_id((char[]){id[i], '\0'}, bad, sizeof(bad)), i + 1);
	}
	return 0;
}

/* mkdir -p: engines name a root whose parents may not exist yet (containerd's
 * shim: /run/containerd/runc/NAMESPACE); runc and crun create them too. */
static int make_root(const char *root)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s", root) >= (int)sizeof(path))
		return errno = ENAMETOOLONG, -1;
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(path, 0700) < 0 && errno != EEXIST ? -1 : 0;
}

static int open_root(const char *root, bool create, struct stage_error *err)
{
	int fd;

	if (create && make_root(root) < 0)
		return stage_fail(err, errno, "cannot create state root `%s`", root);
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return stage_fail(err, errno, "cannot open state root `%s`", root);
	return fd;
}

static void init_container(struct container *c, const char *root, const char *id)
{
	memset(c, 0, sizeof(*c));
	c->dirfd = -1;
	snprintf(c->id, sizeof(c->id), "%s", id);
	snprintf(c->dir, sizeof(c->dir), "%s/%s", root, id);
}

int state_create(struct container *c, const char *root, const char *id, struct stage_error *err)
{
	autoclose int rootfd = -1;

	init_container(c, root, id);
	if (validate_id(id, err) < 0)
		return -1;
	rootfd = open_root(root, true, err);
	if (rootfd < 0)
		return -1;
	if (mkdirat(rootfd, id, 0700) < 0) {
		if (errno == EEXIST)
			return stage_fail(err, 0, "container `%s` already exists", id);
		return stage_fail(err, errno, "cannot create `%s`", c->dir);
	}
	c->dirfd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c->dirfd < 0 || flock(c->dirfd, LOCK_EX) < 0) {
		stage_fail(err, errno, "cannot lock `%s`", c->dir);
		state_destroy(c);
		return -1;
	}
	return 0;
}

static void copy_field(char *dst, size_t size, const struct plan *p, const char *key)
{
	snprintf(dst, size, "%s", plan_str(p, key, ""));
}

/* A status is a few hundred bytes: anything near the cap is not one of ours. */
#define STATUS_MAX 65536

static int read_status(struct container *c, struct stage_error *err)
{
	char path[sizeof(c->dir) + 8];
	autofree char *buf = malloc(STATUS_MAX);
	autoclose int fd = -1;
	autoplan struct plan st = {0};
	size_t len = 0;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/status", c->dir);
	if (!buf)
		return stage_fail(err, ENOMEM, "read `%s`", path);
	fd = openat(c->dirfd, "status", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ELOOP)
		return stage_fail(err, ELOOP, "corrupt state file `%s`: a symlink", path);
	if (fd < 0)
		return stage_fail(err, errno, "error opening file `%s`", path);
	while (len < STATUS_MAX && (n = read(fd, buf + len, STATUS_MAX - len)) != 0) {
		if (n < 0 && errno != EINTR)
			return stage_fail(err, errno, "error reading `%s`", path);
		len += n > 0 ? (size_t)n : 0;
	}
	if (len == STATUS_MAX)
		return stage_fail(err, EFBIG, "corrupt state file `%s`: over %d bytes", path,
				  STATUS_MAX);
	bool v1 = len >= strlen(V1_HEAD) && strncmp(buf, V1_HEAD, strlen(V1_HEAD)) == 0;
	if (records_parse(&st, buf, len, v1 ? STATE_FORMAT_V1 : STATE_FORMAT, err) < 0)
		return stage_wrap(err, "corrupt state file `%s`", path);
	/* written last: a file cut at a line's end lacks it */
	if (!v1 && !plan_get(&st, "end"))
		return stage_fail(err, EINVAL, "corrupt state file `%s`: truncated", path);
	if (strcmp(plan_str(&st, "id", ""), c->id) != 0)
		return stage_fail(err, EINVAL, "corrupt state file `%s`: not the state of `%s`",
				  path, c->id);
	c->pid = (pid_t)strtol(plan_str(&st, "pid", "0"), NULL, 10);
	c->pid_start = strtoull(plan_str(&st, "pid-start", "0"), NULL, 10);
	copy_field(c->bundle, sizeof(c->bundle), &st, "bundle");
	copy_field(c->rootfs, sizeof(c->rootfs), &st, "rootfs");
	copy_field(c->created, sizeof(c->created), &st, "created");
	copy_field(c->cgroup_path, sizeof(c->cgroup_path), &st, "cgroup-path");
	copy_field(c->cgroup_unit, sizeof(c->cgroup_unit), &st, "cgroup-unit");
	c->cgroup_user_bus = strcmp(plan_str(&st, "cgroup-bus", ""), "user") == 0;
	c->cgroup_owned = v1 || state_cgroup_owned(c, c->cgroup_path);
	return 0;
}

/* The directory, locked: -1 with errno ENOENT when there is no such container. */
static int open_dir(struct container *c, bool exclusive, struct stage_error *err)
{
	c->dirfd = open(c->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	/* crun's words for a missing container: engines look for them */
	if (c->dirfd < 0 && errno == ENOENT)
		return stage_fail(err, ENOENT, "error opening file `%s/status`", c->dir);
	if (c->dirfd < 0)
		return stage_fail(err, errno, "error opening `%s`", c->dir);
	if (flock(c->dirfd, exclusive ? LOCK_EX : LOCK_SH) < 0) {
		stage_fail(err, errno, "cannot lock `%s`", c->dir);
		state_close(c);
		return -1;
	}
	return 0;
}

int state_open(struct container *c, const char *root, const char *id, bool exclusive,
	       struct stage_error *err)
{
	init_container(c, root, id);
	if (validate_id(id, err) < 0)
		return -1;
	if (open_dir(c, exclusive, err) < 0)
		return -1;
	if (read_status(c, err) < 0) {
		state_close(c);
		return -1;
	}
	return 0;
}

int state_open_any(struct container *c, const char *root, const char *id, bool exclusive,
		   struct stage_error *err)
{
	init_container(c, root, id);
	if (validate_id(id, err) < 0 || open_dir(c, exclusive, err) < 0)
		return -1;
	if (read_status(c, err) < 0) {
		int dirfd = c->dirfd;

		/* only what the name tells is known: clear what a half read left */
		init_container(c, root, id);
		c->dirfd = dirfd;
		c->broken = true;
		return 1;
	}
	return 0;
}

int state_peek(struct container *c, const char *root, const char *id, struct stage_error *err)
{
	init_container(c, root, id);
	if (validate_id(id, err) < 0)
		return -1;
	c->dirfd = open(c->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (c->dirfd < 0)
		return stage_fail(err, errno, "error opening `%s`", c->dir);
	return read_status(c, err) < 0 ? 1 : 0;
}

bool state_is_current(const struct container *c)
{
	struct stat ours, now;

	/* our fd pins the inode: a directory made anew for the id has another one */
	return c->dirfd >= 0 && fstat(c->dirfd, &ours) == 0 && ours.st_nlink > 0 &&
	       lstat(c->dir, &now) == 0 && now.st_dev == ours.st_dev && now.st_ino == ours.st_ino;
}

int state_write(const struct container *c, struct stage_error *err)
{
	autostrbuf struct strbuf sb = {0};
	char pid[32], start[32];
	autoclose int fd = -1;

	snprintf(pid, sizeof(pid), "%d", (int)c->pid);
	snprintf(start, sizeof(start), "%llu", (unsigned long long)c->pid_start);
	plan_emit(&sb, "format", STATE_FORMAT, NULL);
	plan_emit(&sb, "id", c->id, NULL);
	plan_emit(&sb, "pid", pid, NULL);
	plan_emit(&sb, "pid-start", start, NULL);
	plan_emit(&sb, "bundle", c->bundle, NULL);
	plan_emit(&sb, "rootfs", c->rootfs, NULL);
	plan_emit(&sb, "created", c->created, NULL);
	plan_emit(&sb, "cgroup-path", c->cgroup_path, NULL);
	if (c->cgroup_unit[0]) {
		plan_emit(&sb, "cgroup-unit", c->cgroup_unit, NULL);
		plan_emit(&sb, "cgroup-bus", c->cgroup_user_bus ? "user" : "system", NULL);
	}
	plan_emit(&sb, "end", NULL);

	/* write then rename: a reader sees the old status or the new one */
	unlinkat(c->dirfd, "status.tmp", 0);
	fd = openat(c->dirfd, "status.tmp", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		    0600);
	if (fd < 0 || write(fd, sb.data, sb.len) != (ssize_t)sb.len)
		return stage_fail(err, errno, "cannot write state of `%s`", c->id);
	if (renameat(c->dirfd, "status.tmp", c->dirfd, "status") < 0)
		return stage_fail(err, errno, "cannot write state of `%s`", c->id);
	return 0;
}

/*
 * `cgroup` holds the path of a cgroup baton made for the container: apart
 * from `status`, so that delete --force of a broken or unfinished container
 * still knows it may kill through it and remove it.
 */
int state_mark_cgroup_owned(const struct container *c, struct stage_error *err)
{
	autoclose int fd =
	    openat(c->dirfd, "cgroup", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	size_t len = strlen(c->cgroup_path);

	if (fd < 0 || write(fd, c->cgroup_path, len) != (ssize_t)len)
		return stage_fail(err, errno, "cannot write state of `%s`", c->id);
	return 0;
}

bool state_cgroup_owned(const struct container *c, const char *path)
{
	autoclose int fd = openat(c->dirfd, "cgroup", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	size_t len = strlen(path);
	char buf[sizeof(c->cgroup_path) + 1];
	ssize_t n;

	if (fd < 0 || !len)
		return false;
	n = read(fd, buf, sizeof(buf));
	return n == (ssize_t)len && memcmp(buf, path, len) == 0;
}

int state_save_plan(const struct container *c, int plan_fd, struct stage_error *err)
{
	autoclose int fd =
	    openat(c->dirfd, "plan", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	char buf[65536];
	off_t off = 0;
	ssize_t n;

	if (fd < 0)
		return stage_fail(err, errno, "cannot save plan of `%s`", c->id);
	while ((n = pread(plan_fd, buf, sizeof(buf), off)) > 0) {
		if (write(fd, buf, (size_t)n) != n)
			return stage_fail(err, errno, "cannot save plan of `%s`", c->id);
		off += n;
	}
	if (n < 0)
		return stage_fail(err, errno, "cannot save plan of `%s`", c->id);
	return 0;
}

int state_load_plan(const struct container *c, struct plan *plan, struct stage_error *err)
{
	autoclose int fd = openat(c->dirfd, "plan", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	memset(plan, 0, sizeof(*plan));
	if (fd < 0)
		return stage_fail(err, errno, "cannot open plan of `%s`", c->id);
	return plan_load_fd(plan, fd, err);
}

/* State letter and start time of pid from /proc/PID/stat. */
static int proc_stat(pid_t pid, char *state, uint64_t *start)
{
	char path[64], buf[1024];
	autoclose int fd = -1;
	ssize_t n;
	char *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* comm may hold spaces and parentheses: fields start after the last ')' */
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ')
		return -1;
	p += 2;
	*state = *p;
	for (int field = 3; field < 22; field++) {
		p = strchr(p, ' ');
		if (!p)
			return -1;
		p++;
	}
	*start = strtoull(p, NULL, 10);
	return 0;
}

int pid_start_time(pid_t pid, uint64_t *start)
{
	char state;

	return proc_stat(pid, &state, start);
}

bool pid_alive(pid_t pid, uint64_t start_time)
{
	uint64_t now;
	char state;

	if (pid <= 0 || proc_stat(pid, &state, &now) < 0)
		return false;
	/* a zombie is a stopped container; another start time, another process */
	return state != 'Z' && state != 'X' && now == start_time;
}

enum container_status state_status(const struct container *c)
{
	bool frozen = false;
	struct stage_error ignored;

	if (c->broken)
		return STATUS_BROKEN;
	if (!pid_alive(c->pid, c->pid_start))
		return STATUS_STOPPED;
	if (faccessat(c->dirfd, "exec.fifo", F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		return STATUS_CREATED;
	if (c->cgroup_path[0] && cgroup_is_frozen(c->cgroup_path, &frozen, &ignored) == 0 && frozen)
		return STATUS_PAUSED;
	return STATUS_RUNNING;
}

void state_close(struct container *c)
{
	if (c->dirfd >= 0)
		close(c->dirfd);
	c->dirfd = -1;
}

void state_destroy(struct container *c)
{
	static const char *files[] = {"status",	     "status.tmp",  "plan",   "exec.fifo",
				      "exec.result", "host-mounts", "cgroup", NULL};

	if (c->dirfd >= 0) {
		for (const char **f = files; *f; f++)
			unlinkat(c->dirfd, *f, 0);
		/* notify_proxy.c: the socket directory for a NOTIFY_SOCKET */
		unlinkat(c->dirfd, "notify/notify", 0);
		unlinkat(c->dirfd, "notify", AT_REMOVEDIR);
	}
	/* rmdir while still holding the lock: a waiter then finds nothing;
	 * never a directory made anew for the id meanwhile */
	if (state_is_current(c))
		rmdir(c->dir);
	state_close(c);
}
