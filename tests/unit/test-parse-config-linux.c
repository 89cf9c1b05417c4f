/*
 * parse-config's linux.* rules (schemas/config-rules.md): namespaces, id
 * mappings, devices, resources, cgroups path, sysctls, paths, seccomp,
 * personality; and hooks and annotations. Each accepted and rejected once.
 */
#include "parse-config-harness.h"

TEST(namespaces)
{
	ACCEPT("", NS(",{'type':'pid'},{'type':'network','path':'/run/netns/x'},{'type':'ipc'},"
		      "{'type':'uts'},{'type':'cgroup'},{'type':'time'}"));
	HAS("namespace|mount|");
	HAS("namespace|network|/run/netns/x");
	HAS("namespace|time|");
	REJECT("", NS(",{'type':'pid'},{'type':'foo'}"),
	       "linux.namespaces[2].type: unknown namespace \"foo\"");
	REJECT("", NS(",{'type':'pid'},{'type':'ipc'},{'type':'pid'}"),
	       "linux.namespaces[3]: duplicate namespace \"pid\"");
	REJECT("", NS(",{'type':'pid','path':'proc/1/ns/pid'}"),
	       "linux.namespaces[1].path: must be an absolute path");
	REJECT("", NS(",{'path':'/x'}"), "linux.namespaces[1].type: required");
	/* an unlisted mount namespace is the runtime's: the root is a chroot */
	ACCEPT("", "'namespaces':[{'type':'pid'}]");
	HASNT("namespace|mount|");
	CHECK(!strstr(plan.data, "\nrootfs-propagation\t"));
	CHECK(run_raw("{'ociVersion':'1.0.0','root':{'path':'/'}}") == 0);
	CHECK(run_raw("{'ociVersion':'1.0.0','root':{'path':'/','readonly':true}}") < 0);
	CHECK_STR(err.msg, "root.readonly: needs a mount namespace in linux.namespaces (without "
			   "one the container shares the runtime's mounts)");
	REJECT("", "'namespaces':[{'type':'pid'}],'rootfsPropagation':'shared'",
	       "linux.rootfsPropagation: needs a mount namespace in linux.namespaces (without "
	       "one the container shares the runtime's mounts)");
}

TEST(id_mappings)
{
	ACCEPT(
	    "",
	    NS(",{'type':'user'}") ",'uidMappings':[{'containerID':0,'hostID':1000,'size':1}],"
				   "'gidMappings':[{'containerID':0,'hostID':100,'size':65536}]");
	HAS("uid-map|0|1000|1");
	HAS("gid-map|0|100|65536");
	REJECT("", NS() ",'uidMappings':[{'containerID':0,'hostID':1000,'size':1}]",
	       "linux.uidMappings: requires a new user namespace");
	/* the one not given gets the default, the one given stays alone */
	ACCEPT("", NS(",{'type':'user'}") ",'uidMappings':[{'containerID':0,'hostID':1,'size':1}]");
	HAS("uid-map|0|1|1");
	CHECK(plan.data && strstr(plan.data, "\ngid-map\t0\t") && plan_count_lines("uid-map") == 1);
	REJECT("", NS(",{'type':'user'}") ",'uidMappings':[{'containerID':0,'hostID':1,'size':0}]",
	       "linux.uidMappings[0].size: must be greater than 0");
	REJECT("", NS(",{'type':'user'}") ",'gidMappings':[{'containerID':0,'size':1}]",
	       "linux.gidMappings[0]: containerID, hostID and size are required");
}

TEST(time_offsets)
{
	ACCEPT("", NS(",{'type':'time'}") ",'timeOffsets':{'monotonic':{'secs':-5,'nanosecs':7},"
					  "'boottime':{'secs':10}}");
	HAS("time-offset|monotonic|-5|7");
	HAS("time-offset|boottime|10|0");
	REJECT("", NS() ",'timeOffsets':{'monotonic':{'secs':1}}",
	       "linux.timeOffsets: requires a new time namespace");
	REJECT("", NS(",{'type':'time'}") ",'timeOffsets':{'realtime':{'secs':1}}",
	       "linux.timeOffsets.realtime: unknown clock (want monotonic or boottime)");
	REJECT("", NS(",{'type':'time'}") ",'timeOffsets':{'boottime':{'nanosecs':1000000000}}",
	       "linux.timeOffsets.boottime.nanosecs: 1000000000 out of range 0..999999999");
}

