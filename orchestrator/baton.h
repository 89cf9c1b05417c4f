/* The orchestrator's shared declarations: options, state, the pipeline. */
#ifndef BATON_ORCHESTRATOR_H
#define BATON_ORCHESTRATOR_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"
#include "plan.h"
#include "stage.h"

/* Global options, before the command. */
struct global_opts {
	const char *root; /* state root, default /run/baton */
	bool debug;
	bool no_cgroups; /* --cgroup-manager=disabled */
	bool systemd;	 /* --cgroup-manager=systemd, --systemd-cgroup */
	const char *log;
	const char *log_format;
	const char *log_level;
	const char *trace; /* --trace FILE or BATON_TRACE */
};

/* Options of create and run. */
struct create_opts {
	const char *id;
	const char *bundle;
	const char *config;
	const char *pid_file;
	const char *console_socket;
	unsigned preserve_fds;
	bool no_pivot;
	bool no_new_keyring;
	bool detach; /* run and exec */
	bool keep;   /* run only */
	/* exec only */
	char *const *exec_args; /* parse-config's overrides: --exec ... -- CMD */
	pid_t join_pid;		/* the container process whose namespaces are joined */
	const char *cgroup_sub; /* --cgroup: a sub-cgroup of the container's */
};

/* ---- state.c: one directory per container under the root ---------------- */

/* broken: the status cannot be read (truncated, garbage, a symlink) */
enum container_status {
	STATUS_CREATED,
	STATUS_RUNNING,
	STATUS_PAUSED,
	STATUS_STOPPED,
	STATUS_BROKEN
};

struct container {
	char id[256];
	char dir[4096]; /* ROOT/ID */
	int dirfd;	/* locked with flock while the command runs */
	pid_t pid;
	uint64_t pid_start; /* field 22 of /proc/PID/stat: tells pid reuse apart */
	char bundle[4096];
	char rootfs[4096];
	char created[64];
	char cgroup_path[4096];
	/* the systemd driver's scope, stopped at delete; "" with cgroupfs */
	char cgroup_unit[256];
	bool cgroup_user_bus; /* the scope is the user's systemd's (rootless) */
	/* baton made cgroup_path (it did not exist): only then does teardown
	 * kill through it and remove it */
	bool cgroup_owned;
	bool broken; /* state_open_any: the status could not be read */
};

const char *status_name(enum container_status s);
/* The longest container ID: it names a directory (NAME_MAX) and a cgroup. */
#define CONTAINER_ID_MAX 200
/* [a-zA-Z0-9_+-][a-zA-Z0-9_+.-]*, at most CONTAINER_ID_MAX long. */
int validate_id(const char *id, struct stage_error *err);
/* mkdir ROOT/ID exclusively and lock it; fails if it exists. */
int state_create(struct container *c, const char *root, const char *id, struct stage_error *err);
/* Open and lock (shared or exclusive) an existing container, read its status. */
int state_open(struct container *c, const char *root, const char *id, bool exclusive,
	       struct stage_error *err);
/*
 * Like state_open, but a status that cannot be read is no failure: 1, with
 * c->broken set, err saying why and only id and dir known. That is a create
 * killed before it wrote `status` (SIGKILL, a timeout), or a status made
 * corrupt: for list to show and delete --force to remove.
 */
int state_open_any(struct container *c, const char *root, const char *id, bool exclusive,
		   struct stage_error *err);
/* Read another container's status without its lock (status is replaced
 * atomically): 0, 1 when it cannot be read (the dir is open then), -1. */
