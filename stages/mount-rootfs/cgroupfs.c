/*
 * The `cgroup` mount type. On a cgroup2 host it is one cgroup2 mount; on a
 * v1 or hybrid host it is a tmpfs holding one `cgroup` mount per hierarchy
 * the host has, with the host's symlinks (cpu -> cpu,cpuacct) made again.
 * With a cgroup namespace each mount shows the container's cgroup as root.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "cleanup.h"
#include "mount-rootfs.h"
#include "stage.h"

#define HOST_CGROUP "/sys/fs/cgroup"

static void cleanup_dirp(DIR **d)
{
	if (*d)
		closedir(*d);
}
#define autodir __attribute__((cleanup(cleanup_dirp)))

const char *cgroup1_data(const char *self_cgroup, const char *dir, char *buf, size_t size,
			 const char **path, size_t *path_len)
{
	/* lines of /proc/self/cgroup: ID:CONTROLLERS:PATH, CONTROLLERS empty for v2 */
	for (const char *line = self_cgroup; *line;) {
		size_t len = strcspn(line, "\n");
		const char *ctl = memchr(line, ':', len);
		const char *end = ctl ? memchr(ctl + 1, ':', len - (size_t)(ctl + 1 - line)) : NULL;
		const char *data = NULL;

		if (end) {
			size_t n = (size_t)(end - ++ctl);
			bool named = n > 5 && strncmp(ctl, "name=", 5) == 0;
			const char *name = named ? ctl + 5 : ctl;

			n -= named ? 5 : 0;
			if (n == 0 && strcmp(dir, "unified") == 0) {
				data = "";
			} else if (n && strlen(dir) == n && strncmp(dir, name, n) == 0) {
				snprintf(buf, size, "%s%.*s", named ? "none,name=" : "", (int)n,
					 name);
				data = buf;
			}
		}
		if (data) {
			*path = end + 1;
			*path_len = len - (size_t)(end + 1 - line);
			return data;
		}
		line += len;
		line += *line == '\n';
	}
	return NULL;
}

static int read_self_cgroup(char *buf, size_t size, struct stage_error *err)
{
	autoclose int fd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return stage_fail(err, errno, "open `/proc/self/cgroup`");
	n = read(fd, buf, size - 1);
	if (n < 0)
		return stage_fail(err, errno, "read `/proc/self/cgroup`");
	buf[n] = '\0';
	return 0;
}

/* Without the right to mount a cgroup filesystem (a user namespace without a
 * cgroup namespace), bind the container's own cgroup of that hierarchy
 * instead, as crun does. dir: the hierarchy's directory under /sys/fs/cgroup,
 * "" on a cgroup2 host. */
