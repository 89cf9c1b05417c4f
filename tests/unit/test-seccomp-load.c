/* Unit tests of seccomp-load: names to libseccomp values, plan to BPF. */
#include <errno.h>
#include <linux/filter.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fcntl.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "cache.h"
#include "cleanup.h"
#include "compile.h"
#include "plan.h"
#include "prelude.h"
#include "unit.h"
#include "verdict.h"

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
	CHECK(seccomp_action_from_name("SCMP_ACT_NOTIFY", 1, &a, &err) == 0 &&
	      a == SCMP_ACT_NOTIFY);
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
    "seccomp.syscall\tread\tSCMP_ACT_ALLOW\t-\tp\n"
    "seccomp.syscall\tno_such_call\tSCMP_ACT_ALLOW\t-\tp\n"
    "seccomp.syscall\tmkdir\tSCMP_ACT_ERRNO\t38\tp\n"
    "seccomp.syscall\tpersonality\tSCMP_ACT_ALLOW\t-\tp\t0\tSCMP_CMP_EQ\t0\t0\t0\tSCMP_CMP_EQ\t8\t0\n"
    "seccomp.syscall\tclone\tSCMP_ACT_ALLOW\t-\tp\t0\tSCMP_CMP_MASKED_EQ\t2114060288\t0\n";

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
	    {"format\tbaton-plan/1\nseccomp.default\tSCMP_ACT_ALLOW\t-\n"
	     "seccomp.flag\tSECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\n",
	     "needs a notify listener"},
	    {"format\tbaton-plan/1\nseccomp.default\tSCMP_ACT_ALLOW\t-\n"
	     "seccomp.syscall\tread\tSCMP_ACT_ERRNO\t-\tp\t0\tSCMP_CMP_EQ\n",
	     "conditions of four fields"},
	    {"format\tbaton-plan/1\nseccomp.default\tSCMP_ACT_ALLOW\t-\n"
	     "seccomp.syscall\tread\tSCMP_ACT_ERRNO\t-\tp\t7\tSCMP_CMP_EQ\t0\t0\n",
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

static int program(const char *text, struct sock_filter **prog, size_t *len,
		   struct stage_error *err)
{
	autoplan struct plan plan;

	if (plan_parse(&plan, text, strlen(text), err) < 0)
		return -1;
	return seccomp_program(&plan, prog, len, err);
}

/*
 * Install prog in a child (no_new_privs: no privilege needed) and return what
 * syscall nr answered there: 0, or the errno.
 */
static int errno_under(const struct sock_filter *prog, size_t len, long nr)
{
	struct sock_fprog fprog = {.len = (unsigned short)len,
				   .filter = (struct sock_filter *)prog};
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) < 0)
			_exit(255);
		/* exit_group directly: ASan's _exit runs its leak check, denied here */
		syscall(SYS_exit_group, syscall(nr, -1L, 0L, 0L) < 0 ? errno : 0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* EPERM by default; exit_group (231) is the newest syscall the profile names. */
static const char old_profile[] = "format\tbaton-plan/1\n"
				  "seccomp.default\tSCMP_ACT_ERRNO\t1\n"
				  "seccomp.arch\tSCMP_ARCH_X86_64\n"
				  "seccomp.arch\tSCMP_ARCH_X86\n"
				  "seccomp.arch\tSCMP_ARCH_X32\n"
				  "seccomp.syscall\texit_group\tSCMP_ACT_ALLOW\t-\tp\n"
				  "seccomp.syscall\texit\tSCMP_ACT_ALLOW\t-\tp\n"
				  "seccomp.syscall\tgetpid\tSCMP_ACT_ALLOW\t-\tp\n";

TEST(newer_syscalls_get_enosys)
{
	autofree struct sock_filter *prog = NULL;
	struct stage_error err;
	size_t len;

	CHECK(program(old_profile, &prog, &len, &err) == 0);
	CHECK(prog && prog[0].code == (BPF_LD | BPF_W | BPF_ABS));
	CHECK(errno_under(prog, len, SYS_getpid) == 0);
	/* getppid (110) is older than exit_group: the default action */
	CHECK(errno_under(prog, len, SYS_getppid) == EPERM);
	CHECK(errno_under(prog, len, 435) == ENOSYS); /* clone3 */
	CHECK(errno_under(prog, len, 449) == ENOSYS);
	CHECK(errno_under(prog, len, 1000) == ENOSYS);
}

TEST(prelude_only_for_denying_defaults)
{
	autoplan struct plan plan;
	autoseccomp scmp_filter_ctx ctx = NULL;
	struct stage_error err;
	struct sock_filter buf[PRELUDE_MAX];
	size_t n = 1;
	const char *cases[][2] = {{"SCMP_ACT_ALLOW", "0"},
				  {"SCMP_ACT_LOG", "0"},
				  {"SCMP_ACT_NOTIFY", "0"},
				  {"SCMP_ACT_ERRNO", "38"}};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[256];

		snprintf(text, sizeof(text),
			 "format\tbaton-plan/1\nseccomp.default\t%s\t%s\n"
			 "seccomp.syscall\tgetpid\tSCMP_ACT_KILL\t-\tp\n",
			 cases[i][0], cases[i][1]);
		CHECK(plan_parse(&plan, text, strlen(text), &err) == 0);
		CHECK(seccomp_compile(&plan, &ctx, &err) == 0);
		CHECK(seccomp_enosys_prelude(&plan, ctx, buf, &n, &err) == 0);
		CHECK(n == 0);
		seccomp_release(ctx);
		ctx = NULL;
		plan_release(&plan);
	}
}