int state_peek(struct container *c, const char *root, const char *id, struct stage_error *err);
/* ROOT/ID is still the directory c opened (not deleted, nor made anew for the id). */
bool state_is_current(const struct container *c);
int state_write(const struct container *c, struct stage_error *err);
/* Remember that baton made c->cgroup_path (a file apart from the status). */
int state_mark_cgroup_owned(const struct container *c, struct stage_error *err);
/* Did baton make the cgroup path for c? */
bool state_cgroup_owned(const struct container *c, const char *path);
/* Store the plan the container was made from, for later commands. */
int state_save_plan(const struct container *c, int plan_fd, struct stage_error *err);
int state_load_plan(const struct container *c, struct plan *plan, struct stage_error *err);
enum container_status state_status(const struct container *c);
/* Remove ROOT/ID and everything in it, and close the lock. */
void state_destroy(struct container *c);
void state_close(struct container *c);
bool pid_alive(pid_t pid, uint64_t start_time);
int pid_start_time(pid_t pid, uint64_t *start);

/* The OCI state JSON (cmd_query.c): for `state`, `list` and the hooks' stdin. */
struct strbuf;
void oci_state_json(struct strbuf *sb, const struct container *c, const char *status,
		    const struct plan *plan, const char *indent);
/* Run the hooks of a host-side phase (poststart, poststop) through the hooks stage. */
int run_host_hooks(const struct global_opts *g, const struct container *c, const char *phase,
		   const char *status, struct stage_error *err);
/*
 * start_result.c: `start` opens exec.result before the start byte and waits
 * for EOF (the program was executed) or final-exec's error record (-1, err).
 */
int start_result_open(const struct container *c);
int start_result_wait(int fd, const char *id, struct stage_error *err);
/*
 * notify_proxy.c: NOTIFY_SOCKET proxied (crun's way). The caller's socket or
 * NULL; the state's notify directory, bound into the container at create;
 * the socket in it (-2: the container has no notify directory); and the
 * wait for READY=1, passed on with MAINPID to the caller.
 */
const char *notify_caller_socket(void);
int notify_dir_make(const struct container *c, struct stage_error *err);
int notify_proxy_bind(const struct container *c, struct stage_error *err);
void notify_proxy_wait(int sock, const struct container *c, const char *caller);
/* The same wait in a child of ours (run -t: the terminal is attached meanwhile). */
void notify_proxy_detach(int sock, const struct container *c, const char *caller);
/* A stage's error as a warning (poststart and poststop hooks only warn). */
void log_stage_warning(const struct stage_error *err);

/* ---- pipeline.c: the interpreter of schemas/pipeline.tsv ----------------- */

enum run_mode { MODE_CREATE, MODE_RUN, MODE_EXEC };

struct pipeline_result {
	pid_t pid;	/* the container process, waiting for start (create) or running (run) */
	int tty_master; /* run/exec -t without --console-socket: the pty to attach, else -1 */
	int notify_fd;	/* run with a NOTIFY_SOCKET: where READY=1 arrives, else -1 */
};

int pipeline_start(const struct global_opts *g, const struct create_opts *o, struct container *c,
		   enum run_mode mode, struct pipeline_result *res, struct stage_error *err);

/*
 * `baton plan`: run parse-config on o's bundle exactly as create does (c
 * gives the id and the absolute bundle; nothing is created) and load the plan
 * it wrote; *plan_bytes its size.
 */
int pipeline_plan_only(const struct global_opts *g, const struct create_opts *o,
		       struct container *c, struct plan *plan, size_t *plan_bytes,
		       struct stage_error *err);

/* Undo a container: kill its processes, remove its cgroup and state. */
/* With g, the poststop hooks run too (delete, the end of run); without, a failed create. */
void container_teardown(const struct global_opts *g, struct container *c, const char *cgroup_path);
/* net_devices_host.c: linux.netDevices back out of a network namespace joined by path. */
int restore_net_devices(const struct global_opts *g, const struct container *c,
			struct stage_error *err);

/* Stop the container's systemd scope (systemd_unit.c). */
int systemd_stop_unit(const struct container *c, struct stage_error *err);
/* Point out[] at our XDG_RUNTIME_DIR and DBUS_*_BUS_ADDRESS entries; how many. */
size_t systemd_bus_env(char **out, size_t max);

