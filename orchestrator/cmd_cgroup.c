/* ps, pause, resume and update: the commands that act on the container's cgroup. */
#include <errno.h>

#include "baton.h"

int cmd_ps(const struct global_opts *g, int argc, char **argv)
{
	struct stage_error err;

	(void)argc;
	(void)argv;
	stage_fail(&err, ENOTSUP, "`ps` is not supported yet");
	return report_error(g, &err);
}

int cmd_pause(const struct global_opts *g, int argc, char **argv)
{
	struct stage_error err;

	(void)argc;
	(void)argv;
	stage_fail(&err, ENOTSUP, "`pause` is not supported yet");
	return report_error(g, &err);
}

int cmd_resume(const struct global_opts *g, int argc, char **argv)
{
	struct stage_error err;

	(void)argc;
	(void)argv;
	stage_fail(&err, ENOTSUP, "`resume` is not supported yet");
	return report_error(g, &err);
}

int cmd_update(const struct global_opts *g, int argc, char **argv)
{
	struct stage_error err;

	(void)argc;
	(void)argv;
	stage_fail(&err, ENOTSUP, "`update` is not supported yet");
	return report_error(g, &err);
}
