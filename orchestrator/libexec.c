/* Where the stage binaries are: ../libexec/baton beside our own bin/. */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "baton.h"

const char *libexec_dir(void)
{
	static char dir[PATH_MAX + 32];
	char self[PATH_MAX];
	ssize_t n;
	char *slash;

	if (dir[0])
		return dir;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return "/usr/local/libexec/baton";
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (slash)
		*slash = '\0';
	slash = strrchr(self, '/');
	if (slash)
		*slash = '\0';
	snprintf(dir, sizeof(dir), "%s/libexec/baton", self);
	return dir;
}
