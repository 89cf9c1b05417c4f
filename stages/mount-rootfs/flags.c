/* Mount flags and option words: pure functions, unit tested. */
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statvfs.h>

#include "mount-rootfs.h"

bool option_has(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; p && *p;) {
		size_t len = strcspn(p, ",");

		if (len == n && strncmp(p, word, n) == 0)
			return true;
		p += len;
		p += *p == ',';
	}
	return false;
}

bool option_has_key(const char *list, const char *key)
{
	size_t n = strlen(key);

	for (const char *p = list; p && *p;) {
		size_t len = strcspn(p, ",");

		if (len > n && strncmp(p, key, n) == 0 && p[n] == '=')
			return true;
		p += len;
		p += *p == ',';
	}
	return false;
}

unsigned long locked_flags(unsigned long st_flags)
{
	static const struct {
		unsigned long st, ms;
	} map[] = {
	    {ST_RDONLY, MS_RDONLY},	{ST_NOSUID, MS_NOSUID},	  {ST_NODEV, MS_NODEV},
	    {ST_NOEXEC, MS_NOEXEC},	{ST_NOATIME, MS_NOATIME}, {ST_NODIRATIME, MS_NODIRATIME},
	    {ST_RELATIME, MS_RELATIME},
	};
	unsigned long ms = 0;

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (st_flags & map[i].st)
			ms |= map[i].ms;
	return ms;
}

const char *flags_text(unsigned long flags, char *buf, size_t size)
{
	static const struct {
		unsigned long ms;
		const char *name;
	} names[] = {
	    {MS_RDONLY, "ro"},
	    {MS_NOSUID, "nosuid"},
	    {MS_NODEV, "nodev"},
	    {MS_NOEXEC, "noexec"},
	    {MS_SYNCHRONOUS, "sync"},
	    {MS_REMOUNT, "remount"},
	    {MS_MANDLOCK, "mand"},
	    {MS_DIRSYNC, "dirsync"},
	    {MS_NOATIME, "noatime"},
	    {MS_NODIRATIME, "nodiratime"},
	    {MS_BIND, "bind"},
	    {MS_MOVE, "move"},
	    {MS_REC, "rec"},
	    {MS_SILENT, "silent"},
	    {MS_UNBINDABLE, "unbindable"},
	    {MS_PRIVATE, "private"},
	    {MS_SLAVE, "slave"},
	    {MS_SHARED, "shared"},
	    {MS_RELATIME, "relatime"},
	    {MS_STRICTATIME, "strictatime"},
	    {MS_LAZYTIME, "lazytime"},
	};
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]) && len < size; i++) {
		if (!(flags & names[i].ms))
			continue;
		int n = snprintf(buf + len, size - len, "%s%s", len ? "," : "", names[i].name);
		if (n < 0)
			break;
		len += (size_t)n;
	}
	if (!buf[0])
		snprintf(buf, size, "defaults");
	return buf;
}
