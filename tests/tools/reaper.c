/*
 * reaper: run a command as a child subreaper, then report what it left
 * running. Every process the command leaves behind, orphaned or not, ends up
 * below us (PR_SET_CHILD_SUBREAPER), so after the command exits anything
 * still alive under us is a leftover: a container init baton lost track of,
 * a stage that never exited, a zombie nobody reaps.
 *
 *   reaper [--grace MS] -- CMD [ARG...]
 *
 * Waits up to MS (default 2000) for the descendants to exit, reaping them.
 * Those still alive then are printed on stderr as `leftover PID STATE COMM`
 * (with the `/memfd:` fds they hold), killed with SIGKILL, and reaper exits
 * 99; otherwise it exits with the command's status.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define LEFTOVERS_STATUS 99

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void reap_all(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

/* The children of pid (all its threads'), read from /proc; returns the count. */
static size_t children_of(pid_t pid, pid_t **out)
{
	char path[64], name[384];
	size_t n = 0, cap = 0;
	struct dirent *t;
	DIR *tasks;

	*out = NULL;
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	tasks = opendir(path);
	if (!tasks)
		return 0;
	while ((t = readdir(tasks))) {
		FILE *f;
		int child;

		if (t->d_name[0] == '.')
			continue;
		snprintf(name, sizeof(name), "%s/%s/children", path, t->d_name);
		f = fopen(name, "re");
		if (!f)
			continue;
		while (fscanf(f, "%d", &child) == 1) {
			if (n == cap) {
				cap = cap ? cap * 2 : 16;
				*out = realloc(*out, cap * sizeof(**out));
				if (!*out)
					abort();
			}
			(*out)[n++] = child;
		}
		fclose(f);
	}
	closedir(tasks);
	return n;
}

static void print_memfds(pid_t pid)
{
	char path[64], link[384], target[256];
	struct dirent *d;
	DIR *fds;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	fds = opendir(path);
	if (!fds)
		return;
	while ((d = readdir(fds))) {
		ssize_t n;

		snprintf(link, sizeof(link), "%s/%s", path, d->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n > 0 && (target[n] = '\0', strncmp(target, "/memfd:", 7) == 0))
			fprintf(stderr, "leftover %d holds fd %s -> %s\n", (int)pid, d->d_name,
				target);
	}
	closedir(fds);
}

/* `leftover PID STATE COMM` for pid and everything below it, then SIGKILL. */
static void report(pid_t pid)
{
	char path[64], stat[512] = "";
	pid_t *kids;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (f) {
		if (!fgets(stat, sizeof(stat), f))
			stat[0] = '\0';
		fclose(f);
	}
	/* stat is `PID (COMM) STATE ...`: print from the comm on, up to the ppid */
	char *comm = strchr(stat, '('), *end = strrchr(stat, ')');
	if (comm && end)
		fprintf(stderr, "leftover %d %c %.*s\n", (int)pid, end[2], (int)(end - comm + 1),
			comm);
	else
		fprintf(stderr, "leftover %d\n", (int)pid);
	print_memfds(pid);
	n = children_of(pid, &kids);
	for (size_t i = 0; i < n; i++)
		report(kids[i]);
	free(kids);
	kill(pid, SIGKILL);
}

int main(int argc, char **argv)
{
	long grace = 2000, deadline;
	int status = 0, argi = 1;
	pid_t child, *kids;
	size_t n;

	if (argi + 1 < argc && strcmp(argv[argi], "--grace") == 0) {
		grace = strtol(argv[argi + 1], NULL, 10);
		argi += 2;
	}
	if (argi < argc && strcmp(argv[argi], "--") == 0)
		argi++;
	if (argi >= argc) {
		fprintf(stderr, "usage: reaper [--grace MS] -- CMD [ARG...]\n");
		return 2;
	}
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
		perror("reaper: PR_SET_CHILD_SUBREAPER");
		return 2;
	}
	child = fork();
	if (child < 0) {
		perror("reaper: fork");
		return 2;
	}
	if (child == 0) {
		execvp(argv[argi], argv + argi);
		perror("reaper: exec");
		_exit(127);
	}
	/* reap orphans as they come, as a real init does: a zombie left
	 * unreaped would hold a dying container init in zap_pid_ns_processes */
	for (;;) {
		int st;
		pid_t p = waitpid(-1, &st, 0);

		if (p == child) {
			status = st;
			break;
		}
		if (p < 0 && errno != EINTR) {
			perror("reaper: waitpid");
			return 2;
		}
	}
	deadline = now_ms() + grace;
	for (;;) {
		reap_all();
		n = children_of(getpid(), &kids);
		if (n == 0)
			break;
		if (now_ms() >= deadline) {
			for (size_t i = 0; i < n; i++)
				report(kids[i]);
			free(kids);
			sleep(1);
			reap_all();
			return LEFTOVERS_STATUS;
		}
		free(kids);
		usleep(10000);
	}
	free(kids);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
