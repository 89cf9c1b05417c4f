/*
 * The pipeline as a Chrome trace-event file (open it in Perfetto or
 * chrome://tracing): one complete event ("ph":"X") per stage with its start,
 * duration and outcome, inside one event for the whole command.
 */
#ifndef BATON_TRACE_H
#define BATON_TRACE_H

#include "error.h"

/*
 * One stage as the orchestrator saw it; times in ms on CLOCK_MONOTONIC, 0 if
 * never started. Child stages run as one exec chain the orchestrator cannot
 * see into: each of them spans GO to READY (create) or to the exec (run).
 */
struct stage_timing {
	const char *name;
	const char *side;  /* host, self, child */
	const char *state; /* pending, running, done, skipped, in-container */
	double start_ms, end_ms;
};

/* Remember the command and when it started (the outer event). */
void trace_begin(const char *command);

/* Milliseconds on CLOCK_MONOTONIC, the clock of every stage_timing. */
double trace_now_ms(void);

/*
 * After the pipeline, successful or not (failed: its error, else NULL): each
 * stage's outcome (ok, failed, aborted, skipped, not-run) and duration as
 * --debug narration, and the trace file at path when one was asked for
 * (replaced, not appended; a failure to write it is a warning).
 */
void trace_report(const char *path, const struct stage_timing *stages, unsigned n,
		  const struct stage_error *failed);

#endif
