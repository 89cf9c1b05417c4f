/*
 * The container process joins its cgroups. At create, through the files the
 * cgroup stage opened (the clone takes what it can, the `cgroup-join` step
 * hands over the rest; schemas/protocol.md, "Joining the cgroups"). At exec,
 * the new process joins every cgroup of the container's process, read from
 * /proc/PID/cgroup, in whatever layout the host has: joining what the process
 * is really in (not what the plan once said) also follows a container that
 * was moved by `update` or an engine.
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "baton.h"
#include "cleanup.h"
#include "pipeline_int.h"
#include "record.h"
#include "stage.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

/* Where the hierarchy of one /proc/PID/cgroup line is mounted. */
static void hierarchy_dir(const char *controllers, char *dir, size_t size)
{
	struct statfs fs;

	if (!*controllers) {
		bool pure_v2 =
		    statfs("/sys/fs/cgroup", &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC;

		snprintf(dir, size, "%s", pure_v2 ? "/sys/fs/cgroup" : "/sys/fs/cgroup/unified");
	} else if (strncmp(controllers, "name=", 5) == 0) {
		snprintf(dir, size, "/sys/fs/cgroup/%s", controllers + 5);
	} else {
		snprintf(dir, size, "/sys/fs/cgroup/%s", controllers);
	}
}

/* dir/path[/sub]; false when it does not fit (never a cut path). */
static bool cgroup_dir(char *buf, size_t size, const char *dir, const char *path, const char *sub)
{
	int n = snprintf(buf, size, "%s%s%s%s", dir, strcmp(path, "/") ? path : "", sub ? "/" : "",
			 sub ? sub : "");

	return n >= 0 && (size_t)n < size;
}

static int enter(const char *cgroup, pid_t pid, struct stage_error *err)
{
	char procs[PATH_MAX], value[32];
	autoclose int fd = -1;
	int len = snprintf(value, sizeof(value), "%d", (int)pid);

	if (snprintf(procs, sizeof(procs), "%s/cgroup.procs", cgroup) >= (int)sizeof(procs))
		return stage_fail(err, ENAMETOOLONG, "cgroup `%s`", cgroup);
	fd = open(procs, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, value, (size_t)len) != len)
		return stage_fail(err, errno, "join cgroup `%s`", procs);
	return 0;
}

/* Is this /proc/PID/cgroup line one of ours too (rootless: no cgroup of its own)? */
static bool shared_with_us(const char *line)
{
	char mine[4096];
	autofile FILE *f = fopen("/proc/self/cgroup", "re");

	while (f && fgets(mine, sizeof(mine), f))
		if (strcmp(mine, line) == 0)
			return true;
	return false;
}

/*
 * With a sub-cgroup, each hierarchy where it exists gets the process there,
 * the others in the container's own cgroup (v1 controllers are separate
 * trees: an engine makes the sub-cgroup only in the ones it uses, as crun
 * allows); a sub-cgroup that exists nowhere is an error.
 */
int cgroup_join_like(pid_t target, pid_t pid, const char *sub, struct stage_error *err)
{
	char path[64], line[4096], dir[512], cgroup[PATH_MAX];
	autofile FILE *f = NULL;
	bool sub_found = false;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)target);
	f = fopen(path, "re");
	if (!f)
		return stage_fail(err, errno, "read `%s`", path);
	while (fgets(line, sizeof(line), f)) {
		char *controllers = strchr(line, ':'), *own;
		bool shared = shared_with_us(line);

		if (!controllers || !(own = strchr(++controllers, ':')))
			continue;
		*own++ = '\0';
		own[strcspn(own, "\n")] = '\0';
		hierarchy_dir(controllers, dir, sizeof(dir));
		if (access(dir, F_OK) < 0)
			continue; /* a hierarchy this mount namespace does not show */
		if (!cgroup_dir(cgroup, sizeof(cgroup), dir, own, sub))
			return stage_fail(err, ENAMETOOLONG, "cgroup `%s%s/%s`", dir, own,
					  sub ? sub : "");
		bool here = sub && access(cgroup, F_OK) == 0;
		sub_found |= here;
		/* the new process is already where the container is (and may not write there) */
		if (!here && shared)
			continue;
		if (!here && sub)
			cgroup_dir(cgroup, sizeof(cgroup), dir, own, NULL);
		if (enter(cgroup, pid, err) < 0)
			return -1;
	}
	if (sub && !sub_found)
		return stage_fail(err, ENOENT,
				  "--cgroup: `%s` is in none of the container's cgroups", sub);
	return 0;
}

/* The files cgroup-setup left for the container process to join its cgroup through. */
void take_cgroup_files(struct pipeline *p, struct cgroup_join *h, int *delegate)
{
	unsigned kept = 0;

	for (unsigned i = 0; i < p->nforward; i++) {
		const char *name = p->forward_name[i];
		int fd = p->forward_fd[i];

		if (strcmp(name, "cgroup:tasks") == 0 && h->nfiles < CGROUP_JOIN_MAX - 1) {
			h->files[h->nfiles++] = fd;
		} else if (strcmp(name, "cgroup:dir") == 0 && h->v2_dir < 0) {
			h->v2_dir = fd;
		} else if (strcmp(name, "cgroup:procs") == 0 && h->v2_procs < 0) {
			h->v2_procs = fd;
		} else if (strcmp(name, "cgroup:delegate") == 0 && delegate && *delegate < 0) {
			*delegate = fd;
		} else {
			p->forward_fd[kept] = fd;
			memmove(p->forward_name[kept], name, sizeof(p->forward_name[0]));
			kept++;
		}
	}
	p->nforward = kept;
}

/*
 * Where the clone did not wait for cgroup-setup (a pure v1 host), the files
 * come to the container process now: FD records, then JOINED; it writes "0"
 * into each and answers JOINED (schemas/protocol.md).
 */
int step_cgroup_join(struct pipeline *p, struct stage_error *err)
{
	struct cgroup_join h = {.v2_dir = -1, .v2_procs = -1};
	autoclose int delegate = -1;
	struct record rec;
	int ret = -1;

	take_cgroup_files(p, &h, &delegate);
	if (h.v2_procs >= 0)
		h.files[h.nfiles++] = h.v2_procs;
	h.v2_procs = -1;
	if (h.nfiles == 0) {
		ret = 0; /* all taken by the clone, or no cgroup */
		goto out;
	}
	for (unsigned i = 0; i < h.nfiles; i += RECORD_MAX_FDS) {
		unsigned n = h.nfiles - i < RECORD_MAX_FDS ? h.nfiles - i : RECORD_MAX_FDS;

		if (record_send(p->sync[0], REC_FD, "cgroup:join", strlen("cgroup:join"),
				&h.files[i], n, err) < 0)
			goto out;
	}
	if (delegate >= 0 && record_send(p->sync[0], REC_FD, "cgroup:delegate",
					 strlen("cgroup:delegate"), &delegate, 1, err) < 0)
		goto out;
	if (record_send(p->sync[0], REC_JOINED, NULL, 0, NULL, 0, err) < 0 ||
	    record_expect(p->sync[0], REC_JOINED, &rec, err) < 0)
		goto out;
	stage_debug("container process %d joined its cgroup", (int)p->pid);
	ret = 0;
out:
	cgroup_join_close(&h);
	return ret;
}
