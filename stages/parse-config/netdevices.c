/*
 * linux.netDevices: host interfaces moved into the container's network
 * namespace, optionally renamed. The rules are runc's and crun's: a network
 * namespace of the container's own, interface names the kernel takes, no two
 * devices ending up with one name.
 */
#include <string.h>

#include "internal.h"
#include "rules.h"

/* dev_valid_name(): at most IFNAMSIZ-1 bytes, no `/`, no white space, not `.`/`..` */
int rule_ifname(const char *path, const char *name, struct stage_error *err)
{
	if (!*name)
		return stage_fail(err, 0, "%s: an empty interface name", path);
	if (strlen(name) > 15)
		return stage_fail(err, 0, "%s: interface name `%s` is longer than 15 bytes", path,
				  name);
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return stage_fail(err, 0, "%s: `%s` is no interface name", path, name);
	if (strpbrk(name, "/: \t\n\v\f\r"))
		return stage_fail(err, 0, "%s: interface name `%s` has a `/`, `:` or white space",
				  path, name);
	return 0;
}

/* The name a device has in the container: its `name`, else the host's. */
static const char *new_name(const struct jnode *dev)
{
	const struct jnode *name = jnode_member(dev, "name");

	return jnode_is(name, JNODE_STRING) && *name->str ? name->str : dev->key;
}

static int rule_unique_new_name(const char *path, const struct jnode *devices,
				const struct jnode *dev, struct stage_error *err)
{
	const struct jnode *other;

	jnode_foreach(other, devices)
	{
		if (other == dev)
			return 0;
		if (strcmp(new_name(other), new_name(dev)) == 0)
			return stage_fail(err, 0,
					  "%s: `%s` is also the name of linux.netDevices.%s", path,
					  new_name(dev), other->key);
	}
	return 0;
}

int parse_net_devices(struct pc *pc, const struct jnode *linux_obj)
{
	const struct jnode *devices, *dev;
	char p[JPATH_MAX], q[JPATH_MAX];

	if (jm_object(linux_obj, "linux", "netDevices", &devices, pc->err) < 0)
		return -1;
	jnode_foreach(dev, devices)
	{
		const char *name = NULL;

		jpath_key(p, "linux.netDevices", dev->key);
		/* the host's own namespace would be the one it is taken from */
		if (!(pc->ns_own & NS_NETWORK))
			return stage_fail(
			    pc->err, 0,
			    "%s: requires a network namespace of the container's "
			    "own (new, or joined by a path that is not the runtime's)",
			    p);
		if (rule_ifname(p, dev->key, pc->err) < 0 || jv_object(dev, p, pc->err) < 0 ||
		    jm_string(dev, p, "name", &name, pc->err) < 0)
			return -1;
		if (name && *name && rule_ifname(jpath_key(q, p, "name"), name, pc->err) < 0)
			return -1;
		if (rule_unique_new_name(name && *name ? q : p, devices, dev, pc->err) < 0)
			return -1;
		plan_emit(pc->out, "net-device", dev->key, new_name(dev), NULL);
	}
	return 0;
}
