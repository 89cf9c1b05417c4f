/*
 * parse-config's rules (schemas/config-rules.md) for the document, root,
 * process, hostname and mounts, each accepted and rejected once; the
 * linux.* rules are in test-parse-config-linux.c.
 */
#include "parse-config-harness.h"

static const char crun_spec[] =
    "{'ociVersion':'1.0.0','process':{'terminal':true,'user':{'uid':0,'gid':0},'args':['s"
    "h'],'env':['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin','TERM"
    "=xterm'],'cwd':'/','capabilities':{'bounding':['CAP_AUDIT_WRITE','CAP_KILL','CAP_NET"
    "_BIND_SERVICE'],'effective':['CAP_AUDIT_WRITE','CAP_KILL','CAP_NET_BIND_SERVICE'],'i"
    "nheritable':[],'permitted':['CAP_AUDIT_WRITE','CAP_KILL','CAP_NET_BIND_SERVICE'],'am"
    "bient':['CAP_AUDIT_WRITE','CAP_KILL','CAP_NET_BIND_SERVICE']},'rlimits':[{'type':'RL"
    "IMIT_NOFILE','hard':1024,'soft':1024}],'noNewPrivileges':true},'root':{'path':'rootf"
    "s','readonly':true},'hostname':'crun','mounts':[{'destination':'/proc','type':'proc'"
    ",'source':'proc'},{'destination':'/dev','type':'tmpfs','source':'tmpfs','options':['"
    "nosuid','strictatime','mode=755','size=65536k']},{'destination':'/dev/pts','type':'d"
    "evpts','source':'devpts','options':['nosuid','noexec','newinstance','ptmxmode=0666',"
    "'mode=0620','gid=5']},{'destination':'/dev/shm','type':'tmpfs','source':'shm','optio"
    "ns':['nosuid','noexec','nodev','mode=1777','size=65536k']},{'destination':'/dev/mque"
    "ue','type':'mqueue','source':'mqueue','options':['nosuid','noexec','nodev']},{'desti"
    "nation':'/sys','type':'sysfs','source':'sysfs','options':['nosuid','noexec','nodev',"
    "'ro']},{'destination':'/sys/fs/cgroup','type':'cgroup','source':'cgroup','options':["
    "'nosuid','noexec','nodev','relatime','ro']}],'linux':{'resources':{'devices':[{'allo"
    "w':false,'access':'rwm'}]},'namespaces':[{'type':'pid'},{'type':'network'},{'type':'"
    "ipc'},{'type':'uts'},{'type':'mount'}],'maskedPaths':['/proc/acpi','/proc/asound','/"
    "proc/kcore','/proc/keys','/proc/latency_stats','/proc/timer_list','/proc/timer_stats"
    "','/proc/sched_debug','/sys/firmware','/proc/scsi'],'readonlyPaths':['/proc/bus','/p"
    "roc/fs','/proc/irq','/proc/sys','/proc/sysrq-trigger']}}";

