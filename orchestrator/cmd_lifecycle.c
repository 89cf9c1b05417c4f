/* create, start and run. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "baton.h"
#include "cgroup.h"
#include "cleanup.h"
#include "help.h"
#include "log.h"

enum {
	OPT_CONFIG = 256,
	OPT_PID_FILE,
	OPT_CONSOLE,
	OPT_PRESERVE,
	OPT_NO_PIVOT,
	OPT_NO_KEYRING,
	OPT_KEEP
};

static const struct option create_options[] = {
    {"bundle", required_argument, NULL, 'b'},
    {"config", required_argument, NULL, OPT_CONFIG},
    {"pid-file", required_argument, NULL, OPT_PID_FILE},
    {"console-socket", required_argument, NULL, OPT_CONSOLE},
    {"preserve-fds", required_argument, NULL, OPT_PRESERVE},
    {"no-pivot", no_argument, NULL, OPT_NO_PIVOT},
    {"no-new-keyring", no_argument, NULL, OPT_NO_KEYRING},
    {"detach", no_argument, NULL, 'd'},
    {"keep", no_argument, NULL, OPT_KEEP},
    {"help", no_argument, NULL, 'h'},
    {0},
};

static int parse_create_args(const char *cmd, int argc, char **argv, struct create_opts *o,
			     struct stage_error *err)
{
	bool is_run = strcmp(cmd, "run") == 0;
	int c;

	memset(o, 0, sizeof(*o));
	o->bundle = ".";
	optind = 1;
	while ((c = getopt_long(argc, argv, is_run ? "+b:dh" : "+b:h", create_options, NULL)) !=
	       -1) {
		switch (c) {
		case 'b':
			o->bundle = optarg;
			break;
		case OPT_CONFIG:
			o->config = optarg;
			break;
		case OPT_PID_FILE:
			o->pid_file = optarg;
			break;
		case OPT_CONSOLE:
			o->console_socket = optarg;
			break;
		case OPT_PRESERVE:
			if (parse_preserve_fds(optarg, &o->preserve_fds, err) < 0)
				return -1;
			break;
		case OPT_NO_PIVOT:
			o->no_pivot = true;
			break;
		case OPT_NO_KEYRING:
			o->no_new_keyring = true;
			break;
		case 'd':
		case OPT_KEEP:
			if (!is_run)
				return usage_error(cmd, "unknown option `%s`", argv[optind - 1]);
			if (c == 'd')
				o->detach = true;
			else
				o->keep = true;
			break;
		case 'h':
			command_help_exit(cmd);
		default:
			return usage_error(cmd, "invalid option");
		}
	}
	if (optind != argc - 1)
		return usage_error(cmd, "requires exactly one CONTAINER argument");
	o->id = argv[optind];
	return 0;
}

static void now_rfc3339(char *buf, size_t size)
{
	struct timespec ts;
	struct tm tm;
	char base[40];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, size, "%s.%09ldZ", base, ts.tv_nsec);
}

int write_pid_file(const char *path, pid_t pid, struct stage_error *err)
{
	char tmp[PATH_MAX + 8], buf[32];
	int len = snprintf(buf, sizeof(buf), "%d", (int)pid);
	autoclose int fd = -1;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, buf, (size_t)len) != len || rename(tmp, path) < 0)
		return stage_fail(err, errno, "cannot write pid file `%s`", path);
	return 0;
}

/* Everything create and run share: state dir, pipeline, state file. */
static int create_container(const struct global_opts *g, const struct create_opts *o,
			    enum run_mode mode, struct container *c, struct pipeline_result *res,
			    struct stage_error *err)
{
	char bundle[PATH_MAX];

	if (!realpath(o->bundle, bundle))
		return stage_fail(err, errno, "invalid bundle `%s`", o->bundle);
	if (state_create(c, g->root, o->id, err) < 0)
		return -1;
	snprintf(c->bundle, sizeof(c->bundle), "%s", bundle);
	now_rfc3339(c->created, sizeof(c->created));
	if (pipeline_start(g, o, c, mode, res, err) < 0)
		goto fail;
	c->pid = res->pid;
	if (pid_start_time(c->pid, &c->pid_start) < 0) {
		stage_fail(err, ESRCH, "the container process exited during setup");
		goto fail_kill;
	}
	if (state_write(c, err) < 0)
		goto fail_kill;
	if (o->pid_file && write_pid_file(o->pid_file, c->pid, err) < 0)
		goto fail_kill;
	return 0;
fail_kill:
	kill(c->pid, SIGKILL);
	waitpid(c->pid, NULL, 0);
	container_teardown(NULL, c, c->cgroup_path);
	return -1;
fail:
	host_mounts_release(c);
	state_destroy(c);
	return -1;
}

int cmd_create(const struct global_opts *g, int argc, char **argv)
{
	struct pipeline_result res;
	struct stage_error err;
	struct create_opts o;
	struct container c;

	if (parse_create_args("create", argc, argv, &o, &err) < 0)
		return report_error(g, &err);
	if (create_container(g, &o, MODE_CREATE, &c, &res, &err) < 0)
		return report_error(g, &err);
	state_close(&c);
	return 0;
}

static pid_t forward_to;

static void forward_signal(int sig)
{
	if (forward_to > 0)
		kill(forward_to, sig);
}

