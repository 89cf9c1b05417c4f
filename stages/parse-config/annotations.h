/* crun's run.oci.* annotations: validated, and turned into plan records. */
#ifndef PARSE_CONFIG_ANNOTATIONS_H
#define PARSE_CONFIG_ANNOTATIONS_H

#include "internal.h"

/*
 * Check every run.oci.* key of the `annotations` object that baton knows (a
 * malformed value fails naming the key, a known key baton does not implement
 * fails as not supported) and emit the records of those it implements.
 * Unknown run.oci.* keys are ignored, as crun does.
 */
int parse_run_oci_annotations(struct pc *pc, const struct jnode *config,
			      const struct jnode *annotations);

#endif
