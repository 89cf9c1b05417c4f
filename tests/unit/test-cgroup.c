/* Unit tests of libstage/cgroup.c: the pure parts (paths, plan to files, conversions). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bpf.h>

#include "cgroup.h"
#include "plan.h"
#include "unit.h"

static int load(struct plan *plan, const char *text, struct stage_error *err)
{
	return plan_parse(plan, text, strlen(text), err);
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

/* The writes for one set of resources, as "file=value" (alt "|alt=value") joined by "; ". */
static void render(const char *resources, bool v2, char *out, size_t size)
{
	char text[2048];
	struct cgroup_write w[CGROUP_WRITES_MAX];
	struct stage_error err;
	struct plan plan;
	size_t n, len = 0;

	snprintf(text, sizeof(text), "format\tbaton-plan/1\n%s", resources);
	if (load(&plan, text, &err) < 0) {
		snprintf(out, size, "bad plan: %s", err.msg);
		return;
	}
	if (cgroup_writes_from_plan(&plan, v2, w, &n, &err) < 0) {
		snprintf(out, size, "error: %s", err.msg);
		plan_release(&plan);
		return;
	}
	out[0] = '\0';
	for (size_t i = 0; i < n && len < size; i++)
		len += (size_t)snprintf(out + len, size - len, "%s%s%s=%s%s%s%s%s", i ? "; " : "",
					w[i].optional ? "?" : "", w[i].file, w[i].value,
					w[i].alt_file[0] ? "|" : "", w[i].alt_file,
					w[i].alt_file[0] ? "=" : "", w[i].alt_value);
	plan_release(&plan);
}

#define R(name, value) "cgroup.resource\t" name "\t" value "\n"

