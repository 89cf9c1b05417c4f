/*
 * Paths inside the rootfs. Every lookup goes through openat2 with
 * RESOLVE_IN_ROOT from the rootfs fd, so a symlink in the image (even an
 * absolute one, or `..`) cannot lead a mount or mknod out of the rootfs.
 * Missing directories are made one level at a time with mkdirat on an
 * already resolved parent.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "mount-rootfs.h"

const char *fd_path(int fd, char buf[FD_PATH_MAX])
{
	snprintf(buf, FD_PATH_MAX, "/proc/self/fd/%d", fd);
	return buf;
}

int split_path(const char *path, char *parent, size_t parent_size, char *base, size_t base_size)
{
	size_t len = strlen(path);

	while (len > 1 && path[len - 1] == '/')
		len--;
	size_t cut = len;
	while (cut > 0 && path[cut - 1] != '/')
		cut--;
	/* cut: start of the last name; the parent ends before its slash */
	size_t plen = cut;
	while (plen > 1 && path[plen - 1] == '/')
		plen--;
	if (len - cut >= base_size || plen + 2 > parent_size)
		return -1;
	memcpy(base, path + cut, len - cut);
	base[len - cut] = '\0';
	if (!*base)
		strcpy(base, ".");
	if (plen == 0) {
		strcpy(parent, "/");
	} else {
		memcpy(parent, path, plen);
		parent[plen] = '\0';
	}
	return 0;
}

int resolve_in_root(int rootfd, const char *path, int flags)
{
	struct open_how how = {
	    .flags = (unsigned long long)(flags | O_CLOEXEC),
	    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};

	while (*path == '/')
		path++;
	if (!*path)
		path = ".";
	return (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
}

int make_parent_in_root(int rootfd, const char *path, char base[NAME_MAX + 1],
			struct stage_error *err)
{
	char parent[PATH_MAX];

	if (split_path(path, parent, sizeof(parent), base, NAME_MAX + 1) < 0)
		return stage_fail(err, ENAMETOOLONG, "resolve `%s`", path);
	return make_dir_in_root(rootfd, parent, err);
}

int make_dir_in_root(int rootfd, const char *path, struct stage_error *err)
{
	int fd = resolve_in_root(rootfd, path, O_PATH | O_DIRECTORY);
	char base[NAME_MAX + 1];

	if (fd >= 0 || errno != ENOENT)
		return fd >= 0 ? fd : stage_fail(err, errno, "open directory `%s`", path);

	autoclose int parent = make_parent_in_root(rootfd, path, base, err);
	if (parent < 0)
		return -1;
	/* EEXIST: made meanwhile, or a dangling symlink, which the reopen reports */
	if (mkdirat(parent, base, 0755) < 0 && errno != EEXIST)
		return stage_fail(err, errno, "mkdir `%s`", path);
	fd = resolve_in_root(rootfd, path, O_PATH | O_DIRECTORY);
	if (fd < 0)
		return stage_fail(err, errno, "open directory `%s`", path);
	return fd;
}

int make_file_in_root(int rootfd, const char *path, struct stage_error *err)
{
	int fd = resolve_in_root(rootfd, path, O_PATH);
	char base[NAME_MAX + 1];

	if (fd >= 0 || errno != ENOENT)
		return fd >= 0 ? fd : stage_fail(err, errno, "open `%s`", path);

	autoclose int parent = make_parent_in_root(rootfd, path, base, err);
	if (parent < 0)
		return -1;
	if (mknodat(parent, base, S_IFREG | 0644, 0) < 0 && errno != EEXIST)
		return stage_fail(err, errno, "create `%s`", path);
	fd = resolve_in_root(rootfd, path, O_PATH);
	if (fd < 0)
		return stage_fail(err, errno, "open `%s`", path);
	return fd;
}
