#include "cgroup.h"

#include <dirent.h>
#include <linux/bpf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include "cgroup-int.h"
#include "record.h"
#include "cleanup.h"
#include "stage.h"

static int layout_cache = -1;

int cgroup_detect(enum cgroup_layout *layout, struct stage_error *err)
{
	struct statfs st;

	if (layout_cache < 0) {
		if (statfs(CGROUP_MOUNT, &st) < 0)
			return stage_fail(err, errno, "statfs `%s`", CGROUP_MOUNT);
		if ((unsigned long)st.f_type == CGROUP_V2_MAGIC)
			layout_cache = CGROUP_LAYOUT_V2;
		else if (statfs(CGROUP_MOUNT "/unified", &st) == 0 &&
			 (unsigned long)st.f_type == CGROUP_V2_MAGIC)
			layout_cache = CGROUP_LAYOUT_HYBRID;
		else
			layout_cache = CGROUP_LAYOUT_V1;
	}
	*layout = layout_cache;
	return 0;
}

/* --- small file helpers ------------------------------------------------------ */

static int join(char *buf, size_t size, const char *dir, const char *file, struct stage_error *err)
{
	int n = snprintf(buf, size, "%s/%s", dir, file);

	if (n < 0 || (size_t)n >= size)
		return stage_fail(err, ENAMETOOLONG, "cgroup file `%s/%s`", dir, file);
	return 0;
}

int cg_write_file(const char *dir, const char *file, const char *value, struct stage_error *err)
{
	char path[PATH_MAX];

	if (join(path, sizeof(path), dir, file, err) < 0)
		return -1;
	stage_debug("write %s = %s in %s", file, value, dir);
	autoclose int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return stage_fail(err, errno, "open `%s`", path);
	size_t len = strlen(value);
	if (write(fd, value, len) != (ssize_t)len)
		return stage_fail(err, errno, "write `%s` to `%s`", value, path);
	return 0;
}

int cg_read_file(const char *dir, const char *file, char **out, struct stage_error *err)
{
	char path[PATH_MAX];
	size_t len = 0, cap = 256;
	autofree char *buf = NULL;

	if (join(path, sizeof(path), dir, file, err) < 0)
		return -1;
	autoclose int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return stage_fail(err, errno, "open `%s`", path);
	for (;;) {
		char *bigger = realloc(buf, cap);

		if (!bigger)
			return stage_fail(err, ENOMEM, "read `%s`", path);
		buf = bigger;
		ssize_t n = read(fd, buf + len, cap - len - 1);
		if (n < 0)
			return stage_fail(err, errno, "read `%s`", path);
		if (n == 0)
			break;
		len += (size_t)n;
		if (cap - len - 1 == 0)
			cap *= 2;
	}
	buf[len] = '\0';
	*out = take_ptr(&buf);
	return 0;
}

bool cg_file_exists(const char *dir, const char *file)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/%s", dir, file) >= (int)sizeof(path))
		return false;
	return access(path, F_OK) == 0;
}

void cg_sleep_ms(long ms)
{
	struct timespec ts = {.tv_sec = 0, .tv_nsec = ms * 1000000L};

	nanosleep(&ts, NULL);
}

/* Is word one of the comma or space separated words of list? */
static bool has_word(const char *list, const char *word, const char *seps)
{
	size_t wlen = strlen(word);

	for (const char *p = list; *p;) {
		size_t n = strcspn(p, seps);

		if (n == wlen && strncmp(p, word, n) == 0)
			return true;
		p += n;
		p += strspn(p, seps);
	}
	return false;
}

/* --- hierarchies ------------------------------------------------------------- */

static int add_hierarchy(struct hierarchy *h, size_t *n, const char *root, const char *name,
			 bool unified, struct stage_error *err)
{
	if (*n == HIER_MAX)
		return stage_fail(err, E2BIG, "more than %d cgroup hierarchies in `%s`", HIER_MAX,
				  CGROUP_MOUNT);
	snprintf(h[*n].root, sizeof(h[*n].root), "%s", root);
	snprintf(h[*n].name, sizeof(h[*n].name), "%s", name);
	h[*n].unified = unified;
	(*n)++;
	return 0;
}

