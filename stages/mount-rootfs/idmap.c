/*
 * Idmapped bind mounts. The kernel idmaps a mount only for a holder of
 * CAP_SYS_ADMIN over the source's superblock (the host's, for a host
 * directory), which we are not in a user namespace: the idmap-mounts stage
 * makes them on the host side as detached mounts, and we only attach them.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fdenv.h"
#include "mount-rootfs.h"
#include "record.h"
#include "stage.h"

static bool is_idmapped(const struct plan_entry *e)
{
	return option_has(plan_field(e, 7), "idmap") || option_has(plan_field(e, 7), "ridmap") ||
	       option_has(plan_field(e, 7), "host-open");
}

static const char *first_idmapped(const struct plan *plan)
{
	plan_for_each(plan, "mount", e) if (is_idmapped(e)) return plan_field(e, 0);
	return "";
}

/* One FD record `idmap:INDEX` into root->idmapped[INDEX]. */
static int take_one(struct rootfs *root, int sync, struct stage_error *err)
{
	struct record rec;
	unsigned index;
	int end = 0;

	if (record_expect(sync, REC_FD, &rec, err) < 0)
		return -1;
	rec.payload[rec.len < sizeof(rec.payload) ? rec.len : sizeof(rec.payload) - 1] = '\0';
	if (rec.nfds != 1 || sscanf(rec.payload, "idmap:%u%n", &index, &end) != 1 ||
	    rec.payload[end] || index >= root->nmounts || root->idmapped[index] >= 0) {
		for (unsigned i = 0; i < rec.nfds; i++)
			close(rec.fds[i]);
		return stage_fail(err, EPROTO, "unexpected FD record `%s`", rec.payload);
	}
	root->idmapped[index] = rec.fds[0]; /* close-on-exec: final-exec never sees it */
	return 0;
}

int receive_idmapped_mounts(struct rootfs *root, const struct plan *plan, struct stage_error *err)
{
	size_t wanted = 0, index = 0, n = plan_count(plan, "mount");
	int sync;

	plan_for_each(plan, "mount", e) wanted += is_idmapped(e);
	if (!wanted)
		return 0;
	root->idmapped = malloc(n * sizeof(*root->idmapped));
	if (!root->idmapped)
		return stage_fail(err, ENOMEM, "idmapped mounts");
	root->nmounts = n;
	for (size_t i = 0; i < root->nmounts; i++)
		root->idmapped[i] = -1;
	sync = stage_fd_opt("BATON_FD_SYNC", FD_KIND_SOCKET, err);
	if (sync == -1)
		return -1;
	if (sync == FD_ABSENT)
		return stage_fail(err, ENOTSUP,
				  "idmapped mount on `%s`: made by the idmap-mounts stage, not by "
				  "mount-rootfs run alone",
				  first_idmapped(plan));
	for (size_t k = 0; k < wanted; k++)
		if (take_one(root, sync, err) < 0)
			return -1;
	/* every idmapped record got its mount, and only those */
	plan_for_each(plan, "mount", e)
	{
		if (is_idmapped(e) != (root->idmapped[index] >= 0))
			return stage_fail(err, EPROTO, "no idmapped mount received for `%s`",
					  plan_field(e, 0));
		index++;
	}
	return 0;
}

int attach_mount(int tree, int destfd, const char *dest, struct stage_error *err)
{
	stage_debug("attach the idmapped mount on %s", dest);
	if (syscall(SYS_move_mount, tree, "", destfd, "",
		    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return stage_fail(err, errno, "attach the idmapped mount on `%s`", dest);
	return 0;
}
