/* The `linux` section apart from resources and seccomp. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include "cgroup.h"
#include "cleanup.h"
#include "internal.h"
#include "rules.h"
#include "stage.h"

static const struct name_value namespaces[] = {
    {"user", NS_USER}, {"pid", NS_PID},	    {"network", NS_NETWORK}, {"ipc", NS_IPC},
    {"uts", NS_UTS},   {"mount", NS_MOUNT}, {"cgroup", NS_CGROUP},   {"time", NS_TIME},
};

/*
 * Whether the namespace at path is another than the runtime's own of that
 * kind (runc's rule for net.* sysctls: joining the host's netns by path is
 * still the host's). One that cannot be looked at counts as the host's.
 */
static bool foreign_namespace(const char *type, const char *path)
{
	static const struct {
		const char *type, *proc;
	} names[] = {{"network", "net"}, {"ipc", "ipc"}, {"uts", "uts"}};
	char own[64];
	struct stat a, b;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(type, names[i].type) != 0)
			continue;
		snprintf(own, sizeof(own), "/proc/self/ns/%s", names[i].proc);
		return stat(path, &a) == 0 && stat(own, &b) == 0 &&
		       (a.st_dev != b.st_dev || a.st_ino != b.st_ino);
	}
	return false; /* no sysctl depends on the others */
}

static int parse_namespace(struct pc *pc, const struct jnode *ns, const char *path)
{
	const struct name_value *kind;
	const char *type = NULL, *nspath = "";
	char p[JPATH_MAX];

	if (jv_object(ns, path, pc->err) < 0 || jm_string(ns, path, "type", &type, pc->err) < 0 ||
	    jm_string(ns, path, "path", &nspath, pc->err) < 0)
		return -1;
	if (!type)
		return stage_fail(pc->err, 0, "%s: required", jpath_key(p, path, "type"));
	kind = NAME_FIND(namespaces, type);
	if (!kind)
		return stage_fail(pc->err, 0, "%s: unknown namespace \"%s\"",
				  jpath_key(p, path, "type"), type);
	if (pc->ns_listed & kind->value)
		return stage_fail(pc->err, 0, "%s: duplicate namespace \"%s\"", path, type);
	if (*nspath && rule_absolute_path(jpath_key(p, path, "path"), nspath, pc->err) < 0)
		return -1;
	pc->ns_listed |= kind->value;
	if (!*nspath)
		pc->ns_new |= kind->value;
	if (!*nspath || foreign_namespace(type, nspath))
		pc->ns_own |= kind->value;
	plan_emit(pc->out, "namespace", type, nspath, NULL);
	return 0;
}

int parse_namespaces(struct pc *pc, const struct jnode *linux_obj)
{
	const struct jnode *arr, *ns;
	char p[JPATH_MAX];
	int i = 0;

	if (jm_array(linux_obj, "linux", "namespaces", &arr, pc->err) < 0)
		return -1;
	jnode_foreach(ns, arr)
	{
		if (parse_namespace(pc, ns, jpath_idx(p, "linux.namespaces", i++)) < 0)
			return -1;
	}
	return pc->root_readonly ? rule_mount_ns_for("root.readonly", pc->ns_listed, pc->err) : 0;
}

static int parse_id_map(struct pc *pc, const struct jnode *linux_obj, const char *key,
			const char *record, int *count)
{
	const struct jnode *arr, *m;
	char path[JPATH_MAX], p[JPATH_MAX], a[NUM_MAX], b[NUM_MAX], c[NUM_MAX];

	*count = 0;
	jpath_key(path, "linux", key);
	if (jm_array(linux_obj, "linux", key, &arr, pc->err) < 0)
		return -1;
	jnode_foreach(m, arr)
	{
		uint64_t cid, hid, size;
		bool has_c, has_h, has_s;

		jpath_idx(p, path, (*count)++);
		if (jv_object(m, p, pc->err) < 0 ||
		    jm_u64(m, p, "containerID", UINT32_MAX, &cid, &has_c, pc->err) < 0 ||
		    jm_u64(m, p, "hostID", UINT32_MAX, &hid, &has_h, pc->err) < 0 ||
		    jm_u64(m, p, "size", UINT32_MAX, &size, &has_s, pc->err) < 0)
			return -1;
		if (!has_c || !has_h || !has_s)
			return stage_fail(pc->err, 0,
					  "%s: containerID, hostID and size are required", p);
		if (size == 0)
			return stage_fail(pc->err, 0, "%s.size: must be greater than 0", p);
		plan_emit(pc->out, record, fmt_u64(a, cid), fmt_u64(b, hid), fmt_u64(c, size),
			  NULL);
	}
	return 0;
}

