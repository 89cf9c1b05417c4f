/*
 * What every stage program does at its edges: name itself, answer --help,
 * stay non-dumpable, narrate in --debug, and report a failure as one error
 * record on its sync socket (or on stderr when run alone by a person).
 */
#ifndef BATON_STAGE_H
#define BATON_STAGE_H

#include <stdbool.h>

#include "error.h"

/*
 * Set the stage name, make the process non-dumpable (a container process
 * must not reach us through /proc/PID/exe), and print usage for --help or -h.
 */
void stage_init(const char *name, int argc, char **argv, const char *usage);

/* Report err to the orchestrator (BATON_FD_SYNC) or stderr, and exit 1. */
__attribute__((noreturn)) void stage_exit_error(const struct stage_error *err);

/* True when the orchestrator asked for a narration of each step. */
bool stage_debug_enabled(void);

/* One line of narration, "baton[stage]: ...", on stderr, only in debug mode. */
void stage_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A warning that is always shown. */
void stage_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#include <sys/types.h>

/* A process id from text (BATON_PID, --pid), for stages that act on a process. */
int stage_parse_pid(const char *text, const char *what, pid_t *pid, struct stage_error *err);

/*
 * The contract of the host stages that act on the container process
 * (userns-map, cgroup-setup): BATON_FD_PLAN, BATON_FD_SYNC and BATON_PID.
 */
int stage_target_from_env(int *plan_fd, int *sync, pid_t *pid, struct stage_error *err);

/*
 * Root of the host: euid 0 in the initial user namespace (libstage/host-root.c).
 * Root of a user namespace someone made for us (rootless podman) is not.
 */
bool host_root(void);

#endif