static const char crun_spec_rootless[] =
    "{'ociVersion':'1.0.0','process':{'terminal':true,'user':{'uid':0,'gid':0},'args':['s"
    "h'],'env':['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin','TERM"
    "=xterm'],'cwd':'/','capabilities':{'bounding':['CAP_AUDIT_WRITE','CAP_KILL','CAP_NET"
    "_BIND_SERVICE'],'effective':['CAP_AUDIT_WRITE','CAP_KILL','CAP_NET_BIND_SERVICE'],'i"
    "nheritable':[],'permitted':['CAP_AUDIT_WRITE','CAP_KILL','CAP_NET_BIND_SERVICE'],'am"
    "bient':['CAP_AUDIT_WRITE','CAP_KILL','CAP_NET_BIND_SERVICE']},'rlimits':[{'type':'RL"
    "IMIT_NOFILE','hard':1024,'soft':1024}],'noNewPrivileges':true},'root':{'path':'rootf"
    "s','readonly':true},'hostname':'crun','mounts':[{'destination':'/proc','type':'proc'"
    ",'source':'proc'},{'destination':'/dev','type':'tmpfs','source':'tmpfs','options':['"
    "nosuid','strictatime','mode=755','size=65536k']},{'destination':'/dev/pts','type':'d"
    "evpts','source':'devpts','options':['nosuid','noexec','newinstance','ptmxmode=0666',"
    "'mode=0620']},{'destination':'/dev/shm','type':'tmpfs','source':'shm','options':['no"
    "suid','noexec','nodev','mode=1777','size=65536k']},{'destination':'/dev/mqueue','typ"
    "e':'mqueue','source':'mqueue','options':['nosuid','noexec','nodev']},{'destination':"
    "'/sys','type':'sysfs','source':'sysfs','options':['nosuid','noexec','nodev','ro']},{"
    "'destination':'/sys/fs/cgroup','type':'cgroup','source':'cgroup','options':['nosuid'"
    ",'noexec','nodev','relatime','ro']}],'linux':{'resources':{'devices':[{'allow':false"
    ",'access':'rwm'}]},'namespaces':[{'type':'pid'},{'type':'network'},{'type':'ipc'},{'"
    "type':'uts'},{'type':'user'},{'type':'mount'}],'maskedPaths':['/proc/acpi','/proc/as"
    "ound','/proc/kcore','/proc/keys','/proc/latency_stats','/proc/timer_list','/proc/tim"
    "er_stats','/proc/sched_debug','/sys/firmware','/proc/scsi'],'readonlyPaths':['/proc/"
    "bus','/proc/fs','/proc/irq','/proc/sys','/proc/sysrq-trigger']}}";

/* A unified key the plan cannot hold whole is refused, never cut to another name. */
TEST(resources_unified_key_too_long)
{
	char lin[1024], key[301];

	memset(key, 'a', 300);
	memcpy(key, "memory.", 7);
	key[300] = '\0';
	snprintf(lin, sizeof(lin), NS() ",'resources':{'unified':{'%s':'1'}}", key);
	REJECT("", lin, "linux.resources.unified: cgroup file name of 300 bytes, more than 247");
	HASNT("cgroup.resource|unified.memory.aaaa");
}

TEST(crun_default_spec_parses)
{
	CHECK(run_raw(crun_spec) == 0);
	CHECK_CONTAINS(plan.data, "format\tbaton-plan/1\nid\tctr\nbundle\t" BUNDLE "\n");
	HAS("root.path|" BUNDLE "/rootfs");
	HAS("root.readonly|1");
	HAS("process.caps|0x20000420|0x20000420|0x0|0x20000420|0x20000420");
	HAS("process.rlimit|RLIMIT_NOFILE|7|1024|1024");
	HAS("mount|/dev|tmpfs|tmpfs|0x1000002|0x0|0x0|mode=755,size=65536k|");
	HAS("mount|/sys/fs/cgroup|cgroup|cgroup|0x20000f|0x0|0x0||");
	HAS("cgroup.device|0|a|-1|-1|rwm");
	HAS("cgroup.path|/baton/ctr");
	HAS("rootfs-propagation|0x44000");
	HAS("hostname|crun");
}

/* crun's default mapping (rootless.c: default_id_maps); its layout: users.bats */
TEST(crun_rootless_spec_gets_default_mappings)
{
	CHECK(run_raw(crun_spec_rootless) == 0);
	CHECK(plan.data && strstr(plan.data, "\nuid-map\t0\t"));
	CHECK(plan.data && strstr(plan.data, "\ngid-map\t0\t"));
}

TEST(json_syntax)
{
	CHECK(run_raw("{'ociVersion':\n'1.0.2',,}") < 0);
	CHECK_STR(err.msg, "config.json: invalid JSON near line 2 column 9");
	CHECK(run_raw("[]") < 0);
	CHECK_STR(err.msg, "config.json: must be a JSON object");
}

TEST(oci_version)
{
	CHECK(run_raw("{'ociVersion':'1.3.0','root':{'path':'/'},'linux':{" NS() "}}") == 0);
	HAS("oci-version|1.3.0");
	CHECK(run_raw("{'ociVersion':'1.0.2-dev','root':{'path':'/'},'linux':{" NS() "}}") == 0);
	CHECK(run_raw("{'ociVersion':'2.0.0','root':{'path':'/'}}") < 0);
	CHECK_STR(err.msg, "ociVersion: unsupported major version \"2.0.0\" (want 1.x.y)");
	CHECK(run_raw("{'ociVersion':'1.0','root':{'path':'/'}}") < 0);
	CHECK_STR(err.msg, "ociVersion: \"1.0\" is not a version (want 1.x.y)");
	CHECK(run_raw("{'root':{'path':'/'}}") < 0);
	CHECK_STR(err.msg, "ociVersion: required");
	CHECK(run_raw("{'ociVersion':1}") < 0);
	CHECK_STR(err.msg, "ociVersion: must be a string");
}

