/*
 * process.apparmorProfile and process.selinuxLabel: final-exec writes them
 * to its own /proc/thread-self/attr/.../exec, so the kernel switches the
 * process to them at the user's execve, and not a moment before.
 */
#ifndef BATON_FINAL_EXEC_LSM_H
#define BATON_FINAL_EXEC_LSM_H

#include "error.h"
#include "final-exec.h"

/* Apply the plan's `process.apparmor` and `process.selinux`, if any. */
int apply_lsm_labels(struct final_exec *fx, struct stage_error *err);

/* The text AppArmor expects in attr/apparmor/exec for a profile. */
int apparmor_exec_request(const char *profile, char *buf, size_t size, struct stage_error *err);

#endif
