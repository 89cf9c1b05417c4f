/*
 * The device cgroup of cgroup v2: an eBPF program of type
 * BPF_PROG_TYPE_CGROUP_DEVICE, built from the plan's cgroup.device records
 * plus the devices every container gets, loaded and attached with the bpf
 * syscall (no libbpf, so that it builds with musl).
 *
 * v1 applies the rules in order and the last matching one decides; the
 * program checks them from the last to the first and returns at the first
 * match, which is the same. No match: denied.
 */
#include "cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "stage.h"

/*
 * The devices of runc's and crun's default list, after the config's rules:
 * mknod of any node (`c *:* m`, `b *:* m`), so that mount-rootfs can make
 * the linux.devices nodes in the joined cgroup; opening one still needs a
 * rule of the config, as there.
 */
const struct cgroup_device_rule cgroup_default_devices[CGROUP_DEFAULT_DEVICES] = {
    {true, 'c', -1, -1, BPF_DEVCG_ACC_MKNOD},
    {true, 'b', -1, -1, BPF_DEVCG_ACC_MKNOD},
    {true, 'c', 1, 3, 7},
    {true, 'c', 1, 5, 7},
    {true, 'c', 1, 7, 7},
    {true, 'c', 1, 8, 7},
    {true, 'c', 1, 9, 7},
    {true, 'c', 5, 0, 7},
    {true, 'c', 5, 1, 7},
    {true, 'c', 5, 2, 7},
    {true, 'c', 136, -1, 7},
};

static struct bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	return (struct bpf_insn){
	    .code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm};
}

/* access letters to BPF_DEVCG_ACC_* bits */
static int access_bits(const char *access)
{
	int bits = 0;

	for (const char *p = *access ? access : "rwm"; *p; p++)
		bits |= *p == 'r'   ? BPF_DEVCG_ACC_READ
			: *p == 'w' ? BPF_DEVCG_ACC_WRITE
			: *p == 'm' ? BPF_DEVCG_ACC_MKNOD
				    : 0;
	return bits;
}

int cgroup_device_rule_parse(const struct plan_entry *e, struct cgroup_device_rule *r,
			     struct stage_error *err)
{
	const char *type = plan_field(e, 1);
	int64_t major, minor;

	if (strcmp(type, "a") != 0 && strcmp(type, "c") != 0 && strcmp(type, "b") != 0)
		return stage_fail(err, EINVAL, "plan line %u: device type `%s`", e->line, type);
	if (plan_field_i64(e, 2, &major, err) < 0 || plan_field_i64(e, 3, &minor, err) < 0)
		return -1;
	*r = (struct cgroup_device_rule){.allow = strcmp(plan_field(e, 0), "1") == 0,
					 .type = type[0],
					 .major = major,
					 .minor = minor,
					 .access = access_bits(plan_field(e, 4))};
	return 0;
}

/* One rule: checks that jump to the next rule on a mismatch, then the verdict. */
static int emit_rule(const struct cgroup_device_rule *r, struct bpf_insn *p, size_t room)
{
	struct bpf_insn block[8];
	size_t n = 0;
	int jumps[4], nj = 0;

	if (r->type != 'a') {
		jumps[nj++] = (int)n;
		block[n++] = insn(BPF_JMP32 | BPF_JNE | BPF_K, 2, 0, 0,
				  r->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR);
	}
	if ((r->access & 7) != 7) {
		/* every access asked for must be in the rule: (asked & ~rule) == 0 */
		block[n++] = insn(BPF_ALU | BPF_MOV | BPF_X, 1, 3, 0, 0);
		block[n++] = insn(BPF_ALU | BPF_AND | BPF_K, 1, 0, 0, ~r->access & 7);
		jumps[nj++] = (int)n;
		block[n++] = insn(BPF_JMP32 | BPF_JNE | BPF_K, 1, 0, 0, 0);
	}
	if (r->major >= 0) {
		jumps[nj++] = (int)n;
		block[n++] = insn(BPF_JMP32 | BPF_JNE | BPF_K, 4, 0, 0, (int32_t)r->major);
	}
	if (r->minor >= 0) {
		jumps[nj++] = (int)n;
		block[n++] = insn(BPF_JMP32 | BPF_JNE | BPF_K, 5, 0, 0, (int32_t)r->minor);
	}
	block[n++] = insn(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, r->allow ? 1 : 0);
	block[n++] = insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	if (n > room)
		return -1;
	for (int j = 0; j < nj; j++)
		block[jumps[j]].off = (int16_t)(n - (size_t)jumps[j] - 1);
	memcpy(p, block, n * sizeof(*block));
	return (int)n;
}

int cgroup_device_program(const struct plan *plan, struct bpf_insn *prog, size_t max, size_t *len,
			  struct stage_error *err)
{
	struct cgroup_device_rule rules[CGROUP_DEVICE_RULES_MAX];
	size_t nrules = 0, n = 0;

