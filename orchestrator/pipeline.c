/*
 * The interpreter of the pipeline declaration (schemas/pipeline.tsv, built
 * into pipeline.gen.h). It starts every host stage whose predecessors are
 * done (so independent ones overlap), performs the orchestrator's own step
 * (the clone), releases the container process with GO once every host stage
 * the child chain depends on has finished, and waits for final-exec's READY.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "baton.h"
#include "cgroup.h"
#include "cleanup.h"
#include "container.h"
#include "pipeline.h"
#include "pipeline_int.h"
#include "log.h"
#include "record.h"
#include "sealed_exe.h"
#include "spawn.h"
#include "stage.h"
#include "strvec.h"
#include "trace.h"

#include "pipeline.gen.h"

#define NSTAGES (sizeof(pipeline_decl) / sizeof(pipeline_decl[0]))
_Static_assert(NSTAGES <= MAX_STAGES, "more stages declared than MAX_STAGES");

const struct stage_decl *pipeline_stages(unsigned *n)
{
	*n = NSTAGES;
	return pipeline_decl;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int stage_index(const char *name)
{
	for (size_t i = 0; i < NSTAGES; i++)
		if (strcmp(pipeline_decl[i].name, name) == 0)
			return (int)i;
	return -1;
}

static bool finished(enum step_state s)
{
	return s == STEP_DONE || s == STEP_SKIPPED;
}

/* An `after` entry NAME?COND counts only where COND holds (pipeline.tsv). */
static bool dependency_applies(const char *cond)
{
	struct stage_error ignored;
	enum cgroup_layout layout;

	/* a cgroup2 hierarchy to clone into: pure v2, or hybrid's unified one */
	if (strcmp(cond, "cgroup2") == 0)
		return cgroup_detect(&layout, &ignored) == 0 && layout != CGROUP_LAYOUT_V1;
	return true; /* pipeline2c.awk accepts no other */
}

static bool deps_done(const struct pipeline *p, size_t i)
{
	for (const char *const *a = pipeline_decl[i].after; *a; a++) {
		const char *cond = strchr(*a, '?');
		char name[64];
		int j;

		if (cond && !dependency_applies(cond + 1))
			continue;
		snprintf(name, sizeof(name), "%.*s", cond ? (int)(cond - *a) : (int)strlen(*a), *a);
		j = stage_index(name);
		if (j >= 0 && !finished(p->state[j]) && p->state[j] != STEP_IN_CONTAINER)
			return false;
	}
	return true;
}

static bool in_this_pipeline(const struct pipeline *p, size_t i)
{
	return p->mode == MODE_EXEC ? pipeline_decl[i].in_exec : pipeline_decl[i].in_create;
}

static bool condition_holds(const struct pipeline *p, size_t i)
{
	return pipeline_condition_holds(p->g, &p->plan, &pipeline_decl[i]);
}

/* The fd that fills contract slot `name` of a stage, or -1. */
static int fd_for(const struct pipeline *p, size_t stage, const char *name, int *exe_fds)
{
	if (strcmp(name, "CONFIG") == 0)
		return p->config_fd;
	if (strcmp(name, "BASE") == 0)
		return p->base_fd;
	if (strcmp(name, "CONSOLE") == 0)
		return p->console_fd;
	if (strcmp(name, "STATE") == 0)
		return p->state_fd;
	if (strcmp(name, "PLAN") == 0)
		return p->plan_fd;
	if (strcmp(name, "BPF") == 0)
		return p->bpf_fd;
	if (strcmp(name, "FIFO") == 0)
		return p->fifo_fd;
	if (strcmp(name, "RESULT") == 0)
		return p->result_fd;
	if (strcmp(name, "SYNC") == 0)
		return p->sync[1];
	if (strcmp(name, "SECCOMP_RECEIVER") == 0)
		return p->seccomp_receiver;
	if (strcmp(name, "SECCOMP_STATE") == 0)
		return p->seccomp_state_fd;
	if (strcmp(name, "NEXT") == 0) {
		for (size_t j = stage + 1; j < NSTAGES; j++)
			if (pipeline_decl[j].side == SIDE_CHILD && exe_fds[j] >= 0)
				return exe_fds[j];
	}
	return -1;
}

