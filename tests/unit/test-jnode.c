/* parse-config's JSON tree (stages/parse-config/jnode.c): reading, building, printing. */
#include <stdlib.h>
#include <string.h>

#include "jnode.h"
#include "unit.h"

static struct jnode *parse(const char *text)
{
	return jnode_parse(text, strlen(text), NULL);
}

/* Parse text and print it back compactly; "!" when it does not parse. */
static char printed[4096];
static const char *roundtrip(const char *text)
{
	struct jnode *n = parse(text);
	char *s;

	if (!n)
		return "!";
	s = jnode_print(n);
	snprintf(printed, sizeof(printed), "%s", s);
	free(s);
	jnode_free(n);
	return printed;
}

TEST(values)
{
	CHECK_STR(roundtrip(" {\"a\" : [1, -2.5e3, true, false, null, \"x\"], \"b\": {}} "),
		  "{\"a\":[1,-2.5e3,true,false,null,\"x\"],\"b\":{}}");
	CHECK_STR(roundtrip("[]"), "[]");
	CHECK_STR(roundtrip("0"), "0");
	CHECK_STR(roundtrip("\"\""), "\"\"");
}

TEST(strings_and_escapes)
{
	struct jnode *n = parse("\"a\\\"b\\\\c\\/d\\n\\t\\u00e9\\ud83d\\ude00\"");

	CHECK(jnode_is(n, JNODE_STRING));
	CHECK_STR(n ? n->str : NULL, "a\"b\\c/d\n\t\xc3\xa9\xf0\x9f\x98\x80");
	jnode_free(n);
	CHECK_STR(roundtrip("\"tab\\tquote\\\"\""), "\"tab\\tquote\\\"\"");
}

TEST(rejects)
{
	const char *bad[] = {
	    "",	       "{",	    "[1,]",	   "{\"a\":1,}",  "{'a':1}",	 "01",
	    "1.",      "-",	    ".5",	   "1e",	  "tru",	 "nul",
	    "\"\\x\"", "\"\\u12\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\u0000\"", "\"a\nb\"",
	    "[1] 2",   "{\"a\" 1}", "[1 2]",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct jnode *n = parse(bad[i]);

		if (n)
			printf("# accepted `%s`\n", bad[i]);
		CHECK(n == NULL);
		jnode_free(n);
	}
}

TEST(stop_points_at_the_error)
{
	const char text[] = "{\"a\": [1, 2,, 3]}";
	struct jnode_fault fault;

	CHECK(jnode_parse(text, strlen(text), &fault) == NULL);
	CHECK(fault.stop == text + 12);
	CHECK(fault.duplicate == NULL);
}

/* Go keeps the last of two equal names: we refuse both, naming the path. */
static const char *duplicate_of(const char *text)
{
	struct jnode_fault fault;
	struct jnode *n = jnode_parse(text, strlen(text), &fault);

	jnode_free(n);
	if (n)
		return "accepted";
	snprintf(printed, sizeof(printed), "%s", fault.duplicate ? fault.duplicate : "-");
	free(fault.duplicate);
	return printed;
}

TEST(duplicate_keys)
{
	CHECK_STR(duplicate_of("{\"user\":{\"uid\":0,\"gid\":1,\"uid\":1000}}"), "user.uid");
	CHECK_STR(duplicate_of("{\"a\":1,\"a\":1}"), "a");
	CHECK_STR(duplicate_of("{\"m\":[{},{\"k\":{\"x\":1,\"y\":2,\"x\":3}}]}"), "m[1].k.x");
	CHECK_STR(duplicate_of("{\"a\":{\"b\":1},\"c\":{\"b\":1},\"b\":[{\"b\":2}]}"), "accepted");
	/* names compare after unescaping */
	CHECK_STR(duplicate_of("{\"uid\":0,\"u\\u0069d\":1000}"), "uid");
	CHECK_STR(duplicate_of("{\"a\":1,\"b\":2"), "-");
}

TEST(depth_limit)
{
	char deep[2 * JNODE_MAX_DEPTH + 8];
	struct jnode *n;
	int d;

	for (d = 0; d < JNODE_MAX_DEPTH; d++)
		deep[d] = '[', deep[2 * JNODE_MAX_DEPTH - 1 - d] = ']';
	deep[2 * JNODE_MAX_DEPTH] = '\0';
	n = parse(deep);
	CHECK(n != NULL);
	jnode_free(n);
	memmove(deep + 1, deep, strlen(deep) + 1);
	deep[0] = '[';
	strcat(deep, "]");
	CHECK(parse(deep) == NULL);
}

TEST(numbers_keep_their_text)
{
	struct jnode *n = parse("[18446744073709551615, -9223372036854775808, 1e3]");

	CHECK_STR(n->child->str, "18446744073709551615");
	CHECK_STR(n->child->next->str, "-9223372036854775808");
	CHECK(n->child->next->next->num == 1000.0);
	jnode_free(n);
}

TEST(members_and_building)
{
	struct jnode *o = parse("{\"a\":1,\"b\":[\"x\",\"y\"]}");
	struct jnode *b = jnode_member(o, "b");
	char *s;

	CHECK(jnode_member(o, "c") == NULL);
	CHECK(jnode_member(NULL, "a") == NULL);
	CHECK(jnode_count(b) == 2);
	jnode_replace_at(b, 1, jnode_new_string("z"));
	jnode_append(b, jnode_new_number(4294967295.0));
	jnode_set(o, "a", jnode_new_bool(true));
	jnode_set(o, "c", jnode_new_object());
	jnode_add(jnode_member(o, "c"), "d", jnode_new_number(0.5));
	s = jnode_print(o);
	CHECK_STR(s, "{\"a\":true,\"b\":[\"x\",\"z\",4294967295],\"c\":{\"d\":0.5}}");
	free(s);
	jnode_free(o);
}

int main(void)
{
	return unit_run();
}
