/*
 * The plan's `mount` records, in config order. Each destination is opened
 * (and made) inside the rootfs first, then mounted on through
 * /proc/self/fd/N, so the kernel never walks a path the image controls.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "cleanup.h"
#include "mount-rootfs.h"
#include "stage.h"
#include "strbuf.h"

#define PROPAGATION_TYPES (MS_SHARED | MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE)
#define ATIME_FLAGS	  (MS_NOATIME | MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME)

struct mount_spec {
	const char *dest, *type, *source, *data, *extra;
	unsigned long flags, clear, propagation;
	size_t index; /* among the plan's `mount` records */
};

int rootfs_from_plan(struct rootfs *root, const struct plan *plan, struct stage_error *err)
{
	root->path = plan_str(plan, "root.path", NULL);
	root->fd = -1;
	if (!root->path || root->path[0] != '/')
		return stage_fail(err, EINVAL, "plan: `root.path` missing or not absolute");
	plan_for_each(plan, "namespace", e)
	{
		if (strcmp(plan_field(e, 0), "user") == 0)
			root->userns = true;
		if (strcmp(plan_field(e, 0), "cgroup") == 0)
			root->cgroupns = true;
		if (strcmp(plan_field(e, 0), "mount") == 0)
			root->mountns = true;
		/* sysfs wants a network namespace of our own user namespace */
		if (strcmp(plan_field(e, 0), "network") == 0 && !*plan_field(e, 1))
			root->netns = true;
	}
	return 0;
}

int make_root_private(struct rootfs *root, struct stage_error *err)
{
	/*
	 * In the runtime's mount namespace (none in linux.namespaces) its mounts
	 * stay as they are: the root becomes a chroot, and the orchestrator
	 * removes what we mount under it when the container goes.
	 */
	if (!root->mountns) {
		stage_debug("no mount namespace: mounts go into the runtime's, under %s",
			    root->path);
	} else {
		/* slave, not private: host mounts still reach us, ours never reach the host */
		stage_debug("make / a recursive slave mount");
		if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
			return stage_fail(err, errno, "make `/` a slave mount");
		/* pivot_root needs the new root to be a mount point */
		stage_debug("bind %s on itself", root->path);
		if (mount(root->path, root->path, NULL, MS_BIND | MS_REC, NULL) < 0)
			return stage_fail(err, errno, "bind mount rootfs `%s`", root->path);
	}
	root->fd = open(root->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root->fd < 0)
		return stage_fail(err, errno, "open rootfs `%s`", root->path);
	return 0;
}

int mount_on(const char *source, int destfd, const char *dest, const char *type,
	     unsigned long flags, const char *data, struct stage_error *err)
{
	char target[FD_PATH_MAX], text[256];

	if (data && !*data)
		data = NULL;
	stage_debug("mount %s on %s (%s, %s%s%s)", source ? source : "none", dest,
		    type ? type : "bind", flags_text(flags, text, sizeof(text)), data ? "," : "",
		    data ? data : "");
	if (mount(source, fd_path(destfd, target), type, flags, data) < 0)
		return stage_fail(err, errno, "mount `%s` on `%s`", source ? source : type, dest);
	return 0;
}

int remount_bind(const char *target, const char *dest, unsigned long flags, unsigned long clear,
		 bool keep_locked, struct stage_error *err)
{
	char text[256];
	struct statvfs sv;

	flags &= ~(MS_BIND | MS_REC | MS_REMOUNT);
	/* a user namespace may not drop nosuid, ro, ... of a mount it inherited */
	if (keep_locked) {
		if (statvfs(target, &sv) < 0)
			return stage_fail(err, errno, "statvfs `%s`", dest);
		unsigned long keep = locked_flags(sv.f_flag) & ~clear;
		if (flags & ATIME_FLAGS)
			keep &= ~ATIME_FLAGS;
		flags |= keep;
	}
	stage_debug("remount %s (%s)", dest, flags_text(flags, text, sizeof(text)));
	if (mount(NULL, target, NULL, MS_REMOUNT | MS_BIND | flags, NULL) < 0)
		return stage_fail(err, errno, "remount `%s`", dest);
	return 0;
}

