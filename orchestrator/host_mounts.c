/*
 * A container without a mount namespace of its own shares ours (runtime-spec:
 * an unlisted namespace is inherited): mount-rootfs mounts /proc, /dev, the
 * config's mounts... under root.path in our namespace and chroots. Before the
 * clone we note which mounts already lie at or under root.path (the engine's
 * rootfs mount, say); when the container goes, every mount there that is not
 * one of them is detached, so nothing is left behind. The note is the state
 * directory's `host-mounts`: the rootfs path, then one mount id a line.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "baton.h"
#include "cleanup.h"
#include "log.h"
#include "strbuf.h"

#define HOST_MOUNTS_FILE "host-mounts"

/* mountinfo escapes space, tab, newline and backslash as \NNN octal */
static void unescape_octal(char *s)
{
	char *out = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

static bool at_or_under(const char *mountpoint, const char *rootfs)
{
	size_t n = strlen(rootfs);

	return strncmp(mountpoint, rootfs, n) == 0 &&
	       (mountpoint[n] == '\0' || mountpoint[n] == '/');
}

struct mount_ids {
	unsigned long *id;
	size_t n, cap;
};

static void ids_add(struct mount_ids *ids, unsigned long id)
{
	if (ids->n == ids->cap) {
		size_t cap = ids->cap ? ids->cap * 2 : 16;
		unsigned long *grown = realloc(ids->id, cap * sizeof(*grown));

		if (!grown)
			abort();
		ids->id = grown;
		ids->cap = cap;
	}
	ids->id[ids->n++] = id;
}

static bool ids_have(const struct mount_ids *ids, unsigned long id)
{
	for (size_t i = 0; i < ids->n; i++)
		if (ids->id[i] == id)
			return true;
	return false;
}

/*
 * The mounts of our namespace at or under rootfs: ids (and, when points is
 * given, their mount points, in mountinfo order: parents before children).
 */
static int mounts_under(const char *rootfs, struct mount_ids *ids, struct strbuf *points,
			struct stage_error *err)
{
	autofile FILE *f = fopen("/proc/self/mountinfo", "re");
	autofree char *line = NULL;
	size_t size = 0;

	if (!f)
		return stage_fail(err, errno, "read `/proc/self/mountinfo`");
	while (getline(&line, &size, f) > 0) {
		char *fields[5], *save = NULL, *p = line;
		int n = 0;

		for (; n < 5 && (fields[n] = strtok_r(p, " ", &save)); n++)
			p = NULL;
		if (n < 5)
			continue;
		unescape_octal(fields[4]);
		if (!at_or_under(fields[4], rootfs))
			continue;
		ids_add(ids, strtoul(fields[0], NULL, 10));
		if (points)
			strbuf_add(points, fields[4], strlen(fields[4]) + 1);
	}
	return 0;
}

int host_mounts_note(const struct container *c, const struct plan *plan, struct stage_error *err)
{
	struct mount_ids ids = {0};
	autostrbuf struct strbuf text = {0};
	autoclose int fd = -1;
	int ret = -1;

	plan_for_each(plan, "namespace", e)
	{
		if (strcmp(plan_field(e, 0), "mount") == 0)
			return 0;
	}
	if (mounts_under(c->rootfs, &ids, NULL, err) < 0)
		goto out;
	strbuf_printf(&text, "%s\n", c->rootfs);
	for (size_t i = 0; i < ids.n; i++)
		strbuf_printf(&text, "%lu\n", ids.id[i]);
	fd = openat(c->dirfd, HOST_MOUNTS_FILE,
		    O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, text.data, text.len) != (ssize_t)text.len) {
		stage_fail(err, errno, "write `%s/%s`", c->dir, HOST_MOUNTS_FILE);
		goto out;
	}
	ret = 0;
out:
	free(ids.id);
	return ret;
}

/* The note: the rootfs path into rootfs (heap), the ids that were there. */
static int read_note(const struct container *c, char **rootfs, struct mount_ids *before)
{
	int fd = openat(c->dirfd, HOST_MOUNTS_FILE, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	autofile FILE *f = fd >= 0 ? fdopen(fd, "re") : NULL;
	autofree char *line = NULL;
	size_t size = 0;
	ssize_t n;

	if (!f) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if ((n = getline(&line, &size, f)) <= 1 || line[0] != '/')
		return -1;
	line[n - 1] = '\0';
	*rootfs = strdup(line);
	while (getline(&line, &size, f) > 0)
		ids_add(before, strtoul(line, NULL, 10));
	return *rootfs ? 0 : -1;
}

/* The id of the mount fd lies on (its fdinfo's mnt_id), or 0. */
static unsigned long mount_id_of(int fd)
{
	char path[64];
	autofile FILE *f = NULL;
	autofree char *line = NULL;
	size_t size = 0;
	unsigned long id = 0;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	while (f && getline(&line, &size, f) > 0)
		if (sscanf(line, "mnt_id: %lu", &id) == 1)
			break;
	return id;
}

/*
 * Detach the mount id at point, only if it is still the one on top there:
 * without symlinks on the way, so that no other mount is hit.
 */
static void detach(const struct container *c, const char *point, unsigned long id)
{
	struct open_how how = {.flags = O_PATH | O_CLOEXEC,
			       .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS};
	autoclose int fd = (int)syscall(SYS_openat2, AT_FDCWD, point, &how, sizeof(how));
	char target[64];

	/* gone with its parent, or covered: nothing of ours to detach there */
	if (fd < 0 || mount_id_of(fd) != id)
		return;
	log_debug("container `%s`: detach its mount on `%s`", c->id, point);
	snprintf(target, sizeof(target), "/proc/self/fd/%d", fd);
	if (umount2(target, MNT_DETACH) < 0)
		log_warning("container `%s`: cannot detach its mount on `%s`: %s", c->id, point,
			    strerror(errno));
}

void host_mounts_release(const struct container *c)
{
	struct mount_ids before = {0}, now = {0};
	autostrbuf struct strbuf points = {0};
	autofree char *rootfs = NULL;
	struct stage_error err;
	const char **point;

	if (c->dirfd < 0 || read_note(c, &rootfs, &before) < 0 ||
	    mounts_under(rootfs, &now, &points, &err) < 0)
		goto out;
	point = calloc(now.n + 1, sizeof(*point));
	if (!point)
		goto out;
	for (size_t i = 0, off = 0; i < now.n; off += strlen(points.data + off) + 1, i++)
		point[i] = points.data + off;
	/* children first: mountinfo lists a parent before its children */
	for (size_t i = now.n; i-- > 0;)
		if (!ids_have(&before, now.id[i]))
			detach(c, point[i], now.id[i]);
	free(point);
out:
	free(before.id);
	free(now.id);
}
