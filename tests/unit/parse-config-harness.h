/*
 * The harness of the parse-config unit tests (test-parse-config*.c): a
 * config from JSON strings written with single quotes (turned into double
 * quotes before parsing), run through parse_config(), and checks on the
 * plan it wrote.
 */
#ifndef BATON_PARSE_CONFIG_HARNESS_H
#define BATON_PARSE_CONFIG_HARNESS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parse.h"
#include "rules.h"
#include "unit.h"

/* a real directory: parse-config stats root.path */
#define BUNDLE "/tmp/baton-unit-parse-config"

static struct strbuf plan;
static struct stage_error err;

static inline int run_raw(const char *sq_json)
{
	char *json = strdup(sq_json);
	int rc;

	for (char *p = json; *p; p++)
		if (*p == '\'')
			*p = '"';
	strbuf_release(&plan);
	memset(&err, 0, sizeof(err));
	rc = parse_config(json, strlen(json), BUNDLE, "ctr", &plan, &err);
	free(json);
	return rc;
}

/* A minimal valid config, plus top-level members top and linux members lin. */
static inline int run(const char *top, const char *lin)
{
	char json[8192];

	snprintf(json, sizeof(json),
		 "{'ociVersion':'1.0.2','root':{'path':'rootfs'}%s%s,'linux':{%s}}",
		 *top ? "," : "", top, lin ? lin : "'namespaces':[{'type':'mount'}]");
	return run_raw(json);
}

/* line uses `|` for TAB */
static inline int has_line(const char *line)
{
	char want[1024];

	snprintf(want, sizeof(want), "\n%s\n", line);
	for (char *p = want; *p; p++)
		if (*p == '|')
			*p = '\t';
	return plan.data && strstr(plan.data, want) != NULL;
}

#define ACCEPT(top, lin)                                                                           \
	do {                                                                                       \
		if (run(top, lin) < 0) {                                                           \
			printf("# %s:%d: unexpected error: %s\n", __FILE__, __LINE__, err.msg);    \
			*unit_failed = 1;                                                          \
		}                                                                                  \
	} while (0)
#define REJECT(top, lin, want)                                                                     \
	do {                                                                                       \
		CHECK(run(top, lin) < 0);                                                          \
		CHECK_STR(err.msg, want);                                                          \
		CHECK(err.errnum == 0);                                                            \
	} while (0)
static inline size_t plan_count_lines(const char *key)
{
	char want[256];
	size_t n = 0;

	snprintf(want, sizeof(want), "\n%s\t", key);
	for (const char *p = plan.data; p && (p = strstr(p, want)); p++)
		n++;
	return n;
}

#define HAS(line)   CHECK(has_line(line))
#define HASNT(line) CHECK(!has_line(line))
#define NS(...)	    "'namespaces':[{'type':'mount'}" __VA_ARGS__ "]"
#define PROC(...)   "'process':{'args':['sh']," __VA_ARGS__ "}"

/* parse-config checks that root.path exists: give it one */
static inline int parse_config_unit_main(void)
{
	mkdir(BUNDLE, 0755);
	mkdir(BUNDLE "/rootfs", 0755);
	int rc = unit_run();

	rmdir(BUNDLE "/rootfs");
	rmdir(BUNDLE);
	strbuf_release(&plan);
	return rc;
}

#endif
