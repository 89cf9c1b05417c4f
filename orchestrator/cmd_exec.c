/* exec: run a process in a running container. */
#include <errno.h>

#include "baton.h"

int cmd_exec(const struct global_opts *g, int argc, char **argv)
{
	struct stage_error err;

	(void)argc;
	(void)argv;
	stage_fail(&err, ENOTSUP, "`exec` is not supported yet");
	return report_error(g, &err);
}
