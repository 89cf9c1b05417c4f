/*
 * final-exec: the last stage, inside the container after pivot_root. It turns
 * the container process into the user's process: keyring, limits, the
 * capability bounding set, ids, capabilities, cwd, the executable; reports
 * READY, waits for `start`, then closes what is not the user's, installs the
 * seccomp filter and execs. After the filter only execve is called.
 */
#include <errno.h>
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
#include "stage.h"

static const char usage[] =
    "Usage: final-exec [--plan FILE [--bpf FILE]]\n"
    "\n"
    "The last stage of `baton create`: inside the container, set up the process\n"
    "described by the plan (keyring, oom score, personality, rlimits, bounding set,\n"
    "groups, uid/gid, capabilities, umask, cwd, environment), report READY on\n"
    "BATON_FD_SYNC, wait for `baton start` on BATON_FD_FIFO, install the seccomp\n"
    "filter from BATON_FD_BPF and execve process.arg.\n"
    "\n"
    "Run by hand with --plan (and --bpf for a raw BPF program from seccomp-load),\n"
    "it does all of that to the current process, without READY or the fifo:\n"
    "it really switches ids, drops capabilities and execs the plan's process.\n"
    "\n"
    "A profile with SCMP_ACT_NOTIFY gets a listener; it goes, with the message\n"
    "read from BATON_FD_SECCOMP_STATE, to the socket BATON_FD_SECCOMP_RECEIVER.\n"
    "\n"
    "Environment: BATON_FD_PLAN, BATON_FD_SYNC, BATON_FD_BPF (optional),\n"
    "BATON_FD_FIFO (optional), BATON_FD_SECCOMP_RECEIVER and BATON_FD_SECCOMP_STATE\n"
    "(optional), BATON_PRESERVE_FDS=N, BATON_NO_NEW_KEYRING=1, BATON_DEBUG=1.\n"
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

	if (rc < 0)
		return -1;
	fx->filter_installed = true;
	return 0;
}

/*
 * Without no_new_privs the kernel wants CAP_SYS_ADMIN to install a filter,
 * so do it before the capabilities drop to the user's set.
 */
static int install_filter_while_privileged(struct final_exec *fx, struct stage_error *err)
{
	if (!bpf_filter_present(&fx->filter) || fx->spec.no_new_privileges)
		return 0;
	stage_debug("installing the seccomp filter before dropping capabilities");
	return install_filter(fx, err);
}

static int become_user(struct final_exec *fx, struct stage_error *err)
{
	const struct cap_sets *caps = &fx->spec.caps;

	/* run.oci.keep_original_groups: the caller's supplementary groups stay */
	if ((!fx->spec.keep_groups &&
	     set_additional_groups(fx->spec.groups, fx->spec.ngroups, err) < 0) ||
	    switch_ids(fx->spec.uid, fx->spec.gid, err) < 0 ||
	    set_capabilities(caps->effective, caps->permitted, caps->inheritable, err) < 0 ||
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
	return 0;
}

/* startContainer: after start, in the container, before the user's program. */
static int run_start_hooks(struct final_exec *fx, struct stage_error *err)
{
	int state = stage_fd_opt("BATON_FD_STATE", FD_KIND_SEALED_MEMFD, err);

	if (state == -1)
		return -1;
	return hooks_run(&fx->plan, "startContainer", state, err);
}

/* From here on the process belongs to the user: only its fds, then the filter. */
static int prepare_exec(struct final_exec *fx, struct stage_error *err)
{
	int none[1] = {-1};

	if (cloexec_fds_except(none, 0, fx->preserved, err) < 0)
		return -1;
	if (fx->spec.no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return stage_fail(err, errno, "prctl PR_SET_NO_NEW_PRIVS");
	if (bpf_filter_present(&fx->filter) && !fx->filter_installed)
		return install_filter(fx, err);
	return 0;
}

/* Only reached when execve failed: the sync socket is still open. */
__attribute__((noreturn)) static void exit_exec_failed(struct final_exec *fx,
						       const struct stage_error *err)
{
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
    join_keyring,
    attach_terminal,
    apply_process_knobs,
    set_rlimits,
    limit_bounding_set,
    apply_lsm_labels,
    install_filter_while_privileged,
    become_user,
    enter_working_directory,
    complete_environment,
    resolve_executable,
    report_ready,
    wait_for_start,
    run_start_hooks,
    prepare_exec,
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
			stage_exit_error(&err);

	execve(fx.executable, fx.spec.argv, fx.spec.envp);
	stage_fail(&err, errno, "exec `%s`", fx.executable);
	exit_exec_failed(&fx, &err);
}
