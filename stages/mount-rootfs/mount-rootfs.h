/*
 * mount-rootfs: builds the container's filesystem view inside its new mount
 * namespace (mounts, /dev, pivot_root, masked and read-only paths, sysctls,
 * hostname, the loopback interface) and then execs final-exec. Each file of this folder does one
 * job; this header is what they share.
 */
#ifndef BATON_MOUNT_ROOTFS_H
#define BATON_MOUNT_ROOTFS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "plan.h"

struct rootfs {
	const char *path;   /* the container's root as the host sees it */
	int fd;		    /* O_PATH fd of that root, once it is a mount point */
	bool userns;	    /* running in a user namespace: mknod fails, flags are locked */
	bool mountns;	    /* a mount namespace of the container's; without, the runtime's */
	bool netns;	    /* a new network namespace: sysfs can be mounted */
	bool cgroupns;	    /* a cgroup namespace: a cgroup mount shows our cgroup as its root */
	bool dev_tmpfs;	    /* a tmpfs went on /dev: it needs the default devices */
	int *idmapped;	    /* by mount index: a detached idmapped mount, or -1 */
	size_t nmounts;	    /* entries of idmapped */
	int null_tree;	    /* detached read-only mount of the host's /dev/null, or -1 */
	bool null_attached; /* null_tree is the first file mask now */
};

/* paths.c: resolve and create paths inside the rootfs, never outside it */
#define FD_PATH_MAX 32
/* "/proc/self/fd/N", the name under which we mount on an opened path. */
const char *fd_path(int fd, char buf[FD_PATH_MAX]);
/* Split a path into its parent ("/" at the top) and last name ("." for "/");
 * -1 when either does not fit. */
int split_path(const char *path, char *parent, size_t parent_size, char *base, size_t base_size);
/* openat2 RESOLVE_IN_ROOT of path in rootfd; -1 with errno. */
int resolve_in_root(int rootfd, const char *path, int flags);
/* O_PATH fd of directory path in the rootfs, made with its parents if missing. */
int make_dir_in_root(int rootfd, const char *path, struct stage_error *err);
/* O_PATH fd of path in the rootfs, made as an empty file if missing. */
int make_file_in_root(int rootfd, const char *path, struct stage_error *err);
/* O_PATH fd of path's parent directory (made if missing); *base is its last name. */
int make_parent_in_root(int rootfd, const char *path, char base[NAME_MAX + 1],
			struct stage_error *err);

/* flags.c: mount flags and options, pure */
/* True when the comma separated list has the word. */
bool option_has(const char *list, const char *word);
/* True when the comma separated list has a KEY=VALUE word for key. */
bool option_has_key(const char *list, const char *key);
/* Mount flags that a bind mount inherits from its source and, in a user
 * namespace, may not drop (statvfs f_flag bits in, MS_* out). */
unsigned long locked_flags(unsigned long st_flags);
/* "ro,nosuid,..." for the narration; buf is always terminated. */
const char *flags_text(unsigned long flags, char *buf, size_t size);

/* mounts.c: the plan's `mount` records, in order */
/* Fill root from the plan: its path and the namespaces that matter here. */
int rootfs_from_plan(struct rootfs *root, const struct plan *plan, struct stage_error *err);
int make_root_private(struct rootfs *root, struct stage_error *err);
int mount_all(struct rootfs *root, const struct plan *plan, struct stage_error *err);
/* mount(2) on an opened destination; dest names it in messages. */
int mount_on(const char *source, int destfd, const char *dest, const char *type,
	     unsigned long flags, const char *data, struct stage_error *err);
/* Remount the bind mount at target (dest names it) with flags; keep_locked
 * adds the flags it already has (see locked_flags) unless cleared. */
int remount_bind(const char *target, const char *dest, unsigned long flags, unsigned long clear,
		 bool keep_locked, struct stage_error *err);

/* idmap.c: idmapped bind mounts, made on the host side by idmap-mounts */
/* Take the detached mounts the orchestrator sends after GO (FD records
 * `idmap:INDEX` on BATON_FD_SYNC), one per idmapped `mount` record. */
