/*
 * The id lists (libstage/idset.c), parse-config's rules for process.scheduler,
 * process.execCPUAffinity and linux.memoryPolicy, and final-exec's reading of
 * their plan records, and linux.mountLabel's rule: each accepted and refused once.
 */
#include <errno.h>
#include <linux/mempolicy.h>
#include <string.h>

#include "idset.h"
#include "placement.h"
#include "rules.h"
#include "unit.h"

static struct stage_error err;

TEST(idset_parses_lists)
{
	struct idset set;
	unsigned long bad = 0;

	CHECK(idset_parse("0-3,7", 8, &set, &bad) == 0);
	CHECK(set.highest == 7);
	CHECK(idset_has(&set, 0) && idset_has(&set, 3) && !idset_has(&set, 4) &&
	      idset_has(&set, 7));
	idset_release(&set);
	/* sized from the highest id, never cut at a fixed size */
	CHECK(idset_parse("1000", 4096, &set, &bad) == 0);
	CHECK(idset_has(&set, 1000) && set.nwords * sizeof(unsigned long) * 8 > 1000);
	idset_release(&set);
	CHECK(idset_parse("", 8, &set, &bad) == 0 && set.highest == -1);
	idset_release(&set);
	static const char *const bad_lists[] = {"-1", "0-", "3-1", "0,,1", "a", "1 ", ",", "0,"};
	for (size_t i = 0; i < sizeof(bad_lists) / sizeof(bad_lists[0]); i++) {
		CHECK(idset_parse(bad_lists[i], 8, &set, &bad) < 0);
		CHECK(errno == EINVAL);
	}
	CHECK(idset_parse("0,9", 8, &set, &bad) < 0 && errno == ERANGE && bad == 9);
	CHECK(idset_parse("2-9", 8, &set, &bad) < 0 && errno == ERANGE && bad == 8);
}

TEST(sched_priority_per_policy)
{
	CHECK(rule_sched_priority("SCHED_FIFO", 1, &err) == 0);
	CHECK(rule_sched_priority("SCHED_RR", 99, &err) == 0);
	CHECK(rule_sched_priority("SCHED_OTHER", 0, &err) == 0);
	CHECK(rule_sched_priority("SCHED_FIFO", 0, &err) < 0);
	CHECK_STR(err.msg, "process.scheduler.priority: SCHED_FIFO takes 1..99, got 0");
	CHECK(rule_sched_priority("SCHED_RR", 100, &err) < 0);
	CHECK(rule_sched_priority("SCHED_BATCH", 1, &err) < 0);
	CHECK_STR(err.msg, "process.scheduler.priority: must be 0 for SCHED_BATCH, got 1");
}

TEST(sched_deadline_rules)
{
	CHECK(rule_sched_deadline(1024, 1024, 0, &err) == 0);
	CHECK(rule_sched_deadline(1000000, 10000000, 20000000, &err) == 0);
	CHECK(rule_sched_deadline(0, 10000, 0, &err) < 0);
	CHECK_STR(err.msg, "process.scheduler.runtime: required for SCHED_DEADLINE");
	CHECK(rule_sched_deadline(2000, 0, 0, &err) < 0);
	CHECK_STR(err.msg, "process.scheduler.deadline: required for SCHED_DEADLINE");
	CHECK(rule_sched_deadline(1023, 10000, 0, &err) < 0);
	CHECK_STR(err.msg, "process.scheduler.runtime: at least 1024 ns, got 1023");
	CHECK(rule_sched_deadline(2000, 1000000, 1ULL << 63, &err) < 0);
	CHECK_STR(err.msg, "process.scheduler.period: must be below 2^63 ns");
	CHECK(rule_sched_deadline(20000, 10000, 0, &err) < 0);
	CHECK_STR(err.msg, "process.scheduler.runtime: 20000 is over the deadline 10000");
	CHECK(rule_sched_deadline(2000, 10000, 5000, &err) < 0);
	CHECK_STR(err.msg, "process.scheduler.deadline: 10000 is over the period 5000");
}

