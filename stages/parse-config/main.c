/*
 * parse-config: the only reader of config.json. Validates it and writes the
 * plan (schemas/plan.md) into the sealed memfd the orchestrator gave us, or
 * prints it when a person runs the stage alone.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "exec.h"
#include "fdenv.h"
#include "parse.h"
#include "plan.h"
#include "stage.h"
#include "strbuf.h"

static const char usage[] =
    "Usage: parse-config [--bundle DIR] [--config FILE] [--id ID]\n"
    "       parse-config --resources FILE|-   (a linux.resources object, as records)\n"
    "       parse-config --exec [--base PLAN] [--process FILE] [EXEC-OPTION...] [-- CMD...]\n"
    "Validate an OCI config.json and print the baton plan it becomes.\n"
    "  --bundle DIR   bundle directory (default .)\n"
    "  --config FILE  config file (default BUNDLE/config.json)\n"
    "  --id ID        container id (default debug)\n"
    "  --cgroup-manager systemd  plan a systemd scope (default cgroupfs)\n"
    "In the pipeline, BATON_FD_CONFIG, BATON_FD_PLAN, BATON_FD_SYNC, BATON_ID,\n"
    "BATON_BUNDLE and BATON_CGROUP_MANAGER replace the options and the plan\n"
    "goes to BATON_FD_PLAN.\n"
    "\n"
    "--exec derives the plan of `baton exec`: the container's plan (--base, or\n"
    "BATON_FD_BASE) with its process from --process (or BATON_FD_CONFIG) or from\n"
    "the container's own, changed by --cwd DIR, --env NAME=VALUE, --user UID[:GID],\n"
    "--cap CAP, --no-new-privs, --tty, --no-tty, --apparmor P, --process-label L.\n";

struct settings {
	int config_fd; /* from BATON_FD_CONFIG, or -1 */
	int plan_fd;   /* from BATON_FD_PLAN, or -1: print on stdout */
	const char *config_path;
	const char *id;
	char bundle[PATH_MAX];
};

static int read_settings(struct settings *s, int argc, char **argv, struct stage_error *err)
{
	const char *bundle = ".";

	s->config_fd = stage_fd_opt("BATON_FD_CONFIG", FD_KIND_FILE, err);
	if (s->config_fd == -1)
		return -1;
	s->plan_fd = stage_fd_opt("BATON_FD_PLAN", FD_KIND_FILE, err);
	if (s->plan_fd == -1)
		return -1;
	s->config_path = NULL;
	s->id = getenv("BATON_ID") ? getenv("BATON_ID") : "debug";
	if (getenv("BATON_BUNDLE"))
		bundle = getenv("BATON_BUNDLE");
	for (int i = 1; i < argc; i++) {
		if (i + 1 >= argc)
			return stage_fail(err, 0, "option `%s`: needs a value", argv[i]);
		if (strcmp(argv[i], "--bundle") == 0)
			bundle = argv[++i];
		else if (strcmp(argv[i], "--config") == 0)
			s->config_path = argv[++i];
		else if (strcmp(argv[i], "--id") == 0)
			s->id = argv[++i];
		else if (strcmp(argv[i], "--cgroup-manager") == 0)
			setenv("BATON_CGROUP_MANAGER", argv[++i], 1); /* as baton passes it */
		else
			return stage_fail(err, 0, "unknown option `%s` (see --help)", argv[i]);
	}
	/* the orchestrator passes an absolute bundle: only a person's `.` needs resolving */
	if (bundle[0] == '/' && strlen(bundle) < sizeof(s->bundle))
		strcpy(s->bundle, bundle);
	else if (!realpath(bundle, s->bundle))
		return stage_fail(err, errno, "bundle `%s`", bundle);
	return 0;
}

static int read_config(const struct settings *s, char **text, size_t *len, struct stage_error *err)
{
	autoclose int own_fd = -1;
	char path[PATH_MAX + 16];
	struct stat st;
	int fd = s->config_fd;
	ssize_t n;

	if (fd < 0) {
		if (!s->config_path)
			snprintf(path, sizeof(path), "%s/config.json", s->bundle);
		else
			snprintf(path, sizeof(path), "%s", s->config_path);
		fd = own_fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return stage_fail(err, errno, "open `%s`", path);
	}
	if (fstat(fd, &st) < 0)
		return stage_fail(err, errno, "config.json: stat");
	/* one read of the whole file; +1 so that a file that grew shows as such */
	*text = malloc((size_t)st.st_size + 1);
	if (!*text)
		return stage_fail(err, ENOMEM, "config.json: %lld bytes", (long long)st.st_size);
	n = pread(fd, *text, (size_t)st.st_size + 1, 0);
	if (n < 0)
		return stage_fail(err, errno, "config.json: read");
	if (n != st.st_size)
		return stage_fail(err, EIO, "config.json: changed while being read");
	*len = (size_t)n;
	return 0;
}

