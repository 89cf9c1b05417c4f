/*
 * The timing driver of bench/run.
 *
 *   driver MEASURE [OPTIONS] -- RUNTIME [GLOBAL-OPTIONS...]
 *   driver stats SAMPLES.tsv
 *
 * One call runs one measure for one runtime and appends its per-iteration
 * samples to a TSV file (measure, variant, runtime, value); `stats` turns the
 * samples of all rounds into medians. Timing is done here, in C, around
 * posix_spawn and waitpid, so that a shell's own fork and exec do not dilute
 * the ratios between runtimes. Anything not timed (writing a fresh config,
 * waiting for a container to stop, setting up the exec target) happens
 * outside the clock.
 *
 * Measures:
 *   run       `run ID` of the bundle's /bin/true, ms per container
 *   cold      the same after 200 ms of idle before each run
 *   phases    `create`, `start`, `delete` of a stopped container, ms each
 *   exec      `exec ID /bin/true` into a running container (-P: a fresh
 *             --process file per exec), ms per exec
 *   parallel  -w workers running -n containers each, containers/s
 *   rss       peak RSS of one `run`, KiB: rss_self is the runtime process at
 *             its exit; rss_tree is what wait4() reports for it, Linux's
 *             maximum over the process and every descendant it reaped;
 *             rss_all adds descendants orphaned to us (a subreaper) and
 *             the runtime's own VmHWM: the largest process of the tree
 *   trace     `--trace DIR/ID.json run ID` (baton), ms, also written to
 *             DIR/walls.tsv by id; bench/run reads the stage durations from
 *             the trace files
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"

extern char **environ;

#define MAX_ARGS     48
#define MAX_MEASURES 8
#define ID_MAX	     128

static struct {
	int iterations;
	int workers;
	const char *bundle;
	char *config_template;	/* fresh mode: config.json with @ID@ placeholders */
	char *process_template; /* exec: a process.json per exec, @ID@ placeholders */
	const char *id_prefix;
	const char *label;
	const char *variant;
	const char *trace_dir;
	FILE *samples;
	int log_fd; /* the runtime's stderr */
	int null_fd;
	char **runtime; /* RUNTIME [GLOBAL-OPTIONS...] */
	int runtime_argc;
} opt = {.iterations = 10,
	 .workers = 1,
	 .id_prefix = "bench",
	 .label = "runtime",
	 .variant = "repeated",
	 .log_fd = -1,
	 .null_fd = -1};

/* Per-measure samples of this call, for the summary line on stderr. */
static struct batch {
	const char *measure;
	double *values;
	size_t n, cap;
} batches[MAX_MEASURES];

__attribute__((noreturn, format(printf, 1, 2))) static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "driver: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void push(double **values, size_t *n, size_t *cap, double v)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		*values = realloc(*values, *cap * sizeof(**values));
		if (!*values)
			die("out of memory");
	}
	(*values)[(*n)++] = v;
}

/* Sorts the values; the median, and p90 as the nearest rank. */
static void summarize(double *v, size_t n, double *median, double *p90, double *mean)
{
	double sum = 0;
	size_t rank;

	qsort(v, n, sizeof(*v), cmp_double);
	*median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	rank = (n * 9 + 9) / 10; /* ceil(0.9 n) */
	*p90 = v[rank ? rank - 1 : 0];
	for (size_t i = 0; i < n; i++)
		sum += v[i];
	*mean = sum / (double)n;
}

static void sample(const char *measure, double value)
{
	struct batch *b = batches;

	fprintf(opt.samples, "%s\t%s\t%s\t%.4f\n", measure, opt.variant, opt.label, value);
	while (b < batches + MAX_MEASURES && b->measure && strcmp(b->measure, measure) != 0)
		b++;
	if (b == batches + MAX_MEASURES)
		die("too many measures in one call");
	b->measure = measure;
	push(&b->values, &b->n, &b->cap, value);
}

