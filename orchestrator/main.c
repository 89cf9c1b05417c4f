/*
 * baton: the orchestrator. It owns the command line, the state directory and
 * the order of the stages; the setup work itself is done by the stage
 * programs in libexec/baton, as declared in schemas/pipeline.tsv.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "baton.h"
#include "container.h"
#include "fdenv.h"
#include "help.h"
#include "log.h"
#include "pipeline.h"
#include "trace.h"

static const struct command {
	const char *name;
	int (*run)(const struct global_opts *g, int argc, char **argv);
} commands[] = {
    {"create", cmd_create},
    {"start", cmd_start},
    {"run", cmd_run},
    {"state", cmd_state},
    {"kill", cmd_kill},
    {"delete", cmd_delete},
    {"list", cmd_list},
    {"spec", cmd_spec},
    {"exec", cmd_exec},
    {"ps", cmd_ps},
    {"pause", cmd_pause},
    {"resume", cmd_resume},
    {"update", cmd_update},
    {"features", cmd_features},
    {"checkpoint", cmd_checkpoint},
    {"restore", cmd_restore},
    {"mounts", cmd_mounts},
    {"stage", cmd_stage},
    {"plan", cmd_plan},
    {"trace-view", cmd_trace_view},
};

static void print_usage(FILE *out)
{
	size_t n;
	const struct command_help *h = command_helps(&n);

	fprintf(out, "Usage: baton [OPTION...] COMMAND [OPTION...]\n\nCOMMANDS:\n");
	/* the help table lists the commands; each names its options with --help */
	for (size_t i = 0; i < n; i++)
		fprintf(out, "\t%-10s - %s\n", h[i].name, h[i].summary);
	fprintf(out,
		"\nOPTIONS:\n"
		"      --root=DIR          state directory (default /run/baton)\n"
		"      --debug             narrate every setup step (--log-level=debug)\n"
		"      --log=DEST          errors and warnings to [file:]PATH, syslog:ID or\n"
		"                          journald:ID (default stderr)\n"
		"      --log-format=FMT    text (default) or json\n"
		"      --log-level=LEVEL   error, warning (default) or debug\n"
		"      --trace=FILE        write the pipeline's timing as Chrome trace JSON\n"
		"                          (also BATON_TRACE=FILE)\n"
		"      --cgroup-manager=M  cgroupfs (default), systemd (a scope per container)\n"
		"                          or disabled (no cgroup)\n"
		"      --systemd-cgroup    the same as --cgroup-manager=systemd\n"
		"  -?, -h, --help          this help; COMMAND --help: the command's\n"
		"  -v, -V, --version       print the version and the compiled-in features\n");
}

/*
 * crun's shape: version, commit, rundir, spec, then +/- per feature. Only
 * what baton really does gets a +.
 */
static void print_version(const struct global_opts *g)
{
	printf("baton version %s\ncommit: %s\nrundir: %s\nspec: 1.2.0\n", BATON_VERSION,
	       BATON_COMMIT, g->root);
	printf("+SECCOMP +CAP +SYSTEMD -SELINUX -APPARMOR -EBPF -CRIU +IDMAP\n");
}

int usage_error(const char *cmd, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_error(0, "%s: %s", cmd, msg);
	fprintf(stderr, "Try `baton %s --help' for more information.\n", cmd);
	exit(1);
}

int report_error(const struct global_opts *g, const struct stage_error *err)
{
	(void)g;
	log_stage_error(err);
	return 1;
}

int cmd_stage(const struct global_opts *g, int argc, char **argv)
{
	char path[PATH_MAX];
	unsigned n;
	const struct stage_decl *decl = pipeline_stages(&n);

	(void)g;
	if (argc < 2) {
		fprintf(stderr,
			"Usage: baton stage NAME [ARGS...]\n\nStages, in pipeline order:\n");
		for (unsigned i = 0; i < n; i++)
			if (decl[i].side != SIDE_SELF)
				fprintf(stderr, "\t%s\n", decl[i].name);
		return 1;
	}
	for (unsigned i = 0; i < n; i++) {
		/* NAME@ARG rows are stage NAME */
		size_t len = strcspn(decl[i].name, "@");
		if (decl[i].side == SIDE_SELF || strncmp(decl[i].name, argv[1], len) != 0 ||
		    argv[1][len] != '\0')
			continue;
		snprintf(path, sizeof(path), "%s/%s", libexec_dir(), argv[1]);
		execv(path, argv + 1);
		log_error(errno, "cannot run stage `%s`", path);
		return 1;
	}
	log_error(0, "unknown stage `%s`", argv[1]);
	return 1;
}

/* Accept `--opt=value` and `--opt value`; returns the value or NULL. */
static const char *option_value(const char *opt, int argc, char **argv, int *i)
{
	size_t len = strlen(opt);

	if (strncmp(argv[*i], opt, len) != 0)
		return NULL;
	if (argv[*i][len] == '=')
		return argv[*i] + len + 1;
	if (argv[*i][len] == '\0' && *i + 1 < argc)
		return argv[++*i];
	return NULL;
}

/* --cgroup-manager: cgroupfs (the default), systemd (a scope per container), or disabled. */
static int set_cgroup_manager(struct global_opts *g, const char *name)
{
	g->no_cgroups = strcmp(name, "disabled") == 0;
	g->systemd = strcmp(name, "systemd") == 0;
	if (!g->no_cgroups && !g->systemd && strcmp(name, "cgroupfs") != 0) {
		log_error(
		    0,
		    "--cgroup-manager=%s: unknown cgroup manager (cgroupfs, systemd or disabled)",
		    name);
		return -1;
	}
	return 0;
}

