/*
 * idmap-mounts: after the container's user namespace has its maps, make
 * each idmapped bind mount of the plan as a detached mount and send it to
 * the orchestrator as an FD record named `idmap:INDEX`; the orchestrator
 * passes them on to mount-rootfs, which attaches them in the container.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "fdenv.h"
#include "idmap-mounts.h"
#include "record.h"
#include "stage.h"
#include "target.h"

static const char usage[] =
    "Usage: idmap-mounts --plan FILE --pid PID\n"
    "Make the plan's idmapped bind mounts (`mount` records with idmap or ridmap)\n"
    "as detached mounts mapped by the user namespace of process PID, or by one\n"
    "made for the mount's own mount.uid-map/mount.gid-map records.\n"
    "Run by baton with BATON_FD_PLAN, BATON_FD_SYNC and BATON_PID: each mount goes\n"
    "to it as an FD record `idmap:INDEX`. Run alone, it makes them, says so and\n"
    "closes them again (a check of what the kernel allows here).\n";

/* To the orchestrator, or (run alone) a line on stdout. */
static int hand_over(const struct stage_target *a, const struct idmapped_mount *m, int tree,
		     struct stage_error *err)
{
	char name[32];

	if (a->sync < 0) {
		printf("mounts[%u] %s: idmapped mount of %s made\n", m->index, m->dest, m->source);
		return 0;
	}
	snprintf(name, sizeof(name), "idmap:%u", m->index);
	return record_send(a->sync, REC_FD, name, strlen(name), &tree, 1, err);
}

static int make_all(const struct stage_target *a, const struct plan *plan, struct stage_error *err)
{
	unsigned index = 0;

	plan_for_each(plan, "mount", e)
	{
		struct idmapped_mount m;

		if (idmapped_mount_from_plan(e, index++, plan, &m)) {
			autoclose int tree = make_idmapped_tree(plan, &m, a->pid, err);

			if (tree < 0 || hand_over(a, &m, tree, err) < 0)
				return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct stage_target a;
	autoplan struct plan plan = {0};
	struct stage_error err = {0};

	stage_init("idmap-mounts", argc, argv, usage);
	if (stage_target_args(argc, argv, "idmap-mounts --plan FILE --pid PID", true, &a, &err) <
		0 ||
	    stage_target_plan(&a, &plan, &err) < 0 || make_all(&a, &plan, &err) < 0)
		stage_exit_error(&err);
	return 0;
}
