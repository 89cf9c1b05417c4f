#include "record.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

struct record_header {
	uint32_t tag;
	uint32_t len;
};

const char *record_tag_name(uint32_t tag)
{
	switch (tag) {
	case REC_ERROR:
		return "ERROR";
	case REC_READY:
		return "READY";
	case REC_GO:
		return "GO";
	case REC_PID:
		return "PID";
	case REC_FD:
		return "FD";
	case REC_JOINED:
		return "JOINED";
	}
	return "unknown";
}

int record_send(int sock, uint32_t tag, const void *payload, size_t len, const int *fds,
		unsigned nfds, struct stage_error *err)
{
	struct record_header hdr = {.tag = tag, .len = (uint32_t)len};
	struct iovec iov[2] = {{&hdr, sizeof(hdr)}, {(void *)payload, len}};
	char control[CMSG_SPACE(sizeof(int) * RECORD_MAX_FDS)];
	struct msghdr msg = {.msg_iov = iov, .msg_iovlen = 2};

	if (len > RECORD_MAX_PAYLOAD || nfds > RECORD_MAX_FDS)
		return stage_fail(err, EMSGSIZE, "record %s too large", record_tag_name(tag));
	if (nfds) {
		struct cmsghdr *cmsg;

		memset(control, 0, sizeof(control));
		msg.msg_control = control;
		msg.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(cmsg), fds, sizeof(int) * nfds);
	}
	for (;;) {
		if (sendmsg(sock, &msg, MSG_NOSIGNAL) >= 0)
			return 0;
		if (errno != EINTR)
			return stage_fail(err, errno, "send %s record", record_tag_name(tag));
	}
}

/* The fds that came with a record; false when more came than a record holds. */
static bool take_fds(struct msghdr *msg, struct record *rec)
{
	struct cmsghdr *cmsg;
	bool fit = true;

	for (cmsg = CMSG_FIRSTHDR(msg); cmsg; cmsg = CMSG_NXTHDR(msg, cmsg)) {
		size_t n;
		int fd;

		if (cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS)
			continue;
		n = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			memcpy(&fd, CMSG_DATA(cmsg) + i * sizeof(int), sizeof(int));
			if (rec->nfds < RECORD_MAX_FDS)
				rec->fds[rec->nfds++] = fd;
			else
				close(fd), fit = false; /* ours now: never leak it */
		}
	}
	return fit;
}

static void close_fds(struct record *rec)
{
	for (unsigned i = 0; i < rec->nfds; i++)
		close(rec->fds[i]);
	rec->nfds = 0;
}

int record_recv(int sock, struct record *rec, struct stage_error *err)
{
	struct record_header hdr;
	struct iovec iov[2] = {{&hdr, sizeof(hdr)}, {rec->payload, sizeof(rec->payload)}};
	char control[CMSG_SPACE(sizeof(int) * RECORD_MAX_FDS)];
	struct msghdr msg = {
	    .msg_iov = iov,
	    .msg_iovlen = 2,
	    .msg_control = control,
	    .msg_controllen = sizeof(control),
	};
	ssize_t n;

	rec->nfds = 0;
	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return stage_fail(err, errno, "receive record");
	if (n == 0)
		return 0;
	/* the kernel closes what did not fit the control buffer (MSG_CTRUNC) */
	if (!take_fds(&msg, rec) || (msg.msg_flags & MSG_CTRUNC)) {
		close_fds(rec);
		return stage_fail(err, EPROTO, "record with more than %d fds (RECORD_MAX_FDS)",
				  RECORD_MAX_FDS);
	}
	if ((size_t)n < sizeof(hdr) || hdr.len != (size_t)n - sizeof(hdr) ||
	    (msg.msg_flags & MSG_TRUNC)) {
		close_fds(rec);
		return stage_fail(err, EPROTO, "malformed record (%zd bytes)", n);
	}
	rec->tag = hdr.tag;
	rec->len = hdr.len;
	if (rec->tag < REC_ERROR || rec->tag > REC_JOINED) {
		close_fds(rec);
		return stage_fail(err, EPROTO, "unknown record tag %u", rec->tag);
	}
	return 1;
}

int record_expect(int sock, uint32_t tag, struct record *rec, struct stage_error *err)
{
	int ret = record_recv(sock, rec, err);

	if (ret < 0)
		return -1;
	if (ret == 0)
		return stage_fail(err, EPIPE, "peer closed while waiting for %s",
				  record_tag_name(tag));
	if (rec->tag == REC_ERROR && rec->len == sizeof(*err)) {
		memcpy(err, rec->payload, sizeof(*err));
		err->stage[STAGE_NAME_MAX - 1] = '\0';
		err->msg[STAGE_MSG_MAX - 1] = '\0';
		return -1;
	}
	if (rec->tag != tag)
		return stage_fail(err, EPROTO, "expected %s record, got %s", record_tag_name(tag),
				  record_tag_name(rec->tag));
	return 0;
}

void record_send_error(int sock, const struct stage_error *e)
{
	struct stage_error ignored;

	record_send(sock, REC_ERROR, e, sizeof(*e), NULL, 0, &ignored);
}

bool record_named(const struct record *rec, const char *name)
{
	return rec->len == strlen(name) && memcmp(rec->payload, name, rec->len) == 0;
}
