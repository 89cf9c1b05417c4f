/*
 * final-exec: the last stage, inside the container after pivot_root. It turns
 * the container process into the user's process: keyring, limits, the
 * capability bounding set, ids, capabilities, cwd, the executable; reports
 * READY, waits for `start`, runs the startContainer hooks, marks what is not
 * the user's close-on-exec, installs the seccomp filter and execs. The filter
 * is the last step: a strict profile denies what final-exec itself needs
 * (close_range, getcwd, capset, sendmsg), so after it only execve is called
 * (and, for a listener, the handover of install_filter, listener.c).
 */
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "creds.h"
#include "fdenv.h"
#include "hooks.h"
#include "final-exec.h"
#include "lookup.h"
#include "terminal.h"
#include "lsm.h"
#include "process-limits.h"
#include "record.h"
#include "placement.h"
#include "stage.h"

static const char usage[] =
    "Usage: final-exec [--plan FILE [--bpf FILE]]\n"
    "\n"
    "The last stage of `baton create`: inside the container, set up the process\n"
    "described by the plan (keyring, oom score, personality, rlimits, bounding set,\n"
    "groups, uid/gid, capabilities, umask, cwd, environment), report READY on\n"
    "BATON_FD_SYNC, wait for `baton start` on BATON_FD_FIFO, install the seccomp\n"
    "filter from BATON_FD_BPF and execve process.arg. A failure after the start\n"
    "goes to BATON_FD_RESULT, where `baton start` waits for it.\n"
    "\n"
    "Run by hand with --plan (and --bpf for a raw BPF program from seccomp-load),\n"
    "it does all of that to the current process, without READY or the fifo:\n"
    "it really switches ids, drops capabilities and execs the plan's process.\n"
    "\n"
    "A profile with SCMP_ACT_NOTIFY gets a listener; it goes, with the message\n"
    "read from BATON_FD_SECCOMP_STATE, to the socket BATON_FD_SECCOMP_RECEIVER.\n"
    "\n"
    "Environment: BATON_FD_PLAN, BATON_FD_SYNC, BATON_FD_BPF (optional),\n"
    "BATON_FD_FIFO and BATON_FD_RESULT (optional), BATON_FD_SECCOMP_RECEIVER and\n"
    "BATON_FD_SECCOMP_STATE (optional), BATON_PRESERVE_FDS=N, BATON_NO_NEW_KEYRING=1, "
    "BATON_DEBUG=1.\n"
    "Exit status: 1 when a step fails, 127 when execve fails (126: EACCES).\n";

static int join_keyring(struct final_exec *fx, struct stage_error *err)
{
	if (!fx->new_keyring) {
		stage_debug("session keyring: kept (BATON_NO_NEW_KEYRING)");
		return 0;
	}
	return join_session_keyring(fx->spec.id, err);
}

static int attach_terminal(struct final_exec *fx, struct stage_error *err)
{
	if (terminal_setup(&fx->plan, fx->console, fx->exec, fx->spec.uid, err) < 0)
		return -1;
	if (fx->console >= 0)
		close(fx->console);
	fx->console = -1;
	return 0;
}

static int apply_process_knobs(struct final_exec *fx, struct stage_error *err)
{
	if (fx->spec.has_oom_score_adj && apply_oom_score_adj(fx->spec.oom_score_adj, err) < 0)
		return -1;
	if (fx->spec.has_personality && apply_personality(fx->spec.personality, err) < 0)
		return -1;
	return 0;
}

static int set_rlimits(struct final_exec *fx, struct stage_error *err)
{
	return apply_rlimits(fx->spec.rlimits, fx->spec.nrlimits, err);
}

/* execCPUAffinity.initial: where the process runs while the container is set up */
static int set_initial_affinity(struct final_exec *fx, struct stage_error *err)
{
	const struct sched_spec *s = &fx->spec.sched;

	return apply_cpu_affinity("process.execCPUAffinity.initial", s->cpus_initial, &s->initial,
				  err);
}

static int set_memory_policy(struct final_exec *fx, struct stage_error *err)
{
	return apply_memory_policy(&fx->spec.sched, err);
}

