/*
 * ps, pause, resume and update: the commands that act on the container's
 * cgroup, with crun's flags and output. update never parses JSON here: its
 * flags become a resources object that `parse-config --resources` validates
 * and turns into cgroup.resource records (schemas/plan.md), applied with
 * libstage's cgroup code.
 */
#include <errno.h>
#include <getopt.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "baton.h"
#include "cgroup.h"
#include "cleanup.h"
#include "strbuf.h"

extern char **environ;

/* Open the container and make sure it has a cgroup and is not stopped. */
static int open_live(const struct global_opts *g, const char *id, struct container *c,
		     struct stage_error *err)
{
	if (state_open(c, g->root, id, true, err) < 0)
		return -1;
	if (!c->cgroup_path[0]) {
		state_close(c);
		return stage_fail(err, 0, "the container `%s` is not using cgroups", id);
	}
	if (state_status(c) == STATUS_STOPPED) {
		state_close(c);
		return stage_fail(err, 0, "the container `%s` is not running", id);
	}
	return 0;
}

/* ---- ps --------------------------------------------------------------------- */

int cmd_ps(const struct global_opts *g, int argc, char **argv)
{
	static const struct option opts[] = {{"format", required_argument, NULL, 'f'}, {0}};
	autofree pid_t *pids = NULL;
	struct stage_error err;
	struct container c;
	bool json = false;
	size_t n;
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "+f:", opts, NULL)) != -1) {
		if (opt != 'f' || (strcmp(optarg, "table") != 0 && strcmp(optarg, "json") != 0))
			return usage_error("ps", "invalid option or format (table|json)");
		json = strcmp(optarg, "json") == 0;
	}
	if (optind != argc - 1)
		return usage_error("ps", "requires exactly one CONTAINER argument");
	if (state_open(&c, g->root, argv[optind], false, &err) < 0)
		return report_error(g, &err);
	if (!c.cgroup_path[0]) {
		stage_fail(&err, 0, "the container is not using cgroups");
		state_close(&c);
		return report_error(g, &err);
	}
	if (cgroup_pids(c.cgroup_path, &pids, &n, &err) < 0) {
		state_close(&c);
		return report_error(g, &err);
	}
	state_close(&c);
	printf(json ? "[\n" : "PID\n");
	for (size_t i = 0; i < n; i++)
		printf(json ? "  %d%s\n" : "%d\n", (int)pids[i], json && i + 1 < n ? "," : "");
	if (json)
		printf("]\n");
	return 0;
}

/* ---- pause and resume --------------------------------------------------------- */

static int freeze(const struct global_opts *g, const char *cmd, int argc, char **argv, bool frozen)
{
	struct stage_error err;
	struct container c;
	enum container_status st;

	if (argc != 2)
		return usage_error(cmd, "requires exactly one CONTAINER argument");
	if (open_live(g, argv[1], &c, &err) < 0)
		return report_error(g, &err);
	st = state_status(&c);
	if (frozen && st == STATUS_PAUSED)
		stage_fail(&err, 0, "the container `%s` is already paused", c.id);
	else if (!frozen && st != STATUS_PAUSED)
		stage_fail(&err, 0, "the container `%s` is not paused", c.id);
	else if (cgroup_freeze(c.cgroup_path, frozen, &err) == 0) {
		state_close(&c);
		return 0;
	}
	state_close(&c);
	return report_error(g, &err);
}

int cmd_pause(const struct global_opts *g, int argc, char **argv)
{
	return freeze(g, "pause", argc, argv, true);
}

int cmd_resume(const struct global_opts *g, int argc, char **argv)
{
	return freeze(g, "resume", argc, argv, false);
}

/* ---- update ------------------------------------------------------------------- */

/* crun's update flags: the section and key of the resources object each sets. */
static const struct update_flag {
	const char *flag, *section, *key;
	bool numeric;
} update_flags[] = {
    {"blkio-weight", "blockIO", "weight", true},
    {"cpu-period", "cpu", "period", true},
    {"cpu-quota", "cpu", "quota", true},
    {"cpu-share", "cpu", "shares", true},
    {"cpu-rt-period", "cpu", "realtimePeriod", true},
    {"cpu-rt-runtime", "cpu", "realtimeRuntime", true},
    {"cpuset-cpus", "cpu", "cpus", false},
    {"cpuset-mems", "cpu", "mems", false},
    {"kernel-memory", "memory", "kernel", true},
    {"kernel-memory-tcp", "memory", "kernelTCP", true},
    {"memory", "memory", "limit", true},
    {"memory-reservation", "memory", "reservation", true},
    {"memory-swap", "memory", "swap", true},
    {"pids-limit", "pids", "limit", true},
};
#define NFLAGS (sizeof(update_flags) / sizeof(update_flags[0]))

static bool is_integer(const char *s)
{
	if (*s == '-')
		s++;
	return *s && strspn(s, "0123456789") == strlen(s);
}

