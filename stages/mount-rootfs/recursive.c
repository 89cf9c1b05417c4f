/*
 * crun's recursive mount options (`rro`, `rnosuid`, ...): mount_setattr with
 * AT_RECURSIVE sets them on the mount and on every mount below it, which
 * mount(2)'s remount cannot do (it changes one mount at a time).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "mount-rootfs.h"
#include "stage.h"

static const struct {
	const char *word;
	__u64 set, clear;
} recursive_words[] = {
    {"rro", MOUNT_ATTR_RDONLY, 0},
    {"rrw", 0, MOUNT_ATTR_RDONLY},
    {"rnosuid", MOUNT_ATTR_NOSUID, 0},
    {"rsuid", 0, MOUNT_ATTR_NOSUID},
    {"rnodev", MOUNT_ATTR_NODEV, 0},
    {"rdev", 0, MOUNT_ATTR_NODEV},
    {"rnoexec", MOUNT_ATTR_NOEXEC, 0},
    {"rexec", 0, MOUNT_ATTR_NOEXEC},
    {"rnodiratime", MOUNT_ATTR_NODIRATIME, 0},
    {"rdiratime", 0, MOUNT_ATTR_NODIRATIME},
    {"rnosymfollow", MOUNT_ATTR_NOSYMFOLLOW, 0},
    {"rsymfollow", 0, MOUNT_ATTR_NOSYMFOLLOW},
    /* the atime modes are one field: each replaces the others */
    {"rnoatime", MOUNT_ATTR_NOATIME, MOUNT_ATTR__ATIME},
    {"rstrictatime", MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME},
    {"rrelatime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME},
    {"ratime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME},
    {"rnostrictatime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME},
    {"rnorelatime", MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME},
};

bool recursive_attrs(const char *extra, uint64_t *set, uint64_t *clear)
{
	bool any = false;

	*set = *clear = 0;
	/* in the order given: a later word overrides an earlier opposite one */
	for (const char *p = extra; p && *p;) {
		size_t len = strcspn(p, ",");

		for (size_t i = 0; i < sizeof(recursive_words) / sizeof(recursive_words[0]); i++) {
			const char *w = recursive_words[i].word;

			if (strlen(w) != len || strncmp(p, w, len) != 0)
				continue;
			*set = (*set & ~recursive_words[i].clear) | recursive_words[i].set;
			*clear = (*clear & ~recursive_words[i].set) | recursive_words[i].clear;
			any = true;
		}
		p += len;
		p += *p == ',';
	}
	/* the kernel takes an atime mode only with the whole field in attr_clr */
	if ((*set | *clear) & MOUNT_ATTR__ATIME)
		*clear |= MOUNT_ATTR__ATIME;
	return any;
}

int set_recursive_attrs(int destfd, const char *dest, const char *extra, struct stage_error *err)
{
	uint64_t set, clear;

	if (!recursive_attrs(extra, &set, &clear))
		return 0;
	struct mount_attr attr = {.attr_set = set, .attr_clr = clear};
	stage_debug("mount_setattr %s recursively: set 0x%llx, clear 0x%llx", dest,
		    (unsigned long long)attr.attr_set, (unsigned long long)attr.attr_clr);
	if (syscall(SYS_mount_setattr, destfd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr,
		    sizeof(attr)) < 0)
		return stage_fail(err, errno, "set the recursive options (%s) of `%s`", extra,
				  dest);
	return 0;
}
