/* Pure logic of the mount-rootfs stage: path splitting, options, flags,
 * sysctl paths, cgroup v1 hierarchies. */
#include <linux/mount.h>
#include <sys/mount.h>
#include <sys/statvfs.h>

#include "mount-rootfs.h"
#include "unit.h"

static void check_split(int *unit_failed, const char *path, const char *parent, const char *base)
{
	char p[64], b[16];

	CHECK(split_path(path, p, sizeof(p), b, sizeof(b)) == 0);
	CHECK_STR(p, parent);
	CHECK_STR(b, base);
}

TEST(split_path)
{
	check_split(unit_failed, "/dev/pts", "/dev", "pts");
	check_split(unit_failed, "/dev", "/", "dev");
	check_split(unit_failed, "/a/b/c/", "/a/b", "c");
	check_split(unit_failed, "/a//b", "/a", "b");
	check_split(unit_failed, "/", "/", ".");
	check_split(unit_failed, "x", "/", "x");
}

TEST(split_path_too_long)
{
	char p[4], b[4];

	CHECK(split_path("/a/verylongname", p, sizeof(p), b, sizeof(b)) == -1);
	CHECK(split_path("/verylongdir/a", p, sizeof(p), b, sizeof(b)) == -1);
}

TEST(option_has)
{
	CHECK(option_has("tmpcopyup", "tmpcopyup"));
	CHECK(option_has("idmap,tmpcopyup", "tmpcopyup"));
	CHECK(option_has("tmpcopyup,rro", "rro"));
	CHECK(!option_has("tmpcopyupx", "tmpcopyup"));
	CHECK(!option_has("", "rro"));
	CHECK(!option_has(NULL, "rro"));
}

TEST(locked_flags)
{
	CHECK(locked_flags(ST_RDONLY | ST_NOSUID | ST_NODEV | ST_NOEXEC) ==
	      (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC));
	CHECK(locked_flags(ST_RELATIME) == MS_RELATIME);
	CHECK(locked_flags(0) == 0);
}

TEST(flags_text)
{
	char buf[64];

	CHECK_STR(flags_text(MS_RDONLY | MS_NOSUID, buf, sizeof(buf)), "ro,nosuid");
	CHECK_STR(flags_text(0, buf, sizeof(buf)), "defaults");
	CHECK_STR(flags_text(MS_BIND | MS_REC, buf, sizeof(buf)), "bind,rec");
	CHECK(flags_text(~0UL, buf, 8) == buf && strlen(buf) < 8);
}

TEST(sysctl_path)
{
	char buf[64];

	CHECK(sysctl_path("net.ipv4.ip_forward", buf, sizeof(buf)) == 0);
	CHECK_STR(buf, "/proc/sys/net/ipv4/ip_forward");
	CHECK(sysctl_path("kernel.shm_rmid_forced", buf, sizeof(buf)) == 0);
	CHECK_STR(buf, "/proc/sys/kernel/shm_rmid_forced");
	CHECK(sysctl_path("", buf, sizeof(buf)) == -1);
	CHECK(sysctl_path("a.very.long.key.that.does.not.fit.in.the.buffer.at.all", buf, 32) == -1);
}

static const char self_cgroup[] = "9:name=systemd:/user.slice\n"
				  "4:memory:/baton/c1\n"
				  "3:cpu,cpuacct:/\n"
				  "0::/unified/c1\n";

TEST(cgroup1_data)
{
	char buf[64];
	const char *path;
	size_t len;

	CHECK_STR(cgroup1_data(self_cgroup, "memory", buf, sizeof(buf), &path, &len), "memory");
	CHECK(len == 9 && strncmp(path, "/baton/c1", len) == 0);
	CHECK_STR(cgroup1_data(self_cgroup, "systemd", buf, sizeof(buf), &path, &len),
		  "none,name=systemd");
	CHECK(len == 11 && strncmp(path, "/user.slice", len) == 0);
	CHECK_STR(cgroup1_data(self_cgroup, "cpu,cpuacct", buf, sizeof(buf), &path, &len),
		  "cpu,cpuacct");
	CHECK_STR(cgroup1_data(self_cgroup, "unified", buf, sizeof(buf), &path, &len), "");
	CHECK(len == 11 && strncmp(path, "/unified/c1", len) == 0);
	CHECK(cgroup1_data(self_cgroup, "cpu", buf, sizeof(buf), &path, &len) == NULL);
	CHECK(cgroup1_data(self_cgroup, "pids", buf, sizeof(buf), &path, &len) == NULL);
	CHECK(cgroup1_data("", "memory", buf, sizeof(buf), &path, &len) == NULL);
}

TEST(option_has_key)
{
	CHECK(option_has_key("size=1m,mode=755", "mode"));
	CHECK(option_has_key("mode=1777", "mode"));
	CHECK(!option_has_key("size=1m,nomode=1", "mode"));
	CHECK(!option_has_key("mode", "mode"));
	CHECK(!option_has_key("", "mode"));
}

TEST(recursive_attrs)
{
	uint64_t set, clear;

	CHECK(!recursive_attrs("tmpcopyup,idmap", &set, &clear));
	CHECK(recursive_attrs("rro,rnosuid", &set, &clear));
	CHECK(set == (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID) && clear == 0);
	/* later words win; an atime mode clears the whole field */
	CHECK(recursive_attrs("rro,rnoatime,rrw,rstrictatime", &set, &clear));
	CHECK(set == MOUNT_ATTR_STRICTATIME && clear == (MOUNT_ATTR_RDONLY | MOUNT_ATTR__ATIME));
	CHECK(recursive_attrs("rrelatime", &set, &clear));
	CHECK(set == 0 && clear == MOUNT_ATTR__ATIME);
}

int main(void)
{
	return unit_run();
}
