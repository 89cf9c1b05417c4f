/*
 * The hook phases that run after create, on the host: poststart (after
 * start) and poststop (after delete). They go through the same `hooks` stage
 * as prestart and createRuntime, with the container's saved plan and a
 * state JSON of the moment. A failing poststart hook fails start and run
 * (runtime-spec 1.3); a failing poststop hook is a warning.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "baton.h"
#include "log.h"
#include "cleanup.h"
#include "fdenv.h"
#include "hooks.h"
#include "spawn.h"
#include "strbuf.h"

int run_host_hooks(const struct global_opts *g, const struct container *c, const char *phase,
		   const char *status, struct stage_error *err)
{
	autoplan struct plan plan = {0};
	autostrbuf struct strbuf sb = {0};
	autoclose int plan_fd = -1;
	autoclose int state_fd = -1;
	char *args[] = {(char *)phase, NULL};
	char *env[] = {g->debug ? "BATON_DEBUG=1" : NULL, NULL};
	struct stage_proc proc;
	int wstatus;

	plan_fd = openat(c->dirfd, "plan", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (plan_fd < 0 || plan_load_fd(&plan, plan_fd, err) < 0)
		return plan_fd < 0 ? 0 : -1; /* no plan, no hooks */
	if (!hooks_present(&plan, phase))
		return 0;
	oci_state_json(&sb, c, status, &plan, "");
	state_fd = memfd_sealed("baton-state", sb.data, sb.len, err);
	if (state_fd < 0)
		return -1;
	struct fd_assign fds[] = {{"PLAN", plan_fd}, {"STATE", state_fd}};
	if (stage_spawn_hooks(&proc, args, fds, 2, env, err) < 0)
		return -1;
	while (waitpid(proc.pid, &wstatus, 0) < 0)
		if (errno != EINTR)
			return stage_fail(err, errno, "wait for the %s hooks", phase);
	return stage_finish(&proc, wstatus, err);
}

void log_stage_warning(const struct stage_error *err)
{
	char text[STAGE_MSG_MAX + 128];

	stage_error_text(err, text, sizeof(text));
	log_warning("%s%s%s", strcmp(err->stage, "baton") ? err->stage : "",
		    strcmp(err->stage, "baton") ? ": " : "", text);
}
