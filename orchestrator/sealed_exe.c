/*
 * The stages that run inside a container are executed from sealed memfd
 * copies made before any namespace changes. A container process that reaches
 * one of them through /proc/PID/exe finds a write-sealed anonymous file, not
 * the host's binary (CVE-2019-5736).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "fdenv.h"
#include "sealed_exe.h"

int open_sealed_exe(const char *path, const char *name, struct stage_error *err)
{
	autoclose int src = open(path, O_RDONLY | O_CLOEXEC);
	autoclose int copy = -1;
	char memfd_name[64];
	struct stat st;
	off_t off = 0;

	if (src < 0 || fstat(src, &st) < 0)
		return stage_fail(err, errno, "cannot open stage `%s`", path);
	snprintf(memfd_name, sizeof(memfd_name), "baton-%s", name);
	copy = (int)syscall(SYS_memfd_create, memfd_name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (copy < 0)
		return stage_fail(err, errno, "memfd_create for stage `%s`", name);
	while (off < st.st_size) {
		ssize_t n = sendfile(copy, src, &off, (size_t)(st.st_size - off));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return stage_fail(err, n < 0 ? errno : EIO, "copy stage `%s`", path);
	}
	/* readable and executable for all: in a user namespace we are not its owner */
	if (fchmod(copy, 0555) < 0 || memfd_seal(copy, err) < 0)
		return stage_fail(err, errno, "seal stage `%s`", name);
	return take_fd(&copy);
}
