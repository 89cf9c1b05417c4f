/*
 * Another process's namespace, as stages that act on the container process
 * need it: opened from /proc/PID/ns, and compared with the stage's own (a
 * namespace joined by a path can be the runtime's).
 */
#ifndef BATON_NSFILE_H
#define BATON_NSFILE_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"

/*
 * /proc/PID/ns/NAME ("net", "user", ...) opened O_CLOEXEC; *ours says whether
 * it is also the caller's own namespace. -1 with err set when it cannot be
 * opened; what names the namespace in the message is the caller's what.
 */
int ns_open_of(pid_t pid, const char *name, const char *what, bool *ours, struct stage_error *err);

#endif
