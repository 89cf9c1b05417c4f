/*
 * Starting a host-side stage: posix_spawn (vfork-fast) with exactly the fds
 * of its contract left open, named by BATON_FD_* variables, and its own
 * sync socket on which a failing stage leaves one error record.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "record.h"
#include "spawn.h"

static void free_env(char **envp)
{
	for (char **e = envp; e && *e; e++)
		free(*e);
	free(envp);
}

/*
 * The stage's environment: its fds, SYNC, env_extra and, for the hooks, the
 * caller's variables (without BATON_*: those are the contract's). Sized from
 * the input, never cut.
 */
static char **stage_env(const struct fd_assign *fds, size_t nfds, int sync, char *const *env_extra,
			bool caller_env)
{
	extern char **environ;
	size_t n = 0, max = nfds + 2;
	char **envp;

	for (char *const *e = env_extra; e && *e; e++)
		max++;
	for (char **e = environ; caller_env && *e; e++)
		max++;
	envp = calloc(max, sizeof(*envp));
	if (!envp)
		return NULL;
	for (size_t i = 0; i < nfds; i++)
		if (asprintf(&envp[n++], "BATON_FD_%s=%d", fds[i].name, fds[i].fd) < 0)
			goto fail;
	if (asprintf(&envp[n++], "BATON_FD_SYNC=%d", sync) < 0)
		goto fail;
	for (char *const *e = env_extra; e && *e; e++)
		if (!(envp[n++] = strdup(*e)))
			goto fail;
	for (char **e = environ; caller_env && *e; e++)
		if (strncmp(*e, "BATON_", 6) != 0 && !(envp[n++] = strdup(*e)))
			goto fail;
	return envp;
fail:
	envp[n - 1] = NULL;
	free_env(envp);
	return NULL;
}

static int spawn(struct stage_proc *proc, const char *name, char *const *args,
		 const struct fd_assign *fds, size_t nfds, char *const *env_extra, bool caller_env,
		 struct stage_error *err)
{
	char path[4200];
	char **envp;
	int sv[2];
	posix_spawn_file_actions_t fa;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", libexec_dir(), name);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return stage_fail(err, errno, "socketpair for `%s`", name);
	envp = stage_env(fds, nfds, sv[1], env_extra, caller_env);
	if (!envp) {
		close(sv[0]);
		close(sv[1]);
		return stage_fail(err, ENOMEM, "environment of stage `%s`", name);
	}
	posix_spawn_file_actions_init(&fa);
	/* dup2 onto the same number clears close-on-exec in the child only */
	for (size_t i = 0; i < nfds; i++)
		posix_spawn_file_actions_adddup2(&fa, fds[i].fd, fds[i].fd);
	posix_spawn_file_actions_adddup2(&fa, sv[1], sv[1]);

	char *argv[64] = {(char *)name};
	size_t argc = 1;

	for (; args && *args && argc < 63; args++)
		argv[argc++] = *args;
	argv[argc] = NULL;
	rc = posix_spawn(&proc->pid, path, &fa, NULL, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	free_env(envp);
	close(sv[1]);
	if (rc != 0) {
		close(sv[0]);
		return stage_fail(err, rc, "cannot run stage `%s`", path);
	}
	proc->name = name;
	proc->sync = sv[0];
	return 0;
}

int stage_spawn(struct stage_proc *proc, const char *name, char *const *args,
		const struct fd_assign *fds, size_t nfds, char *const *env_extra,
		struct stage_error *err)
{
	return spawn(proc, name, args, fds, nfds, env_extra, false, err);
}

int stage_spawn_hooks(struct stage_proc *proc, char *const *args, const struct fd_assign *fds,
		      size_t nfds, char *const *env_extra, struct stage_error *err)
{
	return spawn(proc, "hooks", args, fds, nfds, env_extra, true, err);
}

int stage_finish(struct stage_proc *proc, int wstatus, struct stage_error *err)
{
	struct record rec;
	int ret = 0;

	if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0)
		goto out;
	/* the stage's own error record says more than its exit status */
	if (record_recv(proc->sync, &rec, err) > 0 && rec.tag == REC_ERROR &&
	    rec.len == sizeof(*err)) {
		memcpy(err, rec.payload, sizeof(*err));
		err->stage[STAGE_NAME_MAX - 1] = '\0';
		err->msg[STAGE_MSG_MAX - 1] = '\0';
	} else if (WIFSIGNALED(wstatus)) {
		stage_fail(err, 0, "stage `%s` killed by signal %d", proc->name, WTERMSIG(wstatus));
	} else {
		stage_fail(err, 0, "stage `%s` failed with exit status %d", proc->name,
			   WEXITSTATUS(wstatus));
	}
	ret = -1;
out:
	close(proc->sync);
	proc->sync = -1;
	return ret;
}