TEST(devices)
{
	ACCEPT("", NS() ",'devices':[{'path':'/dev/fuse','type':'c','major':10,'minor':229,"
			"'fileMode':438,'uid':1,'gid':2},{'path':'/dev/p','type':'p'}]");
	HAS("device|/dev/fuse|c|10|229|0666|1|2");
	HAS("device|/dev/p|p|0|0|0666|0|0");
	/* a trailing slash is dropped, as crun does */
	ACCEPT("", NS() ",'devices':[{'path':'/dev/sda//','type':'b','major':8,'minor':0}]");
	HAS("device|/dev/sda|b|8|0|0666|0|0");
	REJECT("", NS() ",'devices':[{'path':'///','type':'c','major':1,'minor':1}]",
	       "linux.devices[0].path: `/` is no device path");
	REJECT("", NS() ",'devices':[{'path':'dev/x','type':'c','major':1,'minor':1}]",
	       "linux.devices[0].path: must be an absolute path");
	REJECT("", NS() ",'devices':[{'path':'/dev/x','type':'x'}]",
	       "linux.devices[0].type: must be one of c, b, u, p");
	REJECT("", NS() ",'devices':[{'path':'/dev/x','type':'b','major':1}]",
	       "linux.devices[0]: major and minor are required for type b");
	REJECT("", NS() ",'devices':[{'path':'/dev/x','type':'p','fileMode':65536}]",
	       "linux.devices[0].fileMode: 65536 out of range 0..65535");
	/* podman --privileged copies the host's st_mode, file type included */
	ACCEPT("", NS() ",'devices':[{'path':'/dev/n','type':'c','major':1,'minor':3,"
			"'fileMode':8612}]");
	HAS("device|/dev/n|c|1|3|0644|0|0");
	REJECT("",
	       NS() ",'devices':[{'path':'/dev/x','type':'c','major':1,'minor':3,"
		    "'fileMode':25008}]",
	       "linux.devices[0].fileMode: file type 060000 does not match type c");
}

TEST(resources)
{
	ACCEPT("", NS() ",'resources':{'memory':{'limit':-1,'swappiness':60,"
			"'disableOOMKiller':true},'cpu':{'shares':1024,'quota':-1,'cpus':'0-1'},"
			"'pids':{'limit':100},'blockIO':{'weight':500,'weightDevice':[]},"
			"'hugepageLimits':[{'pageSize':'2MB','limit':4096}],"
			"'network':{'classID':7,'priorities':[{'name':'eth0','priority':3}]},"
			"'unified':{'memory.high':'max'}}");
	HAS("cgroup.resource|memory.limit|-1");
	HAS("cgroup.resource|memory.swappiness|60");
	HAS("cgroup.resource|memory.disable-oom-killer|1");
	HAS("cgroup.resource|cpu.shares|1024");
	HAS("cgroup.resource|cpu.quota|-1");
	HAS("cgroup.resource|cpu.cpus|0-1");
	HAS("cgroup.resource|pids.limit|100");
	HAS("cgroup.resource|blockio.weight|500");
	HAS("cgroup.resource|hugepage.2MB|4096");
	HAS("cgroup.resource|network.class-id|7");
	HAS("cgroup.resource|network.priority.eth0|3");
	HAS("cgroup.resource|unified.memory.high|max");
	REJECT("", NS() ",'resources':{'memory':{'swappiness':101}}",
	       "linux.resources.memory.swappiness: 101 out of range 0..100");
	REJECT("", NS() ",'resources':{'memory':{'limit':-2}}",
	       "linux.resources.memory.limit: -2 out of range -1..9223372036854775807");
	REJECT("", NS() ",'resources':{'blockIO':{'weight':5}}",
	       "linux.resources.blockIO.weight: 5 out of range 10..1000");
	REJECT("", NS() ",'resources':{'cpu':{'cpus':3}}",
	       "linux.resources.cpu.cpus: must be a string");
	REJECT("", NS() ",'resources':{'unified':{'../x':'1'}}",
	       "linux.resources.unified.../x: invalid cgroup file name \"../x\"");
	REJECT("", NS() ",'resources':{'hugepageLimits':[{'limit':1}]}",
	       "linux.resources.hugepageLimits[0]: pageSize and limit are required");
	REJECT("", NS() ",'resources':{'blockIO':{'throttleReadBpsDevice':[{'major':8}]}}",
	       "linux.resources.blockIO.throttleReadBpsDevice[0]: major and minor are required");
}