/* The global options before the command; returns the command's index or -1. */
static int parse_global_options(struct global_opts *g, int argc, char **argv)
{
	const char *v;
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if ((v = option_value("--root", argc, argv, &i)))
			g->root = v;
		else if ((v = option_value("--log-format", argc, argv, &i)))
			g->log_format = v;
		else if ((v = option_value("--log-level", argc, argv, &i)))
			g->log_level = v;
		else if ((v = option_value("--log", argc, argv, &i)))
			g->log = v;
		else if ((v = option_value("--trace", argc, argv, &i)))
			g->trace = v;
		else if (strcmp(argv[i], "--debug") == 0)
			g->debug = true;
		else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0 ||
			 strcmp(argv[i], "-?") == 0) {
			print_usage(stdout);
			exit(0);
		} else if (strcmp(argv[i], "--version") == 0 || strcmp(argv[i], "-v") == 0 ||
			   strcmp(argv[i], "-V") == 0) {
			print_version(g);
			exit(0);
		} else if ((v = option_value("--cgroup-manager", argc, argv, &i))) {
			if (set_cgroup_manager(g, v) < 0)
				return -1;
		} else if (strcmp(argv[i], "--systemd-cgroup") == 0) {
			set_cgroup_manager(g, "systemd");
		} else {
			log_error(0, "unknown option `%s`", argv[i]);
			return -1;
		}
	}
	return i;
}

/*
 * The trace is written after the work is done, where a failure can only be a
 * warning: a directory that cannot take it is refused before anything starts.
 */
static int check_trace_dir(const char *path, struct stage_error *err)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');

	if (!*path || (slash && slash[1] == '\0'))
		return stage_fail(err, 0, "--trace `%s`: not a file name", path);
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) + 1 : 1, slash ? path : ".");
	if (access(dir, W_OK | X_OK) < 0)
		return stage_fail(err, errno, "--trace `%s`: directory `%s`", path, dir);
	return 0;
}

/* --log, --log-format, --log-level and --debug; the stages narrate with BATON_DEBUG. */
static int setup_logging(struct global_opts *g, struct stage_error *err)
{
	if (log_setup(g->log, g->log_format, g->log_level, err) < 0)
		return -1;
	if (g->debug)
		log_set_level(LOG_LEVEL_DEBUG);
	g->debug = log_get_level() == LOG_LEVEL_DEBUG;
	if (g->debug)
		setenv("BATON_DEBUG", "1", 1);
	if (!g->trace && getenv("BATON_TRACE") && *getenv("BATON_TRACE"))
		g->trace = getenv("BATON_TRACE");
	return g->trace ? check_trace_dir(g->trace, err) : 0;
}

/*
 * The state root when --root is not given: /run/baton for root; for anybody
 * else their runtime directory (rootless, as crun does). Root of a user
 * namespace that is not the host's (rootless podman runs its runtime in one)
 * is rootless too: /run/baton is not its to write.
 */
static const char *default_root(void)
{
	static char root[4200];
	const char *xdg = getenv("XDG_RUNTIME_DIR");

	if (geteuid() == 0 && (host_root() || !xdg || xdg[0] != '/'))
		return "/run/baton";
	if (xdg && xdg[0] == '/')
		snprintf(root, sizeof(root), "%s/baton", xdg);
	else
		snprintf(root, sizeof(root), "/run/user/%u/baton", (unsigned)geteuid());
	return root;
}

int main(int argc, char **argv)
{
	static struct global_opts g;
	struct stage_error err;
	int i;

	/* the container process, re-executed from a sealed copy (container_reexec.c) */
	if (container_enter_requested(argc, argv))
		return container_enter(argc, argv);
	/*
	 * Nothing the caller left open leaks into stages or the container by
	 * accident; the --preserve-fds range is made inheritable again only in
	 * the container process.
	 */
	cloexec_fds_except(NULL, 0, 0, &err);
	preserve_fds_reserve(argc, argv);
	/*
	 * The container process starts as a clone of us: non-dumpable, a process
	 * of the container cannot reach our binary through /proc/PID/exe
	 * (CVE-2019-5736) before the first stage is exec'd from its sealed copy.
	 * Rootless, newuidmap must read the clone's /proc entry, which only a
	 * dumpable process offers; the clone turns it off itself once mapped.
	 */
	if (geteuid() == 0)
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);

	g.root = default_root();
	i = parse_global_options(&g, argc, argv);
	if (i < 0)
		return 1;
	if (setup_logging(&g, &err) < 0)
		return report_error(&g, &err);
	/* ROOT/ID (an id is at most 200 bytes) must fit struct container's dir, uncut */
	if (strlen(g.root) + 1 + 200 >= sizeof(((struct container *)0)->dir)) {
		stage_fail(&err, ENAMETOOLONG, "--root: longer than %zu bytes",
			   sizeof(((struct container *)0)->dir) - 202);
		return report_error(&g, &err);
	}
	if (i >= argc) {
		print_usage(stderr);
		return 1;
	}
	trace_begin(argv[i]);
	for (size_t c = 0; c < sizeof(commands) / sizeof(commands[0]); c++) {
		if (strcmp(commands[c].name, argv[i]) == 0) {
			bool short_form;

			const struct command_help *h = command_help(argv[i]);

			/* an unsupported command answers --help with its error */
			if (!h->unsupported && help_requested(argc - i, argv + i, &short_form)) {
				if (!short_form)
					command_help_exit(argv[i]);
				print_command_usage(stdout, h);
				return 0;
			}
			log_debug("baton %s %s: command `%s`, state under %s", BATON_VERSION,
				  BATON_COMMIT, commands[c].name, g.root);
			return commands[c].run(&g, argc - i, argv + i);
		}
	}
	log_error(0, "unknown command `%s`", argv[i]);
	return 1;
}
