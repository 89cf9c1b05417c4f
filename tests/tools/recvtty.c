/*
 * recvtty: a console-socket receiver for the tests, like an engine's.
 *
 *   recvtty SOCKET OUTPUT [INPUT]
 *
 * Listens on SOCKET, takes the pty master of one container, writes INPUT
 * (if given) to it, and copies everything the container writes to OUTPUT
 * until the terminal closes. Prints the pty name it was sent on stdout.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int die(const char *what)
{
	fprintf(stderr, "recvtty: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int receive_master(int conn, char *name, size_t size)
{
	char control[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {.iov_base = name, .iov_len = size - 1};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = control,
			     .msg_controllen = sizeof(control)};
	struct cmsghdr *cmsg;
	ssize_t n = recvmsg(conn, &msg, 0);
	int fd;

	if (n < 0)
		die("recvmsg");
	name[n] = '\0';
	cmsg = CMSG_FIRSTHDR(&msg);
	if (!cmsg || cmsg->cmsg_type != SCM_RIGHTS) {
		fprintf(stderr, "recvtty: no fd received\n");
		exit(1);
	}
	memcpy(&fd, CMSG_DATA(cmsg), sizeof(fd));
	return fd;
}

int main(int argc, char **argv)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	char name[256], buf[4096];
	int sock, conn, master, out;
	ssize_t n;

	if (argc < 3 || strlen(argv[1]) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "usage: recvtty SOCKET OUTPUT [INPUT]\n");
		return 2;
	}
	strcpy(addr.sun_path, argv[1]);
	sock = socket(AF_UNIX, SOCK_STREAM, 0);
	if (sock < 0 || bind(sock, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    listen(sock, 1) < 0)
		die("listen");
	conn = accept(sock, NULL, NULL);
	if (conn < 0)
		die("accept");
	master = receive_master(conn, name, sizeof(name));
	printf("%s\n", name);
	fflush(stdout);
	out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (out < 0)
		die("open output");
	if (argc > 3 && write(master, argv[3], strlen(argv[3])) < 0)
		die("write input");
	/* EIO: every process holding the terminal's other side is gone */
	while ((n = read(master, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			die("write output");
	return 0;
}
