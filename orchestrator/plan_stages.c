/*
 * `baton plan`, stage by stage: each stage's work as the stage will read it
 * from the plan (schemas/plan.md). Nothing here touches the system beyond
 * asking which cgroup layout the host has, as cgroup-setup does.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "capabilities.h"
#include "cgroup.h"
#include "hooks.h"
#include "plan_stages.h"

#define SHOW(fn)                                                                                   \
	static int fn(struct view *v, const struct plan_context *ctx, struct stage_error *err)

/* Cells of one table row from the fields of a record. */
static void cells_from(struct view *v, const struct plan_entry *e, const unsigned *fields, size_t n)
{
	for (size_t i = 0; i < n; i++)
		view_cell(v, plan_field(e, fields[i]));
}

static void record_list(struct view *v, const struct plan *plan, const char *key,
			const char *record)
{
	view_list_begin(v, key);
	plan_for_each(plan, record, e) view_list_item(v, plan_field(e, 0));
	view_list_end(v);
}

/* uid-map / gid-map / mount.uid-map: CONTAINER HOST SIZE from field `first` on. */
static void id_map_table(struct view *v, const struct plan *plan, const char *key,
			 const char *record, unsigned first)
{
	static const char *const cols[] = {"container", "host", "size"};
	const unsigned fields[] = {first, first + 1, first + 2};

	view_table_begin(v, key, cols, 3);
	plan_for_each(plan, record, e) cells_from(v, e, fields, 3);
	view_table_end(v);
}

SHOW(show_parse_config)
{
	(void)err;
	view_str(v, "reads", ctx->config_path);
	view_str(v, "writes", "the plan, a sealed memfd (schemas/plan.md)");
	view_num(v, "plan-bytes", ctx->plan_bytes);
	view_num(v, "plan-records", ctx->plan->nentries);
	return 0;
}

SHOW(show_seccomp_load)
{
	const struct plan_entry *d = plan_get(ctx->plan, "seccomp.default");
	autostrbuf struct strbuf action = {0};

	if (!d) /* the stage's condition: it runs only with this record */
		return stage_fail(err, EINVAL, "plan: no `seccomp.default` record");
	strbuf_puts(&action, plan_field(d, 0));
	if (strcmp(plan_field(d, 0), "SCMP_ACT_ERRNO") == 0)
		strbuf_printf(&action, " errno %s", plan_field(d, 1));
	view_str(v, "default-action", action.data);
	view_num(v, "rules", plan_count(ctx->plan, "seccomp.syscall"));
	record_list(v, ctx->plan, "architectures", "seccomp.arch");
	record_list(v, ctx->plan, "flags", "seccomp.flag");
	if (plan_get(ctx->plan, "seccomp.listener-path"))
		view_str(v, "listener", plan_str(ctx->plan, "seccomp.listener-path", ""));
	view_str(v, "writes", "the BPF program, for final-exec to install");
	return 0;
}

static const char *layout_name(enum cgroup_layout layout)
{
	return layout == CGROUP_LAYOUT_V2 ? "v2" : layout == CGROUP_LAYOUT_V1 ? "v1" : "hybrid";
}

static int device_rules(struct view *v, const struct plan *plan, bool v2, struct stage_error *err)
{
	static const char *const cols[] = {"rule", "access"};

	/* v2 has no files for them: a BPF program, the plan's rules then the defaults */
	view_table_begin(v, v2 ? "device-program" : "devices-files", cols, 2);
	if (!v2) { /* v1 starts from nothing allowed; v2's program denies what no rule allows */
		view_cell(v, "a *:* rwm");
		view_cell(v, "devices.deny (first, always)");
	}
	plan_for_each(plan, "cgroup.device", e)
	{
		char rule[96];
		bool allow;

		if (cgroup_device_rule(e, &allow, rule, sizeof(rule), err) < 0)
			return -1;
		view_cell(v, rule);
		view_cell(v, v2 ? (allow ? "allow" : "deny")
				: (allow ? "devices.allow" : "devices.deny"));
	}
	/* after the plan's, as cgroup-setup writes them: what every container may use */
	for (size_t i = 0; i < CGROUP_DEFAULT_DEVICES; i++) {
		const struct cgroup_device_rule *d = &cgroup_default_devices[i];
		char rule[64], minor[24] = "*";

		if (d->minor >= 0)
			snprintf(minor, sizeof(minor), "%d", (int)d->minor);
		snprintf(rule, sizeof(rule), "%c %d:%s rwm", d->type, (int)d->major, minor);
		view_cell(v, rule);
		view_cell(v, v2 ? "allow (default)" : "devices.allow (default)");
	}
	if (v2) {
		view_cell(v, "a *:* rwm");
		view_cell(v, "deny (no rule matched)");
	}
	view_table_end(v);
	return 0;
}

