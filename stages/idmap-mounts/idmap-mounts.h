/*
 * idmap-mounts: the container's idmapped bind mounts, made on the host side
 * (mount_setattr(MOUNT_ATTR_IDMAP) needs CAP_SYS_ADMIN over the source's
 * superblock, which the container's user namespace never has) and handed to
 * mount-rootfs as detached mounts. This header is what its files share.
 */
#ifndef IDMAP_MOUNTS_H
#define IDMAP_MOUNTS_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "plan.h"

/* One idmapped `mount` record of the plan, or one marked host-open (a bind
 * source the container's user namespace may not reach, cloned here). */
struct idmapped_mount {
	unsigned index;	    /* among the plan's `mount` records: mounts[index] */
	const char *dest;   /* in the container, for messages */
	const char *source; /* host path */
	bool rbind;	    /* clone the whole tree below source */
	bool recursive;	    /* ridmap: idmap every mount of that tree */
	bool nofollow;	    /* src-nofollow */
	bool own_mappings;  /* mount.uid-map records of its own */
	bool plain;	    /* host-open: a clone made with our credentials, no idmap */
};

/* tree.c: the plan's idmapped mounts and the detached mounts made of them */
/* Fill m from `mount` record e (the index-th); false if it is not idmapped. */
bool idmapped_mount_from_plan(const struct plan_entry *e, unsigned index, const struct plan *plan,
			      struct idmapped_mount *m);
/* A detached, idmapped clone of m's source (O_CLOEXEC), for move_mount. */
int make_idmapped_tree(const struct plan *plan, const struct idmapped_mount *m, pid_t pid,
		       struct stage_error *err);

/* userns.c: the user namespace whose mapping the mount takes */
/* An fd of a new user namespace with the mount's own mount.uid-map and
 * mount.gid-map records as its maps; no process is left in it. */
int userns_of_mappings(const struct plan *plan, unsigned index, struct stage_error *err);
/* An fd of the container's user namespace (process pid's); fails when that is
 * ours, the host's: there would be nothing to map with. */
int userns_of_container(pid_t pid, struct stage_error *err);
/* True when the mount's mappings are the container's own new user namespace's. */
bool same_as_container_maps(const struct plan *plan, unsigned index);

#endif
