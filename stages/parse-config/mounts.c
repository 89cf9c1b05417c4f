/* The `mounts` section: options become MS_* words so mount-rootfs only calls mount(2). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>

#include "internal.h"
#include "mount-idmap.h"
#include "rules.h"
#include "stage.h"

#ifndef MS_LAZYTIME
#define MS_LAZYTIME (1 << 25)
#endif
#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif

enum opt_kind { OPT_SET, OPT_CLEAR, OPT_PROPAGATION, OPT_EXTRA };

struct mount_opt {
	const char *name;
	enum opt_kind kind;
	unsigned long flag;
};

static const struct mount_opt mount_opts[] = {
    {"defaults", OPT_SET, 0},
    {"ro", OPT_SET, MS_RDONLY},
    {"nosuid", OPT_SET, MS_NOSUID},
    {"nodev", OPT_SET, MS_NODEV},
    {"noexec", OPT_SET, MS_NOEXEC},
    {"sync", OPT_SET, MS_SYNCHRONOUS},
    {"dirsync", OPT_SET, MS_DIRSYNC},
    {"remount", OPT_SET, MS_REMOUNT},
    {"mand", OPT_SET, MS_MANDLOCK},
    {"noatime", OPT_SET, MS_NOATIME},
    {"nodiratime", OPT_SET, MS_NODIRATIME},
    {"relatime", OPT_SET, MS_RELATIME},
    {"strictatime", OPT_SET, MS_STRICTATIME},
    {"lazytime", OPT_SET, MS_LAZYTIME},
    {"silent", OPT_SET, MS_SILENT},
    {"nosymfollow", OPT_SET, MS_NOSYMFOLLOW},
    {"bind", OPT_SET, MS_BIND},
    {"rbind", OPT_SET, MS_BIND | MS_REC},
    {"rw", OPT_CLEAR, MS_RDONLY},
    {"suid", OPT_CLEAR, MS_NOSUID},
    {"dev", OPT_CLEAR, MS_NODEV},
    {"exec", OPT_CLEAR, MS_NOEXEC},
    {"async", OPT_CLEAR, MS_SYNCHRONOUS},
    {"nomand", OPT_CLEAR, MS_MANDLOCK},
    {"atime", OPT_CLEAR, MS_NOATIME},
    {"diratime", OPT_CLEAR, MS_NODIRATIME},
    {"norelatime", OPT_CLEAR, MS_RELATIME},
    {"nostrictatime", OPT_CLEAR, MS_STRICTATIME},
    {"nolazytime", OPT_CLEAR, MS_LAZYTIME},
    {"loud", OPT_CLEAR, MS_SILENT},
    {"symfollow", OPT_CLEAR, MS_NOSYMFOLLOW},
    {"private", OPT_PROPAGATION, MS_PRIVATE},
    {"rprivate", OPT_PROPAGATION, MS_PRIVATE | MS_REC},
    {"shared", OPT_PROPAGATION, MS_SHARED},
    {"rshared", OPT_PROPAGATION, MS_SHARED | MS_REC},
    {"slave", OPT_PROPAGATION, MS_SLAVE},
    {"rslave", OPT_PROPAGATION, MS_SLAVE | MS_REC},
    {"unbindable", OPT_PROPAGATION, MS_UNBINDABLE},
    {"runbindable", OPT_PROPAGATION, MS_UNBINDABLE | MS_REC},
    /* no mount flags: mount-rootfs acts on them itself (copy-up...); idmap and
     * ridmap are mount-idmap.c's */
    {"tmpcopyup", OPT_EXTRA, 0},
    {"copy-symlink", OPT_EXTRA, 0},
    {"src-nofollow", OPT_EXTRA, 0},
    {"dest-nofollow", OPT_EXTRA, 0},
    {"rro", OPT_EXTRA, 0},
    {"rrw", OPT_EXTRA, 0},
    {"rnosuid", OPT_EXTRA, 0},
    {"rsuid", OPT_EXTRA, 0},
    {"rnodev", OPT_EXTRA, 0},
    {"rdev", OPT_EXTRA, 0},
    {"rnoexec", OPT_EXTRA, 0},
    {"rexec", OPT_EXTRA, 0},
    {"rnoatime", OPT_EXTRA, 0},
    {"ratime", OPT_EXTRA, 0},
    {"rrelatime", OPT_EXTRA, 0},
    {"rnorelatime", OPT_EXTRA, 0},
    {"rstrictatime", OPT_EXTRA, 0},
    {"rnostrictatime", OPT_EXTRA, 0},
    {"rnodiratime", OPT_EXTRA, 0},
    {"rdiratime", OPT_EXTRA, 0},
    {"rnosymfollow", OPT_EXTRA, 0},
    {"rsymfollow", OPT_EXTRA, 0},
};