/* Each resource, value by value, on v1 and on v2 (crun's conversions). */
static const struct {
	const char *resources, *v1, *v2;
} cases[] = {
    {R("memory.limit", "33554432"), "memory.limit_in_bytes=33554432", "memory.max=33554432"},
    {R("memory.limit", "-1"), "memory.limit_in_bytes=-1", "memory.max=max"},
    {R("memory.limit", "33554432") R("memory.swap", "67108864"),
     "memory.limit_in_bytes=33554432; ?memory.memsw.limit_in_bytes=67108864",
     "memory.max=33554432; memory.swap.max=33554432"},
    {R("memory.limit", "100") R("memory.swap", "-1"),
     "memory.limit_in_bytes=100; ?memory.memsw.limit_in_bytes=-1",
     "memory.max=100; memory.swap.max=max"},
    {R("memory.swap", "100"), "?memory.memsw.limit_in_bytes=100",
     "error: linux.resources.memory.swap: needs a memory limit on cgroup v2"},
    {R("memory.limit", "200") R("memory.swap", "100"),
     "memory.limit_in_bytes=200; ?memory.memsw.limit_in_bytes=100",
     "error: linux.resources.memory.swap: 100 is below the memory limit 200"},
    {R("memory.reservation", "1048576"), "memory.soft_limit_in_bytes=1048576",
     "memory.low=1048576"},
    {R("memory.reservation", "-1"), "memory.soft_limit_in_bytes=-1", "memory.low=max"},
    {R("memory.kernel", "1048576"), "?memory.kmem.limit_in_bytes=1048576", ""},
    {R("memory.kernel-tcp", "1048576"), "memory.kmem.tcp.limit_in_bytes=1048576", ""},
    {R("memory.swappiness", "10"), "memory.swappiness=10", ""},
    {R("memory.disable-oom-killer", "1"), "memory.oom_control=1", ""},
    {R("memory.disable-oom-killer", "0"), "", ""},
    {R("memory.use-hierarchy", "1"), "?memory.use_hierarchy=1", ""},
    {R("pids.limit", "42"), "pids.max=42", "pids.max=42"},
    {R("pids.limit", "0"), "pids.max=max", "pids.max=max"},
    {R("pids.limit", "-1"), "pids.max=max", "pids.max=max"},
    {R("cpu.shares", "1024"), "cpu.shares=1024", "cpu.weight=39"},
    {R("cpu.shares", "2"), "cpu.shares=2", "cpu.weight=1"},
    {R("cpu.shares", "262144"), "cpu.shares=262144", "cpu.weight=10000"},
    {R("cpu.shares", "0"), "", ""},
    {R("cpu.quota", "50000") R("cpu.period", "100000"),
     "cpu.cfs_period_us=100000; cpu.cfs_quota_us=50000", "cpu.max=50000 100000"},
    {R("cpu.quota", "50000"), "cpu.cfs_quota_us=50000", "cpu.max=50000"},
    {R("cpu.quota", "-1"), "cpu.cfs_quota_us=-1", "cpu.max=max"},
    {R("cpu.period", "20000"), "cpu.cfs_period_us=20000", "cpu.max=max 20000"},
    {R("cpu.quota", "-1") R("cpu.period", "20000"), "cpu.cfs_period_us=20000; cpu.cfs_quota_us=-1",
     "cpu.max=max 20000"},
    {R("cpu.burst", "1000"), "cpu.cfs_burst_us=1000", "cpu.max.burst=1000"},
    {R("cpu.realtime-runtime", "950") R("cpu.realtime-period", "1000"),
     "cpu.rt_period_us=1000; cpu.rt_runtime_us=950",
     "error: linux.resources: `cpu.realtime-period` has no equivalent on cgroup v2"},
    {R("cpu.idle", "1"), "cpu.idle=1", "cpu.idle=1"},
    {R("cpu.cpus", "0-1") R("cpu.mems", "0"), "cpuset.cpus=0-1; cpuset.mems=0",
     "cpuset.cpus=0-1; cpuset.mems=0"},
    {R("cpu.cpus", ""), "", ""},
    {R("blockio.weight", "500"), "blkio.weight=500|blkio.bfq.weight=500",
     "io.bfq.weight=500|io.weight=4950"},
    {R("blockio.weight", "10"), "blkio.weight=10|blkio.bfq.weight=10",
     "io.bfq.weight=10|io.weight=1"},
    {R("blockio.weight", "1000"), "blkio.weight=1000|blkio.bfq.weight=1000",
     "io.bfq.weight=1000|io.weight=10000"},
    {R("blockio.leaf-weight", "300"), "blkio.leaf_weight=300",
     "error: linux.resources: `blockio.leaf-weight` has no equivalent on cgroup v2"},
    {R("blockio.weight-device.8:0", "300"),
     "blkio.weight_device=8:0 300|blkio.bfq.weight_device=8:0 300",
     "io.bfq.weight=8:0 300|io.weight=8:0 2930"},
    {R("blockio.leaf-weight-device.8:0", "300"), "blkio.leaf_weight_device=8:0 300",
     "error: linux.resources: `blockio.leafWeight` has no equivalent on cgroup v2"},
    {R("blockio.throttle-read-bps.8:0", "1048576") R("blockio.throttle-write-bps.8:0", "2")
	 R("blockio.throttle-read-iops.8:16", "3") R("blockio.throttle-write-iops.8:16", "4"),
     "blkio.throttle.read_bps_device=8:0 1048576; blkio.throttle.write_bps_device=8:0 2; "
     "blkio.throttle.read_iops_device=8:16 3; blkio.throttle.write_iops_device=8:16 4",
     "io.max=8:0 rbps=1048576; io.max=8:0 wbps=2; io.max=8:16 riops=3; io.max=8:16 wiops=4"},
    {R("hugepage.2MB", "4194304"),
     "hugetlb.2MB.limit_in_bytes=4194304; ?hugetlb.2MB.rsvd.limit_in_bytes=4194304",
     "hugetlb.2MB.max=4194304; ?hugetlb.2MB.rsvd.max=4194304"},
    {R("network.class-id", "1048577"), "net_cls.classid=1048577",
     "error: linux.resources: `network.class-id` has no equivalent on cgroup v2"},
    {R("network.priority.eth0", "5"), "net_prio.ifpriomap=eth0 5",
     "error: linux.resources: `network.priorities` has no equivalent on cgroup v2"},
    {R("rdma.mlx5_1", "hca_handle=3 hca_object=max"), "rdma.max=mlx5_1 hca_handle=3 hca_object=max",
     "rdma.max=mlx5_1 hca_handle=3 hca_object=max"},
    {R("unified.memory.high", "1000000") R("unified.cgroup.max.depth", "4"),
     "error: linux.resources.unified.memory.high: cgroup v2 keys need a cgroup v2 host (this one "
     "has cgroup v1 controllers)",
     "memory.high=1000000; cgroup.max.depth=4"},
    {R("memory.foo", "1"), "error: linux.resources: `memory.foo` is not supported",
     "error: linux.resources: `memory.foo` is not supported"},
    {R("memory.limit", "12x"), "error: linux.resources: `memory.limit`: not a number: `12x`",
     "error: linux.resources: `memory.limit`: not a number: `12x`"},
};

