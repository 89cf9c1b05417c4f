#include "process-limits.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cleanup.h"
#include "procfs.h"
#include "stage.h"

int apply_oom_score_adj(int value, struct stage_error *err)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%d", value);
	/* the container's /proc: checked to be procfs (CVE-2019-16884) */
	if (proc_write("/proc/self/oom_score_adj", buf, err) < 0)
		return stage_wrap(err, "process.oomScoreAdj");
	stage_debug("oom_score_adj %d", value);
	return 0;
}

int apply_personality(unsigned long persona, struct stage_error *err)
{
	if (personality(persona) < 0)
		return stage_fail(err, errno, "personality 0x%lx", persona);
	stage_debug("personality 0x%lx", persona);
	return 0;
}

static const char *limit_text(uint64_t v, char *buf, size_t size)
{
	if (v == (uint64_t)RLIM_INFINITY)
		return "unlimited";
	snprintf(buf, size, "%" PRIu64, v);
	return buf;
}

static int set_one_rlimit(const struct rlimit_spec *r, struct stage_error *err)
{
	struct rlimit want = {.rlim_cur = (rlim_t)r->soft, .rlim_max = (rlim_t)r->hard};
	struct rlimit now;
	char soft[24], hard[24], cur[24];

	if (setrlimit(r->resource, &want) == 0)
		return 0;
	int errnum = errno;
	limit_text(r->soft, soft, sizeof(soft));
	limit_text(r->hard, hard, sizeof(hard));
	/* the usual failure, e.g. rootless: say which limit and why */
	if (errnum == EPERM && getrlimit(r->resource, &now) == 0 && want.rlim_max > now.rlim_max)
		return stage_fail(err, errnum,
				  "setrlimit `%s` to %s (soft %s): raising the hard limit above %s "
				  "needs CAP_SYS_RESOURCE",
				  r->name, hard, soft, limit_text(now.rlim_max, cur, sizeof(cur)));
	return stage_fail(err, errnum, "setrlimit `%s` to soft %s, hard %s", r->name, soft, hard);
}

int apply_rlimits(const struct rlimit_spec *rlimits, size_t n, struct stage_error *err)
{
	for (size_t i = 0; i < n; i++) {
		if (set_one_rlimit(&rlimits[i], err) < 0)
			return -1;
		stage_debug("rlimit %s soft %" PRIu64 " hard %" PRIu64, rlimits[i].name,
			    rlimits[i].soft, rlimits[i].hard);
	}
	return 0;
}