TEST(resources_devices)
{
	ACCEPT("", NS() ",'resources':{'devices':[{'allow':false},"
			"{'allow':true,'type':'c','major':1,'minor':3,'access':'rw'}]}");
	HAS("cgroup.device|0|a|-1|-1|rwm");
	HAS("cgroup.device|1|c|1|3|rw");
	REJECT("", NS() ",'resources':{'devices':[{'allow':true,'access':'rwx'}]}",
	       "linux.resources.devices[0].access: \"rwx\" is not a subset of \"rwm\"");
	REJECT("", NS() ",'resources':{'devices':[{'allow':true,'type':'u'}]}",
	       "linux.resources.devices[0].type: must be one of a, c, b");
	REJECT("", NS() ",'resources':{'devices':[{'type':'a'}]}",
	       "linux.resources.devices[0].allow: required");
}

TEST(cgroups_path)
{
	ACCEPT("", NS() ",'cgroupsPath':'a/b'");
	HAS("cgroup.path|/a/b");
	ACCEPT("", NS() ",'cgroupsPath':'/x/y'");
	HAS("cgroup.path|/x/y");
	REJECT("", NS() ",'cgroupsPath':'machine.slice:baton:ctr'",
	       "linux.cgroupsPath: systemd cgroup paths need --systemd-cgroup");
	REJECT("", NS() ",'cgroupsPath':'/a/../b'", "linux.cgroupsPath: must not contain \"..\"");
}

TEST(sysctl)
{
	ACCEPT("", NS(",{'type':'network'}") ",'sysctl':{'net.ipv4.ip_forward':'1'}");
	HAS("sysctl|net.ipv4.ip_forward|1");
	REJECT("", NS() ",'sysctl':{'net/ipv4':'1'}",
	       "linux.sysctl.net/ipv4: invalid sysctl name \"net/ipv4\"");
	REJECT("", NS() ",'sysctl':{'net..x':'1'}",
	       "linux.sysctl.net..x: invalid sysctl name \"net..x\"");
	REJECT("", NS() ",'sysctl':{'kernel.x':1}", "linux.sysctl.kernel.x: must be a string");
}