/* Before the user switch: RT classes need CAP_SYS_NICE / CAP_SYS_ADMIN. */
static int set_io_priority(struct final_exec *fx, struct stage_error *err)
{
	return apply_io_priority(&fx->spec.sched, err);
}

static int set_scheduler(struct final_exec *fx, struct stage_error *err)
{
	return apply_scheduler(&fx->spec.sched, err);
}

static int limit_bounding_set(struct final_exec *fx, struct stage_error *err)
{
	return drop_bounding_set(fx->spec.caps.bounding, err);
}

/* With a receiver the filter gets a listener, handed over before anything else. */
static int install_filter(struct final_exec *fx, struct stage_error *err)
{
	unsigned flags = fx->spec.seccomp_flags;
	int rc = fx->receiver.sock >= 0 ? listener_install(&fx->filter, flags, &fx->receiver, err)
					: bpf_filter_install(&fx->filter, flags, err);

	return rc < 0 ? -1 : 0;
}

/*
 * Without no_new_privs the kernel wants CAP_SYS_ADMIN to install a filter, and
 * the filter comes last: CAP_SYS_ADMIN stays in the effective and permitted
 * sets until execve. execve drops it by itself: the new permitted set is made
 * of the inheritable, ambient and bounding sets and the file's capabilities,
 * never of the old permitted one (it only limits it under no_new_privs or an
 * unprivileged tracer), and no capset has to follow the filter.
 */
static uint64_t caps_for_the_filter(const struct final_exec *fx)
{
	if (!bpf_filter_present(&fx->filter) || fx->spec.no_new_privileges)
		return 0;
	return 1ULL << CAP_SYS_ADMIN;
}

static int own_stdio(struct final_exec *fx, struct stage_error *err)
{
	return chown_stdio(fx->spec.uid, fx->spec.gid, err);
}

static int make_working_directory(struct final_exec *fx, struct stage_error *err)
{
	return make_cwd(fx->spec.cwd, err);
}

static int become_user(struct final_exec *fx, struct stage_error *err)
{
	const struct cap_sets *caps = &fx->spec.caps;
	uint64_t extra = caps_for_the_filter(fx);

	/* run.oci.keep_original_groups: the caller's supplementary groups stay */
	if ((!fx->spec.keep_groups &&
	     set_additional_groups(fx->spec.groups, fx->spec.ngroups, err) < 0) ||
	    switch_ids(fx->spec.uid, fx->spec.gid, err) < 0 ||
	    set_capabilities(caps->effective | extra, caps->permitted | extra, caps->inheritable,
			     err) < 0 ||
	    set_ambient_capabilities(caps->ambient, err) < 0)
		return -1;
	return 0;
}

static int enter_working_directory(struct final_exec *fx, struct stage_error *err)
{
	umask(fx->spec.umask);
	return enter_cwd(fx->spec.cwd, err);
}

static int complete_environment(struct final_exec *fx, struct stage_error *err)
{
	return env_default_home(&fx->spec, err) < 0 ? -1 : env_from_caller(&fx->spec, err);
}

static int resolve_executable(struct final_exec *fx, struct stage_error *err)
{
	const char *path = env_lookup(fx->spec.envp, "PATH");

	if (find_executable(fx->spec.argv[0], path, &fx->executable, err) < 0)
		return -1;
	stage_debug("executable `%s`", fx->executable);
	return 0;
}

static int report_ready(struct final_exec *fx, struct stage_error *err)
{
	if (fx->sync < 0)
		return 0;
	stage_debug("READY");
	return record_send(fx->sync, REC_READY, NULL, 0, NULL, 0, err);
}

/* `create` stops here until `baton start` writes its byte. */
static int wait_for_start(struct final_exec *fx, struct stage_error *err)
{
	char byte;
	ssize_t n;

	if (fx->fifo < 0)
		return 0;
	stage_debug("waiting on the exec fifo");
	do
		n = read(fx->fifo, &byte, 1);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return stage_fail(err, n < 0 ? errno : EPIPE, "read the exec fifo");
	close(fx->fifo);
	fx->fifo = -1;
	fx->started = true;
	return 0;
}

