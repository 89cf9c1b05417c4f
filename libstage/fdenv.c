#include "fdenv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif
#ifndef MFD_ALLOW_SEALING
#define MFD_ALLOW_SEALING 0x0002U
#endif
#ifndef F_ADD_SEALS
#define F_ADD_SEALS   1033
#define F_GET_SEALS   1034
#define F_SEAL_SEAL   0x0001
#define F_SEAL_SHRINK 0x0002
#define F_SEAL_GROW   0x0004
#define F_SEAL_WRITE  0x0008
#endif

static const char *kind_name(enum fd_kind kind)
{
	static const char *names[] = {"sealed memfd", "socket",	   "fifo",
				      "executable",   "directory", "regular file"};
	return names[kind];
}

int fd_check_kind(int fd, enum fd_kind kind, const char *what, struct stage_error *err)
{
	struct stat st;
	bool ok;

	if (fstat(fd, &st) < 0)
		return stage_fail(err, errno, "%s: fd %d", what, fd);
	switch (kind) {
	case FD_KIND_SEALED_MEMFD: {
		int seals = fcntl(fd, F_GET_SEALS);

		ok = S_ISREG(st.st_mode) && seals >= 0 && (seals & F_SEAL_WRITE);
		break;
	}
	case FD_KIND_SOCKET:
		ok = S_ISSOCK(st.st_mode);
		break;
	case FD_KIND_FIFO:
		ok = S_ISFIFO(st.st_mode);
		break;
	case FD_KIND_EXEC:
		ok = S_ISREG(st.st_mode) && (st.st_mode & 0111);
		break;
	case FD_KIND_DIR:
		ok = S_ISDIR(st.st_mode);
		break;
	default:
		ok = S_ISREG(st.st_mode);
	}
	if (!ok)
		return stage_fail(err, EBADF, "%s: fd %d is not a %s", what, fd, kind_name(kind));
	return 0;
}

int stage_fd_opt(const char *var, enum fd_kind kind, struct stage_error *err)
{
	const char *v = getenv(var);
	char *end;
	long fd;

	if (!v)
		return FD_ABSENT;
	errno = 0;
	fd = strtol(v, &end, 10);
	if (!*v || *end || errno || fd < 0 || fd > 65535)
		return stage_fail(err, EINVAL, "%s: not an fd number: `%s`", var, v);
	if (fd_check_kind((int)fd, kind, var, err) < 0)
		return -1;
	return (int)fd;
}

int stage_fd(const char *var, enum fd_kind kind, struct stage_error *err)
{
	int fd = stage_fd_opt(var, kind, err);

	if (fd == FD_ABSENT)
		return stage_fail(err, EBADF, "%s: missing from the environment", var);
	return fd;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static int range_op(unsigned lo, unsigned hi, unsigned flags, struct stage_error *err)
{
	if (lo > hi)
		return 0;
	if (syscall(SYS_close_range, lo, hi, flags) < 0)
		return stage_fail(err, errno, "close_range %u-%u", lo, hi);
	return 0;
}

static int fds_except(const int *keep, unsigned nkeep, unsigned preserved, unsigned flags,
		      struct stage_error *err)
{
	autofree int *sorted = NULL;
	unsigned lo = 3 + preserved;

	if (nkeep) {
		sorted = malloc(nkeep * sizeof(int));
		if (!sorted)
			return stage_fail(err, ENOMEM, "fds to keep");
		memcpy(sorted, keep, nkeep * sizeof(int));
		qsort(sorted, nkeep, sizeof(int), cmp_int);
	}
	for (unsigned i = 0; i < nkeep; i++) {
		if (sorted[i] < 0 || (unsigned)sorted[i] < lo)
			continue;
		if (range_op(lo, (unsigned)sorted[i] - 1, flags, err) < 0)
			return -1;
		lo = (unsigned)sorted[i] + 1;
	}
	return range_op(lo, ~0U, flags, err);
}

int close_fds_except(const int *keep, unsigned nkeep, unsigned preserved, struct stage_error *err)
{
	return fds_except(keep, nkeep, preserved, 0, err);
}

int cloexec_fds_except(const int *keep, unsigned nkeep, unsigned preserved, struct stage_error *err)
{
	return fds_except(keep, nkeep, preserved, CLOSE_RANGE_CLOEXEC, err);
}

int memfd_seal(int fd, struct stage_error *err)
{
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0)
		return stage_fail(err, errno, "seal memfd");
	return 0;
}

int memfd_sealed(const char *name, const void *data, size_t len, struct stage_error *err)
{
	int fd = (int)syscall(SYS_memfd_create, name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	size_t off = 0;

	if (fd < 0)
		return stage_fail(err, errno, "memfd_create `%s`", name);
	while (off < len) {
		ssize_t n = write(fd, (const char *)data + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			stage_fail(err, errno, "write memfd `%s`", name);
			close(fd);
			return -1;
		}
		off += (size_t)n;
	}
	if (memfd_seal(fd, err) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

unsigned stage_env_fds(int *fds, unsigned max)
{
	extern char **environ;
	unsigned n = 0;

	for (char **e = environ; *e; e++) {
		const char *eq;
		char *end;
		long fd;

		if (strncmp(*e, "BATON_FD_", 9) != 0 || !(eq = strchr(*e, '=')))
			continue;
		fd = strtol(eq + 1, &end, 10);
		if (end != eq + 1 && !*end && fd >= 0 && n++ < max)
			fds[n - 1] = (int)fd;
	}
	return n;
}

static unsigned preserved_fds(void)
{
	const char *v = getenv("BATON_PRESERVE_FDS");

	return v ? (unsigned)strtoul(v, NULL, 10) : 0;
}

int stage_exec_next(int exe_fd, const char *name, const char *const *consumed,
		    struct stage_error *err)
{
	extern char **environ;
	char *argv[] = {(char *)name, NULL};
	autofree int *keep = NULL;
	unsigned nkeep;

	for (; consumed && *consumed; consumed++)
		unsetenv(*consumed);
	/* the next stage's fds, however many the declaration gives it, and its binary */
	nkeep = stage_env_fds(NULL, 0);
	keep = malloc((nkeep + 1) * sizeof(int));
	if (!keep)
		return stage_fail(err, ENOMEM, "exec stage `%s`", name);
	stage_env_fds(keep, nkeep);
	keep[nkeep++] = exe_fd;
	if (close_fds_except(keep, nkeep, preserved_fds(), err) < 0)
		return -1;
	syscall(SYS_execveat, exe_fd, "", argv, environ, AT_EMPTY_PATH);
	return stage_fail(err, errno, "exec stage `%s`", name);
}