TEST(root)
{
	CHECK(
	    run_raw(
		"{'ociVersion':'1.0.0','root':{'path':'/tmp','readonly':false},'linux':{" NS() "}"
											       "}") ==
	    0);
	HAS("root.path|/tmp");
	HAS("root.readonly|0");
	CHECK(run_raw("{'ociVersion':'1.0.0','root':{'path':'/nonexistent-root'}}") < 0);
	CHECK_STR(err.msg, "root.path: `/nonexistent-root`");
	CHECK(run_raw("{'ociVersion':'1.0.0'}") < 0);
	CHECK_STR(err.msg, "root: required");
	CHECK(run_raw("{'ociVersion':'1.0.0','root':{}}") < 0);
	CHECK_STR(err.msg, "root.path: required");
	CHECK(run_raw("{'ociVersion':'1.0.0','root':{'path':'r','readonly':1}}") < 0);
	CHECK_STR(err.msg, "root.readonly: must be a boolean");
}

TEST(process_optional)
{
	ACCEPT("", NULL);
	HAS("process|0");
	HASNT("process.cwd|/");
	REJECT("'process':[]", NULL, "process: must be an object");
}

TEST(process_args)
{
	ACCEPT(PROC("'cwd':'/w'"), NULL);
	HAS("process|1");
	HAS("process.arg|sh");
	HAS("process.cwd|/w");
	HAS("process.user|0|0");
	HAS("process.terminal|0");
	HAS("process.caps|0x0|0x0|0x0|0x0|0x0");
	HAS("process.no-new-privileges|0");
	REJECT("'process':{'args':[]}", NULL, "process.args: must be a non-empty array");
	REJECT("'process':{}", NULL, "process.args: must be a non-empty array");
	REJECT("'process':{'args':'sh'}", NULL, "process.args: must be a non-empty array");
	REJECT("'process':{'args':['sh',1]}", NULL, "process.args[1]: must be a string");
}

TEST(process_cwd)
{
	ACCEPT(PROC("'terminal':true"), NULL);
	HAS("process.cwd|/");
	HAS("process.terminal|1");
	REJECT(PROC("'cwd':'w'"), NULL, "process.cwd: must be an absolute path");
	REJECT(PROC("'terminal':'yes'"), NULL, "process.terminal: must be a boolean");
}

TEST(process_env)
{
	ACCEPT(PROC("'env':['A=1','B=']"), NULL);
	HAS("process.env|A=1");
	HAS("process.env|B=");
	REJECT(PROC("'env':['A=1','B']"), NULL, "process.env[1]: must be NAME=VALUE, got \"B\"");
	REJECT(PROC("'env':['=x']"), NULL, "process.env[0]: must be NAME=VALUE, got \"=x\"");
}

TEST(process_user)
{
	ACCEPT(PROC("'user':{'uid':4294967295,'gid':5,'umask':18,'additionalGids':[7,8]}"), NULL);
	HAS("process.user|4294967295|5");
	HAS("process.umask|022");
	HAS("process.additional-gid|7");
	HAS("process.additional-gid|8");
	REJECT(PROC("'user':{'uid':-1}"), NULL, "process.user.uid: -1 out of range 0..4294967295");
	REJECT(PROC("'user':{'uid':4294967296}"), NULL,
	       "process.user.uid: 4294967296 out of range 0..4294967295");
	REJECT(PROC("'user':{'gid':1.5}"), NULL, "process.user.gid: must be an integer");
	REJECT(PROC("'user':{'additionalGids':['x']}"), NULL,
	       "process.user.additionalGids[0]: must be an integer");
	REJECT(PROC("'user':{'umask':512}"), NULL, "process.user.umask: 512 out of range 0..511");
}