TEST(id_list_rule)
{
	CHECK(rule_id_list("p", "0-1", 2, "cpus", &err) == 0);
	CHECK(rule_id_list("p", "0-2", 2, "cpus", &err) < 0);
	CHECK_STR(err.msg, "p: cpus 2 in \"0-2\": this host has cpus 0-1");
	CHECK(rule_id_list("p", "x", 2, "cpus", &err) < 0);
	CHECK_STR(err.msg, "p: \"x\" is not a list like 0-3,7");
}

TEST(mempolicy_rules)
{
	CHECK(rule_mempolicy("MPOL_BIND", MPOL_F_NUMA_BALANCING | MPOL_F_STATIC_NODES, "0", &err) ==
	      0);
	CHECK(rule_mempolicy("MPOL_DEFAULT", 0, NULL, &err) == 0);
	CHECK(rule_mempolicy("MPOL_LOCAL", 0, "", &err) == 0);
	CHECK(rule_mempolicy("MPOL_BIND", MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES, "0", &err) <
	      0);
	CHECK_CONTAINS(err.msg, "exclude each other");
	CHECK(rule_mempolicy("MPOL_PREFERRED", MPOL_F_NUMA_BALANCING, "0", &err) < 0);
	CHECK_STR(
	    err.msg,
	    "linux.memoryPolicy.flags: MPOL_F_NUMA_BALANCING needs MPOL_BIND, not MPOL_PREFERRED");
	CHECK(rule_mempolicy("MPOL_DEFAULT", 0, "0", &err) < 0);
	CHECK_STR(err.msg, "linux.memoryPolicy.nodes: MPOL_DEFAULT takes no nodes");
	CHECK(rule_mempolicy("MPOL_LOCAL", MPOL_F_RELATIVE_NODES, NULL, &err) < 0);
	CHECK_STR(err.msg, "linux.memoryPolicy.flags: MPOL_LOCAL takes no flags");
	CHECK(rule_mempolicy("MPOL_INTERLEAVE", 0, "", &err) < 0);
	CHECK_STR(err.msg, "linux.memoryPolicy.nodes: required for MPOL_INTERLEAVE");
}

TEST(mount_label_rule)
{
	CHECK(rule_mount_label("system_u:object_r:container_file_t:s0", false, &err) == 0);
	CHECK(rule_mount_label("system_u:object_r:container_file_t:s0", true, &err) < 0);
	CHECK_STR(err.msg, "linux.mountLabel: `system_u:object_r:container_file_t:s0`: not "
			   "supported yet on a host with SELinux enabled");
}

TEST(intel_rdt_rule)
{
	CHECK(rule_intel_rdt(false, &err) < 0);
	CHECK_STR(err.msg, "linux.intelRdt: resctrl is not mounted on this host (/sys/fs/resctrl), "
			   "and baton does not support Intel RDT");
	CHECK(rule_intel_rdt(true, &err) < 0);
	CHECK_STR(err.msg, "linux.intelRdt: not supported yet");
}

/* final-exec reads what parse-config wrote (schemas/plan.md). */
TEST(final_exec_loads_the_records)
{
	static const char text[] =
	    "format\tbaton-plan/1\n"
	    "process.scheduler\tSCHED_DEADLINE\t6\t0\t0\t0x4\t1000000\t10000000\t20000000\n"
	    "process.io-priority\tIOPRIO_CLASS_BE\t2\t6\n"
	    "process.cpu-affinity.final\t0-1\n"
	    "memory-policy\tMPOL_BIND\t2\t0x8000\t0\n";
	struct plan plan;
	struct sched_spec s;

	CHECK(plan_parse(&plan, text, strlen(text), &err) == 0);
	CHECK(sched_spec_load(&s, &plan, &err) == 0);
	CHECK(s.has_scheduler && s.policy == 6 && s.flags == 4 && s.runtime == 1000000 &&
	      s.deadline == 10000000 && s.period == 20000000);
	CHECK(s.has_io_priority && s.io_priority == ((2 << 13) | 6));
	CHECK(!s.cpus_initial && s.cpus_final && idset_has(&s.final, 1));
	CHECK(s.has_memory_policy && s.mempolicy == (2 | MPOL_F_STATIC_NODES) &&
	      idset_has(&s.nodes, 0));
	sched_spec_release(&s);
	plan_release(&plan);
}

int main(void)
{
	return unit_run();
}
