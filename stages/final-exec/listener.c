#include "listener.h"

#include <errno.h>
#include <linux/futex.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fdenv.h"
#include "stage.h"

#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4)
#endif

/* The handover word the helper watches: the listener fd, or one of these. */
#define HANDOVER_WAITING   (-1)
#define HANDOVER_ABANDONED (-2)

static int read_state(struct listener_receiver *r, int fd, struct stage_error *err)
{
	struct stat st;
	size_t got = 0;

	if (fstat(fd, &st) < 0)
		return stage_fail(err, errno, "BATON_FD_SECCOMP_STATE: fd %d", fd);
	if (st.st_size <= 0)
		return stage_fail(err, EINVAL, "BATON_FD_SECCOMP_STATE: fd %d is empty", fd);
	r->len = (size_t)st.st_size;
	r->state = malloc(r->len);
	if (!r->state)
		return stage_fail(err, ENOMEM, "read the seccomp receiver's state");
	while (got < r->len) {
		ssize_t n = pread(fd, r->state + got, r->len - got, (off_t)got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return stage_fail(err, n < 0 ? errno : EIO,
					  "read the seccomp receiver's state");
		got += (size_t)n;
	}
	return 0;
}

int listener_receiver_load(struct listener_receiver *r, struct stage_error *err)
{
	int state;

	memset(r, 0, sizeof(*r));
	r->sock = stage_fd_opt("BATON_FD_SECCOMP_RECEIVER", FD_KIND_SOCKET, err);
	if (r->sock == -1)
		return -1;
	if (r->sock == FD_ABSENT) {
		r->sock = -1;
		return 0;
	}
	state = stage_fd("BATON_FD_SECCOMP_STATE", FD_KIND_SEALED_MEMFD, err);
	if (state < 0 || read_state(r, state, err) < 0)
		return -1;
	close(state);
	return 0;
}

void listener_receiver_release(struct listener_receiver *r)
{
	if (r->sock >= 0)
		close(r->sock);
	free(r->state);
	memset(r, 0, sizeof(*r));
	r->sock = -1;
}

static long futex(int *word, int op, int val, const struct timespec *timeout)
{
	return syscall(SYS_futex, word, op, val, timeout, NULL, 0);
}

/* The state as the message, the listener by SCM_RIGHTS; 0 or an errno. */
static int send_listener(const struct listener_receiver *r, int listener)
{
	char control[CMSG_SPACE(sizeof(int))] = {0};
	struct iovec iov = {.iov_base = r->state, .iov_len = r->len};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = control,
			     .msg_controllen = sizeof(control)};
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
	size_t sent = 0;

	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &listener, sizeof(int));
	while (sent < r->len) {
		ssize_t n = sendmsg(r->sock, &msg, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno;
		/* a stream socket may take the message in parts: the fd went with the first */
		sent += (size_t)n;
		iov.iov_base = r->state + sent;
		iov.iov_len = r->len - sent;
		msg.msg_control = NULL;
		msg.msg_controllen = 0;
	}
	return 0;
}

/*
 * The helper: shares our fd table, has no filter. It waits for the listener
 * fd to appear in the shared word, sends it and closes both our copies (in
 * the shared table), so that the filtered process makes no syscall for it.
 * The wait has a short timeout because our wake-up is a syscall the filter
 * may hold until the agent, which needs this helper first, answers it.
 */
__attribute__((noreturn)) static void run_helper(int *word, pid_t parent,
						 const struct listener_receiver *r)
{
	const struct timespec slice = {.tv_sec = 0, .tv_nsec = 10 * 1000 * 1000};
	int fd, rc;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(ECHILD);
	while ((fd = __atomic_load_n(word, __ATOMIC_ACQUIRE)) == HANDOVER_WAITING)
		futex(word, FUTEX_WAIT, HANDOVER_WAITING, &slice);
	rc = fd == HANDOVER_ABANDONED ? 0 : send_listener(r, fd);
	if (fd >= 0)
		close(fd);
	close(r->sock);
	_exit(rc);
}

/* The helper's verdict: 0, or an errno describing why the listener did not go. */
static int reap_helper(pid_t helper)
{
	int status;

	while (waitpid(helper, &status, 0) < 0)
		if (errno != EINTR)
			return errno;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return EPIPE;
}

int listener_install(const struct bpf_filter *filter, unsigned flags, struct listener_receiver *r,
		     struct stage_error *err)
{
	struct sock_fprog prog = {.len = filter->len, .filter = filter->insns};
	pid_t parent = getpid(), helper;
	int *word, listener, saved, rc;

	/* one thread here; TSYNC alone would make the listener fd ambiguous */
	flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
	if (flags & SECCOMP_FILTER_FLAG_TSYNC)
		flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
	word = mmap(NULL, sizeof(*word), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (word == MAP_FAILED)
		return stage_fail(err, errno, "seccomp listener: shared page");
	*word = HANDOVER_WAITING;
	helper = (pid_t)syscall(SYS_clone, CLONE_FILES | SIGCHLD, 0, NULL, NULL, 0);
	if (helper < 0) {
		stage_fail(err, errno, "seccomp listener: clone the helper");
		munmap(word, sizeof(*word));
		return -1;
	}
	if (helper == 0)
		run_helper(word, parent, r);

	listener = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
	saved = errno;
	/* a store, not a syscall: nothing between the filter and the handover can block */
	__atomic_store_n(word, listener >= 0 ? listener : HANDOVER_ABANDONED, __ATOMIC_RELEASE);
	futex(word, FUTEX_WAKE, 1, NULL);
	rc = reap_helper(helper);
	/* the helper closed both in our shared table; the page goes with execve */
	r->sock = -1;
	if (listener < 0)
		return stage_fail(err, saved,
				  "install seccomp filter (%u instructions, flags 0x%x)",
				  filter->len, flags);
	if (rc != 0)
		return stage_fail(err, rc, "send the seccomp listener to its receiver");
	stage_debug("seccomp listener %d sent to the receiver", listener);
	return 0;
}
