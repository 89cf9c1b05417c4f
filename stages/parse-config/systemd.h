/* The systemd cgroup driver's part of the plan (systemd.c). */
#ifndef PARSE_CONFIG_SYSTEMD_H
#define PARSE_CONFIG_SYSTEMD_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "internal.h"

/*
 * cgroup.manager, .unit, .slice, .bus, .scope, .path and the cgroup.property
 * records for the systemd driver (schemas/plan.md).
 */
int parse_cgroup_systemd(struct pc *pc, const struct jnode *config);

/* --- pure logic, exposed for the unit tests ---------------------------------- */

/* A slice's cgroup: "a-b.slice" is "/a.slice/a-b.slice"; the root slice "-" is "". */
int systemd_slice_path(const char *slice, char *out, size_t size, struct stage_error *err);

/*
 * cgroupsPath "slice:prefix:name" as the scope "prefix-name.scope" in slice;
 * empty: "baton-ID.scope" in system.slice (user.slice when rootless).
 */
int systemd_unit_names(const char *value, const char *id, bool rootless, char *unit,
		       size_t unit_size, char *slice, size_t slice_size, struct stage_error *err);

/*
 * The annotation org.systemd.property.KEY=value as a `cgroup.property NAME
 * SIG VALUE...` record: value in the GVariant text subset true, false,
 * 'string', ['string', ...], [u]int32/[u]int64 N, or a bare N (int32);
 * NameSec becomes NameUSec in microseconds.
 */
int systemd_property(struct pc *pc, const char *path, const char *key, const char *value);

#endif