static int parse_id_maps(struct pc *pc, const struct jnode *linux_obj)
{
	int nuid, ngid;

	if (parse_id_map(pc, linux_obj, "uidMappings", "uid-map", &nuid) < 0 ||
	    parse_id_map(pc, linux_obj, "gidMappings", "gid-map", &ngid) < 0 ||
	    rootless_user_namespace(pc, &nuid, &ngid) < 0 || default_id_maps(pc, &nuid, &ngid) < 0)
		return -1;
	return rule_userns_mappings(pc->ns_new, nuid, ngid, pc->err);
}

static int parse_time_offsets(struct pc *pc, const struct jnode *linux_obj)
{
	const struct jnode *offsets, *o;
	char p[JPATH_MAX], s[NUM_MAX], n[NUM_MAX];

	if (jm_object(linux_obj, "linux", "timeOffsets", &offsets, pc->err) < 0)
		return -1;
	if (!offsets)
		return 0;
	if (rule_needs_new_ns("linux.timeOffsets", pc->ns_new, NS_TIME, "time", pc->err) < 0)
		return -1;
	jnode_foreach(o, offsets)
	{
		int64_t secs = 0;
		uint64_t nanos = 0;

		jpath_key(p, "linux.timeOffsets", o->key);
		if (strcmp(o->key, "monotonic") != 0 && strcmp(o->key, "boottime") != 0)
			return stage_fail(pc->err, 0,
					  "%s: unknown clock (want monotonic or boottime)", p);
		if (jv_object(o, p, pc->err) < 0 ||
		    jm_i64(o, p, "secs", INT64_MIN, INT64_MAX, &secs, NULL, pc->err) < 0 ||
		    jm_u64(o, p, "nanosecs", 999999999, &nanos, NULL, pc->err) < 0)
			return -1;
		plan_emit(pc->out, "time-offset", o->key, fmt_i64(s, secs), fmt_u64(n, nanos),
			  NULL);
	}
	return 0;
}

static const struct name_value device_types[] = {{"c", 1}, {"b", 1}, {"u", 1}, {"p", 0}};

/* The file type bits a device's fileMode may carry: engines (podman
 * --privileged) copy the host node's whole st_mode, type included. */
static unsigned device_type_bits(const char *type)
{
	switch (type[0]) {
	case 'b':
		return S_IFBLK;
	case 'p':
		return S_IFIFO;
	default:
		return S_IFCHR;
	}
}

/* "/dev/fuse/" is "/dev/fuse" (crun strips the slashes too); "/" alone is no device. */
static const char *device_path(char *buf, size_t size, const char *path)
{
	size_t len = strlen(path);

	while (len > 1 && path[len - 1] == '/')
		len--;
	if (len >= size)
		return NULL;
	memcpy(buf, path, len);
	buf[len] = '\0';
	return buf;
}

static int parse_device(struct pc *pc, const struct jnode *d, const char *path)
{
	const struct name_value *type;
	const char *dpath = NULL, *t = NULL;
	int64_t major = 0, minor = 0;
	uint64_t mode = 0666, uid = 0, gid = 0;
	bool has_major, has_minor;
	char p[JPATH_MAX], ma[NUM_MAX], mi[NUM_MAX], mo[NUM_MAX], u[NUM_MAX], g[NUM_MAX];
	char clean[4096];

	if (jv_object(d, path, pc->err) < 0 || jm_string(d, path, "path", &dpath, pc->err) < 0 ||
	    jm_string(d, path, "type", &t, pc->err) < 0 ||
	    jm_i64(d, path, "major", 0, UINT32_MAX, &major, &has_major, pc->err) < 0 ||
	    jm_i64(d, path, "minor", 0, UINT32_MAX, &minor, &has_minor, pc->err) < 0 ||
	    jm_u64(d, path, "fileMode", S_IFMT | 07777, &mode, NULL, pc->err) < 0 ||
	    jm_u64(d, path, "uid", UINT32_MAX, &uid, NULL, pc->err) < 0 ||
	    jm_u64(d, path, "gid", UINT32_MAX, &gid, NULL, pc->err) < 0)
		return -1;
	if (!dpath)
		return stage_fail(pc->err, 0, "%s: required", jpath_key(p, path, "path"));
	if (rule_absolute_path(jpath_key(p, path, "path"), dpath, pc->err) < 0)
		return -1;
	if (!(dpath = device_path(clean, sizeof(clean), dpath)))
		return stage_fail(pc->err, ENAMETOOLONG, "%s: too long",
				  jpath_key(p, path, "path"));
	if (strcmp(dpath, "/") == 0)
		return stage_fail(pc->err, 0, "%s: `/` is no device path",
				  jpath_key(p, path, "path"));
	type = t ? NAME_FIND(device_types, t) : NULL;
	if (!type)
		return stage_fail(pc->err, 0, "%s: must be one of c, b, u, p",
				  jpath_key(p, path, "type"));
	if (type->value && (!has_major || !has_minor))
		return stage_fail(pc->err, 0, "%s: major and minor are required for type %s", path,
				  t);
	if ((mode & S_IFMT) && (mode & S_IFMT) != device_type_bits(t))
		return stage_fail(pc->err, 0, "%s: file type 0%o does not match type %s",
				  jpath_key(p, path, "fileMode"), (unsigned)(mode & S_IFMT), t);
	snprintf(mo, sizeof(mo), "0%o", (unsigned)(mode & 07777));
	plan_emit(pc->out, "device", dpath, t, fmt_i64(ma, major), fmt_i64(mi, minor), mo,
		  fmt_u64(u, uid), fmt_u64(g, gid), NULL);
	return 0;
}