/* Also the rootfsPropagation values, shared with linux.c. */
int propagation_flags(const char *name, unsigned long *out)
{
	for (size_t i = 0; i < sizeof(mount_opts) / sizeof(mount_opts[0]); i++) {
		if (mount_opts[i].kind == OPT_PROPAGATION &&
		    strcmp(mount_opts[i].name, name) == 0) {
			*out = mount_opts[i].flag;
			return 0;
		}
	}
	return -1;
}

static const struct mount_opt *opt_find(const char *name)
{
	for (size_t i = 0; i < sizeof(mount_opts) / sizeof(mount_opts[0]); i++)
		if (strcmp(mount_opts[i].name, name) == 0)
			return &mount_opts[i];
	return NULL;
}

struct mount_words {
	unsigned long flags, clear, propagation;
	struct strbuf data, extra;
	struct idmap_opts idmap;
};

static void add_word(struct strbuf *sb, const char *word)
{
	if (sb->len)
		strbuf_putc(sb, ',');
	strbuf_puts(sb, word);
}

/* A later option overrides an earlier opposite one, as with mount(8). */
static int mount_options(struct pc *pc, const struct jnode *opts, const char *path,
			 struct mount_words *w)
{
	char p[JPATH_MAX];
	const struct jnode *v;
	int i = 0;

	jnode_foreach(v, opts)
	{
		const struct mount_opt *opt;
		const char *name;

		if (jv_string(v, jpath_idx(p, path, i++), &name, pc->err) < 0)
			return -1;
		switch (idmap_option(name, p, &w->idmap, pc->err)) {
		case -1:
			return -1;
		case 1:
			continue;
		}
		opt = opt_find(name);
		if (!opt) {
			if (*name)
				add_word(&w->data, name);
			continue;
		}
		switch (opt->kind) {
		case OPT_SET:
			w->flags |= opt->flag;
			w->clear &= ~opt->flag;
			break;
		case OPT_CLEAR:
			w->flags &= ~opt->flag;
			w->clear |= opt->flag;
			break;
		case OPT_PROPAGATION:
			w->propagation = opt->flag;
			break;
		case OPT_EXTRA:
			add_word(&w->extra, name);
			break;
		}
	}
	return 0;
}

static bool option_has_word(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list ? strstr(list, word) : NULL; p; p = strstr(p + 1, word))
		if ((p == list || p[-1] == ',') && (p[n] == ',' || !p[n]))
			return true;
	return false;
}

/* Options about the source or a symlink: only a bind mount has a source path. */
static int rule_bind_only_options(const char *path, const char *extra, struct stage_error *err)
{
	static const char *const words[] = {"copy-symlink", "src-nofollow", "dest-nofollow"};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (option_has_word(extra, words[i]))
			return stage_fail(err, 0, "%s: `%s` is for bind mounts only", path,
					  words[i]);
	return 0;
}