SHOW(show_cgroup_setup)
{
	static const char *const cols[] = {"file", "value", "or-file", "or-value"};
	struct cgroup_write *writes = calloc(CGROUP_WRITES_MAX, sizeof(*writes));
	enum cgroup_layout layout;
	size_t n;
	int ret = -1;

	if (!writes)
		return stage_fail(err, ENOMEM, "cgroup writes");
	if (cgroup_detect(&layout, err) < 0 ||
	    cgroup_writes_from_plan(ctx->plan, layout == CGROUP_LAYOUT_V2, writes, &n, err) < 0)
		goto out;
	view_str(v, "path", plan_str(ctx->plan, "cgroup.path", ""));
	view_str(v, "layout", layout_name(layout));
	view_table_begin(v, "writes", cols, 4);
	for (size_t i = 0; i < n; i++) {
		char file[CGROUP_FILE_MAX + 32];

		/* v1: the file lives in its controller's hierarchy */
		snprintf(file, sizeof(file), "%s%s%s",
			 layout == CGROUP_LAYOUT_V2 ? "" : writes[i].controller,
			 layout == CGROUP_LAYOUT_V2 ? "" : "/", writes[i].file);
		view_cell(v, file);
		view_cell(v, writes[i].value);
		view_cell(v, writes[i].alt_file[0] ? writes[i].alt_file : "");
		view_cell(v, writes[i].alt_file[0] ? writes[i].alt_value : "");
	}
	view_table_end(v);
	if (cgroup_rootless()) { /* what cgroup_setup leaves out for a user (cgroup.h) */
		view_str(v, "rootless",
			 "only in hierarchies delegated to the user; no device rules "
			 "(devices.allow and device programs need CAP_SYS_ADMIN)");
		ret = 0;
	} else {
		ret = device_rules(v, ctx->plan, layout == CGROUP_LAYOUT_V2, err);
	}
out:
	free(writes);
	return ret;
}

SHOW(show_cgroup_systemd)
{
	static const char *const cols[] = {"name", "type", "value"};
	const unsigned fields[] = {0, 1, 2};

	(void)err;
	view_str(v, "unit", plan_str(ctx->plan, "cgroup.unit", ""));
	view_str(v, "slice", plan_str(ctx->plan, "cgroup.slice", ""));
	view_str(v, "bus", plan_str(ctx->plan, "cgroup.bus", ""));
	view_str(v, "path", plan_str(ctx->plan, "cgroup.path", ""));
	view_table_begin(v, "properties", cols, 3);
	plan_for_each(ctx->plan, "cgroup.property", e) cells_from(v, e, fields, 3);
	view_table_end(v);
	return 0;
}

SHOW(show_clone)
{
	static const char *const cols[] = {"type", "action", "path"};
	static const char *const offset_cols[] = {"clock", "secs", "nsecs"};
	const unsigned fields[] = {0, 1, 2};

	(void)err;
	view_table_begin(v, "namespaces", cols, 3);
	plan_for_each(ctx->plan, "namespace", e)
	{
		bool join = *plan_field(e, 1) != '\0';

		view_cell(v, plan_field(e, 0));
		view_cell(v, join ? "join" : "new");
		view_cell(v, join ? plan_field(e, 1) : "");
	}
	view_table_end(v);
	view_table_begin(v, "time-offsets", offset_cols, 3);
	plan_for_each(ctx->plan, "time-offset", e) cells_from(v, e, fields, 3);
	view_table_end(v);
	view_str(v, "then", "the container process waits for GO, then execs mount-rootfs");
	return 0;
}

