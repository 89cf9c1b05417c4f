/*
 * Run a compiled program on one syscall, the way the kernel would, to refuse
 * profiles that cannot work before anything is created: a filter that answers
 * exit_group and exit with an errno leaves a process that can never end
 * (final-exec's error path and the user's program would spin forever).
 */
#ifndef BATON_SECCOMP_LOAD_VERDICT_H
#define BATON_SECCOMP_LOAD_VERDICT_H

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* The filter's return value for d; -1 for a program we cannot run (never fatal). */
int bpf_verdict(const struct sock_filter *prog, size_t len, const struct seccomp_data *d,
		uint32_t *ret);

/* Fail when neither exit_group nor exit ends the process on the native arch. */
int seccomp_check_exit(const struct sock_filter *prog, size_t len, struct stage_error *err);

#endif
