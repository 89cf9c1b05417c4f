/*
 * libstage's capability table held against libcap (the table oracle of the
 * reliability lane): every capability libcap and the running kernel know has
 * our name and number, and we know none that libcap does not. A kernel or
 * libcap with a new capability fails here instead of being refused silently
 * by parse-config as an unknown name.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>

#include "capabilities.h"
#include "unit.h"

static size_t our_count(void)
{
	size_t n = 0;

	while (cap_names[n])
		n++;
	return n;
}

/* libcap's name of cap, upper case as the OCI spec spells it: "CAP_CHOWN". */
static char *libcap_name(unsigned cap)
{
	char *name = cap_to_name((cap_value_t)cap), *upper;

	if (!name)
		return NULL;
	upper = strdup(name);
	cap_free(name);
	for (char *p = upper; p && *p; p++)
		*p = (char)toupper((unsigned char)*p);
	return upper;
}

TEST(every_libcap_capability_has_our_name_and_number)
{
	for (unsigned cap = 0; cap <= CAP_LAST_CAP; cap++) {
		char *name = libcap_name(cap);

		CHECK(name != NULL);
		if (!name)
			continue;
		CHECK_STR(cap_name(cap), name);
		CHECK(cap_number(name) == (int)cap);
		free(name);
	}
}

TEST(we_name_no_capability_libcap_does_not_know)
{
	CHECK(our_count() == CAP_LAST_CAP + 1);
	CHECK(cap_name(CAP_LAST_CAP + 1) == NULL);
}

/* The kernel's own count (cap_max_bits reads /proc/sys/kernel/cap_last_cap). */
TEST(the_running_kernel_has_no_capability_we_do_not_know)
{
	unsigned kernel_caps = (unsigned)cap_max_bits();

	if (kernel_caps > our_count())
		printf("# the kernel knows %u capabilities, our table %zu\n", kernel_caps,
		       our_count());
	CHECK(kernel_caps <= our_count());
}

TEST(names_are_spelled_as_the_spec_does)
{
	for (size_t i = 0; cap_names[i]; i++) {
		CHECK(strncmp(cap_names[i], "CAP_", 4) == 0);
		for (const char *p = cap_names[i]; *p; p++)
			CHECK(isupper((unsigned char)*p) || isdigit((unsigned char)*p) ||
			      *p == '_');
	}
	CHECK(cap_number("cap_chown") == -1); /* the spec's names are upper case */
}

int main(void)
{
	return unit_run();
}
