#include "idset.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define WORD_BITS (sizeof(unsigned long) * CHAR_BIT)

/* A decimal id; no sign, no spaces, no empty number. */
static int read_id(const char **p, unsigned long *out)
{
	char *end;

	if (!isdigit((unsigned char)**p))
		return -1;
	errno = 0;
	*out = strtoul(*p, &end, 10);
	if (errno)
		return -1;
	*p = end;
	return 0;
}

static int grow(struct idset *set, unsigned long id)
{
	size_t need = id / WORD_BITS + 1;

	if (need > set->nwords) {
		unsigned long *w = realloc(set->words, need * sizeof(*w));

		if (!w)
			return -1;
		memset(w + set->nwords, 0, (need - set->nwords) * sizeof(*w));
		set->words = w;
		set->nwords = need;
	}
	if ((long)id > set->highest)
		set->highest = (long)id;
	return 0;
}

static int add_range(struct idset *set, unsigned long lo, unsigned long hi)
{
	if (grow(set, hi) < 0)
		return -1;
	for (unsigned long id = lo; id <= hi; id++)
		set->words[id / WORD_BITS] |= 1UL << (id % WORD_BITS);
	return 0;
}

int idset_parse(const char *text, unsigned long limit, struct idset *set, unsigned long *bad)
{
	const char *p = text;

	memset(set, 0, sizeof(*set));
	set->highest = -1;
	if (!*p)
		return 0;
	for (;;) {
		unsigned long lo, hi;

		if (read_id(&p, &lo) < 0)
			goto malformed;
		hi = lo;
		if (*p == '-') {
			p++;
			if (read_id(&p, &hi) < 0 || hi < lo)
				goto malformed;
		}
		if (hi >= limit) {
			*bad = lo >= limit ? lo : limit;
			idset_release(set);
			errno = ERANGE;
			return -1;
		}
		if (add_range(set, lo, hi) < 0) {
			idset_release(set);
			errno = ENOMEM;
			return -1;
		}
		if (!*p)
			return 0;
		if (*p++ != ',')
			goto malformed;
	}
malformed:
	idset_release(set);
	errno = EINVAL;
	return -1;
}

bool idset_has(const struct idset *set, unsigned long id)
{
	return id / WORD_BITS < set->nwords && (set->words[id / WORD_BITS] >> (id % WORD_BITS)) & 1;
}

void idset_release(struct idset *set)
{
	free(set->words);
	set->words = NULL;
	set->nwords = 0;
	set->highest = -1;
}