TEST(profile_max_per_arch)
{
	autoplan struct plan plan;
	struct stage_error err;

	CHECK(plan_parse(&plan, old_profile, strlen(old_profile), &err) == 0);
	CHECK(seccomp_profile_max_syscall(&plan, SCMP_ARCH_X86_64) == 231);
	CHECK(seccomp_profile_max_syscall(&plan, SCMP_ARCH_X86) == 252);
	CHECK(seccomp_profile_max_syscall(&plan, SCMP_ARCH_X32) == (int)(0x40000000 + 231));
}

TEST(fail_unknown_syscall_annotation)
{
	autoseccomp scmp_filter_ctx ctx = NULL;
	struct stage_error err;
	const char *base = "format\tbaton-plan/1\nseccomp.default\tSCMP_ACT_ALLOW\t-\n"
			   "seccomp.syscall\tno_such_call\tSCMP_ACT_ERRNO\t-\tx.names[0]\n";
	char text[512];

	snprintf(text, sizeof(text), "%sannotation\trun.oci.seccomp_fail_unknown_syscall\t1\n",
		 base);
	CHECK(compile(text, &ctx, &err) < 0);
	CHECK_STR(err.msg, "x.names[0]: invalid seccomp syscall `no_such_call`");
	CHECK(err.errnum == 0);
	snprintf(text, sizeof(text), "%sannotation\trun.oci.seccomp_fail_unknown_syscall\t0\n",
		 base);
	CHECK(compile(text, &ctx, &err) == 0);
}

static void cache_for(struct seccomp_cache *cache, const char *text, const char *root)
{
	autoplan struct plan plan;
	struct stage_error err;

	plan_parse(&plan, text, strlen(text), &err);
	seccomp_cache_open(cache, &plan, root);
}

/* Where the listener goes does not change the program: one cache entry. */
TEST(cache_key_ignores_the_listener)
{
	const char *a = "format\tbaton-plan/1\nseccomp.default\tSCMP_ACT_ALLOW\t-\n"
			"seccomp.syscall\tmkdir\tSCMP_ACT_NOTIFY\t-\tp\nseccomp.notify\t1\n"
			"seccomp.listener-path\t/run/a.sock\n";
	const char *b = "format\tbaton-plan/1\nseccomp.default\tSCMP_ACT_ALLOW\t-\n"
			"seccomp.syscall\tmkdir\tSCMP_ACT_NOTIFY\t-\tp\nseccomp.notify\t1\n"
			"seccomp.listener-path\t/run/b.sock\nseccomp.listener-metadata\tm\n";
	struct seccomp_cache ca, cb;

	cache_for(&ca, a, NULL);
	cache_for(&cb, b, NULL);
	CHECK_STR(ca.name, cb.name);
	seccomp_cache_close(&ca);
	seccomp_cache_close(&cb);
}

