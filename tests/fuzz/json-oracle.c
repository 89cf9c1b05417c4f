/*
 * The differential oracle: jnode (parse-config's JSON reader) against cJSON,
 * the JSON library of the founding design. Both must accept and reject the
 * same documents and read the same strings and the same integers (those
 * below 2^53, where cJSON's double is exact), except where the two differ on
 * purpose: each such difference is one named exception below, tolerated only
 * in the direction it describes. Also jnode's print/parse round trip:
 * parse(print(x)) prints as print(x), and cJSON reads what jnode prints.
 */
#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "fuzz.h"

/* cJSON copies a number into a 64-byte buffer: a longer literal is cut, and then rejected. */
#define CJSON_NUMBER_MAX 63
#define EXACT_LIMIT	 9007199254740992.0 /* 2^53 */

static void cleanup_cjson(cJSON **c)
{
	cJSON_Delete(*c);
}
#define autocjson __attribute__((cleanup(cleanup_cjson)))

/* ---- the exceptions: where jnode rejects what cJSON accepts ---------------- */

/*
 * RFC 8259 leaves duplicate names open; jnode refuses them (a config must
 * mean one thing) and names the member: cJSON, which keeps both, must see one.
 */
static bool exc_duplicate_key(const cJSON *c)
{
	for (const cJSON *e = c ? c->child : NULL; e; e = e->next) {
		if (cJSON_IsObject(c))
			for (const cJSON *f = e->next; f; f = f->next)
				if (strcmp(e->string, f->string) == 0)
					return true;
		if (exc_duplicate_key(e))
			return true;
	}
	return false;
}

/* jnode recurses and stops at JNODE_MAX_DEPTH levels; cJSON at CJSON_NESTING_LIMIT (1000). */
static bool exc_deeper_than_jnode(const cJSON *c, int depth)
{
	if ((cJSON_IsArray(c) || cJSON_IsObject(c)) && depth >= JNODE_MAX_DEPTH)
		return true;
	for (const cJSON *e = c ? c->child : NULL; e; e = e->next)
		if (exc_deeper_than_jnode(e, depth + 1))
			return true;
	return false;
}

/* \u0000 would cut a C string short: jnode refuses it, cJSON cuts the string there. */
static bool exc_nul_escape(const char *text, size_t len)
{
	for (size_t i = 0; i + 6 <= len; i++)
		if (text[i] == '\\' && text[i + 1] == 'u' && memcmp(text + i + 2, "0000", 4) == 0)
			return true;
	return false;
}

/*
 * cJSON skips every byte up to 0x20 as whitespace and takes raw control
 * bytes inside strings; JSON allows only space, TAB, LF and CR between
 * tokens, and no raw control byte in a string.
 */
static bool exc_control_byte(const char *from, const char *stop, const char *end)
{
	for (const char *p = from; p <= stop && p < end; p++)
		if ((unsigned char)*p < 0x20)
			return true;
	return false;
}

/* A NUL byte ends cJSON's document: it reads a C string. */
static bool exc_nul_byte(const char *text, size_t len)
{
	return memchr(text, '\0', len) != NULL;
}

/* cJSON reads numbers with strtod: `01`, `+1`, `.5`, `1.`, `1.e2` pass there, not in JSON. */
static bool exc_lax_number(const char *text, const char *from, const char *stop, const char *end)
{
	static const char number_chars[] = "0123456789+-.eE";

	return (stop < end && *stop && strchr(number_chars, *stop)) ||
	       (from > text && strchr(number_chars, from[-1]));
}

/* ---- and where cJSON rejects what jnode accepts ------------------------------ */

static bool exc_long_number(const struct jnode *n)
{
	const struct jnode *e;

	if (n->type == JNODE_NUMBER && strlen(n->str) > CJSON_NUMBER_MAX)
		return true;
	jnode_foreach(e, n) if (exc_long_number(e)) return true;
	return false;
}

/* ---- what cJSON cannot judge ------------------------------------------------- */

static const char *digits(const char *p)
{
	while (*p >= '0' && *p <= '9')
		p++;
	return p;
}

/*
 * RFC 8259's number, checked apart from jnode's reader: where cJSON is lax
 * (`01`, `1.`) both would accept, and the difference would go unseen.
 */
static bool json_number(const char *s)
{
	const char *p = s + (*s == '-'), *q;

	if (*p == '0')
		p++;
	else if ((q = digits(p)) > p && *p != '0')
		p = q;
	else
		return false;
	if (*p == '.') {
		q = digits(p + 1);
		if (q == p + 1)
			return false;
		p = q;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		p += *p == '+' || *p == '-';
		q = digits(p);
		if (q == p)
			return false;
		p = q;
	}
	return *p == '\0';
}

static void check_numbers(const struct jnode *n)
{
	const struct jnode *e;

	if (n->type == JNODE_NUMBER && !json_number(n->str))
		fuzz_fail("jnode accepted the number `%s`, which JSON does not allow", n->str);
	jnode_foreach(e, n) check_numbers(e);
}

