/*
 * process.terminal: a pty made inside the container's own devpts, its master
 * sent to whoever waits on the console socket (an engine's --console-socket,
 * or the orchestrator itself for `run -t`), its slave the controlling
 * terminal and stdio of the process, and /dev/console for create/run.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "cleanup.h"
#include "stage.h"
#include "terminal.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

/* The master travels with the pty's name as payload, as runc and crun send it. */
static int send_master(int sock, int master, const char *name, struct stage_error *err)
{
	char control[CMSG_SPACE(sizeof(int))] = {0};
	struct iovec iov = {.iov_base = (void *)name, .iov_len = strlen(name)};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = control,
			     .msg_controllen = sizeof(control)};
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);

	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &master, sizeof(int));
	if (sendmsg(sock, &msg, MSG_NOSIGNAL) < 0)
		return stage_fail(err, errno, "send the terminal to the console socket");
	return 0;
}

/* The caller's own terminal size (run/exec -t attached) wins over consoleSize. */
static int set_size(int slave, const struct plan *plan, struct stage_error *err)
{
	const struct plan_entry *e = plan_get(plan, "process.console-size");
	const char *caller = getenv("BATON_CONSOLE_SIZE");
	struct winsize ws = {0};
	uint64_t rows, cols;

	if (caller && sscanf(caller, "%hu,%hu", &ws.ws_row, &ws.ws_col) == 2) {
		if (ioctl(slave, TIOCSWINSZ, &ws) < 0)
			return stage_fail(err, errno, "set the terminal size");
		return 0;
	}
	if (!e)
		return 0;
	if (plan_field_u64(e, 0, &rows, err) < 0 || plan_field_u64(e, 1, &cols, err) < 0)
		return -1;
	ws.ws_row = (unsigned short)rows;
	ws.ws_col = (unsigned short)cols;
	if (ioctl(slave, TIOCSWINSZ, &ws) < 0)
		return stage_fail(err, errno, "set the terminal size");
	return 0;
}

/* /dev/console is the container's terminal (runtime-spec, "Default devices"). */
static int bind_console(const char *pts, struct stage_error *err)
{
	autoclose int fd = open("/dev/console", O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0)
		return stage_fail(err, errno, "create `/dev/console`");
	if (mount(pts, "/dev/console", NULL, MS_BIND, NULL) < 0)
		return stage_fail(err, errno, "bind `%s` on `/dev/console`", pts);
	return 0;
}

int terminal_setup(const struct plan *plan, int console, bool exec, uid_t uid,
		   struct stage_error *err)
{
	autoclose int master = -1;
	autoclose int slave = -1;
	char name[64];
	unsigned n;
	int unlock = 0;

	if (!plan_flag(plan, "process.terminal"))
		return 0;
	if (console < 0)
		return stage_fail(err, 0,
				  "process.terminal needs a console socket "
				  "(--console-socket, or run or exec in the foreground)");
	master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return stage_fail(err, errno, "open `/dev/ptmx`");
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0 || ioctl(master, TIOCGPTN, &n) < 0)
		return stage_fail(err, errno, "unlock the terminal");
	snprintf(name, sizeof(name), "/dev/pts/%u", n);
	/* the peer ioctl opens the slave of this very master, whatever /dev/pts shows */
	slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY);
	if (slave < 0)
		return stage_fail(err, errno, "open the terminal `%s`", name);
	if (fchown(slave, uid, (gid_t)-1) < 0 && errno != EINVAL)
		return stage_fail(err, errno, "chown `%s`", name);
	if (set_size(slave, plan, err) < 0 || (!exec && bind_console(name, err) < 0) ||
	    send_master(console, master, name, err) < 0)
		return -1;
	if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) < 0)
		return stage_fail(err, errno, "make `%s` the controlling terminal", name);
	for (int fd = 0; fd < 3; fd++)
		if (dup2(slave, fd) < 0)
			return stage_fail(err, errno, "terminal as fd %d", fd);
	stage_debug("terminal %s", name);
	return 0;
}