TEST(process_console_size)
{
	ACCEPT(PROC("'consoleSize':{'height':24,'width':80}"), NULL);
	HAS("process.console-size|24|80");
	REJECT(PROC("'consoleSize':{'height':'24'}"), NULL,
	       "process.consoleSize.height: must be an integer");
}

TEST(process_capabilities)
{
	ACCEPT(PROC("'capabilities':{'bounding':['CAP_CHOWN','CAP_CHECKPOINT_RESTORE'],"
		    "'ambient':['CAP_SYS_ADMIN']}"),
	       NULL);
	HAS("process.caps|0x10000000001|0x0|0x0|0x0|0x200000");
	REJECT(PROC("'capabilities':{'bounding':['CAP_CHOWN','CAP_FOO']}"), NULL,
	       "process.capabilities.bounding[1]: unknown capability \"CAP_FOO\"");
	REJECT(PROC("'capabilities':{'permitted':'CAP_CHOWN'}"), NULL,
	       "process.capabilities.permitted: must be an array");
}

TEST(process_rlimits)
{
	ACCEPT(PROC("'rlimits':[{'type':'RLIMIT_CORE','soft':0,'hard':18446744073709551615},"
		    "{'type':'RLIMIT_NOFILE','soft':10,'hard':20}]"),
	       NULL);
	HAS("process.rlimit|RLIMIT_CORE|4|0|18446744073709551615");
	HAS("process.rlimit|RLIMIT_NOFILE|7|10|20");
	REJECT(PROC("'rlimits':[{'type':'RLIMIT_FOO','soft':1,'hard':1}]"), NULL,
	       "process.rlimits[0].type: unknown rlimit \"RLIMIT_FOO\"");
	REJECT(PROC("'rlimits':[{'type':'RLIMIT_CPU','soft':2,'hard':1}]"), NULL,
	       "process.rlimits[0]: soft limit 2 is above the hard limit 1");
	REJECT(PROC("'rlimits':[{'type':'RLIMIT_CPU','soft':1,'hard':1},"
		    "{'type':'RLIMIT_CPU','soft':1,'hard':1}]"),
	       NULL, "process.rlimits[1]: duplicate rlimit \"RLIMIT_CPU\"");
	REJECT(PROC("'rlimits':[{'type':'RLIMIT_CPU','soft':1}]"), NULL,
	       "process.rlimits[0].hard: required");
}

TEST(process_security)
{
	ACCEPT(PROC("'noNewPrivileges':true,'oomScoreAdj':-1000,'apparmorProfile':'p',"
		    "'selinuxLabel':'l'"),
	       NULL);
	HAS("process.no-new-privileges|1");
	HAS("process.oom-score-adj|-1000");
	HAS("process.apparmor|p");
	HAS("process.selinux|l");
	REJECT(PROC("'oomScoreAdj':1001"), NULL,
	       "process.oomScoreAdj: 1001 out of range -1000..1000");
	REJECT(PROC("'noNewPrivileges':1"), NULL, "process.noNewPrivileges: must be a boolean");
	REJECT(PROC("'scheduler':{}"), NULL, "process.scheduler.policy: required");
}

/* scheduler.c and mempolicy.c: the records final-exec reads (rules: test-placement.c) */
TEST(process_placement)
{
	ACCEPT(PROC("'scheduler':{'policy':'SCHED_RR','priority':5,'flags':['SCHED_FLAG_RESET_ON_"
		    "FORK']},"
		    "'ioPriority':{'class':'IOPRIO_CLASS_IDLE','priority':7},"
		    "'execCPUAffinity':{'initial':'0','final':'0'}"),
	       NS() ",'memoryPolicy':{'mode':'MPOL_BIND','nodes':'0','flags':['MPOL_F_STATIC_NODES'"
		    "]}");
	HAS("process.scheduler|SCHED_RR|2|0|5|0x1|0|0|0");
	HAS("process.io-priority|IOPRIO_CLASS_IDLE|3|7");
	HAS("process.cpu-affinity.initial|0");
	HAS("process.cpu-affinity.final|0");
	HAS("memory-policy|MPOL_BIND|2|0x8000|0");
	REJECT(PROC("'scheduler':{'policy':'SCHED_DEADLINE','runtime':2048}"), NULL,
	       "process.scheduler.deadline: required for SCHED_DEADLINE");
	REJECT(PROC("'ioPriority':{'class':'IOPRIO_CLASS_BE','priority':8}"), NULL,
	       "process.ioPriority.priority: 8 out of range 0..7");
	REJECT(PROC("'execCPUAffinity':{'final':'0-'}"), NULL,
	       "process.execCPUAffinity.final: \"0-\" is not a list like 0-3,7");
	REJECT("", NS() ",'memoryPolicy':{'mode':'MPOL_BIND'}",
	       "linux.memoryPolicy.nodes: required for MPOL_BIND");
}

