/*
 * libFuzzer entry of parse-config (tests/fuzz/README.md). One input is read
 * as each thing parse-config reads: a config.json (with the cgroupfs and the
 * systemd cgroup manager), the process JSON of `baton exec --process`, and
 * the resources object of `baton update -r`; and when it is a valid config,
 * its plan is the base of an exec with command-line overrides. Every plan
 * must read back (plan-check.c), and must have the same records when the
 * TABs and newlines of its strings are replaced by '_'. The JSON reader is
 * held against cJSON (json-oracle.c).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "exec.h"
#include "fuzz.h"
#include "parse.h"

/* parse-config stats root.path: the harness's bundle has a real rootfs. */
#define BUNDLE "/tmp/baton-fuzz-bundle"

/* The base of the exec runs over the raw input: a container as `baton spec` makes it, smaller. */
static const char base_config[] =
    "{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"rootfs\"},\"process\":{\"args\":[\"sh\"],"
    "\"cwd\":\"/\",\"env\":[\"PATH=/bin\"],\"capabilities\":{\"bounding\":[\"CAP_KILL\"]}},"
    "\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"mount\"}]}}";
static struct strbuf base_plan;

/* `baton exec`'s options, with TABs and newlines where a user could put them. */
static char *exec_args[] = {"/bin/sh", "-c", "echo a\tb\nc"};
static const char *exec_env[] = {"FUZZ=x\ty\nz", "PATH=/bin"};
static const char *exec_caps[] = {"CAP_KILL"};
static const struct exec_overrides overrides = {
    .args = exec_args,
    .nargs = 3,
    .env = exec_env,
    .nenv = 2,
    .caps = exec_caps,
    .ncaps = 1,
    .cwd = "/tmp\tdir\nx",
    .user = "1:2",
    .tty = 0,
    .no_new_privs = true,
};
/* the same with '_' for the TABs and newlines */
static char *plain_args[3];
static const char *plain_env[2];
static struct exec_overrides plain_overrides;

static void must_config(const char *json, size_t len, struct strbuf *plan)
{
	struct stage_error err = {0};

	if (parse_config(json, len, BUNDLE, "fuzz", plan, &err) < 0)
		fuzz_fail("the harness's own config is refused: %s", err.msg);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	if ((mkdir(BUNDLE, 0755) < 0 && errno != EEXIST) ||
	    (mkdir(BUNDLE "/rootfs", 0755) < 0 && errno != EEXIST))
		fuzz_fail("mkdir %s: %s", BUNDLE, strerror(errno));
	unsetenv("BATON_ROOTLESS");
	unsetenv("BATON_CGROUP_MANAGER");
	must_config(base_config, strlen(base_config), &base_plan);
	for (int i = 0; i < 3; i++)
		plain_args[i] = sanitize_string(exec_args[i]);
	for (int i = 0; i < 2; i++)
		plain_env[i] = sanitize_string(exec_env[i]);
	plain_overrides = overrides;
	plain_overrides.args = plain_args;
	plain_overrides.env = plain_env;
	plain_overrides.cwd = sanitize_string(overrides.cwd);
	return 0;
}

/* The input with TABs and newlines replaced in its strings, printed; NULL if unchanged. */
static char *sanitized(const char *text, size_t len)
{
	autojnode struct jnode *tree = jnode_parse(text, len, NULL);

	if (!tree || !sanitize_tree(tree))
		return NULL;
	return jnode_print(tree);
}

typedef int (*parse_fn)(const char *text, size_t len, struct strbuf *out, struct stage_error *err);

/*
 * Run one reader on the input and on its sanitized copy: the plan must read
 * back, and when both are accepted they must have the same records.
 */
static void check_reader(const char *what, parse_fn fn, const char *text, size_t len,
			 bool with_format)
{
	autostrbuf struct strbuf plan = {0}, plain_plan = {0};
	struct stage_error err = {0};
	autofree char *plain = NULL;

	if (fn(text, len, &plan, &err) < 0) {
		if (!err.msg[0])
			fuzz_fail("%s: refused without a message", what);
		return;
	}
	check_plan(what, &plan, with_format);
	plain = sanitized(text, len);
	memset(&err, 0, sizeof(err));
	if (plain && fn(plain, strlen(plain), &plain_plan, &err) == 0)
		check_same_shape(what, &plan, &plain_plan);
}

static int config_cgroupfs(const char *text, size_t len, struct strbuf *out,
			   struct stage_error *err)
{
	unsetenv("BATON_CGROUP_MANAGER");
	return parse_config(text, len, BUNDLE, "fuzz", out, err);
}

static int config_systemd(const char *text, size_t len, struct strbuf *out, struct stage_error *err)
{
	int ret;

	setenv("BATON_CGROUP_MANAGER", "systemd", 1);
	ret = parse_config(text, len, BUNDLE, "fuzz", out, err);
	unsetenv("BATON_CGROUP_MANAGER");
	return ret;
}

static int exec_process(const char *text, size_t len, struct strbuf *out, struct stage_error *err)
{
	static const struct exec_overrides none = {.tty = -1};

	return parse_exec(base_plan.data, base_plan.len, text, len, &none, out, err);
}

static int resources(const char *text, size_t len, struct strbuf *out, struct stage_error *err)
{
	return parse_resources_text(text, len, "fuzz", out, err);
}

/* An accepted config is the base of an exec of its own process, with overrides. */
static void check_exec_of(const struct strbuf *base)
{
	autostrbuf struct strbuf plan = {0}, plain_plan = {0};
	struct stage_error err = {0};

	if (parse_exec(base->data, base->len, NULL, 0, &overrides, &plan, &err) < 0)
		return;
	check_plan("exec with overrides", &plan, true);
	memset(&err, 0, sizeof(err));
	if (parse_exec(base->data, base->len, NULL, 0, &plain_overrides, &plain_plan, &err) == 0)
		check_same_shape("exec with overrides", &plan, &plain_plan);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	autostrbuf struct strbuf plan = {0};
	struct stage_error err = {0};

	check_json(text, size);
	check_reader("config.json", config_cgroupfs, text, size, true);
	check_reader("config.json, systemd", config_systemd, text, size, true);
	check_reader("exec --process", exec_process, text, size, true);
	check_reader("--resources", resources, text, size, false);
	unsetenv("BATON_CGROUP_MANAGER");
	if (parse_config(text, size, BUNDLE, "fuzz", &plan, &err) == 0)
		check_exec_of(&plan);
	return 0;
}