static int start_host_stage(struct pipeline *p, size_t i, struct stage_error *err)
{
	struct fd_assign fds[8];
	size_t n = 0;

	for (const struct fd_decl *d = pipeline_decl[i].fds; d->name; d++) {
		int fd;

		if (strcmp(d->name, "SYNC") == 0)
			continue; /* each host stage gets its own, from stage_spawn */
		fd = fd_for(p, i, d->name, NULL);
		if (fd < 0 && !d->optional)
			return stage_fail(err, EBADF, "no fd for %s of stage `%s`", d->name,
					  pipeline_decl[i].name);
		if (fd >= 0)
			fds[n++] = (struct fd_assign){d->name, fd};
	}
	if (p->pid > 0)
		snprintf(p->env_pid, sizeof(p->env_pid), "BATON_PID=%d", (int)p->pid);
	stage_debug("start %s", pipeline_decl[i].name);
	p->t_start[i] = now_ms();
	/* exec's parse-config gets the command line's overrides as arguments */
	char *const *args =
	    p->mode == MODE_EXEC && strcmp(pipeline_decl[i].name, "parse-config") == 0
		? p->o->exec_args
		: NULL;
	/* NAME@ARG: stage NAME with the argument ARG (hooks@createRuntime) */
	char binary[64], *arg[2] = {NULL, NULL};
	snprintf(binary, sizeof(binary), "%s", pipeline_decl[i].name);
	if ((arg[0] = strchr(binary, '@'))) {
		*arg[0]++ = '\0';
		args = arg;
	}
	/* hooks without `env` get the caller's environment (crun) */
	if ((strcmp(binary, "hooks") == 0
		 ? stage_spawn_hooks(&p->proc[i], args, fds, n, p->host_env, err)
		 : stage_spawn(&p->proc[i], binary, args, fds, n, p->host_env, err)) < 0)
		return -1;
	p->state[i] = STEP_RUNNING;
	if (strncmp(pipeline_decl[i].name, "cgroup-", 7) == 0)
		p->cgroup_made = true;
	return 0;
}

static int load_plan(struct pipeline *p, struct stage_error *err)
{
	if (plan_load_fd(&p->plan, p->plan_fd, err) < 0)
		return -1;
	p->plan_loaded = true;
	if (fd_check_kind(p->plan_fd, FD_KIND_SEALED_MEMFD, "plan", err) < 0)
		return -1;
	if (p->mode != MODE_EXEC && state_save_plan(p->c, p->plan_fd, err) < 0)
		return -1;
	/* seccomp-load fills and seals it; final-exec reads it */
	if (plan_get(&p->plan, "seccomp.default") &&
	    (p->bpf_fd = memfd_for_stage("baton-bpf", err)) < 0)
		return -1;
	if (seccomp_receiver_open(p, err) < 0)
		return -1;
	if (p->mode != MODE_EXEC) {
		/* no cgroup of its own: delete, kill --all and exec then leave cgroups alone */
		bool own = pipeline_manages_cgroups(p->g, &p->plan);

		snprintf(p->c->cgroup_path, sizeof(p->c->cgroup_path), "%s",
			 own ? plan_str(&p->plan, "cgroup.path", "") : "");
		snprintf(p->c->cgroup_unit, sizeof(p->c->cgroup_unit), "%s",
			 own ? plan_str(&p->plan, "cgroup.unit", "") : "");
		p->c->cgroup_user_bus = strcmp(plan_str(&p->plan, "cgroup.bus", ""), "user") == 0;
		snprintf(p->c->rootfs, sizeof(p->c->rootfs), "%s",
			 plan_str(&p->plan, "root.path", ""));
		if (claim_cgroup(p->g, p->c, err) < 0 || host_mounts_note(p->c, &p->plan, err) < 0)
			return -1;
	}
	if (plan_flag(&p->plan, "process.terminal") && open_console(p, err) < 0)
		return -1;
	if (!plan_flag(&p->plan, "process"))
		return p->mode != MODE_CREATE
			   ? stage_fail(err, 0, "no process to run: config.json has no `process`")
			   : 0;
	return 0;
}

