#include "compile.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "prelude.h"
#include "verdict.h"
#include "stage.h"

/* Conditions per rule: the kernel passes six syscall arguments. */
#define MAX_CONDITIONS 6

int seccomp_action_from_name(const char *name, uint32_t errno_ret, uint32_t *action,
			     struct stage_error *err)
{
	if (strcmp(name, "SCMP_ACT_ALLOW") == 0)
		*action = SCMP_ACT_ALLOW;
	else if (strcmp(name, "SCMP_ACT_ERRNO") == 0)
		*action = SCMP_ACT_ERRNO(errno_ret);
	else if (strcmp(name, "SCMP_ACT_KILL") == 0)
		*action = SCMP_ACT_KILL;
	else if (strcmp(name, "SCMP_ACT_KILL_PROCESS") == 0)
		*action = SCMP_ACT_KILL_PROCESS;
	else if (strcmp(name, "SCMP_ACT_KILL_THREAD") == 0)
		*action = SCMP_ACT_KILL_THREAD;
	else if (strcmp(name, "SCMP_ACT_TRAP") == 0)
		*action = SCMP_ACT_TRAP;
	else if (strcmp(name, "SCMP_ACT_TRACE") == 0)
		*action = SCMP_ACT_TRACE(errno_ret);
	else if (strcmp(name, "SCMP_ACT_LOG") == 0)
		*action = SCMP_ACT_LOG;
	else if (strcmp(name, "SCMP_ACT_NOTIFY") == 0)
		*action = SCMP_ACT_NOTIFY;
	else
		return stage_fail(err, EINVAL, "unknown seccomp action `%s`", name);
	return 0;
}

int seccomp_arch_from_name(const char *name, uint32_t *arch, struct stage_error *err)
{
	static const char prefix[] = "SCMP_ARCH_";
	char lower[32];
	size_t i;

	/* libseccomp knows `x86_64` for the OCI `SCMP_ARCH_X86_64` */
	if (strncmp(name, prefix, sizeof(prefix) - 1) != 0)
		return stage_fail(err, EINVAL, "unknown seccomp architecture `%s`", name);
	for (i = 0; name[sizeof(prefix) - 1 + i] && i < sizeof(lower) - 1; i++)
		lower[i] = (char)tolower((unsigned char)name[sizeof(prefix) - 1 + i]);
	lower[i] = '\0';
	*arch = seccomp_arch_resolve_name(lower);
	if (*arch == 0)
		return stage_fail(err, EINVAL, "unknown seccomp architecture `%s`", name);
	return 0;
}

int seccomp_op_from_name(const char *name, enum scmp_compare *op, struct stage_error *err)
{
	static const struct {
		const char *name;
		enum scmp_compare op;
	} ops[] = {
	    {"SCMP_CMP_NE", SCMP_CMP_NE},
	    {"SCMP_CMP_LT", SCMP_CMP_LT},
	    {"SCMP_CMP_LE", SCMP_CMP_LE},
	    {"SCMP_CMP_EQ", SCMP_CMP_EQ},
	    {"SCMP_CMP_GE", SCMP_CMP_GE},
	    {"SCMP_CMP_GT", SCMP_CMP_GT},
	    {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
	};

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (strcmp(name, ops[i].name) == 0) {
			*op = ops[i].op;
			return 0;
		}
	}
	return stage_fail(err, EINVAL, "unknown seccomp operator `%s`", name);
}

/* An ERRNO field: `-` when config.json had none, which means EPERM. */
static int errno_field(const struct plan_entry *e, unsigned i, uint32_t *out,
		       struct stage_error *err)
{
	uint64_t v;

	*out = EPERM;
	if (strcmp(plan_field(e, i), "-") == 0 || !*plan_field(e, i))
		return 0;
	if (plan_field_u64(e, i, &v, err) < 0)
		return -1;
	if (v > 0xffff)
		return stage_fail(err, EINVAL, "plan: line %u: errno %llu out of range", e->line,
				  (unsigned long long)v);
	*out = (uint32_t)v;
	return 0;
}

static int create_context(const struct plan *plan, scmp_filter_ctx *ctx, uint32_t *dflt,
			  struct stage_error *err)
{
	const struct plan_entry *e = plan_get(plan, "seccomp.default");
	uint32_t errno_ret;
	int rc;