SHOW(show_cgroup_join)
{
	(void)err;
	view_str(v, "path", plan_str(ctx->plan, "cgroup.path", ""));
	view_str(v, "action", "hands the container process its cgroup files (v1 tasks, v2 procs)");
	return 0;
}

SHOW(show_userns_map)
{
	(void)err;
	id_map_table(v, ctx->plan, "uid-map", "uid-map", 0);
	id_map_table(v, ctx->plan, "gid-map", "gid-map", 0);
	return 0;
}

SHOW(show_net_devices)
{
	static const char *const cols[] = {"host-name", "container-name"};
	static const unsigned fields[] = {0, 1};

	(void)err;
	view_table_begin(v, "interfaces", cols, 2);
	plan_for_each(ctx->plan, "net-device", e) cells_from(v, e, fields, 2);
	view_table_end(v);
	view_str(v, "action",
		 "moves each interface into the container's network namespace, "
		 "renamed there, before the prestart hooks");
	return 0;
}

/* The `mount` records whose EXTRA has word: index, destination, source. */
static void mounts_with(struct view *v, const struct plan *plan, const char *key, const char *word)
{
	static const char *const cols[] = {"index", "destination", "source"};
	unsigned index = 0;

	view_table_begin(v, key, cols, 3);
	plan_for_each(plan, "mount", e)
	{
		char num[16];

		snprintf(num, sizeof(num), "%u", index++);
		if (!strstr(plan_field(e, 7), word))
			continue;
		view_cell(v, num);
		view_cell(v, plan_field(e, 0));
		view_cell(v, plan_field(e, 2));
	}
	view_table_end(v);
}

SHOW(show_idmap_mounts)
{
	(void)err;
	mounts_with(v, ctx->plan, "mounts", "idmap");
	/* binds of a user-namespaced container: cloned here, not idmapped */
	mounts_with(v, ctx->plan, "opened-on-host", "host-open");
	id_map_table(v, ctx->plan, "own-uid-map", "mount.uid-map", 1);
	id_map_table(v, ctx->plan, "own-gid-map", "mount.gid-map", 1);
	return 0;
}

/* The hooks of one phase: path, argv after argv[0], timeout. */
static void hook_table(struct view *v, const struct plan *plan, const char *key, const char *phase)
{
	static const char *const cols[] = {"path", "args", "timeout"};

	view_table_begin(v, key, cols, 3);
	plan_for_each(plan, "hook", h)
	{
		autostrbuf struct strbuf args = {0};
		bool first = true;

		if (strcmp(plan_field(h, 0), phase) != 0)
			continue;
		plan_for_each(plan, "hook.arg", a)
		{
			if (strcmp(plan_field(a, 0), phase) != 0 ||
			    strcmp(plan_field(a, 1), plan_field(h, 1)) != 0)
				continue;
			if (first) { /* argv[0] */
				first = false;
				continue;
			}
			strbuf_printf(&args, "%s%s", args.len ? " " : "", plan_field(a, 2));
		}
		view_cell(v, plan_field(h, 2));
		view_cell(v, args.len ? args.data : "");
		view_cell(v, strcmp(plan_field(h, 3), "0") == 0 ? "none" : plan_field(h, 3));
	}
	view_table_end(v);
}

static int show_hooks(struct view *v, const struct plan_context *ctx, const char *phase)
{
	hook_table(v, ctx->plan, "hooks", phase);
	return 0;
}

