/* Are we root of the host, or root of a user namespace someone made for us? */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

#include "cleanup.h"
#include "stage.h"

/*
 * Root of the initial user namespace: euid 0 with the identity map of all ids.
 * Rootless podman runs its runtime as root of a namespace that maps only the
 * user's own and subordinate ids; that root may not write /run or cgroups.
 */
bool host_root(void)
{
	char buf[128];
	autoclose int fd = -1;
	unsigned long inside, outside, count;
	ssize_t n;

	if (geteuid() != 0)
		return false;
	fd = open("/proc/self/uid_map", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return true; /* no /proc: assume the host, as before user namespaces */
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return true;
	buf[n] = '\0';
	return sscanf(buf, "%lu %lu %lu", &inside, &outside, &count) == 3 && inside == 0 &&
	       outside == 0 && count == 4294967295UL;
}
