/*
 * A small JSON tree: parse, inspect, build and print.
 *
 * parse-config is the only JSON reader in baton and runs on every create and
 * exec. Debian ships cJSON only as a glibc shared library, and a dynamic
 * glibc start costs about 1 ms here against 0.05 ms for a static musl binary,
 * so parse-config carries this reader instead (README: Dependencies).
 *
 * Numbers keep their literal text, so that integers up to 2^64-1 are read
 * exactly (a double holds 53 bits).
 */
#ifndef PARSE_CONFIG_JNODE_H
#define PARSE_CONFIG_JNODE_H

#include <stdbool.h>
#include <stddef.h>

enum jnode_type {
	JNODE_NULL,
	JNODE_FALSE,
	JNODE_TRUE,
	JNODE_NUMBER,
	JNODE_STRING,
	JNODE_ARRAY,
	JNODE_OBJECT,
};

struct jnode {
	enum jnode_type type;
	struct jnode *next;  /* next element of the parent array or object */
	struct jnode *child; /* first element of an array or object */
	char *key;	     /* member name inside an object, else NULL */
	char *str;	     /* a string's value, a number's literal text */
	double num;	     /* a number's value */
};

/* Nesting deeper than this is refused: the parser recurses. */
#define JNODE_MAX_DEPTH 128

/* Why jnode_parse failed. */
struct jnode_fault {
	const char *stop; /* where reading stopped */
	char *duplicate;  /* malloc'd path of a member name given twice (a.b[2].c), else NULL */
};

/*
 * Parses exactly len bytes (surrounding whitespace allowed). An object with
 * two members of one name is refused. On failure returns NULL and, when
 * fault is given, fills it in (the caller frees fault->duplicate).
 */
struct jnode *jnode_parse(const char *text, size_t len, struct jnode_fault *fault);
void jnode_free(struct jnode *n);
static inline void cleanup_jnode(struct jnode **n)
{
	jnode_free(*n);
}
#define autojnode __attribute__((cleanup(cleanup_jnode)))

/* Compact JSON text of n, malloc'd. */
char *jnode_print(const struct jnode *n);

/* The first member named key of object obj, or NULL (also when obj is NULL). */
struct jnode *jnode_member(const struct jnode *obj, const char *key);
int jnode_count(const struct jnode *n);

#define jnode_foreach(e, parent) for ((e) = (parent) ? (parent)->child : NULL; (e); (e) = (e)->next)

static inline bool jnode_is(const struct jnode *n, enum jnode_type t)
{
	return n && n->type == t;
}
static inline bool jnode_is_bool(const struct jnode *n)
{
	return jnode_is(n, JNODE_TRUE) || jnode_is(n, JNODE_FALSE);
}

/* Builders. Running out of memory aborts, as strbuf does: setup is short-lived. */
struct jnode *jnode_new_object(void);
struct jnode *jnode_new_array(void);
struct jnode *jnode_new_string(const char *s);
struct jnode *jnode_new_number(double d);
struct jnode *jnode_new_bool(bool b);
/* Append item to an array, or as member key of an object. */
void jnode_append(struct jnode *array, struct jnode *item);
void jnode_add(struct jnode *obj, const char *key, struct jnode *item);
/* Replace member key (added when absent) / element i, freeing the old one. */
void jnode_set(struct jnode *obj, const char *key, struct jnode *item);
void jnode_replace_at(struct jnode *array, int i, struct jnode *item);

#endif
