/*
 * `baton trace-view TRACE.json > trace.html`: a --trace file as one
 * self-contained HTML page, readable without a network: a static SVG
 * timeline (one bar per stage on a time axis, in host/self/child lanes, its
 * duration and outcome as text and colour) and the same as a table. No
 * script, font or other resource is referenced: inline CSS and SVG only.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "baton.h"
#include "strbuf.h"
#include "trace_read.h"

/* The SVG's geometry, in px: labels, then the bars, then their text. */
#define SVG_WIDTH   980
#define BARS_X	    210
#define BARS_WIDTH  560
#define ROW_HEIGHT  24
#define AXIS_HEIGHT 34

static const char *const lanes[] = {"command", "host", "self", "child"};

static const char style[] =
    "body{font:14px/1.4 sans-serif;margin:1.5em;color:#222;background:#fff}"
    "h1{font-size:1.3em;margin:0 0 .2em}p.sum{margin:0 0 1em}"
    "table{border-collapse:collapse;margin-top:1.5em}"
    "th,td{padding:.2em .8em;border-bottom:1px solid #ddd;text-align:left}"
    "td.num{text-align:right;font-variant-numeric:tabular-nums}"
    ".ok{color:#1b5e20}.failed{color:#b71c1c;font-weight:bold}.aborted{color:#e65100}"
    ".skipped{color:#616161}.not-run{color:#9e9e9e}"
    "svg text{font:12px sans-serif}svg .lane{font-weight:bold;fill:#555}"
    "svg .tick{stroke:#e0e0e0}svg .axis{fill:#777}"
    ".legend span{display:inline-block;margin-right:1em}"
    ".sw{display:inline-block;width:.9em;height:.9em;margin-right:.3em;vertical-align:-.1em}";

/* The fill of an outcome's bar; anything else trace.c does not write is grey. */
static const char *colour(const char *outcome)
{
	static const struct {
		const char *outcome, *fill;
	} fills[] = {{"ok", "#43a047"},
		     {"failed", "#e53935"},
		     {"aborted", "#fb8c00"},
		     {"skipped", "#bdbdbd"},
		     {"not-run", "#eeeeee"}};

	for (size_t i = 0; i < sizeof(fills) / sizeof(fills[0]); i++)
		if (strcmp(fills[i].outcome, outcome) == 0)
			return fills[i].fill;
	return "#9e9e9e";
}

static void html(struct strbuf *sb, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			strbuf_puts(sb, "&amp;");
			break;
		case '<':
			strbuf_puts(sb, "&lt;");
			break;
		case '>':
			strbuf_puts(sb, "&gt;");
			break;
		case '"':
			strbuf_puts(sb, "&quot;");
			break;
		case '\'':
			strbuf_puts(sb, "&#39;");
			break;
		default:
			strbuf_putc(sb, *s);
		}
	}
}

/* The outcome as a class name: one of ours, else `other` (never the raw text). */
static const char *outcome_class(const char *outcome)
{
	static const char *const known[] = {"ok", "failed", "aborted", "skipped", "not-run"};

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(known[i], outcome) == 0)
			return known[i];
	return "other";
}

/* Skipped and not-run stages have no extent: trace.c puts them at the command's start. */
static bool event_ran(const struct trace_event *e)
{
	return strcmp(e->outcome, "skipped") != 0 && strcmp(e->outcome, "not-run") != 0;
}

struct timeline {
	const struct trace_file *t;
	const struct trace_event *command; /* cat "command", or NULL */
	double t0_us, span_us;
};

static void measure(struct timeline *tl, const struct trace_file *t)
{
	double end = 0;

	*tl = (struct timeline){.t = t};
	for (size_t i = 0; i < t->nevents; i++)
		if (strcmp(t->events[i].cat, "command") == 0 && !tl->command)
			tl->command = &t->events[i];
	tl->t0_us = tl->command ? tl->command->ts_us : (t->nevents ? t->events[0].ts_us : 0);
	for (size_t i = 0; i < t->nevents; i++) {
		const struct trace_event *e = &t->events[i];

		if (e->ts_us < tl->t0_us)
			tl->t0_us = e->ts_us;
		if (e->ts_us + e->dur_us > end)
			end = e->ts_us + e->dur_us;
	}
	tl->span_us = end - tl->t0_us > 0 ? end - tl->t0_us : 1;
}

