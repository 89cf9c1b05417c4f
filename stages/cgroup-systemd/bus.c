/*
 * The sd-bus side of cgroup-systemd. systemd answers StartTransientUnit and
 * StopUnit with a job; the unit is only there (or gone) once that job's
 * JobRemoved signal says "done", so each call subscribes first and waits.
 */
#include "bus.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>
#include <time.h>
#include <unistd.h>

#include "stage.h"

#define SD_DEST	 "org.freedesktop.systemd1"
#define SD_PATH	 "/org/freedesktop/systemd1"
#define SD_IFACE "org.freedesktop.systemd1.Manager"
/* a job systemd has not finished in this time is not going to */
#define JOB_TIMEOUT_USEC (30ULL * 1000 * 1000)

static void message_unref(sd_bus_message **m)
{
	sd_bus_message_unref(*m);
}
#define automessage __attribute__((cleanup(message_unref)))

/* systemd's own socket: what systemctl uses when no D-Bus daemon runs. */
static int open_private(bool user, sd_bus **bus)
{
	char address[4200];
	const char *runtime = getenv("XDG_RUNTIME_DIR");
	int r;

	if (user && !runtime)
		return -ENOENT;
	snprintf(address, sizeof(address), "unix:path=%s/systemd/private", user ? runtime : "/run");
	if ((r = sd_bus_new(bus)) < 0)
		return r;
	if ((r = sd_bus_set_address(*bus, address)) < 0 || (r = sd_bus_start(*bus)) < 0) {
		*bus = sd_bus_unref(*bus);
		return r;
	}
	return 0;
}

int bus_open(bool user, struct sd_bus **bus, struct stage_error *err)
{
	int r = user ? sd_bus_open_user(bus) : sd_bus_open_system(bus);

	if (r < 0 && open_private(user, bus) == 0)
		r = 0;
	if (r < 0)
		return stage_fail(err, -r,
				  "cannot reach systemd on the %s bus (the systemd cgroup "
				  "manager needs a running systemd%s)",
				  user ? "user" : "system",
				  user ? " --user and XDG_RUNTIME_DIR" : "");
	return 0;
}

struct job_wait {
	const char *job; /* the object path StartTransientUnit/StopUnit answered */
	char result[32]; /* JobRemoved's result once seen: done, failed, ... */
};

static int on_job_removed(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
	struct job_wait *w = userdata;
	const char *path, *unit, *result;
	uint32_t id;

	(void)ret_error;
	if (sd_bus_message_read(m, "uoss", &id, &path, &unit, &result) >= 0 && w->job &&
	    strcmp(path, w->job) == 0)
		snprintf(w->result, sizeof(w->result), "%s", result);
	return 0;
}

/* Signals come only to subscribers on systemd's private socket; harmless on D-Bus. */
static int subscribe(sd_bus *bus, struct job_wait *w, struct stage_error *err)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	int r = sd_bus_match_signal(bus, NULL, SD_DEST, SD_PATH, SD_IFACE, "JobRemoved",
				    on_job_removed, w);

	if (r < 0)
		return stage_fail(err, -r, "sd-bus: watch systemd's jobs");
	sd_bus_call_method(bus, SD_DEST, SD_PATH, SD_IFACE, "Subscribe", &e, NULL, "");
	sd_bus_error_free(&e);
	return 0;
}

static uint64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static int wait_job(sd_bus *bus, struct job_wait *w, const char *what, const char *unit,
		    struct stage_error *err)
{
	uint64_t deadline = now_usec() + JOB_TIMEOUT_USEC, now;
	int r;

	while (!w->result[0]) {
		if ((r = sd_bus_process(bus, NULL)) < 0)
			return stage_fail(err, -r, "sd-bus: %s `%s`", what, unit);
		if (r > 0)
			continue; /* more may be queued */
		if ((now = now_usec()) >= deadline)
			return stage_fail(err, ETIMEDOUT, "systemd: %s `%s`: no answer", what,
					  unit);
		if ((r = sd_bus_wait(bus, deadline - now)) < 0)
			return stage_fail(err, -r, "sd-bus: %s `%s`", what, unit);
	}
	if (strcmp(w->result, "done") != 0)
		return stage_fail(err, 0, "systemd: %s `%s`: the job ended `%s`", what, unit,
				  w->result);
	return 0;
}

/* "as": the strings are the record's fields from the third on. */
static int append_strings(sd_bus_message *m, const struct plan_entry *e)
{
	int r = sd_bus_message_open_container(m, 'a', "s");

	for (unsigned i = 2; i < e->nfields && r >= 0; i++)
		r = sd_bus_message_append_basic(m, 's', e->fields[i]);
	return r < 0 ? r : sd_bus_message_close_container(m);
}

/* A `cgroup.property NAME SIG VALUE...` record as one (sv) of the properties array. */
static int append_property(sd_bus_message *m, const struct plan_entry *e)
{
	const char *name = plan_field(e, 0), *sig = plan_field(e, 1), *value = plan_field(e, 2);
	/* D-Bus's basic types, as sd_bus_message_append_basic takes them */
	union {
		int b;
		uint64_t t;
		int64_t x;
		uint32_t u;
		int32_t i;
	} v = {0};
	int r;

	if ((r = sd_bus_message_open_container(m, 'r', "sv")) < 0 ||
	    (r = sd_bus_message_append(m, "s", name)) < 0 ||
	    (r = sd_bus_message_open_container(m, 'v', sig)) < 0)
		return r;
	switch (sig[0]) {
	case 'b':
		v.b = strcmp(value, "1") == 0;
		break;
	case 't':
		v.t = strtoull(value, NULL, 10);
		break;
	case 'x':
		v.x = strtoll(value, NULL, 10);
		break;
	case 'u':
		v.u = (uint32_t)strtoul(value, NULL, 10);
		break;
	case 'i':
		v.i = (int32_t)strtol(value, NULL, 10);
		break;
	}
	if (sig[0] == 's')
		r = sd_bus_message_append_basic(m, 's', value);
	else if (strcmp(sig, "as") == 0)
		r = append_strings(m, e);
	else if (strchr("btxui", sig[0]) && sig[1] == '\0')
		r = sd_bus_message_append_basic(m, sig[0], &v);
	else
		r = -EINVAL;
	if (r < 0 || (r = sd_bus_message_close_container(m)) < 0)
		return r;
	return sd_bus_message_close_container(m);
}

