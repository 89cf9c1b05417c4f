#include "plan.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"

static void emit_field(struct strbuf *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '\\':
			strbuf_puts(out, "\\\\");
			break;
		case '\t':
			strbuf_puts(out, "\\t");
			break;
		case '\n':
			strbuf_puts(out, "\\n");
			break;
		default:
			strbuf_putc(out, *s);
		}
	}
}

void plan_emitv(struct strbuf *out, const char *key, const char *const *fields, unsigned n)
{
	strbuf_puts(out, key);
	for (unsigned i = 0; i < n; i++) {
		strbuf_putc(out, '\t');
		emit_field(out, fields[i] ? fields[i] : "");
	}
	strbuf_putc(out, '\n');
}

void plan_emit(struct strbuf *out, const char *key, ...)
{
	va_list ap;

	/* fields one by one, as plan_emitv writes them: no count to outgrow */
	strbuf_puts(out, key);
	va_start(ap, key);
	for (const char *f; (f = va_arg(ap, const char *));) {
		strbuf_putc(out, '\t');
		emit_field(out, f);
	}
	va_end(ap);
	strbuf_putc(out, '\n');
}

/* Unescape a line in place into NUL-separated fields; returns the count. */
static unsigned split_line(char *line, char **fields, unsigned max)
{
	char *w = line;
	unsigned n = 0;

	if (max)
		fields[n++] = w;
	for (char *r = line; *r; r++) {
		if (*r == '\t') {
			*w++ = '\0';
			if (n < max)
				fields[n] = w;
			n++;
		} else if (*r == '\\' && (r[1] == '\\' || r[1] == 't' || r[1] == 'n')) {
			r++;
			*w++ = *r == 't' ? '\t' : *r == 'n' ? '\n' : '\\';
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
	return n;
}

int plan_parse(struct plan *plan, const char *text, size_t len, struct stage_error *err)
{
	return records_parse(plan, text, len, PLAN_FORMAT, err);
}

int records_parse(struct plan *plan, const char *text, size_t len, const char *format,
		  struct stage_error *err)
{
	size_t nlines = 0, ntabs = 0, i;
	char *line;

	memset(plan, 0, sizeof(*plan));
	plan->text = malloc(len + 1);
	if (!plan->text)
		return stage_fail(err, ENOMEM, "load plan");
	memcpy(plan->text, text, len);
	plan->text[len] = '\0';
	for (i = 0; i < len; i++) {
		nlines += plan->text[i] == '\n';
		ntabs += plan->text[i] == '\t';
	}
	plan->entries = calloc(nlines + 1, sizeof(*plan->entries));
	plan->fieldv = calloc(nlines + ntabs + 1, sizeof(char *));
	if (!plan->entries || !plan->fieldv)
		return stage_fail(err, ENOMEM, "load plan");

	char **fv = plan->fieldv;
	unsigned lineno = 0;
	for (line = plan->text; *line;) {
		char *end = strchr(line, '\n');
		unsigned n;

		if (!end)
			return stage_fail(err, EINVAL, "plan: line %u: not terminated", lineno + 1);
		*end = '\0';
		lineno++;
		if (*line && *line != '#') {
			struct plan_entry *e = &plan->entries[plan->nentries++];

			n = split_line(
			    line, fv, (unsigned)(nlines + ntabs + 1 - (size_t)(fv - plan->fieldv)));
			e->key = fv[0];
			e->fields = fv + 1;
			e->nfields = n - 1;
			e->line = lineno;
			fv += n;
		}
		line = end + 1;
	}
	if (plan->nentries == 0 || strcmp(plan->entries[0].key, "format") != 0 ||
	    strcmp(plan_field(&plan->entries[0], 0), format) != 0)
		return stage_fail(err, EINVAL, "plan: first record must be `format %s`", format);
	return 0;
}

int plan_check_size(const char *text, size_t len, struct stage_error *err)
{
	const char *line = text, *end = text + len, *big = text;
	size_t biggest = 0;

	if (len <= PLAN_MAX_BYTES)
		return 0;
	/* the record that made it so big: an annotation, an env entry... */
	while (line < end) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		size_t n = (size_t)((nl ? nl : end) - line);

		if (n > biggest)
			biggest = n, big = line;
		line += n + 1;
	}
	return stage_fail(err, E2BIG,
			  "the plan is %zu bytes, over its limit of " PLAN_MAX_PHRASE
			  " (the largest record: `%.*s` of %zu bytes)",
			  len, (int)strcspn(big, "\t\n"), big, biggest);
}

int plan_load_fd(struct plan *plan, int fd, struct stage_error *err)
{
	autofree char *buf = NULL;
	struct stat st;
	size_t got = 0;

	memset(plan, 0, sizeof(*plan));
	if (fstat(fd, &st) < 0)
		return stage_fail(err, errno, "stat plan");
	if ((uint64_t)st.st_size > PLAN_MAX_BYTES)
		return stage_fail(err, E2BIG,
				  "the plan is %lld bytes, over its limit of " PLAN_MAX_PHRASE,
				  (long long)st.st_size);
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		return stage_fail(err, ENOMEM, "load plan");
	while (got < (size_t)st.st_size) {
		ssize_t n = pread(fd, buf + got, (size_t)st.st_size - got, (off_t)got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return stage_fail(err, errno, "read plan");
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return plan_parse(plan, buf, got, err);
}

int plan_load_file(struct plan *plan, const char *path, struct stage_error *err)
{
	autoclose int fd = open(path, O_RDONLY | O_CLOEXEC);

	memset(plan, 0, sizeof(*plan));
	if (fd < 0)
		return stage_fail(err, errno, "open plan `%s`", path);
	return plan_load_fd(plan, fd, err);
}

void plan_release(struct plan *plan)
{
	free(plan->text);
	free(plan->entries);
	free(plan->fieldv);
	memset(plan, 0, sizeof(*plan));
}

const struct plan_entry *plan_next(const struct plan *plan, const struct plan_entry *prev,
				   const char *key)
{
	size_t i = prev ? (size_t)(prev - plan->entries) + 1 : 0;

	for (; i < plan->nentries; i++)
		if (strcmp(plan->entries[i].key, key) == 0)
			return &plan->entries[i];
	return NULL;
}

const struct plan_entry *plan_get(const struct plan *plan, const char *key)
{
	return plan_next(plan, NULL, key);
}

const char *plan_str(const struct plan *plan, const char *key, const char *dflt)
{
	const struct plan_entry *e = plan_get(plan, key);

	return e && e->nfields ? e->fields[0] : dflt;
}

bool plan_flag(const struct plan *plan, const char *key)
{
	return strcmp(plan_str(plan, key, "0"), "1") == 0;
}

const char *plan_annotation(const struct plan *plan, const char *key)
{
	plan_for_each(plan, "annotation", e)
	{
		if (strcmp(plan_field(e, 0), key) == 0)
			return plan_field(e, 1);
	}
	return NULL;
}

size_t plan_count(const struct plan *plan, const char *key)
{
	size_t n = 0;

	plan_for_each(plan, key, e) n++;
	return n;
}

const char *plan_field(const struct plan_entry *e, unsigned i)
{
	return i < e->nfields ? e->fields[i] : "";
}

int plan_field_i64(const struct plan_entry *e, unsigned i, int64_t *out, struct stage_error *err)
{
	const char *s = plan_field(e, i);
	char *end;

	errno = 0;
	*out = strtoll(s, &end, 0);
	if (!*s || *end || errno)
		return stage_fail(err, EINVAL, "plan: line %u: `%s` field %u is not a number: `%s`",
				  e->line, e->key, i + 1, s);
	return 0;
}

int plan_field_u64(const struct plan_entry *e, unsigned i, uint64_t *out, struct stage_error *err)
{
	const char *s = plan_field(e, i);
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 0);
	if (!*s || *s == '-' || *end || errno)
		return stage_fail(err, EINVAL,
				  "plan: line %u: `%s` field %u is not an unsigned number: `%s`",
				  e->line, e->key, i + 1, s);
	return 0;
}
