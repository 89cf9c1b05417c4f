/*
 * How `start` learns whether the container's program was executed. After
 * the start byte final-exec has its last steps to do (startContainer hooks,
 * the seccomp filter, execve) and nobody reads its sync socket any more:
 * it writes a failure as one struct stage_error into `exec.result`, and its
 * execve closes the fifo (close-on-exec), which `start` reads as EOF.
 * schemas/protocol.md, "The exec fifo".
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "baton.h"

int start_result_open(const struct container *c)
{
	/* non-blocking: opening a fifo for reading otherwise waits for a writer */
	return openat(c->dirfd, "exec.result", O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
}

int start_result_wait(int fd, const char *id, struct stage_error *err)
{
	struct stage_error got;
	size_t have = 0;

	for (;;) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		ssize_t n = read(fd, (char *)&got + have, sizeof(got) - have);

		if (n > 0 && (have += (size_t)n) == sizeof(got))
			break;
		/* no writer left: final-exec exec'd (or died) without a record */
		if (n == 0)
			return have == 0
				   ? 0
				   : stage_fail(err, EPROTO,
						"container `%s`: a short start result (%zu bytes)",
						id, have);
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return stage_fail(err, errno, "container `%s`: read the start result", id);
		if (n < 0 && errno == EAGAIN && poll(&pfd, 1, -1) < 0 && errno != EINTR)
			return stage_fail(err, errno, "container `%s`: wait for the start result",
					  id);
	}
	got.stage[sizeof(got.stage) - 1] = '\0';
	got.msg[sizeof(got.msg) - 1] = '\0';
	*err = got;
	return -1;
}
