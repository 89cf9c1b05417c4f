#ifndef BATON_SPAWN_H
#define BATON_SPAWN_H

#include <stddef.h>
#include <sys/types.h>

#include "baton.h"

struct fd_assign {
	const char *name; /* BATON_FD_<name> */
	int fd;
};

struct stage_proc {
	const char *name;
	pid_t pid;
	int sync; /* our end of the stage's sync socket */
};

/* Start stage `name` from libexec with the fds given (plus SYNC) and extra env. */
int stage_spawn(struct stage_proc *proc, const char *name, char *const *args,
		const struct fd_assign *fds, size_t nfds, char *const *env_extra,
		struct stage_error *err);
/*
 * The hooks stage: as stage_spawn, plus the caller's environment, which a
 * hook without `env` gets (as in crun).
 */
int stage_spawn_hooks(struct stage_proc *proc, char *const *args, const struct fd_assign *fds,
		      size_t nfds, char *const *env_extra, struct stage_error *err);
/* Account for a reaped stage: 0 if it succeeded, else its error record. */
int stage_finish(struct stage_proc *proc, int wstatus, struct stage_error *err);

#endif
