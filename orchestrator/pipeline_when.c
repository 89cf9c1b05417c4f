/*
 * The `when` column of schemas/pipeline.tsv: does a declared stage run for
 * this plan? Shared by the interpreter (pipeline.c) and `baton plan`, so
 * that what plan shows is what create decides.
 */
#include <string.h>

#include "baton.h"
#include "cgroup.h"
#include "hooks.h"
#include "log.h"
#include "pipeline.h"

static bool has_new_userns(const struct plan *plan)
{
	plan_for_each(plan, "namespace", e) if (strcmp(plan_field(e, 0), "user") == 0 &&
						*plan_field(e, 1) == '\0') return true;
	return false;
}

/* A `mount` record marked idmap, ridmap or host-open: idmap-mounts makes it on our side. */
static bool has_idmapped_mounts(const struct plan *plan)
{
	plan_for_each(plan, "mount", e) if (strstr(plan_field(e, 7), "idmap") ||
					    strstr(plan_field(e, 7), "host-open")) return true;
	return false;
}

/*
 * Does the container get a cgroup of its own? Not with --cgroup-manager=disabled.
 * Rootless (root of a rootless engine's user namespace too): when the user
 * owns a delegated subtree for it, else only with limits, so that
 * cgroup-setup says why they cannot be applied; without limits the container
 * runs in the caller's cgroup, with a warning (--log-level=error hides it).
 */
bool pipeline_manages_cgroups(const struct global_opts *g, const struct plan *plan)
{
	static int delegated = -1;

	if (g->no_cgroups)
		return false;
	/* systemd delegates the scope it makes, to root and to a user alike */
	if (g->systemd || host_root() || plan_get(plan, "cgroup.resource"))
		return true;
	if (delegated < 0) {
		struct stage_error why = {0};

		delegated = cgroup_delegated(plan_str(plan, "cgroup.path", ""), &why);
		if (!delegated)
			log_warning("the container stays in the caller's cgroups: %s", why.msg);
	}
	return delegated;
}

bool pipeline_condition_holds(const struct global_opts *g, const struct plan *plan,
			      const struct stage_decl *d)
{
	switch (d->when) {
	case WHEN_SECCOMP:
		return plan_get(plan, "seccomp.default") != NULL;
	case WHEN_USERNS:
		return has_new_userns(plan);
	case WHEN_CGROUP:
		return pipeline_manages_cgroups(g, plan);
	case WHEN_CGROUPFS:
		return !g->systemd && pipeline_manages_cgroups(g, plan);
	case WHEN_SYSTEMD:
		return g->systemd && pipeline_manages_cgroups(g, plan);
	case WHEN_IDMAP:
		return has_idmapped_mounts(plan);
	case WHEN_NETDEVICES:
		return plan_get(plan, "net-device") != NULL;
	case WHEN_HOOKS: {
		const char *phase = strchr(d->name, '@');
		return phase && hooks_present(plan, phase + 1);
	}
	default:
		return true;
	}
}

const char *pipeline_condition_name(const struct stage_decl *d)
{
	/* the `when` column's words, indexed by enum stage_when */
	static const char *const names[] = {
	    [WHEN_ALWAYS] = "always",	      [WHEN_SECCOMP] = "seccomp",
	    [WHEN_USERNS] = "userns",	      [WHEN_CGROUP] = "cgroup",
	    [WHEN_CGROUPFS] = "cgroupfs",     [WHEN_SYSTEMD] = "systemd",
	    [WHEN_HOOKS] = "hooks",	      [WHEN_IDMAP] = "idmap",
	    [WHEN_NETDEVICES] = "netdevices",
	};

	return names[d->when];
}

/* Why the container has no cgroup of its own (pipeline_manages_cgroups said no). */
static const char *no_cgroup_why(const struct global_opts *g)
{
	return g->no_cgroups ? "--cgroup-manager=disabled"
			     : "rootless, and no cgroup is delegated to the user";
}

const char *pipeline_condition_text(const struct global_opts *g, const struct stage_decl *d,
				    bool holds)
{
	/* indexed by enum stage_when: [0] when it holds, [1] when it does not */
	static const char *const text[][2] = {
	    [WHEN_ALWAYS] = {"always", "always"},
	    [WHEN_SECCOMP] = {"linux.seccomp is given", "no linux.seccomp"},
	    [WHEN_USERNS] = {"a new user namespace", "no new user namespace"},
	    [WHEN_CGROUP] = {"cgroups are managed", NULL},
	    [WHEN_CGROUPFS] = {"the cgroupfs driver manages the cgroup", NULL},
	    [WHEN_SYSTEMD] = {"the systemd driver manages the cgroup", NULL},
	    [WHEN_HOOKS] = {"hooks of this phase", "no hooks of this phase"},
	    [WHEN_IDMAP] = {"idmapped mounts, or binds opened on the host",
			    "no idmapped mounts, no binds opened on the host"},
	    [WHEN_NETDEVICES] = {"linux.netDevices is given", "no linux.netDevices"},
	};

	if (holds || text[d->when][1])
		return text[d->when][holds ? 0 : 1];
	/* the cgroup conditions: which of their two parts failed */
	if (d->when == WHEN_CGROUPFS && g->systemd)
		return "the systemd driver manages the cgroup (--cgroup-manager=systemd)";
	if (d->when == WHEN_SYSTEMD && !g->systemd)
		return "not --cgroup-manager=systemd";
	return no_cgroup_why(g);
}
