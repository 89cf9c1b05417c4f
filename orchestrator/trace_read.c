/* The reader of baton's own trace files (trace_read.h says what it reads). */
#include "trace_read.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "strbuf.h"

#define TRACE_HEADER "{\"displayTimeUnit\":\"ms\",\"traceEvents\":["

/* A cursor over one line, and where to say what went wrong. */
struct cursor {
	const char *p, *end;
	const char *path;
	unsigned line;
	struct stage_error *err;
};

static int bad(struct cursor *c, const char *what)
{
	return stage_fail(c->err, EINVAL, "%s:%u: not a baton trace: %s", c->path, c->line, what);
}

static int read_file(const char *path, struct strbuf *sb, struct stage_error *err)
{
	autoclose int fd = open(path, O_RDONLY | O_CLOEXEC);
	char buf[65536];

	if (fd < 0)
		return stage_fail(err, errno, "cannot open `%s`", path);
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return stage_fail(err, errno, "read `%s`", path);
		if (n == 0)
			break;
		strbuf_add(sb, buf, (size_t)n);
	}
	if (!sb->data)
		strbuf_puts(sb, ""); /* an empty file: refused below, by its header */
	return 0;
}

static bool take(struct cursor *c, char ch)
{
	if (c->p < c->end && *c->p == ch) {
		c->p++;
		return true;
	}
	return false;
}

static void put_utf8(struct strbuf *sb, unsigned cp)
{
	if (cp < 0x80) {
		strbuf_putc(sb, (char)cp);
	} else if (cp < 0x800) {
		strbuf_putc(sb, (char)(0xc0 | cp >> 6));
		strbuf_putc(sb, (char)(0x80 | (cp & 0x3f)));
	} else {
		strbuf_putc(sb, (char)(0xe0 | cp >> 12));
		strbuf_putc(sb, (char)(0x80 | (cp >> 6 & 0x3f)));
		strbuf_putc(sb, (char)(0x80 | (cp & 0x3f)));
	}
}

/* A JSON string with the escapes strbuf_json_string writes; *out malloc'd. */
static int read_string(struct cursor *c, char **out)
{
	static const char simple[] = "\"\"\\\\//b\bf\fn\nr\rt\t";
	struct strbuf sb = {0};

	if (!take(c, '"'))
		return bad(c, "a string expected");
	while (c->p < c->end && *c->p != '"') {
		const char *e;
		char hex[5] = {0};

		if (*c->p != '\\') {
			strbuf_putc(&sb, *c->p++);
			continue;
		}
		if (++c->p >= c->end)
			break;
		for (e = simple; *e && *e != *c->p; e += 2)
			;
		if (*e) {
			strbuf_putc(&sb, e[1]);
			c->p++;
			continue;
		}
		if (*c->p != 'u' || c->end - c->p < 5)
			goto fail;
		memcpy(hex, c->p + 1, 4);
		char *hex_end;
		unsigned long cp = strtoul(hex, &hex_end, 16);
		/* trace.c escapes control characters only: no surrogate pairs to join */
		if (*hex_end || (cp >= 0xd800 && cp <= 0xdfff))
			goto fail;
		put_utf8(&sb, (unsigned)cp);
		c->p += 5;
	}
	if (!take(c, '"'))
		goto fail;
	strbuf_putc(&sb, '\0');
	*out = sb.data;
	return 0;
fail:
	strbuf_release(&sb);
	return bad(c, "a string with an escape trace.c does not write");
}

static int read_number(struct cursor *c, double *out)
{
	char *e;

	*out = strtod(c->p, &e);
	if (e == c->p || e > c->end)
		return bad(c, "a number expected");
	c->p = e;
	return 0;
}

/* What one event line holds; strings malloc'd. */
struct raw_event {
	char *name, *cat, *ph, *outcome;
	double ts, dur, tid;
	bool has_ts, has_dur;
};

static void raw_release(struct raw_event *r)
{
	free(r->name);
	free(r->cat);
	free(r->ph);
	free(r->outcome);
}

/* args: {"outcome":"ok"} or {"name":"..."}: a flat object of strings. */
static int read_args(struct cursor *c, struct raw_event *r)
{
	if (!take(c, '{'))
		return bad(c, "an object expected");
	while (!take(c, '}')) {
		autofree char *key = NULL, *value = NULL;

		if (read_string(c, &key) < 0)
			return -1;
		if (!take(c, ':'))
			return bad(c, "`:` expected");
		if (read_string(c, &value) < 0)
			return -1;
		if (strcmp(key, "outcome") == 0 && !r->outcome) {
			r->outcome = value;
			value = NULL;
		}
		if (!take(c, ',') && !(c->p < c->end && *c->p == '}'))
			return bad(c, "`,` or `}` expected");
	}
	return 0;
}

