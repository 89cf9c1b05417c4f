#include "cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "stage.h"

#define CACHE_FORMAT "baton-seccomp-cache/1"
/* A cache that grew past this many programs is emptied and starts again. */
#define CACHE_MAX_ENTRIES 256

void seccomp_cache_hash(const char *data, size_t len, char out[17])
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)data[i];
		h *= 0x100000001b3ULL;
	}
	snprintf(out, 17, "%016llx", (unsigned long long)h);
}

/*
 * Every input of the compilation, fields length-prefixed so none can run into
 * the next. Where the listener goes is no input: containers that differ only
 * in their listenerPath share a program.
 */
static void build_key(struct strbuf *key, const struct plan *plan)
{
	const struct scmp_version *v = seccomp_version();

	strbuf_printf(key, "%s\nlibseccomp %u.%u.%u native 0x%x\n", CACHE_FORMAT, v->major,
		      v->minor, v->micro, seccomp_arch_native());
	for (size_t i = 0; i < plan->nentries; i++) {
		const struct plan_entry *e = &plan->entries[i];
		bool wanted =
		    (strncmp(e->key, "seccomp.", 8) == 0 &&
		     strncmp(e->key, "seccomp.listener-", 17) != 0) ||
		    (strcmp(e->key, "annotation") == 0 && e->nfields > 0 &&
		     strcmp(plan_field(e, 0), "run.oci.seccomp_fail_unknown_syscall") == 0);

		if (!wanted)
			continue;
		strbuf_puts(key, e->key);
		for (unsigned f = 0; f < e->nfields; f++)
			strbuf_printf(key, "\t%zu:%s", strlen(e->fields[f]), e->fields[f]);
		strbuf_putc(key, '\n');
	}
}

/* Open (making it) dir under parent; only ours and private, or -1. */
static int open_private_dir(int parent, const char *name)
{
	struct stat st;
	int fd;

	if (mkdirat(parent, name, 0700) < 0 && errno != EEXIST)
		return -1;
	fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || st.st_uid != geteuid() || (st.st_mode & 022)) {
		close(fd);
		errno = EPERM;
		return -1;
	}
	return fd;
}

void seccomp_cache_open(struct seccomp_cache *cache, const struct plan *plan, const char *root)
{
	autoclose int rootfd = -1, dotcache = -1;

	memset(cache, 0, sizeof(*cache));
	cache->dirfd = -1;
	build_key(&cache->key, plan);
	seccomp_cache_hash(cache->key.data, cache->key.len, cache->name);
	if (!root || !*root) {
		stage_debug("no BATON_ROOT: compiled filters are not cached");
		return;
	}
	rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd >= 0 && (dotcache = open_private_dir(rootfd, ".cache")) >= 0)
		cache->dirfd = open_private_dir(dotcache, "seccomp");
	if (cache->dirfd < 0)
		stage_debug("seccomp cache under `%s` unusable (errno %d): not cached", root,
			    errno);
}

void seccomp_cache_close(struct seccomp_cache *cache)
{
	if (cache->dirfd >= 0)
		close(cache->dirfd);
	strbuf_release(&cache->key);
	cache->dirfd = -1;
}

/* The file: key, NUL, the program's hash in hex and a newline, the program. */
#define SUM_LEN 17

/* A cache file we wrote: regular, ours, private, the header and whole instructions. */
static bool plausible(const struct stat *st, size_t keylen)
{
	size_t size = (size_t)st->st_size, header = keylen + 1 + SUM_LEN, prog = size - header;

	if (!S_ISREG(st->st_mode) || st->st_uid != geteuid() || (st->st_mode & 077))
		return false;
	if (size <= header)
		return false;
	return prog % sizeof(struct sock_filter) == 0 &&
	       prog / sizeof(struct sock_filter) <= BPF_MAXINSNS;
}

