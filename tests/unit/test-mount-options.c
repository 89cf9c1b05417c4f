/*
 * parse-config's mount options held against libmount's built-in option maps
 * (the table oracle of the reliability lane). Every flag libmount knows for
 * Linux (MNT_LINUX_MAP) must become the same MS_* bits in the plan's `mount`
 * record (schemas/plan.md), set, cleared or as the propagation, instead of
 * being passed to the filesystem as data. The options we deliberately treat
 * otherwise are listed below with the reason, so that an option a newer
 * libmount adds fails here until someone decides.
 */
#include <errno.h>
#include <libmount/libmount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "parse.h"
#include "plan.h"
#include "unit.h"

#define BUNDLE "/tmp/baton-unit-mount-options"
#ifndef MS_PROPAGATION
#define MS_PROPAGATION (MS_SHARED | MS_SLAVE | MS_PRIVATE | MS_UNBINDABLE)
#endif

struct exception {
	const char *name;
	const char *why;
};

/* Linux flags that parse-config does not take (they go to the filesystem as data). */
static const struct exception linux_exceptions[] = {
    {"iversion", "MS_I_VERSION: not in our table yet, so it reaches the filesystem as data"},
    {"noiversion", "MS_I_VERSION: not in our table yet, so it reaches the filesystem as data"},
};

/*
 * mount(8)'s userspace options (fstab, helpers, loop devices, verity): no
 * mount flag, so baton, like crun, hands them to the filesystem as data,
 * except `defaults`, which means no flags.
 */
static const char *const userspace_only[] = {
    "auto",
    "noauto",
    "user[=]",
    "nouser",
    "users",
    "nousers",
    "owner",
    "noowner",
    "group",
    "nogroup",
    "_netdev",
    "comment=",
    "x-",
    "X-",
    "loop[=]",
    "offset=",
    "sizelimit=",
    "encryption=",
    "nofail",
    "uhelper=",
    "helper=",
    "verity.hashdevice=",
    "verity.roothash=",
    "verity.hashoffset=",
    "verity.roothashfile=",
    "verity.fecdevice=",
    "verity.fecoffset=",
    "verity.fecroots=",
    "verity.roothashsig=",
    "verity.oncorruption=",
};

struct mount_record {
	unsigned long flags, clear, propagation;
	char data[256];
	int ok;
};

/* The `mount` record of a tmpfs mount with the one option name. */
static struct mount_record parse_option(const char *name)
{
	struct mount_record r = {0};
	struct strbuf json = {0}, plan = {0};
	struct stage_error err = {0};
	struct plan p = {0};
	const struct plan_entry *e;

	strbuf_puts(&json, "{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"rootfs\"},"
			   "\"linux\":{\"namespaces\":[{\"type\":\"mount\"}]},"
			   "\"mounts\":[{\"destination\":\"/m\",\"type\":\"tmpfs\","
			   "\"source\":\"tmpfs\",\"options\":[");
	strbuf_json_string(&json, name);
	strbuf_puts(&json, "]}]}");
	if (parse_config(json.data, json.len, BUNDLE, "ctr", &plan, &err) < 0) {
		printf("# `%s`: %s\n", name, err.msg);
	} else if (plan_parse(&p, plan.data, plan.len, &err) == 0 && (e = plan_get(&p, "mount"))) {
		r.flags = strtoul(plan_field(e, 3), NULL, 16);
		r.clear = strtoul(plan_field(e, 4), NULL, 16);
		r.propagation = strtoul(plan_field(e, 5), NULL, 16);
		snprintf(r.data, sizeof(r.data), "%s", plan_field(e, 6));
		r.ok = 1;
	}
	plan_release(&p);
	strbuf_release(&json);
	strbuf_release(&plan);
	return r;
}

static const struct exception *linux_exception(const char *name)
{
	for (size_t i = 0; i < sizeof(linux_exceptions) / sizeof(linux_exceptions[0]); i++)
		if (strcmp(linux_exceptions[i].name, name) == 0)
			return &linux_exceptions[i];
	return NULL;
}

static int is_userspace_only(const char *name)
{
	for (size_t i = 0; i < sizeof(userspace_only) / sizeof(userspace_only[0]); i++)
		if (strcmp(userspace_only[i], name) == 0)
			return 1;
	return 0;
}

/* "user[=]" and "comment=" are patterns: the option as a user writes it. */
static void spelled(const char *pattern, char *buf, size_t size)
{
	size_t n = strcspn(pattern, "[=");

	snprintf(buf, size, "%.*s%s", (int)n, pattern, pattern[n] ? "=x" : "");
}

static int fixture(void)
{
	mkdir(BUNDLE, 0755);
	return mkdir(BUNDLE "/rootfs", 0755) == 0 || errno == EEXIST;
}

TEST(every_libmount_linux_flag_becomes_its_ms_bits)
{
	const struct libmnt_optmap *o = mnt_get_builtin_optmap(MNT_LINUX_MAP);

	CHECK(fixture());
	CHECK(o != NULL);
	for (; o && o->name; o++) {
		const struct exception *x = linux_exception(o->name);
		struct mount_record r = parse_option(o->name);
		unsigned long id = (unsigned long)o->id;

		if (x) {
			/* an exception that no longer holds is one to remove */
			CHECK(r.ok && strcmp(r.data, o->name) == 0);
			continue;
		}
		if (!r.ok || r.data[0])
			printf("# libmount's `%s` (0x%lx) %s\n", o->name, id,
			       r.ok ? "went to the filesystem as data" : "was refused");
		CHECK(r.ok && !r.data[0]);
		if (id & MS_PROPAGATION)
			CHECK(r.propagation == id);
		else if (o->mask & MNT_INVERT)
			CHECK((r.clear & id) == id && (r.flags & id) == 0);
		else
			CHECK((r.flags & id) == id && (r.clear & id) == 0);
	}
}

TEST(libmount_userspace_options_are_listed_and_passed_on)
{
	const struct libmnt_optmap *o = mnt_get_builtin_optmap(MNT_USERSPACE_MAP);
	char word[128];

	CHECK(fixture());
	CHECK(o != NULL);
	for (; o && o->name; o++) {
		struct mount_record r;

		if (strcmp(o->name, "defaults") == 0) {
			r = parse_option("defaults");
			CHECK(r.ok && r.flags == 0 && r.clear == 0 && !r.data[0]);
			continue;
		}
		if (!is_userspace_only(o->name))
			printf("# libmount's userspace option `%s` is new: decide and list it\n",
			       o->name);
		CHECK(is_userspace_only(o->name));
		spelled(o->name, word, sizeof(word));
		r = parse_option(word);
		CHECK(r.ok && strcmp(r.data, word) == 0 && r.flags == 0);
	}
}

int main(void)
{
	return unit_run();
}