static void print_batches(void)
{
	for (struct batch *b = batches; b < batches + MAX_MEASURES && b->measure; b++) {
		double median, p90, mean;

		summarize(b->values, b->n, &median, &p90, &mean);
		fprintf(stderr, "  %-6s %-8s %-10s n=%-4zu median %9.3f  p90 %9.3f\n", opt.label,
			opt.variant, b->measure, b->n, median, p90);
	}
}

/* --- the runtime's command lines ------------------------------------------ */

struct cmd {
	char *argv[MAX_ARGS];
	int argc;
};

/* RUNTIME [GLOBAL-OPTIONS...] [--trace FILE] ARGS... */
static void cmd_make(struct cmd *c, const char *trace_file, ...)
{
	va_list ap;
	char *arg;

	c->argc = 0;
	for (int i = 0; i < opt.runtime_argc; i++)
		c->argv[c->argc++] = opt.runtime[i];
	if (trace_file) {
		c->argv[c->argc++] = "--trace";
		c->argv[c->argc++] = (char *)trace_file;
	}
	va_start(ap, trace_file);
	while ((arg = va_arg(ap, char *)) && c->argc < MAX_ARGS - 1)
		c->argv[c->argc++] = arg;
	va_end(ap);
	c->argv[c->argc] = NULL;
}

static const char *cmd_text(const struct cmd *c)
{
	static char text[1024];
	size_t len = 0;

	text[0] = '\0';
	for (int i = 0; i < c->argc && len < sizeof(text); i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%s%s", i ? " " : "",
					c->argv[i]);
	return text;
}

/* The runtime with stdin and stdout on /dev/null (or stdout on out_fd), stderr on the log. */
static pid_t spawn(const struct cmd *c, int out_fd)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int rc;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, opt.null_fd, 0);
	posix_spawn_file_actions_adddup2(&fa, out_fd >= 0 ? out_fd : opt.null_fd, 1);
	posix_spawn_file_actions_adddup2(&fa, opt.log_fd, 2);
	rc = posix_spawnp(&pid, c->argv[0], &fa, NULL, c->argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		die("%s: cannot start: %s", c->argv[0], strerror(rc));
	return pid;
}

static void check_status(const struct cmd *c, int status)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return;
	if (WIFEXITED(status))
		die("%s: `%s` exited with status %d", opt.label, cmd_text(c), WEXITSTATUS(status));
	die("%s: `%s` killed by signal %d", opt.label, cmd_text(c), WTERMSIG(status));
}

static int wait_for(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			die("waitpid: %s", strerror(errno));
	return status;
}

/* Runs the command to completion, fails on a non-zero exit; returns its ms. */
static double timed(const struct cmd *c)
{
	double start = now_ms();
	int status = wait_for(spawn(c, -1));
	double ms = now_ms() - start;

	check_status(c, status);
	return ms;
}

/* --- bundles and ids ----------------------------------------------------- */

static char *read_file(const char *path)
{
	autofile FILE *f = fopen(path, "re");
	char *text = NULL;
	size_t len = 0;

	if (!f)
		die("%s: %s", path, strerror(errno));
	if (getdelim(&text, &len, '\0', f) < 0)
		die("%s: cannot read", path);
	return text;
}

/* dir/name into path, or die: a cut path would write somewhere else. */
static void path_join(char path[static 4096], const char *dir, const char *name)
{
	if ((size_t)snprintf(path, 4096, "%s/%s", dir, name) >= 4096)
		die("%s/%s: path too long", dir, name);
}

/* The template with every @ID@ replaced by the id, written aside and renamed. */
static void write_from_template(const char *template, const char *path, const char *id)
{
	char tmp[4096];
	autofile FILE *f = NULL;
	const char *p = template, *hit;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		die("%s: path too long", path);
	f = fopen(tmp, "we");
	if (!f)
		die("%s: %s", tmp, strerror(errno));
	while ((hit = strstr(p, "@ID@"))) {
		fwrite(p, 1, (size_t)(hit - p), f);
		fputs(id, f);
		p = hit + 4;
	}
	fputs(p, f);
	if (fflush(f) != 0 || ferror(f))
		die("%s: write failed", tmp);
	if (rename(tmp, path) < 0)
		die("%s: %s", path, strerror(errno));
}

