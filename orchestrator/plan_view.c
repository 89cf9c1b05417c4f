/* The text and JSON writer of `baton plan` (plan_view.h). */
#include "plan_view.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* text: where values start, after the key */
#define KEY_WIDTH 20

static void *must_realloc(void *p, size_t n)
{
	void *q = realloc(p, n);

	if (!q)
		abort(); /* as strbuf does: out of memory is not an error we report */
	return q;
}

/* JSON: the comma before every member but the first, and the key. */
static void json_member(struct view *v, const char *key)
{
	if (v->need_comma[v->depth])
		strbuf_putc(&v->out, ',');
	v->need_comma[v->depth] = true;
	if (key) {
		strbuf_json_string(&v->out, key);
		strbuf_putc(&v->out, ':');
	}
}

static void json_open(struct view *v, const char *key, char bracket)
{
	json_member(v, key);
	strbuf_putc(&v->out, bracket);
	if (v->depth + 1 >= VIEW_DEPTH)
		abort(); /* a nesting plan_show does not make */
	v->need_comma[++v->depth] = false;
}

static void json_close(struct view *v, char bracket)
{
	strbuf_putc(&v->out, bracket);
	v->depth--;
}

static void text_key(struct view *v, const char *key)
{
	strbuf_printf(&v->out, "%*s%-*s ", (int)v->indent, "", KEY_WIDTH - 1, key);
}

void view_begin(struct view *v, enum view_format format)
{
	*v = (struct view){.format = format};
	if (format == VIEW_JSON)
		strbuf_putc(&v->out, '{');
}

void view_end(struct view *v)
{
	if (v->format == VIEW_JSON)
		strbuf_puts(&v->out, "}\n");
}

void view_release(struct view *v)
{
	for (size_t i = 0; i < v->ncells; i++)
		free(v->cells[i]);
	free(v->cells);
	strbuf_release(&v->out);
}

void view_str(struct view *v, const char *key, const char *value)
{
	if (v->format == VIEW_JSON) {
		json_member(v, key);
		strbuf_json_string(&v->out, value);
		return;
	}
	text_key(v, key);
	strbuf_printf(&v->out, "%s\n", *value ? value : "-"); /* "" is none */
}

void view_num(struct view *v, const char *key, unsigned long long n)
{
	if (v->format == VIEW_JSON) {
		json_member(v, key);
		strbuf_printf(&v->out, "%llu", n);
		return;
	}
	text_key(v, key);
	strbuf_printf(&v->out, "%llu\n", n);
}

void view_bool(struct view *v, const char *key, bool b)
{
	if (v->format == VIEW_JSON) {
		json_member(v, key);
		strbuf_puts(&v->out, b ? "true" : "false");
		return;
	}
	text_key(v, key);
	strbuf_puts(&v->out, b ? "yes\n" : "no\n");
}

void view_object_begin(struct view *v, const char *key, bool flat)
{
	if (v->format == VIEW_JSON) {
		json_open(v, key, '{');
		return;
	}
	v->flat[++v->depth] = flat;
	if (!flat) {
		strbuf_printf(&v->out, "%*s%s\n", (int)v->indent, "", key);
		v->indent += 2;
	}
}

void view_object_end(struct view *v)
{
	if (v->format == VIEW_JSON) {
		json_close(v, '}');
		return;
	}
	if (!v->flat[v->depth--])
		v->indent -= 2;
}

void view_stages_begin(struct view *v)
{
	if (v->format == VIEW_JSON)
		json_open(v, "stages", '[');
}

void view_stages_end(struct view *v)
{
	if (v->format == VIEW_JSON)
		json_close(v, ']');
}

void view_section_begin(struct view *v, const char *title)
{
	if (v->format == VIEW_JSON) {
		json_open(v, NULL, '{');
		return;
	}
	strbuf_printf(&v->out, "\n%s\n", title);
	v->indent += 2;
}

