/*
 * Capability names and numbers, one table for every stage and command
 * (parse-config checks names, final-exec names numbers in its messages,
 * `features` lists them).
 */
#ifndef BATON_CAPABILITIES_H
#define BATON_CAPABILITIES_H

/* CAP_CHOWN (0) .. CAP_CHECKPOINT_RESTORE (40), NULL-terminated. */
extern const char *const cap_names[];

/* "CAP_SYS_ADMIN" for 21; NULL for numbers newer than the table. */
const char *cap_name(unsigned cap);
/* 21 for "CAP_SYS_ADMIN"; -1 for a name we do not know. */
int cap_number(const char *name);

#endif