/*
 * preserve_fds.c: --preserve-fds. preserve_fds_reserve runs first thing in
 * main, before any open; parse_preserve_fds gives the count of the range
 * that reaches the container (up to the highest fd open at start).
 */
void preserve_fds_reserve(int argc, char **argv);
int parse_preserve_fds(const char *s, unsigned *n, struct stage_error *err);
/* Write pid to path atomically. */
int write_pid_file(const char *path, pid_t pid, struct stage_error *err);

/* Forward the signals a foreground run gets to pid. */
void forward_signals_to(pid_t pid);
/* Wait for our child pid, forwarding signals to it; its exit code (128+N). */
int wait_exit_code(pid_t pid);

/* ---- host_mounts.c: a container without a mount namespace of its own ----- */
/* Without a mount namespace in the plan: note in the state directory which
 * mounts lie at or under c->rootfs now. */
int host_mounts_note(const struct container *c, const struct plan *plan, struct stage_error *err);
/* Detach every mount at or under the noted rootfs that was not there then. */
void host_mounts_release(const struct container *c);

/* ---- cgroup_claim.c: may the container take its planned cgroup? ---------- */
/* Refuses a cgroup with processes in it, or that is, contains or lies inside
 * another container's; sets c->cgroup_owned when it does not exist yet. */
int claim_cgroup(const struct global_opts *g, struct container *c, struct stage_error *err);

/* ---- cgroup_join.c: put pid into every cgroup of target (exec) ----------- */
int cgroup_join_like(pid_t target, pid_t pid, const char *sub, struct stage_error *err);

/* ---- console.c: terminals ------------------------------------------------ */
/* Connect to an engine's unix socket (console, pidfd receiver); what names it in errors. */
int unix_connect(const char *path, const char *what, struct stage_error *err);
/* Receive the pty master that final-exec sent. */
int console_receive(int sock, struct stage_error *err);
/* Attach the caller's stdio to the pty until pid exits; its exit code. */
int console_attach(int master, pid_t pid);

/* ---- libexec.c ------------------------------------------------------------ */
/* Directory of the stage binaries (next to bin/: ../libexec/baton). */
const char *libexec_dir(void);

/* ---- signals.c ------------------------------------------------------------ */
int parse_signal(const char *s, int *sig, struct stage_error *err);

/* ---- commands ------------------------------------------------------------- */
int cmd_create(const struct global_opts *g, int argc, char **argv);
int cmd_run(const struct global_opts *g, int argc, char **argv);
int cmd_start(const struct global_opts *g, int argc, char **argv);
int cmd_state(const struct global_opts *g, int argc, char **argv);
int cmd_list(const struct global_opts *g, int argc, char **argv);
int cmd_kill(const struct global_opts *g, int argc, char **argv);
int cmd_delete(const struct global_opts *g, int argc, char **argv);
int cmd_spec(const struct global_opts *g, int argc, char **argv);
int cmd_stage(const struct global_opts *g, int argc, char **argv);
int cmd_exec(const struct global_opts *g, int argc, char **argv);
int cmd_ps(const struct global_opts *g, int argc, char **argv);
int cmd_pause(const struct global_opts *g, int argc, char **argv);
int cmd_resume(const struct global_opts *g, int argc, char **argv);
int cmd_update(const struct global_opts *g, int argc, char **argv);
int cmd_features(const struct global_opts *g, int argc, char **argv);
int cmd_checkpoint(const struct global_opts *g, int argc, char **argv);
int cmd_restore(const struct global_opts *g, int argc, char **argv);
int cmd_mounts(const struct global_opts *g, int argc, char **argv);
int cmd_plan(const struct global_opts *g, int argc, char **argv);
int cmd_trace_view(const struct global_opts *g, int argc, char **argv);

/* Print err as `baton: [stage: ]msg: strerror` (text or JSON log) and return 1. */
int report_error(const struct global_opts *g, const struct stage_error *err);
int usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
