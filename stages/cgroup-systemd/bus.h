/* Talking to systemd's manager over D-Bus (sd-bus): start and stop a scope. */
#ifndef CGROUP_SYSTEMD_BUS_H
#define CGROUP_SYSTEMD_BUS_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "plan.h"

struct sd_bus;

/*
 * Connect to the system's manager, or to the user's (user: rootless). Where
 * no D-Bus daemon runs, systemd's own private socket serves too.
 */
int bus_open(bool user, struct sd_bus **bus, struct stage_error *err);

/*
 * StartTransientUnit: the plan's cgroup.unit in cgroup.slice, delegated, with
 * pid in it and the cgroup.property records; wait until systemd's job for it
 * is done.
 */
int bus_start_scope(struct sd_bus *bus, const struct plan *plan, pid_t pid,
		    struct stage_error *err);

/* StopUnit and wait; a unit that is not there is fine. */
int bus_stop_unit(struct sd_bus *bus, const char *unit, struct stage_error *err);

#endif
