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
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "baton.h"
#include "fdenv.h"
#include "pipeline.h"
#include "strbuf.h"

static const struct command {
	const char *name;
	int (*run)(const struct global_opts *g, int argc, char **argv);
	const char *help;
} commands[] = {
    {"create", cmd_create, "create a container"},
    {"start", cmd_start, "start a created container"},
    {"run", cmd_run, "create and start a container"},
    {"state", cmd_state, "print the state of a container"},
    {"kill", cmd_kill, "send a signal to the container process"},
    {"delete", cmd_delete, "remove a container"},
    {"list", cmd_list, "list known containers"},
    {"spec", cmd_spec, "write a default config.json"},
    {"exec", cmd_exec, "run a process in a running container"},
    {"ps", cmd_ps, "list the processes of a container"},
    {"pause", cmd_pause, "freeze every process of a container"},
    {"resume", cmd_resume, "thaw a paused container"},
    {"update", cmd_update, "change the resource limits of a container"},
    {"features", cmd_features, "print what this runtime supports, as JSON"},
    {"checkpoint", cmd_checkpoint, "checkpoint a container (not supported yet)"},
    {"restore", cmd_restore, "restore a container (not supported yet)"},
    {"mounts", cmd_mounts, "add or remove mounts of a running container"},
    {"stage", cmd_stage, "run one pipeline stage on its own"},
};

static void print_usage(FILE *out)
{
	fprintf(out, "Usage: baton [OPTION...] COMMAND [OPTION...]\n\nCOMMANDS:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "\t%-10s - %s\n", commands[i].name, commands[i].help);
	fprintf(out, "\nOPTIONS:\n"
		     "      --root=DIR         state directory (default /run/baton)\n"
		     "      --debug            narrate every setup step\n"
		     "      --log=FILE         write errors to FILE (also file:PATH)\n"
		     "      --log-format=FMT   text or json\n"
		     "  -h, --help             this help\n"
		     "  -v, --version          print the version\n");
}

static void print_version(void)
{
	printf("baton version %s\ncommit: %s\nrundir: /run/baton\nspec: 1.2.0\n"
	       "+SECCOMP +CAP -SYSTEMD -SELINUX -APPARMOR\n",
	       BATON_VERSION, BATON_COMMIT);
}

int usage_error(const char *cmd, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "baton: %s: %s\nTry `baton %s --help' for more information.\n", cmd, msg,
		cmd);
	exit(1);
}

static void log_json(FILE *f, const char *level, const char *msg)
{
	struct strbuf sb = {0};
	char when[64];
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	strbuf_puts(&sb, "{\"msg\": ");
	strbuf_json_string(&sb, msg);
	strbuf_printf(&sb, ", \"level\": \"%s\", \"time\": \"%s\"}\n", level, when);
	fputs(sb.data, f);
	strbuf_release(&sb);
}

int report_error(const struct global_opts *g, const struct stage_error *err)
{
	char text[STAGE_MSG_MAX + 256], line[STAGE_MSG_MAX + 512];

	stage_error_text(err, text, sizeof(text));
	if (err->stage[0] && strcmp(err->stage, "baton") != 0)
		snprintf(line, sizeof(line), "%s: %s", err->stage, text);
	else
		snprintf(line, sizeof(line), "%s", text);
	if (g && g->log) {
		const char *path = strncmp(g->log, "file:", 5) == 0 ? g->log + 5 : g->log;
		FILE *f = fopen(path, "ae");

		if (f) {
			if (g->log_format && strcmp(g->log_format, "json") == 0)
				log_json(f, "error", line);
			else
				fprintf(f, "%s\n", line);
			fclose(f);
		}
	}
	fprintf(stderr, "baton: %s\n", line);
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
		if (decl[i].side == SIDE_SELF || strcmp(decl[i].name, argv[1]) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", libexec_dir(), argv[1]);
		execv(path, argv + 1);
		fprintf(stderr, "baton: cannot run stage `%s`: %s\n", path, strerror(errno));
		return 1;
	}
	fprintf(stderr, "baton: unknown stage `%s`\n", argv[1]);
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

int main(int argc, char **argv)
{
	static struct global_opts g = {.root = "/run/baton"};
	struct stage_error err;
	const char *v;
	int i;

	/*
	 * Nothing the caller left open leaks into stages or the container by
	 * accident; the --preserve-fds range is made inheritable again only in
	 * the container process.
	 */
	cloexec_fds_except(NULL, 0, 0, &err);

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if ((v = option_value("--root", argc, argv, &i)))
			g.root = v;
		else if ((v = option_value("--log-format", argc, argv, &i)))
			g.log_format = v;
		else if ((v = option_value("--log-level", argc, argv, &i)))
			continue;
		else if ((v = option_value("--log", argc, argv, &i)))
			g.log = v;
		else if (strcmp(argv[i], "--debug") == 0)
			g.debug = true;
		else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			print_usage(stdout);
			return 0;
		} else if (strcmp(argv[i], "--version") == 0 || strcmp(argv[i], "-v") == 0 ||
			   strcmp(argv[i], "-V") == 0) {
			print_version();
			return 0;
		} else if (strcmp(argv[i], "--systemd-cgroup") == 0 ||
			   strncmp(argv[i], "--cgroup-manager", 16) == 0) {
			fprintf(stderr, "baton: %s: only the cgroupfs manager is supported yet\n",
				argv[i]);
			return 1;
		} else {
			fprintf(stderr, "baton: unknown option `%s`\n", argv[i]);
			return 1;
		}
	}
	if (g.debug)
		setenv("BATON_DEBUG", "1", 1);
	if (i >= argc) {
		print_usage(stderr);
		return 1;
	}
	for (size_t c = 0; c < sizeof(commands) / sizeof(commands[0]); c++)
		if (strcmp(commands[c].name, argv[i]) == 0)
			return commands[c].run(&g, argc - i, argv + i);
	fprintf(stderr, "baton: unknown command `%s`\n", argv[i]);
	return 1;
}
