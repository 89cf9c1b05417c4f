#include "final-exec.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fdenv.h"
#include "stage.h"

struct standalone_args {
	const char *plan;
	const char *bpf;
};

static int parse_args(struct standalone_args *args, int argc, char **argv, struct stage_error *err)
{
	memset(args, 0, sizeof(*args));
	for (int i = 1; i < argc; i++) {
		const char **slot = strcmp(argv[i], "--plan") == 0  ? &args->plan
				    : strcmp(argv[i], "--bpf") == 0 ? &args->bpf
								    : NULL;

		if (!slot)
			return stage_fail(err, EINVAL, "unknown argument `%s` (see --help)",
					  argv[i]);
		if (i + 1 >= argc)
			return stage_fail(err, EINVAL, "`%s` needs a file", argv[i]);
		*slot = argv[++i];
	}
	if (args->bpf && !args->plan)
		return stage_fail(err, EINVAL, "`--bpf` needs `--plan`");
	return 0;
}

static int parse_preserved(unsigned *preserved, struct stage_error *err)
{
	const char *v = getenv("BATON_PRESERVE_FDS");
	char *end;
	unsigned long n;

	*preserved = 0;
	if (!v)
		return 0;
	errno = 0;
	n = strtoul(v, &end, 10);
	if (!*v || *end || errno || n > 65536)
		return stage_fail(err, EINVAL, "BATON_PRESERVE_FDS: not a number of fds: `%s`", v);
	*preserved = (unsigned)n;
	return 0;
}

/* Run by a person: files instead of fds, no orchestrator to talk to. */
static int load_from_files(struct final_exec *fx, const struct standalone_args *args,
			   struct stage_error *err)
{
	if (plan_load_file(&fx->plan, args->plan, err) < 0)
		return -1;
	if (args->bpf && bpf_filter_load_file(&fx->filter, args->bpf, err) < 0)
		return -1;
	return 0;
}

/* Run by the orchestrator: the fd contract of schemas/pipeline.tsv. */
static int load_from_fds(struct final_exec *fx, struct stage_error *err)
{
	int plan_fd, bpf_fd;

	if ((plan_fd = stage_fd("BATON_FD_PLAN", FD_KIND_SEALED_MEMFD, err)) < 0)
		return -1;
	if ((fx->sync = stage_fd("BATON_FD_SYNC", FD_KIND_SOCKET, err)) < 0)
		return -1;
	if ((bpf_fd = stage_fd_opt("BATON_FD_BPF", FD_KIND_SEALED_MEMFD, err)) == -1)
		return -1;
	if ((fx->fifo = stage_fd_opt("BATON_FD_FIFO", FD_KIND_FIFO, err)) == -1)
		return -1;
	if (fx->fifo == FD_ABSENT)
		fx->fifo = -1;
	if ((fx->result = stage_fd_opt("BATON_FD_RESULT", FD_KIND_FIFO, err)) == -1)
		return -1;
	if (fx->result == FD_ABSENT)
		fx->result = -1;
	if ((fx->console = stage_fd_opt("BATON_FD_CONSOLE", FD_KIND_SOCKET, err)) == -1)
		return -1;
	if (fx->console == FD_ABSENT)
		fx->console = -1;
	if (plan_load_fd(&fx->plan, plan_fd, err) < 0)
		return -1;
	if (bpf_fd >= 0 && bpf_filter_load_fd(&fx->filter, bpf_fd, "BATON_FD_BPF", err) < 0)
		return -1;
	return listener_receiver_load(&fx->receiver, err);
}

/* SCMP_ACT_NOTIFY: without a receiver nobody would answer (the orchestrator insists on one). */
static int check_receiver(const struct final_exec *fx, struct stage_error *err)
{
	if (!bpf_filter_present(&fx->filter) || !plan_flag(&fx->plan, "seccomp.notify") ||
	    fx->receiver.sock >= 0)
		return 0;
	return stage_fail(err, EINVAL,
			  "the seccomp profile uses SCMP_ACT_NOTIFY and no seccomp receiver was "
			  "given (BATON_FD_SECCOMP_RECEIVER)");
}

int final_exec_load(struct final_exec *fx, int argc, char **argv, struct stage_error *err)
{
	struct standalone_args args;
	const char *no_keyring = getenv("BATON_NO_NEW_KEYRING");

	memset(fx, 0, sizeof(*fx));
	fx->sync = -1;
	fx->fifo = -1;
	fx->result = -1;
	fx->console = -1;
	fx->receiver.sock = -1;
	fx->exec = getenv("BATON_EXEC") != NULL;
	fx->new_keyring = !(no_keyring && strcmp(no_keyring, "1") == 0);
	if (parse_args(&args, argc, argv, err) < 0 || parse_preserved(&fx->preserved, err) < 0)
		return -1;
	if ((args.plan ? load_from_files(fx, &args, err) : load_from_fds(fx, err)) < 0)
		return -1;
	/* `process` is optional at create: such a container only waits */
	if (!plan_flag(&fx->plan, "process") && fx->fifo >= 0) {
		fx->no_process = true;
		stage_debug("plan has no process: waiting for start or delete");
		return 0;
	}
	if (process_spec_load(&fx->spec, &fx->plan, err) < 0 || check_receiver(fx, err) < 0)
		return -1;
	stage_debug("plan loaded: `%s`, %zu rlimits, seccomp filter: %u instructions",
		    fx->spec.argv[0], fx->spec.nrlimits, fx->filter.len);
	return 0;
}

void final_exec_release(struct final_exec *fx)
{
	free(fx->executable);
	bpf_filter_release(&fx->filter);
	listener_receiver_release(&fx->receiver);
	process_spec_release(&fx->spec);
	plan_release(&fx->plan);
}
