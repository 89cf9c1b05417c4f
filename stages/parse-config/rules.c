#include "rules.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <linux/mempolicy.h>

#include "cgroup.h"
#include "idset.h"
#include "internal.h"

static bool all_digits(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* MAJOR.MINOR.PATCH, optionally followed by a -prerelease or +build suffix. */
int rule_oci_version(const char *version, struct stage_error *err)
{
	const char *p = version;
	size_t parts[3];

	for (int i = 0; i < 3; i++) {
		parts[i] = strspn(p, "0123456789");
		if (!all_digits(p, parts[i]) || (i < 2 && p[parts[i]] != '.'))
			return stage_fail(
			    err, 0, "ociVersion: \"%s\" is not a version (want 1.x.y)", version);
		p += parts[i] + (i < 2);
	}
	if (*p && *p != '-' && *p != '+')
		return stage_fail(err, 0, "ociVersion: \"%s\" is not a version (want 1.x.y)",
				  version);
	if (parts[0] != 1 || version[0] != '1')
		return stage_fail(
		    err, 0, "ociVersion: unsupported major version \"%s\" (want 1.x.y)", version);
	return 0;
}

int rule_absolute_path(const char *path, const char *value, struct stage_error *err)
{
	if (value[0] != '/')
		return stage_fail(err, 0, "%s: must be an absolute path", path);
	return 0;
}

int rule_env_entry(const char *path, const char *value, struct stage_error *err)
{
	const char *eq = strchr(value, '=');

	if (!eq || eq == value)
		return stage_fail(err, 0, "%s: must be NAME=VALUE, got \"%s\"", path, value);
	return 0;
}

int rule_nonempty_array(const char *path, int size, struct stage_error *err)
{
	if (size <= 0)
		return stage_fail(err, 0, "%s: must be a non-empty array", path);
	return 0;
}

int rule_rlimit_order(const char *path, uint64_t soft, uint64_t hard, struct stage_error *err)
{
	if (soft > hard)
		return stage_fail(err, 0, "%s: soft limit %llu is above the hard limit %llu", path,
				  (unsigned long long)soft, (unsigned long long)hard);
	return 0;
}

/* Keys become paths under /proc/sys: a `/` or `..` would leave it. */
int rule_sysctl_key(const char *path, const char *key, struct stage_error *err)
{
	if (!*key || key[0] == '.' || strchr(key, '/') || strstr(key, ".."))
		return stage_fail(err, 0, "%s: invalid sysctl name \"%s\"", path, key);
	return 0;
}

/* The IPC namespace's sysctls (ipc/ipc_sysctl.c, ipc/mq_sysctl.c), as runc lists them. */
static bool ipc_sysctl(const char *key)
{
	static const char *const keys[] = {
	    "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
	    "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced"};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(key, keys[i]) == 0)
			return true;
	return strncmp(key, "fs.mqueue.", 10) == 0;
}

/*
 * mount-rootfs writes /proc/sys/KEY as root: only a sysctl the kernel keeps
 * per namespace, in a namespace the container does not share with the host
 * (ns_own), changes nothing outside it. Everything else (vm.*,
 * kernel.core_pattern...) would be the host's.
 */
int rule_sysctl_namespaced(const char *path, const char *key, unsigned ns_own,
			   struct stage_error *err)
{
	unsigned bit;
	const char *name;

	if (ipc_sysctl(key))
		bit = NS_IPC, name = "ipc";
	else if (strncmp(key, "net.", 4) == 0)
		bit = NS_NETWORK, name = "network";
	else if (strcmp(key, "kernel.hostname") == 0 || strcmp(key, "kernel.domainname") == 0)
		bit = NS_UTS, name = "uts";
	else
		return stage_fail(err, 0, "%s: not namespaced, would change the host", path);
	if (!(ns_own & bit))
		return stage_fail(err, 0,
				  "%s: needs the container's own %s namespace, not the host's",
				  path, name);
	return 0;
}

/* A newline would end the value early (a second write for some tables). */
int rule_sysctl_value(const char *path, const char *value, struct stage_error *err)
{
	for (const unsigned char *c = (const unsigned char *)value; *c; c++)
		if ((*c < 0x20 && *c != '\t') || *c == 0x7f)
			return stage_fail(err, 0, "%s: control character 0x%02x in the value", path,
					  *c);
	return 0;
}

/* hostname and kernel.hostname (domainname, kernel.domainname) set one thing. */
int rule_sysctl_names_agree(const char *path, const char *key, const char *value,
			    const char *hostname, const char *domainname, struct stage_error *err)
{
	const char *field = NULL, *name = NULL;

	if (strcmp(key, "kernel.hostname") == 0)
		field = "hostname", name = hostname;
	else if (strcmp(key, "kernel.domainname") == 0)
		field = "domainname", name = domainname;
	if (name && *name && strcmp(name, value) != 0)
		return stage_fail(err, 0, "%s: \"%s\" conflicts with %s \"%s\"", path, value, field,
				  name);
	return 0;
}

