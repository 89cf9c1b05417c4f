/*
 * probe: copied into the test rootfs as /probe, it prints what the container
 * sees, one fact per subcommand, in a form a bats test can assert on.
 *
 *   probe ids | caps | fds | rlimit NAME | cwd | umask | env NAME | nnp |
 *         seccomp | mount PATH | hostname | domainname | cgroup | oom |
 *         sysctl KEY | ns [NAME] | write PATH | mkdir PATH | exit N | sleep |
 *         session |
 *         syscall NR [ARG...] | attr FILE | exe-open PID | bind PORT |
 *         exe-attack SECONDS | loopback | sched | ioprio | affinity | mempolicy
 *
 * It exits 0 unless asked otherwise (`exit N`, a signal during `sleep`), and 2
 * on bad usage or when the fact cannot be read (the reason on stderr).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "placement.h"

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
	      "write PATH|mkdir PATH|exit N|sleep|session|syscall NR [ARG...]|attr FILE|"
	      "exe-open PID|bind PORT|exe-attack SECONDS|loopback|rt|sched|ioprio|affinity|"
	      "mempolicy\n",
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
		E(EADDRNOTAVAIL);
		E(ENETUNREACH);
		E(ECONNREFUSED);
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
/* `session`: is the process its session's and group's leader, and the tty's foreground? */
static int probe_session(void)
{
	pid_t self = getpid(), fg = tcgetpgrp(STDIN_FILENO);

	printf("sid=%s pgid=%s fg=%s\n", getsid(0) == self ? "self" : "other",
	       getpgrp() == self ? "self" : "other",
	       fg < 0		 ? "none"
	       : fg == getpgrp() ? "self"
				 : "other");
	return 0;
}

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
/* sd_notify by hand: MSG as one datagram to $NOTIFY_SOCKET. */
static int probe_notify(const char *msg)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	const char *path = getenv("NOTIFY_SOCKET");
	int fd;

	if (!path || strlen(path) >= sizeof(addr.sun_path)) {
		puts("NOTIFY_SOCKET unset");
		return 1;
	}
	strcpy(addr.sun_path, path);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || sendto(fd, msg, strlen(msg), 0, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		printf("%s\n", strerror(errno));
		return 1;
	}
	puts("sent");
	return 0;
}

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

/* `rt`: can this process run SCHED_FIFO (a v1 cgroup needs an rt budget)? */
static int probe_rt(void)
{
	struct sched_param sp = {.sched_priority = 1};

	/* musl's sched_setscheduler() is a stub that says ENOSYS */
	puts(syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, &sp) == 0 ? "ok" : errno_name(errno));
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

static int probe_security(int argc, char **argv);
static int probe_loopback(void);

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
	if (strcmp(cmd, "session") == 0)
		return probe_session();
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
	if (strcmp(cmd, "loopback") == 0)
		return probe_loopback();
	if (strcmp(cmd, "rt") == 0)
		return probe_rt();
	if (strcmp(cmd, "sched") == 0)
		return probe_sched();
	if (strcmp(cmd, "ioprio") == 0)
		return probe_ioprio();
	if (strcmp(cmd, "affinity") == 0)
		return probe_affinity();
	if (strcmp(cmd, "mempolicy") == 0)
		return probe_mempolicy();
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
	if (strcmp(cmd, "notify") == 0)
		return probe_notify(arg);
	return probe_security(argc, argv);
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

/* ---- security probes: syscall, attr, exe-open ------------------------------- */

/* `syscall NR [ARG...]`: ok, or the errno name (what a seccomp filter answered). */
static int probe_syscall(int argc, char **argv)
{
	long a[6] = {0};
	long nr = strtol(argv[2], NULL, 0);

	for (int i = 3; i < argc && i < 9; i++)
		a[i - 3] = strtol(argv[i], NULL, 0);
	errno = 0;
	if (syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]) < 0) {
		puts(errno_name(errno));
		return 0;
	}
	puts("ok");
	return 0;
}

/* `attr FILE`: /proc/self/attr/FILE (current, exec, apparmor/current), or the errno. */
static int probe_attr(const char *name)
{
	char path[128], buf[256];
	autoclose int fd = -1;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/attr/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || (n = read(fd, buf, sizeof(buf) - 1)) < 0) {
		puts(errno_name(errno));
		return 0;
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	puts(n == 0 ? "(empty)" : buf);
	return 0;
}

/*
 * `exe-open PID`: the CVE-2019-5736 move, open /proc/PID/exe for writing and
 * write to it; prints ok (the attack worked) or the errno that stopped it.
 */
static int probe_exe_open(const char *pid)
{
	char path[64];
	autoclose int fd = -1;

	snprintf(path, sizeof(path), "/proc/%s/exe", pid);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "#!/bin/sh\n", 10) != 10) {
		puts(errno_name(errno));
		return 0;
	}
	puts("ok");
	return 0;
}

/* `bind PORT`: bind a TCP socket on the loopback port; ok or the errno. */
static int probe_bind(const char *port)
{
	struct sockaddr_in addr = {.sin_family = AF_INET,
				   .sin_port = htons((uint16_t)atoi(port)),
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	autoclose int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		puts(errno_name(errno));
		return 0;
	}
	puts("ok");
	return 0;
}

