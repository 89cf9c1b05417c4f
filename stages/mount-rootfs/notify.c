/*
 * NOTIFY_SOCKET: when the caller (systemd, an engine) waits for sd_notify's
 * READY, its socket is bound into the container at a fixed path; final-exec
 * points the process's NOTIFY_SOCKET there. A unix socket reached through a
 * bind mount is the same socket, whatever namespaces lie between.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "mount-rootfs.h"
#include "stage.h"

int bind_notify_socket(const struct rootfs *root, struct stage_error *err)
{
	const char *host = getenv("BATON_NOTIFY_SOCKET");
	char base[NAME_MAX + 1];
	autoclose int parent = -1;
	autoclose int fd = -1;

	if (!host)
		return 0;
	parent = make_parent_in_root(root->fd, NOTIFY_SOCKET_PATH, base, err);
	if (parent < 0)
		return -1;
	if (mknodat(parent, base, S_IFREG | 0600, 0) < 0 && errno != EEXIST)
		return stage_fail(err, errno, "create `%s`", NOTIFY_SOCKET_PATH);
	fd = openat(parent, base, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return stage_fail(err, errno, "open `%s`", NOTIFY_SOCKET_PATH);
	return mount_on(host, fd, NOTIFY_SOCKET_PATH, NULL, MS_BIND, NULL, err);
}