/* What is now mounted at dest, found again from the rootfs (dest-nofollow:
 * the symlink itself, or what was mounted on it). */
static int reopen_dest(const struct rootfs *root, const struct mount_spec *m)
{
	int nofollow = option_has(m->extra, "dest-nofollow") ? O_NOFOLLOW : 0;

	return resolve_in_root(root->fd, m->dest, O_PATH | nofollow);
}

static int remount_dest(const struct rootfs *root, const struct mount_spec *m, unsigned long flags,
			struct stage_error *err)
{
	char target[FD_PATH_MAX];
	autoclose int fd = reopen_dest(root, m);

	if (fd < 0)
		return stage_fail(err, errno, "open `%s`", m->dest);
	return remount_bind(fd_path(fd, target), m->dest, flags, m->clear, root->userns, err);
}

static int set_propagation(const struct rootfs *root, const struct mount_spec *m,
			   struct stage_error *err)
{
	char target[FD_PATH_MAX];
	autoclose int fd = -1;

	if (!(m->propagation & PROPAGATION_TYPES))
		return 0;
	fd = reopen_dest(root, m);
	if (fd < 0)
		return stage_fail(err, errno, "open `%s`", m->dest);
	/* the kernel takes one propagation type per call */
	for (unsigned long type = MS_UNBINDABLE; type <= MS_SHARED; type <<= 1) {
		if (!(m->propagation & type))
			continue;
		stage_debug("set propagation of %s to 0x%lx", m->dest, type);
		if (mount(NULL, fd_path(fd, target), NULL, type | (m->propagation & MS_REC), NULL) <
		    0)
			return stage_fail(err, errno, "set propagation of `%s`", m->dest);
	}
	return 0;
}

/* The destination of a bind: a directory for a directory source, else a file. */
static int open_bind_dest(const struct rootfs *root, const struct mount_spec *m, bool dir,
			  struct stage_error *err)
{
	if (option_has(m->extra, "dest-nofollow"))
		return open_dest_nofollow(root, m->dest, dir, err);
	return dir ? make_dir_in_root(root->fd, m->dest, err)
		   : make_file_in_root(root->fd, m->dest, err);
}

static int mount_bind(const struct rootfs *root, const struct mount_spec *m,
		      struct stage_error *err)
{
	bool src_nofollow = option_has(m->extra, "src-nofollow");
	bool nofollow = src_nofollow || option_has(m->extra, "dest-nofollow");
	bool copy = option_has(m->extra, "copy-symlink");
	/* idmapped or host-open: idmap-mounts made the bind on the host side, we
	 * attach it (the source itself may be out of our reach) */
	int tree = m->index < root->nmounts ? root->idmapped[m->index] : -1;
	struct stat st;

	if (tree >= 0 ? fstat(tree, &st) < 0
		      : (src_nofollow || copy ? lstat(m->source, &st) : stat(m->source, &st)) < 0)
		return stage_fail(err, errno, "bind source `%s`", m->source);
	if (copy && S_ISLNK(st.st_mode))
		return copy_symlink(root, m->source, m->dest, err);

	autoclose int destfd = open_bind_dest(root, m, S_ISDIR(st.st_mode), err);
	if (destfd < 0)
		return -1;
	int ret = tree >= 0  ? attach_mount(tree, destfd, m->dest, err)
		  : nofollow ? bind_nofollow(m->source, src_nofollow, m->flags & MS_REC, destfd,
					     m->dest, err)
			     : mount_on(m->source, destfd, m->dest, NULL,
					m->flags & (MS_BIND | MS_REC), NULL, err);
	if (ret < 0)
		return -1;
	if (!(m->flags & ~(MS_BIND | MS_REC)))
		return 0;
	return remount_dest(root, m, m->flags, err);
}

