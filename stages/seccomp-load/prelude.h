/*
 * The ENOSYS prelude: a few BPF instructions put in front of libseccomp's
 * program so that a syscall newer than every syscall the profile names fails
 * with ENOSYS instead of the default action (EPERM, usually). Programs such
 * as glibc try a new syscall (clone3, faccessat2, ...) and fall back to the
 * old one only on ENOSYS; EPERM would make them fail (ARCHITECTURE.md §3.4).
 */
#ifndef BATON_SECCOMP_LOAD_PRELUDE_H
#define BATON_SECCOMP_LOAD_PRELUDE_H

#include <linux/filter.h>
#include <seccomp.h>
#include <stddef.h>

#include "error.h"
#include "plan.h"

/* Room for the prelude: a few instructions per architecture of the filter. */
#define PRELUDE_MAX 128

/*
 * Build the prelude for the filter ctx compiled from plan into out (at most
 * PRELUDE_MAX instructions); *n is 0 when the default action needs none
 * (allow, log, notify, or ENOSYS already).
 */
int seccomp_enosys_prelude(const struct plan *plan, scmp_filter_ctx ctx, struct sock_filter *out,
			   size_t *n, struct stage_error *err);

/* The highest syscall number the profile names for an architecture, or -1. */
int seccomp_profile_max_syscall(const struct plan *plan, uint32_t arch);

#endif
