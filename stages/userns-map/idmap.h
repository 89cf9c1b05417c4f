/* userns-map's work: write /proc/PID/{uid,gid}_map from the plan's maps. */
#ifndef USERNS_MAP_IDMAP_H
#define USERNS_MAP_IDMAP_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "plan.h"
#include "strbuf.h"

/* The records of key (`uid-map`, `gid-map`) as map file text, one "C H S\n" line each. */
int idmap_text(const struct plan *plan, const char *key, struct strbuf *out,
	       struct stage_error *err);

/* True when key maps exactly one id, and it is id (the caller's own). */
bool idmap_is_only(const struct plan *plan, const char *key, unsigned id);

/* Write both maps of process pid, the way the caller's privileges allow. */
int map_ids(const struct plan *plan, pid_t pid, struct stage_error *err);

#endif
