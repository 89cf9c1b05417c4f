/*
 * The help texts of the commands, one entry each. The shape is crun's
 * (argp): `Usage: baton [OPTION...] COMMAND ARGS`, a line saying what it
 * does, the command's options, then -?/--help and --usage.
 */
#include <stdlib.h>
#include <string.h>

#include "help.h"

#define CREATE_OPTIONS                                                                             \
	"  -b, --bundle=DIR          container bundle (default: the current directory)\n"          \
	"      --config=FILE         use FILE instead of BUNDLE/config.json\n"                     \
	"      --console-socket=PATH send the terminal's master to this unix socket\n"             \
	"      --pid-file=FILE       write the container process's pid to FILE\n"                  \
	"      --preserve-fds=N      pass N fds after stdio (3..N+2) to the container\n"           \
	"      --no-pivot            use chroot instead of pivot_root\n"                           \
	"      --no-new-keyring      keep the caller's session keyring\n"

static const struct command_help helps[] = {
    {"create", "CONTAINER", "create a container", CREATE_OPTIONS, false},
    {"start", "CONTAINER", "start a created container", "", false},
    {"run", "CONTAINER", "create and start a container",
     CREATE_OPTIONS "  -d, --detach              do not wait for the container to exit\n"
		    "      --keep                keep the container's state after it exits\n",
     false},
    {"state", "CONTAINER", "print the state of a container", "", false},
    {"kill", "CONTAINER [SIGNAL]", "send a signal (default SIGTERM) to the container process",
     "  -a, --all                 signal every process of the container's cgroup (one that\n"
     "                            baton made; else only the container process)\n",
     false},
    {"delete", "CONTAINER", "remove a container",
     "  -f, --force               kill the container first if it is running; remove one\n"
     "                            whose state is broken\n"
     "  -r, --regex               CONTAINER is a regular expression: delete every match\n",
     false},
    {"list", "", "list known containers",
     "  -q, --quiet               only the container ids\n"
     "  -f, --format=FORMAT       table (default) or json\n",
     false},
    {"spec", "", "write a default config.json",
     "  -b, --bundle=DIR          write DIR/config.json (default: the current directory)\n"
     "      --rootless            a config for a user namespace of the caller's ids\n",
     false},
    {"exec", "CONTAINER [COMMAND [ARG...]]", "run a process in a running container",
     "      --process=FILE        the process, as an OCI process JSON object\n"
     "  -t, --tty                 allocate a terminal\n"
     "      --console-socket=PATH send the terminal's master to this unix socket\n"
     "      --cwd=DIR             working directory\n"
     "  -e, --env=NAME=VALUE      set an environment variable\n"
     "  -u, --user=UID[:GID]      run as this user\n"
     "      --cap=CAP             add a capability\n"
     "      --no-new-privs        set no_new_privs\n"
     "  -d, --detach              do not wait for the process\n"
     "      --pid-file=FILE       write the process's pid to FILE\n"
     "      --preserve-fds=N      pass N fds after stdio to the process\n"
     "      --cgroup=SUB          join this sub-cgroup of the container\n"
     "      --process-label=L     SELinux label of the process\n"
     "      --apparmor=P          AppArmor profile of the process\n",
     false},
    {"ps", "CONTAINER", "list the processes of a container",
     "  -f, --format=FORMAT       table (default) or json\n", false},
    {"pause", "CONTAINER", "freeze every process of a container", "", false},
    {"resume", "CONTAINER", "thaw a paused container", "", false},
    {"update", "CONTAINER", "change the resource limits of a container",
     "  -r, --resources=FILE      a linux.resources JSON object (`-`: stdin)\n"
     "      --blkio-weight=N      blockIO.weight\n"
     "      --cpu-period=N        cpu.period\n"
     "      --cpu-quota=N         cpu.quota\n"
     "      --cpu-share=N         cpu.shares\n"
     "      --cpu-rt-period=N     cpu.realtimePeriod\n"
     "      --cpu-rt-runtime=N    cpu.realtimeRuntime\n"
     "      --cpuset-cpus=LIST    cpu.cpus\n"
     "      --cpuset-mems=LIST    cpu.mems\n"
     "      --kernel-memory=N     memory.kernel\n"
     "      --kernel-memory-tcp=N memory.kernelTCP\n"
     "      --memory=N            memory.limit\n"
     "      --memory-reservation=N\n"
     "                            memory.reservation\n"
     "      --memory-swap=N       memory.swap\n"
     "      --pids-limit=N        pids.limit\n",
     false},
    {"features", "", "print what this runtime supports, as JSON", "", false},
    {"checkpoint", "CONTAINER", "checkpoint a container (not supported yet)", "", true},
    {"restore", "CONTAINER", "restore a container (not supported yet)", "", true},
    {"mounts", "add|remove CONTAINER FILE",
     "add or remove mounts of a running container (not supported yet)", "", false},
    {"plan", "[CONTAINER]", "print what create would do, stage by stage, without doing it",
     "  -b, --bundle=DIR          container bundle (default: the current directory)\n"
     "      --config=FILE         use FILE instead of BUNDLE/config.json\n"
     "  -f, --format=FORMAT       text (default) or json (schemas/plan-view.md)\n",
     false},
    {"trace-view", "TRACE.json", "write a --trace file as a self-contained HTML timeline", "",
     false},
    {"stage", "NAME [ARGS...]", "run one pipeline stage on its own (NAME --help: its own help)", "",
     false},
};

const struct command_help *command_helps(size_t *n)
{
	*n = sizeof(helps) / sizeof(helps[0]);
	return helps;
}

const struct command_help *command_help(const char *name)
{
	for (size_t i = 0; i < sizeof(helps) / sizeof(helps[0]); i++)
		if (strcmp(helps[i].name, name) == 0)
			return &helps[i];
	return NULL;
}

void print_command_usage(FILE *out, const struct command_help *h)
{
	fprintf(out, "Usage: baton [OPTION...] %s%s%s\n", h->name, *h->args ? " " : "", h->args);
}

void command_help_exit(const char *name)
{
	const struct command_help *h = command_help(name);

	if (h) {
		print_command_usage(stdout, h);
		printf("%s\n\n%s", h->summary, h->options);
		printf("  -?, -h, --help            give this help\n"
		       "      --usage               give a short usage message\n");
	}
	exit(fflush(stdout) == 0 && h && !h->unsupported ? 0 : 1);
}

bool help_requested(int argc, char **argv, bool *short_form)
{
	/* up to the first operand or `--`: after it, arguments are the command's */
	for (int i = 1; i < argc && argv[i][0] == '-' && strcmp(argv[i], "--") != 0; i++) {
		*short_form = strcmp(argv[i], "--usage") == 0;
		if (*short_form || strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "-?") == 0)
			return true;
	}
	return false;
}
