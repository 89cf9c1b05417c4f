/*
 * What the container process gets from us besides the plan: its terminal
 * (a console socket, or our end when we attach the caller's terminal), the
 * caller's socket-activation fds and sd_notify socket, the hooks' state, what
 * host stages made for it (idmapped mounts), and for the engine a pidfd of it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "fdenv.h"
#include "pipeline_int.h"
#include "record.h"
#include "stage.h"
#include "strbuf.h"

int memfd_for_stage(const char *name, struct stage_error *err)
{
	int fd = (int)syscall(SYS_memfd_create, name, MFD_CLOEXEC | MFD_ALLOW_SEALING);

	if (fd < 0)
		return stage_fail(err, errno, "memfd_create `%s`", name);
	return fd;
}

/*
 * What the caller hands through to the process: socket activation's fds
 * (LISTEN_FDS, crun adds them to --preserve-fds) and, for a NOTIFY_SOCKET,
 * the state's notify directory that mount-rootfs binds into the container.
 */
int caller_passthrough(struct pipeline *p, struct stage_error *err)
{
	const char *listen = getenv("LISTEN_FDS");

	if (listen && *listen) {
		char *end;
		unsigned long n = strtoul(listen, &end, 10);

		if (*end || n > 1024)
			return stage_fail(err, 0, "LISTEN_FDS: `%s` is not a number of fds",
					  listen);
		for (unsigned long fd = 3; fd < 3 + n; fd++)
			if (fcntl((int)fd, F_GETFD) < 0)
				return stage_fail(err, EBADF, "LISTEN_FDS=%lu: fd %lu is not open",
						  n, fd);
		p->listen_fds = (unsigned)n;
	}
	p->preserve_fds = p->listen_fds + p->o->preserve_fds;
	if (!notify_caller_socket() || p->mode == MODE_EXEC)
		return 0;
	/* the container gets a socket of ours, notify_proxy.c; run binds it now */
	if (notify_dir_make(p->c, err) < 0)
		return -1;
	snprintf(p->env_notify, sizeof(p->env_notify), "BATON_NOTIFY_DIR=%s/notify", p->c->dir);
	if (p->mode == MODE_RUN && (p->notify_fd = notify_proxy_bind(p->c, err)) < 0)
		return -1;
	return 0;
}

/* run.oci.pidfd_receiver: a pidfd of the container process goes to that socket. */
int send_pidfd(const struct pipeline *p, struct stage_error *err)
{
	const char *path = plan_annotation(&p->plan, "run.oci.pidfd_receiver");
	autoclose int sock = -1;
	autoclose int pidfd = -1;

	if (!path || p->mode == MODE_EXEC)
		return 0;
	pidfd = (int)syscall(SYS_pidfd_open, p->pid, 0);
	if (pidfd < 0)
		return stage_fail(err, errno, "run.oci.pidfd_receiver: pidfd of %d", (int)p->pid);
	sock = unix_connect(path, "run.oci.pidfd_receiver", err);
	if (sock < 0)
		return -1;
	return record_send(sock, REC_FD, "pidfd", 5, &pidfd, 1, err);
}

/*
 * process.terminal: final-exec sends the pty master to the engine's
 * --console-socket, or to us when run/exec attach the caller's terminal.
 */
int open_console(struct pipeline *p, struct stage_error *err)
{
	int sv[2];

	if (p->o->console_socket)
		return (p->console_fd =
			    unix_connect(p->o->console_socket, "the console socket", err)) < 0
			   ? -1
			   : 0;
	if (p->mode == MODE_CREATE || p->o->detach)
		return stage_fail(err, 0, "process.terminal needs --console-socket with %s",
				  p->mode == MODE_CREATE ? "create" : "--detach");
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return stage_fail(err, errno, "socketpair for the terminal");
	p->console_fd = sv[0];
	p->console_recv = sv[1];
	/* the pty starts with the caller's size, before the process can ask for it */
	struct winsize ws;
	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row)
		snprintf(p->env_console_size, sizeof(p->env_console_size),
			 "BATON_CONSOLE_SIZE=%u,%u", ws.ws_row, ws.ws_col);
	return 0;
}

int write_hook_state(struct pipeline *p, struct stage_error *err)
{
	autostrbuf struct strbuf sb = {0};
	struct container c = *p->c;

	c.pid = p->pid;
	/* prestart, createRuntime, createContainer, startContainer: crun says created */
	oci_state_json(&sb, &c, "created", &p->plan, "");
	if (write(p->state_fd, sb.data, sb.len) != (ssize_t)sb.len)
		return stage_fail(err, errno, "write the hooks' state");
	return memfd_seal(p->state_fd, err);
}

/*
 * A host stage can make something only the container can use (idmap-mounts:
 * detached mounts). It leaves each as an FD record on its sync socket and
 * exits; the records wait in the socket until we read them here. Non-blocking:
 * a process the stage left behind may still hold its end.
 */
int keep_stage_fds(struct pipeline *p, int stage_sync, const char *stage, struct stage_error *err)
{
	struct stage_error e;
	struct record rec;
	int ret;

	if (fcntl(stage_sync, F_SETFL, O_NONBLOCK) < 0)
		return stage_fail(err, errno, "sync socket of `%s`", stage);
	while ((ret = record_recv(stage_sync, &rec, &e)) > 0) {
		if (rec.tag != REC_FD || rec.nfds != 1 || p->nforward == MAX_FORWARD ||
		    rec.len >= sizeof(p->forward_name[0])) {
			for (unsigned i = 0; i < rec.nfds; i++)
				close(rec.fds[i]);
			return stage_fail(err, EPROTO, "stage `%s` left an unexpected %s record",
					  stage, record_tag_name(rec.tag));
		}
		p->forward_fd[p->nforward] = rec.fds[0];
		memcpy(p->forward_name[p->nforward], rec.payload, rec.len);
		p->forward_name[p->nforward++][rec.len] = '\0';
	}
	if (ret < 0 && e.errnum != EAGAIN) {
		*err = e;
		return -1;
	}
	return 0;
}

int forward_stage_fds(struct pipeline *p, struct stage_error *err)
{
	for (unsigned i = 0; i < p->nforward; i++) {
		const char *name = p->forward_name[i];

		stage_debug("pass %s on to the container", name);
		if (record_send(p->sync[0], REC_FD, name, strlen(name), &p->forward_fd[i], 1, err) <
		    0)
			return -1;
	}
	close_forwarded_fds(p);
	return 0;
}

void close_forwarded_fds(struct pipeline *p)
{
	for (unsigned i = 0; i < p->nforward; i++)
		close(p->forward_fd[i]);
	p->nforward = 0;
}