	if (!e)
		return stage_fail(err, EINVAL, "plan: no `seccomp.default`: seccomp is off");
	if (errno_field(e, 1, &errno_ret, err) < 0 ||
	    seccomp_action_from_name(plan_field(e, 0), errno_ret, dflt, err) < 0)
		return -1;
	*ctx = seccomp_init(*dflt);
	if (!*ctx)
		return stage_fail(err, EINVAL, "seccomp_init with default action `%s`",
				  plan_field(e, 0));
	/* final-exec sets no_new_privs itself, only when the config asks for it */
	rc = seccomp_attr_set(*ctx, SCMP_FLTATR_CTL_NNP, 0);
	if (rc < 0)
		return stage_fail(err, -rc, "seccomp: clear the no_new_privs attribute");
	return 0;
}

static int add_architectures(const struct plan *plan, scmp_filter_ctx ctx, struct stage_error *err)
{
	plan_for_each(plan, "seccomp.arch", e)
	{
		uint32_t arch;
		int rc;

		if (seccomp_arch_from_name(plan_field(e, 0), &arch, err) < 0)
			return -1;
		rc = seccomp_arch_add(ctx, arch);
		/* the native architecture is always there */
		if (rc < 0 && rc != -EEXIST)
			return stage_fail(err, -rc, "seccomp: add architecture `%s`",
					  plan_field(e, 0));
	}
	return 0;
}

static int parse_conditions(const struct plan_entry *e, struct scmp_arg_cmp *conds, unsigned *n,
			    struct stage_error *err)
{
	unsigned extra = e->nfields > 4 ? e->nfields - 4 : 0;

	if (extra % 4 != 0 || extra / 4 > MAX_CONDITIONS)
		return stage_fail(err, EINVAL,
				  "plan: line %u: syscall `%s` needs up to %d conditions of four "
				  "fields",
				  e->line, plan_field(e, 0), MAX_CONDITIONS);
	*n = extra / 4;
	for (unsigned i = 0; i < *n; i++) {
		unsigned f = 4 + 4 * i;
		uint64_t index;

		if (plan_field_u64(e, f, &index, err) < 0 ||
		    seccomp_op_from_name(plan_field(e, f + 1), &conds[i].op, err) < 0 ||
		    plan_field_u64(e, f + 2, &conds[i].datum_a, err) < 0 ||
		    plan_field_u64(e, f + 3, &conds[i].datum_b, err) < 0)
			return -1;
		if (index >= MAX_CONDITIONS)
			return stage_fail(err, EINVAL, "plan: line %u: syscall argument %llu",
					  e->line, (unsigned long long)index);
		conds[i].arg = (unsigned)index;
	}
	return 0;
}

static bool repeats_an_argument(const struct scmp_arg_cmp *conds, unsigned n)
{
	unsigned seen = 0;

	for (unsigned i = 0; i < n; i++) {
		if (seen & (1U << conds[i].arg))
			return true;
		seen |= 1U << conds[i].arg;
	}
	return false;
}

static int add_rule(scmp_filter_ctx ctx, const struct plan_entry *e, uint32_t action, int nr,
		    const struct scmp_arg_cmp *conds, unsigned n, struct stage_error *err)
{
	int rc = seccomp_rule_add_array(ctx, action, nr, n, conds);

	if (rc < 0)
		return stage_fail(err, -rc,
				  "seccomp: add rule for syscall `%s` (%s, %u conditions)",
				  plan_field(e, 0), plan_field(e, 1), n);
	return 0;
}

static int add_syscall(const struct plan_entry *e, scmp_filter_ctx ctx, uint32_t dflt,
		       bool fail_unknown, struct stage_error *err)
{
	const char *name = plan_field(e, 0);
	struct scmp_arg_cmp conds[MAX_CONDITIONS];
	uint32_t errno_ret, action;
	unsigned n = 0;
	int nr;

	if (errno_field(e, 2, &errno_ret, err) < 0 ||
	    seccomp_action_from_name(plan_field(e, 1), errno_ret, &action, err) < 0 ||
	    parse_conditions(e, conds, &n, err) < 0)
		return -1;
	nr = seccomp_syscall_resolve_name(name);
	/* profiles list syscalls of newer kernels and other arches, as crun allows */
	if (nr == __NR_SCMP_ERROR) {
		if (fail_unknown)
			return stage_fail(err, 0, "%s: invalid seccomp syscall `%s`",
					  plan_field(e, 3), name);
		stage_warn("%s: unknown seccomp syscall `%s` ignored", plan_field(e, 3), name);
		return 0;
	}
	/* libseccomp refuses a rule that repeats the default action; it is a no-op */
	if (action == dflt) {
		stage_debug("syscall `%s` has the default action: skipped", name);
		return 0;
	}
	/*
	 * libseccomp refuses two comparisons of one argument in a rule; runc and
	 * crun then add one rule per condition, and profiles are written for that.
	 */
	if (!repeats_an_argument(conds, n))
		return add_rule(ctx, e, action, nr, conds, n, err);
	for (unsigned i = 0; i < n; i++)
		if (add_rule(ctx, e, action, nr, &conds[i], 1, err) < 0)
			return -1;
	return 0;
}

