/*
 * recvfd: accept one connection on a unix socket, take the fd sent on it
 * and print what it is: its /proc/self/fd link and, for a pidfd, the pid.
 *
 *   recvfd SOCKET
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	char buf[4096], control[CMSG_SPACE(sizeof(int))], path[64], link[256], line[256];
	struct iovec iov = {.iov_base = buf, .iov_len = sizeof(buf)};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = control,
			     .msg_controllen = sizeof(control)};
	struct cmsghdr *cmsg;
	int sock, conn, fd;
	ssize_t n;
	FILE *info;

	if (argc != 2 || strlen(argv[1]) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "usage: recvfd SOCKET\n");
		return 2;
	}
	strcpy(addr.sun_path, argv[1]);
	sock = socket(AF_UNIX, SOCK_STREAM, 0);
	if (sock < 0 || bind(sock, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    listen(sock, 1) < 0 || (conn = accept(sock, NULL, NULL)) < 0 ||
	    recvmsg(conn, &msg, 0) < 0) {
		perror("recvfd");
		return 1;
	}
	cmsg = CMSG_FIRSTHDR(&msg);
	if (!cmsg || cmsg->cmsg_type != SCM_RIGHTS) {
		fprintf(stderr, "recvfd: no fd received\n");
		return 1;
	}
	memcpy(&fd, CMSG_DATA(cmsg), sizeof(fd));
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, link, sizeof(link) - 1);
	link[n < 0 ? 0 : n] = '\0';
	printf("%s\n", link);
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	info = fopen(path, "r");
	while (info && fgets(line, sizeof(line), info))
		if (strncmp(line, "Pid:", 4) == 0)
			fputs(line, stdout);
	return 0;
}
