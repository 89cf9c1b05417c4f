/*
 * Bind mounts that must not follow a symlink: `src-nofollow` (the source's
 * last name is taken as it is, a symlink included), `dest-nofollow` (so is
 * the destination's, inside the rootfs), and `copy-symlink` (a symlink
 * source becomes the same symlink in the rootfs instead of a mount).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/mount.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "mount-rootfs.h"
#include "stage.h"

int copy_symlink(const struct rootfs *root, const char *source, const char *dest,
		 struct stage_error *err)
{
	char target[PATH_MAX + 1], have[PATH_MAX + 1], base[NAME_MAX + 1];
	ssize_t n = readlink(source, target, sizeof(target));

	if (n < 0)
		return stage_fail(err, errno, "copy-symlink: read the link `%s`", source);
	if ((size_t)n >= sizeof(target))
		return stage_fail(err, ENAMETOOLONG, "copy-symlink: the target of `%s`", source);
	target[n] = '\0';

	autoclose int parent = make_parent_in_root(root->fd, dest, base, err);
	if (parent < 0)
		return -1;
	stage_debug("copy the symlink %s -> %s to %s", source, target, dest);
	if (symlinkat(target, parent, base) == 0)
		return 0;
	/* already there as the same link (a restart of the same bundle): fine */
	n = errno == EEXIST ? readlinkat(parent, base, have, sizeof(have) - 1) : -1;
	if (n >= 0 && (have[n] = '\0', strcmp(have, target) == 0))
		return 0;
	return stage_fail(err, errno == EINVAL ? EEXIST : errno, "copy-symlink: create `%s`", dest);
}

int open_dest_nofollow(const struct rootfs *root, const char *dest, bool dir,
		       struct stage_error *err)
{
	int fd = resolve_in_root(root->fd, dest, O_PATH | O_NOFOLLOW);

	if (fd >= 0)
		return fd;
	if (errno != ENOENT)
		return stage_fail(err, errno, "open `%s`", dest);
	/* missing: made as usual; what we make is no symlink */
	return dir ? make_dir_in_root(root->fd, dest, err) : make_file_in_root(root->fd, dest, err);
}

int bind_nofollow(const char *source, bool src_nofollow, bool recursive, int destfd,
		  const char *dest, struct stage_error *err)
{
	unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive ? AT_RECURSIVE : 0) |
			 (src_nofollow ? AT_SYMLINK_NOFOLLOW : 0);
	autoclose int tree = (int)syscall(SYS_open_tree, AT_FDCWD, source, flags);

	if (tree < 0)
		return stage_fail(err, errno, "bind source `%s`", source);
	stage_debug("bind %s on %s without following symlinks", source, dest);
	if (syscall(SYS_move_mount, tree, "", destfd, "",
		    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return stage_fail(err, errno, "mount `%s` on `%s`", source, dest);
	return 0;
}
