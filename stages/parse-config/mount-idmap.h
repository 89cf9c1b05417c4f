/* Idmapped mounts: a mount's uidMappings/gidMappings and its idmap/ridmap options. */
#ifndef PARSE_CONFIG_MOUNT_IDMAP_H
#define PARSE_CONFIG_MOUNT_IDMAP_H

#include <stdbool.h>

#include "internal.h"

/* What the options of one mount said about idmapping. */
struct idmap_opts {
	bool idmap, ridmap;   /* the option words, with or without `=MAPPINGS` */
	const char *value;    /* crun's `idmap=uids=...;gids=...` text, or NULL */
	char path[JPATH_MAX]; /* the options[] entry that named it, for errors */
};

/* An options[] entry about idmapping (`idmap`, `ridmap`, `idmap=...`): noted in
 * o, returns 1; 0 for any other option; -1 when malformed. */
int idmap_option(const char *name, const char *path, struct idmap_opts *o, struct stage_error *err);

/*
 * Validate mount `path` (config index `index`, a bind mount or not) as an
 * idmapped mount and emit its `mount.uid-map`/`mount.gid-map` records. *word
 * becomes the EXTRA word for mount-rootfs (`idmap`, `ridmap`), NULL when the
 * mount is not idmapped.
 */
int parse_mount_idmap(struct pc *pc, const struct jnode *m, const char *path, int index, bool bind,
		      const struct idmap_opts *o, const char **word);

#endif
