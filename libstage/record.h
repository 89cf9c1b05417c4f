/*
 * Typed records between baton's processes: a tag, a length and a payload,
 * with fds attached by SCM_RIGHTS. Carried over SOCK_SEQPACKET sockets, so
 * one record is one message. The tags and who sends them to whom are the
 * table in schemas/protocol.md; an unexpected tag is an error.
 */
#ifndef BATON_RECORD_H
#define BATON_RECORD_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

#include "error.h"

enum record_tag {
	REC_ERROR = 1,	/* any stage -> orchestrator: struct stage_error */
	REC_READY = 2,	/* final-exec -> orchestrator: set up, waiting for start */
	REC_GO = 3,	/* orchestrator -> child: maps written, cgroup joined */
	REC_PID = 4,	/* child -> orchestrator: int32 host pid of the container */
	REC_FD = 5,	/* either way: one fd, payload names it */
	REC_JOINED = 6, /* container process -> orchestrator: in its cgroups */
};

#define RECORD_MAX_PAYLOAD 4096
#define RECORD_MAX_FDS	   8

struct record {
	uint32_t tag;
	uint32_t len;
	char payload[RECORD_MAX_PAYLOAD];
	int fds[RECORD_MAX_FDS];
	unsigned nfds;
};

const char *record_tag_name(uint32_t tag);

int record_send(int sock, uint32_t tag, const void *payload, size_t len, const int *fds,
		unsigned nfds, struct stage_error *err);

/*
 * Receive one record. Returns 1 with rec filled, 0 on orderly EOF (the peer
 * closed or exec'd with the socket close-on-exec), -1 on error. Received fds
 * are close-on-exec.
 */
int record_recv(int sock, struct record *rec, struct stage_error *err);

/* Receive one record and insist on its tag (an error record is passed up). */
int record_expect(int sock, uint32_t tag, struct record *rec, struct stage_error *err);
/* Is the record's payload exactly name (an FD record's name)? */
bool record_named(const struct record *rec, const char *name);

/* Send a failed stage's error record; best effort, the exit code still tells. */
void record_send_error(int sock, const struct stage_error *e);

#endif
