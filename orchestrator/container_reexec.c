/*
 * When the container process enters a pid namespace that already has
 * processes (`exec`, or a pid namespace joined by path), those processes can
 * see it, and one holding CAP_SYS_PTRACE could open its /proc/PID/exe even
 * though it is non-dumpable, reaching the host's baton binary
 * (CVE-2019-5736). So before joining anything, the intermediate process
 * re-executes itself from a sealed memfd copy of baton; what it forks into
 * the namespace then has that copy as its exe from birth.
 *
 * The prepared struct container_spawn crosses that exec as one argument
 * (numbers and fd numbers; the fds themselves are inherited) and the child
 * chain's environment as the environment.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "container.h"
#include "strbuf.h"

#define ENTER_COMMAND "__container-enter"

static void keep_open(int fd)
{
	if (fd >= 0)
		fcntl(fd, F_SETFD, 0);
}

void container_reexec(struct container_spawn *cs)
{
	struct strbuf sb = {0};

	strbuf_printf(&sb, "ns=%llx;slow=%d;userns=%d;sync=%d;exe=%d;name=%s;preserve=%u;keep=",
		      (unsigned long long)cs->new_ns, cs->slow, cs->in_userns, cs->sync,
		      cs->first_exe, cs->first_name, cs->preserve_fds);
	for (unsigned i = 0; i < cs->nkeep; i++)
		strbuf_printf(&sb, "%s%d", i ? "," : "", cs->keep[i]);
	strbuf_puts(&sb, ";cgroup=");
	for (size_t i = 0; i < cs->cgroup.nfiles; i++)
		strbuf_printf(&sb, "%s%d", i ? "," : "", cs->cgroup.files[i]);
	strbuf_puts(&sb, ";join=");
	for (unsigned i = 0; i < cs->njoin; i++)
		strbuf_printf(&sb, "%s%d/%d/%d", i ? "," : "", cs->join_fd[i], cs->join_type[i],
			      cs->join_index[i]);

	keep_open(cs->sync);
	keep_open(cs->first_exe);
	for (unsigned i = 0; i < cs->nkeep; i++)
		keep_open(cs->keep[i]);
	for (unsigned i = 0; i < cs->njoin; i++)
		keep_open(cs->join_fd[i]);
	for (size_t i = 0; i < cs->cgroup.nfiles; i++)
		keep_open(cs->cgroup.files[i]);
	for (unsigned fd = 3; fd < 3 + cs->preserve_fds; fd++)
		keep_open((int)fd);
	char *argv[] = {"baton", ENTER_COMMAND, sb.data, cs->time_offsets, NULL};
	syscall(SYS_execveat, cs->self_exe, "", argv, cs->envp, AT_EMPTY_PATH);
	/* not reached unless the copy cannot run: the sync socket reports it */
}

/* N,N,... or, with types and index, FD/TYPE/INDEX,...; -1 when more than max. */
static int parse_list(char *list, int *out, unsigned max, int *types, int *index)
{
	unsigned n = 0;

	for (char *item = strtok(list, ","); item; item = strtok(NULL, ",")) {
		if (n >= max)
			return -1;
		out[n] = (int)strtol(item, &item, 10);
		if (types)
			types[n] = *item == '/' ? (int)strtol(item + 1, &item, 10) : 0;
		if (index)
			index[n] = *item == '/' ? (int)strtol(item + 1, NULL, 10) : -1;
		n++;
	}
	return (int)n;
}

static int parse_spec(char *spec, struct container_spawn *cs)
{
	char *save = NULL;
	int n = 0;

	for (char *f = strtok_r(spec, ";", &save); f; f = strtok_r(NULL, ";", &save)) {
		char *v = strchr(f, '=');

		if (!v)
			return -1;
		*v++ = '\0';
		if (strcmp(f, "ns") == 0)
			cs->new_ns = strtoull(v, NULL, 16);
		else if (strcmp(f, "slow") == 0)
			cs->slow = atoi(v);
		else if (strcmp(f, "userns") == 0)
			cs->in_userns = atoi(v);
		else if (strcmp(f, "sync") == 0)
			cs->sync = atoi(v);
		else if (strcmp(f, "exe") == 0)
			cs->first_exe = atoi(v);
		else if (strcmp(f, "name") == 0)
			cs->first_name = v;
		else if (strcmp(f, "preserve") == 0)
			cs->preserve_fds = (unsigned)atoi(v);
		else if (strcmp(f, "keep") == 0)
			cs->nkeep =
			    (unsigned)(n = parse_list(v, cs->keep, MAX_KEEP - 1, NULL, NULL));
		else if (strcmp(f, "cgroup") == 0)
			cs->cgroup.nfiles = (size_t)(n = parse_list(v, cs->cgroup.files,
								    CGROUP_JOIN_MAX, NULL, NULL));
		else if (strcmp(f, "join") == 0)
			cs->njoin = (unsigned)(n = parse_list(v, cs->join_fd, MAX_JOIN,
							      cs->join_type, cs->join_index));
		else
			return -1;
		if (n < 0)
			return -1; /* more than the arrays hold: never drop one */
	}
	return 0;
}

bool container_enter_requested(int argc, char **argv)
{
	return argc == 4 && strcmp(argv[1], ENTER_COMMAND) == 0;
}

int container_enter(int argc, char **argv)
{
	extern char **environ;
	static struct container_spawn cs = {.sync = -1,
					    .first_exe = -1,
					    .self_exe = -1,
					    .cgroup = {.v2_dir = -1, .v2_procs = -1},
					    .delegate_procs = -1};

	(void)argc;
	if (parse_spec(argv[2], &cs) < 0) {
		fprintf(stderr, "baton: %s: bad arguments\n", ENTER_COMMAND);
		return 1;
	}
	snprintf(cs.time_offsets, sizeof(cs.time_offsets), "%s", argv[3]);
	cs.envp = environ;
	container_continue(&cs);
}
