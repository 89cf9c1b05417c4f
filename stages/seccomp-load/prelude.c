#include "prelude.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "compile.h"
#include "stage.h"

/* x32 syscalls arrive with the x86_64 audit arch and this bit in their number. */
#define X32_SYSCALL_BIT 0x40000000U
#define MAX_ARCHES	32

struct arch_limit {
	uint32_t token; /* the audit arch the kernel reports */
	int max;	/* highest syscall number the profile names */
	int x32_max;	/* x86_64 only: the same for x32, -1 if x32 is not filtered */
};

int seccomp_profile_max_syscall(const struct plan *plan, uint32_t arch)
{
	int max = -1;

	plan_for_each(plan, "seccomp.syscall", e)
	{
		int nr = seccomp_syscall_resolve_name_arch(arch, plan_field(e, 0));

		/* negative: unknown here, or multiplexed (socketcall on x86) */
		if (nr > max)
			max = nr;
	}
	return max;
}

/* The default actions where a newer syscall should not become ENOSYS. */
static bool needs_prelude(uint32_t dflt)
{
	uint32_t action = dflt & SECCOMP_RET_ACTION_FULL;

	if (action == SECCOMP_RET_ALLOW || action == SECCOMP_RET_LOG ||
	    action == SECCOMP_RET_USER_NOTIF)
		return false;
	return dflt != (SECCOMP_RET_ERRNO | ENOSYS);
}

static bool arch_listed(const struct arch_limit *a, size_t n, uint32_t token)
{
	for (size_t i = 0; i < n; i++)
		if (a[i].token == token)
			return true;
	return false;
}

/* The filter's architectures (native first) with their profile maxima. */
static size_t collect_arches(const struct plan *plan, struct arch_limit *a)
{
	uint32_t tokens[MAX_ARCHES];
	bool x32 = false;
	size_t nt = 0, n = 0;

	tokens[nt++] = seccomp_arch_native();
	plan_for_each(plan, "seccomp.arch", e)
	{
		struct stage_error ignored;
		uint32_t t;

		/* compile already refused unknown names */
		if (seccomp_arch_from_name(plan_field(e, 0), &t, &ignored) < 0)
			continue;
		if (t == SCMP_ARCH_X32)
			x32 = true;
		else if (nt < MAX_ARCHES)
			tokens[nt++] = t;
	}
	for (size_t i = 0; i < nt; i++) {
		int max = seccomp_profile_max_syscall(plan, tokens[i]);

		if (max < 0 || arch_listed(a, n, tokens[i]))
			continue;
		a[n] = (struct arch_limit){.token = tokens[i], .max = max, .x32_max = -1};
		if (tokens[i] == AUDIT_ARCH_X86_64 && x32)
			a[n].x32_max = seccomp_profile_max_syscall(plan, SCMP_ARCH_X32);
		n++;
	}
	return n;
}

static size_t block_size(const struct arch_limit *a)
{
	/* jeq arch, ld nr, [jge x32 bit, [jgt x32 max]], jgt max */
	if (a->token != AUDIT_ARCH_X86_64)
		return 3;
	return a->x32_max >= 0 ? 5 : 4;
}

static struct sock_filter jump(uint16_t op, uint32_t k, size_t pc, size_t yes, size_t no)
{
	return (struct sock_filter)BPF_JUMP(BPF_JMP | op | BPF_K, k, (uint8_t)(yes - pc - 1),
					    (uint8_t)(no - pc - 1));
}

static size_t emit_block(const struct arch_limit *a, struct sock_filter *out, size_t pc,
			 size_t next, size_t enosys, size_t end)
{
	size_t start = pc;

	out[pc] = jump(BPF_JEQ, a->token, pc, pc + 1, next);
	pc++;
	out[pc++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						 offsetof(struct seccomp_data, nr));
	if (a->token == AUDIT_ARCH_X86_64) {
		/* an x32 number: checked against x32's maximum, or left to libseccomp */
		size_t x32 = a->x32_max >= 0 ? pc + 2 : end;

		out[pc] = jump(BPF_JGE, X32_SYSCALL_BIT, pc, x32, pc + 1);
		pc++;
	}
	out[pc] = jump(BPF_JGT, (uint32_t)a->max, pc, enosys, end);
	pc++;
	if (a->token == AUDIT_ARCH_X86_64 && a->x32_max >= 0) {
		out[pc] = jump(BPF_JGT, (uint32_t)a->x32_max, pc, enosys, end);
		pc++;
	}
	return pc - start;
}

int seccomp_enosys_prelude(const struct plan *plan, scmp_filter_ctx ctx, struct sock_filter *out,
			   size_t *n, struct stage_error *err)
{
	struct arch_limit arches[MAX_ARCHES];
	size_t narches, start[MAX_ARCHES], pc = 1, enosys, end;
	uint32_t dflt;
	int rc;

	*n = 0;
	rc = seccomp_attr_get(ctx, SCMP_FLTATR_ACT_DEFAULT, &dflt);
	if (rc < 0)
		return stage_fail(err, -rc, "seccomp: read the default action");
	if (!needs_prelude(dflt))
		return 0;
	narches = collect_arches(plan, arches);
	if (narches == 0)
		return 0;
	for (size_t i = 0; i < narches; i++) {
		start[i] = pc;
		pc += block_size(&arches[i]);
	}
	enosys = pc;
	end = pc + 1;
	if (end > PRELUDE_MAX)
		return stage_fail(err, E2BIG, "seccomp: ENOSYS prelude of %zu instructions", end);
	out[0] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, arch));
	for (size_t i = 0; i < narches; i++) {
		size_t next = i + 1 < narches ? start[i + 1] : end;

		emit_block(&arches[i], out, start[i], next, enosys, end);
		stage_debug("ENOSYS above syscall %d for arch 0x%x (x32 above %d)", arches[i].max,
			    arches[i].token, arches[i].x32_max);
	}
	out[enosys] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS);
	*n = end;
	return 0;
}