/* The child chain's environment: fds of every child stage's contract. */
static int child_env(struct pipeline *p, int *exe_fds, struct container_spawn *cs,
		     struct strvec *env, struct stage_error *err)
{
	for (size_t i = 0; i < NSTAGES; i++) {
		if (pipeline_decl[i].side != SIDE_CHILD || exe_fds[i] < 0)
			continue;
		for (const struct fd_decl *d = pipeline_decl[i].fds; d->name; d++) {
			int fd = fd_for(p, i, d->name, exe_fds);
			bool dup = false;

			if (fd < 0) {
				if (!d->optional)
					return stage_fail(err, EBADF, "no fd for %s of stage `%s`",
							  d->name, pipeline_decl[i].name);
				continue;
			}
			for (unsigned k = 0; k < cs->nkeep; k++)
				dup |= cs->keep[k] == fd;
			if (dup)
				continue;
			/* one slot stays for the first stage's binary (container.c) */
			if (cs->nkeep + 1 >= MAX_KEEP)
				return stage_fail(
				    err, E2BIG,
				    "the child stages' contracts need more than %d fds "
				    "(MAX_KEEP)",
				    MAX_KEEP - 1);
			cs->keep[cs->nkeep++] = fd;
			strvec_pushf(env, "BATON_FD_%s=%d", d->name, fd);
		}
	}
	strvec_pushf(env, "BATON_PRESERVE_FDS=%u", p->preserve_fds);
	if (p->listen_fds)
		strvec_pushf(env, "BATON_LISTEN_FDS=%u", p->listen_fds);
	if (p->env_notify[0])
		strvec_push(env, p->env_notify);
	if (p->env_console_size[0])
		strvec_push(env, p->env_console_size);
	if (p->o->no_pivot)
		strvec_push(env, "BATON_NO_PIVOT=1");
	if (p->o->no_new_keyring)
		strvec_push(env, "BATON_NO_NEW_KEYRING=1");
	if (p->g->debug)
		strvec_push(env, "BATON_DEBUG=1");
	if (p->mode == MODE_EXEC)
		strvec_push(env, "BATON_EXEC=1");
	strvec_push(env, p->env_id);
	return 0;
}

static int step_clone(struct pipeline *p, struct stage_error *err)
{
	struct container_spawn cs = {.sync = -1,
				     .first_exe = -1,
				     .self_exe = -1,
				     .cgroup = {.v2_dir = -1, .v2_procs = -1},
				     .delegate_procs = -1};
	struct record rec;
	int exe_fds[NSTAGES];
	autostrvec struct strvec env = {0};
	int ret = -1;

	for (size_t i = 0; i < NSTAGES; i++)
		exe_fds[i] = -1;
	/* binaries are opened before any namespace changes (ARCHITECTURE §3.1) */
	for (size_t i = 0; i < NSTAGES; i++) {
		char path[4200];

		if (pipeline_decl[i].side != SIDE_CHILD || p->state[i] == STEP_SKIPPED ||
		    !condition_holds(p, i))
			continue;
		snprintf(path, sizeof(path), "%s/%s", libexec_dir(), pipeline_decl[i].name);
		exe_fds[i] = open_sealed_exe(path, pipeline_decl[i].name, err);
		if (exe_fds[i] < 0)
			goto out;
		if (cs.first_exe < 0) {
			cs.first_exe = exe_fds[i];
			cs.first_name = pipeline_decl[i].name;
		}
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, p->sync) < 0) {
		stage_fail(err, errno, "socketpair");
		goto out;
	}
	/* the hooks' state: filled in below, once the pid is known, sealed before GO */
	if (plan_get(&p->plan, "hook") && (p->state_fd = memfd_for_stage("baton-state", err)) < 0)
		goto out;
	cs.sync = p->sync[1];
	cs.preserve_fds = p->preserve_fds;
	if (child_env(p, exe_fds, &cs, &env, err) < 0)
		goto out;
	cs.envp = env.v;
	if (container_spawn_from_plan(&cs, &p->plan, p->o->join_pid, err) < 0)
		goto out;
	/* joining a populated pid namespace: the child must not carry our binary */
	if (container_exposed(&cs) &&
	    (cs.self_exe = open_sealed_exe("/proc/self/exe", "baton", err)) < 0)
		goto out;
	take_cgroup_files(p, &cs.cgroup, NULL);
	p->pid = container_clone(&cs, p->sync[0], &p->helper, err);
	if (p->pid < 0)
		goto out;
	/* userns-map and the hooks see the process in its cgroup */
	if ((cs.cgroup.nfiles > 0 || cs.cgroup.v2_dir >= 0) &&
	    record_expect(p->sync[0], REC_JOINED, &rec, err) < 0)
		goto out;
	/* exec: the process joins the container's cgroup before it runs anything */
	if (p->mode == MODE_EXEC && p->c->cgroup_path[0] &&
	    cgroup_join_like(p->o->join_pid, p->pid, p->o->cgroup_sub, err) < 0)
		goto out;
	stage_debug("container process %d cloned", (int)p->pid);
	if ((p->state_fd >= 0 && write_hook_state(p, err) < 0) || write_seccomp_state(p, err) < 0)
		goto out;
	ret = 0;
