/* A small JSON tree (see jnode.h): a recursive-descent reader and a printer. */
#include "jnode.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

static void *zalloc(size_t n)
{
	void *p = calloc(1, n);

	if (!p)
		abort(); /* out of memory in a short-lived setup process */
	return p;
}

static char *dup_bytes(const char *s, size_t n)
{
	char *p = zalloc(n + 1);

	memcpy(p, s, n);
	return p;
}

/* ---- reading ---- */

struct reader {
	const char *p, *end;
	int depth;
	struct strbuf path;	   /* JSON path of the value being read */
	struct jnode_fault *fault; /* where a repeated member name goes */
};

static void skip_space(struct reader *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
		r->p++;
}

static bool take(struct reader *r, char c)
{
	if (r->p < r->end && *r->p == c) {
		r->p++;
		return true;
	}
	return false;
}

static bool take_word(struct reader *r, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n) != 0)
		return false;
	r->p += n;
	return true;
}

static int hex4(struct reader *r)
{
	int v = 0;

	if (r->end - r->p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		char c = *r->p++;

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

static void put_utf8(struct strbuf *sb, uint32_t cp)
{
	char b[4];
	size_t n;

	if (cp < 0x80) {
		b[0] = (char)cp, n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | cp >> 6), b[1] = (char)(0x80 | (cp & 0x3f)), n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xe0 | cp >> 12), b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f)), n = 3;
	} else {
		b[0] = (char)(0xf0 | cp >> 18), b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3f)), b[3] = (char)(0x80 | (cp & 0x3f)), n = 4;
	}
	strbuf_add(sb, b, n);
}

/* \uXXXX, with a surrogate pair for code points above the BMP. */
static bool read_unicode_escape(struct reader *r, struct strbuf *sb)
{
	int hi = hex4(r), lo;

	if (hi < 0 || (hi >= 0xdc00 && hi <= 0xdfff))
		return false;
	if (hi >= 0xd800 && hi <= 0xdbff) {
		if (!take_word(r, "\\u") || (lo = hex4(r)) < 0xdc00 || lo > 0xdfff)
			return false;
		put_utf8(sb, 0x10000 + (((uint32_t)hi - 0xd800) << 10) + ((uint32_t)lo - 0xdc00));
		return true;
	}
	if (hi == 0)
		return false; /* a NUL would silently cut the C string short */
	put_utf8(sb, (uint32_t)hi);
	return true;
}

/* A string literal after its opening quote; the value is malloc'd. */
static char *read_string(struct reader *r)
{
	struct strbuf sb = {0};
	const char *run = r->p;

	while (r->p < r->end && *r->p != '"') {
		unsigned char c = (unsigned char)*r->p;

		if (c < 0x20)
			goto bad; /* control characters must be escaped */
		if (c != '\\') {
			r->p++;
			continue;
		}
		strbuf_add(&sb, run, (size_t)(r->p - run));
		r->p++;
		if (r->p >= r->end)
			goto bad;
		switch (*r->p++) {
		case '"':
			strbuf_putc(&sb, '"');
			break;
		case '\\':
			strbuf_putc(&sb, '\\');
			break;
		case '/':
			strbuf_putc(&sb, '/');
			break;
		case 'b':
			strbuf_putc(&sb, '\b');
			break;
		case 'f':
			strbuf_putc(&sb, '\f');
			break;
		case 'n':
			strbuf_putc(&sb, '\n');
			break;
		case 'r':
			strbuf_putc(&sb, '\r');
			break;
		case 't':
			strbuf_putc(&sb, '\t');
			break;
		case 'u':
			if (!read_unicode_escape(r, &sb))
				goto bad;
			break;
		default:
			goto bad;
		}
		run = r->p;
	}
	if (r->p >= r->end)
		goto bad;
	strbuf_add(&sb, run, (size_t)(r->p - run));
	r->p++;
	return sb.data;
bad:
	strbuf_release(&sb);
	return NULL;
}

static bool skip_digits(struct reader *r)
{
	const char *start = r->p;

	while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
		r->p++;
	return r->p > start;
}

