/*
 * hooks: run the OCI hooks of one phase on the host side (prestart,
 * createRuntime, poststart, poststop), so that they are a step of the
 * pipeline like any other. createContainer and startContainer run inside the
 * container, from mount-rootfs and final-exec, with the same libstage code.
 */
#include <fcntl.h>
#include <string.h>

#include "cleanup.h"
#include "fdenv.h"
#include "hooks.h"
#include "plan.h"
#include "stage.h"

static const char usage[] =
    "Usage: hooks PHASE\n"
    "       hooks --plan FILE [--state FILE] PHASE\n"
    "Run the OCI hooks of PHASE (prestart, createRuntime, poststart, poststop, ...)\n"
    "from the plan, each with the container state JSON on its stdin.\n"
    "In the pipeline the plan and the state come as BATON_FD_PLAN and BATON_FD_STATE.\n"
    "A hook without `env` gets this program's environment (without BATON_*).\n"
    "Exit status 1 when a hook fails or times out; in poststop the other hooks\n"
    "still run.\n";

struct inputs {
	const char *phase;
	int plan_fd, state_fd;
};

static int read_inputs(int argc, char **argv, struct inputs *in, struct stage_error *err)
{
	const char *plan = NULL, *state = NULL;

	in->phase = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--plan") == 0 && i + 1 < argc)
			plan = argv[++i];
		else if (strcmp(argv[i], "--state") == 0 && i + 1 < argc)
			state = argv[++i];
		else if (argv[i][0] != '-' && !in->phase)
			in->phase = argv[i];
		else
			return stage_fail(err, 0, "unknown argument `%s` (see --help)", argv[i]);
	}
	if (!in->phase)
		return stage_fail(err, 0, "which phase? (see --help)");
	in->plan_fd =
	    plan ? open(plan, O_RDONLY | O_CLOEXEC) : stage_fd("BATON_FD_PLAN", FD_KIND_FILE, err);
	if (in->plan_fd < 0)
		return plan ? stage_fail(err, 0, "open `%s`", plan) : -1;
	in->state_fd = state ? open(state, O_RDONLY | O_CLOEXEC)
			     : stage_fd_opt("BATON_FD_STATE", FD_KIND_FILE, err);
	if (in->state_fd == -1)
		return -1;
	return 0;
}

extern char **environ;

int main(int argc, char **argv)
{
	struct stage_error err = {0};
	autoplan struct plan plan = {0};
	struct inputs in = {.plan_fd = -1, .state_fd = -1};

	stage_init("hooks", argc, argv, usage);
	if (read_inputs(argc, argv, &in, &err) < 0 || plan_load_fd(&plan, in.plan_fd, &err) < 0 ||
	    hooks_run(&plan, in.phase, in.state_fd, environ, &err) < 0)
		stage_exit_error(&err);
	return 0;
}
