/*
 * Who the user's process is: session keyring, capability bounding set,
 * groups, uid/gid, the capability sets and the ambient set. Raw syscalls
 * only (this is a static musl stage: no libcap).
 */
#ifndef BATON_FINAL_EXEC_CREDS_H
#define BATON_FINAL_EXEC_CREDS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"

#include "capabilities.h"

/* A new session keyring named after the container; ENOSYS/EPERM tolerated. */
int join_session_keyring(const char *id, struct stage_error *err);

/* PR_CAPBSET_DROP every capability up to the kernel's last one not in keep. */
int drop_bounding_set(uint64_t keep, struct stage_error *err);

/* setgroups, unless /proc/self/setgroups says deny (then a debug line). */
int set_additional_groups(const gid_t *groups, size_t n, struct stage_error *err);

/*
 * Pipes and files given as stdio become the container user's, so that the
 * process can reopen them (/proc/self/fd/1), as crun does: not terminals nor
 * other devices (/dev/null). EINVAL (unmapped), EPERM, EROFS and EBADF are
 * no error: the process may not need them.
 */
int chown_stdio(uid_t uid, gid_t gid, struct stage_error *err);

/* setresgid + setresuid, keeping the permitted set across the uid change. */
int switch_ids(uid_t uid, gid_t gid, struct stage_error *err);

/* capset(effective, permitted, inheritable), _LINUX_CAPABILITY_VERSION_3. */
int set_capabilities(uint64_t effective, uint64_t permitted, uint64_t inheritable,
		     struct stage_error *err);

/* Clear the ambient set, then raise each capability in ambient. */
int set_ambient_capabilities(uint64_t ambient, struct stage_error *err);

#endif