int receive_idmapped_mounts(struct rootfs *root, const struct plan *plan, struct stage_error *err);
/* move_mount the detached mount tree onto the opened destination. */
int attach_mount(int tree, int destfd, const char *dest, struct stage_error *err);

/* recursive.c: crun's recursive options (rro, rnosuid, ...) */
/* MOUNT_ATTR_* to set and clear for the recursive words of extra, later
 * words overriding earlier ones; false when it has none (pure). */
bool recursive_attrs(const char *extra, uint64_t *set, uint64_t *clear);
/* mount_setattr(AT_RECURSIVE) of the mount at destfd with those; dest names it. */
int set_recursive_attrs(int destfd, const char *dest, const char *extra, struct stage_error *err);

/* symlinks.c: copy-symlink, src-nofollow and dest-nofollow */
/* Make dest in the rootfs a symlink like the symlink source. */
int copy_symlink(const struct rootfs *root, const char *source, const char *dest,
		 struct stage_error *err);
/* O_PATH fd of dest, a symlink itself if it is one; made (a directory if dir) if missing. */
int open_dest_nofollow(const struct rootfs *root, const char *dest, bool dir,
		       struct stage_error *err);
/* Bind source on destfd with open_tree and move_mount, the source's last
 * name not followed with src_nofollow. */
int bind_nofollow(const char *source, bool src_nofollow, bool recursive, int destfd,
		  const char *dest, struct stage_error *err);

/* cgroupfs.c: the `cgroup` mount type */
/* Mount data for v1 hierarchy directory dir, from /proc/self/cgroup text:
 * "cpu,cpuacct", "none,name=systemd", "" for cgroup2 (dir "unified"), NULL if
 * we are in no such hierarchy; *path, *path_len: our cgroup in it. */
const char *cgroup1_data(const char *self_cgroup, const char *dir, char *buf, size_t size,
			 const char **path, size_t *path_len);
int mount_cgroupfs(const struct rootfs *root, int destfd, const char *dest, unsigned long flags,
		   struct stage_error *err);

/* copyup.c: tmpcopyup */
int copy_tree(int fromfd, int tofd, const char *what, struct stage_error *err);

/* devices.c: /dev content */
/* A rootfs whose /dev is a symlink is refused: what goes there would follow it. */
int refuse_dev_symlink(const struct rootfs *root, struct stage_error *err);
int make_default_devices(const struct rootfs *root, const struct plan *plan,
			 struct stage_error *err);
int make_plan_devices(const struct rootfs *root, const struct plan *plan, struct stage_error *err);

/* pivot.c: switching root, and what is done to the finished tree */
int enter_rootfs(const struct rootfs *root, bool no_pivot, struct stage_error *err);
int make_root_readonly(const struct plan *plan, struct stage_error *err);
int make_paths_readonly(const struct plan *plan, struct stage_error *err);
int set_rootfs_propagation(const struct plan *plan, struct stage_error *err);

/* masks.c: linux.maskedPaths, from a null device verified before pivot_root */
int open_mask_source(struct rootfs *root, const struct plan *plan, struct stage_error *err);
int mask_paths(struct rootfs *root, const struct plan *plan, struct stage_error *err);

/* sysctl.c: kernel parameters and names of the namespaces */
/* "/proc/sys/net/ipv4/ip_forward" for "net.ipv4.ip_forward"; -1 if too long. */
int sysctl_path(const char *key, char *buf, size_t size);
int apply_sysctls(const struct plan *plan, struct stage_error *err);
int set_names(const struct plan *plan, struct stage_error *err);

/* network.c: a new network namespace gets its loopback interface up */
int bring_up_loopback(const struct rootfs *root, struct stage_error *err);

/* Where the container's notify socket lives: `notify` in it (final-exec knows it too). */
#define NOTIFY_DIR_PATH "/run/notify"
/* Bind the state's notify directory (BATON_NOTIFY_DIR) there, if there is one. */
int bind_notify_dir(const struct rootfs *root, struct stage_error *err);

#endif