/* The MS_* bits of a mount record as option names (the plan keeps them as hex). */
static void flag_names(struct strbuf *sb, uint64_t flags, bool clear)
{
	static const struct {
		uint64_t flag;
		const char *set, *cleared;
	} names[] = {
	    {MS_BIND | MS_REC, "rbind", ""},
	    {MS_BIND, "bind", ""},
	    {MS_RDONLY, "ro", "rw"},
	    {MS_NOSUID, "nosuid", "suid"},
	    {MS_NODEV, "nodev", "dev"},
	    {MS_NOEXEC, "noexec", "exec"},
	    {MS_SYNCHRONOUS, "sync", "async"},
	    {MS_DIRSYNC, "dirsync", ""},
	    {MS_REMOUNT, "remount", ""},
	    {MS_MANDLOCK, "mand", "nomand"},
	    {MS_NOATIME, "noatime", "atime"},
	    {MS_NODIRATIME, "nodiratime", "diratime"},
	    {MS_RELATIME, "relatime", "norelatime"},
	    {MS_STRICTATIME, "strictatime", "nostrictatime"},
	    {MS_LAZYTIME, "lazytime", "nolazytime"},
	    {MS_SILENT, "silent", "loud"},
	    {MS_PRIVATE | MS_REC, "rprivate", ""},
	    {MS_PRIVATE, "private", ""},
	    {MS_SHARED | MS_REC, "rshared", ""},
	    {MS_SHARED, "shared", ""},
	    {MS_SLAVE | MS_REC, "rslave", ""},
	    {MS_SLAVE, "slave", ""},
	    {MS_UNBINDABLE | MS_REC, "runbindable", ""},
	    {MS_UNBINDABLE, "unbindable", ""},
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *name = clear ? names[i].cleared : names[i].set;

		if ((flags & names[i].flag) != names[i].flag || !*name)
			continue;
		strbuf_printf(sb, "%s%s", sb->len ? "," : "", name);
		flags &= ~names[i].flag;
	}
	if (flags) /* a bit this table does not name: shown as it is */
		strbuf_printf(sb, "%s0x%" PRIx64, sb->len ? "," : "", flags);
}

static int mount_options(const struct plan_entry *e, struct strbuf *sb, struct stage_error *err)
{
	uint64_t set, clear, propagation;

	if (plan_field_u64(e, 3, &set, err) < 0 || plan_field_u64(e, 4, &clear, err) < 0 ||
	    plan_field_u64(e, 5, &propagation, err) < 0)
		return -1;
	flag_names(sb, set, false);
	flag_names(sb, clear, true);
	flag_names(sb, propagation, false);
	for (unsigned f = 6; f <= 7; f++) /* DATA, then EXTRA */
		if (*plan_field(e, f))
			strbuf_printf(sb, "%s%s", sb->len ? "," : "", plan_field(e, f));
	return 0;
}

static int mounts_table(struct view *v, const struct plan *plan, struct stage_error *err)
{
	static const char *const cols[] = {"destination", "type", "source", "options"};

	view_table_begin(v, "mounts", cols, 4);
	plan_for_each(plan, "mount", e)
	{
		autostrbuf struct strbuf options = {0};

		if (mount_options(e, &options, err) < 0)
			return -1;
		view_cell(v, plan_field(e, 0));
		view_cell(v, plan_field(e, 1));
		view_cell(v, plan_field(e, 2));
		view_cell(v, options.len ? options.data : "");
	}
	view_table_end(v);
	return 0;
}

/* mount-rootfs pivots only in a mount namespace (new or joined) of the container's own. */
static bool has_mount_namespace(const struct plan *plan)
{
	plan_for_each(plan, "namespace", e) if (strcmp(plan_field(e, 0), "mount") == 0) return true;
	return false;
}

