/*
 * exec: run a process in a running container. The process is derived by
 * parse-config (--exec mode) from the container's plan and the options here,
 * and started by the same pipeline as the container's own, declared for
 * `exec` in schemas/pipeline.tsv: clone joins the container, final-exec runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include "baton.h"
#include "cleanup.h"
#include "help.h"
#include "strvec.h"

enum {
	OPT_PROCESS = 256,
	OPT_CONSOLE,
	OPT_CWD,
	OPT_CAP,
	OPT_NNP,
	OPT_PID_FILE,
	OPT_PRESERVE,
	OPT_CGROUP,
	OPT_LABEL,
	OPT_APPARMOR
};

static const struct option exec_options[] = {
    {"process", required_argument, NULL, OPT_PROCESS},
    {"tty", no_argument, NULL, 't'},
    {"console-socket", required_argument, NULL, OPT_CONSOLE},
    {"cwd", required_argument, NULL, OPT_CWD},
    {"env", required_argument, NULL, 'e'},
    {"user", required_argument, NULL, 'u'},
    {"cap", required_argument, NULL, OPT_CAP},
    {"no-new-privs", no_argument, NULL, OPT_NNP},
    {"detach", no_argument, NULL, 'd'},
    {"pid-file", required_argument, NULL, OPT_PID_FILE},
    {"preserve-fds", required_argument, NULL, OPT_PRESERVE},
    {"cgroup", required_argument, NULL, OPT_CGROUP},
    {"process-label", required_argument, NULL, OPT_LABEL},
    {"apparmor", required_argument, NULL, OPT_APPARMOR},
    {"help", no_argument, NULL, 'h'},
    {0},
};

/* Options become parse-config --exec arguments, sized from the command line. */
static void add(struct strvec *a, const char *opt, const char *value)
{
	strvec_push(a, opt);
	if (value)
		strvec_push(a, value);
}

static int parse_exec_args(int argc, char **argv, struct create_opts *o, struct strvec *a,
			   struct stage_error *err)
{
	int c;

	memset(o, 0, sizeof(*o));
	add(a, "--exec", NULL);
	optind = 1;
	while ((c = getopt_long(argc, argv, "+te:u:dh", exec_options, NULL)) != -1) {
		switch (c) {
		case OPT_PROCESS:
			o->config = optarg;
			break;
		case 't':
			add(a, "--tty", NULL);
			break;
		case OPT_CONSOLE:
			o->console_socket = optarg;
			break;
		case OPT_CWD:
			add(a, "--cwd", optarg);
			break;
		case 'e':
			add(a, "--env", optarg);
			break;
		case 'u':
			add(a, "--user", optarg);
			break;
		case OPT_CAP:
			add(a, "--cap", optarg);
			break;
		case OPT_NNP:
			add(a, "--no-new-privs", NULL);
			break;
		case 'd':
			o->detach = true;
			break;
		case OPT_PID_FILE:
			o->pid_file = optarg;
			break;
		case OPT_PRESERVE:
			if (parse_preserve_fds(optarg, &o->preserve_fds, err) < 0)
				return -1;
			break;
		case OPT_CGROUP:
			o->cgroup_sub = optarg;
			break;
		case OPT_LABEL:
			add(a, "--process-label", optarg);
			break;
		case OPT_APPARMOR:
			add(a, "--apparmor", optarg);
			break;
		case 'h':
			command_help_exit("exec");
		default:
			return usage_error("exec", "invalid option");
		}
	}
	if (optind >= argc)
		return usage_error("exec", "requires a CONTAINER argument");
	o->id = argv[optind++];
	if (optind >= argc && !o->config)
		return usage_error("exec", "requires a COMMAND, or --process");
	add(a, "--", NULL);
	for (; optind < argc; optind++)
		add(a, argv[optind], NULL);
	o->exec_args = a->v;
	if (o->cgroup_sub && (strstr(o->cgroup_sub, "..") || o->cgroup_sub[0] == '/'))
		return stage_fail(err, 0, "--cgroup: `%s` must be a relative path without `..`",
				  o->cgroup_sub);
	return 0;
}

static int check_running(struct container *c, struct stage_error *err)
{
	switch (state_status(c)) {
	case STATUS_RUNNING:
	case STATUS_CREATED:
		return 0;
	case STATUS_PAUSED:
		return stage_fail(err, 0, "the container `%s` is paused", c->id);
	default:
		return stage_fail(err, 0, "the container `%s` is not running", c->id);
	}
}

int cmd_exec(const struct global_opts *g, int argc, char **argv)
{
	autostrvec struct strvec args = {0};
	struct pipeline_result res;
	struct stage_error err;
	struct create_opts o;
	struct container c;

	if (parse_exec_args(argc, argv, &o, &args, &err) < 0)
		return report_error(g, &err);
	if (state_open(&c, g->root, o.id, false, &err) < 0)
		return report_error(g, &err);
	o.bundle = c.bundle;
	o.join_pid = c.pid;
	if (check_running(&c, &err) < 0 || pipeline_start(g, &o, &c, MODE_EXEC, &res, &err) < 0 ||
	    (o.pid_file && write_pid_file(o.pid_file, res.pid, &err) < 0)) {
		state_close(&c);
		return report_error(g, &err);
	}
	/* `delete` and friends need the lock while the process runs */
	state_close(&c);
	if (o.detach)
		return 0;
	return res.tty_master >= 0 ? console_attach(res.tty_master, res.pid)
				   : wait_exit_code(res.pid);
}
