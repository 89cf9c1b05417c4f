#include "args.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "fdenv.h"
#include "stage.h"

int parse_args(int argc, char **argv, struct cgroup_setup_args *args, struct stage_error *err)
{
	*args = (struct cgroup_setup_args){.plan_fd = -1, .sync = -1};
	if (argc == 1 && getenv("BATON_FD_PLAN")) {
		/* run by baton before the clone: no pid yet, the process joins itself */
		args->plan_fd = stage_fd("BATON_FD_PLAN", FD_KIND_SEALED_MEMFD, err);
		args->sync = stage_fd("BATON_FD_SYNC", FD_KIND_SOCKET, err);
		return args->plan_fd < 0 || args->sync < 0 ? -1 : 0;
	}
	for (int i = 1; i < argc; i++) {
		const char *value = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(argv[i], "--remove") == 0) {
			args->remove = true;
		} else if (strcmp(argv[i], "--oom-kills") == 0) {
			args->oom_kills = true;
		} else if (strcmp(argv[i], "--plan") == 0 && value) {
			args->plan_file = value;
			i++;
		} else if (strcmp(argv[i], "--pid") == 0 && value) {
			if (stage_parse_pid(value, "--pid", &args->pid, err) < 0)
				return -1;
			i++;
		} else {
			return stage_fail(err, EINVAL,
					  "unknown or incomplete argument `%s` (see --help)",
					  argv[i]);
		}
	}
	if (!args->plan_file)
		return stage_fail(err, EINVAL, "--plan FILE is required (see --help)");
	if (args->remove + args->oom_kills + (args->pid != 0) > 1)
		return stage_fail(err, EINVAL,
				  "--remove, --oom-kills and --pid exclude each other");
	return 0;
}

int load_plan(const struct cgroup_setup_args *args, struct plan *plan, struct stage_error *err)
{
	if (args->plan_file)
		return plan_load_file(plan, args->plan_file, err);
	return plan_load_fd(plan, args->plan_fd, err);
}