TEST(cgroup_writes_table)
{
	char got[4096];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		render(cases[i].resources, false, got, sizeof(got));
		CHECK_STR(got, cases[i].v1);
		render(cases[i].resources, true, got, sizeof(got));
		CHECK_STR(got, cases[i].v2);
	}
}

TEST(cgroup_writes_unified_controller)
{
	struct cgroup_write w[CGROUP_WRITES_MAX];
	struct stage_error err;
	struct plan plan;
	size_t n;
	const char *text = "format\tbaton-plan/1\n" R("unified.io.max", "8:0 rbps=1")
	    R("unified.cgroup.freeze", "0");

	CHECK(load(&plan, text, &err) == 0);
	CHECK(cgroup_writes_from_plan(&plan, true, w, &n, &err) == 0);
	CHECK(n == 2);
	CHECK_STR(w[0].controller, "io");
	CHECK_STR(w[1].controller, "cgroup");
	plan_release(&plan);
}

TEST(cgroup_writes_update_swap_uses_current_limit)
{
	struct cgroup_write w[CGROUP_WRITES_MAX];
	struct stage_error err;
	struct plan plan;
	size_t n;

	CHECK(load(&plan, "format\tbaton-plan/1\n" R("memory.swap", "300"), &err) == 0);
	CHECK(cgroup_writes_for_update(&plan, true, 100, w, &n, &err) == 0);
	CHECK(n == 1);
	CHECK_STR(w[0].file, "memory.swap.max");
	CHECK_STR(w[0].value, "200");
	CHECK(cgroup_writes_for_update(&plan, true, -1, w, &n, &err) < 0);
	CHECK_STR(err.msg, "linux.resources.memory.swap: needs a memory limit on cgroup v2");
	plan_release(&plan);
}

TEST(cgroup_blkio_weight_formula)
{
	CHECK(cgroup_blkio_to_io_weight(10) == 1);
	CHECK(cgroup_blkio_to_io_weight(500) == 4950);
	CHECK(cgroup_blkio_to_io_weight(1000) == 10000);
	CHECK(cgroup_blkio_to_io_weight(1) == 1);
}

/* Writes whose file a host may lack name their config field, for cgroup-setup's error. */
TEST(cgroup_writes_name_their_field)
{
	static const char text[] = "format\tbaton-plan/1\n" R("blockio.weight", "300")
	    R("blockio.weight-device.8:0", "200") R("cpu.realtime-runtime", "1000")
		R("hugepage.2MB", "4194304") R("memory.limit", "1000000");
	struct cgroup_write w[CGROUP_WRITES_MAX];
	struct stage_error err;
	struct plan plan;
	size_t n;

	CHECK(load(&plan, text, &err) == 0);
	CHECK(cgroup_writes_from_plan(&plan, false, w, &n, &err) == 0);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(w[i].file, "blkio.weight") == 0) {
			CHECK_STR(w[i].field, "linux.resources.blockIO.weight");
			CHECK_STR(w[i].alt_file, "blkio.bfq.weight");
			CHECK_CONTAINS(w[i].why, "bfq");
		} else if (strcmp(w[i].file, "blkio.weight_device") == 0) {
			CHECK_STR(w[i].field, "linux.resources.blockIO.weightDevice");
		} else if (strcmp(w[i].file, "cpu.rt_runtime_us") == 0) {
			CHECK_STR(w[i].field, "linux.resources.cpu.realtimeRuntime");
			CHECK_CONTAINS(w[i].why, "CONFIG_RT_GROUP_SCHED");
		} else if (strncmp(w[i].file, "hugetlb.", 8) == 0) {
			CHECK_STR(w[i].field, "linux.resources.hugepageLimits");
		} else {
			CHECK(w[i].field ==
			      NULL); /* memory.limit_in_bytes: every memory cgroup has it */
		}
	}
	CHECK(n == 6);
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

