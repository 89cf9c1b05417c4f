#include "verdict.h"

#include <seccomp.h>
#include <stdbool.h>
#include <string.h>
#include <sys/syscall.h>

#include "stage.h"

struct bpf_machine {
	uint32_t a, x, mem[BPF_MEMWORDS];
	const struct seccomp_data *data;
};

static bool load_word(const struct bpf_machine *m, uint32_t off, uint32_t *out)
{
	if (off % 4 != 0 || off + 4 > sizeof(*m->data))
		return false;
	memcpy(out, (const char *)m->data + off, 4);
	return true;
}

static bool alu(struct bpf_machine *m, uint16_t code, uint32_t k)
{
	uint32_t v = BPF_SRC(code) == BPF_X ? m->x : k;

	switch (BPF_OP(code)) {
	case BPF_ADD:
		m->a += v;
		return true;
	case BPF_SUB:
		m->a -= v;
		return true;
	case BPF_MUL:
		m->a *= v;
		return true;
	case BPF_DIV:
		if (!v)
			return false;
		m->a /= v;
		return true;
	case BPF_MOD:
		if (!v)
			return false;
		m->a %= v;
		return true;
	case BPF_OR:
		m->a |= v;
		return true;
	case BPF_AND:
		m->a &= v;
		return true;
	case BPF_XOR:
		m->a ^= v;
		return true;
	case BPF_LSH:
		m->a = v < 32 ? m->a << v : 0;
		return true;
	case BPF_RSH:
		m->a = v < 32 ? m->a >> v : 0;
		return true;
	case BPF_NEG:
		m->a = -m->a;
		return true;
	}
	return false;
}

/* The next pc after a jump at pc, or 0 (never a forward target) for a bad one. */
static size_t jump(const struct bpf_machine *m, const struct sock_filter *i, size_t pc)
{
	uint32_t v = BPF_SRC(i->code) == BPF_X ? m->x : i->k;
	bool taken;

	switch (BPF_OP(i->code)) {
	case BPF_JA:
		return pc + 1 + i->k;
	case BPF_JEQ:
		taken = m->a == v;
		break;
	case BPF_JGT:
		taken = m->a > v;
		break;
	case BPF_JGE:
		taken = m->a >= v;
		break;
	case BPF_JSET:
		taken = (m->a & v) != 0;
		break;
	default:
		return 0;
	}
	return pc + 1 + (taken ? i->jt : i->jf);
}

/* The value a load reads; false for what seccomp programs cannot contain. */
static bool load_value(const struct bpf_machine *m, const struct sock_filter *i, uint32_t *v)
{
	switch (BPF_MODE(i->code)) {
	case BPF_ABS:
		return BPF_SIZE(i->code) == BPF_W && load_word(m, i->k, v);
	case BPF_IMM:
		*v = i->k;
		return true;
	case BPF_LEN:
		*v = sizeof(*m->data);
		return true;
	case BPF_MEM:
		if (i->k >= BPF_MEMWORDS)
			return false;
		*v = m->mem[i->k];
		return true;
	}
	return false;
}

/* One load (into A or X) or store (of A or X into scratch memory). */
static bool load_store(struct bpf_machine *m, const struct sock_filter *i)
{
	switch (BPF_CLASS(i->code)) {
	case BPF_LD:
		return load_value(m, i, &m->a);
	case BPF_LDX:
		return load_value(m, i, &m->x);
	case BPF_ST:
	case BPF_STX:
		if (i->k >= BPF_MEMWORDS)
			return false;
		m->mem[i->k] = BPF_CLASS(i->code) == BPF_ST ? m->a : m->x;
		return true;
	}
	return false;
}

int bpf_verdict(const struct sock_filter *prog, size_t len, const struct seccomp_data *d,
		uint32_t *ret)
{
	struct bpf_machine m = {.data = d};
	size_t pc = 0;

	/* the kernel only accepts forward jumps, so this ends within len steps */
	while (pc < len) {
		const struct sock_filter *i = &prog[pc];

		switch (BPF_CLASS(i->code)) {
		case BPF_RET:
			*ret = BPF_RVAL(i->code) == BPF_A ? m.a : i->k;
			return 0;
		case BPF_JMP:
			if ((pc = jump(&m, i, pc)) == 0)
				return -1;
			continue;
		case BPF_ALU:
			if (!alu(&m, i->code, i->k))
				return -1;
			break;
		case BPF_MISC:
			if (BPF_MISCOP(i->code) == BPF_TAX)
				m.x = m.a;
			else
				m.a = m.x;
			break;
		default:
			if (!load_store(&m, i))
				return -1;
		}
		pc++;
	}
	return -1;
}

/* Whether a return value ends (or may end) the calling process or thread. */
static bool terminates(uint32_t ret)
{
	switch (ret & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_ALLOW:
	case SECCOMP_RET_LOG:
	case SECCOMP_RET_USER_NOTIF: /* the agent may let it through */
	case SECCOMP_RET_KILL_PROCESS:
	case SECCOMP_RET_KILL_THREAD:
	case SECCOMP_RET_TRAP: /* SIGSYS, whose default action ends the process */
		return true;
	}
	return false;
}

int seccomp_check_exit(const struct sock_filter *prog, size_t len, struct stage_error *err)
{
	static const int calls[] = {SYS_exit_group, SYS_exit};
	struct seccomp_data d = {.arch = seccomp_arch_native()};

	for (size_t c = 0; c < sizeof(calls) / sizeof(calls[0]); c++) {
		uint32_t ret;

		d.nr = calls[c];
		/* a program we cannot run is the kernel's to judge */
		if (bpf_verdict(prog, len, &d, &ret) < 0 || terminates(ret))
			return 0;
	}
	return stage_fail(err, 0,
			  "linux.seccomp: the profile denies both exit_group and exit: the "
			  "container process could never end");
}