/*
 * `loopback`: "lo up" or "lo down", then "127.0.0.1 ok" when a TCP connection
 * to a listener on 127.0.0.1 is accepted, else "127.0.0.1 ERRNO".
 */
static int probe_loopback(void)
{
	struct ifreq ifr = {.ifr_name = "lo"};
	struct sockaddr_in addr = {.sin_family = AF_INET,
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(addr);
	autoclose int lsock = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	autoclose int csock = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	autoclose int conn = -1;

	if (lsock < 0 || csock < 0 || ioctl(lsock, SIOCGIFFLAGS, &ifr) < 0)
		return fail("lo");
	printf("lo %s\n", ifr.ifr_flags & IFF_UP ? "up" : "down");
	if (bind(lsock, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(lsock, 1) < 0 ||
	    getsockname(lsock, (struct sockaddr *)&addr, &len) < 0 ||
	    connect(csock, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    (conn = accept(lsock, NULL, NULL)) < 0) {
		printf("127.0.0.1 %s\n", errno_name(errno));
		return 0;
	}
	puts("127.0.0.1 ok");
	return 0;
}

/* What one attempt on a new process's /proc/PID/exe found. */
struct exe_attempt {
	int pid;
	char exe[160];
	const char *open_wr, *open_path, *reopen;
};

/* Reopen an O_PATH fd of the exe for writing, retrying while it is executed. */
static const char *reopen_for_write(int fd, double seconds)
{
	char path[64];
	struct timespec pause = {0, 1000000};

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	for (double t = 0; t < seconds; t += 0.001) {
		autoclose int wr = open(path, O_WRONLY | O_CLOEXEC);

		if (wr >= 0)
			return write(wr, "#!/bin/sh\n", 10) == 10 ? "ok" : errno_name(errno);
		if (errno != ETXTBSY)
			return errno_name(errno);
		nanosleep(&pause, NULL);
	}
	return "ETXTBSY";
}

/* Try the CVE-2019-5736 moves on pid: write its exe, or keep it and write later. */
static void attack_pid(int pid, struct exe_attempt *a)
{
	char path[64];
	ssize_t n;
	autoclose int wr = -1, keep = -1;

	a->pid = pid;
	snprintf(path, sizeof(path), "/proc/%d/exe", pid);
	n = readlink(path, a->exe, sizeof(a->exe) - 1);
	a->exe[n > 0 ? n : 0] = '\0';
	wr = open(path, O_WRONLY | O_CLOEXEC);
	a->open_wr = wr >= 0 ? "ok" : errno_name(errno);
	keep = open(path, O_PATH | O_CLOEXEC);
	a->open_path = keep >= 0 ? "ok" : errno_name(errno);
	a->reopen = keep >= 0 ? reopen_for_write(keep, 1.0) : "-";
}

/*
 * `exe-attack SECONDS`: watch /proc for new processes (a runtime entering the
 * container) and attack each one's /proc/PID/exe; one line per process seen.
 * Binaries of the container itself (under /bin, /probe) are left alone.
 */
static int probe_exe_attack(const char *seconds)
{
	static struct exe_attempt seen[256];
	int nseen = 0, self = getpid();
	struct timespec start, now;

	clock_gettime(CLOCK_MONOTONIC, &start);
	puts("watching");
	fflush(stdout);
	do {
		DIR *d = opendir("/proc");
		struct dirent *de;

		while (d && (de = readdir(d)) && nseen < 256) {
			int pid = atoi(de->d_name), known = pid <= 1 || pid == self;

			for (int i = 0; i < nseen && !known; i++)
				known = seen[i].pid == pid;
			if (known)
				continue;
			attack_pid(pid, &seen[nseen]);
			if (strncmp(seen[nseen].exe, "/bin/", 5) == 0 ||
			    strcmp(seen[nseen].exe, "/probe") == 0)
				seen[nseen].open_wr = seen[nseen].open_path = seen[nseen].reopen =
				    "-";
			nseen++;
		}
		if (d)
			closedir(d);
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while (now.tv_sec - start.tv_sec < atoi(seconds));
	for (int i = 0; i < nseen; i++)
		printf("pid %d exe=%s open-write=%s open-path=%s reopen-write=%s\n", seen[i].pid,
		       seen[i].exe[0] ? seen[i].exe : "?", seen[i].open_wr, seen[i].open_path,
		       seen[i].reopen);
	puts("done");
	return 0;
}

static int probe_security(int argc, char **argv)
{
	const char *cmd = argv[1];

	if (argc < 3)
		return usage();
	if (strcmp(cmd, "syscall") == 0)
		return probe_syscall(argc, argv);
	if (strcmp(cmd, "attr") == 0)
		return probe_attr(argv[2]);
	if (strcmp(cmd, "exe-open") == 0)
		return probe_exe_open(argv[2]);
	if (strcmp(cmd, "bind") == 0)
		return probe_bind(argv[2]);
	if (strcmp(cmd, "exe-attack") == 0)
		return probe_exe_attack(argv[2]);
	return usage();
}
