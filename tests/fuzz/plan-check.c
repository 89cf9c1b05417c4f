/*
 * Invariants of the plan text parse-config writes (schemas/plan.md): it reads
 * back, its keys are ours, and a TAB or newline in a user's string stays
 * inside its field (libstage/plan.c escapes them) instead of starting a new
 * field or record.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "fuzz.h"
#include "plan.h"

void fuzz_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("fuzz invariant broken: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/* Keys are parse-config's own names: lower case, digits, `.`, `-`, `_`. */
static bool plain_key(const char *key)
{
	if (!*key)
		return false;
	for (const char *p = key; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || strchr(".-_", *p)))
			return false;
	return true;
}

/* --resources writes records without the format line: give them one to parse. */
static void load(struct plan *plan, const char *what, const struct strbuf *text, bool with_format)
{
	autostrbuf struct strbuf framed = {0};
	struct stage_error err = {0};

	if (!with_format)
		strbuf_puts(&framed, "format\t" PLAN_FORMAT "\n");
	strbuf_add(&framed, text->data ? text->data : "", text->len);
	if (plan_parse(plan, framed.data, framed.len, &err) < 0)
		fuzz_fail("%s: the plan does not parse: %s", what, err.msg);
}

void check_plan(const char *what, const struct strbuf *text, bool with_format)
{
	autostrbuf struct strbuf again = {0};
	autoplan struct plan plan = {0};
	size_t lines = 0;

	load(&plan, what, text, with_format);
	for (size_t i = 0; i < text->len; i++)
		lines += text->data[i] == '\n';
	if (plan.nentries != lines + !with_format)
		fuzz_fail("%s: %zu lines but %zu records", what, lines, plan.nentries);
	for (size_t i = with_format ? 0 : 1; i < plan.nentries; i++) {
		const struct plan_entry *e = &plan.entries[i];

		if (!plain_key(e->key))
			fuzz_fail("%s: line %u: key `%s` is not one of ours", what, e->line,
				  e->key);
		plan_emitv(&again, e->key, (const char *const *)e->fields, e->nfields);
	}
	if (again.len != text->len ||
	    memcmp(again.data ? again.data : "", text->data ? text->data : "", text->len) != 0)
		fuzz_fail("%s: the plan read back and written again differs", what);
}

char *plan_shape(const struct strbuf *text)
{
	struct strbuf shape = {0};
	const char *p = text->data ? text->data : "", *end = p + text->len;

	strbuf_puts(&shape, "");
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t keylen = strcspn(p, "\t\n");
		unsigned fields = 0;

		if (!eol)
			eol = end;
		for (const char *q = p; q < eol; q++)
			fields += *q == '\t';
		strbuf_add(&shape, p, keylen);
		strbuf_printf(&shape, " %u\n", fields);
		p = eol + 1;
	}
	return shape.data;
}

void check_same_shape(const char *what, const struct strbuf *a, const struct strbuf *b)
{
	autofree char *sa = plan_shape(a), *sb = plan_shape(b);
	const char *pa = sa, *pb = sb;

	if (strcmp(sa, sb) == 0)
		return;
	while (*pa && *pa == *pb)
		pa++, pb++;
	while (pa > sa && pa[-1] != '\n')
		pa--, pb--;
	fuzz_fail("%s: a TAB or newline in a string changed the plan's records: `%.*s` against "
		  "`%.*s` (with them replaced by _)",
		  what, (int)strcspn(pa, "\n"), pa, (int)strcspn(pb, "\n"), pb);
}

char *sanitize_string(const char *s)
{
	char *copy = strdup(s);

	if (!copy)
		abort();
	for (char *p = copy; *p; p++)
		if (*p == '\t' || *p == '\n')
			*p = '_';
	return copy;
}

static bool sanitize_in_place(char *s)
{
	bool changed = false;

	for (; s && *s; s++)
		if (*s == '\t' || *s == '\n')
			*s = '_', changed = true;
	return changed;
}

bool sanitize_tree(struct jnode *n)
{
	bool changed = sanitize_in_place(n->key);
	struct jnode *e;

	if (n->type == JNODE_STRING)
		changed |= sanitize_in_place(n->str);
	jnode_foreach(e, n) changed |= sanitize_tree(e);
	return changed;
}
