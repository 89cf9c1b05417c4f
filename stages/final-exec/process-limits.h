/* Per-process knobs set while final-exec still has its privileges. */
#ifndef BATON_FINAL_EXEC_PROCESS_LIMITS_H
#define BATON_FINAL_EXEC_PROCESS_LIMITS_H

#include <stddef.h>

#include "error.h"
#include "spec.h"

int apply_oom_score_adj(int value, struct stage_error *err);
int apply_personality(unsigned long persona, struct stage_error *err);
int apply_rlimits(const struct rlimit_spec *rlimits, size_t n, struct stage_error *err);

#endif