	plan_for_each(plan, "cgroup.device", e)
	{
		if (nrules == CGROUP_DEVICE_RULES_MAX)
			return stage_fail(err, E2BIG, "more than %d device cgroup rules",
					  CGROUP_DEVICE_RULES_MAX);
		if (cgroup_device_rule_parse(e, &rules[nrules++], err) < 0)
			return -1;
	}
	for (size_t i = 0; i < CGROUP_DEFAULT_DEVICES; i++)
		rules[nrules++] = cgroup_default_devices[i];
	if (max < 8)
		return stage_fail(err, E2BIG, "device cgroup program: no room");
	/* r2 = type, r3 = access, r4 = major, r5 = minor (struct bpf_cgroup_dev_ctx) */
	prog[n++] = insn(BPF_LDX | BPF_MEM | BPF_W, 2, 1, 0, 0);
	prog[n++] = insn(BPF_ALU | BPF_AND | BPF_K, 2, 0, 0, 0xffff);
	prog[n++] = insn(BPF_LDX | BPF_MEM | BPF_W, 3, 1, 0, 0);
	prog[n++] = insn(BPF_ALU | BPF_RSH | BPF_K, 3, 0, 0, 16);
	prog[n++] = insn(BPF_LDX | BPF_MEM | BPF_W, 4, 1, 4, 0);
	prog[n++] = insn(BPF_LDX | BPF_MEM | BPF_W, 5, 1, 8, 0);
	while (nrules-- > 0) {
		int k = emit_rule(&rules[nrules], prog + n, max - n - 2);

		if (k < 0)
			return stage_fail(err, E2BIG, "device cgroup program: too many rules");
		n += (size_t)k;
		/* a rule that matches every device ends the program (the verifier rejects dead
		 * code) */
		if (k == 2) {
			*len = n;
			return 0;
		}
	}
	prog[n++] = insn(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0);
	prog[n++] = insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	*len = n;
	return 0;
}

static int bpf(int cmd, union bpf_attr *attr)
{
	return (int)syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

static int load_program(const struct bpf_insn *prog, size_t n, char *log, size_t log_size)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	attr.insns = (uint64_t)(uintptr_t)prog;
	attr.insn_cnt = (uint32_t)n;
	attr.license = (uint64_t)(uintptr_t) "GPL";
	if (log) {
		attr.log_buf = (uint64_t)(uintptr_t)log;
		attr.log_size = (uint32_t)log_size;
		attr.log_level = 1;
	}
	return bpf(BPF_PROG_LOAD, &attr);
}

/* The verifier's verdict: the line before its statistics. */
static const char *verifier_reason(const struct bpf_insn *prog, size_t n)
{
	static char log[65536];
	char *end, *start;

	log[0] = '\0';
	close(load_program(prog, n, log, sizeof(log)));
	log[sizeof(log) - 1] = '\0';
	end = strstr(log, "\nprocessed ");
	if (!end)
		end = log + strlen(log);
	*end = '\0';
	start = strrchr(log, '\n');
	return start ? start + 1 : log;
}

/* The ids of the device programs attached to cgroup_fd now. */
static int attached_programs(int cgroup_fd, uint32_t *ids, uint32_t *n, struct stage_error *err)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.query.target_fd = (uint32_t)cgroup_fd;
	attr.query.attach_type = BPF_CGROUP_DEVICE;
	attr.query.prog_ids = (uint64_t)(uintptr_t)ids;
	attr.query.prog_cnt = *n;
	if (bpf(BPF_PROG_QUERY, &attr) < 0)
		return stage_fail(err, errno, "query the device cgroup programs");
	*n = attr.query.prog_cnt;
	return 0;
}

static int detach_program(int cgroup_fd, uint32_t id, struct stage_error *err)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_id = id;
	autoclose int prog_fd = bpf(BPF_PROG_GET_FD_BY_ID, &attr);
	if (prog_fd < 0)
		return errno == ENOENT ? 0 : stage_fail(err, errno, "open device program %u", id);
	memset(&attr, 0, sizeof(attr));
	attr.target_fd = (uint32_t)cgroup_fd;
	attr.attach_bpf_fd = (uint32_t)prog_fd;
	attr.attach_type = BPF_CGROUP_DEVICE;
	if (bpf(BPF_PROG_DETACH, &attr) < 0 && errno != ENOENT)
		return stage_fail(err, errno, "detach device program %u", id);
	return 0;
}

int cgroup_device_attach(const char *dir, const struct plan *plan, bool replace,
			 struct stage_error *err)
{
	static struct bpf_insn prog[CGROUP_DEVICE_INSNS_MAX];
	uint32_t old[64], nold = 64;
	union bpf_attr attr;
	size_t n;

	if (cgroup_device_program(plan, prog, CGROUP_DEVICE_INSNS_MAX, &n, err) < 0)
		return -1;
	autoclose int cgroup_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cgroup_fd < 0)
		return stage_fail(err, errno, "open cgroup `%s`", dir);
	if (!replace)
		nold = 0;
	else if (attached_programs(cgroup_fd, old, &nold, err) < 0)
		return -1;
	autoclose int prog_fd = load_program(prog, n, NULL, 0);
	if (prog_fd < 0) {
		int e = errno;

		return stage_fail(err, e, "load the device cgroup program for `%s`: %s", dir,
				  e == EINVAL ? verifier_reason(prog, n) : "");
	}
	memset(&attr, 0, sizeof(attr));
	attr.target_fd = (uint32_t)cgroup_fd;
	attr.attach_bpf_fd = (uint32_t)prog_fd;
	attr.attach_type = BPF_CGROUP_DEVICE;
	attr.attach_flags = BPF_F_ALLOW_MULTI;
	if (bpf(BPF_PROG_ATTACH, &attr) < 0)
		return stage_fail(err, errno, "attach the device cgroup program to `%s`", dir);
	/* the new program is in place before the old ones go: no moment without rules */
	for (uint32_t i = 0; i < nold; i++)
		if (detach_program(cgroup_fd, old[i], err) < 0)
			return -1;
	stage_debug("device cgroup program of %zu instructions attached to %s", n, dir);
	return 0;
}