static int write_plan(const struct settings *s, const struct strbuf *plan, struct stage_error *err)
{
	int fd = s->plan_fd >= 0 ? s->plan_fd : STDOUT_FILENO;

	if (plan_check_size(plan->data, plan->len, err) < 0)
		return -1;
	for (size_t off = 0; off < plan->len;) {
		ssize_t n = write(fd, plan->data + off, plan->len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return stage_fail(err, errno, "write the plan");
		off += (size_t)n;
	}
	if (s->plan_fd >= 0 && memfd_seal(s->plan_fd, err) < 0)
		return stage_wrap(err, "seal the plan: ");
	return 0;
}

/* Read all of fd (a plan or a process JSON file). */
static int slurp(int fd, char **text, size_t *len, struct stage_error *err)
{
	struct strbuf sb = {0};
	char buf[16384];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			strbuf_release(&sb);
			return stage_fail(err, errno, "read input");
		}
		strbuf_add(&sb, buf, (size_t)n);
	}
	*text = sb.data ? sb.data : strdup("");
	*len = sb.len;
	return 0;
}

static int open_input(const char *env, const char *path, struct stage_error *err)
{
	int fd;

	if (!path)
		return stage_fd_opt(env, FD_KIND_FILE, err);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return stage_fail(err, errno, "open `%s`", path);
	return fd;
}

static int exec_options(int argc, char **argv, struct exec_overrides *o, const char **base,
			const char **process, struct stage_error *err)
{
	/* no more of either than there are arguments; freed when the stage exits */
	const char **env = calloc((size_t)argc, sizeof(*env));
	const char **caps = calloc((size_t)argc, sizeof(*caps));
	int i;

	if (!env || !caps)
		return stage_fail(err, ENOMEM, "exec options");
	memset(o, 0, sizeof(*o));
	o->tty = -1;
	o->env = env;
	o->caps = caps;
	for (i = 2; i < argc && strcmp(argv[i], "--") != 0; i++) {
		const char *opt = argv[i];
		bool flag = strcmp(opt, "--no-new-privs") == 0 || strcmp(opt, "--tty") == 0 ||
			    strcmp(opt, "--no-tty") == 0;

		if (!flag && i + 1 >= argc)
			return stage_fail(err, 0, "option `%s`: needs a value", opt);
		if (strcmp(opt, "--no-new-privs") == 0)
			o->no_new_privs = true;
		else if (strcmp(opt, "--tty") == 0 || strcmp(opt, "--no-tty") == 0)
			o->tty = strcmp(opt, "--tty") == 0;
		else if (strcmp(opt, "--base") == 0)
			*base = argv[++i];
		else if (strcmp(opt, "--process") == 0)
			*process = argv[++i];
		else if (strcmp(opt, "--cwd") == 0)
			o->cwd = argv[++i];
		else if (strcmp(opt, "--user") == 0)
			o->user = argv[++i];
		else if (strcmp(opt, "--apparmor") == 0)
			o->apparmor = argv[++i];
		else if (strcmp(opt, "--process-label") == 0)
			o->process_label = argv[++i];
		else if (strcmp(opt, "--env") == 0)
			env[o->nenv++] = argv[++i];
		else if (strcmp(opt, "--cap") == 0)
			caps[o->ncaps++] = argv[++i];
		else
			return stage_fail(err, 0, "unknown exec option `%s` (see --help)", opt);
	}
	if (i < argc) {
		o->args = argv + i + 1;
		o->nargs = (size_t)(argc - i - 1);
	}
	return 0;
}

/* `baton exec`'s plan: see exec.c. */
static int run_exec_mode(int argc, char **argv, struct strbuf *plan, struct stage_error *err)
{
	struct exec_overrides o;
	const char *base_path = NULL, *process_path = NULL;
	autofree char *base = NULL, *process = NULL;
	size_t base_len = 0, process_len = 0;
	int base_fd, process_fd;

	if (exec_options(argc, argv, &o, &base_path, &process_path, err) < 0)
		return -1;
	base_fd = open_input("BATON_FD_BASE", base_path, err);
	if (base_fd == FD_ABSENT)
		return stage_fail(err, 0,
				  "--exec needs the container's plan (--base or BATON_FD_BASE)");
	if (base_fd < 0 || slurp(base_fd, &base, &base_len, err) < 0)
		return -1;
	process_fd = open_input("BATON_FD_CONFIG", process_path, err);
	if (process_fd == -1 ||
	    (process_fd >= 0 && slurp(process_fd, &process, &process_len, err) < 0))
		return -1;
	return parse_exec(base, base_len, process, process_len, &o, plan, err);
}

int main(int argc, char **argv)
{
	struct stage_error err = {0};
	struct settings settings;
	autofree char *config = NULL;
	autostrbuf struct strbuf plan = {0};
	size_t len = 0;

	stage_init("parse-config", argc, argv, usage);
	if (argc > 1 && strcmp(argv[1], "--resources") == 0)
		return resources_main(argc, argv);
	if (argc > 1 && strcmp(argv[1], "--exec") == 0) {
		settings.plan_fd = stage_fd_opt("BATON_FD_PLAN", FD_KIND_FILE, &err);
		if (settings.plan_fd == -1 || run_exec_mode(argc, argv, &plan, &err) < 0 ||
		    write_plan(&settings, &plan, &err) < 0)
			stage_exit_error(&err);
		return 0;
	}
	if (read_settings(&settings, argc, argv, &err) < 0 ||
	    read_config(&settings, &config, &len, &err) < 0 ||
	    parse_config(config, len, settings.bundle, settings.id, &plan, &err) < 0 ||
	    write_plan(&settings, &plan, &err) < 0)
		stage_exit_error(&err);
	stage_debug("plan: %zu bytes", plan.len);
	return 0;
}
