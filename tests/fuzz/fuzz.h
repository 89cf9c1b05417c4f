/*
 * The libFuzzer harness of parse-config (tests/fuzz/README.md): the checks
 * that fuzz-parse-config.c runs on every input.
 */
#ifndef BATON_FUZZ_H
#define BATON_FUZZ_H

#include <stdbool.h>
#include <stddef.h>

#include "jnode.h"
#include "strbuf.h"

/* An invariant broke: say which, then abort so that libFuzzer keeps the input. */
void fuzz_fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* json-oracle.c: jnode against cJSON, and jnode's print/parse round trip. */
void check_json(const char *text, size_t len);

/*
 * plan-check.c: text is a plan (with_format) or bare records (--resources
 * output): it parses, every key is a plain name, and emitting the parsed
 * records again gives the same bytes.
 */
void check_plan(const char *what, const struct strbuf *text, bool with_format);
/* One line per record, KEY and its field count: what injection would change. */
char *plan_shape(const struct strbuf *text);
/* Both shapes equal, else fail naming what and the first differing line. */
void check_same_shape(const char *what, const struct strbuf *a, const struct strbuf *b);

/*
 * Replace every TAB and newline in the strings and keys of n by '_'; true
 * when anything changed.
 */
bool sanitize_tree(struct jnode *n);
/* "a\tb" -> "a_b", malloc'd. */
char *sanitize_string(const char *s);

#endif
