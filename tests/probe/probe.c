/*
 * probe: copied into the test rootfs as /probe, it prints what the container
 * sees, one fact per subcommand, in a form a bats test can assert on.
 *
 *   probe ids | caps | fds | rlimit NAME | cwd | umask | env NAME | nnp |
 *         seccomp | mount PATH | hostname | domainname | cgroup | oom |
 *         sysctl KEY | ns [NAME] | write PATH | mkdir PATH | exit N | sleep
 *
 * It exits 0 unless asked otherwise (`exit N`, a signal during `sleep`), and 2
 * on bad usage or when the fact cannot be read (the reason on stderr).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cleanup.h"

#define PROBE_FAIL 2

static int fail(const char *what)
{
	fprintf(stderr, "probe: %s: %s\n", what, strerror(errno));
	return PROBE_FAIL;
}

static int usage(void)
{
	fputs("usage: probe ids|caps|fds|rlimit NAME|cwd|umask|env NAME|nnp|seccomp|"
	      "mount PATH|hostname|domainname|cgroup|oom|sysctl KEY|ns [NAME]|"
	      "write PATH|mkdir PATH|exit N|sleep\n",
	      stderr);
	return PROBE_FAIL;
}

/* The symbolic name of an errno, so tests assert on `EROFS`, not on prose. */
static const char *errno_name(int e)
{
#define E(x)                                                                                       \
	case x:                                                                                    \
		return #x
	switch (e) {
		E(EPERM);
		E(ENOENT);
		E(EIO);
		E(EBADF);
		E(EAGAIN);
		E(ENOMEM);
		E(EACCES);
		E(EFAULT);
		E(EBUSY);
		E(EEXIST);
		E(EXDEV);
		E(ENODEV);
		E(ENOTDIR);
		E(EISDIR);
		E(EINVAL);
		E(ENFILE);
		E(EMFILE);
		E(ETXTBSY);
		E(EFBIG);
		E(ENOSPC);
		E(EROFS);
		E(EMLINK);
		E(ENAMETOOLONG);
		E(ENOSYS);
		E(ENOTEMPTY);
		E(ELOOP);
		E(EDQUOT);
		E(EOVERFLOW);
	}
#undef E
	return "EUNKNOWN";
}

/* Copy a small proc file to stdout as it is. */
static int cat_file(const char *path)
{
	autofile FILE *f = fopen(path, "re");
	char buf[4096];
	size_t n;

	if (!f)
		return fail(path);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, stdout);
	return ferror(f) ? fail(path) : 0;
}

/* Print one line of a file with the trailing newline removed. */
static int print_first_line(const char *path)
{
	autofile FILE *f = fopen(path, "re");
	char line[4096];

	if (!f)
		return fail(path);
	if (!fgets(line, sizeof(line), f))
		line[0] = '\0';
	line[strcspn(line, "\n")] = '\0';
	puts(line);
	return 0;
}

/* The value of a "Key:\tvalue" line of /proc/self/status, or NULL. */
static char *status_value(const char *key, char *out, size_t size)
{
	autofile FILE *f = fopen("/proc/self/status", "re");
	size_t keylen = strlen(key);
	char line[512];

	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, keylen) != 0 || line[keylen] != ':')
			continue;
		char *v = line + keylen + 1;
		v += strspn(v, " \t");
		v[strcspn(v, "\n")] = '\0';
		snprintf(out, size, "%s", v);
		return out;
	}
	errno = ENOENT;
	return NULL;
}

/* uid=0 gid=0 euid=0 egid=0 groups=0,10 (groups empty when there are none) */
static int probe_ids(void)
{
	gid_t groups[NGROUPS_MAX];
	int n = getgroups(NGROUPS_MAX, groups);

	if (n < 0)
		return fail("getgroups");
	printf("uid=%u gid=%u euid=%u egid=%u groups=", (unsigned)getuid(), (unsigned)getgid(),
	       (unsigned)geteuid(), (unsigned)getegid());
	for (int i = 0; i < n; i++)
		printf("%s%u", i ? "," : "", (unsigned)groups[i]);
	putchar('\n');
	return 0;
}

/* CapInh=... CapPrm=... CapEff=... CapBnd=... CapAmb=..., one per line. */
static int probe_caps(void)
{
	static const char *const keys[] = {"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"};
	char value[64];

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (!status_value(keys[i], value, sizeof(value)))
			return fail(keys[i]);
		printf("%s=%s\n", keys[i], value);
	}
	return 0;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* The open fds, ascending, space separated, without the one reading the list. */
