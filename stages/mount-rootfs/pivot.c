/*
 * Switching into the rootfs, and what is done to the finished tree: a
 * read-only root, read-only paths, the root's propagation (masks: masks.c). After
 * the switch, paths resolve inside the container, so plain paths are safe.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mount-rootfs.h"
#include "stage.h"

/* Without pivot_root (a rootfs on ramfs/initramfs): move it over / instead. */
static int move_root(const struct rootfs *root, struct stage_error *err)
{
	stage_debug("move %s onto / and chroot (no pivot_root)", root->path);
	if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
		return stage_fail(err, errno, "move rootfs `%s` onto `/`", root->path);
	if (chroot(".") < 0)
		return stage_fail(err, errno, "chroot `%s`", root->path);
	return 0;
}

static int pivot_root(const struct rootfs *root, struct stage_error *err)
{
	stage_debug("pivot_root to %s", root->path);
	/* new and old root on the same directory: the old one ends up stacked
	 * on top of the new one, and is detached without a temporary dir */
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return stage_fail(err, errno, "pivot_root `%s`", root->path);
	if (umount2(".", MNT_DETACH) < 0)
		return stage_fail(err, errno, "detach the old root");
	return 0;
}

int enter_rootfs(const struct rootfs *root, bool no_pivot, struct stage_error *err)
{
	if (fchdir(root->fd) < 0)
		return stage_fail(err, errno, "chdir to rootfs `%s`", root->path);
	/* pivot_root or a move would change the root of the runtime's namespace */
	if (!root->mountns) {
		stage_debug("chroot to %s (no mount namespace)", root->path);
		if (chroot(".") < 0)
			return stage_fail(err, errno, "chroot `%s`", root->path);
	} else if ((no_pivot ? move_root(root, err) : pivot_root(root, err)) < 0) {
		return -1;
	}
	if (chdir("/") < 0)
		return stage_fail(err, errno, "chdir to `/`");
	return 0;
}

int make_root_readonly(const struct plan *plan, struct stage_error *err)
{
	if (!plan_flag(plan, "root.readonly"))
		return 0;
	return remount_bind("/", "/", MS_RDONLY, 0, true, err);
}

int make_paths_readonly(const struct plan *plan, struct stage_error *err)
{
	plan_for_each(plan, "readonly-path", e)
	{
		const char *path = plan_field(e, 0);

		stage_debug("make %s read-only", path);
		if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0) {
			if (errno == ENOENT)
				continue;
			return stage_fail(err, errno, "bind read-only path `%s` on itself", path);
		}
		if (remount_bind(path, path, MS_RDONLY, 0, true, err) < 0)
			return -1;
	}
	return 0;
}

int set_rootfs_propagation(const struct plan *plan, struct stage_error *err)
{
	const struct plan_entry *e = plan_get(plan, "rootfs-propagation");
	uint64_t flags;

	if (!e)
		return 0;
	if (plan_field_u64(e, 0, &flags, err) < 0)
		return -1;
	if (!flags)
		return 0;
	stage_debug("set propagation of / to 0x%lx", (unsigned long)flags);
	if (mount(NULL, "/", NULL, (unsigned long)flags, NULL) < 0)
		return stage_fail(err, errno, "set propagation of `/`");
	return 0;
}