TEST(hostname)
{
	ACCEPT("'hostname':'h','domainname':'d'", NS(",{'type':'uts'}"));
	HAS("hostname|h");
	HAS("domainname|d");
	REJECT("'hostname':'h'", NULL,
	       "hostname: requires a uts namespace (new or joined by path)");
	/* joined: the names are set in that namespace */
	ACCEPT("'hostname':'h','domainname':'d'", NS(",{'type':'uts','path':'/proc/1/ns/uts'}"));
	HAS("hostname|h");
	HAS("domainname|d");
	REJECT("'domainname':'d'", NULL,
	       "domainname: requires a uts namespace (new or joined by path)");
	REJECT("'hostname':7", NULL, "hostname: must be a string");
}

TEST(mounts)
{
	ACCEPT("'mounts':[{'destination':'/t','type':'tmpfs','source':'tmpfs',"
	       "'options':['nosuid','ro','rw','mode=755','rshared','tmpcopyup']}]",
	       NULL);
	HAS("mount|/t|tmpfs|tmpfs|0x2|0x1|0x104000|mode=755|tmpcopyup");
	/* relative destinations are relative to /, as the spec and runc read them */
	ACCEPT("'mounts':[{'destination':'rel/x','type':'tmpfs','source':'tmpfs'}]", NULL);
	HAS("mount|/rel/x|tmpfs|tmpfs|0x0|0x0|0x0||");
	REJECT("'mounts':[{'type':'tmpfs'}]", NULL, "mounts[0].destination: required");
	/* crun's recursive options go to EXTRA, for mount_setattr in mount-rootfs */
	ACCEPT(
	    "'mounts':[{'destination':'/a','type':'bind','source':'/','options':['rbind','rro']}]",
	    NULL);
	HAS("mount|/a|bind|/|0x5000|0x0|0x0||rro");
	REJECT("'mounts':[{'destination':'/a','options':[1]}]", NULL,
	       "mounts[0].options[0]: must be a string");
	REJECT("'mounts':{}", NULL, "mounts: must be an array");
}

TEST(mounts_bind)
{
	ACCEPT("'mounts':[{'destination':'/a','type':'bind','source':'data'},"
	       "{'destination':'/b','type':'none','source':'/h','options':['rbind','ro']},"
	       "{'destination':'/c','source':'/x','options':['bind']}]",
	       NULL);
	HAS("mount|/a|bind|" BUNDLE "/data|0x1000|0x0|0x0||");
	HAS("mount|/b|bind|/h|0x5001|0x0|0x0||");
	HAS("mount|/c|bind|/x|0x1000|0x0|0x0||");
	REJECT("'mounts':[{'destination':'/a','type':'bind'}]", NULL,
	       "mounts[0].source: required for a bind mount");
}

#define MAPS(u, g)     "'uidMappings':[" u "],'gidMappings':[" g "]"
#define RANGE(c, h, n) "{'containerID':" #c ",'hostID':" #h ",'size':" #n "}"
#define BIND(...)      "'mounts':[{'destination':'/d','type':'bind','source':'/s'," __VA_ARGS__ "}]"

