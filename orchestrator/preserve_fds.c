/*
 * --preserve-fds N: the caller's fds 3..N+2 go to the container as they are.
 * N larger than what is open passes the ones that are open (crun): the range
 * ends at the highest fd open when baton started. A closed fd below that is
 * held by /dev/null from the start, before baton opens anything (its log
 * first), so that none of baton's own fds can take its number and reach the
 * container; the process finds /dev/null there.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "baton.h"

#define PRESERVE_FDS_MAX 1024

static long scanned = -1; /* N as found on the command line at start, or -1 */
static unsigned open_end; /* fds 3..open_end+2 are the range that reaches the container */

static bool fd_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

static long parse_count(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	return !*s || *end || v < 0 || v > PRESERVE_FDS_MAX ? -1 : v;
}

/* The highest open fd of 3..3+n-1, as a count from 3 (0: none open). */
static unsigned open_count(long n)
{
	for (long fd = 3 + n - 1; fd >= 3; fd--)
		if (fd_open((int)fd))
			return (unsigned)(fd - 2);
	return 0;
}

void preserve_fds_reserve(int argc, char **argv)
{
	for (int i = 1; i < argc && scanned < 0; i++) {
		if (strcmp(argv[i], "--preserve-fds") == 0 && i + 1 < argc)
			scanned = parse_count(argv[i + 1]);
		else if (strncmp(argv[i], "--preserve-fds=", 15) == 0)
			scanned = parse_count(argv[i] + 15);
	}
	if (scanned <= 0)
		return;
	open_end = open_count(scanned);
	for (int fd = 3; fd < 3 + (int)open_end; fd++) {
		int null;

		if (fd_open(fd) || (null = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0)
			continue;
		/* the lowest free number is this hole: open put it there already */
		if (null != fd) {
			dup3(null, fd, O_CLOEXEC);
			close(null);
		}
	}
}

int parse_preserve_fds(const char *s, unsigned *n, struct stage_error *err)
{
	long v = parse_count(s);

	if (v < 0)
		return stage_fail(err, EINVAL, "--preserve-fds: invalid number `%s`", s);
	*n = v == scanned ? open_end : open_count(v);
	return 0;
}
