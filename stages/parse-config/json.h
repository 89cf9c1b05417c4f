/*
 * Typed access to struct jnode values that fails with the JSON path of the value,
 * so that every error names the field the user has to fix.
 */
#ifndef PARSE_CONFIG_JSON_H
#define PARSE_CONFIG_JSON_H

#include "jnode.h"
#include <stdbool.h>
#include <stdint.h>

#include "error.h"

#define JPATH_MAX 256

/* "parent.key", or "key" at the top level. */
const char *jpath_key(char *buf, const char *parent, const char *key);
/* "parent[i]". */
const char *jpath_idx(char *buf, const char *parent, int i);

/* Member key of obj, or NULL; obj may be NULL. */
const struct jnode *jget(const struct jnode *obj, const char *key);

/*
 * Parse len bytes of text, the JSON of `what` (config.json, --process...),
 * into *out. Errors say where the text stopped being JSON, or name the
 * repeated member by its path below root ("process" for a process object).
 */
int json_read(const char *what, const char *root, const char *text, size_t len, struct jnode **out,
	      struct stage_error *err);

/* Checks on one value v found at path; the *_opt forms accept NULL (absent). */
int jv_string(const struct jnode *v, const char *path, const char **out, struct stage_error *err);
int jv_bool(const struct jnode *v, const char *path, bool *out, struct stage_error *err);
int jv_object(const struct jnode *v, const char *path, struct stage_error *err);
int jv_array(const struct jnode *v, const char *path, struct stage_error *err);
int jv_i64(const struct jnode *v, const char *path, int64_t min, int64_t max, int64_t *out,
	   struct stage_error *err);
int jv_u64(const struct jnode *v, const char *path, uint64_t max, uint64_t *out,
	   struct stage_error *err);

/*
 * Member key of obj at path: absent leaves *out alone and returns 0;
 * present with the wrong type or range fails. *present is optional.
 */
int jm_string(const struct jnode *obj, const char *path, const char *key, const char **out,
	      struct stage_error *err);
int jm_bool(const struct jnode *obj, const char *path, const char *key, bool *out,
	    struct stage_error *err);
int jm_i64(const struct jnode *obj, const char *path, const char *key, int64_t min, int64_t max,
	   int64_t *out, bool *present, struct stage_error *err);
int jm_u64(const struct jnode *obj, const char *path, const char *key, uint64_t max, uint64_t *out,
	   bool *present, struct stage_error *err);
/* Member that must be an array / object when present; *out NULL when absent. */
int jm_array(const struct jnode *obj, const char *path, const char *key, const struct jnode **out,
	     struct stage_error *err);
int jm_object(const struct jnode *obj, const char *path, const char *key, const struct jnode **out,
	      struct stage_error *err);

#endif