/*
 * Every hierarchy under /sys/fs/cgroup. A readdir plus a statfs per entry is
 * cheaper than /proc/self/mountinfo on hosts with many mounts; symlinks are
 * the aliases of co-mounted controllers (cpu -> cpu,cpuacct) and skipped.
 */
int cg_list_hierarchies(struct hierarchy *h, size_t *n, struct stage_error *err)
{
	enum cgroup_layout layout;
	struct dirent *de;
	int ret = 0;

	*n = 0;
	if (cgroup_detect(&layout, err) < 0)
		return -1;
	if (layout == CGROUP_LAYOUT_V2)
		return add_hierarchy(h, n, CGROUP_MOUNT, "unified", true, err);
	DIR *d = opendir(CGROUP_MOUNT);
	if (!d)
		return stage_fail(err, errno, "open `%s`", CGROUP_MOUNT);
	while (ret == 0 && (de = readdir(d))) {
		char root[128];
		struct statfs sfs;
		struct stat st;

		if (de->d_name[0] == '.' || strlen(de->d_name) >= sizeof(h->name) ||
		    snprintf(root, sizeof(root), "%s/%s", CGROUP_MOUNT, de->d_name) >=
			(int)sizeof(root))
			continue;
		if (lstat(root, &st) < 0 || !S_ISDIR(st.st_mode) || statfs(root, &sfs) < 0)
			continue;
		if ((unsigned long)sfs.f_type == CGROUP_V1_MAGIC)
			ret = add_hierarchy(h, n, root, de->d_name, false, err);
		else if ((unsigned long)sfs.f_type == CGROUP_V2_MAGIC)
			ret = add_hierarchy(h, n, root, "unified", true, err);
	}
	closedir(d);
	return ret;
}

bool cg_is_v2_tree(const struct hierarchy *h)
{
	return h->unified && strcmp(h->root, CGROUP_MOUNT) == 0;
}

bool cg_has_controller(const struct hierarchy *h, const char *controller)
{
	if (h->unified)
		return cg_is_v2_tree(h);
	return has_word(h->name, controller, ",");
}

const struct hierarchy *cg_find_controller(const struct hierarchy *h, size_t n,
					   const char *controller)
{
	for (size_t i = 0; i < n; i++)
		if (cg_has_controller(&h[i], controller))
			return &h[i];
	return NULL;
}

int cg_dir(char *buf, size_t size, const struct hierarchy *h, const char *path,
	   struct stage_error *err)
{
	int n = snprintf(buf, size, "%s%s", h->root, path);

	if (n < 0 || (size_t)n >= size)
		return stage_fail(err, ENAMETOOLONG, "cgroup `%s%s`", h->root, path);
	return 0;
}

/* --- setup ------------------------------------------------------------------- */

/* v1 cpuset: a cgroup with empty cpus or mems takes no task; inherit the parent's. */
static int cpuset_inherit(const char *dir, struct stage_error *err)
{
	static const char *const files[] = {"cpuset.cpus", "cpuset.mems"};
	char parent[PATH_MAX];

	snprintf(parent, sizeof(parent), "%s", dir);
	*strrchr(parent, '/') = '\0';
	for (size_t i = 0; i < 2; i++) {
		autofree char *mine = NULL;
		autofree char *theirs = NULL;

		if (cg_read_file(dir, files[i], &mine, err) < 0)
			return -1;
		if (strspn(mine, " \n") != strlen(mine))
			continue;
		if (cg_read_file(parent, files[i], &theirs, err) < 0)
			return -1;
		theirs[strcspn(theirs, "\n")] = '\0';
		if (cg_write_file(dir, files[i], theirs, err) < 0)
			return -1;
	}
	return 0;
}

