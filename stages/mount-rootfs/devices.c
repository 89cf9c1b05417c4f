/*
 * /dev content: the default nodes and links a tmpfs /dev needs, then the
 * plan's `device` records. The device cgroup lets mknod make any node (as
 * runc's and crun's defaults do); in a user namespace mknod of a device fails
 * with EPERM, and the node is then the host's, bound over an empty file.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cleanup.h"
#include "mount-rootfs.h"
#include "stage.h"

struct device {
	const char *path;
	mode_t type; /* S_IFCHR, S_IFBLK or S_IFIFO */
	unsigned major, minor;
	mode_t mode;
	uid_t uid;
	gid_t gid;
};

static const struct {
	const char *path;
	unsigned major, minor;
} default_devices[] = {
    {"/dev/null", 1, 3},   {"/dev/zero", 1, 5},	   {"/dev/full", 1, 7},
    {"/dev/random", 1, 8}, {"/dev/urandom", 1, 9}, {"/dev/tty", 5, 0},
};

static const struct {
	const char *name, *target;
} default_links[] = {
    {"fd", "/proc/self/fd"},	   {"stdin", "/proc/self/fd/0"}, {"stdout", "/proc/self/fd/1"},
    {"stderr", "/proc/self/fd/2"}, {"ptmx", "pts/ptmx"},	 {"core", "/proc/kcore"},
};

/*
 * In a user namespace mknod is refused: an empty file in place of the node,
 * with the host's node of the same path bound over it (crun and runc do the
 * same), checked to be the device the plan names. nosuid,noexec: nothing
 * reached through it may gain privileges or run.
 */
static int bind_host_device(int parent, const char *base, const struct device *dev,
			    struct stage_error *err)
{
	char target[FD_PATH_MAX];
	autoclose int fd = -1;
	struct stat st;

