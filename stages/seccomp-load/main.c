/*
 * seccomp-load: compile the plan's seccomp section to a raw BPF program, on
 * the host side while the container process is being cloned, so that
 * final-exec (a static musl binary, no libseccomp) only has to install it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache.h"
#include "cleanup.h"
#include "compile.h"
#include "fdenv.h"
#include "plan.h"
#include "stage.h"

static const char usage[] =
    "Usage: seccomp-load [--plan FILE --out FILE]\n"
    "\n"
    "Compile the seccomp.* records of a plan (schemas/plan.md) into a raw BPF\n"
    "program (an array of struct sock_filter) for final-exec to install.\n"
    "\n"
    "With --plan and --out it reads and writes files; otherwise it reads the plan\n"
    "from BATON_FD_PLAN, writes the program to the empty memfd BATON_FD_BPF and\n"
    "seals it, and reports a failure on BATON_FD_SYNC. BATON_DEBUG=1 narrates.\n"
    "\n"
    "The program starts with an ENOSYS prelude: syscalls newer than every one the\n"
    "profile names fail with ENOSYS, not the default action. A profile under which\n"
    "the process could never exit (exit_group and exit denied) is refused.\n"
    "Compiled programs are cached under $BATON_ROOT/.cache/seccomp, keyed by the\n"
    "seccomp records; without BATON_ROOT nothing is cached.\n";

struct seccomp_load {
	struct plan plan;
	int out; /* where the program goes */
	bool seal;
	struct seccomp_cache cache;
	struct sock_filter *prog;
	size_t len; /* instructions */
	bool from_cache;
};

static int parse_args(int argc, char **argv, const char **plan, const char **out,
		      struct stage_error *err)
{
	*plan = *out = NULL;
	for (int i = 1; i < argc; i++) {
		const char **slot = strcmp(argv[i], "--plan") == 0  ? plan
				    : strcmp(argv[i], "--out") == 0 ? out
								    : NULL;

		if (!slot)
			return stage_fail(err, EINVAL, "unknown argument `%s` (see --help)",
					  argv[i]);
		if (i + 1 >= argc)
			return stage_fail(err, EINVAL, "`%s` needs a file", argv[i]);
		*slot = argv[++i];
	}
	if (!*plan != !*out)
		return stage_fail(err, EINVAL, "`--plan` and `--out` go together");
	return 0;
}

static int open_inputs_from_files(struct seccomp_load *sl, const char *plan, const char *out,
				  struct stage_error *err)
{
	if (plan_load_file(&sl->plan, plan, err) < 0)
		return -1;
	sl->out = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (sl->out < 0)
		return stage_fail(err, errno, "open output `%s`", out);
	return 0;
}

static int open_inputs_from_fds(struct seccomp_load *sl, struct stage_error *err)
{
	int plan_fd = stage_fd("BATON_FD_PLAN", FD_KIND_SEALED_MEMFD, err);
	struct stat st;

	if (plan_fd < 0 || plan_load_fd(&sl->plan, plan_fd, err) < 0)
		return -1;
	if (stage_fd("BATON_FD_SYNC", FD_KIND_SOCKET, err) < 0)
		return -1;
	sl->out = stage_fd("BATON_FD_BPF", FD_KIND_FILE, err);
	if (sl->out < 0)
		return -1;
	if (fstat(sl->out, &st) < 0)
		return stage_fail(err, errno, "BATON_FD_BPF: fd %d", sl->out);
	if (st.st_size != 0)
		return stage_fail(err, EINVAL, "BATON_FD_BPF: fd %d is not empty", sl->out);
	sl->seal = true;
	return 0;
}

static int open_inputs(struct seccomp_load *sl, int argc, char **argv, struct stage_error *err)
{
	const char *plan, *out;

	if (parse_args(argc, argv, &plan, &out, err) < 0)
		return -1;
	if (plan)
		return open_inputs_from_files(sl, plan, out, err);
	return open_inputs_from_fds(sl, err);
}

static int look_up_cache(struct seccomp_load *sl, struct stage_error *err)
{
	void *prog;
	size_t size;

	seccomp_cache_open(&sl->cache, &sl->plan, getenv("BATON_ROOT"));
	if (seccomp_cache_lookup(&sl->cache, &prog, &size, err) < 0)
		return -1;
	sl->prog = prog;
	sl->len = size / sizeof(struct sock_filter);
	sl->from_cache = prog != NULL;
	return 0;
}

static int compile_filter(struct seccomp_load *sl, struct stage_error *err)
{
	if (sl->from_cache)
		return 0;
	if (seccomp_program(&sl->plan, &sl->prog, &sl->len, err) < 0)
		return -1;
	seccomp_cache_store(&sl->cache, sl->prog, sl->len * sizeof(struct sock_filter));
	return 0;
}

static int write_program(struct seccomp_load *sl, struct stage_error *err)
{
	const char *p = (const char *)sl->prog;
	size_t left = sl->len * sizeof(struct sock_filter);

	while (left > 0) {
		ssize_t n = write(sl->out, p, left);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return stage_fail(err, n < 0 ? errno : EIO, "write the BPF program");
		p += n;
		left -= (size_t)n;
	}
	stage_debug("BPF program: %zu instructions%s", sl->len,
		    sl->from_cache ? " (from the cache)" : "");
	return 0;
}

/* final-exec checks the seals: nobody may change the program after us. */
static int seal_program(struct seccomp_load *sl, struct stage_error *err)
{
	if (!sl->seal)
		return 0;
	return memfd_seal(sl->out, err);
}

int main(int argc, char **argv)
{
	struct seccomp_load sl = {.out = -1};
	struct stage_error err;

	stage_init("seccomp-load", argc, argv, usage);
	if (open_inputs(&sl, argc, argv, &err) < 0 || look_up_cache(&sl, &err) < 0 ||
	    compile_filter(&sl, &err) < 0 || write_program(&sl, &err) < 0 ||
	    seal_program(&sl, &err) < 0)
		stage_exit_error(&err);
	seccomp_cache_close(&sl.cache);
	free(sl.prog);
	plan_release(&sl.plan);
	return 0;
}
