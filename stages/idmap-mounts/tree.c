/*
 * A detached clone of a bind source (open_tree), idmapped with
 * mount_setattr(MOUNT_ATTR_IDMAP). The kernel allows that only to a holder
 * of CAP_SYS_ADMIN in the user namespace that owns the source's superblock,
 * and only before the mount is attached anywhere: hence here, on the host.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "idmap-mounts.h"
#include "stage.h"

/* MS_REC in a `mount` record's FLAGS: rbind. */
#define PLAN_MS_REC 0x4000

static bool has_word(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ",");

		if (len == n && strncmp(p, word, n) == 0)
			return true;
		p += len + (p[len] == ',');
	}
	return false;
}

bool idmapped_mount_from_plan(const struct plan_entry *e, unsigned index, const struct plan *plan,
			      struct idmapped_mount *m)
{
	const char *extra = plan_field(e, 7);
	bool idmap = has_word(extra, "idmap"), ridmap = has_word(extra, "ridmap");
	bool host_open = has_word(extra, "host-open");

	if (!idmap && !ridmap && !host_open)
		return false;
	*m = (struct idmapped_mount){
	    .index = index,
	    .dest = plan_field(e, 0),
	    .source = plan_field(e, 2),
	    .rbind = strtoull(plan_field(e, 3), NULL, 16) & PLAN_MS_REC,
	    .recursive = ridmap,
	    .plain = !idmap && !ridmap,
	    .nofollow = has_word(extra, "src-nofollow"),
	};
	plan_for_each(plan, "mount.uid-map", u) m->own_mappings |=
	    strtoul(plan_field(u, 0), NULL, 10) == index;
	return true;
}

/*
 * Rootless (or root of a rootless engine's user namespace), the kernel refuses
 * one of the calls for any filesystem the host mounted: say why.
 */
static int refused(const struct idmapped_mount *m, const char *call, struct stage_error *err)
{
	int errnum = errno;

	if (m->plain)
		return stage_fail(err, errnum, "bind mount on `%s`: open the source `%s` on the host",
				  m->dest, m->source);
	if (errnum == EPERM)
		return stage_fail(
		    err, errnum,
		    "idmapped mount on `%s`: %s `%s`: only root of the user namespace "
		    "that mounted a filesystem may idmap it (rootless: no host "
		    "filesystem)",
		    m->dest, call, m->source);
	if (errnum == EINVAL && strcmp(call, "mount_setattr") == 0)
		return stage_fail(err, errnum,
				  "idmapped mount on `%s`: the filesystem of `%s` (or one mounted "
				  "below it) cannot be idmapped",
				  m->dest, m->source);
	return stage_fail(err, errnum, "idmapped mount on `%s`: %s `%s`", m->dest, call, m->source);
}

static int userns_for(const struct plan *plan, const struct idmapped_mount *m, pid_t pid,
		      struct stage_error *err)
{
	/* the container's own maps need no namespace of their own */
	if (!m->own_mappings || same_as_container_maps(plan, m->index))
		return userns_of_container(pid, err);
	return userns_of_mappings(plan, m->index, err);
}

int make_idmapped_tree(const struct plan *plan, const struct idmapped_mount *m, pid_t pid,
		       struct stage_error *err)
{
	unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_NO_AUTOMOUNT;
	autoclose int tree = -1;
	autoclose int userns = -1;

	if (m->rbind)
		flags |= AT_RECURSIVE;
	if (m->nofollow)
		flags |= AT_SYMLINK_NOFOLLOW;
	stage_debug("clone %s%s for %s", m->source, m->rbind ? " and the mounts below" : "",
		    m->dest);
	tree = (int)syscall(SYS_open_tree, AT_FDCWD, m->source, flags);
	if (tree < 0)
		return refused(m, "open_tree", err);
	/* host-open: only opened with our credentials, not idmapped */
	if (m->plain)
		return take_fd(&tree);
	userns = userns_for(plan, m, pid, err);
	if (userns < 0)
		return -1;

	struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (unsigned)userns};
	stage_debug("idmap %s%s", m->source, m->recursive ? " recursively" : "");
	if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | (m->recursive ? AT_RECURSIVE : 0),
		    &attr, sizeof(attr)) < 0)
		return refused(m, "mount_setattr", err);
	return take_fd(&tree);
}
