/*
 * seccomp-agent: the receiving end of linux.seccomp.listenerPath (and of
 * run.oci.seccomp.receiver), for the tests. It accepts COUNT connections on
 * a unix socket; from each it takes the container process state (the
 * message, read to EOF) and the listener fd (SCM_RIGHTS), and writes
 * OUTDIR/state.N and OUTDIR/fds.N (what each received fd is). Then it
 * answers the notifications of every listener until all of them hang up:
 * mkdir and mkdirat get the answer of --mkdir (an errno number, or `fake`:
 * success without making anything), every other syscall goes on as if
 * unfiltered. Each notification is a line of OUTDIR/log: `NAME PATH PID` for
 * mkdir, `syscall NR` for the rest.
 *
 *   seccomp-agent [--mkdir ERRNO|fake] [--count N] SOCKET OUTDIR
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_LISTENERS 8
#define MAX_FDS	      4

struct agent {
	const char *outdir;
	int mkdir_errno; /* -1: fake success */
	FILE *log;
};

static int die(const char *what)
{
	fprintf(stderr, "seccomp-agent: %s: %s\n", what, strerror(errno));
	exit(1);
}

static FILE *open_out(const struct agent *a, const char *name, unsigned n)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.%u", a->outdir, name, n);
	f = fopen(path, "w");
	if (!f)
		die(path);
	return f;
}

/* One connection: the whole message into state.N, the fds into fds.N. */
static int receive(const struct agent *a, int conn, unsigned n)
{
	char buf[65536], control[CMSG_SPACE(MAX_FDS * sizeof(int))];
	int fds[MAX_FDS], nfds = 0, listener = -1;
	FILE *state = open_out(a, "state", n), *desc;
	ssize_t got;

	for (;;) {
		struct iovec iov = {.iov_base = buf, .iov_len = sizeof(buf)};
		struct msghdr msg = {.msg_iov = &iov,
				     .msg_iovlen = 1,
				     .msg_control = control,
				     .msg_controllen = sizeof(control)};

		got = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			die("recvmsg");
		if (got == 0)
			break;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
			if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
				continue;
			for (size_t i = 0;
			     i < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int) && nfds < MAX_FDS; i++)
				memcpy(&fds[nfds++], CMSG_DATA(c) + i * sizeof(int), sizeof(int));
		}
		fwrite(buf, 1, (size_t)got, state);
	}
	fclose(state);
	close(conn);
	desc = open_out(a, "fds", n);
	for (int i = 0; i < nfds; i++) {
		char path[64], link[256];
		ssize_t len;

		snprintf(path, sizeof(path), "/proc/self/fd/%d", fds[i]);
		len = readlink(path, link, sizeof(link) - 1);
		link[len < 0 ? 0 : len] = '\0';
		fprintf(desc, "%s\n", link);
		if (strstr(link, "seccomp") && listener < 0)
			listener = fds[i];
		else
			close(fds[i]);
	}
	fclose(desc);
	return listener;
}

/* The path argument of a mkdir, read from the caller's memory. */
static void read_path(const struct seccomp_notif *req, uint64_t addr, char *out, size_t size)
{
	char mem[64];
	int fd;
	ssize_t n;

	snprintf(mem, sizeof(mem), "/proc/%u/mem", req->pid);
	fd = open(mem, O_RDONLY | O_CLOEXEC);
	n = fd < 0 ? -1 : pread(fd, out, size - 1, (off_t)addr);
	if (fd >= 0)
		close(fd);
	out[n < 0 ? 0 : n] = '\0';
}

static void answer(const struct agent *a, int listener)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;
	char path[256];

	memset(&req, 0, sizeof(req));
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
		if (errno == ENOENT || errno == EINTR)
			return; /* the caller went away meanwhile */
		die("SECCOMP_IOCTL_NOTIF_RECV");
	}
	memset(&resp, 0, sizeof(resp));
	resp.id = req.id;
	if (req.data.nr == SYS_mkdir || req.data.nr == SYS_mkdirat) {
		read_path(&req, req.data.args[req.data.nr == SYS_mkdir ? 0 : 1], path,
			  sizeof(path));
		fprintf(a->log, "%s %s %u\n", req.data.nr == SYS_mkdir ? "mkdir" : "mkdirat", path,
			req.pid);
		resp.error = a->mkdir_errno > 0 ? -a->mkdir_errno : 0;
	} else {
		fprintf(a->log, "syscall %d\n", req.data.nr);
		resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	}
	fflush(a->log);
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 && errno != ENOENT)
		die("SECCOMP_IOCTL_NOTIF_SEND");
}

/*
 * Accept COUNT connections and serve every listener received, until the
 * processes under each of them are gone.
 */
static void serve(const struct agent *a, int sock, unsigned count)
{
	struct pollfd pfd[MAX_LISTENERS + 1] = {{.fd = sock, .events = POLLIN}};
	unsigned n = 0, open = 0;

	while (n < count || open > 0) {
		if (poll(pfd, n + 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		for (unsigned i = 1; i <= n; i++) {
			if (pfd[i].fd < 0 || !pfd[i].revents)
				continue;
			if (pfd[i].revents & POLLIN) {
				answer(a, pfd[i].fd);
			} else {
				close(pfd[i].fd);
				pfd[i].fd = -1;
				open--;
			}
		}
		if (pfd[0].revents & POLLIN) {
			int conn = accept4(sock, NULL, NULL, SOCK_CLOEXEC);

			if (conn < 0)
				die("accept");
			n++;
			pfd[n] = (struct pollfd){.fd = receive(a, conn, n), .events = POLLIN};
			if (pfd[n].fd < 0) {
				fprintf(stderr, "seccomp-agent: connection %u: no listener fd\n",
					n);
				exit(1);
			}
			open++;
			/* the last one: stop listening */
			if (n == count)
				pfd[0].fd = -1;
		}
	}
}

static int listen_on(const char *path)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	int sock;

	if (strlen(path) >= sizeof(addr.sun_path)) {
		errno = ENAMETOOLONG;
		die(path);
	}
	strcpy(addr.sun_path, path);
	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0 || bind(sock, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    listen(sock, MAX_LISTENERS) < 0)
		die(path);
	return sock;
}

int main(int argc, char **argv)
{
	struct agent a = {.mkdir_errno = 0};
	int sock, i = 1;
	unsigned count = 1;
	char logpath[4096];

	for (; i + 1 < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
		if (strcmp(argv[i], "--mkdir") == 0)
			a.mkdir_errno = strcmp(argv[i + 1], "fake") == 0 ? -1 : atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--count") == 0)
			count = (unsigned)atoi(argv[i + 1]);
	}
	if (argc - i != 2 || count < 1 || count > MAX_LISTENERS) {
		fprintf(stderr, "usage: seccomp-agent [--mkdir ERRNO|fake] [--count N] SOCKET "
				"OUTDIR\n");
		return 2;
	}
	a.outdir = argv[i + 1];
	snprintf(logpath, sizeof(logpath), "%s/log", a.outdir);
	a.log = fopen(logpath, "w");
	if (!a.log)
		die(logpath);
	sock = listen_on(argv[i]);
	serve(&a, sock, count);
	return 0;
}
