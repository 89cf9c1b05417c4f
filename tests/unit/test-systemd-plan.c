/*
 * The systemd driver's plan (stages/parse-config/systemd.c): slice names to
 * cgroup paths, cgroupsPath to unit names, org.systemd.property values to
 * typed records.
 */
#include <stdio.h>
#include <string.h>

#include "systemd.h"
#include "unit.h"

static struct stage_error err;

static const char *slice_path(const char *slice)
{
	static char out[512];

	memset(&err, 0, sizeof(err));
	return systemd_slice_path(slice, out, sizeof(out), &err) < 0 ? NULL : out;
}

TEST(slice_paths_nest_at_each_dash)
{
	CHECK_STR(slice_path("system.slice"), "/system.slice");
	CHECK_STR(slice_path("machine.slice"), "/machine.slice");
	CHECK_STR(slice_path("user-1000.slice"), "/user.slice/user-1000.slice");
	CHECK_STR(slice_path("a-b-c.slice"), "/a.slice/a-b.slice/a-b-c.slice");
	CHECK_STR(slice_path("-"), "");
	CHECK_STR(slice_path("-.slice"), "");
}

TEST(bad_slice_names_are_refused)
{
	const char *bad[] = {"system",	 ".slice",    "a--b.slice", "-a.slice",
			     "a-.slice", "a/b.slice", "a b.slice"};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK(slice_path(bad[i]) == NULL);
		CHECK_CONTAINS(err.msg, "is not a slice name");
	}
}

static int names(const char *value, bool rootless, char *unit, char *slice)
{
	memset(&err, 0, sizeof(err));
	return systemd_unit_names(value, "ctr", rootless, unit, 256, slice, 256, &err);
}

TEST(cgroups_path_becomes_a_scope_in_a_slice)
{
	char unit[256], slice[256];

	CHECK(names("machine.slice:libpod:abc", false, unit, slice) == 0);
	CHECK_STR(unit, "libpod-abc.scope");
	CHECK_STR(slice, "machine.slice");
	CHECK(names(NULL, false, unit, slice) == 0);
	CHECK_STR(unit, "baton-ctr.scope");
	CHECK_STR(slice, "system.slice");
	CHECK(names("", true, unit, slice) == 0);
	CHECK_STR(slice, "user.slice");
	CHECK(names(":p:n", false, unit, slice) == 0);
	CHECK_STR(slice, "system.slice");
	CHECK_STR(unit, "p-n.scope");
	CHECK(names("a.slice::n", false, unit, slice) == 0);
	CHECK_STR(unit, "n.scope");
}

TEST(cgroups_path_errors_name_the_field)
{
	char unit[256], slice[256];

	CHECK(names("/abs/path", false, unit, slice) < 0);
	CHECK_STR(err.msg, "linux.cgroupsPath: the systemd cgroup manager wants slice:prefix:name, "
			   "not `/abs/path`");
	CHECK(names("a:b", false, unit, slice) < 0);
	CHECK(names("a:b:c:d", false, unit, slice) < 0);
	CHECK(names("s.slice:p:", false, unit, slice) < 0);
	CHECK_CONTAINS(err.msg, "has no name");
	CHECK(names("s.slice:p:x.slice", false, unit, slice) < 0);
	CHECK_CONTAINS(err.msg, "not supported");
	CHECK(names("s.slice:p:a b", false, unit, slice) < 0);
	CHECK_CONTAINS(err.msg, "not a valid unit name");
}

static struct strbuf out;

static int property(const char *key, const char *value)
{
	struct pc pc = {.out = &out, .err = &err};

	strbuf_release(&out);
	memset(&err, 0, sizeof(err));
	return systemd_property(&pc, "annotations.p", key, value);
}

TEST(property_values_are_typed)
{
	CHECK(property("Delegate", "true") == 0);
	CHECK_STR(out.data, "cgroup.property\tDelegate\tb\t1\n");
	CHECK(property("CollectMode", "'inactive-or-failed'") == 0);
	CHECK_STR(out.data, "cgroup.property\tCollectMode\ts\tinactive-or-failed\n");
	CHECK(property("TimeoutStopUSec", "uint64 123456789") == 0);
	CHECK_STR(out.data, "cgroup.property\tTimeoutStopUSec\tt\t123456789\n");
	CHECK(property("CPUWeight", "42") == 0);
	CHECK_STR(out.data, "cgroup.property\tCPUWeight\ti\t42\n");
	CHECK(property("Nice", "int32 -5") == 0);
	CHECK_STR(out.data, "cgroup.property\tNice\ti\t-5\n");
	CHECK(property("Wants", "['a.service', \"b c\"]") == 0);
	CHECK_STR(out.data, "cgroup.property\tWants\tas\ta.service\tb c\n");
	CHECK(property("Wants", "[]") == 0);
	CHECK_STR(out.data, "cgroup.property\tWants\tas\n");
}

TEST(seconds_become_microseconds)
{
	CHECK(property("TimeoutStopSec", "uint64 5") == 0);
	CHECK_STR(out.data, "cgroup.property\tTimeoutStopUSec\tt\t5000000\n");
}

TEST(bad_property_values_are_refused)
{
	CHECK(property("CPUWeight", "1.5") < 0);
	CHECK_CONTAINS(err.msg, "annotations.p: cannot read `1.5`");
	CHECK(property("CPUWeight", "uint32 4294967296") < 0);
	CHECK_CONTAINS(err.msg, "out of range");
	CHECK(property("CPUWeight", "uint64 -1") < 0);
	CHECK(property("X", "1") < 0);
	CHECK_CONTAINS(err.msg, "not a systemd property name");
	CHECK(property("Wants", "['a'") < 0);
	CHECK(property("Wants", "[1]") < 0);
	CHECK(property("Desc", "'a' junk") < 0);
	CHECK(property("Desc", "'open") < 0);
	CHECK_CONTAINS(err.msg, "unterminated string");
}

int main(void)
{
	int rc = unit_run();

	strbuf_release(&out);
	return rc;
}