/* startContainer: after start, in the container, before the user's program. */
static int run_start_hooks(struct final_exec *fx, struct stage_error *err)
{
	int state = stage_fd_opt("BATON_FD_STATE", FD_KIND_SEALED_MEMFD, err);

	if (state == -1)
		return -1;
	/* a hook without env gets the process's, as crun's (it runs after clearenv) */
	return hooks_run(&fx->plan, "startContainer", state, fx->spec.envp, err);
}

/*
 * The user gets 0-2 and the preserved fds. Ours are marked, not closed: the
 * sync socket, the result fifo and the listener's receiver are needed up to
 * execve, which closes them.
 */
static int hide_own_fds(struct final_exec *fx, struct stage_error *err)
{
	int none[1] = {-1};

	return cloexec_fds_except(none, 0, fx->preserved, err);
}

static int set_no_new_privileges(struct final_exec *fx, struct stage_error *err)
{
	if (fx->spec.no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return stage_fail(err, errno, "prctl PR_SET_NO_NEW_PRIVS");
	return 0;
}

/* execCPUAffinity.final: where the user's program runs, set just before it starts */
static int set_final_affinity(struct final_exec *fx, struct stage_error *err)
{
	const struct sched_spec *s = &fx->spec.sched;

	return apply_cpu_affinity("process.execCPUAffinity.final", s->cpus_final, &s->final, err);
}

static int install_seccomp_filter(struct final_exec *fx, struct stage_error *err)
{
	if (!bpf_filter_present(&fx->filter))
		return 0;
	stage_debug("installing the seccomp filter: only execve follows");
	return install_filter(fx, err);
}

/*
 * After the start byte nobody reads the sync socket: `start` waits on the
 * result fifo for this record, or for EOF when execve closes it.
 */
static void report_to_start(const struct final_exec *fx, const struct stage_error *err)
{
	ssize_t n;

	if (!fx->started || fx->result < 0)
		return;
	do
		n = write(fx->result, err, sizeof(*err));
	while (n < 0 && errno == EINTR);
}

__attribute__((noreturn)) static void exit_step_failed(struct final_exec *fx,
						       const struct stage_error *err)
{
	report_to_start(fx, err);
	stage_exit_error(err);
}

/* Only reached when execve failed: the sync socket is still open. */
__attribute__((noreturn)) static void exit_exec_failed(struct final_exec *fx,
						       const struct stage_error *err)
{
	report_to_start(fx, err);
	if (fx->sync >= 0) {
		record_send_error(fx->sync, err);
	} else {
		char text[STAGE_MSG_MAX + 128];

		stage_error_text(err, text, sizeof(text));
		dprintf(STDERR_FILENO, "%s: %s\n", err->stage, text);
	}
	_exit(err->errnum == EACCES ? 126 : 127);
}

/* The steps between loading the plan and the user's execve, in order. */
static int (*const steps[])(struct final_exec *, struct stage_error *) = {
    set_initial_affinity,
    join_keyring,
    attach_terminal,
    apply_process_knobs,
    set_rlimits,
    set_memory_policy,
    set_io_priority,
    set_scheduler,
    limit_bounding_set,
    apply_lsm_labels,
    own_stdio,
    make_working_directory,
    become_user,
    enter_working_directory,
    complete_environment,
    resolve_executable,
    report_ready,
    wait_for_start,
    run_start_hooks,
    hide_own_fds,
    set_no_new_privileges,
    set_final_affinity,
    install_seccomp_filter, /* the last: only execve follows */
};

int main(int argc, char **argv)
{
	struct final_exec fx;
	struct stage_error err;

	stage_init("final-exec", argc, argv, usage);
	if (final_exec_load(&fx, argc, argv, &err) < 0)
		stage_exit_error(&err);
	if (fx.no_process) {
		/* `start` refuses such a container; only delete ends this wait */
		if (report_ready(&fx, &err) < 0 || wait_for_start(&fx, &err) < 0)
			stage_exit_error(&err);
		stage_fail(&err, 0, "no process to run");
		stage_exit_error(&err);
	}
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (steps[i](&fx, &err) < 0)
			exit_step_failed(&fx, &err);

	execve(fx.executable, fx.spec.argv, fx.spec.envp);
	stage_fail(&err, errno, "exec `%s`", fx.executable);
	exit_exec_failed(&fx, &err);
}
