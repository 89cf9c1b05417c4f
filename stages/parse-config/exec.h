#ifndef PARSE_CONFIG_EXEC_H
#define PARSE_CONFIG_EXEC_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "plan.h"
#include "strbuf.h"

/* What `baton exec`'s command line changes in the container's process. */
struct exec_overrides {
	char **args; /* the command, replacing process.args when nargs > 0 */
	size_t nargs;
	const char **env; /* NAME=VALUE, replacing or appended */
	size_t nenv;
	const char **caps; /* added to bounding, effective, permitted */
	size_t ncaps;
	const char *cwd;
	const char *user; /* UID[:GID] */
	const char *apparmor;
	const char *process_label;
	int tty; /* -1: as the base says */
	bool no_new_privs;
};

/*
 * The exec plan: base (the container's plan) with its process records
 * replaced by process_json (NULL: the base's own process) plus overrides.
 */
int parse_exec(const char *base_text, size_t base_len, const char *process_json, size_t len,
	       const struct exec_overrides *o, struct strbuf *out, struct stage_error *err);

#endif
