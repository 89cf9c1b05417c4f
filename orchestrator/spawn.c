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
#include "strbuf.h"
#include "strvec.h"

/*
 * One host stage: its fds (named BATON_FD_*), SYNC and env_extra, plus, for
 * the hooks, the caller's variables without BATON_* (those are the
 * contract's). argv and env are sized from their input, never cut.
 */
static int spawn(struct stage_proc *proc, const char *name, char *const *args,
		 const struct fd_assign *fds, size_t nfds, char *const *env_extra, bool caller_env,
		 struct stage_error *err)
{
	extern char **environ;
	autostrbuf struct strbuf path = {0};
	autostrvec struct strvec env = {0}, argv = {0};
	int sv[2];
	posix_spawn_file_actions_t fa;
	int rc;

	strbuf_printf(&path, "%s/%s", libexec_dir(), name);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return stage_fail(err, errno, "socketpair for `%s`", name);
	posix_spawn_file_actions_init(&fa);
	/* dup2 onto the same number clears close-on-exec in the child only */
	for (size_t i = 0; i < nfds; i++) {
		strvec_pushf(&env, "BATON_FD_%s=%d", fds[i].name, fds[i].fd);
		posix_spawn_file_actions_adddup2(&fa, fds[i].fd, fds[i].fd);
	}
	strvec_pushf(&env, "BATON_FD_SYNC=%d", sv[1]);
	posix_spawn_file_actions_adddup2(&fa, sv[1], sv[1]);
	for (; env_extra && *env_extra; env_extra++)
		strvec_push(&env, *env_extra);
	for (char **e = environ; caller_env && *e; e++)
		if (strncmp(*e, "BATON_", 6) != 0)
			strvec_push(&env, *e);
	strvec_push(&argv, name);
	for (; args && *args; args++)
		strvec_push(&argv, *args);
	rc = posix_spawn(&proc->pid, path.data, &fa, NULL, argv.v, env.v);
	posix_spawn_file_actions_destroy(&fa);
	close(sv[1]);
	if (rc != 0) {
		close(sv[0]);
		return stage_fail(err, rc, "cannot run stage `%s`", path.data);
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
