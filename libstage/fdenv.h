/*
 * The fd contract: a stage learns its fds from environment variables named in
 * schemas/pipeline.tsv (BATON_FD_PLAN=3, ...), checks each with fstat and
 * closes everything it was not promised before it execs anything.
 */
#ifndef BATON_FDENV_H
#define BATON_FDENV_H

#include "error.h"

enum fd_kind {
	FD_KIND_SEALED_MEMFD, /* a plan or BPF program: regular, write-sealed */
	FD_KIND_SOCKET,	      /* sync channel */
	FD_KIND_FIFO,	      /* the exec fifo */
	FD_KIND_EXEC,	      /* a stage binary to execveat() */
	FD_KIND_DIR,
	FD_KIND_FILE, /* any regular file */
};

#define FD_ABSENT (-2)

/* The fd named by variable var; FD_ABSENT when unset, -1 with err if bad. */
int stage_fd_opt(const char *var, enum fd_kind kind, struct stage_error *err);
/* As stage_fd_opt, but an absent variable is an error. */
int stage_fd(const char *var, enum fd_kind kind, struct stage_error *err);

/* Check that fd is of the kind promised. */
int fd_check_kind(int fd, enum fd_kind kind, const char *what, struct stage_error *err);

/*
 * Close every fd >= 3 except the sorted-or-not list keep[] and the range
 * [3, 3 + preserved) that belongs to the user (--preserve-fds).
 */
int close_fds_except(const int *keep, unsigned nkeep, unsigned preserved, struct stage_error *err);
/* Same, but mark them close-on-exec instead of closing (for the final execve). */
int cloexec_fds_except(const int *keep, unsigned nkeep, unsigned preserved,
		       struct stage_error *err);

/* Write a sealed memfd holding data (plans, BPF, stage copies). */
int memfd_sealed(const char *name, const void *data, size_t len, struct stage_error *err);
/* Seal an existing memfd against every change. */
int memfd_seal(int fd, struct stage_error *err);

/* Every fd named by a BATON_FD_* variable: the first max go to fds; returns how many there are. */
unsigned stage_env_fds(int *fds, unsigned max);

/*
 * Pass control to the next stage: unset the variables this stage consumed
 * (a NULL-terminated list, e.g. BATON_FD_NEXT), close every fd that is not
 * named by a remaining BATON_FD_* variable or preserved for the user, and
 * execveat() exe_fd with argv. Returns only on error.
 */
int stage_exec_next(int exe_fd, const char *name, const char *const *consumed,
		    struct stage_error *err);

#endif