out:
	for (size_t i = 0; i < NSTAGES; i++)
		if (exe_fds[i] >= 0)
			close(exe_fds[i]);
	for (unsigned i = 0; i < cs.njoin; i++)
		close(cs.join_fd[i]);
	cgroup_join_close(&cs.cgroup);
	if (cs.self_exe >= 0)
		close(cs.self_exe);
	return ret;
}

/* GO may go once every host stage that a child stage waits for is finished. */
static bool child_chain_ready(const struct pipeline *p)
{
	for (size_t i = 0; i < NSTAGES; i++) {
		if (pipeline_decl[i].side != SIDE_CHILD)
			continue;
		for (const char *const *a = pipeline_decl[i].after; *a; a++) {
			int j = stage_index(*a);

			if (j >= 0 && pipeline_decl[j].side != SIDE_CHILD && !finished(p->state[j]))
				return false;
		}
	}
	return true;
}

static int reap_one(struct pipeline *p, struct stage_error *err)
{
	int status;
	pid_t pid;

	do
		pid = waitpid(-1, &status, 0);
	while (pid < 0 && errno == EINTR);
	if (pid < 0)
		return stage_fail(err, errno, "waitpid");
	if (pid == p->helper) {
		p->helper = 0;
		return 0;
	}
	for (size_t i = 0; i < NSTAGES; i++) {
		if (p->state[i] != STEP_RUNNING || p->proc[i].pid != pid)
			continue;
		p->t_end[i] = now_ms();
		p->state[i] = STEP_DONE;
		stage_debug("%s done in %.3f ms", pipeline_decl[i].name,
			    p->t_end[i] - p->t_start[i]);
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
		    keep_stage_fds(p, p->proc[i].sync, pipeline_decl[i].name, err) < 0) {
			struct stage_error ignored;

			stage_finish(&p->proc[i], status, &ignored);
			return -1;
		}
		return stage_finish(&p->proc[i], status, err);
	}
	if (pid == p->pid) {
		p->pid = 0;
		return stage_fail(err, 0, "the container process exited during setup (status %d)",
				  status);
	}
	return 0;
}

static bool start_ready_host_stages(struct pipeline *p, struct stage_error *err, int *failed)
{
	bool progress = false;

	for (size_t i = 0; i < NSTAGES; i++) {
		if (p->state[i] != STEP_PENDING || pipeline_decl[i].side != SIDE_HOST ||
		    !deps_done(p, i))
			continue;
		progress = true;
		if (p->plan_loaded && !condition_holds(p, i))
			p->state[i] = STEP_SKIPPED;
		else if (start_host_stage(p, i, err) < 0)
			*failed = 1;
	}
	return progress;
}

/* The steps the orchestrator does itself (side `self` in pipeline.tsv). */
static int run_self_step(struct pipeline *p, size_t i, struct stage_error *err)
{
	int ret;

	p->t_start[i] = now_ms();
	if (strcmp(pipeline_decl[i].name, "clone") == 0)
		ret = step_clone(p, err);
	else if (strcmp(pipeline_decl[i].name, "cgroup-join") == 0)
		ret = step_cgroup_join(p, err);
	else
		ret = stage_fail(err, EINVAL, "pipeline declaration: no self step `%s`",
				 pipeline_decl[i].name);
	p->t_end[i] = now_ms();
	return ret;
}