TEST(cache_round_trip_and_checks)
{
	char root[] = "/tmp/baton-unit-cache.XXXXXX", path[128];
	const char prog[16] = "0123456789abcdef";
	struct seccomp_cache cache;
	struct stage_error err;
	size_t size;
	void *got;

	CHECK(mkdtemp(root) != NULL);
	cache_for(&cache, old_profile, root);
	CHECK(cache.dirfd >= 0);
	CHECK(seccomp_cache_lookup(&cache, &got, &size, &err) == 0 && got == NULL);
	seccomp_cache_store(&cache, prog, sizeof(prog));
	CHECK(seccomp_cache_lookup(&cache, &got, &size, &err) == 0 && got != NULL);
	CHECK(size == sizeof(prog) && got && memcmp(got, prog, size) == 0);
	free(got);
	snprintf(path, sizeof(path), "%s/.cache/seccomp/%s", root, cache.name);
	seccomp_cache_close(&cache);

	/* another profile: another key, no hit */
	cache_for(&cache, profile, root);
	CHECK(seccomp_cache_lookup(&cache, &got, &size, &err) == 0 && got == NULL);
	seccomp_cache_close(&cache);

	/* a flipped byte of the program: refused and removed */
	{
		autoclose int fd = open(path, O_WRONLY | O_CLOEXEC);
		struct stat st;

		CHECK(fd >= 0 && fstat(fd, &st) == 0);
		CHECK(pwrite(fd, "X", 1, st.st_size - 1) == 1);
	}
	cache_for(&cache, old_profile, root);
	CHECK(seccomp_cache_lookup(&cache, &got, &size, &err) == 0 && got == NULL);
	CHECK(access(path, F_OK) < 0);
	seccomp_cache_close(&cache);

	/* no root: no cache, no error */
	cache_for(&cache, old_profile, NULL);
	CHECK(cache.dirfd < 0);
	CHECK(seccomp_cache_lookup(&cache, &got, &size, &err) == 0 && got == NULL);
	seccomp_cache_close(&cache);

	snprintf(path, sizeof(path), "rm -rf %s", root);
	CHECK(system(path) == 0);
}

TEST(cache_hash_is_fnv1a)
{
	char out[17];

	seccomp_cache_hash("", 0, out);
	CHECK_STR(out, "cbf29ce484222325");
	seccomp_cache_hash("a", 1, out);
	CHECK_STR(out, "af63dc4c8601ec8c");
}

TEST(verdict_matches_the_kernel)
{
	autofree struct sock_filter *prog = NULL;
	struct seccomp_data d = {.arch = SCMP_ARCH_X86_64};
	struct stage_error err;
	uint32_t ret;
	size_t len;

	CHECK(program(old_profile, &prog, &len, &err) == 0);
	d.nr = SYS_getpid;
	CHECK(bpf_verdict(prog, len, &d, &ret) == 0 && ret == SECCOMP_RET_ALLOW);
	d.nr = SYS_getppid;
	CHECK(bpf_verdict(prog, len, &d, &ret) == 0 && ret == (SECCOMP_RET_ERRNO | EPERM));
	d.nr = 435;
	CHECK(bpf_verdict(prog, len, &d, &ret) == 0 && ret == (SECCOMP_RET_ERRNO | ENOSYS));
	/* another architecture than the filter's: libseccomp's bad-arch action */
	d.arch = 0x12345678;
	CHECK(bpf_verdict(prog, len, &d, &ret) == 0 && ret == SECCOMP_RET_KILL_THREAD);
}

