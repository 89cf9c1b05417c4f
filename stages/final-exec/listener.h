/*
 * A notifying filter (SCMP_ACT_NOTIFY): installed with
 * SECCOMP_FILTER_FLAG_NEW_LISTENER, its listener fd goes to the seccomp
 * receiver the orchestrator connected to, with the OCI container process
 * state as the message (schemas/protocol.md).
 */
#ifndef BATON_FINAL_EXEC_LISTENER_H
#define BATON_FINAL_EXEC_LISTENER_H

#include <stddef.h>

#include "error.h"
#include "filter.h"

struct listener_receiver {
	int sock;    /* connected to the receiver (BATON_FD_SECCOMP_RECEIVER), -1: none */
	char *state; /* the message sent with the listener (BATON_FD_SECCOMP_STATE) */
	size_t len;
};

/* Take the receiver and its message from the fd contract; none is not an error. */
int listener_receiver_load(struct listener_receiver *r, struct stage_error *err);
void listener_receiver_release(struct listener_receiver *r);

/*
 * Install the filter with a new listener and hand the listener to the
 * receiver. A helper process, cloned before the filter and so outside it,
 * sends it: the filter may notify on any syscall, sendmsg included, and
 * none of ours may wait for an agent that has no listener yet.
 */
int listener_install(const struct bpf_filter *filter, unsigned flags, struct listener_receiver *r,
		     struct stage_error *err);

#endif