/* A fresh config.json for this container, when the variant asks for one. */
static void prepare_bundle(const char *bundle, const char *id)
{
	char path[4096];

	if (!opt.config_template)
		return;
	path_join(path, bundle, "config.json");
	write_from_template(opt.config_template, path, id);
}

static void make_id(char *id, const char *what, int i)
{
	snprintf(id, ID_MAX, "%s-%s-%d", opt.id_prefix, what, i);
}

/* Polled with `state`: a runtime only calls a container stopped once it is reaped. */
static void wait_stopped(const char *id)
{
	struct cmd c;

	cmd_make(&c, NULL, "state", id, NULL);
	for (int tries = 0; tries < 5000; tries++) {
		char buf[8192];
		size_t len = 0;
		ssize_t n;
		int fds[2], status;
		pid_t pid;

		if (pipe2(fds, O_CLOEXEC) < 0)
			die("pipe: %s", strerror(errno));
		pid = spawn(&c, fds[1]);
		close(fds[1]);
		while ((n = read(fds[0], buf + len, sizeof(buf) - 1 - len)) > 0)
			len += (size_t)n;
		close(fds[0]);
		buf[len] = '\0';
		status = wait_for(pid);
		check_status(&c, status);
		if (strstr(buf, "\"stopped\""))
			return;
		sleep_ms(1);
	}
	die("%s: container %s did not stop", opt.label, id);
}

/* --- measures ------------------------------------------------------------ */

static void measure_run(const char *name, long idle_ms)
{
	for (int i = 0; i < opt.iterations; i++) {
		char id[ID_MAX];
		struct cmd c;

		make_id(id, name, i);
		if (idle_ms)
			sleep_ms(idle_ms);
		prepare_bundle(opt.bundle, id);
		cmd_make(&c, NULL, "run", "--bundle", opt.bundle, id, NULL);
		sample(name, timed(&c));
	}
}

/* create, start and delete apart; the container exits between start and delete. */
static void measure_phases(void)
{
	for (int i = 0; i < opt.iterations; i++) {
		char id[ID_MAX];
		struct cmd c;

		make_id(id, "ph", i);
		prepare_bundle(opt.bundle, id);
		cmd_make(&c, NULL, "create", "--bundle", opt.bundle, id, NULL);
		sample("create", timed(&c));
		cmd_make(&c, NULL, "start", id, NULL);
		sample("start", timed(&c));
		wait_stopped(id);
		cmd_make(&c, NULL, "delete", id, NULL);
		sample("delete", timed(&c));
	}
}

/* Execs into one running container (the bundle's process sleeps). */
static void measure_exec(void)
{
	char id[ID_MAX], process_path[4096];
	struct cmd c;

	make_id(id, "ex", 0);
	prepare_bundle(opt.bundle, id);
	cmd_make(&c, NULL, "create", "--bundle", opt.bundle, id, NULL);
	timed(&c);
	cmd_make(&c, NULL, "start", id, NULL);
	timed(&c);
	path_join(process_path, opt.bundle, "process.json");
	for (int i = 0; i < opt.iterations; i++) {
		if (opt.process_template) {
			char exec_id[ID_MAX];

			make_id(exec_id, "exec", i);
			write_from_template(opt.process_template, process_path, exec_id);
			cmd_make(&c, NULL, "exec", "--process", process_path, id, NULL);
		} else {
			cmd_make(&c, NULL, "exec", id, "/bin/true", NULL);
		}
		sample("exec", timed(&c));
	}
	cmd_make(&c, NULL, "delete", "-f", id, NULL);
	timed(&c);
}

