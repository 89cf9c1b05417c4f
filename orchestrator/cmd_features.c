/*
 * features: the runtime-spec features document (features.md), honest: every
 * list holds only what parse-config accepts and the stages then really do.
 * Kept by hand next to the stages' own tables; tests/observability.bats
 * checks each list against parse-config and real containers.
 */
#include <stdio.h>

#include "baton.h"
#include "capabilities.h"
#include "strbuf.h"

#define NONE NULL

/* The options stages/parse-config/mounts.c maps to mount(2) flags or does itself;
 * idmap and ridmap (bind mounts only) by the idmap-mounts stage; the r* ones
 * by mount-rootfs with mount_setattr(AT_RECURSIVE). */
static const char *const mount_options[] = {
    "defaults",
    "ro",
    "rw",
    "nosuid",
    "suid",
    "nodev",
    "dev",
    "noexec",
    "exec",
    "sync",
    "async",
    "dirsync",
    "remount",
    "mand",
    "nomand",
    "noatime",
    "atime",
    "nodiratime",
    "diratime",
    "relatime",
    "norelatime",
    "strictatime",
    "nostrictatime",
    "lazytime",
    "nolazytime",
    "silent",
    "loud",
    "nosymfollow",
    "symfollow",
    "bind",
    "rbind",
    "private",
    "rprivate",
    "shared",
    "rshared",
    "slave",
    "rslave",
    "unbindable",
    "runbindable",
    "tmpcopyup",
    "src-nofollow",
    "dest-nofollow",
    "copy-symlink",
    "idmap",
    "ridmap",
    "rro",
    "rrw",
    "rnosuid",
    "rsuid",
    "rnodev",
    "rdev",
    "rnoexec",
    "rexec",
    "rnoatime",
    "ratime",
    "rrelatime",
    "rnorelatime",
    "rstrictatime",
    "rnostrictatime",
    "rnodiratime",
    "rdiratime",
    "rnosymfollow",
    "rsymfollow",
    NONE,
};

/* Run by the hooks stage (stages/hooks) at the points the runtime-spec defines. */
static const char *const hook_phases[] = {
    "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop",
    NONE};

static const char *const namespaces[] = {"cgroup", "ipc",  "mount", "network", "pid",
					 "time",   "user", "uts",   NONE};

/* SCMP_ACT_NOTIFY: with a listenerPath (or crun's receiver annotation or variable). */
static const char *const seccomp_actions[] = {
    "SCMP_ACT_ALLOW",	    "SCMP_ACT_ERRNO",
    "SCMP_ACT_KILL",	    "SCMP_ACT_KILL_PROCESS",
    "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG",
    "SCMP_ACT_NOTIFY",	    "SCMP_ACT_TRACE",
    "SCMP_ACT_TRAP",	    NONE,
};

static const char *const seccomp_operators[] = {
    "SCMP_CMP_EQ", "SCMP_CMP_GE",	 "SCMP_CMP_GT", "SCMP_CMP_LE",
    "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE", NONE,
};

/*
 * What Debian 12's libseccomp (2.5.4) resolves (not loongarch64, m68k, sh),
 * of this machine's byte order: libseccomp refuses to mix both in a filter.
 */
static const char *const seccomp_archs[] = {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    "SCMP_ARCH_AARCH64",
    "SCMP_ARCH_ARM",
    "SCMP_ARCH_MIPSEL",
    "SCMP_ARCH_MIPSEL64",
    "SCMP_ARCH_MIPSEL64N32",
    "SCMP_ARCH_PPC64LE",
    "SCMP_ARCH_RISCV64",
    "SCMP_ARCH_X32",
    "SCMP_ARCH_X86",
    "SCMP_ARCH_X86_64",
#else
    "SCMP_ARCH_MIPS",
    "SCMP_ARCH_MIPS64",
    "SCMP_ARCH_MIPS64N32",
    "SCMP_ARCH_PARISC",
    "SCMP_ARCH_PARISC64",
    "SCMP_ARCH_PPC",
    "SCMP_ARCH_PPC64",
    "SCMP_ARCH_S390",
    "SCMP_ARCH_S390X",
#endif
    NONE,
};

static const char *const seccomp_known_flags[] = {
    "SECCOMP_FILTER_FLAG_TSYNC",
    "SECCOMP_FILTER_FLAG_LOG",
    "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
    "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
    NONE,
};

/* WAIT_KILLABLE_RECV: in a profile with SCMP_ACT_NOTIFY (the kernel wants a listener). */
static const char *const seccomp_supported_flags[] = {
    "SECCOMP_FILTER_FLAG_TSYNC",
    "SECCOMP_FILTER_FLAG_LOG",
    "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
    "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
    NONE,
};

/*
 * Config annotations that change what the runtime does on the host's behalf:
 * supplementary groups kept from the caller, clocks shifted, hook output
 * files opened by the runtime, a host socket the seccomp listener is sent to.
 */
