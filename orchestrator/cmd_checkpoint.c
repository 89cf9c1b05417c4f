/* checkpoint, restore and mounts: not supported yet, said clearly. */
#include <errno.h>

#include "baton.h"

int cmd_checkpoint(const struct global_opts *g, int argc, char **argv)
{
	struct stage_error err;

	(void)argc;
	(void)argv;
	stage_fail(&err, ENOTSUP, "`checkpoint` is not supported yet");
	return report_error(g, &err);
}

int cmd_restore(const struct global_opts *g, int argc, char **argv)
{
	struct stage_error err;

	(void)argc;
	(void)argv;
	stage_fail(&err, ENOTSUP, "`restore` is not supported yet");
	return report_error(g, &err);
}

int cmd_mounts(const struct global_opts *g, int argc, char **argv)
{
	struct stage_error err;

	(void)argc;
	(void)argv;
	stage_fail(&err, ENOTSUP, "`mounts` is not supported yet");
	return report_error(g, &err);
}