static bool controller_needed(const char *controller, const struct cgroup_write *w, size_t nw)
{
	for (size_t i = 0; i < nw; i++)
		if (strcmp(w[i].controller, controller) == 0)
			return true;
	return false;
}

/*
 * v2: let dir's children use the controllers dir has. Each is enabled on its
 * own so that one the kernel refuses (cpu with realtime threads) only fails
 * us when a resource needs it.
 */
static int enable_controllers(const char *dir, const struct cgroup_write *w, size_t nw,
			      struct stage_error *err)
{
	autofree char *available = NULL;
	autofree char *enabled = NULL;
	char word[64];

	if (cg_read_file(dir, "cgroup.controllers", &available, err) < 0 ||
	    cg_read_file(dir, "cgroup.subtree_control", &enabled, err) < 0)
		return -1;
	for (const char *p = available + strspn(available, " \n"); *p;) {
		size_t n = strcspn(p, " \n");

		snprintf(word, sizeof(word), "+%.*s", (int)n, p);
		p += n;
		p += strspn(p, " \n");
		if (has_word(enabled, word + 1, " \n"))
			continue;
		if (cg_write_file(dir, "cgroup.subtree_control", word, err) == 0)
			continue;
		if (controller_needed(word + 1, w, nw))
			return -1;
		stage_debug("%s: controller `%s` not enabled: %s", dir, word + 1, err->msg);
	}
	return 0;
}

/*
 * mkdir every level of path in h; *first_new is the index of the first level
 * we created (-1: none), so that a failure removes exactly those.
 */
static int create_in(const struct hierarchy *h, const char *path, const struct cgroup_write *w,
		     size_t nw, int *first_new, struct stage_error *err)
{
	bool v2 = cg_is_v2_tree(h);
	bool cpuset = !h->unified && cg_has_controller(h, "cpuset");
	char dir[PATH_MAX];
	size_t len = strlen(h->root);
	int level = 0;

	*first_new = -1;
	memcpy(dir, h->root, len + 1);
	for (const char *p = path; *p; level++) {
		const char *end = strchrnul(p + 1, '/');

		if (v2 && enable_controllers(dir, w, nw, err) < 0)
			return -1;
		if (len + (size_t)(end - p) >= sizeof(dir))
			return stage_fail(err, ENAMETOOLONG, "cgroup `%s%s`", h->root, path);
		memcpy(dir + len, p, (size_t)(end - p));
		len += (size_t)(end - p);
		dir[len] = '\0';
		if (mkdir(dir, 0755) == 0) {
			if (*first_new < 0)
				*first_new = level;
		} else if (errno != EEXIST) {
			return stage_fail(err, errno, "create cgroup `%s`", dir);
		}
		if (cpuset && cpuset_inherit(dir, err) < 0)
			return -1;
		p = end;
	}
	return 0;
}

/* Remove the levels of path from the leaf up to level first_new. */
static void remove_created(const struct hierarchy *h, const char *path, int first_new)
{
	char dir[PATH_MAX];
	int levels = 0;

	if (first_new < 0 || snprintf(dir, sizeof(dir), "%s%s", h->root, path) >= (int)sizeof(dir))
		return;
	for (const char *p = path; *p; p++)
		levels += *p == '/';
	for (int level = levels - 1; level >= first_new; level--) {
		if (rmdir(dir) < 0)
			return;
		*strrchr(dir, '/') = '\0';
	}
}

/* Every controller a write needs is mounted (fail loudly rather than ignore). */
static int check_controllers(const struct hierarchy *h, size_t nh, const struct cgroup_write *w,
			     size_t nw, struct stage_error *err)
{
	for (size_t i = 0; i < nw; i++) {
		if (cg_find_controller(h, nh, w[i].controller))
			continue;
		if (w[i].field)
			return stage_fail(err, ENOENT,
					  "%s: the host has no cgroup controller `%s` (for `%s`)",
					  w[i].field, w[i].controller, w[i].file);
		return stage_fail(err, ENOENT, "cgroup controller `%s` (for `%s`)", w[i].controller,
				  w[i].file);
	}
	return 0;
}