static int mount_sysfs(const struct rootfs *root, const struct mount_spec *m, int destfd,
		       struct stage_error *err)
{
	/* sysfs belongs to the network namespace's owner: without a network
	 * namespace of our own, a user namespace gets the host's /sys bound */
	if (!root->userns || root->netns) {
		if (mount_on(m->source, destfd, m->dest, "sysfs", m->flags, m->data, err) == 0)
			return 0;
		if (!root->userns || err->errnum != EPERM)
			return -1;
	}
	stage_debug("sysfs cannot be mounted here: binding the host's /sys on %s", m->dest);
	if (mount_on("/sys", destfd, m->dest, NULL, MS_BIND | MS_REC, NULL, err) < 0)
		return -1;
	return remount_dest(root, m, m->flags, err);
}

/*
 * devpts with gid=5 (what `spec` writes) fails with EINVAL in a user
 * namespace that does not map gid 5, as a rootless single mapping: the
 * terminals then belong to the container's root group instead, as with crun.
 */
static int retry_devpts_without_gid(const struct mount_spec *m, int destfd, struct stage_error *err)
{
	autostrbuf struct strbuf data = {0};
	const char *p = m->data;

	if (err->errnum != EINVAL || strcmp(m->type, "devpts") != 0 || !strstr(m->data, "gid="))
		return -1;
	while (*p) {
		size_t len = strcspn(p, ",");

		if (strncmp(p, "gid=", 4) != 0) {
			if (data.len)
				strbuf_putc(&data, ',');
			strbuf_add(&data, p, len);
		}
		p += len + (p[len] == ',');
	}
	stage_debug("devpts on %s: gid not mapped, mounting without it", m->dest);
	return mount_on(m->source, destfd, m->dest, m->type, m->flags, data.data ? data.data : "",
			err);
}

/* Any filesystem by type; tmpcopyup fills it with what it covers, before
 * it is made read-only if asked. */
static int mount_fs(const struct rootfs *root, const struct mount_spec *m, int destfd,
		    struct stage_error *err)
{
	char target[FD_PATH_MAX];
	autoclose int lower = -1;
	autoclose int upper = -1;

	if (!option_has(m->extra, "tmpcopyup")) {
		if (mount_on(m->source, destfd, m->dest, m->type, m->flags, m->data, err) == 0)
			return 0;
		return retry_devpts_without_gid(m, destfd, err);
	}
	/* "." of the fd opened before the mount is the covered directory */
	lower = openat(destfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (lower < 0)
		return stage_fail(err, errno, "open `%s`", m->dest);
	if (mount_on(m->source, destfd, m->dest, m->type, m->flags & ~MS_RDONLY, m->data, err) < 0)
		return -1;
	upper = resolve_in_root(root->fd, m->dest, O_RDONLY | O_DIRECTORY);
	if (upper < 0)
		return stage_fail(err, errno, "open `%s`", m->dest);
	if (copy_tree(lower, upper, m->dest, err) < 0)
		return -1;
	if (!(m->flags & MS_RDONLY))
		return 0;
	stage_debug("remount %s read-only", m->dest);
	if (mount(NULL, fd_path(upper, target), NULL, MS_REMOUNT | m->flags,
		  *m->data ? m->data : NULL) < 0)
		return stage_fail(err, errno, "remount `%s` read-only", m->dest);
	return 0;
}

/*
 * proc and sysfs go on a directory of the image, never through a symlink
 * (runc refuses it too): a dangling one would otherwise be followed, and
 * the masked and read-only paths would then be looked up elsewhere.
 */
static int refuse_symlinked_kernel_fs(const struct rootfs *root, const struct mount_spec *m,
				      struct stage_error *err)
{
	struct stat st;
	autoclose int fd = -1;

	if (strcmp(m->type, "proc") != 0 && strcmp(m->type, "sysfs") != 0)
		return 0;
	fd = resolve_in_root(root->fd, m->dest, O_PATH | O_NOFOLLOW);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISLNK(st.st_mode))
		return 0; /* missing or no symlink: made or mounted as usual */
	return stage_fail(err, ELOOP, "%s on `%s`: a symlink in the rootfs", m->type, m->dest);
}

