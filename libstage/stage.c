#include "stage.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "fdenv.h"
#include "record.h"

static int debug_state = -1;

void stage_init(const char *name, int argc, char **argv, const char *usage)
{
	stage_self = name;
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	/* after `--` come a program's own arguments (exec's `ls -h`) */
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(usage, stdout);
			exit(0);
		}
	}
}

void stage_exit_error(const struct stage_error *err)
{
	struct stage_error ignored;
	int sync = stage_fd_opt("BATON_FD_SYNC", FD_KIND_SOCKET, &ignored);

	char text[STAGE_MSG_MAX + 128];

	if (sync >= 0 && record_send(sync, REC_ERROR, err, sizeof(*err), NULL, 0, &ignored) == 0)
		exit(1);
	/* run alone, or after create returned and nobody reads the sync socket */
	stage_error_text(err, text, sizeof(text));
	fprintf(stderr, "%s: %s\n", err->stage, text);
	exit(1);
}

bool stage_debug_enabled(void)
{
	if (debug_state < 0) {
		const char *v = getenv("BATON_DEBUG");

		debug_state = v && *v && strcmp(v, "0") != 0;
	}
	return debug_state;
}

static void vlog(const char *tag, const char *fmt, va_list ap)
{
	char line[2048];
	int n = snprintf(line, sizeof(line), "baton[%s]: %s", stage_self, tag);

	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	/* one write per line, so that concurrent stages do not interleave */
	size_t len = strlen(line);
	if (len < sizeof(line) - 1)
		line[len++] = '\n';
	if (write(STDERR_FILENO, line, len) < 0)
		return;
}

void stage_debug(const char *fmt, ...)
{
	va_list ap;

	if (!stage_debug_enabled())
		return;
	va_start(ap, fmt);
	vlog("", fmt, ap);
	va_end(ap);
}

void stage_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("warning: ", fmt, ap);
	va_end(ap);
}

int stage_parse_pid(const char *text, const char *what, pid_t *pid, struct stage_error *err)
{
	char *end;
	long v;

	errno = 0;
	v = text ? strtol(text, &end, 10) : 0;
	if (!text || !*text || *end || errno || v <= 0 || v > INT_MAX)
		return stage_fail(err, EINVAL, "%s: not a process id: `%s`", what,
				  text ? text : "");
	*pid = (pid_t)v;
	return 0;
}

int stage_target_from_env(int *plan_fd, int *sync, pid_t *pid, struct stage_error *err)
{
	*plan_fd = stage_fd("BATON_FD_PLAN", FD_KIND_SEALED_MEMFD, err);
	*sync = *plan_fd < 0 ? -1 : stage_fd("BATON_FD_SYNC", FD_KIND_SOCKET, err);
	if (*sync < 0)
		return -1;
	return stage_parse_pid(getenv("BATON_PID"), "BATON_PID", pid, err);
}