static int apply_write(const struct hierarchy *h, size_t nh, const char *path,
		       const struct cgroup_write *w, struct stage_error *err)
{
	const struct hierarchy *owner = cg_find_controller(h, nh, w->controller);
	char dir[PATH_MAX];

	if (cg_dir(dir, sizeof(dir), owner, path, err) < 0)
		return -1;
	bool use_alt = w->alt_file[0] && !cg_file_exists(dir, w->file);
	bool missing = !cg_file_exists(dir, use_alt ? w->alt_file : w->file);
	if (w->optional && missing) {
		stage_debug("skip %s = %s: no such file in %s", w->file, w->value, dir);
		return 0;
	}
	if (missing && w->why && w->alt_file[0])
		return stage_fail(err, ENOENT, "%s: the host has neither `%s` nor `%s` (%s)",
				  w->field, w->file, w->alt_file, w->why);
	if (missing && w->field && w->why)
		return stage_fail(err, ENOENT, "%s: the host has no `%s` (%s)", w->field, w->file,
				  w->why);
	if (!owner->unified && strcmp(w->file, "cpu.rt_runtime_us") == 0 &&
	    cg_rt_make_room(owner->root, path, w->value, err) < 0)
		return -1;
	if (cg_write_file(dir, use_alt ? w->alt_file : w->file, use_alt ? w->alt_value : w->value,
			  err) < 0)
		return w->field ? stage_wrap(err, "%s", w->field) : -1;
	return 0;
}

static int apply_writes(const struct hierarchy *h, size_t nh, const char *path,
			const struct cgroup_write *w, size_t nw, struct stage_error *err)
{
	for (size_t i = 0; i < nw; i++) {
		if (apply_write(h, nh, path, &w[i], err) == 0)
			continue;
		/*
		 * v1 keeps memory <= memory+swap at every step: raising both (update)
		 * needs memsw first, lowering both the limit first.
		 */
		if (err->errnum != EINVAL || strcmp(w[i].file, "memory.limit_in_bytes") != 0 ||
		    i + 1 == nw || strcmp(w[i + 1].file, "memory.memsw.limit_in_bytes") != 0)
			return -1;
		if (apply_write(h, nh, path, &w[i + 1], err) < 0 ||
		    apply_write(h, nh, path, &w[i], err) < 0)
			return -1;
		i++;
	}
	return 0;
}

/*
 * The device cgroup: on v2 an eBPF program (cgroup-bpf.c); on v1 deny all,
 * then the config's rules in order, then the devices
 * every container gets (null, zero, full, random, urandom, tty, console,
 * ptmx, pts). The defaults come last, as in runc and youki, so that the
 * usual leading "deny all" rule of a config does not revoke them.
 */
/* v1 devices.allow and devices.deny, each opened once for all the rules. */
struct device_files {
	const char *dir;
	int allow, deny;
};

static int write_device_rule(struct device_files *f, bool allow, const char *rule,
			     struct stage_error *err)
{
	const char *name = allow ? "devices.allow" : "devices.deny";
	int *fd = allow ? &f->allow : &f->deny;
	char path[PATH_MAX];
	size_t len = strlen(rule);

	if (*fd < 0) {
		if (join(path, sizeof(path), f->dir, name, err) < 0)
			return -1;
		*fd = open(path, O_WRONLY | O_CLOEXEC);
		if (*fd < 0)
			return stage_fail(err, errno, "open `%s`", path);
	}
	stage_debug("write %s = %s in %s", name, rule, f->dir);
	/* each write is one rule */
	if (write(*fd, rule, len) != (ssize_t)len)
		return stage_fail(err, errno, "write `%s` to `%s/%s`", rule, f->dir, name);
	return 0;
}

static int write_device_rules(struct device_files *f, const struct plan *plan,
			      struct stage_error *err)
{
	char rule[96];
	bool allow, first = true;

