/*
 * The seccomp filter that seccomp-load compiled: raw struct sock_filter
 * instructions, read into memory early and installed as the last or nearly
 * last step before the user's execve (ARCHITECTURE.md §3.4).
 */
#ifndef BATON_FINAL_EXEC_FILTER_H
#define BATON_FINAL_EXEC_FILTER_H

#include <linux/filter.h>
#include <stdbool.h>

#include "error.h"

struct bpf_filter {
	struct sock_filter *insns; /* NULL: no filter */
	unsigned short len;
};

/* Read the whole program from fd (from offset 0) and check its size. */
int bpf_filter_load_fd(struct bpf_filter *filter, int fd, const char *what,
		       struct stage_error *err);
int bpf_filter_load_file(struct bpf_filter *filter, const char *path, struct stage_error *err);
void bpf_filter_release(struct bpf_filter *filter);

static inline bool bpf_filter_present(const struct bpf_filter *filter)
{
	return filter->insns != NULL;
}

/* SECCOMP_FILTER_FLAG_* by its OCI name. */
int seccomp_flag_from_name(const char *name, unsigned *flag, struct stage_error *err);

/* seccomp(SECCOMP_SET_MODE_FILTER, flags, program). */
int bpf_filter_install(const struct bpf_filter *filter, unsigned flags, struct stage_error *err);

#endif
