#ifndef BATON_SEALED_EXE_H
#define BATON_SEALED_EXE_H

#include "error.h"

/* A sealed, executable memfd copy of the stage binary at path. */
int open_sealed_exe(const char *path, const char *name, struct stage_error *err);

#endif
