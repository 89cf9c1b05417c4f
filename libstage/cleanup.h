/* Scope-bound release of fds, heap buffers and FILEs. */
#ifndef BATON_CLEANUP_H
#define BATON_CLEANUP_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void cleanup_fdp(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

static inline void cleanup_freep(void *p)
{
	free(*(void **)p);
}

static inline void cleanup_filep(FILE **f)
{
	if (*f)
		fclose(*f);
}

#define autoclose __attribute__((cleanup(cleanup_fdp)))
#define autofree  __attribute__((cleanup(cleanup_freep)))
#define autofile  __attribute__((cleanup(cleanup_filep)))

/* Hand a scoped fd to someone else: the cleanup then sees -1. */
static inline int take_fd(int *fd)
{
	int ret = *fd;
	*fd = -1;
	return ret;
}

static inline void *take_ptr(void *pp)
{
	void *ret = *(void **)pp;
	*(void **)pp = NULL;
	return ret;
}

#endif
