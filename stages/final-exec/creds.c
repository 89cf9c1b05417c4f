#include "creds.h"
#include "capabilities.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "stage.h"

#ifndef KEYCTL_JOIN_SESSION_KEYRING
#define KEYCTL_JOIN_SESSION_KEYRING 1
#endif

/* "CAP_SYS_ADMIN", or "capability 41" for one newer than our table. */
static const char *cap_label(unsigned cap, char *buf, size_t size)
{
	const char *name = cap_name(cap);

	if (name)
		return name;
	snprintf(buf, size, "capability %u", cap);
	return buf;
}

int join_session_keyring(const char *id, struct stage_error *err)
{
	char name[128];

	snprintf(name, sizeof(name), "_ses.%s", id);
	if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name, 0, 0, 0) >= 0) {
		stage_debug("joined session keyring `%s`", name);
		return 0;
	}
	/* no keyrings in this kernel, or a seccomp profile of an outer container */
	if (errno == ENOSYS || errno == EPERM) {
		stage_debug("no new session keyring: keyctl failed with errno %d", errno);
		return 0;
	}
	return stage_fail(err, errno, "join session keyring `%s`", name);
}

/* The kernel's highest capability number: /proc, else probe the bounding set. */
static unsigned last_cap(void)
{
	autoclose int fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
	char buf[16] = "";
	unsigned cap;

	if (fd >= 0 && read(fd, buf, sizeof(buf) - 1) > 0)
		return (unsigned)strtoul(buf, NULL, 10);
	for (cap = 0; cap < 63; cap++)
		if (prctl(PR_CAPBSET_READ, cap + 1, 0, 0, 0) < 0)
			break;
	return cap;
}

int drop_bounding_set(uint64_t keep, struct stage_error *err)
{
	unsigned last = last_cap();
	char buf[32];

	for (unsigned cap = 0; cap <= last && cap < 64; cap++) {
		if (keep & (1ULL << cap))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			return stage_fail(err, errno, "drop `%s` from the bounding set",
					  cap_label(cap, buf, sizeof(buf)));
	}
	stage_debug("bounding set kept 0x%llx of capabilities 0-%u", (unsigned long long)keep,
		    last);
	return 0;
}

/* True when a user namespace's /proc/self/setgroups forbids setgroups. */
static bool setgroups_denied(void)
{
	autoclose int fd = open("/proc/self/setgroups", O_RDONLY | O_CLOEXEC);
	char buf[8] = "";

	if (fd < 0 || read(fd, buf, sizeof(buf) - 1) < 0)
		return false;
	return strncmp(buf, "deny", 4) == 0;
}

int set_additional_groups(const gid_t *groups, size_t n, struct stage_error *err)
{
	if (setgroups_denied()) {
		stage_debug("setgroups skipped: /proc/self/setgroups is `deny`");
		return 0;
	}
	if (setgroups(n, groups) < 0)
		return stage_fail(err, errno, "setgroups (%zu additional gids)", n);
	stage_debug("additional gids: %zu", n);
	return 0;
}

int chown_stdio(uid_t uid, gid_t gid, struct stage_error *err)
{
	for (int fd = 0; fd < 3; fd++) {
		struct stat st;

		if (fstat(fd, &st) < 0 || S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
			continue;
		if ((st.st_uid == uid && st.st_gid == gid) || fchown(fd, uid, gid) == 0)
			continue;
		if (errno != EINVAL && errno != EPERM && errno != EROFS && errno != EBADF)
			return stage_fail(err, errno, "chown stdio fd %d to %u:%u", fd,
					  (unsigned)uid, (unsigned)gid);
		stage_debug("stdio fd %d stays as it is: chown failed with errno %d", fd, errno);
	}
	return 0;
}

int switch_ids(uid_t uid, gid_t gid, struct stage_error *err)
{
	/* without KEEPCAPS, leaving uid 0 would empty the permitted set */
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return stage_fail(err, errno, "prctl PR_SET_KEEPCAPS");
	if (setresgid(gid, gid, gid) < 0)
		return stage_fail(err, errno, "setresgid to %u", (unsigned)gid);
	if (setresuid(uid, uid, uid) < 0)
		return stage_fail(err, errno, "setresuid to %u", (unsigned)uid);
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return stage_fail(err, errno, "prctl PR_SET_KEEPCAPS");
	stage_debug("uid %u gid %u", (unsigned)uid, (unsigned)gid);
	return 0;
}

int set_capabilities(uint64_t effective, uint64_t permitted, uint64_t inheritable,
		     struct stage_error *err)
{
	struct __user_cap_header_struct header = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[2];

	for (unsigned i = 0; i < 2; i++) {
		data[i].effective = (uint32_t)(effective >> (32 * i));
		data[i].permitted = (uint32_t)(permitted >> (32 * i));
		data[i].inheritable = (uint32_t)(inheritable >> (32 * i));
	}
	if (syscall(SYS_capset, &header, data) < 0)
		return stage_fail(err, errno,
				  "capset (effective 0x%llx, permitted 0x%llx, inheritable 0x%llx)",
				  (unsigned long long)effective, (unsigned long long)permitted,
				  (unsigned long long)inheritable);
	stage_debug("capabilities: effective 0x%llx permitted 0x%llx inheritable 0x%llx",
		    (unsigned long long)effective, (unsigned long long)permitted,
		    (unsigned long long)inheritable);
	return 0;
}

int set_ambient_capabilities(uint64_t ambient, struct stage_error *err)
{
	char buf[32];

	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0) {
		/* kernels before 4.3 have no ambient set; only fatal if one is asked for */
		if (errno == EINVAL && ambient == 0)
			return 0;
		return stage_fail(err, errno, "clear the ambient capabilities");
	}
	for (unsigned cap = 0; cap < 64; cap++) {
		if (!(ambient & (1ULL << cap)))
			continue;
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) == 0)
			continue;
		/*
		 * The kernel only raises a capability that is permitted and
		 * inheritable. Configs (`crun spec`'s default among them) often list
		 * ambient caps without inheritable ones; crun skips those, and so do we.
		 */
		if (errno != EPERM)
			return stage_fail(err, errno, "raise ambient capability `%s`",
					  cap_label(cap, buf, sizeof(buf)));
		ambient &= ~(1ULL << cap);
		stage_debug("ambient capability `%s` not raised: not in the inheritable set",
			    cap_label(cap, buf, sizeof(buf)));
	}
	stage_debug("ambient capabilities 0x%llx", (unsigned long long)ambient);
	return 0;
}