/* Only what the kernel keeps per namespace, in a namespace that is not the host's. */
TEST(sysctl_namespaced)
{
	const char *net = NS(",{'type':'network'}"), *ipc = NS(",{'type':'ipc'}");
	const char *uts = NS(",{'type':'uts'}");
	char lin[512];

#define SYSCTL(ns, kv) (snprintf(lin, sizeof(lin), "%s,'sysctl':{%s}", ns, kv), lin)
	ACCEPT("", SYSCTL(net, "'net.ipv4.ip_unprivileged_port_start':'0',"
			       "'net.ipv4.ping_group_range':'0 2147483647'"));
	ACCEPT("", SYSCTL(ipc, "'kernel.shmmax':'1','kernel.sem':'250\\t32000','fs.mqueue.x':'1'"));
	ACCEPT("", SYSCTL(uts, "'kernel.domainname':'d'"));
	REJECT("", SYSCTL(net, "'vm.swappiness':'1'"),
	       "linux.sysctl.vm.swappiness: not namespaced, would change the host");
	REJECT("", SYSCTL(net, "'kernel.core_pattern':'|/x'"),
	       "linux.sysctl.kernel.core_pattern: not namespaced, would change the host");
	REJECT("", SYSCTL(net, "'kernel.modprobe':'/x'"),
	       "linux.sysctl.kernel.modprobe: not namespaced, would change the host");
	REJECT("", SYSCTL(ipc, "'net.ipv4.ip_forward':'1'"),
	       "linux.sysctl.net.ipv4.ip_forward: needs the container's own network namespace, "
	       "not the host's");
	/* joining the runtime's own namespace by path is still the host's */
	REJECT("", SYSCTL(NS(",{'type':'network','path':'/proc/self/ns/net'}"), "'net.x':'1'"),
	       "linux.sysctl.net.x: needs the container's own network namespace, not the host's");
	REJECT(
	    "", SYSCTL(net, "'kernel.shmmni':'1'"),
	    "linux.sysctl.kernel.shmmni: needs the container's own ipc namespace, not the host's");
	REJECT("", SYSCTL(net, "'fs.mqueue.msg_max':'1'"),
	       "linux.sysctl.fs.mqueue.msg_max: needs the container's own ipc namespace, "
	       "not the host's");
	REJECT("", SYSCTL(net, "'kernel.hostname':'h'"),
	       "linux.sysctl.kernel.hostname: needs the container's own uts namespace, "
	       "not the host's");
	REJECT("", SYSCTL(net, "'net.x':'1\\n2'"),
	       "linux.sysctl.net.x: control character 0x0a in the value");
}

TEST(sysctl_names_agree)
{
	const char *uts = NS(",{'type':'uts'}");
	char lin[512];

	ACCEPT("'hostname':'h'", SYSCTL(uts, "'kernel.hostname':'h'"));
	ACCEPT("", SYSCTL(uts, "'kernel.hostname':'h'"));
	REJECT("'hostname':'h'", SYSCTL(uts, "'kernel.hostname':'g'"),
	       "linux.sysctl.kernel.hostname: \"g\" conflicts with hostname \"h\"");
	REJECT("'domainname':'d'", SYSCTL(uts, "'kernel.domainname':'e'"),
	       "linux.sysctl.kernel.domainname: \"e\" conflicts with domainname \"d\"");
#undef SYSCTL
}

TEST(masked_readonly_paths)
{
	ACCEPT("", NS() ",'maskedPaths':['/proc/kcore'],'readonlyPaths':['/proc/sys']");
	HAS("masked-path|/proc/kcore");
	HAS("readonly-path|/proc/sys");
	REJECT("", NS() ",'maskedPaths':['proc']",
	       "linux.maskedPaths[0]: must be an absolute path");
	REJECT("", NS() ",'readonlyPaths':['/a','b']",
	       "linux.readonlyPaths[1]: must be an absolute path");
}

TEST(rootfs_propagation)
{
	ACCEPT("", NS() ",'rootfsPropagation':'rslave'");
	HAS("rootfs-propagation|0x84000");
	REJECT("", NS() ",'rootfsPropagation':'ro'",
	       "linux.rootfsPropagation: unknown propagation \"ro\"");
}

#define SECCOMP(...) NS() ",'seccomp':{" __VA_ARGS__ "}"

