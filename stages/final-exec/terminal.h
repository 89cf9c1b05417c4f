#ifndef FINAL_EXEC_TERMINAL_H
#define FINAL_EXEC_TERMINAL_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "plan.h"

/*
 * When process.terminal is set: make a pty, send its master on console, and
 * make its slave our controlling terminal and stdio (and, unless exec,
 * /dev/console). Nothing to do otherwise.
 */
int terminal_setup(const struct plan *plan, int console, bool exec, uid_t uid,
		   struct stage_error *err);

#endif
