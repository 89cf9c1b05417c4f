/*
 * OCI hooks: run every hook of one phase, in order, each with the container's
 * state JSON on stdin, its args, env and timeout. Shared by the `hooks` stage
 * (host-side phases), mount-rootfs (createContainer) and final-exec
 * (startContainer), so every phase runs the same way wherever it runs.
 */
#ifndef BATON_HOOKS_H
#define BATON_HOOKS_H

#include <stdbool.h>

#include "error.h"
#include "plan.h"

bool hooks_present(const struct plan *plan, const char *phase);

/*
 * Run the hooks of phase. state_fd holds the state JSON (read from offset 0).
 * A hook that fails, or outlives its timeout (then killed), fails the call;
 * in poststop the other hooks still run first (each later failure a warning,
 * the first one the error). A hook without `env` gets default_env without
 * its BATON_* variables. Hook output goes to the files named by the
 * run.oci.hooks.stdout/stderr annotations, else to ours.
 */
int hooks_run(const struct plan *plan, const char *phase, int state_fd, char *const *default_env,
	      struct stage_error *err);

#endif