/*
 * A tmpfs without mode= takes the mode of the directory it covers, as with
 * crun (an image's 1777 /tmp stays 1777), not tmpfs' own 1777 default:
 * *data becomes m's data with that mode= added.
 */
static int tmpfs_mode(const struct mount_spec *m, int destfd, struct strbuf *sb, const char **data,
		      struct stage_error *err)
{
	struct stat st;

	*data = m->data;
	if (strcmp(m->type, "tmpfs") != 0 || option_has_key(m->data, "mode"))
		return 0;
	if (fstat(destfd, &st) < 0)
		return stage_fail(err, errno, "stat `%s`", m->dest);
	strbuf_printf(sb, "%s%smode=%o", m->data, *m->data ? "," : "", st.st_mode & 07777);
	*data = sb->data;
	return 0;
}

static int do_mount(struct rootfs *root, const struct mount_spec *m, struct stage_error *err)
{
	if (strcmp(m->type, "bind") == 0)
		return mount_bind(root, m, err);
	if (refuse_symlinked_kernel_fs(root, m, err) < 0)
		return -1;

	autoclose int destfd = make_dir_in_root(root->fd, m->dest, err);
	if (destfd < 0)
		return -1;
	if (strcmp(m->type, "sysfs") == 0)
		return mount_sysfs(root, m, destfd, err);
	if (strcmp(m->type, "cgroup") == 0)
		return mount_cgroupfs(root, destfd, m->dest, m->flags, err);
	if (strcmp(m->type, "tmpfs") == 0 && strcmp(m->dest, "/dev") == 0)
		root->dev_tmpfs = true;

	autostrbuf struct strbuf data = {0};
	struct mount_spec with_mode = *m;
	if (tmpfs_mode(m, destfd, &data, &with_mode.data, err) < 0)
		return -1;
	return mount_fs(root, &with_mode, destfd, err);
}

static int apply_recursive(const struct rootfs *root, const struct mount_spec *m,
			   struct stage_error *err)
{
	uint64_t set, clear;
	autoclose int fd = -1;

	/* a cheap look first: most mounts have none */
	if (!recursive_attrs(m->extra, &set, &clear))
		return 0;
	fd = reopen_dest(root, m);
	if (fd < 0)
		return stage_fail(err, errno, "open `%s`", m->dest);
	return set_recursive_attrs(fd, m->dest, m->extra, err);
}

static int parse_mount(const struct plan_entry *e, size_t index, struct mount_spec *m,
		       struct stage_error *err)
{
	uint64_t flags, clear, propagation;

	if (plan_field_u64(e, 3, &flags, err) < 0 || plan_field_u64(e, 4, &clear, err) < 0 ||
	    plan_field_u64(e, 5, &propagation, err) < 0)
		return -1;
	*m = (struct mount_spec){
	    .dest = plan_field(e, 0),
	    .type = plan_field(e, 1),
	    .source = plan_field(e, 2),
	    .flags = (unsigned long)flags,
	    .clear = (unsigned long)clear,
	    .propagation = (unsigned long)propagation,
	    .data = plan_field(e, 6),
	    .extra = plan_field(e, 7),
	    .index = index,
	};
	if (m->dest[0] != '/' || !*m->type)
		return stage_fail(err, EINVAL, "plan: line %u: bad `mount` record", e->line);
	return 0;
}

int mount_all(struct rootfs *root, const struct plan *plan, struct stage_error *err)
{
	size_t index = 0;

	plan_for_each(plan, "mount", e)
	{
		struct mount_spec m;

		if (parse_mount(e, index++, &m, err) < 0 || do_mount(root, &m, err) < 0 ||
		    apply_recursive(root, &m, err) < 0 || set_propagation(root, &m, err) < 0)
			return -1;
	}
	return 0;
}
