#include "filter.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"

/* Older UAPI headers lack the newer flags; the values are kernel ABI. */
#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4)
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

int bpf_filter_load_fd(struct bpf_filter *filter, int fd, const char *what, struct stage_error *err)
{
	struct stat st;
	size_t size, got = 0;
	char *buf;

	memset(filter, 0, sizeof(*filter));
	if (fstat(fd, &st) < 0)
		return stage_fail(err, errno, "stat seccomp filter `%s`", what);
	size = (size_t)st.st_size;
	if (size == 0 || size % sizeof(struct sock_filter) != 0 ||
	    size / sizeof(struct sock_filter) > BPF_MAXINSNS)
		return stage_fail(err, EINVAL,
				  "seccomp filter `%s`: %zu bytes is not a BPF program of at most "
				  "%d instructions",
				  what, size, BPF_MAXINSNS);
	buf = malloc(size);
	if (!buf)
		return stage_fail(err, ENOMEM, "read seccomp filter `%s`", what);
	while (got < size) {
		ssize_t n = pread(fd, buf + got, size - got, (off_t)got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(buf);
			return stage_fail(err, n < 0 ? errno : EIO, "read seccomp filter `%s`",
					  what);
		}
		got += (size_t)n;
	}
	filter->insns = (struct sock_filter *)buf;
	filter->len = (unsigned short)(size / sizeof(struct sock_filter));
	return 0;
}

int bpf_filter_load_file(struct bpf_filter *filter, const char *path, struct stage_error *err)
{
	autoclose int fd = open(path, O_RDONLY | O_CLOEXEC);

	memset(filter, 0, sizeof(*filter));
	if (fd < 0)
		return stage_fail(err, errno, "open seccomp filter `%s`", path);
	return bpf_filter_load_fd(filter, fd, path, err);
}

void bpf_filter_release(struct bpf_filter *filter)
{
	free(filter->insns);
	memset(filter, 0, sizeof(*filter));
}

static const struct {
	const char *name;
	unsigned long flag;
} seccomp_flags[] = {
    {"SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC},
    {"SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW},
    {"SECCOMP_FILTER_FLAG_TSYNC_ESRCH", SECCOMP_FILTER_FLAG_TSYNC_ESRCH},
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV},
};

int seccomp_flag_from_name(const char *name, unsigned *flag, struct stage_error *err)
{
	for (size_t i = 0; i < sizeof(seccomp_flags) / sizeof(seccomp_flags[0]); i++) {
		if (strcmp(name, seccomp_flags[i].name) == 0) {
			*flag = (unsigned)seccomp_flags[i].flag;
			return 0;
		}
	}
	/* not the profile's to ask for: it comes with a receiver (listener.h) */
	if (strcmp(name, "SECCOMP_FILTER_FLAG_NEW_LISTENER") == 0)
		return stage_fail(
		    err, EINVAL, "seccomp flag `%s`: set by baton when the listener has a receiver",
		    name);
	return stage_fail(err, EINVAL, "unknown seccomp flag `%s`", name);
}

int bpf_filter_install(const struct bpf_filter *filter, unsigned flags, struct stage_error *err)
{
	struct sock_fprog prog = {.len = filter->len, .filter = filter->insns};

	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog) < 0)
		return stage_fail(err, errno,
				  "install seccomp filter (%u instructions, flags 0x%x)",
				  filter->len, flags);
	return 0;
}