SHOW(show_mount_rootfs)
{
	static const char *const dev_cols[] = {"path", "type", "major", "minor",
					       "mode", "uid",  "gid"};
	static const char *const sysctl_cols[] = {"key", "value"};
	const unsigned dev_fields[] = {0, 1, 2, 3, 4, 5, 6}, sysctl_fields[] = {0, 1};
	const struct plan_entry *prop = plan_get(ctx->plan, "rootfs-propagation");
	autostrbuf struct strbuf propagation = {0};
	uint64_t flags;

	view_str(v, "rootfs", plan_str(ctx->plan, "root.path", ""));
	if (mounts_table(v, ctx->plan, err) < 0)
		return -1;
	record_list(v, ctx->plan, "masked-paths", "masked-path");
	record_list(v, ctx->plan, "readonly-paths", "readonly-path");
	view_table_begin(v, "devices", dev_cols, 7);
	plan_for_each(ctx->plan, "device", e) cells_from(v, e, dev_fields, 7);
	view_table_end(v);
	view_table_begin(v, "sysctls", sysctl_cols, 2);
	plan_for_each(ctx->plan, "sysctl", e) cells_from(v, e, sysctl_fields, 2);
	view_table_end(v);
	view_str(v, "hostname", plan_str(ctx->plan, "hostname", ""));
	view_str(v, "domainname", plan_str(ctx->plan, "domainname", ""));
	hook_table(v, ctx->plan, "hooks", "createContainer");
	view_str(v, "root",
		 has_mount_namespace(ctx->plan)
		     ? "pivot_root into the rootfs (chroot with --no-pivot)"
		     : "chroot into the rootfs (no mount namespace: the mounts go into the "
		       "runtime's, under the rootfs)");
	view_bool(v, "root-readonly", plan_flag(ctx->plan, "root.readonly"));
	/* absent without a mount namespace: the runtime's propagation is left alone */
	if (prop && plan_field_u64(prop, 0, &flags, err) < 0)
		return -1;
	if (prop)
		flag_names(&propagation, flags, false);
	view_str(v, "rootfs-propagation", propagation.len ? propagation.data : "");
	return 0;
}

/* One capability set (a hex mask) as names. */
static int cap_set(const struct plan_entry *e, unsigned field, struct strbuf *sb,
		   struct stage_error *err)
{
	uint64_t mask;

	if (plan_field_u64(e, field, &mask, err) < 0)
		return -1;
	for (unsigned c = 0; c < 64; c++) {
		if (!(mask & (UINT64_C(1) << c)))
			continue;
		if (cap_name(c))
			strbuf_printf(sb, "%s%s", sb->len ? " " : "", cap_name(c));
		else
			strbuf_printf(sb, "%s%u", sb->len ? " " : "", c);
	}
	return 0;
}

static int caps_table(struct view *v, const struct plan *plan, struct stage_error *err)
{
	static const char *const cols[] = {"set", "capabilities"};
	static const char *const sets[] = {"bounding", "effective", "inheritable", "permitted",
					   "ambient"};
	const struct plan_entry *caps = plan_get(plan, "process.caps");

	view_table_begin(v, "capabilities", cols, 2);
	for (unsigned i = 0; caps && i < 5; i++) {
		autostrbuf struct strbuf names = {0};

		if (cap_set(caps, i, &names, err) < 0)
			return -1;
		view_cell(v, sets[i]);
		view_cell(v, names.len ? names.data : "");
	}
	view_table_end(v);
	return 0;
}

/* Where and when the process runs (final-exec's placement.c), as one line each. */
static void placement_view(struct view *v, const struct plan *plan)
{
	const struct plan_entry *sched = plan_get(plan, "process.scheduler");
	const struct plan_entry *io = plan_get(plan, "process.io-priority");
	const struct plan_entry *mp = plan_get(plan, "memory-policy");
	autostrbuf struct strbuf sb = {0}, iob = {0}, mpb = {0};

	if (sched)
		strbuf_printf(&sb,
			      "%s nice %s priority %s flags %s runtime %s deadline %s period %s",
			      plan_field(sched, 0), plan_field(sched, 2), plan_field(sched, 3),
			      plan_field(sched, 4), plan_field(sched, 5), plan_field(sched, 6),
			      plan_field(sched, 7));
	view_str(v, "scheduler", sb.len ? sb.data : "");
	if (io)
		strbuf_printf(&iob, "%s level %s", plan_field(io, 0), plan_field(io, 2));
	view_str(v, "io-priority", iob.len ? iob.data : "");
	view_str(v, "cpu-affinity-initial", plan_str(plan, "process.cpu-affinity.initial", ""));
	view_str(v, "cpu-affinity-final", plan_str(plan, "process.cpu-affinity.final", ""));
	if (mp)
		strbuf_printf(&mpb, "%s flags %s nodes %s", plan_field(mp, 0), plan_field(mp, 2),
			      *plan_field(mp, 3) ? plan_field(mp, 3) : "none");
	view_str(v, "memory-policy", mpb.len ? mpb.data : "");
}