/* The JSON number grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool read_number(struct reader *r, struct jnode *n)
{
	const char *start = r->p;

	take(r, '-');
	if (take(r, '0')) {
		if (r->p < r->end && *r->p >= '0' && *r->p <= '9')
			return false;
	} else if (!skip_digits(r)) {
		return false;
	}
	if (take(r, '.') && !skip_digits(r))
		return false;
	if (take(r, 'e') || take(r, 'E')) {
		if (!take(r, '+'))
			take(r, '-');
		if (!skip_digits(r))
			return false;
	}
	n->str = dup_bytes(start, (size_t)(r->p - start));
	n->num = strtod(n->str, NULL);
	return true;
}

static struct jnode *read_value(struct reader *r);

static int compare_keys(const void *a, const void *b)
{
	return strcmp((*(struct jnode *const *)a)->key, (*(struct jnode *const *)b)->key);
}

/*
 * Go's decoder (podman, containerd, policy checkers) keeps the last of two
 * equal member names and a first-wins reader the first: a config would mean
 * one thing to a reviewer and another to us. Sorting finds them in n log n.
 */
static bool unique_keys(struct reader *r, const struct jnode *obj)
{
	size_t n = 0, i = 0;
	const struct jnode *e;
	const struct jnode **keys;
	bool ok = true;

	jnode_foreach(e, obj) n++;
	if (n < 2)
		return true;
	keys = zalloc(n * sizeof(*keys));
	jnode_foreach(e, obj) keys[i++] = e;
	qsort(keys, n, sizeof(*keys), compare_keys);
	for (i = 1; i < n && ok; i++)
		ok = strcmp(keys[i - 1]->key, keys[i]->key) != 0;
	if (!ok && r->fault) {
		struct strbuf sb = {0};

		strbuf_printf(&sb, "%s%s%s", r->path.data ? r->path.data : "",
			      r->path.len ? "." : "", keys[i - 1]->key);
		r->fault->duplicate = sb.data;
	}
	free(keys);
	return ok;
}

/* Extend r->path by one member name or index while its value is read. */
static struct jnode *read_member(struct reader *r, const char *key, int index)
{
	size_t len = r->path.len;
	struct jnode *item;

	if (key)
		strbuf_printf(&r->path, "%s%s", len ? "." : "", key);
	else
		strbuf_printf(&r->path, "[%d]", index);
	item = read_value(r);
	r->path.len = len;
	if (r->path.data)
		r->path.data[len] = '\0';
	return item;
}

static bool read_elements(struct reader *r, struct jnode *parent, bool object, char close)
{
	struct jnode **tail = &parent->child;
	int index = 0;

	skip_space(r);
	if (take(r, close))
		return true;
	for (;;) {
		char *key = NULL;
		struct jnode *item;

		if (object) {
			skip_space(r);
			if (!take(r, '"') || !(key = read_string(r)))
				return false;
			skip_space(r);
			if (!take(r, ':')) {
				free(key);
				return false;
			}
		}
		item = read_member(r, key, index++);
		if (!item) {
			free(key);
			return false;
		}
		item->key = key;
		*tail = item;
		tail = &item->next;
		skip_space(r);
		if (take(r, close))
			return !object || unique_keys(r, parent);
		if (!take(r, ','))
			return false;
	}
}

static struct jnode *read_value(struct reader *r)
{
	struct jnode *n = zalloc(sizeof(*n));
	bool ok;

	skip_space(r);
	if (r->p >= r->end) {
		ok = false;
	} else if (*r->p == '{' || *r->p == '[') {
		bool object = *r->p++ == '{';

		n->type = object ? JNODE_OBJECT : JNODE_ARRAY;
		ok = ++r->depth <= JNODE_MAX_DEPTH &&
		     read_elements(r, n, object, object ? '}' : ']');
		r->depth--;
	} else if (take(r, '"')) {
		n->type = JNODE_STRING;
		ok = (n->str = read_string(r)) != NULL;
	} else if (take_word(r, "true")) {
		n->type = JNODE_TRUE, ok = true;
	} else if (take_word(r, "false")) {
		n->type = JNODE_FALSE, ok = true;
	} else if (take_word(r, "null")) {
		n->type = JNODE_NULL, ok = true;
	} else {
		n->type = JNODE_NUMBER;
		ok = read_number(r, n);
	}
	if (!ok) {
		jnode_free(n);
		return NULL;
	}
	return n;
}

struct jnode *jnode_parse(const char *text, size_t len, struct jnode_fault *fault)
{
	struct reader r = {.p = text, .end = text + len, .fault = fault};
	struct jnode *n;

	if (fault)
		*fault = (struct jnode_fault){0};
	n = read_value(&r);
	strbuf_release(&r.path);
	skip_space(&r);
	if (n && r.p != r.end) {
		jnode_free(n); /* trailing text after the value */
		n = NULL;
	}
	if (fault)
		fault->stop = r.p;
	return n;
}

