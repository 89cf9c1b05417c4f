/* Unit tests of libstage/cgroup.c: the pure parts (paths, plan to files, conversions). */
#include <stdlib.h>

#include "cgroup.h"
#include "plan.h"
#include "unit.h"

static int load(struct plan *plan, const char *text, struct stage_error *err)
{
	return plan_parse(plan, text, strlen(text), err);
}

static const struct cgroup_write *find(const struct cgroup_write *w, size_t n, const char *file)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(w[i].file, file) == 0)
			return &w[i];
	return NULL;
}

TEST(cgroup_path_check_rules)
{
	struct stage_error err;

	CHECK(cgroup_path_check("/baton/abc", &err) == 0);
	CHECK(cgroup_path_check("/x", &err) == 0);
	CHECK(cgroup_path_check("/", &err) < 0);
	CHECK(cgroup_path_check("baton/x", &err) < 0);
	CHECK(cgroup_path_check("/baton//x", &err) < 0);
	CHECK(cgroup_path_check("/baton/", &err) < 0);
	CHECK(cgroup_path_check("/baton/../x", &err) < 0);
	CHECK_CONTAINS(err.msg, "`..`");
	CHECK(cgroup_path_check("/baton/./x", &err) < 0);
	CHECK(cgroup_path_check("/baton/..x", &err) == 0);
}

TEST(cgroup_shares_to_weight_formula)
{
	CHECK(cgroup_shares_to_weight(2) == 1);
	CHECK(cgroup_shares_to_weight(1024) == 39);
	CHECK(cgroup_shares_to_weight(262144) == 10000);
	CHECK(cgroup_shares_to_weight(0) == 1);
}

static const char plan_text[] = "format\tbaton-plan/1\n"
				"cgroup.path\t/baton/c1\n"
				"cgroup.resource\tmemory.limit\t33554432\n"
				"cgroup.resource\tmemory.swap\t67108864\n"
				"cgroup.resource\tmemory.reservation\t-1\n"
				"cgroup.resource\tpids.limit\t0\n"
				"cgroup.resource\tcpu.shares\t1024\n"
				"cgroup.resource\tcpu.quota\t50000\n"
				"cgroup.resource\tcpu.cpus\t0-1\n";

TEST(cgroup_writes_v1)
{
	struct cgroup_write w[CGROUP_WRITES_MAX];
	struct stage_error err;
	struct plan plan;
	size_t n;

	CHECK(load(&plan, plan_text, &err) == 0);
	CHECK(cgroup_writes_from_plan(&plan, false, w, &n, &err) == 0);
	CHECK(n == 7);
	CHECK_STR(w[0].file, "memory.limit_in_bytes"); /* before memsw */
	CHECK_STR(w[1].file, "memory.memsw.limit_in_bytes");
	CHECK_STR(w[1].value, "67108864");
	CHECK(w[1].optional);
	CHECK_STR(find(w, n, "memory.soft_limit_in_bytes")->value, "-1");
	CHECK_STR(find(w, n, "pids.max")->value, "max");
	CHECK_STR(find(w, n, "cpu.shares")->controller, "cpu");
	CHECK_STR(find(w, n, "cpu.cfs_quota_us")->value, "50000");
	CHECK_STR(find(w, n, "cpuset.cpus")->value, "0-1");
	plan_release(&plan);
}

TEST(cgroup_writes_v2_converted)
{
	struct cgroup_write w[CGROUP_WRITES_MAX];
	struct stage_error err;
	struct plan plan;
	size_t n;

	CHECK(load(&plan, plan_text, &err) == 0);
	CHECK(cgroup_writes_from_plan(&plan, true, w, &n, &err) == 0);
	CHECK_STR(find(w, n, "memory.max")->value, "33554432");
	CHECK_STR(find(w, n, "memory.swap.max")->value, "33554432");
	CHECK_STR(find(w, n, "memory.low")->value, "max");
	CHECK_STR(find(w, n, "pids.max")->value, "max");
	CHECK_STR(find(w, n, "cpu.weight")->value, "39");
	CHECK_STR(find(w, n, "cpu.max")->value, "50000 100000");
	CHECK_STR(find(w, n, "cpuset.cpus")->value, "0-1");
	plan_release(&plan);
}

TEST(cgroup_writes_v2_swap_needs_limit)
{
	struct cgroup_write w[CGROUP_WRITES_MAX];
	struct stage_error err;
	struct plan plan;
	size_t n;
	const char *text = "format\tbaton-plan/1\ncgroup.resource\tmemory.swap\t100\n";

	CHECK(load(&plan, text, &err) == 0);
	CHECK(cgroup_writes_from_plan(&plan, true, w, &n, &err) < 0);
	CHECK_CONTAINS(err.msg, "memory.swap");
	CHECK(cgroup_writes_from_plan(&plan, false, w, &n, &err) == 0);
	plan_release(&plan);
}

TEST(cgroup_writes_reject_unsupported)
{
	struct cgroup_write w[CGROUP_WRITES_MAX];
	struct stage_error err;
	struct plan plan;
	size_t n;
	const char *text = "format\tbaton-plan/1\ncgroup.resource\thugepage.2MB\t100\n";

	CHECK(load(&plan, text, &err) == 0);
	CHECK(cgroup_writes_from_plan(&plan, false, w, &n, &err) < 0);
	CHECK_STR(err.msg, "linux.resources: `hugepage.2MB` is not supported yet");
	plan_release(&plan);
}

TEST(cgroup_device_rules)
{
	struct stage_error err;
	struct plan plan;
	char rule[64];
	bool allow;
	const char *text = "format\tbaton-plan/1\n"
			   "cgroup.device\t0\ta\t-1\t-1\trwm\n"
			   "cgroup.device\t1\tc\t136\t-1\trw\n"
			   "cgroup.device\t1\tb\t8\t0\t\n"
			   "cgroup.device\t1\tx\t8\t0\tr\n";

	CHECK(load(&plan, text, &err) == 0);
	const struct plan_entry *e = plan_get(&plan, "cgroup.device");
	CHECK(cgroup_device_rule(e, &allow, rule, sizeof(rule), &err) == 0);
	CHECK(!allow);
	CHECK_STR(rule, "a *:* rwm");
	e = plan_next(&plan, e, "cgroup.device");
	CHECK(cgroup_device_rule(e, &allow, rule, sizeof(rule), &err) == 0);
	CHECK(allow);
	CHECK_STR(rule, "c 136:* rw");
	e = plan_next(&plan, e, "cgroup.device");
	CHECK(cgroup_device_rule(e, &allow, rule, sizeof(rule), &err) == 0);
	CHECK_STR(rule, "b 8:0 rwm");
	e = plan_next(&plan, e, "cgroup.device");
	CHECK(cgroup_device_rule(e, &allow, rule, sizeof(rule), &err) < 0);
	plan_release(&plan);
}

int main(void)
{
	return unit_run();
}
