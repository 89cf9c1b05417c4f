/* spec: write a default config.json, like `crun spec`. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "baton.h"
#include "cleanup.h"
#include "strbuf.h"

static const char spec_head[] =
    "{\n"
    "  \"ociVersion\": \"1.0.0\",\n"
    "  \"process\": {\n"
    "    \"terminal\": true,\n"
    "    \"user\": {\"uid\": 0, \"gid\": 0},\n"
    "    \"args\": [\"sh\"],\n"
    "    \"env\": [\n"
    "      \"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\",\n"
    "      \"TERM=xterm\"\n"
    "    ],\n"
    "    \"cwd\": \"/\",\n"
    "    \"capabilities\": {\n"
    "      \"bounding\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"],\n"
    "      \"effective\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"],\n"
    "      \"inheritable\": [],\n"
    "      \"permitted\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"],\n"
    "      \"ambient\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"]\n"
    "    },\n"
    "    \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"hard\": 1024, \"soft\": 1024}],\n"
    "    \"noNewPrivileges\": true\n"
    "  },\n"
    "  \"root\": {\"path\": \"rootfs\", \"readonly\": true},\n"
    "  \"hostname\": \"baton\",\n"
    "  \"mounts\": [\n"
    "    {\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},\n"
    "    {\"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\",\n"
    "     \"options\": [\"nosuid\", \"strictatime\", \"mode=755\", \"size=65536k\"]},\n"
    "    {\"destination\": \"/dev/pts\", \"type\": \"devpts\", \"source\": \"devpts\",\n"
    "     \"options\": [\"nosuid\", \"noexec\", \"newinstance\", \"ptmxmode=0666\", "
    "\"mode=0620\"%s]},\n"
    "    {\"destination\": \"/dev/shm\", \"type\": \"tmpfs\", \"source\": \"shm\",\n"
    "     \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"mode=1777\", \"size=65536k\"]},\n"
    "    {\"destination\": \"/dev/mqueue\", \"type\": \"mqueue\", \"source\": \"mqueue\",\n"
    "     \"options\": [\"nosuid\", \"noexec\", \"nodev\"]},\n";

static const char spec_sys_rootful[] =
    "    {\"destination\": \"/sys\", \"type\": \"sysfs\", \"source\": \"sysfs\",\n"
    "     \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"ro\"]},\n"
    "    {\"destination\": \"/sys/fs/cgroup\", \"type\": \"cgroup\", \"source\": \"cgroup\",\n"
    "     \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"relatime\", \"ro\"]}\n"
    "  ],\n";

static const char spec_sys_rootless[] =
    "    {\"destination\": \"/sys\", \"type\": \"none\", \"source\": \"/sys\",\n"
    "     \"options\": [\"rbind\", \"nosuid\", \"noexec\", \"nodev\", \"ro\"]}\n"
    "  ],\n";

static const char spec_linux[] =
    "  \"linux\": {\n"
    "%s"
    "    \"resources\": {\"devices\": [{\"allow\": false, \"access\": \"rwm\"}]},\n"
    "    \"namespaces\": [\n"
    "      {\"type\": \"pid\"},\n"
    "%s"
    "      {\"type\": \"ipc\"},\n"
    "      {\"type\": \"uts\"},\n"
    "      {\"type\": \"mount\"},\n"
    "      {\"type\": \"cgroup\"}%s\n"
    "    ],\n"
    "    \"maskedPaths\": [\n"
    "      \"/proc/acpi\", \"/proc/asound\", \"/proc/kcore\", \"/proc/keys\",\n"
    "      \"/proc/latency_stats\", \"/proc/timer_list\", \"/proc/timer_stats\",\n"
    "      \"/proc/sched_debug\", \"/sys/firmware\", \"/proc/scsi\"\n"
    "    ],\n"
    "    \"readonlyPaths\": [\n"
    "      \"/proc/bus\", \"/proc/fs\", \"/proc/irq\", \"/proc/sys\", \"/proc/sysrq-trigger\"\n"
    "    ]\n"
    "  }\n"
    "}\n";

int cmd_spec(const struct global_opts *g, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"bundle", required_argument, NULL, 'b'}, {"rootless", no_argument, NULL, 'r'}, {0}};
	autostrbuf struct strbuf sb = {0};
	const char *bundle = ".";
	bool rootless = false;
	autostrbuf struct strbuf path = {0};
	char maps[256] = "";
	autoclose int fd = -1;
	struct stage_error err;
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "+b:", opts, NULL)) != -1) {
		if (opt == 'b')
			bundle = optarg;
		else if (opt == 'r')
			rootless = true;
		else
			return usage_error("spec", "invalid option");
	}
	if (optind != argc)
		return usage_error("spec", "takes no arguments");
	if (rootless)
		snprintf(
		    maps, sizeof(maps),
		    "    \"uidMappings\": [{\"containerID\": 0, \"hostID\": %u, \"size\": 1}],\n"
		    "    \"gidMappings\": [{\"containerID\": 0, \"hostID\": %u, \"size\": 1}],\n",
		    (unsigned)getuid(), (unsigned)getgid());
	strbuf_printf(&sb, spec_head, rootless ? "" : ", \"gid=5\"");
	strbuf_puts(&sb, rootless ? spec_sys_rootless : spec_sys_rootful);
	strbuf_printf(&sb, spec_linux, maps, rootless ? "" : "      {\"type\": \"network\"},\n",
		      rootless ? ",\n      {\"type\": \"user\"}" : "");

	strbuf_printf(&path, "%s/config.json", bundle);
	fd = open(path.data, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		if (errno == EEXIST)
			stage_fail(&err, 0, "`config.json` already exists");
		else
			stage_fail(&err, errno, "cannot create `%s`", path.data);
		return report_error(g, &err);
	}
	if (write(fd, sb.data, sb.len) != (ssize_t)sb.len) {
		stage_fail(&err, errno, "cannot write `%s`", path.data);
		return report_error(g, &err);
	}
	return 0;
}
