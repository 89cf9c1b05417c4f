/*
 * Sets of small ids written as the kernel's list syntax, `0-3,7`: the cpus of
 * process.execCPUAffinity and the nodes of linux.memoryPolicy. parse-config
 * checks the text, final-exec turns it into the mask a syscall takes; both
 * read it with this one parser.
 */
#ifndef BATON_IDSET_H
#define BATON_IDSET_H

#include <stdbool.h>
#include <stddef.h>

struct idset {
	unsigned long *words; /* bit i set: id i is in the set */
	size_t nwords;	      /* sized from the highest id, never cut */
	long highest;	      /* -1 for the empty set */
};

/*
 * Parse text into set (released by idset_release). Ids at or above limit are
 * refused (ERANGE, *bad the first such id), a malformed text too (EINVAL).
 * An empty text is the empty set.
 */
int idset_parse(const char *text, unsigned long limit, struct idset *set, unsigned long *bad);
bool idset_has(const struct idset *set, unsigned long id);
void idset_release(struct idset *set);

static inline void cleanup_idset(struct idset *s)
{
	idset_release(s);
}
#define autoidset __attribute__((cleanup(cleanup_idset)))

#endif
