/*
 * A minimal unit test harness printing TAP, so that .ci/run can count unit
 * tests and bats tests the same way.
 *
 *   TEST(name) { CHECK(x == 1); CHECK_STR(a, "b"); }
 *   int main(void) { return unit_run(); }
 */
#ifndef BATON_UNIT_H
#define BATON_UNIT_H

#include <stdio.h>
#include <string.h>

struct unit_test {
	const char *name;
	void (*fn)(int *failed);
};

#define UNIT_MAX 512
static struct unit_test unit_tests[UNIT_MAX];
static int unit_ntests;

#define TEST(name)                                                                                 \
	static void test_##name(int *unit_failed);                                                 \
	__attribute__((constructor)) static void register_##name(void)                             \
	{                                                                                          \
		if (unit_ntests < UNIT_MAX)                                                        \
			unit_tests[unit_ntests++] = (struct unit_test){#name, test_##name};        \
	}                                                                                          \
	static void test_##name(int *unit_failed)

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			printf("# %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond);          \
			*unit_failed = 1;                                                          \
		}                                                                                  \
	} while (0)

#define CHECK_STR(a, b)                                                                            \
	do {                                                                                       \
		const char *unit_a = (a), *unit_b = (b);                                           \
		if (!unit_a || !unit_b || strcmp(unit_a, unit_b) != 0) {                           \
			printf("# %s:%d: `%s` != `%s`\n", __FILE__, __LINE__,                      \
			       unit_a ? unit_a : "(null)", unit_b ? unit_b : "(null)");            \
			*unit_failed = 1;                                                          \
		}                                                                                  \
	} while (0)

/* Substring check, for error messages. */
#define CHECK_CONTAINS(hay, needle)                                                                \
	do {                                                                                       \
		const char *unit_h = (hay), *unit_n = (needle);                                    \
		if (!unit_h || !strstr(unit_h, unit_n)) {                                          \
			printf("# %s:%d: `%s` does not contain `%s`\n", __FILE__, __LINE__,        \
			       unit_h ? unit_h : "(null)", unit_n);                                \
			*unit_failed = 1;                                                          \
		}                                                                                  \
	} while (0)

static inline int unit_run(void)
{
	int bad = 0;

	printf("1..%d\n", unit_ntests);
	for (int i = 0; i < unit_ntests; i++) {
		int failed = 0;

		unit_tests[i].fn(&failed);
		printf("%sok %d - %s\n", failed ? "not " : "", i + 1, unit_tests[i].name);
		bad += failed;
	}
	return bad ? 1 : 0;
}

#endif