static int run_declaration(struct pipeline *p, struct stage_error *err)
{
	int parse = stage_index("parse-config");
	bool go_sent = false;

	for (;;) {
		size_t running = 0, pending = 0;
		int failed = 0;
		bool did_self = false;
		bool progress = start_ready_host_stages(p, err, &failed);

		if (failed)
			return -1;
		/* the orchestrator's own step comes after the host stages, so they overlap */
		for (size_t i = 0; i < NSTAGES; i++) {
			if (p->state[i] != STEP_PENDING || pipeline_decl[i].side != SIDE_SELF ||
			    !deps_done(p, i))
				continue;
			did_self = true;
			if (p->plan_loaded && !condition_holds(p, i)) {
				p->state[i] = STEP_SKIPPED;
				continue;
			}
			if (run_self_step(p, i, err) < 0)
				return -1;
			p->state[i] = STEP_DONE;
		}
		if (did_self)
			continue; /* stages that waited for it start before anything blocks */
		if (!go_sent && p->pid > 0 && child_chain_ready(p)) {
			if (record_send(p->sync[0], REC_GO, NULL, 0, NULL, 0, err) < 0 ||
			    forward_stage_fds(p, err) < 0)
				return -1;
			go_sent = true;
			progress = true;
			for (size_t i = 0; i < NSTAGES; i++)
				if (pipeline_decl[i].side == SIDE_CHILD &&
				    p->state[i] == STEP_PENDING) {
					p->state[i] = STEP_IN_CONTAINER;
					p->t_start[i] =
					    now_ms(); /* the chain's span, for the trace */
				}
		}
		for (size_t i = 0; i < NSTAGES; i++) {
			running += p->state[i] == STEP_RUNNING;
			pending += p->state[i] == STEP_PENDING;
		}
		if (running) {
			if (reap_one(p, err) < 0)
				return -1;
			/* parse-config's plan decides the conditions of the rest */
			if (!p->plan_loaded && parse >= 0 && p->state[parse] == STEP_DONE &&
			    load_plan(p, err) < 0)
				return -1;
			continue;
		}
		if (!pending)
			return 0;
		if (!progress)
			return stage_fail(err, EDEADLK, "pipeline declaration: stages never ready");
	}
}

