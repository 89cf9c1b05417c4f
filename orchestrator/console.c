/*
 * Terminals: connecting to an engine's console socket, receiving the pty
 * master final-exec sends, and, for `run -t`/`exec -t` without a socket,
 * attaching the caller's own terminal to it until the process exits.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "baton.h"
#include "cleanup.h"

int unix_connect(const char *path, const char *what, struct stage_error *err)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	int fd;

	if (strlen(path) >= sizeof(addr.sun_path))
		return stage_fail(err, ENAMETOOLONG, "%s `%s`", what, path);
	strcpy(addr.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return stage_fail(err, errno, "%s: socket", what);
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		stage_fail(err, errno, "connect to %s `%s`", what, path);
		close(fd);
		return -1;
	}
	return fd;
}

int console_receive(int sock, struct stage_error *err)
{
	char name[128], control[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {.iov_base = name, .iov_len = sizeof(name)};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = control,
			     .msg_controllen = sizeof(control)};
	struct cmsghdr *cmsg;
	int fd;

	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) <= 0)
		return stage_fail(err, errno ? errno : EPIPE, "receive the terminal");
	cmsg = CMSG_FIRSTHDR(&msg);
	if (!cmsg || cmsg->cmsg_type != SCM_RIGHTS)
		return stage_fail(err, EPROTO, "receive the terminal: no fd");
	memcpy(&fd, CMSG_DATA(cmsg), sizeof(fd));
	return fd;
}

static volatile sig_atomic_t winch;

static void on_winch(int sig)
{
	(void)sig;
	winch = 1;
}

static void copy_size(int from, int to)
{
	struct winsize ws;

	if (ioctl(from, TIOCGWINSZ, &ws) == 0)
		ioctl(to, TIOCSWINSZ, &ws);
}

/* Move what is there from one fd to the other; false at EOF or error. */
static bool pump(int from, int to)
{
	char buf[8192];
	ssize_t n = read(from, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0)
		return false;
	for (ssize_t off = 0; off < n;) {
		ssize_t w = write(to, buf + off, (size_t)(n - off));

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return false;
		off += w;
	}
	return true;
}

int console_attach(int master, pid_t pid)
{
	autoclose int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	struct sigaction sa = {.sa_handler = on_winch};
	struct termios saved, raw;
	bool tty = tcgetattr(STDIN_FILENO, &saved) == 0, in_open = true, out_open = true;

	forward_signals_to(pid);
	sigaction(SIGWINCH, &sa, NULL);
	if (tty) {
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
		copy_size(STDIN_FILENO, master);
	}
	while (out_open) {
		struct pollfd fds[3] = {{.fd = master, .events = POLLIN},
					{.fd = pidfd, .events = POLLIN},
					{.fd = in_open ? STDIN_FILENO : -1, .events = POLLIN}};

		if (winch) {
			winch = 0;
			copy_size(STDIN_FILENO, master);
		}
		if (poll(fds, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (fds[0].revents)
			out_open = pump(master, STDOUT_FILENO);
		if (fds[2].revents && !pump(STDIN_FILENO, master))
			in_open = false;
		if (fds[1].revents) {
			/* the process is gone: what it wrote last is still in the pty */
			fcntl(master, F_SETFL, O_NONBLOCK);
			while (pump(master, STDOUT_FILENO))
				if (errno == EAGAIN)
					break;
			break;
		}
	}
	if (tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	close(master);
	return wait_exit_code(pid);
}