/* A tiny interpreter of the instructions cgroup_device_program emits. */
static int run_device_program(const struct bpf_insn *prog, size_t n, char type, uint32_t major,
			      uint32_t minor, const char *access)
{
	uint32_t ctx[3] = {0, major, minor};
	uint64_t r[11] = {0};
	int acc = 0;

	for (const char *p = access; *p; p++)
		acc |= *p == 'r'   ? BPF_DEVCG_ACC_READ
		       : *p == 'w' ? BPF_DEVCG_ACC_WRITE
				   : BPF_DEVCG_ACC_MKNOD;
	ctx[0] = (uint32_t)acc << 16 | (type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR);
	for (size_t pc = 0; pc < n; pc++) {
		const struct bpf_insn *x = &prog[pc];

		switch (x->code) {
		case BPF_LDX | BPF_MEM | BPF_W:
			r[x->dst_reg] = ctx[x->off / 4];
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			r[x->dst_reg] = (uint32_t)(r[x->dst_reg] & (uint32_t)x->imm);
			break;
		case BPF_ALU | BPF_RSH | BPF_K:
			r[x->dst_reg] = (uint32_t)r[x->dst_reg] >> x->imm;
			break;
		case BPF_ALU | BPF_MOV | BPF_X:
			r[x->dst_reg] = (uint32_t)r[x->src_reg];
			break;
		case BPF_ALU64 | BPF_MOV | BPF_K:
			r[x->dst_reg] = (uint64_t)(int64_t)x->imm;
			break;
		case BPF_JMP32 | BPF_JNE | BPF_K:
			if ((uint32_t)r[x->dst_reg] != (uint32_t)x->imm)
				pc += (size_t)x->off;
			break;
		case BPF_JMP | BPF_EXIT:
			return (int)r[0];
		default:
			return -1;
		}
	}
	return -2; /* fell off the end */
}

TEST(cgroup_device_program_decides_like_v1)
{
	static struct bpf_insn prog[CGROUP_DEVICE_INSNS_MAX];
	struct stage_error err;
	struct plan plan;
	size_t n;
	const char *text = "format\tbaton-plan/1\n"
			   "cgroup.device\t0\ta\t-1\t-1\trwm\n"
			   "cgroup.device\t1\tc\t10\t200\tr\n"
			   "cgroup.device\t1\tb\t8\t-1\trw\n"
			   "cgroup.device\t0\tb\t8\t3\tw\n"
			   "cgroup.device\t1\tc\t4294967295\t1\trwm\n";

	CHECK(load(&plan, text, &err) == 0);
	CHECK(cgroup_device_program(&plan, prog, CGROUP_DEVICE_INSNS_MAX, &n, &err) == 0);
	CHECK(run_device_program(prog, n, 'c', 1, 3, "rwm") == 1);  /* default /dev/null */
	CHECK(run_device_program(prog, n, 'c', 136, 7, "rw") == 1); /* default pts */
	CHECK(run_device_program(prog, n, 'b', 1, 3, "r") == 0);    /* block 1:3 is no default */
	CHECK(run_device_program(prog, n, 'c', 10, 200, "r") == 1);
	CHECK(run_device_program(prog, n, 'c', 10, 200, "w") == 0);
	CHECK(run_device_program(prog, n, 'c', 10, 200, "rw") == 0);
	CHECK(run_device_program(prog, n, 'c', 10, 201, "r") == 0);
	CHECK(run_device_program(prog, n, 'b', 8, 0, "rw") == 1);
	/* mknod of any node is a default (runc's and crun's `c *:* m`, `b *:* m`) */
	CHECK(run_device_program(prog, n, 'b', 8, 0, "m") == 1);
	CHECK(run_device_program(prog, n, 'c', 10, 201, "m") == 1);
	CHECK(run_device_program(prog, n, 'c', 10, 201, "rm") == 0);
	CHECK(run_device_program(prog, n, 'b', 8, 3, "r") == 1); /* the deny is write only */
	CHECK(run_device_program(prog, n, 'b', 8, 3, "w") == 0); /* the later deny wins */
	CHECK(run_device_program(prog, n, 'c', 4294967295u, 1, "m") == 1);
	CHECK(run_device_program(prog, n, 'c', 4, 1, "r") == 0);
	plan_release(&plan);
}

TEST(cgroup_device_program_allow_all)
{
	static struct bpf_insn prog[CGROUP_DEVICE_INSNS_MAX];
	struct stage_error err;
	struct plan plan;
	size_t n;

	CHECK(load(&plan, "format\tbaton-plan/1\ncgroup.device\t1\ta\t-1\t-1\trwm\n", &err) == 0);
	CHECK(cgroup_device_program(&plan, prog, CGROUP_DEVICE_INSNS_MAX, &n, &err) == 0);
	CHECK(run_device_program(prog, n, 'b', 259, 0, "rwm") == 1);
	plan_release(&plan);
	CHECK(load(&plan, "format\tbaton-plan/1\ncgroup.device\t1\tx\t-1\t-1\trwm\n", &err) == 0);
	CHECK(cgroup_device_program(&plan, prog, CGROUP_DEVICE_INSNS_MAX, &n, &err) < 0);
	CHECK_CONTAINS(err.msg, "device type `x`");
	plan_release(&plan);
}

int main(void)
{
	return unit_run();
}