/* One worker: its own ids and, for fresh configs, its own bundle directory. */
static void parallel_worker(int w, int per_worker)
{
	char bundle[4096], what[32];

	snprintf(what, sizeof(what), "w%d", w);
	path_join(bundle, opt.bundle, opt.config_template ? what : ".");
	if (opt.config_template && mkdir(bundle, 0755) < 0 && errno != EEXIST)
		die("%s: %s", bundle, strerror(errno));
	snprintf(what, sizeof(what), "p%dw%d", opt.workers, w);
	for (int i = 0; i < per_worker; i++) {
		char id[ID_MAX];
		struct cmd c;

		make_id(id, what, i);
		/* inside the clock here: ~0.02 ms against several ms per container */
		prepare_bundle(bundle, id);
		cmd_make(&c, NULL, "run", "--bundle", bundle, id, NULL);
		check_status(&c, wait_for(spawn(&c, -1)));
	}
	exit(0);
}

static void measure_parallel(void)
{
	char name[16];
	pid_t pids[64];
	double start, ms;
	bool failed = false;

	if (opt.workers < 1 || opt.workers > 64)
		die("-w: 1 to 64 workers");
	fflush(NULL);
	start = now_ms();
	for (int w = 0; w < opt.workers; w++) {
		pids[w] = fork();
		if (pids[w] < 0)
			die("fork: %s", strerror(errno));
		if (pids[w] == 0)
			parallel_worker(w, opt.iterations);
	}
	for (int w = 0; w < opt.workers; w++) {
		int status = wait_for(pids[w]);

		failed |= !WIFEXITED(status) || WEXITSTATUS(status) != 0;
	}
	ms = now_ms() - start;
	if (failed)
		die("%s: a parallel worker failed", opt.label);
	snprintf(name, sizeof(name), "tput%d", opt.workers);
	sample(strdup(name), opt.workers * opt.iterations * 1e3 / ms);
}

/* VmHWM of a live (here: exit-stopped) process, in KiB. */
static long vm_hwm_kib(pid_t pid)
{
	char path[64], line[256];
	autofile FILE *f = NULL;
	long kib = -1;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmHWM: %ld kB", &kib) == 1)
			break;
	return kib;
}

struct rss {
	long self_kib, tree_kib, all_kib;
	int status;
};

/*
 * In a child that is a subreaper, so that orphans of the runtime are ours to
 * reap and count: the runtime is traced only to stop it at its exit, while
 * its memory is still there to read.
 */
static void rss_meter(const struct cmd *c, int result_fd)
{
	struct rss r = {.self_kib = -1};
	struct rusage ru, all;
	int status;
	pid_t pid;

	prctl(PR_SET_CHILD_SUBREAPER, 1);
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
			die("ptrace: %s", strerror(errno));
		dup2(opt.null_fd, 0);
		dup2(opt.null_fd, 1);
		dup2(opt.log_fd, 2);
		execvp(c->argv[0], c->argv);
		die("%s: %s", c->argv[0], strerror(errno));
	}
	/* the first stop is the SIGTRAP after the exec */
	status = wait_for(pid);
	ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *)(PTRACE_O_TRACEEXIT | PTRACE_O_EXITKILL));
	ptrace(PTRACE_CONT, pid, NULL, NULL);
	for (;;) {
		while (wait4(pid, &status, 0, &ru) < 0)
			if (errno != EINTR)
				die("wait4: %s", strerror(errno));
		if (!WIFSTOPPED(status))
			break;
		if (status >> 8 == (SIGTRAP | (PTRACE_EVENT_EXIT << 8))) {
			r.self_kib = vm_hwm_kib(pid);
			ptrace(PTRACE_CONT, pid, NULL, NULL);
		} else {
			/* a later exec's SIGTRAP is ours; any other signal is the runtime's */
			int sig = WSTOPSIG(status) == SIGTRAP ? 0 : WSTOPSIG(status);

			ptrace(PTRACE_CONT, pid, NULL, (void *)(long)sig);
		}
	}
	r.status = status;
	r.tree_kib = ru.ru_maxrss;
	/* a runtime in the foreground leaves nothing running; the alarm guards a hang */
	alarm(30);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	getrusage(RUSAGE_CHILDREN, &all);
	/*
	 * The kernel's exit-time figure behind ru_maxrss can read a little below
	 * the VmHWM we saw: the largest in the tree is at least the runtime.
	 */
	r.all_kib = all.ru_maxrss > r.self_kib ? all.ru_maxrss : r.self_kib;
	if (write(result_fd, &r, sizeof(r)) != sizeof(r))
		die("write: %s", strerror(errno));
	exit(0);
}

