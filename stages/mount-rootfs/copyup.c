/*
 * tmpcopyup: a tmpfs mounted over a directory of the image starts with a copy
 * of what it covers (owners, modes, links, device nodes), so that e.g. a
 * tmpfs /etc/ssl keeps the image's files.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "mount-rootfs.h"

static void cleanup_dirp(DIR **d)
{
	if (*d)
		closedir(*d);
}
#define autodir __attribute__((cleanup(cleanup_dirp)))

static int copy_data(int fromfd, int tofd, const char *path, struct stage_error *err)
{
	char buf[65536];

	for (;;) {
		ssize_t n = read(fromfd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return stage_fail(err, errno, "read `%s`", path);
		if (n == 0)
			return 0;
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(tofd, buf + off, (size_t)(n - off));

			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				return stage_fail(err, errno, "write `%s`", path);
			off += w;
		}
	}
}

static int copy_file(int fromdir, int todir, const char *name, const struct stat *st,
		     const char *path, struct stage_error *err)
{
	autoclose int from = openat(fromdir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	autoclose int to = -1;

	if (from < 0)
		return stage_fail(err, errno, "open `%s`", path);
	to = openat(todir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		    st->st_mode & 07777);
	if (to < 0)
		return stage_fail(err, errno, "create `%s`", path);
	return copy_data(from, to, path, err);
}

static int copy_link(int fromdir, int todir, const char *name, const char *path,
		     struct stage_error *err)
{
	char target[PATH_MAX];
	ssize_t n = readlinkat(fromdir, name, target, sizeof(target) - 1);

	if (n < 0)
		return stage_fail(err, errno, "readlink `%s`", path);
	target[n] = '\0';
	if (symlinkat(target, todir, name) < 0)
		return stage_fail(err, errno, "symlink `%s`", path);
	return 0;
}

static int copy_dir(int fromdir, int todir, const char *name, const struct stat *st,
		    const char *path, struct stage_error *err)
{
	autoclose int from = -1;
	autoclose int to = -1;

	if (mkdirat(todir, name, st->st_mode & 07777) < 0)
		return stage_fail(err, errno, "mkdir `%s`", path);
	from = openat(fromdir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	to = openat(todir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (from < 0 || to < 0)
		return stage_fail(err, errno, "open `%s`", path);
	return copy_tree(from, to, path, err);
}

/* One entry of any kind, then its owner and mode (the umask cut the mode). */
static int copy_entry(int fromdir, int todir, const char *name, const char *path,
		      struct stage_error *err)
{
	struct stat st;
	int ret;

	if (fstatat(fromdir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return stage_fail(err, errno, "stat `%s`", path);
	if (S_ISDIR(st.st_mode))
		ret = copy_dir(fromdir, todir, name, &st, path, err);
	else if (S_ISREG(st.st_mode))
		ret = copy_file(fromdir, todir, name, &st, path, err);
	else if (S_ISLNK(st.st_mode))
		ret = copy_link(fromdir, todir, name, path, err);
	else if (mknodat(todir, name, st.st_mode, st.st_rdev) < 0)
		ret = stage_fail(err, errno, "mknod `%s`", path);
	else
		ret = 0;
	if (ret < 0)
		return -1;
	if (fchownat(todir, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
		return stage_fail(err, errno, "chown `%s`", path);
	if (!S_ISLNK(st.st_mode) && fchmodat(todir, name, st.st_mode & 07777, 0) < 0)
		return stage_fail(err, errno, "chmod `%s`", path);
	return 0;
}

int copy_tree(int fromfd, int tofd, const char *what, struct stage_error *err)
{
	int dirfd = fcntl(fromfd, F_DUPFD_CLOEXEC, 3);
	autodir DIR *dir = NULL;

	if (dirfd < 0)
		return stage_fail(err, errno, "open `%s`", what);
	dir = fdopendir(dirfd);
	if (!dir) {
		close(dirfd);
		return stage_fail(err, errno, "open `%s`", what);
	}
	for (struct dirent *d; (errno = 0, d = readdir(dir));) {
		char path[PATH_MAX];

		if (d->d_name[0] == '.' &&
		    (!d->d_name[1] || (d->d_name[1] == '.' && !d->d_name[2])))
			continue;
		snprintf(path, sizeof(path), "%s/%s", what, d->d_name);
		if (copy_entry(fromfd, tofd, d->d_name, path, err) < 0)
			return -1;
	}
	if (errno)
		return stage_fail(err, errno, "read `%s`", what);
	return 0;
}
