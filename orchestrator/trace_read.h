/*
 * Reading back a trace file that `baton --trace` wrote (trace.c), for
 * `baton trace-view`. The orchestrator has no JSON parser, and this is not
 * one: it reads exactly trace.c's shape (the header line, then one event
 * object per line with string, number and flat-object members, then `]}`)
 * and refuses anything else, naming the line. A trace that another tool
 * re-formatted (pretty-printed, merged) is not read.
 */
#ifndef BATON_TRACE_READ_H
#define BATON_TRACE_READ_H

#include <stddef.h>

#include "error.h"

/* One complete event ("ph":"X"): a stage, or the whole command (cat "command"). */
struct trace_event {
	char *name;
	char *cat;     /* host, self, child, command */
	char *outcome; /* args.outcome: ok, failed, aborted, skipped, not-run */
	double ts_us, dur_us;
	unsigned tid;
};

struct trace_file {
	struct trace_event *events;
	size_t nevents;
};

int trace_read(const char *path, struct trace_file *t, struct stage_error *err);
void trace_file_release(struct trace_file *t);

#endif
