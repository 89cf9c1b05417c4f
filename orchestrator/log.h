/*
 * The orchestrator's log: errors, warnings and debug narration, to stderr or
 * to the --log destination (file, syslog, journald), as text or as the JSON
 * lines engines parse ({"msg", "level", "time"}, as crun writes them).
 * Errors always reach stderr too, so a person sees them whatever --log says.
 */
#ifndef BATON_LOG_H
#define BATON_LOG_H

#include <stdbool.h>

#include "error.h"

enum log_level { LOG_LEVEL_ERROR, LOG_LEVEL_WARNING, LOG_LEVEL_DEBUG };

/*
 * Check and apply the global options: target `file:PATH`, `syslog:ID`,
 * `journald:ID` or a plain PATH (NULL: stderr), format `text` or `json`
 * (NULL: text), level `error`, `warning` or `debug` (NULL: warning).
 * Until it succeeds, messages go to stderr as text.
 */
int log_setup(const char *target, const char *format, const char *level, struct stage_error *err);
/* Raise the level (--debug is --log-level=debug). */
void log_set_level(enum log_level level);
enum log_level log_get_level(void);

/* One message at a level; errnum adds ": strerror". */
void log_msg(enum log_level level, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#define log_error(errnum, ...) log_msg(LOG_LEVEL_ERROR, errnum, __VA_ARGS__)
#define log_warning(...)       log_msg(LOG_LEVEL_WARNING, 0, __VA_ARGS__)
#define log_debug(...)	       log_msg(LOG_LEVEL_DEBUG, 0, __VA_ARGS__)

/* A failed stage's error record: "STAGE: MESSAGE: STRERROR" at level error. */
void log_stage_error(const struct stage_error *err);

#endif
