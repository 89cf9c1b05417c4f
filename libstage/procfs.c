/*
 * A write meant for procfs must not land anywhere else. A host directory
 * bind-mounted over /proc by the config (CVE-2019-16884), or another file
 * mounted over the procfs file (CVE-2025-52881: /proc/sys/kernel/core_pattern
 * over the target), would take a sysctl value or an LSM label to the wrong
 * file. So /proc is checked to be a procfs root, the rest is resolved beneath
 * it without magic links or mount crossings, and the opened file is checked.
 */
#include "procfs.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"

/* The root directory of every procfs instance (fs/proc/root.c). */
#define PROC_ROOT_INO 1

static bool on_procfs(int fd)
{
	struct statfs sfs;

	return fstatfs(fd, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC;
}

static int open_proc_root(const char *path, struct stage_error *err)
{
	autoclose int fd = open("/proc", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;

	if (fd < 0)
		return stage_fail(err, errno, "open `/proc` for `%s`", path);
	if (!on_procfs(fd) || fstat(fd, &st) < 0 || st.st_ino != PROC_ROOT_INO)
		return stage_fail(err, EXDEV, "`%s`: `/proc` is not a procfs mount", path);
	return take_fd(&fd);
}

int proc_open(const char *path, int flags, struct stage_error *err)
{
	struct open_how how = {
	    .flags = (unsigned long long)(flags | O_NOFOLLOW | O_CLOEXEC),
	    /* "self" and "thread-self" are plain symlinks inside procfs: allowed */
	    .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
	};
	autoclose int root = -1, fd = -1;

	if (strncmp(path, "/proc/", 6) != 0 || !path[6])
		return stage_fail(err, EINVAL, "`%s` is not under /proc", path);
	root = open_proc_root(path, err);
	if (root < 0)
		return -1;
	fd = (int)syscall(SYS_openat2, root, path + 6, &how, sizeof(how));
	if (fd < 0 && errno == EXDEV)
		return stage_fail(err, EXDEV, "`%s`: something is mounted over it", path);
	if (fd < 0)
		return stage_fail(err, errno, "open `%s`", path);
	if (!on_procfs(fd))
		return stage_fail(err, EXDEV, "`%s` is not on procfs", path);
	return take_fd(&fd);
}

int proc_write(const char *path, const char *text, struct stage_error *err)
{
	autoclose int fd = proc_open(path, O_WRONLY, err);
	size_t len = strlen(text);

	if (fd < 0)
		return -1;
	errno = 0;
	if (write(fd, text, len) != (ssize_t)len)
		return stage_fail(err, errno ? errno : EIO, "write `%s`", path);
	return 0;
}