static double x_of(const struct timeline *tl, double us)
{
	return BARS_X + (us - tl->t0_us) / tl->span_us * BARS_WIDTH;
}

/* About eight ticks, at 1, 2 or 5 times a power of ten ms. */
static double tick_step(double span_ms)
{
	static const double factors[] = {1, 2, 5};

	for (double decade = 1e-3;; decade *= 10)
		for (size_t i = 0; i < 3; i++)
			if (decade * factors[i] * 8 >= span_ms)
				return decade * factors[i];
}

static void axis(struct strbuf *sb, const struct timeline *tl, unsigned height)
{
	double span_ms = tl->span_us / 1e3, step = tick_step(span_ms);

	for (unsigned k = 0; k * step <= span_ms + step / 2; k++) {
		double ms = k * step, x = x_of(tl, tl->t0_us + ms * 1e3);

		strbuf_printf(sb,
			      "<line class=\"tick\" x1=\"%.1f\" y1=\"%u\" x2=\"%.1f\" y2=\"%u\"/>",
			      x, AXIS_HEIGHT - 8, x, height);
		strbuf_printf(sb,
			      "<text class=\"axis\" x=\"%.1f\" y=\"%u\" text-anchor=\"middle\">%g "
			      "ms</text>\n",
			      x, AXIS_HEIGHT - 14, ms);
	}
}

static void bar(struct strbuf *sb, const struct timeline *tl, const struct trace_event *e,
		unsigned y)
{
	double x = x_of(tl, e->ts_us), w = e->dur_us / tl->span_us * BARS_WIDTH;
	bool ran = event_ran(e);
	char duration[48];

	snprintf(duration, sizeof(duration), ran ? "%.3f ms" : "-", e->dur_us / 1e3);
	strbuf_printf(sb, "<g class=\"stage %s\"><title>", outcome_class(e->outcome));
	html(sb, e->name);
	strbuf_printf(sb, " (%s): %s, %s</title>", e->cat, duration, e->outcome);
	strbuf_printf(sb, "<text x=\"%u\" y=\"%u\">", 16, y + 16);
	html(sb, e->name);
	strbuf_puts(sb, "</text>");
	if (ran)
		strbuf_printf(sb,
			      "<rect x=\"%.1f\" y=\"%u\" width=\"%.1f\" height=\"%u\" rx=\"2\" "
			      "fill=\"%s\" stroke=\"#333\" stroke-width=\"0.5\"/>",
			      x, y + 4, w < 2 ? 2 : w, ROW_HEIGHT - 8, colour(e->outcome));
	else /* a stage that never ran has no extent: a hollow mark where the command began */
		strbuf_printf(sb,
			      "<rect x=\"%.1f\" y=\"%u\" width=\"8\" height=\"8\" fill=\"%s\" "
			      "stroke=\"#757575\" stroke-dasharray=\"2,1\"/>",
			      x - 4, y + 8, colour(e->outcome));
	strbuf_printf(sb, "<text x=\"%.1f\" y=\"%u\">%s%s", (ran ? x + (w < 2 ? 2 : w) : x + 4) + 6,
		      y + 16, ran ? duration : "", ran ? " " : "");
	html(sb, e->outcome);
	strbuf_puts(sb, "</text></g>\n");
}

static void svg(struct strbuf *sb, const struct timeline *tl)
{
	unsigned rows = 0, y;

	for (size_t l = 0; l < sizeof(lanes) / sizeof(lanes[0]); l++) {
		unsigned n = 0;

		for (size_t i = 0; i < tl->t->nevents; i++)
			n += strcmp(tl->t->events[i].cat, lanes[l]) == 0;
		rows += n ? n + 1 : 0; /* a lane's heading, then its stages */
	}
	strbuf_printf(sb,
		      "<svg width=\"%u\" height=\"%u\" "
		      "role=\"img\" aria-label=\"timeline of the stages\">\n",
		      SVG_WIDTH, AXIS_HEIGHT + rows * ROW_HEIGHT + 8);
	axis(sb, tl, AXIS_HEIGHT + rows * ROW_HEIGHT);
	y = AXIS_HEIGHT;
	for (size_t l = 0; l < sizeof(lanes) / sizeof(lanes[0]); l++) {
		bool heading = false;

		for (size_t i = 0; i < tl->t->nevents; i++) {
			if (strcmp(tl->t->events[i].cat, lanes[l]) != 0)
				continue;
			if (!heading) {
				strbuf_printf(sb,
					      "<text class=\"lane\" x=\"4\" y=\"%u\">%s</text>\n",
					      y + 16, lanes[l]);
				y += ROW_HEIGHT;
				heading = true;
			}
			bar(sb, tl, &tl->t->events[i], y);
			y += ROW_HEIGHT;
		}
	}
	strbuf_puts(sb, "</svg>\n");
}