/* The key matches byte for byte and the program its recorded hash. */
static bool intact(const char *buf, size_t size, const struct strbuf *key)
{
	size_t header = key->len + 1 + SUM_LEN;
	char sum[17];

	if (memcmp(buf, key->data, key->len) != 0 || buf[key->len] != '\0' ||
	    buf[header - 1] != '\n')
		return false;
	seccomp_cache_hash(buf + header, size - header, sum);
	return memcmp(buf + key->len + 1, sum, SUM_LEN - 1) == 0;
}

static int read_all(int fd, char *buf, size_t size)
{
	size_t got = 0;

	while (got < size) {
		ssize_t n = pread(fd, buf + got, size - got, (off_t)got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

int seccomp_cache_lookup(struct seccomp_cache *cache, void **prog, size_t *size,
			 struct stage_error *err)
{
	autoclose int fd = -1;
	autofree char *buf = NULL;
	size_t keylen = cache->key.len;
	struct stat st;

	*prog = NULL;
	*size = 0;
	if (cache->dirfd < 0)
		return 0;
	fd = openat(cache->dirfd, cache->name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0)
		return 0;
	if (!plausible(&st, keylen))
		goto stale;
	buf = malloc((size_t)st.st_size);
	if (!buf)
		return stage_fail(err, ENOMEM, "seccomp cache `%s`", cache->name);
	if (read_all(fd, buf, (size_t)st.st_size) < 0 ||
	    !intact(buf, (size_t)st.st_size, &cache->key))
		goto stale;
	*size = (size_t)st.st_size - keylen - 1 - SUM_LEN;
	*prog = malloc(*size);
	if (!*prog)
		return stage_fail(err, ENOMEM, "seccomp cache `%s`", cache->name);
	memcpy(*prog, buf + keylen + 1 + SUM_LEN, *size);
	stage_debug("seccomp cache hit `%s`: %zu instructions", cache->name,
		    *size / sizeof(struct sock_filter));
	return 0;
stale:
	/* a collision, a torn or foreign file: never used, replaced by the next store */
	stage_debug("seccomp cache entry `%s` fails its checks: removed", cache->name);
	unlinkat(cache->dirfd, cache->name, 0);
	return 0;
}

static size_t count_entries(int dirfd)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;
	size_t n = 0;

	if (!dir) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	while ((de = readdir(dir)))
		n += de->d_name[0] != '.';
	closedir(dir);
	return n;
}

/* Past CACHE_MAX_ENTRIES the cache starts again: simple and bounded. */
static void evict_all(int dirfd)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;

	if (!dir) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((de = readdir(dir)))
		if (de->d_name[0] != '.')
			unlinkat(dirfd, de->d_name, 0);
	closedir(dir);
	stage_debug("seccomp cache emptied: more than %d programs", CACHE_MAX_ENTRIES);
}

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

void seccomp_cache_store(struct seccomp_cache *cache, const void *prog, size_t size)
{
	char tmp[64], sum[SUM_LEN];
	autoclose int fd = -1;

	if (cache->dirfd < 0)
		return;
	if (count_entries(cache->dirfd) >= CACHE_MAX_ENTRIES)
		evict_all(cache->dirfd);
	snprintf(tmp, sizeof(tmp), ".tmp.%s.%d", cache->name, (int)getpid());
	fd = openat(cache->dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		stage_debug("seccomp cache: create `%s` failed (errno %d)", tmp, errno);
		return;
	}
	seccomp_cache_hash(prog, size, sum);
	sum[SUM_LEN - 1] = '\n';
	if (write_all(fd, cache->key.data, cache->key.len + 1) < 0 ||
	    write_all(fd, sum, SUM_LEN) < 0 || write_all(fd, prog, size) < 0 ||
	    renameat(cache->dirfd, tmp, cache->dirfd, cache->name) < 0) {
		stage_debug("seccomp cache: store `%s` failed (errno %d)", cache->name, errno);
		unlinkat(cache->dirfd, tmp, 0);
		return;
	}
	stage_debug("seccomp cache stored `%s`", cache->name);
}
