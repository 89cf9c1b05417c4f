/*
 * notify-recv: an sd_notify listener for the tests. Binds a datagram socket
 * and prints the first message that arrives.
 *
 *   notify-recv SOCKET
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

int main(int argc, char **argv)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	char buf[4096];
	ssize_t n;
	int sock;

	if (argc != 2 || strlen(argv[1]) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "usage: notify-recv SOCKET\n");
		return 2;
	}
	strcpy(addr.sun_path, argv[1]);
	sock = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (sock < 0 || bind(sock, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		perror("notify-recv");
		return 1;
	}
	n = recv(sock, buf, sizeof(buf) - 1, 0);
	if (n < 0) {
		perror("notify-recv");
		return 1;
	}
	buf[n] = '\0';
	printf("%s\n", buf);
	return 0;
}