static int read_member(struct cursor *c, struct raw_event *r)
{
	autofree char *key = NULL;
	char **str = NULL;
	double num;

	if (read_string(c, &key) < 0)
		return -1;
	if (!take(c, ':'))
		return bad(c, "`:` expected");
	if (strcmp(key, "args") == 0)
		return read_args(c, r);
	if (strcmp(key, "name") == 0)
		str = &r->name;
	else if (strcmp(key, "cat") == 0)
		str = &r->cat;
	else if (strcmp(key, "ph") == 0)
		str = &r->ph;
	if (c->p < c->end && *c->p == '"') {
		char *s;

		if (read_string(c, &s) < 0)
			return -1;
		if (str && !*str)
			*str = s;
		else
			free(s);
		return 0;
	}
	if (read_number(c, &num) < 0)
		return -1;
	if (strcmp(key, "ts") == 0) {
		r->ts = num;
		r->has_ts = true;
	} else if (strcmp(key, "dur") == 0) {
		r->dur = num;
		r->has_dur = true;
	} else if (strcmp(key, "tid") == 0) {
		r->tid = num;
	}
	return 0;
}

static int read_event(struct cursor *c, struct raw_event *r)
{
	if (!take(c, '{'))
		return bad(c, "an event object expected");
	while (!take(c, '}')) {
		if (read_member(c, r) < 0)
			return -1;
		if (!take(c, ',') && !(c->p < c->end && *c->p == '}'))
			return bad(c, "`,` or `}` expected");
	}
	take(c, ',');
	if (c->p != c->end)
		return bad(c, "more than one event on the line");
	return 0;
}

static int keep_event(struct trace_file *t, struct raw_event *r, struct cursor *c)
{
	struct trace_event *ev;

	if (!r->ph || strcmp(r->ph, "X") != 0)
		return 0; /* metadata: the rows' names, which the events carry too */
	if (!r->name || !r->cat || !r->outcome || !r->has_ts || !r->has_dur || r->dur < 0)
		return bad(c, "an event without name, cat, ts, dur or args.outcome");
	ev = realloc(t->events, (t->nevents + 1) * sizeof(*ev));
	if (!ev)
		return stage_fail(c->err, ENOMEM, "trace events");
	t->events = ev;
	t->events[t->nevents++] = (struct trace_event){
	    .name = r->name,
	    .cat = r->cat,
	    .outcome = r->outcome,
	    .ts_us = r->ts,
	    .dur_us = r->dur,
	    .tid = r->tid > 0 && r->tid < UINT32_MAX ? (unsigned)r->tid : 0,
	};
	r->name = r->cat = r->outcome = NULL;
	return 0;
}

int trace_read(const char *path, struct trace_file *t, struct stage_error *err)
{
	autostrbuf struct strbuf text = {0};
	struct cursor c = {.path = path, .err = err};
	bool closed = false;

	*t = (struct trace_file){0};
	if (read_file(path, &text, err) < 0)
		return -1;
	for (const char *line = text.data; *line && !closed;) {
		const char *nl = strchr(line, '\n');
		struct raw_event r = {0};
		int ret = 0;

		c.p = line;
		c.end = nl ? nl : line + strlen(line);
		c.line++;
		line = nl ? nl + 1 : c.end;
		if (c.line == 1) {
			if ((size_t)(c.end - c.p) != strlen(TRACE_HEADER) ||
			    memcmp(c.p, TRACE_HEADER, strlen(TRACE_HEADER)) != 0)
				goto fail_header;
			continue;
		}
		if (c.end - c.p == 2 && memcmp(c.p, "]}", 2) == 0) {
			closed = true;
			continue;
		}
		ret = read_event(&c, &r);
		if (ret == 0)
			ret = keep_event(t, &r, &c);
		raw_release(&r);
		if (ret < 0)
			goto fail;
	}
	if (c.line == 0)
		goto fail_header;
	if (!closed) {
		bad(&c, "it ends before `]}`");
		goto fail;
	}
	return 0;
fail_header:
	c.line = 1;
	bad(&c, "its first line is not " TRACE_HEADER);
fail:
	trace_file_release(t);
	return -1;
}

void trace_file_release(struct trace_file *t)
{
	for (size_t i = 0; i < t->nevents; i++) {
		free(t->events[i].name);
		free(t->events[i].cat);
		free(t->events[i].outcome);
	}
	free(t->events);
	*t = (struct trace_file){0};
}