static void table(struct strbuf *sb, const struct timeline *tl)
{
	strbuf_puts(sb, "<table><thead><tr><th>stage</th><th>side</th><th>start</th>"
			"<th>duration</th><th>outcome</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < tl->t->nevents; i++) {
		const struct trace_event *e = &tl->t->events[i];

		strbuf_puts(sb, "<tr><td>");
		html(sb, e->name);
		strbuf_puts(sb, "</td><td>");
		html(sb, e->cat);
		if (event_ran(e))
			strbuf_printf(
			    sb, "</td><td class=\"num\">%.3f ms</td><td class=\"num\">%.3f ms</td>",
			    (e->ts_us - tl->t0_us) / 1e3, e->dur_us / 1e3);
		else
			strbuf_puts(sb, "</td><td class=\"num\">-</td><td class=\"num\">-</td>");
		strbuf_printf(sb, "<td class=\"%s\">", outcome_class(e->outcome));
		html(sb, e->outcome);
		strbuf_puts(sb, "</td></tr>\n");
	}
	strbuf_puts(sb, "</tbody></table>\n");
}

static void legend(struct strbuf *sb)
{
	static const char *const outcomes[] = {"ok", "failed", "aborted", "skipped", "not-run"};

	strbuf_puts(sb, "<p class=\"legend\">");
	for (size_t i = 0; i < sizeof(outcomes) / sizeof(outcomes[0]); i++)
		strbuf_printf(sb,
			      "<span><span class=\"sw\" style=\"background:%s;border:1px solid "
			      "#757575\"></span>%s</span>",
			      colour(outcomes[i]), outcomes[i]);
	strbuf_puts(sb, "</p>\n");
}

static void page(struct strbuf *sb, const struct timeline *tl, const char *path)
{
	const char *command = tl->command ? tl->command->name : "baton";

	strbuf_puts(sb, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
			"<title>");
	html(sb, command);
	strbuf_puts(sb, ": pipeline timeline</title>\n<style>");
	strbuf_puts(sb, style);
	strbuf_puts(sb, "</style></head>\n<body>\n<h1>");
	html(sb, command);
	strbuf_puts(sb, "</h1>\n<p class=\"sum\">");
	if (tl->command) {
		strbuf_printf(sb, "%.3f ms, <span class=\"%s\">", tl->command->dur_us / 1e3,
			      outcome_class(tl->command->outcome));
		html(sb, tl->command->outcome);
		strbuf_puts(sb, "</span>; ");
	}
	strbuf_puts(sb, "from ");
	html(sb, path);
	strbuf_puts(sb, ". Child stages exec each other out of baton's sight: each spans the "
			"whole chain.</p>\n");
	legend(sb);
	svg(sb, tl);
	table(sb, tl);
	strbuf_puts(sb, "</body></html>\n");
}

int cmd_trace_view(const struct global_opts *g, int argc, char **argv)
{
	struct trace_file t;
	struct stage_error err;
	struct timeline tl;
	autostrbuf struct strbuf out = {0};

	if (argc != 2 || argv[1][0] == '-')
		return usage_error("trace-view", "requires exactly one TRACE.json argument");
	if (trace_read(argv[1], &t, &err) < 0)
		return report_error(g, &err);
	measure(&tl, &t);
	page(&out, &tl, argv[1]);
	trace_file_release(&t);
	fwrite(out.data, 1, out.len, stdout);
	return fflush(stdout) == 0 ? 0 : 1;
}
