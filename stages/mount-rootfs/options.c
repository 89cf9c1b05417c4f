/*
 * Where the inputs come from: the orchestrator's fds (BATON_FD_PLAN,
 * BATON_FD_NEXT) or, run by a person, files named on the command line.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "fdenv.h"
#include "options.h"

int parse_args(int argc, char **argv, struct options *opt, struct stage_error *err)
{
	const char *v = getenv("BATON_NO_PIVOT");

	*opt = (struct options){.no_pivot = v && strcmp(v, "1") == 0};
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--no-pivot") == 0)
			opt->no_pivot = true;
		else if (strcmp(argv[i], "--plan") == 0 && i + 1 < argc)
			opt->plan_file = argv[++i];
		else if (strcmp(argv[i], "--next") == 0 && i + 1 < argc)
			opt->next_file = argv[++i];
		else
			return stage_fail(err, 0, "unknown or incomplete argument `%s`", argv[i]);
	}
	if (opt->next_file && !opt->plan_file)
		return stage_fail(err, 0, "`--next` needs `--plan`");
	return 0;
}

static int read_all(int fd, char **data, size_t *len, const char *path, struct stage_error *err)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return stage_fail(err, errno, "stat plan `%s`", path);
	*data = malloc((size_t)st.st_size + 1);
	if (!*data)
		return stage_fail(err, ENOMEM, "read plan `%s`", path);
	for (*len = 0; *len < (size_t)st.st_size;) {
		ssize_t n = read(fd, *data + *len, (size_t)st.st_size - *len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return stage_fail(err, errno, "read plan `%s`", path);
		if (n == 0)
			break;
		*len += (size_t)n;
	}
	return 0;
}

/* A plan file becomes the sealed memfd the next stage expects as BATON_FD_PLAN. */
static int plan_file_to_memfd(const char *path, struct stage_error *err)
{
	autoclose int fd = open(path, O_RDONLY | O_CLOEXEC);
	autofree char *data = NULL;
	char num[16];
	size_t len = 0;
	int memfd;

	if (fd < 0)
		return stage_fail(err, errno, "open plan `%s`", path);
	if (read_all(fd, &data, &len, path, err) < 0)
		return -1;
	memfd = memfd_sealed("plan", data, len, err);
	if (memfd < 0)
		return -1;
	if (fcntl(memfd, F_SETFD, 0) < 0) {
		close(memfd);
		return stage_fail(err, errno, "keep the plan memfd open");
	}
	snprintf(num, sizeof(num), "%d", memfd);
	setenv("BATON_FD_PLAN", num, 1);
	return memfd;
}

int load_plan(const struct options *opt, struct plan *plan, struct stage_error *err)
{
	int fd = opt->plan_file ? plan_file_to_memfd(opt->plan_file, err)
				: stage_fd("BATON_FD_PLAN", FD_KIND_SEALED_MEMFD, err);

	if (fd < 0)
		return -1;
	return plan_load_fd(plan, fd, err);
}

int open_next_stage(const struct options *opt, struct stage_error *err)
{
	int fd;

	if (opt->plan_file) {
		if (!opt->next_file)
			return FD_ABSENT;
		fd = open(opt->next_file, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return stage_fail(err, errno, "open next stage `%s`", opt->next_file);
		if (fd_check_kind(fd, FD_KIND_EXEC, opt->next_file, err) < 0) {
			close(fd);
			return -1;
		}
		return fd;
	}
	fd = stage_fd("BATON_FD_NEXT", FD_KIND_EXEC, err);
	/* the next stage runs from it, and must not inherit it */
	if (fd >= 0 && fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
		return stage_fail(err, errno, "BATON_FD_NEXT: set close-on-exec");
	return fd;
}
