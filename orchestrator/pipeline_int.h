/*
 * The pipeline interpreter's state, shared by pipeline.c (the interpreter),
 * handover.c (what the container gets besides the plan: terminal, caller's
 * fds and sockets, the hooks' state, a pidfd for the engine), cgroup_join.c
 * (the `cgroup-join` step) and seccomp_notify.c.
 */
#ifndef BATON_PIPELINE_INT_H
#define BATON_PIPELINE_INT_H

#include "baton.h"
#include "cgroup.h"
#include "spawn.h"

/* More than schemas/pipeline.tsv declares (pipeline.c checks at build time). */
#define MAX_STAGES 16
/* FD records a host stage may leave for the container (one per idmapped mount). */
#define MAX_FORWARD 64

enum step_state { STEP_PENDING, STEP_RUNNING, STEP_DONE, STEP_SKIPPED, STEP_IN_CONTAINER };

struct pipeline {
	const struct global_opts *g;
	const struct create_opts *o;
	struct container *c;
	enum run_mode mode;
	struct plan plan;
	bool plan_loaded;
	int config_fd, base_fd, plan_fd, bpf_fd, fifo_fd, result_fd;
	int state_fd;	       /* the state JSON for hooks (written once the pid is known) */
	int console_fd;	       /* the container's end: final-exec sends the pty master on it */
	int console_recv;      /* our end, when we attach the caller's terminal ourselves */
	int seccomp_receiver;  /* connected to the seccomp listener's receiver, or -1 */
	int seccomp_state_fd;  /* what final-exec sends with the listener (seccomp_notify.c) */
	unsigned listen_fds;   /* LISTEN_FDS of the caller: fds 3.. go to the process */
	unsigned preserve_fds; /* those plus --preserve-fds */
	char env_notify[4200]; /* BATON_NOTIFY_DIR=STATE/notify, for a caller's NOTIFY_SOCKET */
	int notify_fd;	       /* run: the socket READY=1 comes on (notify_proxy.c), or -1 */
	char env_console_size[64];
	char env_rootless[64];
	int sync[2]; /* the container's sync socket: [0] ours, [1] the container's */
	pid_t pid, helper;
	bool cgroup_made;
	/* FD records of host stages (idmap-mounts' mounts), passed on after GO */
	int forward_fd[MAX_FORWARD];
	char forward_name[MAX_FORWARD][32];
	unsigned nforward;
	enum step_state state[MAX_STAGES];
	struct stage_proc proc[MAX_STAGES];
	double t_start[MAX_STAGES], t_end[MAX_STAGES];
	char env_id[300], env_bundle[4200], env_pid[32], env_path[4200], env_root[4200];
	char *host_env[16];
};

/* handover.c */
int memfd_for_stage(const char *name, struct stage_error *err);
/* LISTEN_FDS and NOTIFY_SOCKET of the caller, for the process. */
int caller_passthrough(struct pipeline *p, struct stage_error *err);
/* process.terminal: where final-exec sends the pty master. */
int open_console(struct pipeline *p, struct stage_error *err);
/* The hooks' state JSON, once the pid is known; sealed before GO. */
int write_hook_state(struct pipeline *p, struct stage_error *err);
/* run.oci.pidfd_receiver. */
int send_pidfd(const struct pipeline *p, struct stage_error *err);
/* The FD records a host stage that exited 0 left on its sync socket: kept... */
int keep_stage_fds(struct pipeline *p, int stage_sync, const char *stage, struct stage_error *err);
/* ...and sent on to the container process right after GO, in order. */
int forward_stage_fds(struct pipeline *p, struct stage_error *err);
void close_forwarded_fds(struct pipeline *p);

/* cgroup_join.c: the join files cgroup-setup/-systemd left (clone takes them with
 * delegate NULL); the `cgroup-join` step sends the rest to the process. */
void take_cgroup_files(struct pipeline *p, struct cgroup_join *h, int *delegate);
int step_cgroup_join(struct pipeline *p, struct stage_error *err);

/* seccomp_notify.c: connect to the listener's receiver (before clone), its message (after). */
int seccomp_receiver_open(struct pipeline *p, struct stage_error *err);
int write_seccomp_state(struct pipeline *p, struct stage_error *err);

#endif