TEST(seccomp)
{
	ACCEPT("", SECCOMP("'defaultAction':'SCMP_ACT_ERRNO','architectures':['SCMP_ARCH_X86_64'],"
			   "'flags':['SECCOMP_FILTER_FLAG_LOG'],'syscalls':["
			   "{'names':['read','write'],'action':'SCMP_ACT_ALLOW'},"
			   "{'names':['clone'],'action':'SCMP_ACT_ERRNO','errnoRet':38,'args':["
			   "{'index':0,'value':2114060288,'op':'SCMP_CMP_MASKED_EQ'}]}]"));
	HAS("seccomp.default|SCMP_ACT_ERRNO|1");
	HAS("seccomp.arch|SCMP_ARCH_X86_64");
	HAS("seccomp.flag|SECCOMP_FILTER_FLAG_LOG");
	HAS("seccomp.syscall|read|SCMP_ACT_ALLOW|-|linux.seccomp.syscalls[0].names[0]");
	HAS("seccomp.syscall|write|SCMP_ACT_ALLOW|-|linux.seccomp.syscalls[0].names[1]");
	HAS("seccomp.syscall|clone|SCMP_ACT_ERRNO|38|linux.seccomp.syscalls[1].names[0]|0|"
	    "SCMP_CMP_MASKED_EQ|2114060288|0");
	REJECT("", SECCOMP("'architectures':[]"), "linux.seccomp.defaultAction: required");
	REJECT("", SECCOMP("'defaultAction':'SCMP_ACT_NOPE'"),
	       "linux.seccomp.defaultAction: unknown action \"SCMP_ACT_NOPE\"");
	REJECT("", SECCOMP("'defaultAction':'SCMP_ACT_KILL','architectures':['SCMP_ARCH_VAX']"),
	       "linux.seccomp.architectures[0]: unknown architecture \"SCMP_ARCH_VAX\"");
	REJECT("", SECCOMP("'defaultAction':'SCMP_ACT_KILL','flags':['X']"),
	       "linux.seccomp.flags[0]: unknown seccomp flag \"X\"");
	REJECT("",
	       SECCOMP("'defaultAction':'SCMP_ACT_KILL','syscalls':[{'names':[],"
		       "'action':'SCMP_ACT_ALLOW'}]"),
	       "linux.seccomp.syscalls[0].names: must be a non-empty array");
	REJECT("",
	       SECCOMP("'defaultAction':'SCMP_ACT_KILL','syscalls':[{'names':['Read!'],"
		       "'action':'SCMP_ACT_ALLOW'}]"),
	       "linux.seccomp.syscalls[0].names[0]: invalid syscall name \"Read!\"");
	REJECT("",
	       SECCOMP("'defaultAction':'SCMP_ACT_KILL','syscalls':[{'names':['read'],"
		       "'action':'SCMP_ACT_FOO'}]"),
	       "linux.seccomp.syscalls[0].action: unknown action \"SCMP_ACT_FOO\"");
	REJECT("",
	       SECCOMP(
		   "'defaultAction':'SCMP_ACT_KILL','syscalls':[{'names':['read'],"
		   "'action':'SCMP_ACT_ALLOW','args':[{'index':6,'value':1,'op':'SCMP_CMP_EQ'}]}]"),
	       "linux.seccomp.syscalls[0].args[0].index: 6 out of range 0..5");
	REJECT("",
	       SECCOMP("'defaultAction':'SCMP_ACT_KILL','syscalls':[{'names':['read'],"
		       "'action':'SCMP_ACT_ALLOW','args':[{'index':1,'value':1,'op':'EQ'}]}]"),
	       "linux.seccomp.syscalls[0].args[0].op: unknown operator \"EQ\"");
	REJECT("",
	       SECCOMP("'defaultAction':'SCMP_ACT_KILL','syscalls':[{'names':['read'],"
		       "'action':'SCMP_ACT_ERRNO','errnoRet':-1}]"),
	       "linux.seccomp.syscalls[0].errnoRet: -1 out of range 0..65535");
	/* SECCOMP_RET_DATA holds 16 bits: a larger errno was an unnamed seccomp-load error */
	REJECT("",
	       SECCOMP("'defaultAction':'SCMP_ACT_KILL','syscalls':[{'names':['read'],"
		       "'action':'SCMP_ACT_ERRNO','errnoRet':65536}]"),
	       "linux.seccomp.syscalls[0].errnoRet: 65536 out of range 0..65535");
	REJECT("", SECCOMP("'defaultAction':'SCMP_ACT_ERRNO','defaultErrnoRet':70000"),
	       "linux.seccomp.defaultErrnoRet: 70000 out of range 0..65535");
}

