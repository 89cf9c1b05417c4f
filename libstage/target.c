/* The arguments of the stages that act on the container process (target.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "stage.h"
#include "target.h"

int stage_target_args(int argc, char **argv, const char *usage, bool need_pid,
		      struct stage_target *t, struct stage_error *err)
{
	*t = (struct stage_target){.plan_fd = -1, .sync = -1};
	if (argc == 1 && getenv("BATON_FD_PLAN"))
		return stage_target_from_env(&t->plan_fd, &t->sync, &t->pid, err);
	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--plan") == 0)
			t->plan_file = argv[i + 1];
		else if (strcmp(argv[i], "--pid") != 0)
			return stage_fail(err, EINVAL, "unknown argument `%s` (see --help)",
					  argv[i]);
		else if (stage_parse_pid(argv[i + 1], "--pid", &t->pid, err) < 0)
			return -1;
	}
	if (argc % 2 == 0 || !t->plan_file || (need_pid && !t->pid))
		return stage_fail(err, EINVAL, "usage: %s", usage);
	return 0;
}

int stage_target_plan(const struct stage_target *t, struct plan *plan, struct stage_error *err)
{
	if (t->plan_file)
		return plan_load_file(plan, t->plan_file, err);
	return plan_load_fd(plan, t->plan_fd, err);
}
