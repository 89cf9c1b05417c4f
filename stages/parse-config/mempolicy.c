/* linux.memoryPolicy: the NUMA policy final-exec sets with set_mempolicy (numa.c). */
#include <fcntl.h>
#include <limits.h>
#include <linux/mempolicy.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "idset.h"
#include "internal.h"
#include "rules.h"

/* Newer than some UAPI headers; the number is the kernel's (6.9). */
#ifndef MPOL_WEIGHTED_INTERLEAVE
#define MPOL_WEIGHTED_INTERLEAVE 6
#endif

static const struct name_value modes[] = {
    {"MPOL_DEFAULT", MPOL_DEFAULT},
    {"MPOL_PREFERRED", MPOL_PREFERRED},
    {"MPOL_BIND", MPOL_BIND},
    {"MPOL_INTERLEAVE", MPOL_INTERLEAVE},
    {"MPOL_LOCAL", MPOL_LOCAL},
    {"MPOL_PREFERRED_MANY", MPOL_PREFERRED_MANY},
    {"MPOL_WEIGHTED_INTERLEAVE", MPOL_WEIGHTED_INTERLEAVE},
};

static const struct name_value mode_flags[] = {
    {"MPOL_F_STATIC_NODES", MPOL_F_STATIC_NODES},
    {"MPOL_F_RELATIVE_NODES", MPOL_F_RELATIVE_NODES},
    {"MPOL_F_NUMA_BALANCING", MPOL_F_NUMA_BALANCING},
};

/* One past the highest node the kernel may have (1 without NUMA support). */
static unsigned long host_nodes(void)
{
	autoclose int fd = open("/sys/devices/system/node/possible", O_RDONLY | O_CLOEXEC);
	autoidset struct idset set;
	char text[4096];
	unsigned long bad;
	ssize_t n;

	if (fd < 0 || (n = read(fd, text, sizeof(text) - 1)) <= 0)
		return 1;
	text[n] = 0;
	text[strcspn(text, "\n")] = 0;
	if (idset_parse(text, ULONG_MAX, &set, &bad) < 0 || set.highest < 0)
		return 1;
	return (unsigned long)set.highest + 1;
}

static int flag_bits(struct pc *pc, const struct jnode *mp, unsigned *bits)
{
	const struct jnode *arr, *v;
	char p[JPATH_MAX];
	int i = 0;

	*bits = 0;
	if (jm_array(mp, "linux.memoryPolicy", "flags", &arr, pc->err) < 0)
		return -1;
	jnode_foreach(v, arr)
	{
		const struct name_value *flag;
		const char *name;

		if (jv_string(v, jpath_idx(p, "linux.memoryPolicy.flags", i++), &name, pc->err) < 0)
			return -1;
		flag = NAME_FIND(mode_flags, name);
		if (!flag)
			return stage_fail(pc->err, 0, "%s: unknown memory policy flag \"%s\"", p,
					  name);
		*bits |= (unsigned)flag->value;
	}
	return 0;
}

int parse_memory_policy(struct pc *pc, const struct jnode *linux_obj)
{
	const struct jnode *mp;
	const struct name_value *mode;
	const char *name = NULL, *nodes = NULL;
	unsigned flags;
	char m[NUM_MAX], f[NUM_MAX];

	if (jm_object(linux_obj, "linux", "memoryPolicy", &mp, pc->err) < 0)
		return -1;
	if (!mp)
		return 0;
	if (jm_string(mp, "linux.memoryPolicy", "mode", &name, pc->err) < 0 ||
	    jm_string(mp, "linux.memoryPolicy", "nodes", &nodes, pc->err) < 0 ||
	    flag_bits(pc, mp, &flags) < 0)
		return -1;
	if (!name)
		return stage_fail(pc->err, 0, "linux.memoryPolicy.mode: required");
	mode = NAME_FIND(modes, name);
	if (!mode)
		return stage_fail(pc->err, 0, "linux.memoryPolicy.mode: unknown mode \"%s\"", name);
	if (rule_mempolicy(name, flags, nodes, pc->err) < 0)
		return -1;
	if (nodes && *nodes &&
	    rule_id_list("linux.memoryPolicy.nodes", nodes, host_nodes(), "nodes", pc->err) < 0)
		return -1;
	plan_emit(pc->out, "memory-policy", name, fmt_u64(m, mode->value), fmt_hex(f, flags),
		  nodes ? nodes : "", NULL);
	return 0;
}