TEST(mounts_idmap)
{
	/* the mount's own mappings: no user namespace needed, idmap implied */
	ACCEPT(BIND(MAPS(RANGE(0, 100000, 65536), RANGE(1, 200, 2) "," RANGE(10, 300, 1))), NULL);
	HAS("mount|/d|bind|/s|0x1000|0x0|0x0||idmap");
	HAS("mount.uid-map|0|0|100000|65536");
	HAS("mount.gid-map|0|1|200|2");
	HAS("mount.gid-map|0|10|300|1");
	ACCEPT(BIND("'options':['rbind','ridmap']," MAPS(RANGE(0, 1, 1), RANGE(0, 1, 1))), NULL);
	HAS("mount|/d|bind|/s|0x5000|0x0|0x0||ridmap");
	/* crun's option spelling */
	ACCEPT(BIND("'options':['bind','idmap=uids=0-1000-10#10-2000-5;gids=0-3000-1']"), NULL);
	HAS("mount.uid-map|0|10|2000|5");
	HAS("mount.gid-map|0|0|3000|1");
	/* no mappings: the container's user namespace */
	ACCEPT(BIND("'options':['bind','idmap']"),
	       NS(",{'type':'user'}") ",'uidMappings':[" RANGE(0, 1, 1) "],'gidMappings':[" RANGE(
		   0, 1, 1) "]");
	HAS("mount|/d|bind|/s|0x1000|0x0|0x0||idmap");
	HASNT("mount.uid-map|0|0|1|1");
	REJECT(BIND("'options':['bind','idmap']"), NULL,
	       "mounts[0].options[1]: `idmap` without uidMappings needs a user namespace "
	       "(linux.namespaces) to take the mapping from");
	REJECT(BIND("'uidMappings':[" RANGE(0, 1, 1) "]"), NULL,
	       "mounts[0].gidMappings: required with uidMappings");
	REJECT(BIND("'uidMappings':[],'gidMappings':[" RANGE(0, 1, 1) "]"), NULL,
	       "mounts[0].uidMappings: required with gidMappings");
	REJECT("'mounts':[{'destination':'/t','type':'tmpfs','source':'tmpfs'," MAPS(
		   RANGE(0, 1, 1), RANGE(0, 1, 1)) "}]",
	       NULL, "mounts[0].uidMappings: only a bind mount can be idmapped");
	REJECT("'mounts':[{'destination':'/t','type':'tmpfs','options':['ridmap']}]", NULL,
	       "mounts[0].options[0]: only a bind mount can be idmapped");
	REJECT(BIND(MAPS(RANGE(0, 1, 0), RANGE(0, 1, 1))), NULL,
	       "mounts[0].uidMappings[0]: size must be greater than 0");
	REJECT(BIND(MAPS(RANGE(0, 1, 10) "," RANGE(5, 100, 1), RANGE(0, 1, 1))), NULL,
	       "mounts[0].uidMappings[1]: overlaps range 0");
	REJECT(BIND(MAPS(RANGE(0, 4294967295, 2), RANGE(0, 1, 1))), NULL,
	       "mounts[0].uidMappings[0]: the range goes past id 4294967295");
	REJECT(BIND(MAPS("{'containerID':0,'size':1}", RANGE(0, 1, 1))), NULL,
	       "mounts[0].uidMappings[0]: containerID, hostID and size are required");
	REJECT(BIND("'options':['idmap=uids=0-1-1']"), NULL,
	       "mounts[0].options[0]: `uids=0-1-1`: both uids= and gids= are needed");
	REJECT(BIND("'options':['idmap=uids=0-1;gids=0-1-1']"), NULL,
	       "mounts[0].options[0]: `uids=0-1;gids=0-1-1`: expected "
	       "uids=FROM-TO-COUNT[#...];gids=FROM-TO-COUNT[#...]");
	REJECT(BIND("'options':['idmap=uids=@0-1-1;gids=0-1-1']"), NULL,
	       "mounts[0].options[0]: relative mappings (`@`) are not supported yet");
	REJECT(
	    BIND("'options':['idmap=uids=0-1-1;gids=0-1-1']," MAPS(RANGE(0, 1, 1), RANGE(0, 1, 1))),
	    NULL, "mounts[0].options[0]: mappings given in mounts[0].uidMappings too");
}

TEST(mount_options_recursive_and_symlinks)
{
	ACCEPT("'mounts':[{'destination':'/d','type':'bind','source':'/s','options':['rbind','rro',"
	       "'src-nofollow','copy-symlink']}]",
	       NS());
	HAS("mount|/d|bind|/s|0x5000|0x0|0x0||rro,src-nofollow,copy-symlink");
	REJECT("'mounts':[{'destination':'/"
	       "d','type':'tmpfs','source':'t','options':['dest-nofollow']}]",
	       NS(), "mounts[0].options: `dest-nofollow` is for bind mounts only");
}

int main(void)
{
	return parse_config_unit_main();
}
