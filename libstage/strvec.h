/*
 * A growable NULL-terminated vector of strings, for argv and envp sized from
 * their input: a fixed array would drop what does not fit.
 */
#ifndef BATON_STRVEC_H
#define BATON_STRVEC_H

#include <stddef.h>

struct strvec {
	char **v; /* NULL-terminated once anything was added */
	size_t n;
	size_t cap;
	char **owned; /* the copies strvec_pushf made, freed on release */
	size_t nowned;
	size_t owned_cap;
};

/* Append s itself (not a copy): it must outlive the vector. */
void strvec_push(struct strvec *sv, const char *s);
/* Append a formatted copy, owned by the vector. */
void strvec_pushf(struct strvec *sv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strvec_release(struct strvec *sv);

static inline void cleanup_strvec(struct strvec *sv)
{
	strvec_release(sv);
}
#define autostrvec __attribute__((cleanup(cleanup_strvec)))

#endif