/* ---- the comparison ---------------------------------------------------------- */

static bool exact_integer(const char *literal, double *out)
{
	const char *p = literal + (*literal == '-');
	char *end;
	long long v;

	if (!*p || strspn(p, "0123456789") != strlen(p) || strlen(p) > 16)
		return false;
	v = strtoll(literal, &end, 10);
	if (*end || (double)llabs(v) >= EXACT_LIMIT)
		return false;
	*out = (double)v;
	return true;
}

static bool same_type(const struct jnode *j, const cJSON *c)
{
	switch (j->type) {
	case JNODE_NULL:
		return cJSON_IsNull(c);
	case JNODE_FALSE:
		return cJSON_IsFalse(c);
	case JNODE_TRUE:
		return cJSON_IsTrue(c);
	case JNODE_NUMBER:
		return cJSON_IsNumber(c);
	case JNODE_STRING:
		return cJSON_IsString(c);
	case JNODE_ARRAY:
		return cJSON_IsArray(c);
	case JNODE_OBJECT:
		return cJSON_IsObject(c);
	}
	return false;
}

static void compare(const struct jnode *j, const cJSON *c, const char *path)
{
	const struct jnode *je;
	const cJSON *ce;
	double exact;
	int i = 0;

	if (!same_type(j, c))
		fuzz_fail("%s: jnode type %d, cJSON type %d", path, j->type, c->type);
	if (j->type == JNODE_STRING && strcmp(j->str, c->valuestring) != 0)
		fuzz_fail("%s: jnode string `%s`, cJSON `%s`", path, j->str, c->valuestring);
	if (j->type == JNODE_NUMBER && exact_integer(j->str, &exact) &&
	    (exact != c->valuedouble || exact != j->num))
		fuzz_fail("%s: `%s`: jnode %.17g, cJSON %.17g", path, j->str, j->num,
			  c->valuedouble);
	for (je = j->child, ce = c->child; je && ce; je = je->next, ce = ce->next, i++) {
		if (j->type == JNODE_OBJECT && strcmp(je->key, ce->string) != 0)
			fuzz_fail("%s: member %d: jnode `%s`, cJSON `%s`", path, i, je->key,
				  ce->string);
		compare(je, ce, path);
	}
	if (je || ce)
		fuzz_fail("%s: jnode and cJSON differ in the number of elements", path);
}

static cJSON *cjson_parse(const char *text, size_t len)
{
	autofree char *copy = malloc(len + 1);

	if (!copy)
		abort();
	memcpy(copy, text, len);
	copy[len] = '\0';
	/* length with the NUL: require_null_terminated then means "nothing after the value" */
	return cJSON_ParseWithLengthOpts(copy, len + 1, NULL, 1);
}

static void check_round_trip(const struct jnode *j)
{
	autofree char *once = jnode_print(j), *twice = NULL;
	autojnode struct jnode *again = jnode_parse(once, strlen(once), NULL);
	autocjson cJSON *c = NULL;

	if (!again)
		fuzz_fail("jnode does not read what it printed: %s", once);
	twice = jnode_print(again);
	if (strcmp(once, twice) != 0)
		fuzz_fail("jnode print/parse not stable: %s against %s", once, twice);
	c = cjson_parse(once, strlen(once));
	if (!c && !exc_long_number(j))
		fuzz_fail("cJSON does not read what jnode printed: %s", once);
}

static void cleanup_fault(struct jnode_fault *f)
{
	free(f->duplicate);
}

void check_json(const char *text, size_t len)
{
	__attribute__((cleanup(cleanup_fault))) struct jnode_fault fault = {0};
	const char *end = text + len, *stop, *from;
	autojnode struct jnode *j = jnode_parse(text, len, &fault);
	autocjson cJSON *c = cjson_parse(text, len);

	if (j)
		check_numbers(j);
	if (j && c) {
		compare(j, c, "$");
		check_round_trip(j);
		return;
	}
	if (j) {
		if (!exc_long_number(j))
			fuzz_fail("jnode accepts, cJSON rejects");
		check_round_trip(j);
		return;
	}
	if (!c)
		return;
	/* the one exception jnode names: it must be what cJSON read */
	if (fault.duplicate) {
		if (!exc_duplicate_key(c))
			fuzz_fail("jnode refuses `%s` as given twice, cJSON sees no duplicate",
				  fault.duplicate);
		return;
	}
	/* jnode's stop is past the whitespace after the byte it failed on */
	stop = fault.stop ? fault.stop : text;
	from = stop;
	while (from > text && strchr(" \t\n\r", from[-1]))
		from--;
	if (!exc_deeper_than_jnode(c, 0) && !exc_nul_escape(text, len) &&
	    !exc_control_byte(from, stop, end) && !exc_nul_byte(text, len) &&
	    !exc_lax_number(text, from, stop, end))
		fuzz_fail("cJSON accepts, jnode rejects at offset %td", stop - text);
}
