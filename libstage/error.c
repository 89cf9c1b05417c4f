#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *stage_self = "baton";

int stage_fail(struct stage_error *err, int errnum, const char *fmt, ...)
{
	va_list ap;

	/* the whole record crosses a socket: no stale stack bytes in it */
	memset(err, 0, sizeof(*err));
	snprintf(err->stage, sizeof(err->stage), "%s", stage_self);
	err->errnum = errnum;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int stage_wrap(struct stage_error *err, const char *fmt, ...)
{
	char prefix[STAGE_MSG_MAX];
	char old[STAGE_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	/* truncation is fine: the start of the message says the most */
	size_t n = strnlen(prefix, sizeof(err->msg) - 3);
	memcpy(err->msg, prefix, n);
	memcpy(err->msg + n, ": ", 2);
	size_t room = sizeof(err->msg) - n - 3;
	size_t len = strnlen(old, room);
	memcpy(err->msg + n + 2, old, len);
	err->msg[n + 2 + len] = '\0';
	return -1;
}

void stage_error_text(const struct stage_error *err, char *buf, size_t size)
{
	if (err->errnum)
		snprintf(buf, size, "%s: %s", err->msg, strerror(err->errnum));
	else
		snprintf(buf, size, "%s", err->msg);
}
