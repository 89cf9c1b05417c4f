/*
 * userns-map: write the container process's uid_map and gid_map from the
 * host side; only a process outside the new user namespace can.
 */
#include "idmap.h"
#include "plan.h"
#include "stage.h"
#include "target.h"

static const char usage[] =
    "Usage: userns-map --plan FILE --pid PID\n"
    "Write /proc/PID/uid_map and gid_map from the plan's uid-map and gid-map records\n"
    "(with newuidmap/newgidmap when not root).\n"
    "Run by baton with BATON_FD_PLAN, BATON_FD_SYNC and BATON_PID instead.\n";

static void write_maps(const struct plan *plan, pid_t pid)
{
	struct stage_error err = {0};

	if (map_ids(plan, pid, &err) < 0)
		stage_exit_error(&err);
}

int main(int argc, char **argv)
{
	struct stage_target args;
	autoplan struct plan plan = {0};
	struct stage_error err = {0};

	stage_init("userns-map", argc, argv, usage);
	if (stage_target_args(argc, argv, "userns-map --plan FILE --pid PID", true, &args, &err) <
		0 ||
	    stage_target_plan(&args, &plan, &err) < 0)
		stage_exit_error(&err);
	write_maps(&plan, args.pid);
	return 0;
}
