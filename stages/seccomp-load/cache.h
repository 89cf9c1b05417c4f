/*
 * The cache of compiled filters: a repeated start with the same seccomp
 * section copies the program instead of compiling it again. The key is the
 * exact text the program is derived from (the plan's seccomp records, the
 * annotation that changes compilation, libseccomp's version and the native
 * arch); the file name is a hash of it, and the file repeats the key, so a hit
 * is checked byte for byte. Files are written under a temporary name and
 * renamed, so a reader never sees half a program.
 */
#ifndef BATON_SECCOMP_LOAD_CACHE_H
#define BATON_SECCOMP_LOAD_CACHE_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "plan.h"
#include "strbuf.h"

struct seccomp_cache {
	int dirfd;	   /* ROOT/.cache/seccomp, -1: no cache */
	struct strbuf key; /* what the program is derived from */
	char name[17];	   /* hex hash of key */
};

/* Prepare the key for plan; open (making it) the cache under root (NULL: none). */
void seccomp_cache_open(struct seccomp_cache *cache, const struct plan *plan, const char *root);
void seccomp_cache_close(struct seccomp_cache *cache);

/*
 * Look the key up: on a hit *prog is a malloc'd program of *size bytes;
 * on a miss (or a file that fails a check, which is removed) *prog is NULL.
 */
int seccomp_cache_lookup(struct seccomp_cache *cache, void **prog, size_t *size,
			 struct stage_error *err);

/* Store a program under the key; the cache is best effort, failures are narrated. */
void seccomp_cache_store(struct seccomp_cache *cache, const void *prog, size_t size);

/* 64-bit FNV-1a, as 16 hex digits (the file name). */
void seccomp_cache_hash(const char *data, size_t len, char out[17]);

#endif