int rule_cgroup_access(const char *path, const char *access, struct stage_error *err)
{
	if (!*access || access[strspn(access, "rwm")])
		return stage_fail(err, 0, "%s: \"%s\" is not a subset of \"rwm\"", path, access);
	return 0;
}

/* unified keys name files in the cgroup directory: `controller.file`. */
int rule_unified_key(const char *path, const char *key, struct stage_error *err)
{
	if (!strchr(key, '.') || key[0] == '.' || strchr(key, '/'))
		return stage_fail(err, 0, "%s: invalid cgroup file name \"%s\"", path, key);
	return 0;
}

/* Whether the name is a syscall is left to libseccomp in seccomp-load. */
int rule_syscall_name(const char *path, const char *name, struct stage_error *err)
{
	if (!*name || name[strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_")])
		return stage_fail(err, 0, "%s: invalid syscall name \"%s\"", path, name);
	return 0;
}

static bool has_dotdot(const char *p)
{
	for (const char *s = p; (s = strstr(s, "..")); s += 2)
		if ((s == p || s[-1] == '/') && (s[2] == '\0' || s[2] == '/'))
			return true;
	return false;
}

int rule_cgroups_path(const char *value, const char *id, char *out, size_t size,
		      struct stage_error *err)
{
	int n;

	if (!value || !*value)
		n = snprintf(out, size, CGROUP_DEFAULT_PARENT "/%s", id);
	else if (value[0] != '/' && strchr(value, ':'))
		return stage_fail(err, 0,
				  "linux.cgroupsPath: systemd cgroup paths need --systemd-cgroup");
	else if (has_dotdot(value))
		return stage_fail(err, 0, "linux.cgroupsPath: must not contain \"..\"");
	else
		n = snprintf(out, size, "%s%s", value[0] == '/' ? "" : "/", value);
	if (n < 0 || (size_t)n >= size)
		return stage_fail(err, ENAMETOOLONG, "linux.cgroupsPath: too long");
	/* delete and kill --all act on the whole cgroup: the root, or the parent
	 * of every container's, would take all of them (and the host) along */
	size_t len = strlen(out);
	while (len > 1 && out[len - 1] == '/')
		len--;
	if (len == 1 ||
	    (len == strlen(CGROUP_DEFAULT_PARENT) && strncmp(out, CGROUP_DEFAULT_PARENT, len) == 0))
		return stage_fail(err, EINVAL,
				  "linux.cgroupsPath: `%s` is the parent of other cgroups (%s), "
				  "not a container's own",
				  value, len == 1 ? "the root" : "every container's");
	return 0;
}

int rule_needs_ns(const char *path, unsigned ns_listed, unsigned bit, const char *ns_name,
		  struct stage_error *err)
{
	if (!(ns_listed & bit))
		return stage_fail(err, 0, "%s: requires a %s namespace (new or joined by path)",
				  path, ns_name);
	return 0;
}

int rule_needs_new_ns(const char *path, unsigned ns_new, unsigned bit, const char *ns_name,
		      struct stage_error *err)
{
	if (!(ns_new & bit))
		return stage_fail(err, 0, "%s: requires a new %s namespace", path, ns_name);
	return 0;
}

/*
 * Without a mount namespace the container shares the runtime's mounts
 * (runtime-spec: an unlisted namespace is inherited); its root is a chroot
 * into root.path, so what applies to its `/` would apply to the mount that
 * holds root.path on the host.
 */
int rule_mount_ns_for(const char *path, unsigned ns_listed, struct stage_error *err)
{
	if (!(ns_listed & NS_MOUNT))
		return stage_fail(
		    err, 0,
		    "%s: needs a mount namespace in linux.namespaces (without one the "
		    "container shares the runtime's mounts)",
		    path);
	return 0;
}

int rule_userns_mappings(unsigned ns_new, int nuid, int ngid, struct stage_error *err)
{
	if (nuid > 0 && !(ns_new & NS_USER))
		return stage_fail(err, 0, "linux.uidMappings: requires a new user namespace");
	if (ngid > 0 && !(ns_new & NS_USER))
		return stage_fail(err, 0, "linux.gidMappings: requires a new user namespace");
	/* default_id_maps() fills in what is absent: none left means a bug of ours */
	if ((ns_new & NS_USER) && (nuid == 0 || ngid == 0))
		return stage_fail(err, EINVAL,
				  "linux.%sMappings: no mapping for the new user namespace",
				  nuid == 0 ? "uid" : "gid");
	return 0;
}

int rule_sched_priority(const char *policy, int64_t priority, struct stage_error *err)
{
	bool realtime = strcmp(policy, "SCHED_FIFO") == 0 || strcmp(policy, "SCHED_RR") == 0;

	if (realtime && (priority < 1 || priority > 99))
		return stage_fail(err, 0, "process.scheduler.priority: %s takes 1..99, got %lld",
				  policy, (long long)priority);
	if (!realtime && priority != 0)
		return stage_fail(err, 0, "process.scheduler.priority: must be 0 for %s, got %lld",
				  policy, (long long)priority);
	return 0;
}

/* The kernel's __checkparam_dl(): times in ns, at least 2^DL_SCALE, below 2^63. */
#define DL_MIN (1ULL << 10)
#define DL_MAX (1ULL << 63)

int rule_sched_deadline(uint64_t runtime, uint64_t deadline, uint64_t period,
			struct stage_error *err)
{
	if (runtime == 0)
		return stage_fail(err, 0, "process.scheduler.runtime: required for SCHED_DEADLINE");
	if (deadline == 0)
		return stage_fail(err, 0,
				  "process.scheduler.deadline: required for SCHED_DEADLINE");
	if (runtime < DL_MIN)
		return stage_fail(err, 0, "process.scheduler.runtime: at least %llu ns, got %llu",
				  DL_MIN, (unsigned long long)runtime);
	if (deadline >= DL_MAX || period >= DL_MAX)
		return stage_fail(err, 0, "process.scheduler.%s: must be below 2^63 ns",
				  deadline >= DL_MAX ? "deadline" : "period");
	if (runtime > deadline)
		return stage_fail(err, 0,
				  "process.scheduler.runtime: %llu is over the deadline %llu",
				  (unsigned long long)runtime, (unsigned long long)deadline);
	if (period && deadline > period)
		return stage_fail(err, 0,
				  "process.scheduler.deadline: %llu is over the period %llu",
				  (unsigned long long)deadline, (unsigned long long)period);
	return 0;
}

int rule_id_list(const char *path, const char *list, unsigned long limit, const char *what,
		 struct stage_error *err)
{
	autoidset struct idset set;
	unsigned long bad = 0;

	if (idset_parse(list, limit, &set, &bad) == 0)
		return 0;
	if (errno == ERANGE)
		return stage_fail(err, 0, "%s: %s %lu in \"%s\": this host has %s 0-%lu", path,
				  what, bad, list, what, limit - 1);
	if (errno == ENOMEM)
		return stage_fail(err, ENOMEM, "%s: read \"%s\"", path, list);
	return stage_fail(err, 0, "%s: \"%s\" is not a list like 0-3,7", path, list);
}

int rule_mempolicy(const char *mode, unsigned flags, const char *nodes, struct stage_error *err)
{
	bool no_nodes = strcmp(mode, "MPOL_DEFAULT") == 0 || strcmp(mode, "MPOL_LOCAL") == 0;

	if ((flags & MPOL_F_STATIC_NODES) && (flags & MPOL_F_RELATIVE_NODES))
		return stage_fail(err, 0,
				  "linux.memoryPolicy.flags: MPOL_F_STATIC_NODES and "
				  "MPOL_F_RELATIVE_NODES exclude each other");
	if ((flags & MPOL_F_NUMA_BALANCING) && strcmp(mode, "MPOL_BIND") != 0)
		return stage_fail(
		    err, 0,
		    "linux.memoryPolicy.flags: MPOL_F_NUMA_BALANCING needs MPOL_BIND, "
		    "not %s",
		    mode);
	if (no_nodes && flags)
		return stage_fail(err, 0, "linux.memoryPolicy.flags: %s takes no flags", mode);
	if (no_nodes && nodes && *nodes)
		return stage_fail(err, 0, "linux.memoryPolicy.nodes: %s takes no nodes", mode);
	if (!no_nodes && (!nodes || !*nodes))
		return stage_fail(err, 0, "linux.memoryPolicy.nodes: required for %s", mode);
	return 0;
}

int rule_mount_label(const char *label, bool selinux_enabled, struct stage_error *err)
{
	/* ignoring it there would leave the mounts unlabelled, denied to the process */
	if (selinux_enabled)
		return stage_fail(
		    err, 0,
		    "linux.mountLabel: `%s`: not supported yet on a host with SELinux "
		    "enabled",
		    label);
	return 0;
}

int rule_intel_rdt(bool resctrl_mounted, struct stage_error *err)
{
	if (!resctrl_mounted)
		return stage_fail(err, 0,
				  "linux.intelRdt: resctrl is not mounted on this host "
				  "(/sys/fs/resctrl), and baton does not support Intel RDT");
	return stage_fail(err, 0, "linux.intelRdt: not supported yet");
}