static void measure_rss(void)
{
	for (int i = 0; i < opt.iterations; i++) {
		autoclose int rd = -1;
		char id[ID_MAX];
		struct rss r;
		struct cmd c;
		int fds[2], status;
		pid_t meter;

		make_id(id, "rss", i);
		prepare_bundle(opt.bundle, id);
		cmd_make(&c, NULL, "run", "--bundle", opt.bundle, id, NULL);
		if (pipe2(fds, O_CLOEXEC) < 0)
			die("pipe: %s", strerror(errno));
		rd = fds[0];
		fflush(NULL);
		meter = fork();
		if (meter < 0)
			die("fork: %s", strerror(errno));
		if (meter == 0)
			rss_meter(&c, fds[1]);
		close(fds[1]);
		status = wait_for(meter);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
		    read(rd, &r, sizeof(r)) != sizeof(r))
			die("%s: measuring the RSS of `%s` failed", opt.label, cmd_text(&c));
		check_status(&c, r.status);
		if (r.self_kib < 0)
			die("%s: no VmHWM at the exit of `%s`", opt.label, cmd_text(&c));
		sample("rss_self", (double)r.self_kib);
		sample("rss_tree", (double)r.tree_kib);
		sample("rss_all", (double)r.all_kib);
	}
}

static void measure_trace(void)
{
	autofile FILE *walls = NULL;
	char walls_path[4096];
	double ms;

	if (!opt.trace_dir)
		die("trace: -T DIR is needed");
	path_join(walls_path, opt.trace_dir, "walls.tsv");
	walls = fopen(walls_path, "ae");
	if (!walls)
		die("%s: %s", walls_path, strerror(errno));
	for (int i = 0; i < opt.iterations; i++) {
		char id[ID_MAX], id_json[ID_MAX + 8], file[4096];
		struct cmd c;

		make_id(id, "tr", i);
		snprintf(id_json, sizeof(id_json), "%s.json", id);
		path_join(file, opt.trace_dir, id_json);
		prepare_bundle(opt.bundle, id);
		cmd_make(&c, file, "run", "--bundle", opt.bundle, id, NULL);
		ms = timed(&c);
		sample("trace_run", ms);
		/* for bench/run: the wall time of each trace, to show what it leaves out */
		fprintf(walls, "%s\t%.4f\n", id, ms);
	}
}

/* --- stats: medians over all rounds ---------------------------------------- */

static int stats(const char *path)
{
	struct group {
		char key[256];
		double *values;
		size_t n, cap;
	} *groups = NULL;
	size_t ngroups = 0;
	autofile FILE *f = fopen(path, "re");
	autofree char *line = NULL;
	size_t len = 0;

	if (!f)
		die("%s: %s", path, strerror(errno));
	while (getline(&line, &len, f) > 0) {
		char *tab = strrchr(line, '\t');
		size_t g = 0;

		if (!tab || (size_t)(tab - line) >= sizeof(groups->key))
			die("%s: malformed line: %s", path, line);
		*tab = '\0';
		while (g < ngroups && strcmp(groups[g].key, line) != 0)
			g++;
		if (g == ngroups) {
			groups = realloc(groups, ++ngroups * sizeof(*groups));
			if (!groups)
				die("out of memory");
			memset(&groups[g], 0, sizeof(*groups));
			strcpy(groups[g].key, line);
		}
		push(&groups[g].values, &groups[g].n, &groups[g].cap, strtod(tab + 1, NULL));
	}
	/* groups keep the order of their first sample: the order bench/run measured */
	printf("measure\tvariant\truntime\tn\tmedian\tp90\tmean\tmin\n");
	for (size_t g = 0; g < ngroups; g++) {
		double median, p90, mean;

		summarize(groups[g].values, groups[g].n, &median, &p90, &mean);
		printf("%s\t%zu\t%.4f\t%.4f\t%.4f\t%.4f\n", groups[g].key, groups[g].n, median, p90,
		       mean, groups[g].values[0]);
		free(groups[g].values);
	}
	free(groups);
	return 0;
}