static int parse_devices(struct pc *pc, const struct jnode *linux_obj)
{
	const struct jnode *arr, *d;
	char p[JPATH_MAX];
	int i = 0;

	if (jm_array(linux_obj, "linux", "devices", &arr, pc->err) < 0)
		return -1;
	jnode_foreach(d, arr)
	{
		if (parse_device(pc, d, jpath_idx(p, "linux.devices", i++)) < 0)
			return -1;
	}
	return 0;
}

static int parse_sysctl(struct pc *pc, const struct jnode *linux_obj)
{
	const struct jnode *sysctl, *v;
	char p[JPATH_MAX];

	if (jm_object(linux_obj, "linux", "sysctl", &sysctl, pc->err) < 0)
		return -1;
	jnode_foreach(v, sysctl)
	{
		const char *value;

		jpath_key(p, "linux.sysctl", v->key);
		if (rule_sysctl_key(p, v->key, pc->err) < 0 ||
		    jv_string(v, p, &value, pc->err) < 0 ||
		    rule_sysctl_value(p, value, pc->err) < 0 ||
		    rule_sysctl_namespaced(p, v->key, pc->ns_own, pc->err) < 0 ||
		    rule_sysctl_names_agree(p, v->key, value, pc->hostname, pc->domainname,
					    pc->err) < 0)
			return -1;
		plan_emit(pc->out, "sysctl", v->key, value, NULL);
	}
	return 0;
}

static int parse_paths(struct pc *pc, const struct jnode *linux_obj)
{
	const struct jnode *masked, *readonly;

	if (jm_array(linux_obj, "linux", "maskedPaths", &masked, pc->err) < 0 ||
	    jm_array(linux_obj, "linux", "readonlyPaths", &readonly, pc->err) < 0)
		return -1;
	if (emit_string_list(pc, masked, "linux.maskedPaths", "masked-path", rule_absolute_path) <
		0 ||
	    emit_string_list(pc, readonly, "linux.readonlyPaths", "readonly-path",
			     rule_absolute_path) < 0)
		return -1;
	return 0;
}

static int parse_propagation(struct pc *pc, const struct jnode *linux_obj)
{
	const char *name = NULL;
	unsigned long flags = MS_PRIVATE | MS_REC;
	char hex[NUM_MAX];

	if (jm_string(linux_obj, "linux", "rootfsPropagation", &name, pc->err) < 0)
		return -1;
	if (name && *name && propagation_flags(name, &flags) < 0)
		return stage_fail(pc->err, 0, "linux.rootfsPropagation: unknown propagation \"%s\"",
				  name);
	if (!(pc->ns_listed & NS_MOUNT)) {
		/* the runtime's `/` keeps its propagation */
		return name && *name
			   ? rule_mount_ns_for("linux.rootfsPropagation", pc->ns_listed, pc->err)
			   : 0;
	}
	plan_emit(pc->out, "rootfs-propagation", fmt_hex(hex, flags), NULL);
	return 0;
}

/*
 * Rootless on a pure v2 host, without a cgroupsPath: next to the caller's own
 * cgroup, as baton-ID. A user's delegated subtree (systemd's user@UID.service,
 * or an administrator's chown) is where a rootless caller usually is, while
 * /baton is root's; whether it really is delegated, pipeline.c asks later.
 */
