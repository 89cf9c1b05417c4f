/*
 * parse-config's core: config.json text in, plan text out (schemas/plan.md),
 * no I/O, so that unit tests can drive it with strings.
 */
#ifndef PARSE_CONFIG_PARSE_H
#define PARSE_CONFIG_PARSE_H

#include <stddef.h>

#include "error.h"
#include "strbuf.h"

/*
 * Validate config.json (json, len bytes) of the container id in the absolute
 * directory bundle and append its plan to plan_out. On error the message
 * names the JSON path of the offending field, errnum is EINVAL.
 */
int parse_config(const char *json, size_t len, const char *bundle, const char *id,
		 struct strbuf *plan_out, struct stage_error *err);

/*
 * A linux.resources object (json, len bytes) as cgroup records appended to
 * out; what names the input in the error.
 */
int parse_resources_text(const char *json, size_t len, const char *what, struct strbuf *out,
			 struct stage_error *err);

/* `parse-config --resources FILE|-` (baton update -r): see resources.c. */
int resources_main(int argc, char **argv);

#endif