	stage_debug("mknod %s not permitted: binding the host's node", dev->path);
	if (stat(dev->path, &st) < 0)
		return stage_fail(err, errno,
				  "linux.devices: `%s`: mknod is not permitted here (a user "
				  "namespace) and the host has no such node to bind",
				  dev->path);
	if ((st.st_mode & S_IFMT) != dev->type || st.st_rdev != makedev(dev->major, dev->minor))
		return stage_fail(err, 0,
				  "linux.devices: `%s`: mknod is not permitted here (a user "
				  "namespace) and the host's `%s` is not device %u:%u",
				  dev->path, dev->path, dev->major, dev->minor);
	if (mknodat(parent, base, S_IFREG | 0644, 0) < 0 && errno != EEXIST)
		return stage_fail(err, errno, "create `%s`", dev->path);
	fd = openat(parent, base, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return stage_fail(err, errno, "open `%s`", dev->path);
	if (mount_on(dev->path, fd, dev->path, NULL, MS_BIND, NULL, err) < 0)
		return -1;
	close(take_fd(&fd));
	/* the bind is on top now: reopen to reach it, not the file beneath */
	fd = openat(parent, base, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return stage_fail(err, errno, "open `%s`", dev->path);
	return remount_bind(fd_path(fd, target), dev->path, MS_NOSUID | MS_NOEXEC, 0, true, err);
}

static int make_device(const struct rootfs *root, const struct device *dev, struct stage_error *err)
{
	char base[NAME_MAX + 1];
	autoclose int parent = make_parent_in_root(root->fd, dev->path, base, err);
	dev_t rdev = makedev(dev->major, dev->minor);
	int ret;

	if (parent < 0)
		return -1;
	stage_debug("mknod %s (%u:%u, 0%o)", dev->path, dev->major, dev->minor, dev->mode);
	ret = mknodat(parent, base, dev->type | dev->mode, rdev);
	/* the image may ship a node of its own: the plan's one wins */
	if (ret < 0 && errno == EEXIST) {
		if (unlinkat(parent, base, 0) < 0)
			return stage_fail(err, errno, "remove `%s`", dev->path);
		ret = mknodat(parent, base, dev->type | dev->mode, rdev);
	}
	if (ret < 0 && errno == EPERM && dev->type != S_IFIFO)
		return bind_host_device(parent, base, dev, err);
	if (ret < 0)
		return stage_fail(err, errno, "mknod `%s`", dev->path);
	/* the mode went through the umask */
	if (fchmodat(parent, base, dev->mode, 0) < 0)
		return stage_fail(err, errno, "chmod `%s`", dev->path);
	if (fchownat(parent, base, dev->uid, dev->gid, AT_SYMLINK_NOFOLLOW) < 0)
		return stage_fail(err, errno, "chown `%s`", dev->path);
	return 0;
}

static bool plan_has_device(const struct plan *plan, const char *path)
{
	plan_for_each(plan, "device", e)
	{
		if (strcmp(plan_field(e, 0), path) == 0)
			return true;
	}
	return false;
}

static int make_default_links(const struct rootfs *root, struct stage_error *err)
{
	autoclose int dev = resolve_in_root(root->fd, "/dev", O_PATH | O_DIRECTORY);

	if (dev < 0)
		return stage_fail(err, errno, "open `/dev`");
	for (size_t i = 0; i < sizeof(default_links) / sizeof(default_links[0]); i++) {
		stage_debug("symlink /dev/%s -> %s", default_links[i].name,
			    default_links[i].target);
		if (symlinkat(default_links[i].target, dev, default_links[i].name) < 0 &&
		    errno != EEXIST)
			return stage_fail(err, errno, "symlink `/dev/%s`", default_links[i].name);
	}
	return 0;
}

int refuse_dev_symlink(const struct rootfs *root, struct stage_error *err)
{
	char target[PATH_MAX];
	struct stat st;
	ssize_t n;

	if (fstatat(root->fd, "dev", &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISLNK(st.st_mode))
		return 0;
	n = readlinkat(root->fd, "dev", target, sizeof(target) - 1);
	target[n > 0 ? n : 0] = '\0';
	/* the /dev mount, its nodes and links would land wherever it points
	 * (crun's CVE-2026-88264/88265 class): an image must ship a directory */
	return stage_fail(err, 0, "root.path: `/dev` is a symlink (to `%s`), not a directory",
			  target);
}

int make_default_devices(const struct rootfs *root, const struct plan *plan,
			 struct stage_error *err)
{
	if (!root->dev_tmpfs)
		return 0;
	for (size_t i = 0; i < sizeof(default_devices) / sizeof(default_devices[0]); i++) {
		struct device dev = {
		    .path = default_devices[i].path,
		    .type = S_IFCHR,
		    .major = default_devices[i].major,
		    .minor = default_devices[i].minor,
		    .mode = 0666,
		};

		if (!plan_has_device(plan, dev.path) && make_device(root, &dev, err) < 0)
			return -1;
	}
	return make_default_links(root, err);
}

static int parse_device(const struct plan_entry *e, struct device *dev, struct stage_error *err)
{
	int64_t major, minor, mode, uid, gid;
	const char *type = plan_field(e, 1);

	if (plan_field_i64(e, 2, &major, err) < 0 || plan_field_i64(e, 3, &minor, err) < 0 ||
	    plan_field_i64(e, 4, &mode, err) < 0 || plan_field_i64(e, 5, &uid, err) < 0 ||
	    plan_field_i64(e, 6, &gid, err) < 0)
		return -1;
	*dev = (struct device){
	    .path = plan_field(e, 0),
	    .type = strcmp(type, "b") == 0   ? S_IFBLK
		    : strcmp(type, "p") == 0 ? S_IFIFO
					     : S_IFCHR,
	    .major = (unsigned)major,
	    .minor = (unsigned)minor,
	    .mode = (mode_t)mode & 07777,
	    .uid = (uid_t)uid,
	    .gid = (gid_t)gid,
	};
	if (dev->path[0] != '/' || !strchr("cubp", type[0]) || !type[0] || type[1])
		return stage_fail(err, EINVAL, "plan: line %u: bad `device` record", e->line);
	return 0;
}

int make_plan_devices(const struct rootfs *root, const struct plan *plan, struct stage_error *err)
{
	plan_for_each(plan, "device", e)
	{
		struct device dev;

		if (parse_device(e, &dev, err) < 0 || make_device(root, &dev, err) < 0)
			return -1;
	}
	return 0;
}