static int resolve_source(struct pc *pc, const char *path, const char *source, char *out,
			  size_t size)
{
	int n;

	if (source[0] == '/')
		n = snprintf(out, size, "%s", source);
	else
		n = snprintf(out, size, "%s/%s", pc->bundle, source);
	if (n < 0 || (size_t)n >= size)
		return stage_fail(pc->err, ENAMETOOLONG, "%s.source: too long", path);
	return 0;
}

static int emit_mount(struct pc *pc, const struct jnode *m, const char *path, int index,
		      struct mount_words *w)
{
	const char *dest = NULL, *type = "", *source = "", *idmap;
	const struct jnode *opts;
	char p[JPATH_MAX], src[4096], f[NUM_MAX], c[NUM_MAX], pr[NUM_MAX];
	bool bind;

	if (jv_object(m, path, pc->err) < 0 ||
	    jm_string(m, path, "destination", &dest, pc->err) < 0 ||
	    jm_string(m, path, "type", &type, pc->err) < 0 ||
	    jm_string(m, path, "source", &source, pc->err) < 0 ||
	    jm_array(m, path, "options", &opts, pc->err) < 0)
		return -1;
	if (!dest)
		return stage_fail(pc->err, 0, "%s: required", jpath_key(p, path, "destination"));
	/* the spec and runc/crun read a relative destination as relative to / */
	char abs_dest[4096];
	if (dest[0] != '/') {
		if ((size_t)snprintf(abs_dest, sizeof(abs_dest), "/%s", dest) >= sizeof(abs_dest))
			return stage_fail(pc->err, ENAMETOOLONG, "%s: too long",
					  jpath_key(p, path, "destination"));
		dest = abs_dest;
	}
	if (rule_absolute_path(jpath_key(p, path, "destination"), dest, pc->err) < 0)
		return -1;
	if (mount_options(pc, opts, jpath_key(p, path, "options"), w) < 0)
		return -1;
	bind = strcmp(type, "bind") == 0 || (w->flags & MS_BIND);
	if (bind) {
		/* type "bind" alone means a plain bind, as crun and runc read it */
		w->flags |= MS_BIND;
		type = "bind";
		if (!*source)
			return stage_fail(pc->err, 0, "%s: required for a bind mount",
					  jpath_key(p, path, "source"));
		if (resolve_source(pc, path, source, src, sizeof(src)) < 0)
			return -1;
		source = src;
	}
	if (!bind &&
	    rule_bind_only_options(jpath_key(p, path, "options"), w->extra.data, pc->err) < 0)
		return -1;
	if (parse_mount_idmap(pc, m, path, index, bind, &w->idmap, &idmap) < 0)
		return -1;
	if (idmap)
		add_word(&w->extra, idmap);
	/*
	 * In a new user namespace the container's root may not reach a source
	 * the runtime can (below a 0700 host directory): as crun does, the
	 * source is opened with the runtime's credentials, on the host side
	 * (idmap-mounts clones it), and mount-rootfs attaches the clone.
	 * Rootless, the runtime has no more rights than the container's root.
	 */
	if (bind && !idmap && (pc->ns_new & NS_USER) && host_root() &&
	    !option_has_word(w->extra.data, "copy-symlink"))
		add_word(&w->extra, "host-open");
	plan_emit(pc->out, "mount", dest, type, source, fmt_hex(f, w->flags), fmt_hex(c, w->clear),
		  fmt_hex(pr, w->propagation), w->data.len ? w->data.data : "",
		  w->extra.len ? w->extra.data : "", NULL);
	return 0;
}

int parse_mounts(struct pc *pc, const struct jnode *config)
{
	const struct jnode *mounts, *m;
	char p[JPATH_MAX];
	int i = 0;

	if (jm_array(config, "", "mounts", &mounts, pc->err) < 0)
		return -1;
	jnode_foreach(m, mounts)
	{
		struct mount_words w = {0};
		int ret = emit_mount(pc, m, jpath_idx(p, "mounts", i), i, &w);

		i++;

		strbuf_release(&w.data);
		strbuf_release(&w.extra);
		if (ret < 0)
			return -1;
	}
	return 0;
}