	/* start from nothing allowed; a leading "deny all" of the config is then moot */
	if (write_device_rule(f, false, "a", err) < 0)
		return -1;
	plan_for_each(plan, "cgroup.device", e)
	{
		if (cgroup_device_rule(e, &allow, rule, sizeof(rule), err) < 0)
			return -1;
		if (!(first && !allow && strcmp(rule, "a *:* rwm") == 0) &&
		    write_device_rule(f, allow, rule, err) < 0)
			return -1;
		first = false;
	}
	for (size_t i = 0; i < CGROUP_DEFAULT_DEVICES; i++) {
		const struct cgroup_device_rule *d = &cgroup_default_devices[i];
		char maj[24] = "*", min[24] = "*";

		if (d->major >= 0)
			snprintf(maj, sizeof(maj), "%d", (int)d->major);
		if (d->minor >= 0)
			snprintf(min, sizeof(min), "%d", (int)d->minor);
		snprintf(rule, sizeof(rule), "%c %s:%s %s%s%s", d->type, maj, min,
			 d->access & BPF_DEVCG_ACC_READ ? "r" : "",
			 d->access & BPF_DEVCG_ACC_WRITE ? "w" : "",
			 d->access & BPF_DEVCG_ACC_MKNOD ? "m" : "");
		if (write_device_rule(f, true, rule, err) < 0)
			return -1;
	}
	return 0;
}

static int apply_devices(const struct hierarchy *h, size_t nh, const char *path,
			 const struct plan *plan, bool replace, struct stage_error *err)
{
	const struct hierarchy *devices = cg_find_controller(h, nh, "devices");
	char dir[PATH_MAX];
	struct device_files f = {.dir = dir, .allow = -1, .deny = -1};
	int ret;

	if (!devices) {
		stage_debug("device cgroup: no devices hierarchy, skipped");
		return 0;
	}
	if (cgroup_rootless()) {
		/* the container can open no device its user cannot open anyway */
		stage_debug("device cgroup: rootless, rules not written (devices.allow and "
			    "device programs need CAP_SYS_ADMIN); the parent's apply");
		return 0;
	}
	if (cg_dir(dir, sizeof(dir), devices, path, err) < 0)
		return -1;
	if (devices->unified)
		return cgroup_device_attach(dir, plan, replace, err);
	ret = write_device_rules(&f, plan, err);
	if (f.allow >= 0)
		close(f.allow);
	if (f.deny >= 0)
		close(f.deny);
	return ret;
}

static int join_all(const struct hierarchy *h, size_t nh, const char *path, pid_t pid,
		    struct stage_error *err)
{
	char dir[PATH_MAX], value[24];

	snprintf(value, sizeof(value), "%d", (int)pid);
	for (size_t i = 0; i < nh; i++)
		if (cg_dir(dir, sizeof(dir), &h[i], path, err) < 0 ||
		    cg_write_file(dir, "cgroup.procs", value, err) < 0)
			return -1;
	return 0;
}

static int open_for_join(const char *dir, const char *name, int flags, int *fd,
			 struct stage_error *err)
{
	char file[PATH_MAX];

	if (join(file, sizeof(file), dir, name, err) < 0)
		return -1;
	*fd = open(file, flags | O_CLOEXEC);
	return *fd < 0 ? stage_fail(err, errno, "open `%s`", file) : 0;
}

int cgroup_join_open(const char *path, struct cgroup_join *j, struct stage_error *err)
{
	struct hierarchy h[HIER_MAX];
	char dir[PATH_MAX];
	size_t nh;

	*j = (struct cgroup_join){.v2_dir = -1, .v2_procs = -1};
	if (cgroup_path_check(path, err) < 0 || cg_list_hierarchies(h, &nh, err) < 0 ||
	    cg_rootless_select(h, &nh, path, err) < 0)
		return -1;
	for (size_t i = 0; i < nh; i++) {
		int ret;

		if (cg_dir(dir, sizeof(dir), &h[i], path, err) < 0)
			goto fail;
		if (h[i].unified)
			ret =
			    open_for_join(dir, ".", O_RDONLY | O_DIRECTORY, &j->v2_dir, err) < 0 ||
			    open_for_join(dir, "cgroup.procs", O_WRONLY, &j->v2_procs, err) < 0;
		else
			ret = open_for_join(dir, "tasks", O_WRONLY, &j->files[j->nfiles++], err);
		if (ret != 0)
			goto fail;
	}
	return 0;
fail:
	cgroup_join_close(j);
	return -1;
}