/* What parse-config reads and writes: config.json (or the container's plan), the plan. */
static int open_config(struct pipeline *p, struct stage_error *err)
{
	char path[4200];

	if (p->mode == MODE_EXEC) {
		/* the container's plan; the process comes from --process or from it */
		p->base_fd = openat(p->c->dirfd, "plan", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (p->base_fd < 0)
			return stage_fail(err, errno, "cannot open the plan of `%s`", p->c->id);
	}
	if (p->mode != MODE_EXEC || p->o->config) {
		if (p->o->config)
			snprintf(path, sizeof(path), "%s", p->o->config);
		else
			snprintf(path, sizeof(path), "%s/config.json", p->o->bundle);
		p->config_fd = open(path, O_RDONLY | O_CLOEXEC);
		if (p->config_fd < 0)
			return stage_fail(err, errno, "cannot open `%s`", path);
	}
	p->plan_fd = memfd_for_stage("baton-plan", err);
	return p->plan_fd < 0 ? -1 : 0;
}

static int open_inputs(struct pipeline *p, struct stage_error *err)
{
	if (open_config(p, err) < 0)
		return -1;
	if (p->mode == MODE_CREATE) {
		if (mkfifoat(p->c->dirfd, "exec.fifo", 0600) < 0)
			return stage_fail(err, errno, "cannot create exec fifo");
		p->fifo_fd = openat(p->c->dirfd, "exec.fifo", O_RDWR | O_NOFOLLOW | O_CLOEXEC);
		if (p->fifo_fd < 0)
			return stage_fail(err, errno, "cannot open exec fifo");
		/* read-write: a writer while final-exec lives, and data outlives no reader */
		if (mkfifoat(p->c->dirfd, "exec.result", 0600) < 0)
			return stage_fail(err, errno, "cannot create the start result fifo");
		p->result_fd = openat(p->c->dirfd, "exec.result", O_RDWR | O_NOFOLLOW | O_CLOEXEC);
		if (p->result_fd < 0)
			return stage_fail(err, errno, "cannot open the start result fifo");
	}
	return 0;
}

static void close_inputs(struct pipeline *p)
{
	int *fds[] = {&p->state_fd,	    &p->console_fd, &p->console_recv, &p->config_fd,
		      &p->base_fd,	    &p->plan_fd,    &p->bpf_fd,	      &p->fifo_fd,
		      &p->result_fd,	    &p->sync[0],    &p->sync[1],      &p->seccomp_receiver,
		      &p->seccomp_state_fd, &p->notify_fd};

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (*fds[i] >= 0) {
			close(*fds[i]);
			*fds[i] = -1;
		}
	close_forwarded_fds(p);
	if (p->plan_loaded)
		plan_release(&p->plan);
}

/* Wait for final-exec: READY, then (run) EOF when the user's program is exec'd. */
static int wait_container_ready(struct pipeline *p, struct stage_error *err)
{
	struct record rec;
	int ret;

	close(p->sync[1]);
	p->sync[1] = -1;
	if (record_expect(p->sync[0], REC_READY, &rec, err) < 0)
		return -1;
	if (p->mode == MODE_CREATE)
		return 0;
	ret = record_recv(p->sync[0], &rec, err);
	if (ret < 0)
		return -1;
	if (ret > 0 && rec.tag == REC_ERROR && rec.len == sizeof(*err)) {
		memcpy(err, rec.payload, sizeof(*err));
		err->msg[STAGE_MSG_MAX - 1] = '\0';
		return -1;
	}
	return 0;
}

static void abort_pipeline(struct pipeline *p)
{
	for (size_t i = 0; i < NSTAGES; i++)
		if (p->state[i] == STEP_RUNNING) {
			kill(p->proc[i].pid, SIGKILL);
			waitpid(p->proc[i].pid, NULL, 0);
		}
	if (p->helper > 0) {
		kill(p->helper, SIGKILL);
		waitpid(p->helper, NULL, 0);
	}
	if (p->pid > 0) {
		kill(p->pid, SIGKILL);
		waitpid(p->pid, NULL, 0);
	}
	/* never a cgroup that was there before: it is not ours to remove */
	if (p->cgroup_made && p->c->cgroup_path[0] && p->c->cgroup_owned) {
		struct stage_error ignored;

		cgroup_remove(p->c->cgroup_path, &ignored);
		if (p->c->cgroup_unit[0])
			systemd_stop_unit(p->c, &ignored);
	}
}

/* --debug's summary and --trace's file (trace.c): each stage's times and state. */
static void report_stages(struct pipeline *p, const struct stage_error *failed)
{
	static const char *const states[] = {"pending", "running", "done", "skipped",
					     "in-container"};
	static const char *const sides[] = {"host", "self", "child"};
	struct stage_timing t[NSTAGES];

	for (size_t i = 0; i < NSTAGES; i++) {
		if (p->t_start[i] > 0 && p->t_end[i] <= 0)
			p->t_end[i] = now_ms(); /* child chain: READY, the exec, or the failure */
		t[i] = (struct stage_timing){pipeline_decl[i].name, sides[pipeline_decl[i].side],
					     states[p->state[i]], p->t_start[i], p->t_end[i]};
	}
	trace_report(p->g->trace, t, NSTAGES, failed);
}

/* The settings every host stage gets in its environment, as create gives them. */
static int pipeline_init(struct pipeline *p, const struct global_opts *g,
			 const struct create_opts *o, struct container *c, enum run_mode mode,
			 struct stage_error *err)
{
	size_t n = 0;

	*p = (struct pipeline){
	    .g = g,
	    .o = o,
	    .c = c,
	    .mode = mode,
	    .config_fd = -1,
	    .base_fd = -1,
	    .state_fd = -1,
	    .console_fd = -1,
	    .console_recv = -1,
	    .seccomp_receiver = -1,
	    .seccomp_state_fd = -1,
	    .plan_fd = -1,
	    .bpf_fd = -1,
	    .fifo_fd = -1,
	    .result_fd = -1,
	    .notify_fd = -1,
	    .sync = {-1, -1},
	};
	snprintf(p->env_id, sizeof(p->env_id), "BATON_ID=%s", c->id);
	snprintf(p->env_bundle, sizeof(p->env_bundle), "BATON_BUNDLE=%s", c->bundle);
	if ((size_t)snprintf(p->env_path, sizeof(p->env_path), "PATH=%s",
			     getenv("PATH") ? getenv("PATH") : "/usr/sbin:/usr/bin:/sbin:/bin") >=
	    sizeof(p->env_path))
		return stage_fail(err, E2BIG, "PATH: longer than %zu bytes",
				  sizeof(p->env_path) - sizeof("PATH="));
	p->host_env[n++] = p->env_id;
	p->host_env[n++] = p->env_bundle;
	p->host_env[n++] = p->env_path;
	/* rootless: parse-config adds the user namespace and mappings we need */
	if (geteuid() != 0) {
		snprintf(p->env_rootless, sizeof(p->env_rootless), "BATON_ROOTLESS=%u:%u",
			 (unsigned)geteuid(), (unsigned)getegid());
		p->host_env[n++] = p->env_rootless;
	}
	p->host_env[n++] = p->env_pid;
	/* seccomp-load keeps its cache of compiled filters under the root */
	snprintf(p->env_root, sizeof(p->env_root), "BATON_ROOT=%s", g->root);
	p->host_env[n++] = p->env_root;
	/* parse-config plans the scope; cgroup-systemd asks the bus for it */
	if (g->systemd) {
		p->host_env[n++] = "BATON_CGROUP_MANAGER=systemd";
		n += systemd_bus_env(p->host_env + n, 3);
	}
	if (g->debug)
		p->host_env[n++] = "BATON_DEBUG=1";
	p->host_env[n] = NULL;
	strcpy(p->env_pid, "BATON_PID=");

	for (size_t i = 0; i < NSTAGES; i++)
		if (!in_this_pipeline(p, i))
			p->state[i] = STEP_SKIPPED;
	return 0;
}

int pipeline_start(const struct global_opts *g, const struct create_opts *o, struct container *c,
		   enum run_mode mode, struct pipeline_result *res, struct stage_error *err)
{
	struct pipeline p;

	if (pipeline_init(&p, g, o, c, mode, err) < 0 || caller_passthrough(&p, err) < 0)
		return -1;
	if (open_inputs(&p, err) < 0 || run_declaration(&p, err) < 0 ||
	    wait_container_ready(&p, err) < 0) {
		report_stages(&p, err);
		abort_pipeline(&p);
		close_inputs(&p);
		return -1;
	}
	res->pid = p.pid;
	res->tty_master = -1;
	res->notify_fd = -1;
	if (send_pidfd(&p, err) < 0) {
		abort_pipeline(&p);
		close_inputs(&p);
		return -1;
	}
	if (p.console_recv >= 0 && (res->tty_master = console_receive(p.console_recv, err)) < 0) {
		abort_pipeline(&p);
		close_inputs(&p);
		return -1;
	}
	report_stages(&p, NULL);
	res->notify_fd = p.notify_fd;
	p.notify_fd = -1;
	close_inputs(&p);
	return 0;
}

int pipeline_plan_only(const struct global_opts *g, const struct create_opts *o,
		       struct container *c, struct plan *plan, size_t *plan_bytes,
		       struct stage_error *err)
{
	int parse = stage_index("parse-config");
	struct pipeline p;
	struct stat st;
	int ret = -1;

	if (pipeline_init(&p, g, o, c, MODE_CREATE, err) < 0)
		return -1;
	if (parse < 0)
		return stage_fail(err, EINVAL, "pipeline declaration: no parse-config");
	/* create's inputs minus the exec fifo: nothing is made for a container */
	if (open_config(&p, err) < 0 || start_host_stage(&p, (size_t)parse, err) < 0)
		goto out;
	while (p.state[parse] == STEP_RUNNING)
		if (reap_one(&p, err) < 0)
			goto out;
	if (plan_load_fd(plan, p.plan_fd, err) < 0 ||
	    fd_check_kind(p.plan_fd, FD_KIND_SEALED_MEMFD, "plan", err) < 0)
		goto out;
	if (fstat(p.plan_fd, &st) < 0) {
		stage_fail(err, errno, "plan");
		goto out;
	}
	*plan_bytes = (size_t)st.st_size;
	ret = 0;
out:
	if (ret < 0)
		abort_pipeline(&p);
	close_inputs(&p);
	return ret;
}
