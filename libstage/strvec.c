#include "strvec.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static void *grow_array(void *p, size_t *cap, size_t want, size_t size)
{
	if (want <= *cap)
		return p;
	*cap = *cap ? *cap : 16;
	while (*cap < want)
		*cap *= 2;
	p = realloc(p, *cap * size);
	if (!p)
		abort(); /* out of memory in a short-lived setup process */
	return p;
}

void strvec_push(struct strvec *sv, const char *s)
{
	sv->v = grow_array(sv->v, &sv->cap, sv->n + 2, sizeof(*sv->v));
	sv->v[sv->n++] = (char *)s;
	sv->v[sv->n] = NULL;
}

void strvec_pushf(struct strvec *sv, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	sv->owned = grow_array(sv->owned, &sv->owned_cap, sv->nowned + 1, sizeof(*sv->owned));
	sv->owned[sv->nowned++] = s;
	strvec_push(sv, s);
}

void strvec_release(struct strvec *sv)
{
	for (size_t i = 0; i < sv->nowned; i++)
		free(sv->owned[i]);
	free(sv->owned);
	free(sv->v);
	*sv = (struct strvec){0};
}
