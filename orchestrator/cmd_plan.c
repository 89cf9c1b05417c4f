/*
 * `baton plan`: what a create would do, stage by stage, without doing any of
 * it. parse-config runs exactly as in create (pipeline_plan_only); every
 * stage of schemas/pipeline.tsv is then shown with its side, libc, whether
 * its `when` holds for this plan (the interpreter's own test), its fd
 * contract and its work read from the plan (plan_stages.c).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "baton.h"
#include "cleanup.h"
#include "help.h"
#include "pipeline.h"
#include "plan_stages.h"
#include "plan_view.h"
#include "strbuf.h"

#define PLAN_VIEW_FORMAT "baton-plan-view/1"

enum { OPT_CONFIG = 256, OPT_FORMAT };

static const struct option plan_options[] = {
    {"bundle", required_argument, NULL, 'b'},
    {"config", required_argument, NULL, OPT_CONFIG},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"help", no_argument, NULL, 'h'},
    {0},
};

static void parse_plan_args(int argc, char **argv, struct create_opts *o, enum view_format *format)
{
	int c;

	memset(o, 0, sizeof(*o));
	o->bundle = ".";
	o->id = "ID"; /* only names things in the plan: the cgroup path, hostname-less ids */
	*format = VIEW_TEXT;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+b:f:h", plan_options, NULL)) != -1) {
		switch (c) {
		case 'b':
			o->bundle = optarg;
			break;
		case OPT_CONFIG:
			o->config = optarg;
			break;
		case 'f':
		case OPT_FORMAT:
			if (strcmp(optarg, "json") == 0)
				*format = VIEW_JSON;
			else if (strcmp(optarg, "text") != 0)
				usage_error("plan", "--format: `%s` is not text or json", optarg);
			break;
		case 'h':
			command_help_exit("plan");
		default:
			usage_error("plan", "invalid option");
		}
	}
	if (optind < argc - 1)
		usage_error("plan", "at most one CONTAINER argument");
	if (optind == argc - 1)
		o->id = argv[optind];
}

static const char *side_name(enum stage_side side)
{
	return side == SIDE_HOST ? "host" : side == SIDE_SELF ? "self" : "child";
}

/* The tsv's words for the fd kinds (schemas/pipeline.tsv's header). */
static const char *kind_name(enum fd_kind kind)
{
	switch (kind) {
	case FD_KIND_SEALED_MEMFD:
		return "memfd";
	case FD_KIND_SOCKET:
		return "socket";
	case FD_KIND_FIFO:
		return "fifo";
	case FD_KIND_EXEC:
		return "exec";
	case FD_KIND_DIR:
		return "dir";
	default:
		return "file";
	}
}

static void show_fds(struct view *v, const struct stage_decl *d)
{
	static const char *const cols[] = {"name", "kind", "presence"};

	view_table_begin(v, "fds", cols, 3);
	for (const struct fd_decl *f = d->fds; f->name; f++) {
		view_cell(v, f->name);
		view_cell(v, kind_name(f->kind));
		view_cell(v, f->optional ? "optional" : "required");
	}
	view_table_end(v);
}

static int show_stage(struct view *v, const struct plan_context *ctx, const struct stage_decl *d,
		      struct stage_error *err)
{
	bool runs = pipeline_condition_holds(ctx->g, ctx->plan, d);
	autostrbuf struct strbuf title = {0};

	strbuf_printf(&title, "%-20s %-6s %-6s %s (%s)", d->name, side_name(d->side), d->libc,
		      runs ? "runs" : "skipped", pipeline_condition_text(ctx->g, d, runs));
	view_section_begin(v, title.data);
	if (v->format == VIEW_JSON) { /* the text has these in its title line */
		view_str(v, "name", d->name);
		view_str(v, "side", side_name(d->side));
		view_str(v, "libc", d->libc);
		view_str(v, "when", pipeline_condition_name(d));
		view_bool(v, "runs", runs);
		view_str(v, "because", pipeline_condition_text(ctx->g, d, runs));
	}
	show_fds(v, d);
	if (runs) {
		view_object_begin(v, "does", true);
		if (plan_show_stage(v, ctx, d, err) < 0)
			return -1;
		view_object_end(v);
	}
	view_section_end(v);
	return 0;
}

static int show_plan(struct view *v, const struct plan_context *ctx, const struct container *c,
		     struct stage_error *err)
{
	const struct stage_decl *decl;
	unsigned n;

	if (v->format == VIEW_JSON)
		view_str(v, "format", PLAN_VIEW_FORMAT);
	view_str(v, "id", c->id);
	view_str(v, "bundle", c->bundle);
	view_str(v, "config", ctx->config_path);
	view_stages_begin(v);
	decl = pipeline_stages(&n);
	for (unsigned i = 0; i < n; i++)
		if (decl[i].in_create && show_stage(v, ctx, &decl[i], err) < 0)
			return -1;
	view_stages_end(v);
	return 0;
}

int cmd_plan(const struct global_opts *g, int argc, char **argv)
{
	autoplan struct plan plan = {0};
	struct stage_error err;
	enum view_format format;
	struct create_opts o;
	struct container c = {.dirfd = -1};
	char config[PATH_MAX + 16];
	struct view v;
	int ret;

	parse_plan_args(argc, argv, &o, &format);
	/* what create checks first: the id and the bundle */
	if (validate_id(o.id, &err) < 0)
		return report_error(g, &err);
	if (!realpath(o.bundle, c.bundle)) {
		stage_fail(&err, errno, "invalid bundle `%s`", o.bundle);
		return report_error(g, &err);
	}
	snprintf(c.id, sizeof(c.id), "%s", o.id);
	snprintf(config, sizeof(config), "%s%s", o.config ? o.config : c.bundle,
		 o.config ? "" : "/config.json");
	struct plan_context ctx = {.g = g, .plan = &plan, .config_path = config};

	if (pipeline_plan_only(g, &o, &c, &plan, &ctx.plan_bytes, &err) < 0)
		return report_error(g, &err);
	view_begin(&v, format);
	ret = show_plan(&v, &ctx, &c, &err);
	view_end(&v);
	if (ret == 0)
		fwrite(v.out.data, 1, v.out.len, stdout);
	view_release(&v);
	if (ret < 0)
		return report_error(g, &err);
	return fflush(stdout) == 0 ? 0 : 1;
}