void jnode_free(struct jnode *n)
{
	while (n) {
		struct jnode *next = n->next;

		jnode_free(n->child);
		free(n->key);
		free(n->str);
		free(n);
		n = next;
	}
}

/* ---- inspecting ---- */

struct jnode *jnode_member(const struct jnode *obj, const char *key)
{
	struct jnode *e;

	if (!jnode_is(obj, JNODE_OBJECT))
		return NULL;
	jnode_foreach(e, obj) if (strcmp(e->key, key) == 0) return e;
	return NULL;
}

int jnode_count(const struct jnode *n)
{
	const struct jnode *e;
	int count = 0;

	jnode_foreach(e, n) count++;
	return count;
}

/* ---- building ---- */

static struct jnode *new_node(enum jnode_type type)
{
	struct jnode *n = zalloc(sizeof(*n));

	n->type = type;
	return n;
}

struct jnode *jnode_new_object(void)
{
	return new_node(JNODE_OBJECT);
}

struct jnode *jnode_new_array(void)
{
	return new_node(JNODE_ARRAY);
}

struct jnode *jnode_new_string(const char *s)
{
	struct jnode *n = new_node(JNODE_STRING);

	n->str = dup_bytes(s, strlen(s));
	return n;
}

struct jnode *jnode_new_number(double d)
{
	struct jnode *n = new_node(JNODE_NUMBER);
	char text[32];

	/* integers print as integers; others with enough digits to read back */
	if (d >= -9007199254740992.0 && d <= 9007199254740992.0 && d == (double)(long long)d)
		snprintf(text, sizeof(text), "%lld", (long long)d);
	else
		snprintf(text, sizeof(text), "%.17g", d);
	n->str = dup_bytes(text, strlen(text));
	n->num = d;
	return n;
}

struct jnode *jnode_new_bool(bool b)
{
	return new_node(b ? JNODE_TRUE : JNODE_FALSE);
}

void jnode_append(struct jnode *array, struct jnode *item)
{
	struct jnode **tail = &array->child;

	while (*tail)
		tail = &(*tail)->next;
	*tail = item;
}

void jnode_add(struct jnode *obj, const char *key, struct jnode *item)
{
	free(item->key);
	item->key = dup_bytes(key, strlen(key));
	jnode_append(obj, item);
}

/* Put item where *slot is, keeping its place in the list. */
static void replace_slot(struct jnode **slot, struct jnode *item)
{
	struct jnode *old = *slot;

	item->next = old->next;
	old->next = NULL;
	*slot = item;
	jnode_free(old);
}

void jnode_set(struct jnode *obj, const char *key, struct jnode *item)
{
	struct jnode **slot = &obj->child;

	while (*slot && strcmp((*slot)->key, key) != 0)
		slot = &(*slot)->next;
	if (!*slot) {
		jnode_add(obj, key, item);
		return;
	}
	free(item->key);
	item->key = dup_bytes(key, strlen(key));
	replace_slot(slot, item);
}

void jnode_replace_at(struct jnode *array, int i, struct jnode *item)
{
	struct jnode **slot = &array->child;

	while (*slot && i-- > 0)
		slot = &(*slot)->next;
	if (*slot)
		replace_slot(slot, item);
	else
		jnode_free(item);
}

/* ---- printing ---- */

static void print_value(struct strbuf *sb, const struct jnode *n)
{
	const struct jnode *e;
	bool object = n->type == JNODE_OBJECT;

	switch (n->type) {
	case JNODE_NULL:
		strbuf_puts(sb, "null");
		return;
	case JNODE_FALSE:
		strbuf_puts(sb, "false");
		return;
	case JNODE_TRUE:
		strbuf_puts(sb, "true");
		return;
	case JNODE_NUMBER:
		strbuf_puts(sb, n->str);
		return;
	case JNODE_STRING:
		strbuf_json_string(sb, n->str);
		return;
	case JNODE_ARRAY:
	case JNODE_OBJECT:
		break;
	}
	strbuf_putc(sb, object ? '{' : '[');
	jnode_foreach(e, n)
	{
		if (e != n->child)
			strbuf_putc(sb, ',');
		if (object) {
			strbuf_json_string(sb, e->key);
			strbuf_putc(sb, ':');
		}
		print_value(sb, e);
	}
	strbuf_putc(sb, object ? '}' : ']');
}

char *jnode_print(const struct jnode *n)
{
	struct strbuf sb = {0};

	print_value(&sb, n);
	return sb.data;
}