static int probe_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int fds[1024], n = 0;
	struct dirent *de;

	if (!d)
		return fail("/proc/self/fd");
	while ((de = readdir(d)) && n < (int)(sizeof(fds) / sizeof(fds[0]))) {
		if (de->d_name[0] == '.')
			continue;
		int fd = atoi(de->d_name);
		if (fd != dirfd(d))
			fds[n++] = fd;
	}
	closedir(d);
	qsort(fds, n, sizeof(fds[0]), cmp_int);
	for (int i = 0; i < n; i++)
		printf("%s%d", i ? " " : "", fds[i]);
	putchar('\n');
	return 0;
}

static const struct {
	const char *name;
	int resource;
} rlimits[] = {
    {"CPU", RLIMIT_CPU},	   {"FSIZE", RLIMIT_FSIZE},
    {"DATA", RLIMIT_DATA},	   {"STACK", RLIMIT_STACK},
    {"CORE", RLIMIT_CORE},	   {"RSS", RLIMIT_RSS},
    {"NPROC", RLIMIT_NPROC},	   {"NOFILE", RLIMIT_NOFILE},
    {"MEMLOCK", RLIMIT_MEMLOCK},   {"AS", RLIMIT_AS},
    {"LOCKS", RLIMIT_LOCKS},	   {"SIGPENDING", RLIMIT_SIGPENDING},
    {"MSGQUEUE", RLIMIT_MSGQUEUE}, {"NICE", RLIMIT_NICE},
    {"RTPRIO", RLIMIT_RTPRIO},	   {"RTTIME", RLIMIT_RTTIME},
};

static void print_limit(rlim_t v)
{
	if (v == RLIM_INFINITY)
		fputs("unlimited", stdout);
	else
		printf("%llu", (unsigned long long)v);
}

/* SOFT HARD of RLIMIT_NAME (or NAME), `unlimited` for infinity. */
static int probe_rlimit(const char *name)
{
	if (strncmp(name, "RLIMIT_", 7) == 0)
		name += 7;
	for (size_t i = 0; i < sizeof(rlimits) / sizeof(rlimits[0]); i++) {
		if (strcmp(rlimits[i].name, name) != 0)
			continue;
		struct rlimit rl;
		if (getrlimit(rlimits[i].resource, &rl) < 0)
			return fail(name);
		print_limit(rl.rlim_cur);
		putchar(' ');
		print_limit(rl.rlim_max);
		putchar('\n');
		return 0;
	}
	fprintf(stderr, "probe: unknown rlimit %s\n", name);
	return PROBE_FAIL;
}

static int probe_cwd(void)
{
	char cwd[PATH_MAX];

	if (!getcwd(cwd, sizeof(cwd)))
		return fail("getcwd");
	puts(cwd);
	return 0;
}

/* Reading the umask means setting it; put it back at once. */
static int probe_umask(void)
{
	mode_t mask = umask(0);

	umask(mask);
	printf("%04o\n", (unsigned)mask);
	return 0;
}

/* NAME=VALUE, or `NAME unset`. */
static int probe_env(const char *name)
{
	const char *value = getenv(name);

	if (value)
		printf("%s=%s\n", name, value);
	else
		printf("%s unset\n", name);
	return 0;
}

static int probe_nnp(void)
{
	int nnp = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);

	if (nnp < 0)
		return fail("PR_GET_NO_NEW_PRIVS");
	printf("%d\n", nnp);
	return 0;
}

