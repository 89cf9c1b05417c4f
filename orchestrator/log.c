/* Where the orchestrator's messages go, and in which shape (see log.h). */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "strbuf.h"

#define SYSLOG_SOCKET	"/dev/log"
#define JOURNALD_SOCKET "/run/systemd/journal/socket"

enum log_target { TARGET_STDERR, TARGET_FILE, TARGET_SYSLOG, TARGET_JOURNALD };

/* warnings show by default, as crun's do */
static struct {
	enum log_target target;
	bool json;
	enum log_level level;
	int fd;		/* the file or the connected datagram socket */
	char ident[64]; /* syslog/journald identifier */
} log_state = {.target = TARGET_STDERR, .level = LOG_LEVEL_WARNING, .fd = -1};

static const char *const level_names[] = {"error", "warning", "debug"};

static int parse_level(const char *s, enum log_level *out, struct stage_error *err)
{
	for (unsigned i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
		if (strcmp(s, level_names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return stage_fail(err, 0, "unknown verbosity `%s` specified", s);
}

static int connect_dgram(const char *path, const char *target, struct stage_error *err)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return stage_fail(err, errno, "log `%s`: socket", target);
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
	/* connect now, so that a missing daemon is an error and not lost messages */
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		int e = errno;

		close(fd);
		return stage_fail(err, e, "log `%s`: connect `%s`", target, path);
	}
	return fd;
}

static int open_target(const char *target, struct stage_error *err)
{
	const char *colon = strchr(target, ':');
	const char *arg = colon ? colon + 1 : target;

	if (!colon || strncmp(target, "file:", 5) == 0) {
		if (!*arg)
			return stage_fail(err, 0, "log `%s`: no file name", target);
		log_state.target = TARGET_FILE;
		log_state.fd = open(arg, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
		if (log_state.fd < 0)
			return stage_fail(err, errno, "open log file `%s`", target);
		return 0;
	}
	snprintf(log_state.ident, sizeof(log_state.ident), "%s", *arg ? arg : "baton");
	if (strncmp(target, "syslog:", 7) == 0) {
		log_state.target = TARGET_SYSLOG;
		log_state.fd = connect_dgram(SYSLOG_SOCKET, target, err);
	} else if (strncmp(target, "journald:", 9) == 0) {
		log_state.target = TARGET_JOURNALD;
		log_state.fd = connect_dgram(JOURNALD_SOCKET, target, err);
	} else {
		return stage_fail(err, 0, "unknown log type `%s`", target);
	}
	return log_state.fd < 0 ? -1 : 0;
}

int log_setup(const char *target, const char *format, const char *level, struct stage_error *err)
{
	enum log_level lv = log_state.level;

	if (format && strcmp(format, "json") != 0 && strcmp(format, "text") != 0)
		return stage_fail(err, 0, "unknown log format type `%s`", format);
	if (level && parse_level(level, &lv, err) < 0)
		return -1;
	if (target && open_target(target, err) < 0) {
		log_state.target = TARGET_STDERR;
		return -1;
	}
	log_state.json = format && strcmp(format, "json") == 0;
	if (level)
		log_state.level = lv;
	return 0;
}

void log_set_level(enum log_level level)
{
	if (level > log_state.level)
		log_state.level = level;
}

enum log_level log_get_level(void)
{
	return log_state.level;
}

/* RFC 3339 in UTC with microseconds, as crun stamps its JSON lines. */
static void timestamp(char *buf, size_t size)
{
	struct timeval tv;
	struct tm tm;
	size_t n;

	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, size - n, ".%06ldZ", (long)tv.tv_usec);
}

static void json_line(struct strbuf *sb, enum log_level level, const char *msg)
{
	char when[64];

	timestamp(when, sizeof(when));
	strbuf_puts(sb, "{\"msg\":");
	strbuf_json_string(sb, msg);
	strbuf_printf(sb, ",\"level\":\"%s\",\"time\":\"%s\"}", level_names[level], when);
}

/*
 * "baton: msg", "baton: warning: msg", or for narration the stages' shape
 * "baton[baton]: msg" (libstage/stage.c), so that --debug reads as one story.
 */
static void text_line(struct strbuf *sb, enum log_level level, const char *msg)
{
	if (level == LOG_LEVEL_DEBUG)
		strbuf_puts(sb, "baton[baton]: ");
	else if (level == LOG_LEVEL_WARNING)
		strbuf_puts(sb, "baton: warning: ");
	else
		strbuf_puts(sb, "baton: ");
	strbuf_puts(sb, msg);
}

/*
 * A text log file holds the bare message, as crun writes it: an engine that
 * reads the file (podman without JSON logs) prefixes the runtime's name
 * itself, and "Error: /usr/bin/baton: baton: ..." says it twice.
 */
static void file_line(struct strbuf *sb, enum log_level level, const char *msg)
{
	if (level == LOG_LEVEL_DEBUG)
		text_line(sb, level, msg); /* narration keeps who says it */
	else if (level == LOG_LEVEL_WARNING)
		strbuf_printf(sb, "warning: %s", msg);
	else
		strbuf_puts(sb, msg);
}

/* One write per line: commands running at the same time do not interleave. */
static void write_line(int fd, struct strbuf *sb)
{
	strbuf_putc(sb, '\n');
	if (write(fd, sb->data, sb->len) < 0)
		return; /* nowhere left to report it */
}

static void send_syslog(enum log_level level, const char *body)
{
	static const int severity[] = {3, 4, 7}; /* LOG_ERR, LOG_WARNING, LOG_DEBUG */
	autostrbuf struct strbuf sb = {0};
	char when[32];
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(when, sizeof(when), "%b %e %H:%M:%S", &tm);
	/* facility LOG_USER (1), RFC 3164 framing as syslog(3) sends it */
	strbuf_printf(&sb, "<%d>%s %s[%d]: %s", 8 + severity[level], when, log_state.ident,
		      (int)getpid(), body);
	if (send(log_state.fd, sb.data, sb.len, MSG_NOSIGNAL) < 0)
		return;
}

/* The journal's native protocol; MESSAGE in the binary form, so newlines survive. */
static void send_journald(enum log_level level, const char *body)
{
	static const int priority[] = {3, 4, 7};
	autostrbuf struct strbuf sb = {0};
	uint64_t len = strlen(body);
	unsigned char le[8];

	strbuf_printf(&sb, "PRIORITY=%d\nSYSLOG_IDENTIFIER=%s\nSYSLOG_PID=%d\nMESSAGE\n",
		      priority[level], log_state.ident, (int)getpid());
	for (int i = 0; i < 8; i++)
		le[i] = (unsigned char)(len >> (8 * i));
	strbuf_add(&sb, (const char *)le, sizeof(le));
	strbuf_add(&sb, body, len);
	strbuf_putc(&sb, '\n');
	if (send(log_state.fd, sb.data, sb.len, MSG_NOSIGNAL) < 0)
		return;
}

static void emit(enum log_level level, const char *msg)
{
	autostrbuf struct strbuf line = {0};

	if (level > log_state.level)
		return;
	/* an error is always shown to the person who ran the command */
	if (log_state.target != TARGET_STDERR && level == LOG_LEVEL_ERROR) {
		autostrbuf struct strbuf text = {0};

		text_line(&text, level, msg);
		write_line(STDERR_FILENO, &text);
	}
	if (log_state.json)
		json_line(&line, level, msg);
	else if (log_state.target == TARGET_SYSLOG || log_state.target == TARGET_JOURNALD)
		strbuf_puts(&line, msg); /* the daemon records level and origin itself */
	else if (log_state.target == TARGET_FILE)
		file_line(&line, level, msg);
	else
		text_line(&line, level, msg);
	switch (log_state.target) {
	case TARGET_STDERR:
		write_line(STDERR_FILENO, &line);
		break;
	case TARGET_FILE:
		write_line(log_state.fd, &line);
		break;
	case TARGET_SYSLOG:
		send_syslog(level, line.data);
		break;
	case TARGET_JOURNALD:
		send_journald(level, line.data);
		break;
	}
}

void log_msg(enum log_level level, int errnum, const char *fmt, ...)
{
	char msg[STAGE_MSG_MAX + 256];
	va_list ap;
	int n;

	if (level > log_state.level)
		return;
	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof(msg) && errnum)
		snprintf(msg + n, sizeof(msg) - (size_t)n, ": %s", strerror(errnum));
	emit(level, msg);
}

void log_stage_error(const struct stage_error *err)
{
	char text[STAGE_MSG_MAX + 128];

	stage_error_text(err, text, sizeof(text));
	/* errors made by the orchestrator itself carry no stage prefix */
	if (err->stage[0] && strcmp(err->stage, "baton") != 0)
		log_msg(LOG_LEVEL_ERROR, 0, "%s: %s", err->stage, text);
	else
		log_msg(LOG_LEVEL_ERROR, 0, "%s", text);
}
