/*
 * sd_notify through baton, as crun does it: the container gets the
 * directory STATE/notify (bound at /run/notify, NOTIFY_SOCKET=/run/notify/
 * notify), never the caller's socket. The command that lets the program run
 * (`start`, or `run`) binds the socket there before the program can send,
 * waits for READY=1 (or the end of the container) and tells the caller's
 * NOTIFY_SOCKET "READY=1" with MAINPID, the container process. It is a
 * host process outside the container's cgroup: nothing of it stays there.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "baton.h"
#include "cleanup.h"
#include "fdenv.h"
#include "log.h"

const char *notify_caller_socket(void)
{
	const char *s = getenv("NOTIFY_SOCKET");

	return s && s[0] == '/' ? s : NULL;
}

int notify_dir_make(const struct container *c, struct stage_error *err)
{
	if (mkdirat(c->dirfd, "notify", 0755) < 0 && errno != EEXIST)
		return stage_fail(err, errno, "create `%s/notify`", c->dir);
	return 0;
}

int notify_proxy_bind(const struct container *c, struct stage_error *err)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	autoclose int dir =
	    openat(c->dirfd, "notify", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int sock;

	if (dir < 0)
		return errno == ENOENT ? -2 : stage_fail(err, errno, "open `%s/notify`", c->dir);
	/* through the fd: the state path may be longer than sun_path */
	snprintf(addr.sun_path, sizeof(addr.sun_path), "/proc/self/fd/%d/notify", dir);
	unlinkat(dir, "notify", 0);
	sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (sock < 0)
		return stage_fail(err, errno, "notify socket");
	/* any user of the container may tell READY */
	if (bind(sock, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    fchmodat(dir, "notify", 0777, 0) < 0) {
		stage_fail(err, errno, "bind the notify socket in `%s/notify`", c->dir);
		close(sock);
		return -1;
	}
	return sock;
}

static void tell_caller(const char *caller, pid_t pid)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	autoclose int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	char msg[64];
	int n = snprintf(msg, sizeof(msg), "READY=1\nMAINPID=%d\n", (int)pid);

	if (strlen(caller) >= sizeof(addr.sun_path)) {
		log_warning("NOTIFY_SOCKET `%s`: longer than a socket path", caller);
		return;
	}
	strcpy(addr.sun_path, caller);
	if (fd < 0 ||
	    sendto(fd, msg, (size_t)n, MSG_NOSIGNAL, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		log_warning("NOTIFY_SOCKET `%s`: cannot pass READY=1 on: %s", caller,
			    strerror(errno));
}

void notify_proxy_wait(int sock, const struct container *c, const char *caller)
{
	char buf[4096];

	for (;;) {
		struct pollfd pfd = {.fd = sock, .events = POLLIN};
		ssize_t n;

		/* a container that ends without READY ends the wait too */
		if (poll(&pfd, 1, 100) == 0) {
			if (!pid_alive(c->pid, c->pid_start))
				return;
			continue;
		}
		n = recv(sock, buf, sizeof(buf) - 1, 0);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0)
			return;
		buf[n] = '\0';
		/* one message may carry several lines: STATUS=..., READY=1 */
		for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
			if (strcmp(line, "READY=1") == 0) {
				tell_caller(caller, c->pid);
				return;
			}
	}
}

void notify_proxy_detach(int sock, const struct container *c, const char *caller)
{
	struct stage_error ignored;
	int keep[1] = {sock};
	pid_t pid = fork();

	if (pid < 0) {
		log_warning("NOTIFY_SOCKET: cannot wait for READY=1: %s", strerror(errno));
		return;
	}
	if (pid > 0)
		return;
	/* no lock of the state nor the terminal: only the socket stays with us */
	close_fds_except(keep, 1, 0, &ignored);
	notify_proxy_wait(sock, c, caller);
	_exit(0);
}