static int scope_properties(sd_bus_message *m, const struct plan *plan, pid_t pid)
{
	char description[300];
	int r;

	snprintf(description, sizeof(description), "baton container %s", plan_str(plan, "id", ""));
	/* Delegate: the cgroup below the scope is ours to make and write */
	if ((r = sd_bus_message_append(m, "(sv)", "Description", "s", description)) < 0 ||
	    (r = sd_bus_message_append(m, "(sv)", "Slice", "s",
				       plan_str(plan, "cgroup.slice", ""))) < 0 ||
	    (r = sd_bus_message_append(m, "(sv)", "Delegate", "b", 1)) < 0 ||
	    (r = sd_bus_message_append(m, "(sv)", "DefaultDependencies", "b", 0)) < 0 ||
	    (r = sd_bus_message_append(m, "(sv)", "PIDs", "au", 1, (uint32_t)pid)) < 0)
		return r;
	plan_for_each(plan, "cgroup.property", e)
	{
		if ((r = append_property(m, e)) < 0)
			return r;
	}
	return 0;
}

static int call_start(sd_bus *bus, const struct plan *plan, pid_t pid, const char **job,
		      sd_bus_message **reply, sd_bus_error *e)
{
	const char *unit = plan_str(plan, "cgroup.unit", "");
	automessage sd_bus_message *m = NULL;
	int r;

	if ((r = sd_bus_message_new_method_call(bus, &m, SD_DEST, SD_PATH, SD_IFACE,
						"StartTransientUnit")) < 0 ||
	    (r = sd_bus_message_append(m, "ss", unit, "fail")) < 0 ||
	    (r = sd_bus_message_open_container(m, 'a', "(sv)")) < 0 ||
	    (r = scope_properties(m, plan, pid)) < 0 ||
	    (r = sd_bus_message_close_container(m)) < 0 ||
	    (r = sd_bus_message_append(m, "a(sa(sv))", 0)) < 0)
		return r;
	if ((r = sd_bus_call(bus, m, 0, e, reply)) < 0)
		return r;
	return sd_bus_message_read(*reply, "o", job);
}

/* A failed unit of that name from before keeps its name taken until reset. */
static void reset_failed(sd_bus *bus, const char *unit)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;

	sd_bus_call_method(bus, SD_DEST, SD_PATH, SD_IFACE, "ResetFailedUnit", &e, NULL, "s", unit);
	sd_bus_error_free(&e);
}

/* systemd said no: its message, in an error naming what was asked. */
static int refused(sd_bus_error *e, int r, const char *what, const char *unit,
		   struct stage_error *err)
{
	stage_fail(err, -r, "systemd: %s `%s`: %s", what, unit,
		   e->message ? e->message
		   : e->name  ? e->name
			      : "failed");
	sd_bus_error_free(e);
	return -1;
}

int bus_start_scope(struct sd_bus *bus, const struct plan *plan, pid_t pid, struct stage_error *err)
{
	const char *unit = plan_str(plan, "cgroup.unit", "");
	automessage sd_bus_message *reply = NULL;
	sd_bus_error e = SD_BUS_ERROR_NULL;
	struct job_wait w = {0};
	int r;

	if (subscribe(bus, &w, err) < 0)
		return -1;
	r = call_start(bus, plan, pid, &w.job, &reply, &e);
	if (r < 0 && sd_bus_error_has_name(&e, "org.freedesktop.systemd1.UnitExists")) {
		reset_failed(bus, unit);
		sd_bus_error_free(&e);
		reply = sd_bus_message_unref(reply);
		r = call_start(bus, plan, pid, &w.job, &reply, &e);
	}
	if (r < 0)
		return refused(&e, r, "start", unit, err);
	stage_debug("systemd: started %s in %s with pid %d", unit,
		    plan_str(plan, "cgroup.slice", ""), (int)pid);
	return wait_job(bus, &w, "start", unit, err);
}

int bus_stop_unit(struct sd_bus *bus, const char *unit, struct stage_error *err)
{
	automessage sd_bus_message *reply = NULL;
	sd_bus_error e = SD_BUS_ERROR_NULL;
	struct job_wait w = {0};
	int r;

	if (subscribe(bus, &w, err) < 0)
		return -1;
	r = sd_bus_call_method(bus, SD_DEST, SD_PATH, SD_IFACE, "StopUnit", &e, &reply, "ss", unit,
			       "replace");
	if (r < 0 && sd_bus_error_has_name(&e, "org.freedesktop.systemd1.NoSuchUnit")) {
		sd_bus_error_free(&e);
		return 0; /* systemd collected it already */
	}
	if (r < 0)
		return refused(&e, r, "stop", unit, err);
	if ((r = sd_bus_message_read(reply, "o", &w.job)) < 0)
		return stage_fail(err, -r, "systemd: stop `%s`: bad answer", unit);
	r = wait_job(bus, &w, "stop", unit, err);
	reset_failed(bus, unit);
	return r;
}
