#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "fdenv.h"
#include "stage.h"
#include "idmap.h"

int parse_args(int argc, char **argv, struct userns_map_args *args, struct stage_error *err)
{
	int sync; /* the error record's way back: stage_exit_error finds it itself */

	*args = (struct userns_map_args){.plan_fd = -1};
	if (argc == 1 && getenv("BATON_FD_PLAN"))
		return stage_target_from_env(&args->plan_fd, &sync, &args->pid, err);
	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--plan") == 0)
			args->plan_file = argv[i + 1];
		else if (strcmp(argv[i], "--pid") != 0)
			return stage_fail(err, EINVAL, "unknown argument `%s` (see --help)",
					  argv[i]);
		else if (stage_parse_pid(argv[i + 1], "--pid", &args->pid, err) < 0)
			return -1;
	}
	if (argc % 2 == 0 || !args->plan_file || !args->pid)
		return stage_fail(err, EINVAL, "usage: userns-map --plan FILE --pid PID");
	return 0;
}

int load_plan(const struct userns_map_args *args, struct plan *plan, struct stage_error *err)
{
	if (args->plan_file)
		return plan_load_file(plan, args->plan_file, err);
	return plan_load_fd(plan, args->plan_fd, err);
}