TEST(seccomp_listener)
{
	ACCEPT("", SECCOMP("'defaultAction':'SCMP_ACT_NOTIFY','listenerPath':'/run/l.sock',"
			   "'listenerMetadata':'m'"));
	HAS("seccomp.default|SCMP_ACT_NOTIFY|1");
	HAS("seccomp.listener-path|/run/l.sock");
	HAS("seccomp.listener-metadata|m");
	HAS("seccomp.notify|1");
	/* the receiver may also come from an annotation or the caller's environment */
	ACCEPT("", SECCOMP("'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['read'],"
			   "'action':'SCMP_ACT_NOTIFY'}]"));
	HAS("seccomp.notify|1");
	ACCEPT("", SECCOMP("'defaultAction':'SCMP_ACT_ALLOW'"));
	HASNT("seccomp.notify|1");
	REJECT("", SECCOMP("'defaultAction':'SCMP_ACT_ALLOW','listenerPath':'l.sock'"),
	       "linux.seccomp.listenerPath: must be an absolute path");
}

TEST(personality)
{
	ACCEPT("", NS() ",'personality':{'domain':'LINUX32'}");
	HAS("personality|LINUX32");
	REJECT("", NS() ",'personality':{'domain':'BSD'}",
	       "linux.personality.domain: must be LINUX or LINUX32");
	/* the message depends on the host's resctrl (test-placement.c has both) */
	CHECK(run("", NS() ",'intelRdt':{}") < 0);
	CHECK_CONTAINS(err.msg, "linux.intelRdt: ");
	/* accepted without SELinux; with it, refused naming the field */
	CHECK(run("", NS() ",'mountLabel':'system_u:object_r:container_file_t:s0'") == 0 ||
	      strstr(err.msg, "linux.mountLabel: "));
}

TEST(hooks)
{
	ACCEPT("'hooks':{'prestart':[{'path':'/bin/a','args':['a','1'],'env':['X=1'],'timeout':5}],"
	       "'poststop':[{'path':'/bin/b'},{'path':'/bin/c'}]}",
	       NULL);
	HAS("hook|prestart|0|/bin/a|5");
	HAS("hook.arg|prestart|0|a");
	HAS("hook.arg|prestart|0|1");
	HAS("hook.env|prestart|0|X=1");
	HAS("hook|poststop|1|/bin/c|0");
	REJECT("'hooks':{'createRuntime':[{'path':'a'}]}", NULL,
	       "hooks.createRuntime[0].path: must be an absolute path");
	REJECT("'hooks':{'startContainer':[{'path':'/a','timeout':0}]}", NULL,
	       "hooks.startContainer[0].timeout: must be greater than 0");
	REJECT("'hooks':{'poststart':[{'path':'/a','env':['X']}]}", NULL,
	       "hooks.poststart[0].env[0]: must be NAME=VALUE, got \"X\"");
	REJECT("'hooks':{'createContainer':{}}", NULL, "hooks.createContainer: must be an array");
}

TEST(annotations)
{
	ACCEPT("'annotations':{'org.x':'y'}", NULL);
	HAS("annotation|org.x|y");
	REJECT("'annotations':{'org.x':1}", NULL, "annotations.org.x: must be a string");
}

TEST(unknown_keys_ignored)
{
	ACCEPT("'vendor.extension':{'a':1},'process':{'args':['x'],'vendor':1}", NULL);
}

TEST(null_is_absent)
{
	ACCEPT("'hooks':null,'process':{'args':['x'],'env':null,'cwd':null}",
	       NS() ",'resources':{'blockIO':{'weightDevice':null}}");
	HAS("process.cwd|/");
}

TEST(fields_are_escaped)
{
	ACCEPT(PROC("'env':['A=x\\ty\\nz']"), NULL);
	HAS("process.env|A=x\\ty\\nz");
}

