/* Kernel parameters of the container's namespaces, and its names (UTS). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mount-rootfs.h"
#include "procfs.h"
#include "stage.h"

int sysctl_path(const char *key, char *buf, size_t size)
{
	int n = snprintf(buf, size, "/proc/sys/%s", key);

	if (n < 0 || (size_t)n >= size || !*key)
		return -1;
	for (char *p = buf + strlen("/proc/sys/"); *p; p++)
		if (*p == '.')
			*p = '/';
	return 0;
}

/* Through a verified procfs: /proc may be whatever the config mounted there. */
static int write_sysctl(const char *key, const char *value, struct stage_error *err)
{
	char path[PATH_MAX];

	if (sysctl_path(key, path, sizeof(path)) < 0)
		return stage_fail(err, EINVAL, "linux.sysctl.%s: bad key", key);
	stage_debug("sysctl %s = %s", key, value);
	if (proc_write(path, value, err) < 0)
		return stage_wrap(err, "linux.sysctl.%s", key);
	return 0;
}

int apply_sysctls(const struct plan *plan, struct stage_error *err)
{
	plan_for_each(plan, "sysctl", e)
	{
		if (write_sysctl(plan_field(e, 0), plan_field(e, 1), err) < 0)
			return -1;
	}
	return 0;
}

int set_names(const struct plan *plan, struct stage_error *err)
{
	const char *hostname = plan_str(plan, "hostname", NULL);
	const char *domainname = plan_str(plan, "domainname", NULL);

	if (hostname) {
		stage_debug("hostname %s", hostname);
		if (sethostname(hostname, strlen(hostname)) < 0)
			return stage_fail(err, errno, "set hostname `%s`", hostname);
	}
	if (domainname) {
		stage_debug("domainname %s", domainname);
		if (setdomainname(domainname, strlen(domainname)) < 0)
			return stage_fail(err, errno, "set domainname `%s`", domainname);
	}
	return 0;
}
