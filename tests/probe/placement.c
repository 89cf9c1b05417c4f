/*
 * probe sched | ioprio | affinity | mempolicy: where and when the process
 * runs, read back with the kernel's own getters (musl wraps none of the
 * first, second and last).
 */
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "placement.h"

#define MPOL_F_MEMS_ALLOWED_ (1 << 2)

struct kernel_sched_attr {
	uint32_t size, sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime, sched_deadline, sched_period;
	uint32_t sched_util_min, sched_util_max;
};

static const char *const policy_names[] = {"SCHED_OTHER",   "SCHED_FIFO", "SCHED_RR",
					   "SCHED_BATCH",   "SCHED_ISO",  "SCHED_IDLE",
					   "SCHED_DEADLINE"};

static int failed(const char *what)
{
	fprintf(stderr, "probe: %s: %s\n", what, strerror(errno));
	return 2;
}

/* policy=SCHED_FIFO priority=10 nice=0 flags=0x1 runtime=0 deadline=0 period=0 */
int probe_sched(void)
{
	struct kernel_sched_attr a = {0};
	const char *name;

	if (syscall(SYS_sched_getattr, 0, &a, sizeof(a), 0) < 0)
		return failed("sched_getattr");
	/* SCHED_RESET_ON_FORK shows in the policy of sched_getscheduler, in flags here */
	name = a.sched_policy < sizeof(policy_names) / sizeof(policy_names[0])
		   ? policy_names[a.sched_policy]
		   : "?";
	printf("policy=%s priority=%u nice=%d flags=0x%llx runtime=%llu deadline=%llu "
	       "period=%llu\n",
	       name, a.sched_priority, a.sched_nice, (unsigned long long)a.sched_flags,
	       (unsigned long long)a.sched_runtime, (unsigned long long)a.sched_deadline,
	       (unsigned long long)a.sched_period);
	return 0;
}

/* class=2 level=4 (IOPRIO_WHO_PROCESS = 1, the class in the top 3 of 16 bits) */
int probe_ioprio(void)
{
	long v = syscall(SYS_ioprio_get, 1, 0);

	if (v < 0)
		return failed("ioprio_get");
	printf("class=%ld level=%ld\n", (v >> 13) & 7, v & 0xff);
	return 0;
}

/* A set as the kernel writes lists, `0-3,7`. */
static void print_list(const unsigned long *words, size_t nbits)
{
	const size_t wb = sizeof(unsigned long) * CHAR_BIT;
	const char *sep = "";

	for (size_t i = 0; i < nbits; i++) {
		size_t j = i;

		if (!((words[i / wb] >> (i % wb)) & 1))
			continue;
		while (j + 1 < nbits && ((words[(j + 1) / wb] >> ((j + 1) % wb)) & 1))
			j++;
		if (j == i)
			printf("%s%zu", sep, i);
		else
			printf("%s%zu-%zu", sep, i, j);
		sep = ",";
		i = j;
	}
	putchar('\n');
}

int probe_affinity(void)
{
	unsigned long words[64] = {0}; /* 4096 cpus: more than the tests' machines */

	if (syscall(SYS_sched_getaffinity, 0, sizeof(words), words) < 0)
		return failed("sched_getaffinity");
	print_list(words, sizeof(words) * CHAR_BIT);
	return 0;
}

/* mode=2 flags=0x8000 nodes=0 allowed=0 */
int probe_mempolicy(void)
{
	unsigned long nodes[16] = {0}, allowed[16] = {0};
	const unsigned long maxnode = sizeof(nodes) * CHAR_BIT;
	int mode = 0;

	if (syscall(SYS_get_mempolicy, &mode, nodes, maxnode, NULL, 0) < 0)
		return failed("get_mempolicy");
	if (syscall(SYS_get_mempolicy, NULL, allowed, maxnode, NULL, MPOL_F_MEMS_ALLOWED_) < 0)
		return failed("get_mempolicy MPOL_F_MEMS_ALLOWED");
	/* the mode comes back with its flags in the high bits */
	printf("mode=%d flags=0x%x nodes=", mode & 0xff, mode & ~0xff);
	print_list(nodes, maxnode);
	printf("allowed=");
	print_list(allowed, maxnode);
	return 0;
}