TEST(resources_blockio_devices_and_rdma)
{
	ACCEPT("",
	       NS() ",'resources':{'blockIO':{'weightDevice':[{'major':8,'minor':0,"
		    "'weight':300,'leafWeight':200},{'major':8,'minor':16,'weight':10}],"
		    "'throttleReadBpsDevice':[{'major':8,'minor':0,'rate':1048576}],"
		    "'throttleWriteBpsDevice':[{'major':8,'minor':0,'rate':2}],"
		    "'throttleReadIOPSDevice':[{'major':8,'minor':0,'rate':3}],"
		    "'throttleWriteIOPSDevice':[{'major':8,'minor':0,'rate':4}]},"
		    "'rdma':{'mlx5_1':{'hcaHandles':3,'hcaObjects':10000},'mlx4':{'hcaObjects':5}},"
		    "'cpu':{'burst':1000,'realtimeRuntime':950,'realtimePeriod':1000,'idle':1}}");
	HAS("cgroup.resource|blockio.weight-device.8:0|300");
	HAS("cgroup.resource|blockio.leaf-weight-device.8:0|200");
	HAS("cgroup.resource|blockio.weight-device.8:16|10");
	HASNT("cgroup.resource|blockio.leaf-weight-device.8:16|10");
	HAS("cgroup.resource|blockio.throttle-read-bps.8:0|1048576");
	HAS("cgroup.resource|blockio.throttle-write-bps.8:0|2");
	HAS("cgroup.resource|blockio.throttle-read-iops.8:0|3");
	HAS("cgroup.resource|blockio.throttle-write-iops.8:0|4");
	HAS("cgroup.resource|rdma.mlx5_1|hca_handle=3 hca_object=10000");
	HAS("cgroup.resource|rdma.mlx4|hca_handle=max hca_object=5");
	HAS("cgroup.resource|cpu.burst|1000");
	HAS("cgroup.resource|cpu.realtime-runtime|950");
	HAS("cgroup.resource|cpu.idle|1");
	REJECT("",
	       NS() ",'resources':{'blockIO':{'weightDevice':[{'major':8,'minor':0,'weight':5}]}}",
	       "linux.resources.blockIO.weightDevice[0].weight: 5 out of range 10..1000");
	REJECT("",
	       NS() ",'resources':{'blockIO':{'throttleWriteIOPSDevice':[{'major':8,'minor':0}]}}",
	       "linux.resources.blockIO.throttleWriteIOPSDevice[0]: rate is required");
	REJECT("", NS() ",'resources':{'rdma':{'a/b':{'hcaHandles':1}}}",
	       "linux.resources.rdma.a/b: invalid device name");
}

TEST(cgroups_path_refuses_shared_parents)
{
	struct stage_error err;
	char out[256];

	CHECK(rule_cgroups_path("/baton", "c1", out, sizeof(out), &err) < 0);
	CHECK(strstr(err.msg, "linux.cgroupsPath") != NULL);
	CHECK(rule_cgroups_path("baton/", "c1", out, sizeof(out), &err) < 0);
	CHECK(rule_cgroups_path("/", "c1", out, sizeof(out), &err) < 0);
	CHECK(rule_cgroups_path("/baton/c1", "c1", out, sizeof(out), &err) == 0);
	CHECK(rule_cgroups_path("/batons", "c1", out, sizeof(out), &err) == 0);
	CHECK(rule_cgroups_path(NULL, "c1", out, sizeof(out), &err) == 0);
	CHECK_STR(out, "/baton/c1");
}

TEST(net_devices)
{
	ACCEPT("", NS(",{'type':'network'}") ",'netDevices':{'veth1':{'name':'eth7'},'dummy0':{}}");
	HAS("net-device|veth1|eth7");
	HAS("net-device|dummy0|dummy0");
	REJECT("", NS() ",'netDevices':{'veth1':{}}",
	       "linux.netDevices.veth1: requires a network namespace of the container's own (new, "
	       "or joined by a path that is not the runtime's)");
	REJECT("", NS(",{'type':'network'}") ",'netDevices':{'a':{'name':'..'}}",
	       "linux.netDevices.a.name: `..` is no interface name");
	REJECT("", NS(",{'type':'network'}") ",'netDevices':{'a':{'name':'x'},'b':{'name':'x'}}",
	       "linux.netDevices.b.name: `x` is also the name of linux.netDevices.a");
	REJECT("", NS(",{'type':'network'}") ",'netDevices':{'a':{},'b':{'name':'a'}}",
	       "linux.netDevices.b.name: `a` is also the name of linux.netDevices.a");
}

int main(void)
{
	return parse_config_unit_main();
}
