/* Unit tests of seccomp-load: names to libseccomp values, plan to BPF. */
#include <errno.h>
#include <linux/filter.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "compile.h"
#include "plan.h"
#include "unit.h"

TEST(action_names)
{
	struct stage_error err;
	uint32_t a;

	CHECK(seccomp_action_from_name("SCMP_ACT_ALLOW", 1, &a, &err) == 0 && a == SCMP_ACT_ALLOW);
	CHECK(seccomp_action_from_name("SCMP_ACT_ERRNO", 38, &a, &err) == 0 &&
	      a == SCMP_ACT_ERRNO(38));
	CHECK(seccomp_action_from_name("SCMP_ACT_KILL_PROCESS", 1, &a, &err) == 0 &&
	      a == SCMP_ACT_KILL_PROCESS);
	CHECK(seccomp_action_from_name("SCMP_ACT_TRACE", 5, &a, &err) == 0 &&
	      a == SCMP_ACT_TRACE(5));
	CHECK(seccomp_action_from_name("SCMP_ACT_LOG", 1, &a, &err) == 0 && a == SCMP_ACT_LOG);
	CHECK(seccomp_action_from_name("SCMP_ACT_NOTIFY", 1, &a, &err) < 0);
	CHECK(err.errnum == ENOTSUP);
	CHECK_CONTAINS(err.msg, "not supported yet");
	CHECK(seccomp_action_from_name("SCMP_ACT_NOPE", 1, &a, &err) < 0);
	CHECK_STR(err.msg, "unknown seccomp action `SCMP_ACT_NOPE`");
}

TEST(arch_and_op_names)
{
	struct stage_error err;
	enum scmp_compare op;
	uint32_t arch;

	CHECK(seccomp_arch_from_name("SCMP_ARCH_X86_64", &arch, &err) == 0 &&
	      arch == SCMP_ARCH_X86_64);
	CHECK(seccomp_arch_from_name("SCMP_ARCH_AARCH64", &arch, &err) == 0 &&
	      arch == SCMP_ARCH_AARCH64);
	CHECK(seccomp_arch_from_name("SCMP_ARCH_VAX", &arch, &err) < 0);
	CHECK(seccomp_arch_from_name("x86_64", &arch, &err) < 0);
	CHECK(seccomp_op_from_name("SCMP_CMP_MASKED_EQ", &op, &err) == 0 &&
	      op == SCMP_CMP_MASKED_EQ);
	CHECK(seccomp_op_from_name("SCMP_CMP_XX", &op, &err) < 0);
}

static const char profile[] =
    "format\tbaton-plan/1\n"
    "seccomp.default\tSCMP_ACT_ERRNO\t38\n"
    "seccomp.arch\tSCMP_ARCH_X86_64\n"
    "seccomp.arch\tSCMP_ARCH_X86\n"
    "seccomp.syscall\tread\tSCMP_ACT_ALLOW\t-\n"
    "seccomp.syscall\tno_such_call\tSCMP_ACT_ALLOW\t-\n"
    "seccomp.syscall\tmkdir\tSCMP_ACT_ERRNO\t38\n"
    "seccomp.syscall\tpersonality\tSCMP_ACT_ALLOW\t-\t0\tSCMP_CMP_EQ\t0\t0\t0\tSCMP_CMP_EQ\t8\t0\n"
    "seccomp.syscall\tclone\tSCMP_ACT_ALLOW\t-\t0\tSCMP_CMP_MASKED_EQ\t2114060288\t0\n";

static int compile(const char *text, scmp_filter_ctx *ctx, struct stage_error *err)
{
	autoplan struct plan plan;

	if (plan_parse(&plan, text, strlen(text), err) < 0)
		return -1;
	return seccomp_compile(&plan, ctx, err);
}

TEST(profile_compiles_to_bpf)
{
	autoseccomp scmp_filter_ctx ctx = NULL;
	struct stage_error err;
	struct stat st;
	uint32_t nnp = 1;
	autoclose int fd = memfd_create("bpf", MFD_CLOEXEC);

	CHECK(compile(profile, &ctx, &err) == 0);
	CHECK(ctx != NULL);
	/* final-exec, not libseccomp, decides about no_new_privs */
	CHECK(seccomp_attr_get(ctx, SCMP_FLTATR_CTL_NNP, &nnp) == 0 && nnp == 0);
	CHECK(seccomp_export(ctx, fd, &err) == 0);
	CHECK(fstat(fd, &st) == 0);
	CHECK(st.st_size > 0 && st.st_size % sizeof(struct sock_filter) == 0);
}

TEST(bad_profiles_fail)
{
	struct stage_error err;
	const char *cases[][2] = {
	    {"format\tbaton-plan/1\n", "seccomp is off"},
	    {"format\tbaton-plan/1\nseccomp.default\tSCMP_ACT_NOTIFY\t-\n", "not supported yet"},
	    {"format\tbaton-plan/1\nseccomp.default\tSCMP_ACT_ALLOW\t-\n"
	     "seccomp.syscall\tread\tSCMP_ACT_ERRNO\t-\t0\tSCMP_CMP_EQ\n",
	     "conditions of four fields"},
	    {"format\tbaton-plan/1\nseccomp.default\tSCMP_ACT_ALLOW\t-\n"
	     "seccomp.syscall\tread\tSCMP_ACT_ERRNO\t-\t7\tSCMP_CMP_EQ\t0\t0\n",
	     "syscall argument 7"},
	    {"format\tbaton-plan/1\nseccomp.default\tSCMP_ACT_ALLOW\t-\n"
	     "seccomp.arch\tSCMP_ARCH_VAX\n",
	     "unknown seccomp architecture `SCMP_ARCH_VAX`"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		scmp_filter_ctx ctx = NULL;

		CHECK(compile(cases[i][0], &ctx, &err) < 0);
		CHECK(ctx == NULL);
		CHECK_CONTAINS(err.msg, cases[i][1]);
	}
}

int main(void)
{
	return unit_run();
}
