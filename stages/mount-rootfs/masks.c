/*
 * Masked paths (linux.maskedPaths): a file is covered by a read-only bind
 * mount of the null device, a directory by an empty read-only tmpfs.
 *
 * The null device is never taken by path inside the container: without a
 * tmpfs on /dev, its /dev/null is the image's, and an image whose /dev/null
 * is a link to /proc/sys/kernel/core_pattern would turn every mask into a
 * writable view of that file (CVE-2025-31133). So the host's node is cloned
 * as a detached mount before pivot_root and checked to be char 1:3; the
 * masks are that mount (and clones of it), attached by fd.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cleanup.h"
#include "mount-rootfs.h"
#include "stage.h"

static int set_readonly(int tree, const char *what, struct stage_error *err)
{
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};

	if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
		return stage_fail(err, errno, "linux.maskedPaths: make %s read-only", what);
	return 0;
}

int open_mask_source(struct rootfs *root, const struct plan *plan, struct stage_error *err)
{
	autoclose int tree = -1;
	struct stat st;

	root->null_tree = -1;
	if (!plan_get(plan, "masked-path"))
		return 0;
	tree =
	    (int)syscall(SYS_open_tree, AT_FDCWD, "/dev/null", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree < 0)
		return stage_fail(err, errno, "linux.maskedPaths: clone the host's `/dev/null`");
	if (fstat(tree, &st) < 0)
		return stage_fail(err, errno, "linux.maskedPaths: stat the host's `/dev/null`");
	if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3))
		return stage_fail(err, EPERM,
				  "linux.maskedPaths: the host's `/dev/null` is not the null "
				  "device (char 1:3)");
	if (set_readonly(tree, "`/dev/null`", err) < 0)
		return -1;
	root->null_tree = take_fd(&tree);
	return 0;
}

static int attach(int tree, int destfd, const char *path, struct stage_error *err)
{
	if (syscall(SYS_move_mount, tree, "", destfd, "",
		    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return stage_fail(err, errno, "linux.maskedPaths: mount on masked path `%s`", path);
	return 0;
}

static int mask_dir(int destfd, const char *path, struct stage_error *err)
{
	autoclose int fs = (int)syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC), tree = -1;

	stage_debug("mask %s with an empty read-only tmpfs", path);
	if (fs < 0 || syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return stage_fail(err, errno, "linux.maskedPaths: make a tmpfs for `%s`", path);
	tree = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY);
	if (tree < 0)
		return stage_fail(err, errno, "linux.maskedPaths: make a tmpfs for `%s`", path);
	return attach(tree, destfd, path, err);
}

/* The first file mask is the detached mount itself; once attached (in our
 * namespace), it is the source of a clone for every further one. */
static int mask_file(struct rootfs *root, int destfd, const char *path, struct stage_error *err)
{
	autoclose int clone = -1;

	stage_debug("mask %s with the host's /dev/null, read-only", path);
	if (!root->null_attached) {
		if (attach(root->null_tree, destfd, path, err) < 0)
			return -1;
		root->null_attached = true;
		return 0;
	}
	clone = (int)syscall(SYS_open_tree, root->null_tree, "",
			     OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
	if (clone < 0)
		return stage_fail(err, errno, "linux.maskedPaths: clone `/dev/null` for `%s`",
				  path);
	return attach(clone, destfd, path, err);
}

/* After pivot_root: paths resolve inside the container, magic links refused. */
static int mask_path(struct rootfs *root, int rootfd, const char *path, struct stage_error *err)
{
	autoclose int destfd = resolve_in_root(rootfd, path, O_PATH);
	struct stat st;

	if (destfd < 0)
		return errno == ENOENT ? 0
				       : stage_fail(err, errno, "linux.maskedPaths: `%s`", path);
	if (fstat(destfd, &st) < 0)
		return stage_fail(err, errno, "linux.maskedPaths: stat `%s`", path);
	if (S_ISDIR(st.st_mode))
		return mask_dir(destfd, path, err);
	return mask_file(root, destfd, path, err);
}

int mask_paths(struct rootfs *root, const struct plan *plan, struct stage_error *err)
{
	autoclose int rootfd = -1;

	if (root->null_tree < 0)
		return 0;
	rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return stage_fail(err, errno, "open `/`");
	plan_for_each(plan, "masked-path", e)
	{
		if (mask_path(root, rootfd, plan_field(e, 0), err) < 0)
			return -1;
	}
	close(root->null_tree);
	root->null_tree = -1;
	return 0;
}
