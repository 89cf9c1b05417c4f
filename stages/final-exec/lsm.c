#include "lsm.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cleanup.h"
#include "procfs.h"
#include "stage.h"

#define PROC_SUPER_MAGIC 0x9fa0
#define LABEL_MAX	 4096

int apparmor_exec_request(const char *profile, char *buf, size_t size, struct stage_error *err)
{
	int n = snprintf(buf, size, "exec %s", profile);

	if (!*profile || n < 0 || (size_t)n >= size)
		return stage_fail(err, 0, "apparmor profile `%.64s`: not a profile name", profile);
	return 0;
}

/*
 * A procfs instance of our own, attached nowhere: neither a volume over /proc
 * nor a bind mount over one of its files can redirect our write
 * (CVE-2019-16884, CVE-2025-52881). -1 when the kernel or our privileges do
 * not allow one; the container's /proc is then used, and checked.
 */
static int private_procfs(void)
{
	autoclose int fs = (int)syscall(SYS_fsopen, "proc", FSOPEN_CLOEXEC);

	if (fs < 0 || syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return -1;
	return (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, 0);
}

/* Open an attr file of this thread (in proc, or /proc) for writing; it must be on procfs. */
static int open_attr(int proc, const char *name, const char *lsm, const char *what,
		     struct stage_error *err)
{
	char path[128];
	struct statfs sfs;
	autoclose int fd = -1;

	/* the same file either way: `path + 6` is relative to the private instance */
	snprintf(path, sizeof(path), "/proc/thread-self/attr/%s", name);
	stage_debug("%s: writing `%s` of %s", what, path,
		    proc >= 0 ? "a private procfs" : "the container's /proc");
	if (proc < 0) {
		fd = proc_open(path, O_WRONLY, err);
		if (fd < 0 && err->errnum == ENOENT)
			return stage_fail(err, ENOTSUP,
					  "%s: %s is not enabled on this host (no `%s`)", what, lsm,
					  path);
		return fd < 0 ? stage_wrap(err, "%s", what) : take_fd(&fd);
	}
	fd = openat(proc, path + 6, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return stage_fail(err, ENOTSUP, "%s: %s is not enabled on this host (no `%s`)",
				  what, lsm, path);
	if (fd < 0)
		return stage_fail(err, errno, "%s: open `%s`", what, path);
	if (fstatfs(fd, &sfs) < 0)
		return stage_fail(err, errno, "%s: statfs `%s`", what, path);
	if (sfs.f_type != PROC_SUPER_MAGIC)
		return stage_fail(err, EXDEV, "%s: `%s` is not on procfs", what, path);
	return take_fd(&fd);
}

static int write_attr(int fd, const char *text, const char *what, struct stage_error *err)
{
	size_t len = strlen(text);
	ssize_t n;

	do
		n = write(fd, text, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return stage_fail(err, errno, "set %s", what);
	if ((size_t)n != len)
		return stage_fail(err, EIO, "set %s: short write", what);
	return 0;
}

/* SELinux is active when the kernel registered its filesystem (it does not otherwise). */
static bool selinux_enabled(int proc)
{
	int fd = proc >= 0 ? openat(proc, "filesystems", O_RDONLY | O_CLOEXEC)
			   : open("/proc/filesystems", O_RDONLY | O_CLOEXEC);
	autofile FILE *f = fd >= 0 ? fdopen(fd, "re") : NULL;
	char line[128];

	if (fd >= 0 && !f)
		close(fd);
	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, "\tselinuxfs"))
			return true;
	return false;
}

static int apply_apparmor(int proc, const char *profile, struct stage_error *err)
{
	char request[LABEL_MAX + 8], what[LABEL_MAX + 32];
	autoclose int fd = -1;

	if (apparmor_exec_request(profile, request, sizeof(request), err) < 0)
		return -1;
	snprintf(what, sizeof(what), "apparmor profile `%s`", profile);
	fd = open_attr(proc, "apparmor/exec", "AppArmor", what, err);
	if (fd < 0)
		return -1;
	if (write_attr(fd, request, what, err) < 0)
		return -1;
	stage_debug("apparmor profile `%s` at exec", profile);
	return 0;
}

static int apply_selinux(int proc, const char *label, struct stage_error *err)
{
	char what[LABEL_MAX + 32];
	autoclose int fd = -1;

	snprintf(what, sizeof(what), "selinux label `%s`", label);
	if (strlen(label) >= LABEL_MAX)
		return stage_fail(err, 0, "selinux label: longer than %d bytes", LABEL_MAX);
	if (!selinux_enabled(proc))
		return stage_fail(err, ENOTSUP, "%s: SELinux is not enabled on this host", what);
	fd = open_attr(proc, "exec", "SELinux", what, err);
	if (fd < 0)
		return -1;
	if (write_attr(fd, label, what, err) < 0)
		return -1;
	stage_debug("selinux label `%s` at exec", label);
	return 0;
}

int apply_lsm_labels(struct final_exec *fx, struct stage_error *err)
{
	const char *apparmor = plan_str(&fx->plan, "process.apparmor", NULL);
	const char *selinux = plan_str(&fx->plan, "process.selinux", NULL);
	autoclose int proc = -1;

	if (!apparmor && !selinux)
		return 0;
	proc = private_procfs();
	if (apparmor && apply_apparmor(proc, apparmor, err) < 0)
		return -1;
	if (selinux && apply_selinux(proc, selinux, err) < 0)
		return -1;
	return 0;
}
