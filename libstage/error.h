/*
 * The one error type of baton. Fallible functions return -1 and fill a
 * struct stage_error; callers pass it up unchanged or add context with
 * stage_wrap(). Because stages are separate processes, the record is plain
 * data: it crosses the sync socket intact (see schemas/protocol.md).
 */
#ifndef BATON_ERROR_H
#define BATON_ERROR_H

#include <stddef.h>

#define STAGE_NAME_MAX 32
#define STAGE_MSG_MAX  1024

struct stage_error {
	char stage[STAGE_NAME_MAX]; /* who failed: "mount-rootfs", "baton", ... */
	int errnum;                 /* errno of the failed call, 0 if none */
	char msg[STAGE_MSG_MAX];    /* what was being done, naming the object */
};

/* Name used for errors made in this process; set once by stage_init(). */
extern const char *stage_self;

/* Fill err and return -1; errnum 0 means the message says it all. */
int stage_fail(struct stage_error *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefix context ("mount `/proc`: ") to an error already filled; returns -1. */
int stage_wrap(struct stage_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "msg: strerror(errnum)", or just "msg" when errnum is 0. */
void stage_error_text(const struct stage_error *err, char *buf, size_t size);

#endif
