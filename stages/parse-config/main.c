/*
 * parse-config: the only reader of config.json. Validates it and writes the
 * plan (schemas/plan.md) into the sealed memfd the orchestrator gave us, or
 * prints it when a person runs the stage alone.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "fdenv.h"
#include "parse.h"
#include "stage.h"
#include "strbuf.h"

static const char usage[] =
    "Usage: parse-config [--bundle DIR] [--config FILE] [--id ID]\n"
    "Validate an OCI config.json and print the baton plan it becomes.\n"
    "  --bundle DIR   bundle directory (default .)\n"
    "  --config FILE  config file (default BUNDLE/config.json)\n"
    "  --id ID        container id (default debug)\n"
    "In the pipeline, BATON_FD_CONFIG, BATON_FD_PLAN, BATON_FD_SYNC, BATON_ID\n"
    "and BATON_BUNDLE replace the options and the plan goes to BATON_FD_PLAN.\n";

struct settings {
	int config_fd; /* from BATON_FD_CONFIG, or -1 */
	int plan_fd;   /* from BATON_FD_PLAN, or -1: print on stdout */
	const char *config_path;
	const char *id;
	char bundle[PATH_MAX];
};

static int read_settings(struct settings *s, int argc, char **argv, struct stage_error *err)
{
	const char *bundle = ".";

	s->config_fd = stage_fd_opt("BATON_FD_CONFIG", FD_KIND_FILE, err);
	if (s->config_fd == -1)
		return -1;
	s->plan_fd = stage_fd_opt("BATON_FD_PLAN", FD_KIND_FILE, err);
	if (s->plan_fd == -1)
		return -1;
	s->config_path = NULL;
	s->id = getenv("BATON_ID") ? getenv("BATON_ID") : "debug";
	if (getenv("BATON_BUNDLE"))
		bundle = getenv("BATON_BUNDLE");
	for (int i = 1; i < argc; i++) {
		if (i + 1 >= argc)
			return stage_fail(err, 0, "option `%s`: needs a value", argv[i]);
		if (strcmp(argv[i], "--bundle") == 0)
			bundle = argv[++i];
		else if (strcmp(argv[i], "--config") == 0)
			s->config_path = argv[++i];
		else if (strcmp(argv[i], "--id") == 0)
			s->id = argv[++i];
		else
			return stage_fail(err, 0, "unknown option `%s` (see --help)", argv[i]);
	}
	/* the orchestrator passes an absolute bundle: only a person's `.` needs resolving */
	if (bundle[0] == '/' && strlen(bundle) < sizeof(s->bundle))
		strcpy(s->bundle, bundle);
	else if (!realpath(bundle, s->bundle))
		return stage_fail(err, errno, "bundle `%s`", bundle);
	return 0;
}

static int read_config(const struct settings *s, char **text, size_t *len, struct stage_error *err)
{
	autoclose int own_fd = -1;
	char path[PATH_MAX + 16];
	struct stat st;
	int fd = s->config_fd;
	ssize_t n;

	if (fd < 0) {
		if (!s->config_path)
			snprintf(path, sizeof(path), "%s/config.json", s->bundle);
		else
			snprintf(path, sizeof(path), "%s", s->config_path);
		fd = own_fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return stage_fail(err, errno, "open `%s`", path);
	}
	if (fstat(fd, &st) < 0)
		return stage_fail(err, errno, "config.json: stat");
	/* one read of the whole file; +1 so that a file that grew shows as such */
	*text = malloc((size_t)st.st_size + 1);
	if (!*text)
		return stage_fail(err, ENOMEM, "config.json: %lld bytes", (long long)st.st_size);
	n = pread(fd, *text, (size_t)st.st_size + 1, 0);
	if (n < 0)
		return stage_fail(err, errno, "config.json: read");
	if (n != st.st_size)
		return stage_fail(err, EIO, "config.json: changed while being read");
	*len = (size_t)n;
	return 0;
}

static int write_plan(const struct settings *s, const struct strbuf *plan, struct stage_error *err)
{
	int fd = s->plan_fd >= 0 ? s->plan_fd : STDOUT_FILENO;

	for (size_t off = 0; off < plan->len;) {
		ssize_t n = write(fd, plan->data + off, plan->len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return stage_fail(err, errno, "write the plan");
		off += (size_t)n;
	}
	if (s->plan_fd >= 0 && memfd_seal(s->plan_fd, err) < 0)
		return stage_wrap(err, "seal the plan: ");
	return 0;
}

int main(int argc, char **argv)
{
	struct stage_error err = {0};
	struct settings settings;
	autofree char *config = NULL;
	autostrbuf struct strbuf plan = {0};
	size_t len = 0;

	stage_init("parse-config", argc, argv, usage);
	if (read_settings(&settings, argc, argv, &err) < 0 ||
	    read_config(&settings, &config, &len, &err) < 0 ||
	    parse_config(config, len, settings.bundle, settings.id, &plan, &err) < 0 ||
	    write_plan(&settings, &plan, &err) < 0)
		stage_exit_error(&err);
	stage_debug("plan: %zu bytes", plan.len);
	return 0;
}