static const char *const unsafe_annotations[] = {
    "run.oci.keep_original_groups",
    "run.oci.timens_offset",
    "run.oci.hooks.",
    "run.oci.seccomp.receiver",
    NONE,
};

/*
 * The run.oci.* config annotations parse-config knows (annotations.c); the
 * others of crun's are refused with an error naming them, unknown ones ignored.
 */
#define BATON_CONFIG_ANNOTATIONS                                                                   \
	"run.oci.keep_original_groups,run.oci.timens_offset,run.oci.hooks.stdout,"                 \
	"run.oci.hooks.stderr,run.oci.systemd.subgroup,run.oci.mount_context_type,"                \
	"run.oci.seccomp_fail_unknown_syscall,run.oci.seccomp.receiver"

/* linux.memoryPolicy, as parse-config's mempolicy.c knows them */
static const char *const mempolicy_modes[] = {
    "MPOL_DEFAULT",   "MPOL_BIND",	     "MPOL_INTERLEAVE", "MPOL_WEIGHTED_INTERLEAVE",
    "MPOL_PREFERRED", "MPOL_PREFERRED_MANY", "MPOL_LOCAL",	NONE,
};
static const char *const mempolicy_flags[] = {
    "MPOL_F_NUMA_BALANCING",
    "MPOL_F_RELATIVE_NODES",
    "MPOL_F_STATIC_NODES",
    NONE,
};

static void json_list(struct strbuf *sb, const char *indent, const char *key,
		      const char *const *items, const char *tail)
{
	strbuf_printf(sb, "%s\"%s\": [", indent, key);
	for (unsigned i = 0; items[i]; i++) {
		strbuf_printf(sb, "%s\n%s  ", i ? "," : "", indent);
		strbuf_json_string(sb, items[i]);
	}
	if (items[0])
		strbuf_printf(sb, "\n%s]%s\n", indent, tail);
	else
		strbuf_printf(sb, "]%s\n", tail);
}

static void linux_section(struct strbuf *sb)
{
	strbuf_puts(sb, "  \"linux\": {\n");
	json_list(sb, "    ", "namespaces", namespaces, ",");
	json_list(sb, "    ", "capabilities", cap_names, ",");
	strbuf_puts(sb, "    \"cgroup\": {\n"
			"      \"v1\": true,\n"
			"      \"v2\": true,\n"
			"      \"systemd\": true,\n"
			"      \"systemdUser\": true,\n"
			"      \"rdma\": false\n"
			"    },\n"
			"    \"seccomp\": {\n"
			"      \"enabled\": true,\n");
	json_list(sb, "      ", "actions", seccomp_actions, ",");
	json_list(sb, "      ", "operators", seccomp_operators, ",");
	json_list(sb, "      ", "archs", seccomp_archs, ",");
	json_list(sb, "      ", "knownFlags", seccomp_known_flags, ",");
	json_list(sb, "      ", "supportedFlags", seccomp_supported_flags, "");
	strbuf_puts(sb, "    },\n"
			"    \"apparmor\": {\n      \"enabled\": false\n    },\n"
			"    \"selinux\": {\n      \"enabled\": false\n    },\n"
			"    \"intelRdt\": {\n      \"enabled\": false\n    },\n"
			/* moved in by the net-devices stage */
			"    \"netDevices\": {\n      \"enabled\": true\n    },\n"
			"    \"memoryPolicy\": {\n");
	json_list(sb, "      ", "modes", mempolicy_modes, ",");
	json_list(sb, "      ", "flags", mempolicy_flags, "");
	strbuf_puts(sb, "    },\n"
			"    \"mountExtensions\": {\n"
			"      \"idmap\": {\n        \"enabled\": true\n      }\n"
			"    }\n"
			"  },\n");
}

int cmd_features(const struct global_opts *g, int argc, char **argv)
{
	autostrbuf struct strbuf sb = {0};

	(void)g;
	(void)argv;
	if (argc > 1)
		return usage_error("features", "takes no arguments");
	strbuf_puts(&sb, "{\n  \"ociVersionMin\": \"1.0.0\",\n  \"ociVersionMax\": \"1.2.0\",\n");
	json_list(&sb, "  ", "hooks", hook_phases, ",");
	json_list(&sb, "  ", "mountOptions", mount_options, ",");
	linux_section(&sb);
	strbuf_printf(&sb,
		      "  \"annotations\": {\n"
		      "    \"run.oci.baton.version\": \"%s\",\n"
		      "    \"run.oci.baton.commit\": \"%s\",\n"
		      "    \"run.oci.baton.checkpoint.enabled\": \"false\",\n"
		      "    \"run.oci.baton.config-annotations\": \"%s\"\n"
		      "  },\n",
		      BATON_VERSION, BATON_COMMIT, BATON_CONFIG_ANNOTATIONS);
	json_list(&sb, "  ", "potentiallyUnsafeConfigAnnotations", unsafe_annotations, "");
	strbuf_puts(&sb, "}\n");
	fputs(sb.data, stdout);
	return fflush(stdout) == 0 ? 0 : 1;
}
