/*
 * The user namespace an idmapped mount takes its mapping from: the
 * container's, or one made only for the mount's own mappings. The kernel
 * keeps the mapping with the mount, so that namespace may lose its last
 * process as soon as mount_setattr has been called.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "procfs.h"
#include "idmap-mounts.h"
#include "nsfile.h"
#include "stage.h"
#include "strbuf.h"

/* The mount's records of key (mount.uid-map), as map file lines "C H S\n". */
static void map_text(const struct plan *plan, const char *key, unsigned index, struct strbuf *out)
{
	plan_for_each(plan, key, e)
	{
		if (strtoul(plan_field(e, 0), NULL, 10) == index)
			strbuf_printf(out, "%s %s %s\n", plan_field(e, 1), plan_field(e, 2),
				      plan_field(e, 3));
	}
}

static bool same_list(const struct plan *plan, const char *mount_key, const char *key,
		      unsigned index)
{
	autostrbuf struct strbuf mine = {0};
	autostrbuf struct strbuf theirs = {0};

	map_text(plan, mount_key, index, &mine);
	plan_for_each(plan, key, e)
	{
		strbuf_printf(&theirs, "%s %s %s\n", plan_field(e, 0), plan_field(e, 1),
			      plan_field(e, 2));
	}
	return mine.len == theirs.len && (!mine.len || strcmp(mine.data, theirs.data) == 0);
}

bool same_as_container_maps(const struct plan *plan, unsigned index)
{
	bool new_userns = false;

	plan_for_each(plan, "namespace", e) new_userns |=
	    strcmp(plan_field(e, 0), "user") == 0 && !*plan_field(e, 1);
	return new_userns && same_list(plan, "mount.uid-map", "uid-map", index) &&
	       same_list(plan, "mount.gid-map", "gid-map", index);
}

int userns_of_container(pid_t pid, struct stage_error *err)
{
	bool ours;
	int fd = ns_open_of(pid, "user", "the container's user namespace", &ours, err);

	if (fd >= 0 && ours) {
		close(fd);
		return stage_fail(err, EINVAL,
				  "`idmap` without uidMappings: the container has no user "
				  "namespace to take the mapping from");
	}
	return fd;
}

static int write_map(pid_t pid, const char *file, const char *text, struct stage_error *err)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	stage_debug("write %s:\n%s", path, text);
	if (proc_write(path, text, err) < 0)
		return stage_wrap(err, "idmapped mount");
	return 0;
}

/* The holder: unshares a user namespace, says so, and waits for EOF. */
__attribute__((noreturn)) static void hold_userns(int ready, int hold)
{
	char c;

	if (unshare(CLONE_NEWUSER) < 0)
		_exit(1);
	if (write(ready, "u", 1) != 1)
		_exit(1);
	/* EOF: we are done with it, or the stage died; never outlive it */
	while (read(hold, &c, 1) < 0 && errno == EINTR)
		;
	_exit(0);
}

static int map_holder(pid_t pid, const struct plan *plan, unsigned index, struct stage_error *err)
{
	autostrbuf struct strbuf uids = {0};
	autostrbuf struct strbuf gids = {0};
	char path[64];
	int fd;

	map_text(plan, "mount.uid-map", index, &uids);
	map_text(plan, "mount.gid-map", index, &gids);
	if (!uids.len || !gids.len)
		return stage_fail(err, EINVAL,
				  "plan: mount %u has no mount.uid-map or mount.gid-map", index);
	if (write_map(pid, "uid_map", uids.data, err) < 0 ||
	    write_map(pid, "gid_map", gids.data, err) < 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return stage_fail(err, errno, "open `%s`", path);
	return fd;
}

int userns_of_mappings(const struct plan *plan, unsigned index, struct stage_error *err)
{
	int ready[2], hold[2];
	char c;
	int fd = -1;

	if (pipe2(ready, O_CLOEXEC) < 0)
		return stage_fail(err, errno, "pipe");
	if (pipe2(hold, O_CLOEXEC) < 0) {
		close(ready[0]);
		close(ready[1]);
		return stage_fail(err, errno, "pipe");
	}
	pid_t pid = fork();
	if (pid == 0) {
		close(ready[0]);
		close(hold[1]);
		hold_userns(ready[1], hold[0]);
	}
	close(ready[1]);
	close(hold[0]);
	if (pid < 0)
		stage_fail(err, errno, "fork a user namespace for an idmapped mount");
	else if (read(ready[0], &c, 1) != 1)
		stage_fail(err, EPERM, "unshare a user namespace for an idmapped mount");
	else
		fd = map_holder(pid, plan, index, err);
	close(ready[0]);
	close(hold[1]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return fd;
}
