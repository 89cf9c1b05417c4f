/*
 * NOTIFY_SOCKET: the container does not get the caller's socket but a
 * directory of the container's state, bound at /run/notify; `start` (or
 * `run`) binds the socket `notify` in it and forwards READY=1 with the
 * container's MAINPID to the caller (orchestrator/notify_proxy.c), as crun
 * does. So a caller's socket that does not exist is no mount error, and a
 * process of the container reaches nothing of the host's.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <unistd.h>

#include "cleanup.h"
#include "mount-rootfs.h"
#include "stage.h"

int bind_notify_dir(const struct rootfs *root, struct stage_error *err)
{
	const char *dir = getenv("BATON_NOTIFY_DIR");
	autoclose int fd = -1;

	if (!dir)
		return 0;
	fd = make_dir_in_root(root->fd, NOTIFY_DIR_PATH, err);
	if (fd < 0)
		return -1;
	return mount_on(dir, fd, NOTIFY_DIR_PATH, NULL, MS_BIND, NULL, err);
}
