/* features: what this runtime really supports, as the runtime-spec features JSON. */
#include <errno.h>

#include "baton.h"

int cmd_features(const struct global_opts *g, int argc, char **argv)
{
	struct stage_error err;

	(void)argc;
	(void)argv;
	stage_fail(&err, ENOTSUP, "`features` is not supported yet");
	return report_error(g, &err);
}