/* The value of the Seccomp: line: 0 off, 1 strict, 2 filter. */
static int probe_seccomp(void)
{
	char value[64];

	if (!status_value("Seccomp", value, sizeof(value)))
		return fail("Seccomp");
	puts(value);
	return 0;
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape_octal(char *s)
{
	char *out = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

/*
 * FSTYPE MOUNT-OPTIONS SUPER-OPTIONS of the mount at PATH, e.g.
 * `tmpfs rw,nosuid,nodev,relatime rw,size=1024k,mode=755`; the last matching
 * line wins since it is the mount on top. Or `not a mount point`.
 */
static int probe_mount(const char *path)
{
	autofile FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[8192], found[16384] = "";
	char want[PATH_MAX];

	if (!f)
		return fail("/proc/self/mountinfo");
	snprintf(want, sizeof(want), "%s", path);
	for (size_t len = strlen(want); len > 1 && want[len - 1] == '/'; len--)
		want[len - 1] = '\0';
	while (fgets(line, sizeof(line), f)) {
		char mnt[PATH_MAX], opts[4096], fstype[256], super[4096];
		/* id parent major:minor root mountpoint options [optional...] - fstype source super
		 */
		if (sscanf(line, "%*s %*s %*s %*s %4095s %4095s", mnt, opts) != 2)
			continue;
		char *sep = strstr(line, " - ");
		if (!sep || sscanf(sep + 3, "%255s %*s %4095s", fstype, super) != 2)
			continue;
		unescape_octal(mnt);
		if (strcmp(mnt, want) == 0)
			snprintf(found, sizeof(found), "%s %s %s", fstype, opts, super);
	}
	puts(found[0] ? found : "not a mount point");
	return 0;
}

static int probe_uname(bool domain)
{
	struct utsname u;

	if (uname(&u) < 0)
		return fail("uname");
	puts(domain ? u.domainname : u.nodename);
	return 0;
}

/* KEY as sysctl(8) spells it (net.ipv4.ip_forward) or as a /proc/sys path. */
static int probe_sysctl(const char *key)
{
	char path[PATH_MAX];
	int n = snprintf(path, sizeof(path), "/proc/sys/%s", key);

	if (n < 0 || (size_t)n >= sizeof(path))
		return usage();
	if (!strchr(key, '/'))
		for (char *p = path + strlen("/proc/sys/"); *p; p++)
			if (*p == '.')
				*p = '/';
	return print_first_line(path);
}

/* NAME LINK for each /proc/self/ns entry (or only NAME), sorted by name. */
static int probe_ns(const char *only)
{
	static const char *const names[] = {
	    "cgroup", "ipc", "mnt", "net", "pid", "pid_for_children", "time", "time_for_children",
	    "user",   "uts",
	};
	bool any = false;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char path[64], link[256];
		if (only && strcmp(only, names[i]) != 0)
			continue;
		snprintf(path, sizeof(path), "/proc/self/ns/%s", names[i]);
		ssize_t n = readlink(path, link, sizeof(link) - 1);
		if (n < 0) {
			if (errno == ENOENT && !only)
				continue;
			return fail(path);
		}
		link[n] = '\0';
		printf("%s %s\n", names[i], link);
		any = true;
	}
	if (!any) {
		fprintf(stderr, "probe: unknown namespace %s\n", only);
		return PROBE_FAIL;
	}
	return 0;
}

/* `ok`, or the errno name of the failed create/write. */
static int probe_write(const char *path)
{
	autoclose int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0 || write(fd, "probe\n", 6) != 6) {
		puts(errno_name(errno));
		return 0;
	}
	puts("ok");
	return 0;
}

static int probe_mkdir(const char *path)
{
	puts(mkdir(path, 0755) == 0 ? "ok" : errno_name(errno));
	return 0;
}

static void exit_on_signal(int sig)
{
	_exit(128 + sig);
}

/*
 * Sleep until killed. As pid 1 of a pid namespace a default disposition
 * ignores SIGTERM, so catch the usual ones and exit like a shell would report.
 */
__attribute__((noreturn)) static void probe_sleep(void)
{
	struct sigaction sa = {.sa_handler = exit_on_signal};

	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	puts("sleeping");
	fflush(stdout);
	for (;;)
		pause();
}

static int probe(int argc, char **argv)
{
	const char *cmd = argv[1], *arg = argc > 2 ? argv[2] : NULL;

	if (strcmp(cmd, "ids") == 0)
		return probe_ids();
	if (strcmp(cmd, "caps") == 0)
		return probe_caps();
	if (strcmp(cmd, "fds") == 0)
		return probe_fds();
	if (strcmp(cmd, "cwd") == 0)
		return probe_cwd();
	if (strcmp(cmd, "umask") == 0)
		return probe_umask();
	if (strcmp(cmd, "nnp") == 0)
		return probe_nnp();
	if (strcmp(cmd, "seccomp") == 0)
		return probe_seccomp();
	if (strcmp(cmd, "hostname") == 0)
		return probe_uname(false);
	if (strcmp(cmd, "domainname") == 0)
		return probe_uname(true);
	if (strcmp(cmd, "cgroup") == 0)
		return cat_file("/proc/self/cgroup");
	if (strcmp(cmd, "oom") == 0)
		return print_first_line("/proc/self/oom_score_adj");
	if (strcmp(cmd, "ns") == 0)
		return probe_ns(arg);
	if (strcmp(cmd, "sleep") == 0)
		probe_sleep();
	if (!arg)
		return usage();
	if (strcmp(cmd, "rlimit") == 0)
		return probe_rlimit(arg);
	if (strcmp(cmd, "env") == 0)
		return probe_env(arg);
	if (strcmp(cmd, "mount") == 0)
		return probe_mount(arg);
	if (strcmp(cmd, "sysctl") == 0)
		return probe_sysctl(arg);
	if (strcmp(cmd, "write") == 0)
		return probe_write(arg);
	if (strcmp(cmd, "mkdir") == 0)
		return probe_mkdir(arg);
	if (strcmp(cmd, "exit") == 0)
		return atoi(arg);
	return usage();
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	int ret = probe(argc, argv);
	if (fflush(stdout) != 0)
		return fail("stdout");
	return ret;
}