void cgroup_join_close(struct cgroup_join *j)
{
	for (size_t i = 0; i < j->nfiles; i++)
		if (j->files[i] >= 0)
			close(j->files[i]);
	if (j->v2_dir >= 0)
		close(j->v2_dir);
	if (j->v2_procs >= 0)
		close(j->v2_procs);
	*j = (struct cgroup_join){.v2_dir = -1, .v2_procs = -1};
}

static int send_fd(int sync, const char *name, int fd, struct stage_error *err)
{
	return record_send(sync, REC_FD, name, strlen(name), &fd, 1, err);
}

int cgroup_join_send(const char *path, int sync, struct stage_error *err)
{
	struct cgroup_join j;
	int ret = 0;

	if (cgroup_join_open(path, &j, err) < 0)
		return -1;
	for (size_t i = 0; i < j.nfiles && ret == 0; i++)
		ret = send_fd(sync, "cgroup:tasks", j.files[i], err);
	if (ret == 0 && j.v2_dir >= 0)
		ret = send_fd(sync, "cgroup:dir", j.v2_dir, err) < 0 ||
		      send_fd(sync, "cgroup:procs", j.v2_procs, err) < 0;
	cgroup_join_close(&j);
	return ret ? -1 : 0;
}

/* Rootless: the delegated hierarchies; say what a refusal costs (issue: never silent). */
static int select_rootless(const struct plan *plan, struct hierarchy *h, size_t *nh,
			   const char *path, struct stage_error *err)
{
	if (cg_rootless_select(h, nh, path, err) == 0)
		return 0;
	if (plan_get(plan, "cgroup.resource"))
		return stage_wrap(err, "linux.resources cannot be applied");
	return -1;
}

int cgroup_setup(const struct plan *plan, pid_t pid, struct stage_error *err)
{
	const char *path = plan_str(plan, "cgroup.path", NULL);
	struct cgroup_write writes[CGROUP_WRITES_MAX];
	struct hierarchy h[HIER_MAX];
	int first_new[HIER_MAX];
	size_t nw, nh, made = 0;
	enum cgroup_layout layout;
	int ret = 0;

	if (!path)
		return stage_fail(err, EINVAL, "plan: no `cgroup.path` record");
	if (cgroup_path_check(path, err) < 0 || cgroup_detect(&layout, err) < 0 ||
	    cgroup_writes_from_plan(plan, layout == CGROUP_LAYOUT_V2, writes, &nw, err) < 0 ||
	    cg_list_hierarchies(h, &nh, err) < 0 || select_rootless(plan, h, &nh, path, err) < 0 ||
	    check_controllers(h, nh, writes, nw, err) < 0)
		return -1;
	for (; made < nh && ret == 0; made++)
		ret = create_in(&h[made], path, writes, nw, &first_new[made], err);
	if (ret == 0)
		ret = apply_writes(h, nh, path, writes, nw, err);
	if (ret == 0)
		ret = apply_devices(h, nh, path, plan, false, err);
	if (ret == 0 && pid > 0)
		ret = join_all(h, nh, path, pid, err);
	if (ret < 0)
		while (made-- > 0)
			remove_created(&h[made], path, first_new[made]);
	return ret;
}

