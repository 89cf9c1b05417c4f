/*
 * notify-recv: an sd_notify listener for the tests. Binds a datagram socket
 * and prints the first COUNT messages that arrive (default 1), one a line.
 *
 *   notify-recv SOCKET [COUNT]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

int main(int argc, char **argv)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	char buf[4096];
	long count = argc == 3 ? strtol(argv[2], NULL, 10) : 1;
	int sock;

	if (argc < 2 || argc > 3 || count < 1 || strlen(argv[1]) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "usage: notify-recv SOCKET [COUNT]\n");
		return 2;
	}
	strcpy(addr.sun_path, argv[1]);
	sock = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (sock < 0 || bind(sock, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		perror("notify-recv");
		return 1;
	}
	while (count-- > 0) {
		ssize_t n = recv(sock, buf, sizeof(buf) - 1, 0);

		if (n < 0) {
			perror("notify-recv");
			return 1;
		}
		buf[n] = '\0';
		printf("%s\n", buf);
		fflush(stdout);
	}
	return 0;
}
