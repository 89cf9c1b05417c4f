/*
 * Where the user's process starts: its cwd, checked to lie inside the
 * container (CVE-2024-21626), and its executable, found the way crun finds
 * it so that engines matching crun's messages keep working.
 */
#ifndef BATON_FINAL_EXEC_LOOKUP_H
#define BATON_FINAL_EXEC_LOOKUP_H

#include "error.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/*
 * A cwd missing from the rootfs is made, 0755 and owned by the container's
 * root, as runc and crun do; run before the ids change. What exists (a file,
 * a dangling symlink) is left for enter_cwd to refuse.
 */
int make_cwd(const char *cwd, struct stage_error *err);

/* chdir(cwd), then insist that the kernel sees it inside our root. */
int enter_cwd(const char *cwd, struct stage_error *err);

/*
 * Resolve name against path (a $PATH value; NULL means DEFAULT_PATH), as
 * execvp would: a name with a `/` is used as is. On success *resolved is a
 * malloc'd path. ENOENT: "executable file `NAME` not found in $PATH";
 * EACCES: found, but nothing by that name may be executed.
 */
struct process_spec;
/* Add HOME from the container's /etc/passwd (or "/") unless process.env has one. */
int env_default_home(struct process_spec *spec, struct stage_error *err);
/* NOTIFY_SOCKET and LISTEN_FDS/LISTEN_PID, when the caller passed them on. */
int env_from_caller(struct process_spec *spec, struct stage_error *err);

int find_executable(const char *name, const char *path, char **resolved, struct stage_error *err);

#endif
