/*
 * The seccomp section of the plan compiled with libseccomp into the raw
 * struct sock_filter array that final-exec installs. libseccomp's own
 * no_new_privs attribute is off: final-exec decides about no_new_privs.
 */
#ifndef BATON_SECCOMP_LOAD_COMPILE_H
#define BATON_SECCOMP_LOAD_COMPILE_H

#include <linux/filter.h>
#include <seccomp.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "plan.h"

/* SCMP_ACT_* by its OCI name; errno_ret goes into ERRNO and TRACE. */
int seccomp_action_from_name(const char *name, uint32_t errno_ret, uint32_t *action,
			     struct stage_error *err);
/* SCMP_ARCH_* by its OCI name (`SCMP_ARCH_X86_64`). */
int seccomp_arch_from_name(const char *name, uint32_t *arch, struct stage_error *err);
/* SCMP_CMP_* by name (`SCMP_CMP_MASKED_EQ`). */
int seccomp_op_from_name(const char *name, enum scmp_compare *op, struct stage_error *err);

/* A filter context from the plan's seccomp.* records; release with seccomp_release. */
int seccomp_compile(const struct plan *plan, scmp_filter_ctx *out, struct stage_error *err);

/*
 * The whole program final-exec installs: the ENOSYS prelude (prelude.h), then
 * libseccomp's filter; *prog is malloc'd, *len instructions.
 */
int seccomp_program(const struct plan *plan, struct sock_filter **prog, size_t *len,
		    struct stage_error *err);

/* Write libseccomp's BPF program to fd at its current offset. */
int seccomp_export(scmp_filter_ctx ctx, int fd, struct stage_error *err);

static inline void cleanup_seccomp_ctx(scmp_filter_ctx *ctx)
{
	if (*ctx)
		seccomp_release(*ctx);
}
#define autoseccomp __attribute__((cleanup(cleanup_seccomp_ctx)))

#endif
