/*
 * net-devices: after the clone, move the plan's `net-device` interfaces from
 * the runtime's network namespace into the container's, renamed there.
 *
 * Their global addresses are added again in the container (the move drops
 * them). At delete, --restore moves them back out of a namespace joined by
 * path, which outlives the container (runc does too). A new namespace needs
 * nothing: when it goes, the kernel returns physical devices to the initial
 * namespace (under their container name, or devN if that is taken) and
 * destroys virtual ones (a veth takes its peer with it).
 */
#include <errno.h>
#include <net/if.h>
#include <stdbool.h>
#include <sched.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "fdenv.h"
#include "net-devices.h"
#include "plan.h"
#include "nsfile.h"
#include "stage.h"
#include "strbuf.h"
#include "target.h"

static const char usage[] =
    "Usage: net-devices --plan FILE --pid PID\n"
    "       net-devices --plan FILE --restore\n"
    "Move the plan's `net-device` interfaces (linux.netDevices) from our network\n"
    "namespace into that of process PID, each under its new name, with its global\n"
    "addresses. --restore: move them back, under their host names, from the\n"
    "network namespace the plan joins by path (at delete; a new one dies with\n"
    "the container).\n"
    "Run by baton with BATON_FD_PLAN, BATON_FD_SYNC and BATON_PID instead\n"
    "(BATON_FD_PLAN and --restore at delete).\n";

struct args {
	struct stage_target t;
	bool restore; /* --restore: back out of a namespace joined by path */
};

static int parse_args(int argc, char **argv, struct args *a, struct stage_error *err)
{
	char *rest[argc + 1];
	int n = 0;

	*a = (struct args){.t = {.plan_fd = -1, .sync = -1}};
	/* at delete, the orchestrator gives the saved plan alone */
	if (argc == 2 && strcmp(argv[1], "--restore") == 0 && getenv("BATON_FD_PLAN")) {
		a->restore = true;
		a->t.plan_fd = stage_fd("BATON_FD_PLAN", FD_KIND_FILE, err);
		return a->t.plan_fd < 0 ? -1 : 0;
	}
	/* run alone: --restore anywhere, the rest is the common --plan/--pid */
	for (int i = 0; i < argc; i++) {
		if (i > 0 && strcmp(argv[i], "--restore") == 0)
			a->restore = true;
		else
			rest[n++] = argv[i];
	}
	rest[n] = NULL;
	return stage_target_args(n, rest,
				 "net-devices --plan FILE --pid PID | --plan FILE --restore",
				 !a->restore, &a->t, err);
}

/* The container's network namespace; refused when it is ours (joined by a
 * path to the runtime's own): the devices would not move at all. */
static int open_container_netns(pid_t pid, struct stage_error *err)
{
	bool ours;
	int fd = ns_open_of(pid, "net", "linux.netDevices", &ours, err);

	if (fd >= 0 && ours) {
		close(fd);
		return stage_fail(err, EINVAL,
				  "linux.netDevices: the container's network namespace is the "
				  "runtime's");
	}
	return fd;
}

/* One interface of the plan, and the addresses it had on our side. */
struct net_device {
	const char *host_name, *new_name;
	struct strbuf addresses;
};

static int move_one(int netns, struct net_device *d, struct stage_error *err)
{
	unsigned index;

	if (link_index(d->host_name, &index, err) < 0 ||
	    save_addresses(index, d->host_name, &d->addresses, err) < 0)
		return -1;
	return move_link(netns, index, d->host_name, d->new_name, err);
}

static int move_all(const struct args *a, const struct plan *plan, struct stage_error *err)
{
	size_t n = plan_count(plan, "net-device"), i = 0;
	autofree struct net_device *devices = calloc(n ? n : 1, sizeof(*devices));
	autoclose int netns = open_container_netns(a->t.pid, err);
	int ret = 0;

	if (netns < 0)
		return -1;
	if (!devices)
		return stage_fail(err, ENOMEM, "linux.netDevices");
	plan_for_each(plan, "net-device", e)
	{
		devices[i] = (struct net_device){.host_name = plan_field(e, 0),
						 .new_name = plan_field(e, 1)};
		if (ret == 0)
			ret = move_one(netns, &devices[i], err);
		i++;
	}
	/* the addresses go back from inside: this process ends here anyway */
	if (ret == 0 && setns(netns, CLONE_NEWNET) < 0)
		ret = stage_fail(err, errno,
				 "linux.netDevices: enter the container's network "
				 "namespace");
	for (i = 0; i < n; i++) {
		if (ret == 0)
			ret = restore_addresses(&devices[i].addresses, devices[i].host_name,
						devices[i].new_name, err);
		strbuf_release(&devices[i].addresses);
	}
	return ret;
}

/* The path the plan joins the network namespace by, or NULL for a new one. */
static const char *joined_netns(const struct plan *plan)
{
	plan_for_each(plan, "namespace", e) if (strcmp(plan_field(e, 0), "network") == 0 &&
						*plan_field(e, 1)) return plan_field(e, 1);
	return NULL;
}

/* One interface back from the container's namespace (we are in it) to ours. */
static int move_back(int ours, struct net_device *d, struct stage_error *err)
{
	unsigned index = if_nametoindex(d->new_name);

	/* gone: the container deleted it, or moved it on */
	if (!index) {
		stage_debug("no %s in the container's network namespace: nothing to move back",
			    d->new_name);
		return 0;
	}
	if (save_addresses(index, d->host_name, &d->addresses, err) < 0)
		return -1;
	return move_link(ours, index, d->host_name, d->host_name, err);
}

static int restore_all(const struct plan *plan, struct stage_error *err)
{
	const char *path = joined_netns(plan);
	size_t n = plan_count(plan, "net-device"), i = 0;
	autofree struct net_device *devices = calloc(n ? n : 1, sizeof(*devices));
	autoclose int ours = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	autoclose int theirs = -1;
	int ret = 0;

	if (!path || !n)
		return 0;
	if (!devices || ours < 0)
		return stage_fail(err, devices ? errno : ENOMEM, "linux.netDevices: move back");
	theirs = open(path, O_RDONLY | O_CLOEXEC);
	if (theirs < 0 || setns(theirs, CLONE_NEWNET) < 0)
		return stage_fail(err, errno,
				  "linux.netDevices: enter `%s` to move the devices back", path);
	plan_for_each(plan, "net-device", e)
	{
		devices[i] = (struct net_device){.host_name = plan_field(e, 0),
						 .new_name = plan_field(e, 1)};
		if (ret == 0)
			ret = move_back(ours, &devices[i], err);
		i++;
	}
	if (ret == 0 && setns(ours, CLONE_NEWNET) < 0)
		ret = stage_fail(err, errno, "linux.netDevices: return to our network namespace");
	for (i = 0; i < n; i++) {
		if (ret == 0)
			ret = restore_addresses(&devices[i].addresses, devices[i].host_name,
						devices[i].host_name, err);
		strbuf_release(&devices[i].addresses);
	}
	return ret;
}

int main(int argc, char **argv)
{
	struct args a;
	autoplan struct plan plan = {0};
	struct stage_error err = {0};

	stage_init("net-devices", argc, argv, usage);
	if (parse_args(argc, argv, &a, &err) < 0 || stage_target_plan(&a.t, &plan, &err) < 0 ||
	    (a.restore ? restore_all(&plan, &err) : move_all(&a, &plan, &err)) < 0)
		stage_exit_error(&err);
	return 0;
}
