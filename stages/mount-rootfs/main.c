/*
 * mount-rootfs: inside the new container process, before the user's program.
 * Builds the container's filesystem and execs final-exec.
 */
#include <stdlib.h>

#include "fdenv.h"
#include "hooks.h"
#include "mount-rootfs.h"
#include "options.h"
#include "stage.h"

static const char usage[] =
    "Usage: mount-rootfs [--plan FILE [--no-pivot] [--next FILE]]\n"
    "\n"
    "Build the container's filesystem from a baton plan: make / a slave mount,\n"
    "do the plan's mounts inside root.path, make /dev, pivot_root into it, mask\n"
    "and protect paths, write sysctls and the hostname, bring up `lo` of a new\n"
    "network namespace, then exec final-exec.\n"
    "\n"
    "From the orchestrator: BATON_FD_PLAN (sealed memfd), BATON_FD_SYNC (socket; the\n"
    "idmapped mounts idmap-mounts made come on it as FD records), BATON_FD_NEXT\n"
    "(final-exec), BATON_NO_PIVOT=1, BATON_DEBUG=1.\n"
    "\n"
    "  --plan FILE   run alone from a plan file; without --next, stop after\n"
    "                the mounts and exit 0\n"
    "  --next FILE   the program to exec afterwards (argv[0] `final-exec`)\n"
    "  --no-pivot    move the rootfs onto / and chroot instead of pivot_root\n"
    "\n"
    "It changes the mounts of the namespace it runs in: run it alone only in a\n"
    "fresh mount namespace, e.g. `unshare -m --propagation private`.\n";

static int run_hooks(const struct plan *plan, const char *phase, struct stage_error *err)
{
	int state = stage_fd_opt("BATON_FD_STATE", FD_KIND_SEALED_MEMFD, err);

	if (state == -1)
		return -1;
	extern char **environ;

	/* a hook without env gets ours: inside the container chain, only the contract's */
	return hooks_run(plan, phase, state, environ, err);
}

/* Every step returns -1 with err filled on failure: report it and stop. */
static void must(int ret, const struct stage_error *err)
{
	if (ret == -1)
		stage_exit_error(err);
}

int main(int argc, char **argv)
{
	struct stage_error err;
	struct options opt;
	autoplan struct plan plan = {0};
	struct rootfs root = {0};
	int next;

	stage_init("mount-rootfs", argc, argv, usage);
	must(parse_args(argc, argv, &opt, &err), &err);
	must(load_plan(&opt, &plan, &err), &err);
	must(next = open_next_stage(&opt, &err), &err);

	must(rootfs_from_plan(&root, &plan, &err), &err);
	must(make_root_private(&root, &err), &err);
	must(refuse_dev_symlink(&root, &err), &err);
	must(receive_idmapped_mounts(&root, &plan, &err), &err);
	must(mount_all(&root, &plan, &err), &err);
	must(make_default_devices(&root, &plan, &err), &err);
	must(make_plan_devices(&root, &plan, &err), &err);
	must(bind_notify_dir(&root, &err), &err);
	/* createContainer: in the container's namespaces, before pivot_root */
	must(run_hooks(&plan, "createContainer", &err), &err);
	must(open_mask_source(&root, &plan, &err), &err);
	must(enter_rootfs(&root, opt.no_pivot, &err), &err);
	must(make_root_readonly(&plan, &err), &err);
	/* sysctls before the read-only paths: /proc/sys is usually one of them */
	must(apply_sysctls(&plan, &err), &err);
	must(set_names(&plan, &err), &err);
	must(bring_up_loopback(&root, &err), &err);
	must(mask_paths(&root, &plan, &err), &err);
	must(make_paths_readonly(&plan, &err), &err);
	must(set_rootfs_propagation(&plan, &err), &err);

	if (next == FD_ABSENT)
		return 0;
	stage_exec_next(next, "final-exec",
			(const char *[]){"BATON_FD_NEXT", "BATON_NO_PIVOT", NULL}, &err);
	stage_exit_error(&err);
}