/* --- command line ---------------------------------------------------------- */

static const char usage[] =
    "usage: driver run|cold|phases|exec|parallel|rss|trace [OPTIONS] -- RUNTIME [ARGS...]\n"
    "       driver stats SAMPLES.tsv\n"
    "  -n N        iterations (parallel: containers per worker)\n"
    "  -w N        parallel workers\n"
    "  -b DIR      the bundle\n"
    "  -t FILE     fresh config per container: FILE with @ID@ -> the id, as DIR/config.json\n"
    "  -P FILE     exec: a fresh --process file per exec from FILE (@ID@ -> a unique id)\n"
    "  -i PREFIX   container id prefix\n"
    "  -o FILE     append samples to FILE\n"
    "  -e FILE     append the runtime's stderr to FILE\n"
    "  -l NAME     the runtime's name in the samples\n"
    "  -v NAME     the variant's name in the samples (repeated, fresh)\n"
    "  -T DIR      trace: write baton's trace files into DIR\n";

static int open_or_die(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC, 0644);

	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	return fd;
}

static void parse_options(int argc, char **argv)
{
	const char *samples = NULL, *log = "/dev/null";
	int c;

	while ((c = getopt(argc, argv, "+n:w:b:t:P:i:o:e:l:v:T:h")) != -1) {
		switch (c) {
		case 'n':
			opt.iterations = atoi(optarg);
			break;
		case 'w':
			opt.workers = atoi(optarg);
			break;
		case 'b':
			opt.bundle = optarg;
			break;
		case 't':
			opt.config_template = read_file(optarg);
			break;
		case 'P':
			opt.process_template = read_file(optarg);
			break;
		case 'i':
			opt.id_prefix = optarg;
			break;
		case 'o':
			samples = optarg;
			break;
		case 'e':
			log = optarg;
			break;
		case 'l':
			opt.label = optarg;
			break;
		case 'v':
			opt.variant = optarg;
			break;
		case 'T':
			opt.trace_dir = optarg;
			break;
		default:
			fputs(usage, stderr);
			exit(c == 'h' ? 0 : 2);
		}
	}
	if (optind >= argc || !opt.bundle || opt.iterations < 1)
		die("a bundle (-b), iterations >= 1 (-n) and -- RUNTIME are needed\n%s", usage);
	opt.runtime = argv + optind;
	opt.runtime_argc = argc - optind;
	if (opt.runtime_argc > MAX_ARGS - 12)
		die("too many runtime arguments");
	opt.null_fd = open_or_die("/dev/null", O_RDWR);
	opt.log_fd = open_or_die(log, O_WRONLY | O_APPEND | O_CREAT);
	opt.samples =
	    samples ? fdopen(open_or_die(samples, O_WRONLY | O_APPEND | O_CREAT), "a") : stdout;
	if (!opt.samples)
		die("%s: %s", samples, strerror(errno));
	/* one line per sample, whole, even when workers share the file */
	setvbuf(opt.samples, NULL, _IOLBF, 0);
}

int main(int argc, char **argv)
{
	const char *measure = argc > 1 ? argv[1] : "";

	if (strcmp(measure, "stats") == 0) {
		if (argc != 3)
			die("usage: driver stats SAMPLES.tsv");
		return stats(argv[2]);
	}
	parse_options(argc - 1, argv + 1);
	if (strcmp(measure, "run") == 0)
		measure_run("run", 0);
	else if (strcmp(measure, "cold") == 0)
		measure_run("cold", 200);
	else if (strcmp(measure, "phases") == 0)
		measure_phases();
	else if (strcmp(measure, "exec") == 0)
		measure_exec();
	else if (strcmp(measure, "parallel") == 0)
		measure_parallel();
	else if (strcmp(measure, "rss") == 0)
		measure_rss();
	else if (strcmp(measure, "trace") == 0)
		measure_trace();
	else
		die("unknown measure `%s`\n%s", measure, usage);
	print_batches();
	return 0;
}
