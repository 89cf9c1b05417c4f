/*
 * The canonical plan: what parse-config derived from config.json, read by
 * every later stage. One record per line, fields separated by TAB, with
 * `\\`, `\t` and `\n` escaped inside fields. The keys are documented in
 * schemas/plan.md. Stages never re-read the user's JSON; they read this.
 */
#ifndef BATON_PLAN_H
#define BATON_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "strbuf.h"

#define PLAN_FORMAT "baton-plan/1"

/*
 * The largest plan: it is copied into the state dir on /run (tmpfs, memory),
 * and every stage reads it whole. Real configs make plans of a few KiB.
 */
#define PLAN_MAX_BYTES	(8u << 20)
#define PLAN_MAX_PHRASE "8 MiB"

/* Fail, naming the limit and the largest record, when text is over PLAN_MAX_BYTES. */
int plan_check_size(const char *text, size_t len, struct stage_error *err);

struct plan_entry {
	const char *key;
	char **fields;
	unsigned nfields;
	unsigned line;
};

struct plan {
	char *text; /* unescaped copy, the fields point into it */
	struct plan_entry *entries;
	size_t nentries;
	char **fieldv; /* one array for every entry's fields */
};

/* Parse plan text (copied); checks the format line. */
int plan_parse(struct plan *plan, const char *text, size_t len, struct stage_error *err);
/* The same record syntax for other files (the state file): any format name. */
int records_parse(struct plan *plan, const char *text, size_t len, const char *format,
		  struct stage_error *err);
/* Read a plan from an fd (memfd or file), from offset 0. */
int plan_load_fd(struct plan *plan, int fd, struct stage_error *err);
int plan_load_file(struct plan *plan, const char *path, struct stage_error *err);
void plan_release(struct plan *plan);

/* Next entry with this key after prev (NULL: from the start), or NULL. */
const struct plan_entry *plan_next(const struct plan *plan, const struct plan_entry *prev,
				   const char *key);
#define plan_for_each(plan, key, e)                                                                \
	for (const struct plan_entry *e = plan_next(plan, NULL, key); e;                           \
	     e = plan_next(plan, e, key))

const struct plan_entry *plan_get(const struct plan *plan, const char *key);
/* First field of key, or dflt when the key is absent. */
const char *plan_str(const struct plan *plan, const char *key, const char *dflt);
bool plan_flag(const struct plan *plan, const char *key); /* "1" means true */
/* The value of annotation key (an `annotation KEY VALUE` record), or NULL. */
const char *plan_annotation(const struct plan *plan, const char *key);
size_t plan_count(const struct plan *plan, const char *key);

/* Field i of e, or "" when e has fewer fields. */
const char *plan_field(const struct plan_entry *e, unsigned i);
/* Field i as a number (decimal, 0x hex, or -1); fails naming the plan line. */
int plan_field_i64(const struct plan_entry *e, unsigned i, int64_t *out, struct stage_error *err);
int plan_field_u64(const struct plan_entry *e, unsigned i, uint64_t *out, struct stage_error *err);

/* Writer: append one record; the fields are a NULL-terminated list. */
void plan_emit(struct strbuf *out, const char *key, ...) __attribute__((sentinel));
void plan_emitv(struct strbuf *out, const char *key, const char *const *fields, unsigned n);

static inline void cleanup_plan(struct plan *p)
{
	plan_release(p);
}
#define autoplan __attribute__((cleanup(cleanup_plan)))

#endif