/* crun's annotation: a syscall name libseccomp does not know fails the start. */
static bool fail_unknown_syscall(const struct plan *plan)
{
	const char *v = plan_annotation(plan, "run.oci.seccomp_fail_unknown_syscall");

	return v && strcmp(v, "0") != 0;
}

/*
 * Flags are final-exec's to apply. The kernel refuses WAIT_KILLABLE_RECV
 * without a listener, and final-exec asks for one only for a profile that
 * notifies: say so before anything is created.
 */
static int check_flags(const struct plan *plan, struct stage_error *err)
{
	plan_for_each(plan, "seccomp.flag", e)
	{
		if (strcmp(plan_field(e, 0), "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV") == 0 &&
		    !plan_flag(plan, "seccomp.notify"))
			return stage_fail(err, 0,
					  "seccomp flag `%s` needs a notify listener: no action "
					  "of the profile is SCMP_ACT_NOTIFY",
					  plan_field(e, 0));
	}
	return 0;
}

int seccomp_compile(const struct plan *plan, scmp_filter_ctx *out, struct stage_error *err)
{
	autoseccomp scmp_filter_ctx ctx = NULL;
	bool fail_unknown = fail_unknown_syscall(plan);
	uint32_t dflt;
	size_t n = 0;

	*out = NULL;
	if (check_flags(plan, err) < 0 || create_context(plan, &ctx, &dflt, err) < 0 ||
	    add_architectures(plan, ctx, err) < 0)
		return -1;
	plan_for_each(plan, "seccomp.syscall", e)
	{
		if (add_syscall(e, ctx, dflt, fail_unknown, err) < 0)
			return -1;
		n++;
	}
	stage_debug("compiled %zu syscall rules", n);
	*out = ctx;
	ctx = NULL;
	return 0;
}

int seccomp_export(scmp_filter_ctx ctx, int fd, struct stage_error *err)
{
	int rc = seccomp_export_bpf(ctx, fd);

	if (rc < 0)
		return stage_fail(err, -rc, "seccomp: export the BPF program");
	return 0;
}

/* libseccomp 2.5 exports only to an fd: a memfd, read back. */
static int export_to_memory(scmp_filter_ctx ctx, struct sock_filter *buf, size_t room, size_t *n,
			    struct stage_error *err)
{
	autoclose int fd = memfd_create("baton-bpf-export", MFD_CLOEXEC);
	struct stat st;
	size_t size;

	if (fd < 0)
		return stage_fail(err, errno, "seccomp: memfd for the BPF export");
	if (seccomp_export(ctx, fd, err) < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		return stage_fail(err, errno, "seccomp: stat the BPF export");
	size = (size_t)st.st_size;
	if (size % sizeof(*buf) != 0 || size / sizeof(*buf) > room)
		return stage_fail(err, E2BIG, "seccomp: a BPF program of %zu bytes is too long",
				  size);
	if (pread(fd, buf, size, 0) != (ssize_t)size)
		return stage_fail(err, errno ? errno : EIO, "seccomp: read the BPF export");
	*n = size / sizeof(*buf);
	return 0;
}

int seccomp_program(const struct plan *plan, struct sock_filter **prog, size_t *len,
		    struct stage_error *err)
{
	autoseccomp scmp_filter_ctx ctx = NULL;
	autofree struct sock_filter *buf = NULL;
	size_t nprelude = 0, nbody = 0;

	*prog = NULL;
	*len = 0;
	if (seccomp_compile(plan, &ctx, err) < 0)
		return -1;
	buf = calloc(BPF_MAXINSNS, sizeof(*buf));
	if (!buf)
		return stage_fail(err, ENOMEM, "seccomp: BPF program");
	if (seccomp_enosys_prelude(plan, ctx, buf, &nprelude, err) < 0 ||
	    export_to_memory(ctx, buf + nprelude, BPF_MAXINSNS - nprelude, &nbody, err) < 0)
		return -1;
	if (seccomp_check_exit(buf, nprelude + nbody, err) < 0)
		return -1;
	stage_debug("BPF program: %zu instructions (%zu of them the ENOSYS prelude)",
		    nprelude + nbody, nprelude);
	*len = nprelude + nbody;
	*prog = take_ptr(&buf);
	return 0;
}
