#include "hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "fdenv.h"
#include "stage.h"

#define HOOK_ARGS_MAX 256

struct hook {
	const char *phase, *index, *path;
	long timeout; /* seconds, 0 = none */
	char *argv[HOOK_ARGS_MAX + 1];
	char *envp[HOOK_ARGS_MAX + 1];
};

bool hooks_present(const struct plan *plan, const char *phase)
{
	plan_for_each(plan, "hook", e) if (strcmp(plan_field(e, 0), phase) == 0) return true;
	return false;
}

/* argv and env of hook INDEX of PHASE: the hook.arg / hook.env records. */
static int collect(const struct plan *plan, const char *key, struct hook *h, char **out,
		   struct stage_error *err)
{
	size_t n = 0;

	plan_for_each(plan, key, e)
	{
		if (strcmp(plan_field(e, 0), h->phase) != 0 ||
		    strcmp(plan_field(e, 1), h->index) != 0)
			continue;
		if (n == HOOK_ARGS_MAX)
			return stage_fail(err, E2BIG, "hooks.%s[%s]: more than %d %s", h->phase,
					  h->index, HOOK_ARGS_MAX,
					  strcmp(key, "hook.env") == 0 ? "env entries" : "args");
		out[n++] = (char *)plan_field(e, 2);
	}
	out[n] = NULL;
	return 0;
}

/* A hook without `env` gets the runtime's environment (crun), minus our contract's. */
static int inherit_env(struct hook *h, char *const *env, struct stage_error *err)
{
	size_t n = 0;

	for (; env && *env; env++) {
		if (strncmp(*env, "BATON_", 6) == 0)
			continue;
		if (n == HOOK_ARGS_MAX)
			return stage_fail(err, E2BIG,
					  "hooks.%s[%s]: the runtime's environment has more than "
					  "%d variables for a hook without `env`",
					  h->phase, h->index, HOOK_ARGS_MAX);
		h->envp[n++] = *env;
	}
	h->envp[n] = NULL;
	return 0;
}

static int read_state(int fd, char **text, size_t *len, struct stage_error *err)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return stage_fail(err, errno, "hooks: state");
	*text = malloc((size_t)st.st_size + 1);
	if (!*text)
		return stage_fail(err, ENOMEM, "hooks: state");
	ssize_t n = pread(fd, *text, (size_t)st.st_size, 0);
	if (n < 0)
		return stage_fail(err, errno, "hooks: read the state");
	*len = (size_t)n;
	return 0;
}

/* In the child: stdin from the pipe, output where the annotations say, exec. */
__attribute__((noreturn)) static void exec_hook(const struct hook *h, int in, const char *out,
						const char *errpath)
{
	int fd;

	dup2(in, STDIN_FILENO);
	if (out && (fd = open(out, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600)) >= 0)
		dup2(fd, STDOUT_FILENO);
	if (errpath && (fd = open(errpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600)) >= 0)
		dup2(fd, STDERR_FILENO);
	syscall(SYS_close_range, 3, ~0U, 0);
	execve(h->path, h->argv, h->envp);
	dprintf(STDERR_FILENO, "baton: hook `%s`: %s\n", h->path, strerror(errno));
	_exit(127);
}

/* Wait for pid, at most timeout seconds (0: forever); -1 on timeout. */
static int wait_hook(pid_t pid, long timeout, int *status)
{
	autoclose int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);

	if (timeout > 0 && pidfd >= 0) {
		struct pollfd pfd = {.fd = pidfd, .events = POLLIN};
		int r;

		do
			r = poll(&pfd, 1, (int)(timeout * 1000));
		while (r < 0 && errno == EINTR);
		if (r == 0) {
			kill(pid, SIGKILL);
			waitpid(pid, status, 0);
			return -1;
		}
	}
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	return 0;
}

static int run_one(const struct plan *plan, struct hook *h, const char *state, size_t len,
		   struct stage_error *err)
{
	int pipefd[2], status = 0;
	pid_t pid;

	stage_debug("hook %s[%s]: %s (timeout %lds)", h->phase, h->index, h->path, h->timeout);
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return stage_fail(err, errno, "hook `%s`: pipe", h->path);
	pid = fork();
	if (pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return stage_fail(err, errno, "hook `%s`: fork", h->path);
	}
	if (pid == 0)
		exec_hook(h, pipefd[0], plan_annotation(plan, "run.oci.hooks.stdout"),
			  plan_annotation(plan, "run.oci.hooks.stderr"));
	close(pipefd[0]);
	/* the state is small; a hook that does not read it just gets EPIPE on our side */
	signal(SIGPIPE, SIG_IGN);
	if (write(pipefd[1], state, len) < 0 && errno != EPIPE)
		stage_debug("hook %s: writing the state: %s", h->path, strerror(errno));
	close(pipefd[1]);
	if (wait_hook(pid, h->timeout, &status) < 0)
		return stage_fail(err, ETIMEDOUT, "%s hook `%s` timed out after %ld seconds",
				  h->phase, h->path, h->timeout);
	if (WIFSIGNALED(status))
		return stage_fail(err, 0, "%s hook `%s` killed by signal %d", h->phase, h->path,
				  WTERMSIG(status));
	if (WEXITSTATUS(status) != 0)
		return stage_fail(err, 0, "%s hook `%s` failed with exit status %d", h->phase,
				  h->path, WEXITSTATUS(status));
	return 0;
}

/* runtime-spec: a failing poststop hook is a warning, and the others still run. */
static bool phase_goes_on_after_failure(const char *phase)
{
	return strcmp(phase, "poststop") == 0;
}

int hooks_run(const struct plan *plan, const char *phase, int state_fd, char *const *default_env,
	      struct stage_error *err)
{
	autofree char *state = NULL;
	size_t len = 0;
	unsigned failed = 0;
	struct stage_error first = {0};

	if (!hooks_present(plan, phase))
		return 0;
	if (state_fd >= 0 && read_state(state_fd, &state, &len, err) < 0)
		return -1;
	plan_for_each(plan, "hook", e)
	{
		struct hook h = {.phase = phase};

		if (strcmp(plan_field(e, 0), phase) != 0)
			continue;
		h.index = plan_field(e, 1);
		h.path = plan_field(e, 2);
		h.timeout = strtol(plan_field(e, 3), NULL, 10);
		if (collect(plan, "hook.arg", &h, h.argv, err) < 0 ||
		    collect(plan, "hook.env", &h, h.envp, err) < 0 ||
		    (!h.envp[0] && inherit_env(&h, default_env, err) < 0))
			return -1;
		if (!h.argv[0]) {
			h.argv[0] = (char *)h.path;
			h.argv[1] = NULL;
		}
		if (run_one(plan, &h, state ? state : "", len, err) == 0)
			continue;
		if (!phase_goes_on_after_failure(phase))
			return -1;
		if (failed++ == 0)
			first = *err;
		else
			stage_warn("%s", err->msg);
	}
	if (!failed)
		return 0;
	*err = first;
	if (failed > 1) {
		size_t used = strlen(err->msg);

		snprintf(err->msg + used, sizeof(err->msg) - used, " (and %u more %s hooks failed)",
			 failed - 1, phase);
	}
	return -1;
}