void forward_signals_to(pid_t pid)
{
	static const int forwarded[] = {SIGHUP,	 SIGINT,  SIGQUIT, SIGTERM,
					SIGUSR1, SIGUSR2, SIGWINCH};
	struct sigaction sa = {.sa_handler = forward_signal};

	forward_to = pid;
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaction(forwarded[i], &sa, NULL);
}

int wait_exit_code(pid_t pid)
{
	int status;

	if (forward_to != pid)
		forward_signals_to(pid);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 255;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/* A SIGKILLed container may have hit its memory limit: say so, not just "137". */
static void report_oom_kills(const struct container *c)
{
	struct stage_error ignored;
	uint64_t kills = 0;

	if (c->cgroup_path[0] && cgroup_oom_kills(c->cgroup_path, &kills, &ignored) == 0 && kills)
		log_warning("container `%s`: the OOM killer killed %llu process(es): the memory "
			    "limit was reached",
			    c->id, (unsigned long long)kills);
}

/* The container is running once it says READY=1, when the caller waits for that. */
static void wait_for_ready(struct container *c, int notify_fd)
{
	/* let `state`, `kill` and `ps` in meanwhile */
	flock(c->dirfd, LOCK_UN);
	notify_proxy_wait(notify_fd, c, notify_caller_socket());
	flock(c->dirfd, LOCK_EX);
	close(notify_fd);
}

/* runtime-spec 1.3: a failing poststart hook is an error; stop and delete the container. */
static int poststart_failed(const struct global_opts *g, struct container *c,
			    const struct stage_error *err)
{
	report_error(g, err);
	container_teardown(g, c, c->cgroup_path);
	return 1;
}

int cmd_run(const struct global_opts *g, int argc, char **argv)
{
	struct pipeline_result res;
	struct stage_error err;
	struct create_opts o;
	struct container c;
	int code;

	if (parse_create_args("run", argc, argv, &o, &err) < 0)
		return report_error(g, &err);
	if (create_container(g, &o, MODE_RUN, &c, &res, &err) < 0)
		return report_error(g, &err);
	if (res.notify_fd >= 0 && res.tty_master >= 0) {
		/* the program may want its terminal before it is ready: wait beside it */
		notify_proxy_detach(res.notify_fd, &c, notify_caller_socket());
		close(res.notify_fd);
	} else if (res.notify_fd >= 0) {
		/* in the foreground our signals are the container's, READY or not */
		if (!o.detach)
			forward_signals_to(c.pid);
		wait_for_ready(&c, res.notify_fd);
	}
	if (run_host_hooks(g, &c, "poststart", "running", &err) < 0)
		return poststart_failed(g, &c, &err);
	if (o.detach) {
		state_close(&c);
		return 0;
	}
	/* let `state`, `kill` and `ps` in while the container runs */
	flock(c.dirfd, LOCK_UN);
	code = res.tty_master >= 0 ? console_attach(res.tty_master, c.pid) : wait_exit_code(c.pid);
	flock(c.dirfd, LOCK_EX);
	/* deleted meanwhile, maybe made anew under the same id: the newer
	 * container is not ours to tear down (its cgroup has our cgroup's name) */
	if (!state_is_current(&c)) {
		state_close(&c);
		return code;
	}
	if (code == 128 + SIGKILL)
		report_oom_kills(&c);
	if (o.keep)
		state_close(&c);
	else
		container_teardown(g, &c, c.cgroup_path);
	return code;
}

int cmd_start(const struct global_opts *g, int argc, char **argv)
{
	struct stage_error err;
	struct container c;
	autoplan struct plan plan = {0};
	autoclose int fifo = -1;
	autoclose int result = -1;
	int notify = -1;

	if (argc != 2)
		return usage_error("start", "requires exactly one CONTAINER argument");
	if (state_open(&c, g->root, argv[1], true, &err) < 0)
		return report_error(g, &err);
	switch (state_status(&c)) {
	case STATUS_CREATED:
		break;
	case STATUS_STOPPED:
		stage_fail(&err, 0, "container `%s` is not running", c.id);
		goto fail;
	default:
		stage_fail(&err, 0, "container `%s` already started", c.id);
		goto fail;
	}
	if (state_load_plan(&c, &plan, &err) < 0)
		goto fail;
	if (!plan_flag(&plan, "process")) {
		stage_fail(&err, 0,
			   "container `%s` has no process to start: config.json has no `process`",
			   c.id);
		goto fail;
	}
	/* before the byte: final-exec's record and the program's READY=1 find us */
	result = start_result_open(&c);
	if (notify_caller_socket() && (notify = notify_proxy_bind(&c, &err)) == -1)
		goto fail;
	fifo = openat(c.dirfd, "exec.fifo", O_WRONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
	if (fifo < 0) {
		stage_fail(&err, errno, "container `%s` is not waiting to start", c.id);
		goto fail;
	}
	if (write(fifo, "0", 1) != 1) {
		stage_fail(&err, errno, "cannot start container `%s`", c.id);
		goto fail;
	}
	unlinkat(c.dirfd, "exec.fifo", 0);
	if (result >= 0) {
		int rc = start_result_wait(result, c.id, &err);

		unlinkat(c.dirfd, "exec.result", 0);
		if (rc < 0)
			goto fail;
	}
	if (notify >= 0)
		wait_for_ready(&c, notify);
	notify = -1;
	if (run_host_hooks(g, &c, "poststart", "running", &err) < 0)
		return poststart_failed(g, &c, &err);
	state_close(&c);
	return 0;
fail:
	if (notify >= 0)
		close(notify);
	state_close(&c);
	return report_error(g, &err);
}