/* The flags given (values[i] for update_flags[i]) as a JSON resources object. */
static int flags_to_json(const char *const *values, struct strbuf *json, struct stage_error *err)
{
	static const char *const sections[] = {"blockIO", "cpu", "memory", "pids"};
	bool first_section = true;

	strbuf_puts(json, "{");
	for (size_t s = 0; s < 4; s++) {
		bool first = true;

		for (size_t i = 0; i < NFLAGS; i++) {
			const struct update_flag *f = &update_flags[i];

			if (!values[i] || strcmp(f->section, sections[s]) != 0)
				continue;
			if (f->numeric && !is_integer(values[i]))
				return stage_fail(err, 0, "--%s: invalid value `%s`", f->flag,
						  values[i]);
			if (first)
				strbuf_printf(json, "%s\"%s\": {", first_section ? "" : ", ",
					      sections[s]);
			strbuf_printf(json, "%s\"%s\": ", first ? "" : ", ", f->key);
			if (f->numeric)
				strbuf_puts(json, values[i]);
			else
				strbuf_json_string(json, values[i]);
			first = first_section = false;
		}
		if (!first)
			strbuf_puts(json, "}");
	}
	strbuf_puts(json, "}");
	return 0;
}

static int memfd_with(const char *name, const char *data, size_t len, struct stage_error *err)
{
	int fd = memfd_create(name, MFD_CLOEXEC);

	if (fd < 0)
		return stage_fail(err, errno, "memfd `%s`", name);
	if (len && write(fd, data, len) != (ssize_t)len) {
		close(fd);
		return stage_fail(err, errno, "write memfd `%s`", name);
	}
	lseek(fd, 0, SEEK_SET);
	return fd;
}

static int read_all(int fd, struct strbuf *out)
{
	char buf[4096];
	ssize_t n;

	lseek(fd, 0, SEEK_SET);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		strbuf_add(out, buf, (size_t)n);
	return n < 0 ? -1 : 0;
}

/*
 * Run `parse-config --resources SOURCE` with stdin from in_fd (-1: ours) and
 * collect its records; its error message becomes ours.
 */
static int resources_to_plan(const char *source, int in_fd, struct plan *plan,
			     struct stage_error *err)
{
	autostrbuf struct strbuf text = {0};
	autostrbuf struct strbuf errors = {0};
	posix_spawn_file_actions_t fa;
	char exe[4096];
	pid_t pid;
	int status = 0, rc;

	snprintf(exe, sizeof(exe), "%s/parse-config", libexec_dir());
	autoclose int out_fd = memfd_with("update-records", NULL, 0, err);
	autoclose int err_fd = memfd_with("update-errors", NULL, 0, err);
	if (out_fd < 0 || err_fd < 0)
		return -1;
	char *args[] = {exe, "--resources", (char *)source, NULL};
	posix_spawn_file_actions_init(&fa);
	if (in_fd >= 0)
		posix_spawn_file_actions_adddup2(&fa, in_fd, STDIN_FILENO);
	posix_spawn_file_actions_adddup2(&fa, out_fd, STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, err_fd, STDERR_FILENO);
	rc = posix_spawn(&pid, exe, &fa, NULL, args, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		return stage_fail(err, rc, "run `%s`", exe);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		read_all(err_fd, &errors);
		const char *msg = errors.data ? errors.data : "failed";
		if (strncmp(msg, "parse-config: ", 14) == 0)
			msg += 14;
		stage_fail(err, 0, "%.*s", (int)strcspn(msg, "\n"), msg);
		snprintf(err->stage, sizeof(err->stage), "parse-config");
		return -1;
	}
	strbuf_puts(&text, "format\tbaton-plan/1\n");
	if (read_all(out_fd, &text) < 0)
		return stage_fail(err, errno, "read the records of `%s`", exe);
	return plan_parse(plan, text.data, text.len, err);
}

int cmd_update(const struct global_opts *g, int argc, char **argv)
{
	struct option opts[NFLAGS + 2] = {{"resources", required_argument, NULL, 'r'}};
	const char *values[NFLAGS] = {0}, *resources = NULL;
	autostrbuf struct strbuf json = {0};
	autoplan struct plan plan = {0};
	autoclose int json_fd = -1;
	struct stage_error err;
	struct container c;
	bool any = false;
	int opt;

	for (size_t i = 0; i < NFLAGS; i++)
		opts[i + 1] =
		    (struct option){update_flags[i].flag, required_argument, NULL, 1000 + (int)i};
	optind = 1;
	while ((opt = getopt_long(argc, argv, "+r:", opts, NULL)) != -1) {
		if (opt == 'r')
			resources = optarg;
		else if (opt >= 1000 && opt < 1000 + (int)NFLAGS)
			values[opt - 1000] = optarg, any = true;
		else
			return usage_error("update", "invalid option");
	}
	if (optind != argc - 1)
		return usage_error("update", "requires exactly one CONTAINER argument");
	if (resources && any)
		return usage_error("update", "--resources excludes the other flags");
	if (!resources) {
		if (flags_to_json(values, &json, &err) < 0)
			return report_error(g, &err);
		json_fd = memfd_with("update-resources", json.data, json.len, &err);
		if (json_fd < 0)
			return report_error(g, &err);
	}
	if (resources_to_plan(resources ? resources : "-", json_fd, &plan, &err) < 0)
		return report_error(g, &err);
	if (open_live(g, argv[optind], &c, &err) < 0)
		return report_error(g, &err);
	if (cgroup_update(c.cgroup_path, &plan, &err) < 0) {
		state_close(&c);
		return report_error(g, &err);
	}
	state_close(&c);
	return 0;
}
