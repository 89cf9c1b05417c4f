/*
 * The writer behind `baton plan`: one document of sections (one per stage)
 * holding scalars, lists and tables, written as aligned text for people or
 * as JSON for tools (schemas/plan-view.md), from the same calls.
 */
#ifndef BATON_PLAN_VIEW_H
#define BATON_PLAN_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

enum view_format { VIEW_TEXT, VIEW_JSON };

/* Nesting: the document, a section, a list or table (JSON needs the commas). */
#define VIEW_DEPTH 6

struct view {
	enum view_format format;
	struct strbuf out;
	unsigned depth;
	bool need_comma[VIEW_DEPTH];
	/* a table is kept until its end, so that text can align its columns */
	const char *table_key;
	const char *const *columns;
	size_t ncolumns;
	char **cells;
	size_t ncells, cells_cap;
	unsigned indent;       /* text: columns before a key */
	bool flat[VIEW_DEPTH]; /* text: the object at that depth has no heading */
	bool list_empty;       /* text: no item yet in the open list */
};

void view_begin(struct view *v, enum view_format format);
/* Finish the document; the text is in v->out. */
void view_end(struct view *v);
void view_release(struct view *v);

/* Scalars of the current object. */
void view_str(struct view *v, const char *key, const char *value);
void view_num(struct view *v, const char *key, unsigned long long n);
void view_bool(struct view *v, const char *key, bool b);

/* An object: the document's "plan" summary, or a stage's "does". */
/* text: flat, its members at the level of the enclosing ones (a stage's "does");
 * else under a heading KEY */
void view_object_begin(struct view *v, const char *key, bool flat);
void view_object_end(struct view *v);

/* A stage (an element of "stages"), titled by its name line in text. */
void view_stages_begin(struct view *v);
void view_section_begin(struct view *v, const char *title);
void view_section_end(struct view *v);
void view_stages_end(struct view *v);

/* A list of strings: JSON array, text one item per line. */
void view_list_begin(struct view *v, const char *key);
void view_list_item(struct view *v, const char *item);
void view_list_end(struct view *v);

/* A table of string cells: JSON array of objects keyed by the column names. */
void view_table_begin(struct view *v, const char *key, const char *const *columns, size_t ncolumns);
void view_cell(struct view *v, const char *cell); /* row by row, column by column */
void view_table_end(struct view *v);

#endif