/* v2's memory.max as a number, -1 for `max` or when unreadable. */
static int64_t current_memory_limit(const char *path)
{
	autofree char *text = NULL;
	struct stage_error ignored;
	char dir[PATH_MAX];

	if (snprintf(dir, sizeof(dir), "%s%s", CGROUP_MOUNT, path) >= (int)sizeof(dir) ||
	    cg_read_file(dir, "memory.max", &text, &ignored) < 0 || strncmp(text, "max", 3) == 0)
		return -1;
	return strtoll(text, NULL, 10);
}

int cgroup_update(const char *path, const struct plan *resources, struct stage_error *err)
{
	struct cgroup_write writes[CGROUP_WRITES_MAX];
	struct hierarchy h[HIER_MAX];
	enum cgroup_layout layout;
	int64_t limit = -1;
	size_t nw, nh;

	if (cgroup_path_check(path, err) < 0 || cgroup_detect(&layout, err) < 0)
		return -1;
	if (layout == CGROUP_LAYOUT_V2)
		limit = current_memory_limit(path);
	if (cgroup_writes_for_update(resources, layout == CGROUP_LAYOUT_V2, limit, writes, &nw,
				     err) < 0 ||
	    cg_list_hierarchies(h, &nh, err) < 0 || check_controllers(h, nh, writes, nw, err) < 0 ||
	    apply_writes(h, nh, path, writes, nw, err) < 0)
		return -1;
	if (plan_count(resources, "cgroup.device") == 0)
		return 0;
	return apply_devices(h, nh, path, resources, true, err);
}

/* --- remove ------------------------------------------------------------------ */

/* rmdir dir after its sub-cgroups; EBUSY while the last tasks exit, retried. */
static int remove_tree(char *dir, size_t size, struct stage_error *err)
{
	DIR *d;
	struct dirent *de;
	size_t len = strlen(dir);
	int ret = 0;

	/* the usual leaf, empty and without sub-cgroups, goes without a listing */
	if (rmdir(dir) == 0 || errno == ENOENT)
		return 0;
	if (errno != EBUSY)
		return stage_fail(err, errno, "remove cgroup `%s`", dir);
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : stage_fail(err, errno, "open cgroup `%s`", dir);
	while (ret == 0 && (de = readdir(d))) {
		if (de->d_type != DT_DIR || strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (snprintf(dir + len, size - len, "/%s", de->d_name) >= (int)(size - len))
			ret = stage_fail(err, ENAMETOOLONG, "cgroup `%s`", dir);
		else
			ret = remove_tree(dir, size, err);
		dir[len] = '\0';
	}
	closedir(d);
	if (ret < 0)
		return -1;
	for (int tries = 0;; tries++) {
		if (rmdir(dir) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY || tries == 100)
			return stage_fail(err, errno, "remove cgroup `%s`", dir);
		cg_sleep_ms(2);
	}
}

int cgroup_remove(const char *path, struct stage_error *err)
{
	struct hierarchy h[HIER_MAX];
	char dir[PATH_MAX];
	size_t nh;
	int ret = 0;

	if (cgroup_path_check(path, err) < 0 || cg_list_hierarchies(h, &nh, err) < 0)
		return -1;
	/* go on after a failure, so that as little as possible is left behind */
	for (size_t i = 0; i < nh; i++) {
		struct stage_error e;

		if (cg_dir(dir, sizeof(dir), &h[i], path, &e) < 0 ||
		    remove_tree(dir, sizeof(dir), &e) < 0) {
			if (ret == 0)
				*err = e;
			ret = -1;
		}
	}
	return ret;
}

int cgroup_remove_empty(const char *path, struct stage_error *err)
{
	struct hierarchy h[HIER_MAX];
	char dir[PATH_MAX];
	size_t nh;

	if (cgroup_path_check(path, err) < 0 || cg_list_hierarchies(h, &nh, err) < 0)
		return -1;
	/* rmdir alone: the kernel refuses one with processes or sub-cgroups */
	for (size_t i = 0; i < nh; i++)
		if (cg_dir(dir, sizeof(dir), &h[i], path, err) == 0)
			rmdir(dir);
	return 0;
}