TEST(argument_conditions_in_the_verdict)
{
	autofree struct sock_filter *prog = NULL;
	struct seccomp_data d = {.arch = SCMP_ARCH_X86_64, .nr = SYS_umask};
	struct stage_error err;
	uint32_t ret;
	size_t len;

	CHECK(program("format\tbaton-plan/1\nseccomp.default\tSCMP_ACT_ALLOW\t-\n"
		      "seccomp.syscall\tumask\tSCMP_ACT_ERRNO\t13\tp\t0\tSCMP_CMP_MASKED_EQ\t63\t63\n",
		      &prog, &len, &err) == 0);
	d.args[0] = 077;
	CHECK(bpf_verdict(prog, len, &d, &ret) == 0 && ret == (SECCOMP_RET_ERRNO | 13));
	d.args[0] = 022;
	CHECK(bpf_verdict(prog, len, &d, &ret) == 0 && ret == SECCOMP_RET_ALLOW);
}

TEST(a_profile_that_denies_exit_is_refused)
{
	autofree struct sock_filter *prog = NULL;
	struct stage_error err;
	size_t len;
	const char *deny_all = "format\tbaton-plan/1\nseccomp.default\tSCMP_ACT_ERRNO\t1\n"
			       "seccomp.syscall\tgetpid\tSCMP_ACT_ALLOW\t-\tp\n";
	const char *exit_only = "format\tbaton-plan/1\nseccomp.default\tSCMP_ACT_ERRNO\t1\n"
				"seccomp.syscall\texit\tSCMP_ACT_ALLOW\t-\tp\n";
	const char *kill_old = "format\tbaton-plan/1\nseccomp.default\tSCMP_ACT_KILL\t-\n"
			       "seccomp.syscall\tgetpid\tSCMP_ACT_ALLOW\t-\tp\n";
	const char *kill_all = "format\tbaton-plan/1\nseccomp.default\tSCMP_ACT_KILL\t-\n"
			       "seccomp.syscall\tgetpid\tSCMP_ACT_ALLOW\t-\tp\n"
			       "seccomp.syscall\tset_mempolicy_home_node\tSCMP_ACT_ALLOW\t-\tp\n";
	const char *notify_all = "format\tbaton-plan/1\nseccomp.default\tSCMP_ACT_NOTIFY\t-\n"
				 "seccomp.syscall\tgetpid\tSCMP_ACT_ALLOW\t-\tp\n";

	CHECK(program(deny_all, &prog, &len, &err) < 0);
	CHECK_CONTAINS(err.msg, "denies both exit_group and exit");
	CHECK(err.errnum == 0);
	CHECK(program(exit_only, &prog, &len, &err) == 0);
	free(prog);
	prog = NULL;
	/* exit_group is newer than getpid: the ENOSYS prelude answers it, not KILL */
	CHECK(program(kill_old, &prog, &len, &err) < 0);
	/* killing on every syscall ends the process too: allowed */
	CHECK(program(kill_all, &prog, &len, &err) == 0);
	free(prog);
	prog = NULL;
	/* notifying on every syscall: the agent may let exit through */
	CHECK(program(notify_all, &prog, &len, &err) == 0);
}

/* WAIT_KILLABLE_RECV is for a listener: fine in a profile that notifies. */
TEST(wait_killable_recv_with_notify)
{
	autoplan struct plan plan;
	autoseccomp scmp_filter_ctx ctx = NULL;
	struct stage_error err;
	const char *text = "format\tbaton-plan/1\nseccomp.default\tSCMP_ACT_ALLOW\t-\n"
			   "seccomp.flag\tSECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\n"
			   "seccomp.syscall\tmkdir\tSCMP_ACT_NOTIFY\t-\tp\n"
			   "seccomp.notify\t1\n";

	CHECK(plan_parse(&plan, text, strlen(text), &err) == 0);
	CHECK(seccomp_compile(&plan, &ctx, &err) == 0);
}

int main(void)
{
	return unit_run();
}
