/* The Chrome trace-event file of one command (see trace.h). */
#include "trace.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <stdlib.h>

#include "cleanup.h"
#include "log.h"
#include "strbuf.h"

static struct {
	const char *command;
	double start_ms;
} trace_state;

double trace_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

void trace_begin(const char *command)
{
	trace_state.command = command;
	trace_state.start_ms = trace_now_ms();
}

/* Metadata events name the rows Perfetto draws: the process and one per stage. */
static void name_row(struct strbuf *sb, const char *what, int pid, unsigned tid, const char *name)
{
	strbuf_printf(sb, "{\"name\":\"%s\",\"ph\":\"M\",\"pid\":%d,\"tid\":%u,\"args\":{\"name\":",
		      what, pid, tid);
	strbuf_json_string(sb, name);
	strbuf_puts(sb, "}},\n");
}

/* Trace times are microseconds; a stage that never ran is a point at the start. */
static void complete_event(struct strbuf *sb, int pid, unsigned tid, const char *name,
			   const char *cat, double start_ms, double end_ms, const char *outcome)
{
	if (start_ms <= 0 || end_ms < start_ms)
		start_ms = end_ms = trace_state.start_ms;
	strbuf_puts(sb, "{\"name\":");
	strbuf_json_string(sb, name);
	strbuf_printf(sb,
		      ",\"cat\":\"%s\",\"ph\":\"X\",\"ts\":%.3f,\"dur\":%.3f,\"pid\":%d,"
		      "\"tid\":%u,\"args\":{\"outcome\":\"%s\"}}",
		      cat, start_ms * 1e3, (end_ms - start_ms) * 1e3, pid, tid, outcome);
}

static int write_all(const char *path, const struct strbuf *sb, struct stage_error *err)
{
	char tmp[4200];
	autoclose int fd = -1;

	/* written aside and renamed: a reader never sees half a trace */
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		return stage_fail(err, ENAMETOOLONG, "trace file `%s`", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return stage_fail(err, errno, "trace file `%s`", tmp);
	for (size_t off = 0; off < sb->len;) {
		ssize_t n = write(fd, sb->data + off, sb->len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			unlink(tmp);
			return stage_fail(err, e, "write trace file `%s`", tmp);
		}
		off += (size_t)n;
	}
	if (rename(tmp, path) < 0) {
		int e = errno;

		unlink(tmp);
		return stage_fail(err, e, "trace file `%s`", path);
	}
	return 0;
}

/*
 * The stage that sent the error: its name, or for NAME@ARG rows (one program
 * run at several points, like the hooks) the last of them that ran.
 */
static int failed_index(const struct stage_timing *stages, unsigned n,
			const struct stage_error *failed)
{
	int found = -1;

	if (!failed)
		return -1;
	for (unsigned i = 0; i < n; i++) {
		size_t len = strcspn(stages[i].name, "@");

		if (strcmp(stages[i].name, failed->stage) == 0)
			return (int)i;
		if (stages[i].name[len] == '@' && strlen(failed->stage) == len &&
		    strncmp(stages[i].name, failed->stage, len) == 0 && stages[i].start_ms > 0 &&
		    (found < 0 || stages[i].start_ms > stages[found].start_ms))
			found = (int)i;
	}
	return found;
}

/*
 * Child stages before a failed child in the chain finished, the ones after
 * it never ran; a stage still running when the pipeline gave up for another
 * reason was killed.
 */
static const char *outcome_of(const struct stage_timing *t, bool is_failed, bool failed,
			      bool chain_failed, bool *after_failed_child)
{
	bool child = strcmp(t->side, "child") == 0;

	if (strcmp(t->state, "skipped") == 0)
		return "skipped";
	if (is_failed) {
		*after_failed_child = child;
		return "failed";
	}
	if (t->start_ms <= 0 || strcmp(t->state, "pending") == 0 || (child && *after_failed_child))
		return "not-run";
	if (failed && strcmp(t->state, "running") == 0)
		return "aborted";
	if (failed && strcmp(t->state, "in-container") == 0)
		return chain_failed ? "ok" : "aborted";
	return "ok";
}

static int trace_write(const char *path, const struct stage_timing *stages,
		       const char *const *outcomes, unsigned n, bool ok, struct stage_error *err)
{
	autostrbuf struct strbuf sb = {0};
	char command[64];
	int pid = (int)getpid();

	snprintf(command, sizeof(command), "baton %s",
		 trace_state.command ? trace_state.command : "");
	strbuf_puts(&sb, "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n");
	name_row(&sb, "process_name", pid, 0, command);
	for (unsigned i = 0; i < n; i++)
		name_row(&sb, "thread_name", pid, i + 1, stages[i].name);
	complete_event(&sb, pid, 0, command, "command", trace_state.start_ms, trace_now_ms(),
		       ok ? "ok" : "failed");
	for (unsigned i = 0; i < n; i++) {
		strbuf_puts(&sb, ",\n");
		complete_event(&sb, pid, i + 1, stages[i].name, stages[i].side, stages[i].start_ms,
			       stages[i].end_ms, outcomes[i]);
	}
	strbuf_puts(&sb, "\n]}\n");
	return write_all(path, &sb, err);
}

void trace_report(const char *path, const struct stage_timing *stages, unsigned n,
		  const struct stage_error *failed)
{
	autofree const char **outcomes = calloc(n + 1, sizeof(*outcomes));
	bool after_failed_child = false;
	struct stage_error err;
	int failed_at;
	bool chain_failed;

	if (!outcomes)
		return; /* a report only: the command's own result stands */
	failed_at = failed_index(stages, n, failed);
	chain_failed = failed_at >= 0 && strcmp(stages[failed_at].side, "child") == 0;
	for (unsigned i = 0; i < n; i++) {
		outcomes[i] = outcome_of(&stages[i], (int)i == failed_at, failed != NULL,
					 chain_failed, &after_failed_child);
		if (stages[i].start_ms > 0)
			log_debug("stage %-19s %-5s %8.3f ms  %s", stages[i].name, stages[i].side,
				  stages[i].end_ms - stages[i].start_ms, outcomes[i]);
		else
			log_debug("stage %-19s %-5s %11s  %s", stages[i].name, stages[i].side, "-",
				  outcomes[i]);
	}
	if (path && trace_write(path, stages, outcomes, n, failed == NULL, &err) < 0) {
		char text[STAGE_MSG_MAX + 128];

		stage_error_text(&err, text, sizeof(text));
		log_warning("%s", text);
	}
}
