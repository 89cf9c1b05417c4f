/*
 * cgroup-setup: create the container's cgroup in every hierarchy and apply
 * its resource limits and device rules, before the container process exists;
 * then hand the orchestrator the files through which that process joins the
 * cgroup itself (schemas/protocol.md, "Joining the cgroups").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "cgroup.h"
#include "plan.h"
#include "stage.h"

static const char usage[] =
    "Usage: cgroup-setup --plan FILE [--pid PID]\n"
    "       cgroup-setup --plan FILE --remove\n"
    "       cgroup-setup --plan FILE --oom-kills\n"
    "Create the plan's cgroup.path in every cgroup hierarchy, apply cgroup.resource\n"
    "and cgroup.device, and move PID into it; or remove the cgroup; or print how\n"
    "many of its processes the OOM killer has killed.\n"
    "Run by baton with BATON_FD_PLAN and BATON_FD_SYNC instead: then the files\n"
    "to join the cgroup through go back as FD records cgroup:tasks|procs|dir.\n"
    "Rootless, only in hierarchies where cgroup.path lies in a subtree delegated\n"
    "to the user (else an error naming the first that is not), without device rules.\n"
    "BATON_DEBUG=1 narrates every file written.\n";

static void setup_cgroup(const struct plan *plan, const struct cgroup_setup_args *args)
{
	struct stage_error err = {0};

	if (cgroup_setup(plan, args->pid, &err) < 0)
		stage_exit_error(&err);
	if (args->sync >= 0 &&
	    cgroup_join_send(plan_str(plan, "cgroup.path", ""), args->sync, &err) < 0) {
		struct stage_error ignored;

		cgroup_remove(plan_str(plan, "cgroup.path", ""), &ignored);
		stage_exit_error(&err);
	}
}

static void remove_cgroup(const struct plan *plan)
{
	struct stage_error err = {0};

	if (cgroup_remove(plan_str(plan, "cgroup.path", ""), &err) < 0)
		stage_exit_error(&err);
}

static void print_oom_kills(const struct plan *plan)
{
	struct stage_error err = {0};
	uint64_t kills;

	if (cgroup_oom_kills(plan_str(plan, "cgroup.path", ""), &kills, &err) < 0)
		stage_exit_error(&err);
	printf("%llu\n", (unsigned long long)kills);
}

int main(int argc, char **argv)
{
	struct cgroup_setup_args args;
	autoplan struct plan plan = {0};
	struct stage_error err = {0};

	stage_init("cgroup-setup", argc, argv, usage);
	if (parse_args(argc, argv, &args, &err) < 0 || load_plan(&args, &plan, &err) < 0)
		stage_exit_error(&err);
	if (args.remove)
		remove_cgroup(&plan);
	else if (args.oom_kills)
		print_oom_kills(&plan);
	else
		setup_cgroup(&plan, &args);
	return 0;
}
