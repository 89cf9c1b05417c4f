/* state and list: what engines parse, in crun's shape. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "baton.h"
#include "cleanup.h"
#include "strbuf.h"

#define STATE_OCI_VERSION "1.0.0"

void oci_state_json(struct strbuf *sb, const struct container *c, const char *status,
		    const struct plan *plan, const char *indent)
{
	bool stopped = strcmp(status, "stopped") == 0, first = true;

	strbuf_printf(sb, "{\n%s  \"ociVersion\": \"%s\",\n%s  \"id\": ", indent, STATE_OCI_VERSION,
		      indent);
	strbuf_json_string(sb, c->id);
	strbuf_printf(sb, ",\n%s  \"pid\": %d,\n%s  \"status\": \"%s\",\n%s  \"bundle\": ", indent,
		      stopped ? 0 : (int)c->pid, indent, status, indent);
	strbuf_json_string(sb, c->bundle);
	strbuf_printf(sb, ",\n%s  \"rootfs\": ", indent);
	strbuf_json_string(sb, c->rootfs);
	strbuf_printf(sb, ",\n%s  \"created\": ", indent);
	strbuf_json_string(sb, c->created);
	strbuf_printf(sb, ",\n%s  \"owner\": \"\"", indent);
	if (plan) {
		plan_for_each(plan, "annotation", e)
		{
			strbuf_printf(sb, "%s\n%s    ", first ? ",\n  \"annotations\": {" : ",",
				      indent);
			strbuf_json_string(sb, plan_field(e, 0));
			strbuf_puts(sb, ": ");
			strbuf_json_string(sb, plan_field(e, 1));
			first = false;
		}
		if (!first)
			strbuf_printf(sb, "\n%s  }", indent);
	}
	strbuf_printf(sb, "\n%s}", indent);
}

static void state_json(struct strbuf *sb, struct container *c, const char *indent)
{
	autoplan struct plan plan = {0};
	struct stage_error ignored;
	bool have_plan = state_load_plan(c, &plan, &ignored) == 0;

	oci_state_json(sb, c, status_name(state_status(c)), have_plan ? &plan : NULL, indent);
}

int cmd_state(const struct global_opts *g, int argc, char **argv)
{
	autostrbuf struct strbuf sb = {0};
	struct stage_error err;
	struct container c;

	if (argc != 2)
		return usage_error("state", "requires exactly one CONTAINER argument");
	if (state_open(&c, g->root, argv[1], false, &err) < 0)
		return report_error(g, &err);
	state_json(&sb, &c, "");
	state_close(&c);
	puts(sb.data);
	return 0;
}

int cmd_list(const struct global_opts *g, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"quiet", no_argument, NULL, 'q'}, {"format", required_argument, NULL, 'f'}, {0}};
	autostrbuf struct strbuf out = {0};
	bool quiet = false, json = false, first = true;
	struct dirent *de;
	DIR *dir;
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "+qf:", opts, NULL)) != -1) {
		if (opt == 'q')
			quiet = true;
		else if (opt == 'f' &&
			 (strcmp(optarg, "json") == 0 || strcmp(optarg, "table") == 0))
			json = strcmp(optarg, "json") == 0;
		else
			return usage_error("list", "invalid option or format (table|json)");
	}
	if (json)
		strbuf_puts(&out, "[");
	else if (!quiet)
		strbuf_printf(&out, "%-30s %-10s %-10s %-40s %-30s %s\n", "NAME", "PID", "STATUS",
			      "BUNDLE PATH", "CREATED", "OWNER");
	dir = opendir(g->root);
	while (dir && (de = readdir(dir))) {
		struct stage_error ignored;
		struct container c;

		/* a container whose status cannot be read is listed as broken: its
		 * id is taken, and delete --force removes it */
		if (de->d_name[0] == '.' ||
		    state_open_any(&c, g->root, de->d_name, false, &ignored) < 0)
			continue;
		if (quiet && !json) {
			strbuf_printf(&out, "%s\n", c.id);
		} else if (json) {
			strbuf_puts(&out, first ? "\n" : ",\n");
			state_json(&out, &c, "  ");
		} else {
			enum container_status st = state_status(&c);

			strbuf_printf(&out, "%-30s %-10d %-10s %-40s %-30s %s\n", c.id,
				      st >= STATUS_STOPPED ? 0 : (int)c.pid, status_name(st),
				      c.bundle, c.created, "root");
		}
		first = false;
		state_close(&c);
	}
	if (dir)
		closedir(dir);
	if (json)
		strbuf_puts(&out, first ? "]\n" : "\n]\n");
	if (out.len)
		fwrite(out.data, 1, out.len, stdout);
	return 0;
}
