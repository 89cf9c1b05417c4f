/*
 * A new network namespace starts with `lo` down: 127.0.0.1 would not answer.
 * crun and runc bring it up, and engines rely on it (docker and podman
 * `--network none` give the container just this interface).
 */
#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "cleanup.h"
#include "mount-rootfs.h"
#include "stage.h"

int bring_up_loopback(const struct rootfs *root, struct stage_error *err)
{
	struct ifreq ifr = {.ifr_name = "lo"};
	autoclose int sock = -1;

	/* a joined namespace (by path) is configured by whoever made it */
	if (!root->netns)
		return 0;
	stage_debug("bring up the loopback interface lo");
	sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock < 0 || ioctl(sock, SIOCGIFFLAGS, &ifr) < 0)
		return stage_fail(err, errno, "linux.namespaces: network: read the flags of `lo`");
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(sock, SIOCSIFFLAGS, &ifr) < 0)
		return stage_fail(err, errno, "linux.namespaces: network: bring up `lo`");
	return 0;
}