SHOW(show_final_exec)
{
	static const char *const rl_cols[] = {"name", "soft", "hard"};
	const unsigned rl_fields[] = {0, 2, 3};
	const struct plan_entry *user = plan_get(ctx->plan, "process.user");
	char ids[64] = "";

	if (!plan_flag(ctx->plan, "process"))
		view_str(v, "process",
			 "none in config.json: the container is made, `start` refuses");
	if (user)
		snprintf(ids, sizeof(ids), "%s:%s", plan_field(user, 0), plan_field(user, 1));
	view_str(v, "user", ids);
	record_list(v, ctx->plan, "additional-gids", "process.additional-gid");
	if (caps_table(v, ctx->plan, err) < 0)
		return -1;
	view_table_begin(v, "rlimits", rl_cols, 3);
	plan_for_each(ctx->plan, "process.rlimit", e) cells_from(v, e, rl_fields, 3);
	view_table_end(v);
	view_bool(v, "no-new-privileges", plan_flag(ctx->plan, "process.no-new-privileges"));
	view_str(v, "umask", plan_str(ctx->plan, "process.umask", ""));
	view_str(v, "cwd", plan_str(ctx->plan, "process.cwd", "/"));
	placement_view(v, ctx->plan);
	view_bool(v, "terminal", plan_flag(ctx->plan, "process.terminal"));
	view_num(v, "env-count", plan_count(ctx->plan, "process.env"));
	record_list(v, ctx->plan, "args", "process.arg");
	view_str(v, "seccomp",
		 plan_get(ctx->plan, "seccomp.default")
		     ? "installs seccomp-load's BPF, the last step before execve"
		     : "none");
	hook_table(v, ctx->plan, "hooks", "startContainer");
	view_str(v, "waits", "for `baton start` on the exec fifo (run: starts at once)");
	return 0;
}

static const struct {
	const char *program;
	int (*show)(struct view *v, const struct plan_context *ctx, struct stage_error *err);
} shows[] = {
    {"parse-config", show_parse_config},
    {"seccomp-load", show_seccomp_load},
    {"cgroup-setup", show_cgroup_setup},
    {"cgroup-systemd", show_cgroup_systemd},
    {"clone", show_clone},
    {"cgroup-join", show_cgroup_join},
    {"userns-map", show_userns_map},
    {"idmap-mounts", show_idmap_mounts},
    {"net-devices", show_net_devices},
    {"mount-rootfs", show_mount_rootfs},
    {"final-exec", show_final_exec},
};

int plan_show_stage(struct view *v, const struct plan_context *ctx, const struct stage_decl *d,
		    struct stage_error *err)
{
	const char *at = strchr(d->name, '@');
	size_t len = at ? (size_t)(at - d->name) : strlen(d->name);

	/* NAME@ARG: the hooks stage with the phase as its argument */
	if (at && strncmp(d->name, "hooks", len) == 0)
		return show_hooks(v, ctx, at + 1);
	for (size_t i = 0; i < sizeof(shows) / sizeof(shows[0]); i++)
		if (strlen(shows[i].program) == len && strncmp(shows[i].program, d->name, len) == 0)
			return shows[i].show(v, ctx, err);
	/* a stage declared after this table was written: say so rather than invent */
	view_str(v, "does", "(baton plan does not describe this stage yet)");
	return 0;
}
