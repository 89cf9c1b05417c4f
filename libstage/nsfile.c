/* Another process's namespace file, and whether it is ours (nsfile.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nsfile.h"

int ns_open_of(pid_t pid, const char *name, const char *what, bool *ours, struct stage_error *err)
{
	char theirs_path[64], ours_path[64];
	struct stat theirs, own;
	int fd;

	snprintf(theirs_path, sizeof(theirs_path), "/proc/%d/ns/%s", (int)pid, name);
	snprintf(ours_path, sizeof(ours_path), "/proc/self/ns/%s", name);
	fd = open(theirs_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return stage_fail(err, errno, "%s: open `%s`", what, theirs_path);
	if (fstat(fd, &theirs) < 0 || stat(ours_path, &own) < 0) {
		stage_fail(err, errno, "%s: stat `%s` and `%s`", what, theirs_path, ours_path);
		close(fd);
		return -1;
	}
	*ours = theirs.st_ino == own.st_ino && theirs.st_dev == own.st_dev;
	return fd;
}