void view_section_end(struct view *v)
{
	if (v->format == VIEW_JSON)
		json_close(v, '}');
	else
		v->indent -= 2;
}

void view_list_begin(struct view *v, const char *key)
{
	if (v->format == VIEW_JSON) {
		json_open(v, key, '[');
		return;
	}
	text_key(v, key);
	v->list_empty = true;
}

void view_list_item(struct view *v, const char *item)
{
	if (v->format == VIEW_JSON) {
		json_member(v, NULL);
		strbuf_json_string(&v->out, item);
		return;
	}
	if (!v->list_empty)
		strbuf_printf(&v->out, "%*s", (int)v->indent + KEY_WIDTH, "");
	strbuf_printf(&v->out, "%s\n", item);
	v->list_empty = false;
}

void view_list_end(struct view *v)
{
	if (v->format == VIEW_JSON)
		json_close(v, ']');
	else if (v->list_empty)
		strbuf_puts(&v->out, "(none)\n");
}

void view_table_begin(struct view *v, const char *key, const char *const *columns, size_t ncolumns)
{
	v->table_key = key;
	v->columns = columns;
	v->ncolumns = ncolumns;
	v->ncells = 0;
}

void view_cell(struct view *v, const char *cell)
{
	if (v->ncells == v->cells_cap) {
		v->cells_cap = v->cells_cap ? 2 * v->cells_cap : 32;
		v->cells = must_realloc(v->cells, v->cells_cap * sizeof(*v->cells));
	}
	v->cells[v->ncells] = strdup(cell);
	if (!v->cells[v->ncells])
		abort();
	v->ncells++;
}

static void json_table(struct view *v)
{
	json_open(v, v->table_key, '[');
	for (size_t r = 0; r + v->ncolumns <= v->ncells; r += v->ncolumns) {
		json_open(v, NULL, '{');
		for (size_t c = 0; c < v->ncolumns; c++) {
			json_member(v, v->columns[c]);
			strbuf_json_string(&v->out, v->cells[r + c]);
		}
		json_close(v, '}');
	}
	json_close(v, ']');
}

/* One row, each column padded to its widest cell but the last. */
static void text_row(struct view *v, const char *const *cells, const size_t *width, bool header)
{
	size_t prev = 0;

	for (size_t c = 0; c < v->ncolumns; c++) {
		/* an empty cell shows as `-`, so that the columns stay readable */
		const char *cell = *cells[c] ? cells[c] : "-";

		if (c > 0)
			strbuf_printf(&v->out, "%*s", (int)(width[c - 1] - prev + 2), "");
		for (const char *s = cell; *s; s++)
			strbuf_putc(&v->out, header ? (char)toupper((unsigned char)*s) : *s);
		prev = strlen(cell);
	}
	strbuf_putc(&v->out, '\n');
}

static void text_table(struct view *v)
{
	size_t *width = calloc(v->ncolumns, sizeof(*width));

	if (!width)
		abort();
	text_key(v, v->table_key);
	if (v->ncells == 0) {
		strbuf_puts(&v->out, "(none)\n");
		free(width);
		return;
	}
	for (size_t c = 0; c < v->ncolumns; c++)
		width[c] = strlen(v->columns[c]);
	for (size_t i = 0; i < v->ncells; i++)
		if (strlen(v->cells[i]) > width[i % v->ncolumns]) /* "" shows as "-": width 1 */
			width[i % v->ncolumns] = strlen(v->cells[i]);
	text_row(v, v->columns, width, true);
	for (size_t r = 0; r + v->ncolumns <= v->ncells; r += v->ncolumns) {
		strbuf_printf(&v->out, "%*s", (int)v->indent + KEY_WIDTH, "");
		text_row(v, (const char *const *)v->cells + r, width, false);
	}
	free(width);
}

void view_table_end(struct view *v)
{
	if (v->format == VIEW_JSON)
		json_table(v);
	else
		text_table(v);
	for (size_t i = 0; i < v->ncells; i++)
		free(v->cells[i]);
	v->ncells = 0;
}
