/*
 * Files under /proc that the runtime writes (sysctls, oom_score_adj, LSM
 * attrs, id maps, time offsets), opened so that the write lands on procfs.
 */
#ifndef BATON_PROCFS_H
#define BATON_PROCFS_H

#include "error.h"

/*
 * Open path ("/proc/sys/net/ipv4/ip_forward", "/proc/self/attr/exec") with
 * flags. /proc must be the root of a procfs mount, the lookup may not follow
 * magic links, leave /proc or cross into another mount, and the file must be
 * on procfs; otherwise -1 with err naming path. Returns the fd.
 */
int proc_open(const char *path, int flags, struct stage_error *err);

/* proc_open(path, O_WRONLY) and one write of text: the kernel takes a map or a
 * sysctl value only whole. */
int proc_write(const char *path, const char *text, struct stage_error *err);

#endif
