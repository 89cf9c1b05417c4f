/*
 * Paths inside the rootfs. Every lookup goes through openat2 with
 * RESOLVE_IN_ROOT from the rootfs fd, so a symlink in the image (even an
 * absolute one, or `..`) cannot lead a mount or mknod out of the rootfs.
 * Missing directories are made one level at a time with mkdirat on an
 * already resolved parent; a dangling symlink on the way gets its target
 * made, resolved the same way.
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
#include "stage.h"

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

/* The kernel's limit on symlinks in one lookup, for the ones we follow by hand. */
#define LINKS_MAX 40

static int make_in_root(int rootfd, const char *path, bool dir, int links, struct stage_error *err);

/*
 * base in the directory parent (at parent_path in the rootfs) is a symlink
 * to nothing: the path it leads to, an absolute target read from the
 * rootfs' root, a relative one from parent_path. It is only ever opened
 * with RESOLVE_IN_ROOT, so `..` or a host path cannot lead out of the rootfs.
 */
static int dangling_target(int parent, const char *parent_path, const char *base, char *out,
			   size_t size)
{
	char target[PATH_MAX];
	ssize_t n = readlinkat(parent, base, target, sizeof(target));
	int len;

	if (n < 0 || (size_t)n >= sizeof(target))
		return -1;
	target[n] = '\0';
	if (target[0] == '/')
		len = snprintf(out, size, "%s", target);
	else
		len = snprintf(out, size, "%s/%s", parent_path, target);
	return len < 0 || (size_t)len >= size ? -1 : 0;
}

static int make_in_root(int rootfd, const char *path, bool dir, int links, struct stage_error *err)
{
	const char *what = dir ? "directory " : "";
	int how = O_PATH | (dir ? O_DIRECTORY : 0);
	char parent_path[PATH_MAX], base[NAME_MAX + 1], next[PATH_MAX];
	int fd = resolve_in_root(rootfd, path, how);

	if (fd >= 0 || errno != ENOENT)
		return fd >= 0 ? fd : stage_fail(err, errno, "open %s`%s`", what, path);
	if (split_path(path, parent_path, sizeof(parent_path), base, sizeof(base)) < 0)
		return stage_fail(err, ENAMETOOLONG, "resolve `%s`", path);

	autoclose int parent = make_in_root(rootfd, parent_path, true, links, err);
	if (parent < 0)
		return -1;
	/* EEXIST: made meanwhile, or a dangling symlink, followed below */
	if ((dir ? mkdirat(parent, base, 0755) : mknodat(parent, base, S_IFREG | 0644, 0)) < 0 &&
	    errno != EEXIST)
		return stage_fail(err, errno, "%s `%s`", dir ? "mkdir" : "create", path);
	fd = resolve_in_root(rootfd, path, how);
	if (fd >= 0 || errno != ENOENT)
		return fd >= 0 ? fd : stage_fail(err, errno, "open %s`%s`", what, path);
	/* a symlink to nothing (an image's /data -> /srv/data): make its target, as crun does */
	if (dangling_target(parent, parent_path, base, next, sizeof(next)) < 0)
		return stage_fail(err, ENOENT, "open %s`%s`", what, path);
	if (links >= LINKS_MAX)
		return stage_fail(err, ELOOP, "open %s`%s`", what, path);
	stage_debug("%s is a symlink to the missing %s: making that", path, next);
	return make_in_root(rootfd, next, dir, links + 1, err);
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
	return make_in_root(rootfd, path, true, 0, err);
}

int make_file_in_root(int rootfd, const char *path, struct stage_error *err)
{
	return make_in_root(rootfd, path, false, 0, err);
}