static bool rootless_default(const char *id, char *out, size_t size)
{
	char own[4096];
	enum cgroup_layout layout;
	struct stage_error ignored;

	if (host_root() || cgroup_detect(&layout, &ignored) < 0 || layout != CGROUP_LAYOUT_V2 ||
	    cgroup_process_path(0, "", own, sizeof(own), &ignored) < 0 || own[0] != '/')
		return false;
	*strrchr(own, '/') = '\0'; /* the parent: "/" becomes "" */
	return snprintf(out, size, "%s/baton-%s", own, id) < (int)size;
}

static int parse_cgroups_path(struct pc *pc, const struct jnode *linux_obj)
{
	const char *value = NULL;
	char path[4096], dflt[4096];

	if (pc->systemd)
		return 0; /* parse_cgroup_systemd plans it */
	if (jm_string(linux_obj, "linux", "cgroupsPath", &value, pc->err) < 0)
		return -1;
	if ((!value || !*value) && rootless_default(pc->id, dflt, sizeof(dflt)))
		value = dflt;
	if (rule_cgroups_path(value, pc->id, path, sizeof(path), pc->err) < 0)
		return -1;
	plan_emit(pc->out, "cgroup.path", path, NULL);
	return 0;
}

static int parse_personality(struct pc *pc, const struct jnode *linux_obj)
{
	const struct jnode *pers, *flags;
	const char *domain = NULL;

	if (jm_object(linux_obj, "linux", "personality", &pers, pc->err) < 0)
		return -1;
	if (!pers)
		return 0;
	if (jm_string(pers, "linux.personality", "domain", &domain, pc->err) < 0 ||
	    jm_array(pers, "linux.personality", "flags", &flags, pc->err) < 0)
		return -1;
	if (!domain || (strcmp(domain, "LINUX") != 0 && strcmp(domain, "LINUX32") != 0))
		return stage_fail(pc->err, 0, "linux.personality.domain: must be LINUX or LINUX32");
	if (jnode_count(flags) > 0)
		return stage_fail(pc->err, 0, "linux.personality.flags: not supported yet");
	plan_emit(pc->out, "personality", domain, NULL);
	return 0;
}

/* SELinux is active when the kernel registered its filesystem (as final-exec's lsm.c). */
static bool selinux_enabled(void)
{
	autofree char *line = NULL;
	size_t cap = 0;
	bool found = false;
	FILE *f = fopen("/proc/filesystems", "re");

	if (!f)
		return false;
	while (!found && getline(&line, &cap, f) >= 0)
		found = strstr(line, "\tselinuxfs") != NULL;
	fclose(f);
	return found;
}

/* crun ignores the label without SELinux: configs written on Fedora run here too. */
static int parse_mount_label(struct pc *pc, const struct jnode *linux_obj)
{
	const char *label = NULL;

	if (jm_string(linux_obj, "linux", "mountLabel", &label, pc->err) < 0)
		return -1;
	if (!label || !*label)
		return 0;
	if (rule_mount_label(label, selinux_enabled(), pc->err) < 0)
		return -1;
	stage_debug("linux.mountLabel `%s`: ignored, SELinux is not enabled here", label);
	return 0;
}

/* resctrl's superblock magic (linux/magic.h RDTGROUP_SUPER_MAGIC). */
#define RESCTRL_MAGIC 0x7655821

static bool resctrl_mounted(void)
{
	struct statfs sfs;

	return statfs("/sys/fs/resctrl", &sfs) == 0 && sfs.f_type == RESCTRL_MAGIC;
}

/* No stage applies it: name why for this host, so the user knows what would help. */
static int parse_intel_rdt(struct pc *pc, const struct jnode *linux_obj)
{
	if (!jget(linux_obj, "intelRdt"))
		return 0;
	return rule_intel_rdt(resctrl_mounted(), pc->err);
}

int parse_linux(struct pc *pc, const struct jnode *linux_obj)
{
	if (parse_id_maps(pc, linux_obj) < 0 || parse_time_offsets(pc, linux_obj) < 0 ||
	    parse_devices(pc, linux_obj) < 0 || parse_sysctl(pc, linux_obj) < 0 ||
	    parse_paths(pc, linux_obj) < 0 || parse_propagation(pc, linux_obj) < 0 ||
	    parse_cgroups_path(pc, linux_obj) < 0 || parse_personality(pc, linux_obj) < 0 ||
	    parse_memory_policy(pc, linux_obj) < 0 || parse_mount_label(pc, linux_obj) < 0 ||
	    parse_intel_rdt(pc, linux_obj) < 0 || parse_net_devices(pc, linux_obj) < 0)
		return -1;
	return 0;
}