static int bind_own_cgroup(const char *self, const char *dir, int parentfd, const char *name,
			   const char *dest, unsigned long flags, struct stage_error *err)
{
	char data[256], source[PATH_MAX], target[FD_PATH_MAX];
	autoclose int fd = -1;
	autoclose int mounted = -1;
	const char *path;
	size_t len;

	if (!cgroup1_data(self, *dir ? dir : "unified", data, sizeof(data), &path, &len))
		return stage_fail(err, ENOENT, "find cgroup `%s` in `/proc/self/cgroup`", dir);
	if (len == 1 && path[0] == '/')
		len = 0;
	snprintf(source, sizeof(source), HOST_CGROUP "%s%s%.*s", *dir ? "/" : "", dir, (int)len,
		 path);
	stage_debug("cgroup: binding our own %s", source);
	/* opened again after the bind: the remount must reach the new mount */
	fd = openat(parentfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return stage_fail(err, errno, "open `%s`", dest);
	if (mount_on(source, fd, dest, NULL, MS_BIND | MS_REC, NULL, err) < 0)
		return -1;
	mounted = openat(parentfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (mounted < 0)
		return stage_fail(err, errno, "open `%s`", dest);
	return remount_bind(fd_path(mounted, target), dest, flags, 0, true, err);
}

static bool may_bind_instead(const struct rootfs *root, const struct stage_error *err)
{
	return root->userns && (err->errnum == EPERM || err->errnum == EBUSY);
}

/*
 * Without a cgroup namespace a cgroup mount would show the host's whole
 * hierarchy: the container gets its own cgroup bound there instead, as with
 * crun and runc, so /sys/fs/cgroup/memory/memory.limit_in_bytes is its limit.
 */
static bool bind_own_only(const struct rootfs *root)
{
	return !root->cgroupns;
}

static int mount_cgroup2(const struct rootfs *root, int destfd, const char *dest,
			 unsigned long flags, struct stage_error *err)
{
	char self[4096], base[NAME_MAX + 1];
	autoclose int parent = -1;

	if (!bind_own_only(root)) {
		if (mount_on("cgroup2", destfd, dest, "cgroup2", flags, NULL, err) == 0)
			return 0;
		if (!may_bind_instead(root, err))
			return -1;
	}
	parent = make_parent_in_root(root->fd, dest, base, err);
	if (parent < 0 || read_self_cgroup(self, sizeof(self), err) < 0)
		return -1;
	return bind_own_cgroup(self, "", parent, base, dest, flags, err);
}

/* One v1 hierarchy (or the hybrid's cgroup2 `unified`) inside the tmpfs. */
static int mount_hierarchy(const struct rootfs *root, int topfd, const char *dest, const char *name,
			   const char *self, unsigned long flags, struct stage_error *err)
{
	char sub[PATH_MAX], buf[256];
	const char *path, *data;
	autoclose int fd = -1;
	size_t len;

	/* a hierarchy we are not in: nothing of ours to show */
	data = cgroup1_data(self, name, buf, sizeof(buf), &path, &len);
	if (!data)
		return 0;
	snprintf(sub, sizeof(sub), "%s/%s", dest, name);
	if (mkdirat(topfd, name, 0755) < 0 && errno != EEXIST)
		return stage_fail(err, errno, "mkdir `%s`", sub);
	fd = openat(topfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return stage_fail(err, errno, "open `%s`", sub);
	if (bind_own_only(root))
		return bind_own_cgroup(self, name, topfd, name, sub, flags, err);
	if ((*data ? mount_on("cgroup", fd, sub, "cgroup", flags, data, err)
		   : mount_on("cgroup2", fd, sub, "cgroup2", flags, NULL, err)) == 0)
		return 0;
	if (!may_bind_instead(root, err))
		return -1;
	return bind_own_cgroup(self, name, topfd, name, sub, flags, err);
}

static int copy_link(int topfd, const char *dest, const char *name, struct stage_error *err)
{
	char host[PATH_MAX], target[PATH_MAX];
	ssize_t n;

	snprintf(host, sizeof(host), HOST_CGROUP "/%s", name);
	n = readlink(host, target, sizeof(target) - 1);
	if (n < 0)
		return stage_fail(err, errno, "readlink `%s`", host);
	target[n] = '\0';
	if (symlinkat(target, topfd, name) < 0 && errno != EEXIST)
		return stage_fail(err, errno, "symlink `%s/%s`", dest, name);
	return 0;
}

static int mount_cgroup1(const struct rootfs *root, int destfd, const char *dest,
			 unsigned long flags, struct stage_error *err)
{
	char self[4096], target[FD_PATH_MAX];
	autoclose int topfd = -1;
	autodir DIR *host = NULL;

	if (read_self_cgroup(self, sizeof(self), err) < 0 ||
	    mount_on("tmpfs", destfd, dest, "tmpfs", flags & ~MS_RDONLY, "mode=755", err) < 0)
		return -1;
	topfd = resolve_in_root(root->fd, dest, O_PATH | O_DIRECTORY);
	if (topfd < 0)
		return stage_fail(err, errno, "open `%s`", dest);
	host = opendir(HOST_CGROUP);
	if (!host)
		return stage_fail(err, errno, "open `" HOST_CGROUP "`");
	for (struct dirent *d; (errno = 0, d = readdir(host));) {
		if (d->d_name[0] == '.')
			continue;
		if (d->d_type == DT_LNK) {
			if (copy_link(topfd, dest, d->d_name, err) < 0)
				return -1;
		} else if (d->d_type == DT_DIR) {
			if (mount_hierarchy(root, topfd, dest, d->d_name, self, flags, err) < 0)
				return -1;
		}
	}
	if (errno)
		return stage_fail(err, errno, "read `" HOST_CGROUP "`");
	if (!(flags & MS_RDONLY))
		return 0;
	stage_debug("remount %s read-only", dest);
	if (mount(NULL, fd_path(topfd, target), NULL, MS_REMOUNT | flags, "mode=755") < 0)
		return stage_fail(err, errno, "remount `%s` read-only", dest);
	return 0;
}

int mount_cgroupfs(const struct rootfs *root, int destfd, const char *dest, unsigned long flags,
		   struct stage_error *err)
{
	struct statfs sf;

	if (statfs(HOST_CGROUP, &sf) < 0)
		return stage_fail(err, errno, "statfs `" HOST_CGROUP "`");
	if (sf.f_type == CGROUP2_SUPER_MAGIC)
		return mount_cgroup2(root, destfd, dest, flags, err);
	return mount_cgroup1(root, destfd, dest, flags, err);
}
