// SPDX-License-Identifier: MIT
/*
 * ksrtp-bench report: report.json (the machine, the steps, every subcommand's
 * JSON as it wrote it, and the noisy figures), report.md and the summary
 * tables printed at the end.
 *
 * A row is a JSON object of a subcommand's output that holds a figure (an
 * object {"runs", "median", "min", "max"}): a contender of crypto, a path
 * of kernel, whatever a newer subcommand measures. Its first figure is
 * the one measured (ns/packet, for bench_figures_json()); the ones after it
 * are derived from the same runs. A row is noisy when its subcommand says so
 * ("noisy") or its first figure's (max - min) / median > BENCH_NOISY_SPREAD.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "fanout.h"
#include "report.h"

#define MAX_COLS 12

/* ---- figures ---- */

double report_number(json_object *o, const char *key)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) ||
	    !(json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int)))
		return NAN;
	return json_object_get_double(v);
}

json_object *report_member(json_object *o, const char *key)
{
	json_object *v;

	return o && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

/* o[key] when it has type t (a JSON null is a NULL member: never one), else NULL. */
static json_object *member_of_type(json_object *o, const char *key, enum json_type t)
{
	json_object *v = report_member(o, key);

	return v && json_object_is_type(v, t) ? v : NULL;
}

json_object *report_object(json_object *o, const char *key)
{
	return member_of_type(o, key, json_type_object);
}

json_object *report_array(json_object *o, const char *key)
{
	return member_of_type(o, key, json_type_array);
}

const char *report_string(json_object *o, const char *key)
{
	json_object *v = member_of_type(o, key, json_type_string);

	return v ? json_object_get_string(v) : "";
}

bool report_is_stats(json_object *o)
{
	return json_object_is_type(o, json_type_object) && !isnan(report_number(o, "median")) &&
	       !isnan(report_number(o, "min")) && !isnan(report_number(o, "max")) &&
	       report_array(o, "runs");
}

bool report_stats(json_object *o, struct bench_stats *st, unsigned int *runs)
{
	if (!report_is_stats(o))
		return false;
	st->median = report_number(o, "median");
	st->min = report_number(o, "min");
	st->max = report_number(o, "max");
	*runs = (unsigned int)json_object_array_length(report_array(o, "runs"));
	return true;
}

static double spread_of(const struct bench_stats *st)
{
	return st->median ? (st->max - st->min) / fabs(st->median) : INFINITY;
}

/* ---- rows ---- */

/* The members that tell rows apart, and how a label shows them. */
static const struct {
	const char *key;
	const char *fmt;
} label_keys[] = {
	{ "profile", "%s" },	{ "direction", "%s" },	     { "payload_bytes", "%s B" },
	{ "streams", "%s streams" }, { "order", "%s" },	     { "batch", "batch %s" },
	{ "receivers", "N=%s" }, { "n", "N=%s" },	     { "threads", "%s threads" },
	{ "transport", "%s" },	{ "codec", "%s" },	     { "mode", "%s" },
	{ "scenario", "%s" },	{ "name", "%s" },
};

static void append(char *buf, size_t size, const char *sep, const char *s)
{
	size_t len = strlen(buf);

	snprintf(buf + len, size - len, "%s%s", len ? sep : "", s);
}

#define APART_SUFFIX "_interleaved_with_ksrtp"

/*
 * The context's label and numbers with what o adds to them. A member that
 * repeats its parent's (a contender's "order" under its group's) adds
 * nothing: it would say the same word twice.
 */
static void context_of(json_object *o, const struct report_row *ctx, struct report_row *out)
{
	size_t suffix = strlen(APART_SUFFIX);
	unsigned int i;
	json_object *v, *pv;
	char part[96];

	snprintf(out->label, sizeof(out->label), "%s", ctx->label);
	out->receivers = ctx->receivers;
	out->threads = ctx->threads;
	out->apart_prefix = ctx->apart_prefix;
	out->apart_len = ctx->apart_len;
	json_object_object_foreach(o, key, val) {
		size_t len = strlen(key);

		if (len > suffix && !strcmp(key + len - suffix, APART_SUFFIX) &&
		    json_object_is_type(val, json_type_boolean) && !json_object_get_boolean(val)) {
			out->apart_prefix = key;
			out->apart_len = len - suffix;
		}
	}
	if (!isnan(report_number(o, "receivers")))
		out->receivers = report_number(o, "receivers");
	else if (!isnan(report_number(o, "n")))
		out->receivers = report_number(o, "n");
	if (!isnan(report_number(o, "threads")))
		out->threads = report_number(o, "threads");
	for (i = 0; i < sizeof(label_keys) / sizeof(label_keys[0]); i++) {
		if (!json_object_object_get_ex(o, label_keys[i].key, &v) ||
		    json_object_is_type(v, json_type_object) ||
		    json_object_is_type(v, json_type_array) || json_object_is_type(v, json_type_null))
			continue;
		pv = report_member(ctx->obj, label_keys[i].key);
		if (pv && strcmp(label_keys[i].key, "name") &&
		    !strcmp(json_object_get_string(pv), json_object_get_string(v)))
			continue;
		snprintf(part, sizeof(part), label_keys[i].fmt, json_object_get_string(v));
		append(out->label, sizeof(out->label), !strcmp(label_keys[i].key, "name") ? ": " : " ",
		       part);
	}
}

static void walk(const char *command, json_object *o, const struct report_row *ctx,
		 const char *path, report_row_fn fn, void *arg)
{
	char sub[REPORT_LABEL_LEN];
	struct report_row row = { .command = command, .obj = o, .min_runs = UINT_MAX };
	json_object *v;
	size_t i;

	if (json_object_is_type(o, json_type_array)) {
		for (i = 0; i < json_object_array_length(o); i++) {
			snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
			walk(command, json_object_array_get_idx(o, i), ctx, sub, fn, arg);
		}
		return;
	}
	if (!json_object_is_type(o, json_type_object))
		return;
	context_of(o, ctx, &row);
	json_object_object_foreach(o, key, val) {
		struct bench_stats st;
		unsigned int runs;

		if (!report_stats(val, &st, &runs))
			continue;
		if (!row.metric) {
			row.metric = key;
			row.st = st;
			row.runs = runs;
		}
		if (runs < row.min_runs)
			row.min_runs = runs;
	}
	if (row.metric) {
		struct report_row r = row;

		if (!*r.label)
			snprintf(r.label, sizeof(r.label), "%s", path);
		r.name = json_object_object_get_ex(o, "name", &v) ? json_object_get_string(v) : NULL;
		r.apart = r.name && r.apart_prefix && !strncmp(r.name, r.apart_prefix, r.apart_len);
		if (r.apart)
			append(r.label, sizeof(r.label), " ", "[runs of its own, not interleaved]");
		r.noisy = spread_of(&r.st) > BENCH_NOISY_SPREAD ||
			  (json_object_object_get_ex(o, "noisy", &v) && json_object_get_boolean(v));
		fn(&r, arg);
	}
	json_object_object_foreach(o, k, child) {
		if (report_is_stats(child) || !strcmp(k, "machine") || !strcmp(k, "method"))
			continue;
		snprintf(sub, sizeof(sub), "%s.%s", path, k);
		walk(command, child, &row, sub, fn, arg);
	}
}

void report_walk(const char *command, json_object *root, report_row_fn fn, void *arg)
{
	const struct report_row top = { .receivers = NAN, .threads = NAN };

	walk(command, root, &top, command, fn, arg);
}

static void walk_steps(const struct report *r, report_row_fn fn, void *arg)
{
	unsigned int i;

	for (i = 0; i < r->n_steps; i++)
		if (r->steps[i].json)
			report_walk(r->steps[i].name, r->steps[i].json, fn, arg);
}

/* ---- tables: rows of cells, printed as markdown or aligned text ---- */

struct table {
	const char *title;
	unsigned int cols;
	unsigned int left;	/* the first columns, text: left-aligned; the others numbers */
	unsigned int rows;	/* row 0 is the header */
	char **cell;		/* rows * cols */
};

static void table_init(struct table *t, const char *title, unsigned int cols)
{
	*t = (struct table){ .title = title, .cols = cols, .left = 1 };
}

/* A new row whose cells are set with table_set() (header: the first row). */
static void table_row(struct table *t)
{
	t->cell = realloc(t->cell, (t->rows + 1) * t->cols * sizeof(*t->cell));
	memset(t->cell + t->rows * t->cols, 0, t->cols * sizeof(*t->cell));
	t->rows++;
}

static void __attribute__((format(printf, 3, 4)))
table_set(struct table *t, unsigned int col, const char *fmt, ...)
{
	char **c = &t->cell[(t->rows - 1) * t->cols + col];
	va_list ap;

	free(*c);
	va_start(ap, fmt);
	if (vasprintf(c, fmt, ap) < 0)
		*c = NULL;
	va_end(ap);
}

static const char *cell(const struct table *t, unsigned int r, unsigned int c)
{
	const char *s = t->cell[r * t->cols + c];

	return s ? s : "";
}

static void table_markdown(FILE *f, const struct table *t)
{
	unsigned int r, c;

	if (t->rows < 2)
		return;
	fprintf(f, "\n%s\n\n", t->title);
	for (r = 0; r < t->rows; r++) {
		for (c = 0; c < t->cols; c++) {
			const char *s = cell(t, r, c);

			fputs("| ", f);
			for (; *s; s++)	/* a | inside a cell would end it */
				fputs(*s == '|' ? "\\|" : (char[2]){ *s, 0 }, f);
			fputc(' ', f);
		}
		fputs("|\n", f);
		if (!r) {
			for (c = 0; c < t->cols; c++)
				fputs(c < t->left ? "|---" : "|--:", f);
			fputs("|\n", f);
		}
	}
}

static void table_text(FILE *f, const struct table *t)
{
	size_t width[MAX_COLS] = { 0 };
	unsigned int r, c;

	if (t->rows < 2)
		return;
	for (r = 0; r < t->rows; r++)
		for (c = 0; c < t->cols && c < MAX_COLS; c++)
			if (strlen(cell(t, r, c)) > width[c])
				width[c] = strlen(cell(t, r, c));
	fprintf(f, "%s\n", t->title);
	for (r = 0; r < t->rows; r++) {
		for (c = 0; c < t->cols && c < MAX_COLS; c++)
			fprintf(f, c < t->left ? "  %-*s" : "  %*s", (int)width[c], cell(t, r, c));
		fputc('\n', f);
	}
	fputc('\n', f);
}

static void table_out(FILE *f, const struct table *t, bool md)
{
	if (md)
		table_markdown(f, t);
	else
		table_text(f, t);
}

static void table_free(struct table *t)
{
	unsigned int i;

	for (i = 0; i < t->rows * t->cols; i++)
		free(t->cell[i]);
	free(t->cell);
}

/* "42.1 (3%)", and NOISY after it when the spread is over the threshold. */
static void set_figure(struct table *t, unsigned int col, json_object *stats, double scale,
		       const char *unit)
{
	struct bench_stats st;
	unsigned int runs;
	double sp;

	if (!report_stats(stats, &st, &runs)) {
		table_set(t, col, "-");
		return;
	}
	sp = spread_of(&st);
	table_set(t, col, "%.*f%s (%.0f%%)%s", fabs(st.median * scale) < 10 ? 2 : 1,
		  st.median * scale, unit, 100 * sp, sp > BENCH_NOISY_SPREAD ? " NOISY" : "");
}

/*
 * A figure derived from a measured one, such as an overhead (path - raw) /
 * raw, whose median may be near 0: "+3.1% (+1.7..+11.6)", NOISY when the
 * measured figure of its row is.
 */
static void set_range(struct table *t, unsigned int col, json_object *stats, double scale,
		      const char *unit, bool noisy)
{
	struct bench_stats st;
	unsigned int runs;

	if (!report_stats(stats, &st, &runs)) {
		table_set(t, col, "-");
		return;
	}
	table_set(t, col, "%+.1f%s (%+.1f..%+.1f)%s", st.median * scale, unit, st.min * scale,
		  st.max * scale, noisy ? " NOISY" : "");
}

/* ---- the summaries ---- */


static double median_of(json_object *stats)
{
	return report_number(stats, "median");
}

/* o[key], a count, as text: "-" when the JSON does not have it. */
static const char *count_of(char *buf, size_t size, json_object *o, const char *key)
{
	double v = report_number(o, key);

	if (isnan(v))
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%.0f", v);
	return buf;
}

/*
 * crypto: one row a group (profile, direction, payload): one fixed ksrtp
 * variant, libsrtp2 and the raw ceiling side by side, with the ratios
 * measured per round. A fixed one, not the fastest of ksrtp's rows: the best
 * of three noisy medians against one would flatter ksrtp.
 */
#define CRYPTO_SUBJECT "ksrtp batch 32"

static void crypto_summary(json_object *j, struct table *t)
{
	json_object *groups = report_array(j, "groups");
	size_t g, i;

	table_init(t, "crypto: SRTP ns/packet (spread), one CPU, user engine (libksrtp on "
		      "ipsec-mb); ratios per round, median", 8);
	t->left = 3;
	table_row(t);
	table_set(t, 0, "profile");
	table_set(t, 1, "dir");
	table_set(t, 2, "payload");
	table_set(t, 3, CRYPTO_SUBJECT);
	table_set(t, 4, "libsrtp2");
	table_set(t, 5, "raw ipsec-mb");
	table_set(t, 6, CRYPTO_SUBJECT " vs libsrtp2");
	table_set(t, 7, CRYPTO_SUBJECT ", %% of raw");
	for (g = 0; groups && g < json_object_array_length(groups); g++) {
		json_object *grp = json_object_array_get_idx(groups, g);
		json_object *cs = report_array(grp, "contenders"), *subj = NULL, *ref = NULL;
		json_object *ceil = NULL;
		const char *ref_name = report_string(grp, "reference");
		const char *ceil_name = report_string(grp, "ceiling");

		for (i = 0; cs && i < json_object_array_length(cs); i++) {
			json_object *c = json_object_array_get_idx(cs, i);
			const char *name = report_string(c, "name");

			if (!strcmp(name, CRYPTO_SUBJECT))
				subj = c;
			if (*ref_name && !strcmp(name, ref_name))
				ref = c;
			if (*ceil_name && !strcmp(name, ceil_name))
				ceil = c;
		}
		if (!subj && !ref)
			continue;
		table_row(t);
		table_set(t, 0, "%s", report_string(grp, "profile"));
		table_set(t, 1, "%s", report_string(grp, "direction"));
		table_set(t, 2, "%.0f B", report_number(grp, "payload_bytes"));
		set_figure(t, 3, report_member(subj, "ns_per_pkt"), 1, "");
		set_figure(t, 4, report_member(ref, "ns_per_pkt"), 1, "");
		set_figure(t, 5, report_member(ceil, "ns_per_pkt"), 1, "");
		set_figure(t, 6, report_member(subj, "vs_reference"), 1, "x");
		set_figure(t, 7, report_member(subj, "pct_of_ceiling"), 1, "%");
	}
}

/* kernel: per batch, each path's ABI overhead over the module's raw AEAD loop. */
static void kernel_summary(json_object *j, const struct report_step *s, struct table *t)
{
	static char title[320];
	json_object *batches = report_array(j, "batches"), *first, *cs;
	size_t b, i, n;
	char num[32];

	snprintf(title, sizeof(title), "kernel (%s): ABI overhead per packet over the "
		 "module's raw AEAD loop, (path - raw) / raw: median (min..max); NOISY: the "
		 "path's ns/pkt spread > 10%%", s->where);
	first = batches ? json_object_array_get_idx(batches, 0) : NULL;
	cs = report_array(first, "contenders");
	n = cs ? json_object_array_length(cs) : 0;
	if (n + 2 > MAX_COLS)
		n = MAX_COLS - 2;
	table_init(t, title, (unsigned int)n + 1);
	table_row(t);
	table_set(t, 0, "batch");
	for (i = 0; i < n; i++)
		table_set(t, (unsigned int)i + 1, "%s",
			  report_string(json_object_array_get_idx(cs, i), "name"));
	for (b = 0; batches && b < json_object_array_length(batches); b++) {
		json_object *grp = json_object_array_get_idx(batches, b);

		cs = report_array(grp, "contenders");
		table_row(t);
		table_set(t, 0, "%s", count_of(num, sizeof(num), grp, "batch"));
		for (i = 0; i < n && cs && i < json_object_array_length(cs); i++) {
			json_object *c = json_object_array_get_idx(cs, i);
			const char *role = report_string(c, "role");

			if (!strcmp(role, "ceiling"))
				set_figure(t, (unsigned int)i + 1, report_member(c, "ns_per_pkt"), 1,
					   " ns");
			else
				set_range(t, (unsigned int)i + 1, report_member(c, "abi_overhead"), 100,
					  "%", json_object_get_boolean(report_member(c, "noisy")));
		}
	}
}

/* A line of a summary's list: "- ..." in markdown, indented in text. */
static void __attribute__((format(printf, 3, 4)))
item(FILE *f, bool md, const char *fmt, ...)
{
	va_list ap;

	fputs(md ? "- " : "  ", f);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
}

/* "0.81 (median of 7 runs; min 0.64, max 0.90; spread 32%, NOISY)", unit after the median */
static void describe_stats(char *buf, size_t size, json_object *stats, const char *fmt,
			   const char *unit)
{
	struct bench_stats st;
	unsigned int runs;
	char med[32], lo[32], hi[32];
	double sp;

	if (!report_stats(stats, &st, &runs)) {
		snprintf(buf, size, "not recorded");
		return;
	}
	sp = spread_of(&st);
	snprintf(med, sizeof(med), fmt, st.median);
	snprintf(lo, sizeof(lo), fmt, st.min);
	snprintf(hi, sizeof(hi), fmt, st.max);
	snprintf(buf, size, "%s%s (median of %u runs; min %s, max %s; spread %.0f%%%s)", med, unit,
		 runs, lo, hi, 100 * sp, sp > BENCH_NOISY_SPREAD ? ", NOISY" : "");
}

/*
 * ksrtp's scaling target on fanout --threads: the largest count measured
 * and its efficiency, and whether every count from 1 to
 * FANOUT_SCALING_THREADS delivered at least FANOUT_SCALING_TARGET x linear
 * (medians), which only a machine with a CPU for each of its threads can
 * say: a forwarder each, and a receiving thread each where fanout says it
 * runs them ("receiving_threads"). The CPUs it may use are "cpus_available"
 * where it records them (a cpuset can allow fewer than are online).
 */
static void scaling_verdict(FILE *f, json_object *scaling, json_object *machine, bool md)
{
	json_object *counts = report_array(scaling, "counts");
	json_object *largest = NULL, *worst = NULL, *at_target = NULL;
	json_object *pinned = report_member(scaling, "pinned");
	double online = report_number(machine, "online_cpus");
	double avail = report_number(scaling, "cpus_available");
	double cpus = avail > 0 ? avail : online;
	bool receivers = report_number(scaling, "receiving_threads") > 0;
	int needed = FANOUT_SCALING_THREADS * (receivers ? 2 : 1);
	double worst_e = NAN;
	char eff[160], where[96] = "";
	size_t i;

	for (i = 0; counts && i < json_object_array_length(counts); i++) {
		json_object *c = json_object_array_get_idx(counts, i);
		double t = report_number(c, "threads");
		double e = median_of(report_member(c, "scaling_efficiency"));

		if (isnan(t))
			continue;	/* no thread count: not a count fanout ran */
		if (!largest || t > report_number(largest, "threads"))
			largest = c;
		/* one with no efficiency recorded is the worst: the target is not met unseen */
		if (t > 1 && t <= FANOUT_SCALING_THREADS && (!worst || isnan(e) || e < worst_e)) {
			worst = c;
			worst_e = e;
		}
		if (t == FANOUT_SCALING_THREADS)
			at_target = c;
	}
	if (!largest)
		return;
	if (avail > 0 && avail != online)
		snprintf(where, sizeof(where), " (%.0f of them available to it)", avail);
	fprintf(f, "\n%sScaling target (ksrtp's: >= %.2f x linear from 1 to %d threads)%s, on %s, "
		   "%.0f CPUs online%s:\n\n", md ? "**" : "", FANOUT_SCALING_TARGET,
		FANOUT_SCALING_THREADS, md ? "**" : "", *report_string(machine, "cpu_model") ?
		report_string(machine, "cpu_model") : "an unnamed CPU", online, where);
	describe_stats(eff, sizeof(eff), report_member(largest, "scaling_efficiency"), "%.2f",
		       " x linear");
	item(f, md, "largest thread count measured: %.0f, efficiency %s", report_number(largest,
	     "threads"), eff);
	if (*report_string(scaling, "receiving"))
		item(f, md, "receivers: %s", report_string(scaling, "receiving"));
	if (isnan(cpus) || cpus < needed)
		item(f, md, "target: %snot measurable here%s: this machine has %.0f CPUs; run make "
		     "bench-static and the static binaries on a machine with >= %d cores%s",
		     md ? "**" : "", md ? "**" : "", cpus, needed, receivers ?
		     " (a forwarder and its receiving thread each get one)" : "");
	else if (pinned && !json_object_get_boolean(pinned))
		item(f, md, "target: %snot measured%s: fanout did not pin its threads (%s)",
		     md ? "**" : "", md ? "**" : "", report_string(scaling, "pin_note"));
	else if (!at_target)
		item(f, md, "target: not measured: fanout ran no %d-thread count (--threads)",
		     FANOUT_SCALING_THREADS);
	else if (isnan(worst_e))
		item(f, md, "target: not measured: the %.0f-thread count has no scaling efficiency "
		     "recorded", report_number(worst, "threads"));
	else if (worst_e >= FANOUT_SCALING_TARGET)
		item(f, md, "target: %smet%s: every count from 2 to %d threads at >= %.2f (the "
		     "lowest, %.0f threads: %.2f; medians)", md ? "**" : "", md ? "**" : "",
		     FANOUT_SCALING_THREADS, FANOUT_SCALING_TARGET, report_number(worst, "threads"),
		     worst_e);
	else
		item(f, md, "target: %snot met%s: %.0f threads delivered %.2f x linear (median), "
		     "under %.2f", md ? "**" : "", md ? "**" : "", report_number(worst, "threads"),
		     worst_e, FANOUT_SCALING_TARGET);
}

/*
 * fanout: per N receivers, each contender's delivered packets/s per core
 * (its CPU time) and added latency a frame, the ratio per round; then, if
 * fanout ran with --threads, each thread count's delivered packets/s and its
 * scaling efficiency (against that many times the same round's one-thread
 * rate).
 */
static void fanout_summary(FILE *f, const struct report *r, const struct report_step *s,
			   bool md)
{
	json_object *groups = report_array(s->json, "groups");
	json_object *counts = report_array(report_member(s->json, "scaling"), "counts");
	json_object *first = groups ? json_object_array_get_idx(groups, 0) : NULL;
	json_object *cs = report_array(first, "contenders");
	size_t g, i, n = cs ? json_object_array_length(cs) : 0;
	char num[32];
	struct table t;

	if (n > (MAX_COLS - 2) / 2)
		n = (MAX_COLS - 2) / 2;
	table_init(&t, "fanout: delivered Mpkt/s per core, median (spread); added latency a frame, "
		       "p50 / p99", (unsigned int)(2 + 2 * n));
	table_row(&t);
	table_set(&t, 0, "receivers");
	for (i = 0; i < n; i++) {
		const char *name = report_string(json_object_array_get_idx(cs, i), "name");

		table_set(&t, (unsigned int)(1 + 2 * i), "%s", name);
		table_set(&t, (unsigned int)(2 + 2 * i), "latency");
	}
	table_set(&t, (unsigned int)(1 + 2 * n), "first vs reference");
	for (g = 0; groups && g < json_object_array_length(groups); g++) {
		json_object *grp = json_object_array_get_idx(groups, g);

		cs = report_array(grp, "contenders");
		table_row(&t);
		table_set(&t, 0, "%s", count_of(num, sizeof(num), grp, "receivers"));
		for (i = 0; i < n && cs && i < json_object_array_length(cs); i++) {
			json_object *c = json_object_array_get_idx(cs, i);
			json_object *lat = report_member(c, "frame_latency");

			set_figure(&t, (unsigned int)(1 + 2 * i), report_member(c, "mpkt_per_s"), 1, "");
			table_set(&t, (unsigned int)(2 + 2 * i), "%.0f / %.0f us",
				  report_number(lat, "p50_ns") / 1e3, report_number(lat, "p99_ns") / 1e3);
		}
		set_figure(&t, (unsigned int)(1 + 2 * n), report_member(cs ?
			   json_object_array_get_idx(cs, 0) : NULL, "vs_reference"), 1, "x");
	}
	table_out(f, &t, md);
	table_free(&t);
	if (!counts)
		return;
	table_init(&t, "fanout --threads: forwarders at once, each its own ring, sessions and "
		       "socket; median (spread)", 5);
	table_row(&t);
	table_set(&t, 0, "threads");
	table_set(&t, 1, "receivers");
	table_set(&t, 2, "delivered pkt/s, all");
	table_set(&t, 3, "CPU ns a packet");
	table_set(&t, 4, "scaling efficiency");
	for (i = 0; i < json_object_array_length(counts); i++) {
		json_object *c = json_object_array_get_idx(counts, i);

		table_row(&t);
		table_set(&t, 0, "%s", count_of(num, sizeof(num), c, "threads"));
		table_set(&t, 1, "%s", count_of(num, sizeof(num), c, "receivers"));
		set_figure(&t, 2, report_member(c, "delivered_pkt_per_s"), 1, "");
		set_figure(&t, 3, report_member(c, "cpu_ns_per_pkt"), 1, "");
		set_figure(&t, 4, report_member(c, "scaling_efficiency"), 1, "");
	}
	table_out(f, &t, md);
	table_free(&t);
	/* the machine fanout ran on, as it recorded it */
	scaling_verdict(f, report_member(s->json, "scaling"), report_object(s->json, "machine") ?
			report_object(s->json, "machine") : r->machine_json, md);
}

/*
 * load and soak: verdicts, not timings. Their JSON (load.c, soak.c) has
 * grown members over time (setup, SRTCP counted apart); what a report
 * finds, it shows, and it says what it did not find.
 */

static void load_setup_item(FILE *f, json_object *setup, bool md)
{
	double every = report_number(setup, "rtcp_every");
	double threads = report_number(setup, "relay_threads");
	char rtcp[96] = "RTP only";

	if (!setup)
		return;
	if (every > 0)
		snprintf(rtcp, sizeof(rtcp), "an SRTCP packet per stream after every %.0f RTP "
			 "(rates count RTP)", every);
	item(f, md, "setup: ksrtp-relay, %.0f worker%s on %s, %.0f senders -> %.0f receivers "
	     "(each gets every stream), %s, %.0f-byte payload, --engine %s; %s",
	     threads, threads == 1 ? "" : "s",
	     report_number(setup, "family") == 6 ? "[::1] (IPv6)" : "127.0.0.1 (IPv4)",
	     report_number(setup, "senders"), report_number(setup, "receivers"),
	     report_string(setup, "profile"), report_number(setup, "payload_bytes"),
	     report_string(setup, "engine"), rtcp);
}

/* Offered under this fraction of the rate asked for: the generator fell short. */
#define SHORT_OF_TARGET 0.95

/* What the capacity search found (load_capacity(), in both load and soak). */
static void capacity_items(FILE *f, json_object *j, bool md)
{
	json_object *saturated = report_member(j, "relay_saturated");
	json_object *search = report_array(j, "capacity_search");
	json_object *offered_short = report_member(j, "capacity_offered_short");
	double cap = report_number(j, "capacity_pps");
	double kept_up = report_number(j, "capacity_kept_up_s");
	char kept[160] = "";
	double receivers = report_number(report_member(j, "setup"), "receivers");
	char buf[200];

	describe_stats(buf, sizeof(buf), report_member(j, "overload_pps"), "%.0f", " packets/s in");
	item(f, md, "forwarded in overload (as much as the senders can offer): %s", buf);
	if (saturated && !json_object_get_boolean(saturated))
		item(f, md, "%sthe relay was never saturated%s: its socket dropped nothing even "
		     "in overload, so these rates are the load generator's limit on this machine, "
		     "not the relay's; the relay's own capacity is higher", md ? "**" : "",
		     md ? "**" : "");
	else if (saturated)
		item(f, md, "the relay was saturated (its socket dropped packets in overload): "
		     "the rates are the relay's");
	if (isnan(cap))
		return;
	/* Newer JSON: every run of the rate kept up with, within kept_up s of the end. */
	if (!isnan(kept_up))
		snprintf(kept, sizeof(kept), ", in every run, each kept up with (its last delivery "
			 "within %.0f ms of the sending's end)", 1e3 * kept_up);
	if (cap > 0 && !isnan(receivers))
		item(f, md, "capacity: %.0f packets/s in (%.0f out): the highest rate tried that "
		     "lost nothing%s", cap, cap * receivers, kept);
	else if (cap > 0)
		item(f, md, "capacity: %.0f packets/s in: the highest rate tried that lost nothing%s",
		     cap, kept);
	else
		item(f, md, "capacity: none found: every rate tried lost packets%s",
		     isnan(kept_up) ? "" : " or fell behind");
	if (cap > 0 && offered_short) {
		/* load records what it offered as the capacity, and says when it fell short */
		if (json_object_get_boolean(offered_short))
			item(f, md, "%sthe generator fell short of the rate asked for%s: the capacity "
			     "is what it offered, %.0f of %.0f packets/s; the relay's may be higher",
			     md ? "**" : "", md ? "**" : "", cap,
			     report_number(j, "capacity_target_pps"));
	} else if (cap > 0 && search && json_object_array_length(search)) {
		/* older JSON: the capacity was the rate asked for, the search's last run
		 * the one that lost nothing */
		json_object *last = json_object_array_get_idx(search,
							      json_object_array_length(search) - 1);
		double offered = report_number(last, "offered_pps");

		if (offered < SHORT_OF_TARGET * cap)
			item(f, md, "%sthat capacity is the rate asked for, not reached%s: in that "
			     "run the generator offered only %.0f packets/s (%.0f%% of it)",
			     md ? "**" : "", md ? "**" : "", offered, 100 * offered / cap);
	}
}

/* A run at a set rate: offered against the rate asked for, and every packet's fate. */
static void run_items(FILE *f, const char *what, json_object *run, double cap, bool md)
{
	json_object *rtcp = report_member(run, "rtcp");
	json_object *accounted = report_member(run, "accounted");
	double offered = report_number(run, "offered_pps");
	double target = report_number(run, "target_pps");
	char a[32], b[32], c[32], d[32], e[32], pct[48] = "";

	if (!run)
		return;
	if (cap > 0)
		snprintf(pct, sizeof(pct), " (%.0f%% of the capacity)", 100 * offered / cap);
	if (!isnan(target) && target > 0)
		item(f, md, "%s: offered %.0f packets/s%s against a target of %.0f%s; the relay "
		     "forwarded %.0f in", what, offered, pct, target, offered < SHORT_OF_TARGET * target ?
		     " (the generator fell short: it ran below the rate asked for)" : "",
		     report_number(run, "relay_pps"));
	else
		item(f, md, "%s: offered %.0f packets/s%s; the rate asked for (capacity x "
		     "--fraction) is not in this JSON; the relay forwarded %.0f in", what, offered,
		     pct, report_number(run, "relay_pps"));
	item(f, md, "RTP: %s of %s deliveries lost, %s damaged or duplicated (%s sent)",
	     count_of(a, sizeof(a), run, "lost"), count_of(b, sizeof(b), run, "expected"),
	     count_of(c, sizeof(c), run, "bad"), count_of(d, sizeof(d), run, "sent"));
	if (report_number(rtcp, "sent") > 0)
		item(f, md, "SRTCP: %s of %s deliveries lost, %s damaged or duplicated (%s sent, "
		     "%s read by the relay)", count_of(a, sizeof(a), rtcp, "lost"),
		     count_of(b, sizeof(b), rtcp, "expected"), count_of(c, sizeof(c), rtcp, "bad"),
		     count_of(d, sizeof(d), rtcp, "sent"), count_of(e, sizeof(e), rtcp, "relay_read"));
	item(f, md, "drops: relay socket %s (each costs a delivery to every receiver), receiver "
	     "sockets %s, relay seal/send errors %s; every loss accounted for by them: %s",
	     count_of(a, sizeof(a), run, "relay_socket_drops"),
	     count_of(b, sizeof(b), run, "receiver_socket_drops"),
	     count_of(c, sizeof(c), run, "relay_errors"),
	     !accounted ? "not recorded" : json_object_get_boolean(accounted) ? "yes" : "NO");
}

static void verdict_item(FILE *f, json_object *j, bool md)
{
	json_object *ok = report_member(j, "ok");

	item(f, md, "verdict: %s%s%s", md ? "**" : "",
	     !ok ? "not recorded" : json_object_get_boolean(ok) ? "PASS" : "FAIL", md ? "**" : "");
}

static void load_summary(FILE *f, const struct report_step *s, bool md)
{
	json_object *j = s->json;
	double cap = report_number(j, "capacity_pps");

	fprintf(f, md ? "\n**load**: ksrtp-relay on loopback, every delivered packet "
			"authenticated and counted once\n\n" :
			"load: ksrtp-relay on loopback, every delivered packet authenticated and "
			"counted once\n");
	load_setup_item(f, report_member(j, "setup"), md);
	capacity_items(f, j, md);
	run_items(f, "below-capacity check", report_member(j, "below_capacity"), cap, md);
	if (report_member(j, "forwarded_pps")) {	/* load --rate: no capacity search */
		char buf[200];

		describe_stats(buf, sizeof(buf), report_member(j, "forwarded_pps"), "%.0f",
			       " packets/s in");
		item(f, md, "forwarded at the rate asked for: %s", buf);
	}
	verdict_item(f, j, md);
	if (!md)
		fputc('\n', f);
}

static void soak_summary(FILE *f, const struct report_step *s, bool md)
{
	json_object *j = s->json, *rss = report_array(j, "rss_kib");
	json_object *run = report_member(j, "soak");
	double cap = report_number(j, "capacity_pps"), lo = NAN, hi = NAN;
	size_t i, n = rss ? json_object_array_length(rss) : 0;

	fprintf(f, md ? "\n**soak**: ksrtp-relay under steady load for %.0f s, a SIGHUP reload "
			"half-way, its RSS sampled once a second\n\n" :
			"soak: ksrtp-relay under steady load for %.0f s, a SIGHUP reload half-way, "
			"its RSS sampled once a second\n", report_number(run, "seconds"));
	load_setup_item(f, report_member(j, "setup"), md);
	capacity_items(f, j, md);
	run_items(f, "soak", run, cap, md);
	for (i = 0; i < n; i++) {
		double v = json_object_get_double(json_object_array_get_idx(rss, i));

		lo = isnan(lo) || v < lo ? v : lo;
		hi = isnan(hi) || v > hi ? v : hi;
	}
	if (n)
		item(f, md, "relay RSS: first sample %.0f KiB, min %.0f, max %.0f, last %.0f KiB "
		     "(%zu samples); growth %+.0f KiB (soak's measure: its warm baseline to the "
		     "largest sample of the last quarter)",
		     json_object_get_double(json_object_array_get_idx(rss, 0)), lo, hi,
		     json_object_get_double(json_object_array_get_idx(rss, n - 1)), n,
		     report_number(j, "rss_growth_kib"));
	else
		item(f, md, "relay RSS: no samples recorded");
	verdict_item(f, j, md);
	if (!md)
		fputc('\n', f);
}

/* Any other subcommand: each row's measured figure. */
static void generic_row(const struct report_row *row, void *arg)
{
	struct table *t = arg;

	table_row(t);
	table_set(t, 0, "%s", row->label);
	table_set(t, 1, "%s", row->metric);
	set_figure(t, 2, report_member(row->obj, row->metric), 1, "");
	table_set(t, 3, "%.4g..%.4g", row->st.min, row->st.max);
	table_set(t, 4, "%u", row->runs);
}

static void generic_table(const char *command, json_object *j, struct table *t)
{
	static char titles[REPORT_MAX_STEPS][96];
	static unsigned int n;
	char *title = titles[n++ % REPORT_MAX_STEPS];

	snprintf(title, sizeof(titles[0]), "%s: every figure, median (spread)", command);
	table_init(t, title, 5);
	t->left = 2;
	table_row(t);
	table_set(t, 0, "figure");
	table_set(t, 1, "metric");
	table_set(t, 2, "median (spread)");
	table_set(t, 3, "min..max");
	table_set(t, 4, "runs");
	report_walk(command, j, generic_row, t);
}

static bool is_scalar(json_object *v)
{
	return v && !json_object_is_type(v, json_type_object) &&
	       !json_object_is_type(v, json_type_array);
}

/*
 * A subcommand with no timed figure (privacy counts packet sizes): each
 * array of records in its output as a table of their numbers and strings.
 */
static void records_tables(FILE *f, const struct report_step *s, bool md)
{
	/* A subcommand writes an object; a VM's JSON file may hold anything. */
	if (!json_object_is_type(s->json, json_type_object))
		return;
	json_object_object_foreach(s->json, key, val) {
		json_object *first = json_object_is_type(val, json_type_array) ?
				     json_object_array_get_idx(val, 0) : NULL;
		const char *cols[MAX_COLS];
		unsigned int n = 0, c;
		char title[128];
		struct table t;
		size_t i;

		if (!json_object_is_type(first, json_type_object))
			continue;
		json_object_object_foreach(first, k, v)
			if (is_scalar(v) && n < MAX_COLS)
				cols[n++] = k;
		snprintf(title, sizeof(title), "%s: %s", s->name, key);
		table_init(&t, title, n);
		table_row(&t);
		for (c = 0; c < n; c++)
			table_set(&t, c, "%s", cols[c]);
		for (i = 0; i < json_object_array_length(val); i++) {
			json_object *rec = json_object_array_get_idx(val, i);

			table_row(&t);
			for (c = 0; c < n; c++) {
				json_object *cell_v = report_member(rec, cols[c]);

				if (json_object_is_type(cell_v, json_type_double))
					table_set(&t, c, "%.4g", json_object_get_double(cell_v));
				else
					table_set(&t, c, "%s", is_scalar(cell_v) ?
						  json_object_get_string(cell_v) : "-");
			}
		}
		table_out(f, &t, md);
		table_free(&t);
	}
}

/* The summary tables of one step that wrote its JSON. */
static void step_summary(FILE *f, const struct report *r, const struct report_step *s,
			 bool md)
{
	struct table t;

	if (s->status == STEP_FAILED)
		fprintf(f, md ? "\n**%s FAILED**: %s. What it measured:\n" : "%s FAILED: %s. "
			    "What it measured:\n", s->name, s->why);
	if (!strcmp(s->name, "fanout")) {
		fanout_summary(f, r, s, md);
		return;
	}
	if (!strcmp(s->name, "load")) {
		load_summary(f, s, md);
		return;
	}
	if (!strcmp(s->name, "soak")) {
		soak_summary(f, s, md);
		return;
	}
	if (!strcmp(s->name, "crypto"))
		crypto_summary(s->json, &t);
	else if (!strcmp(s->name, "kernel"))
		kernel_summary(s->json, s, &t);
	else
		generic_table(s->name, s->json, &t);
	if (t.rows > 1)
		table_out(f, &t, md);
	else
		records_tables(f, s, md);
	table_free(&t);
}

/* ---- noisy and short figures ---- */

struct flagged {
	json_object *noisy;	/* array */
	json_object *short_runs;
	unsigned int min_runs;
};

static void flag_row(const struct report_row *row, void *arg)
{
	struct flagged *fl = arg;
	json_object *o;

	if (row->noisy) {
		o = json_object_new_object();
		json_object_object_add(o, "command", json_object_new_string(row->command));
		json_object_object_add(o, "figure", json_object_new_string(row->label));
		json_object_object_add(o, "metric", json_object_new_string(row->metric));
		json_object_object_add(o, "median", json_object_new_double(row->st.median));
		json_object_object_add(o, "min", json_object_new_double(row->st.min));
		json_object_object_add(o, "max", json_object_new_double(row->st.max));
		json_object_object_add(o, "spread", json_object_new_double(spread_of(&row->st)));
		json_object_array_add(fl->noisy, o);
	}
	if (row->min_runs < fl->min_runs) {
		o = json_object_new_object();
		json_object_object_add(o, "command", json_object_new_string(row->command));
		json_object_object_add(o, "figure", json_object_new_string(row->label));
		json_object_object_add(o, "runs", json_object_new_int64(row->min_runs));
		json_object_array_add(fl->short_runs, o);
	}
}

static void flagged_of(const struct report *r, struct flagged *fl)
{
	fl->noisy = json_object_new_array();
	fl->short_runs = json_object_new_array();
	fl->min_runs = r->common.quick ? 0 : REPORT_MIN_RUNS;
	walk_steps(r, flag_row, fl);
}

/* ---- report.json ---- */

static const char *status_name(enum report_status s)
{
	static const char *const names[] = {
		[STEP_PENDING] = "not run",
		[STEP_OK] = "ok",
		[STEP_FAILED] = "failed",
		[STEP_SKIPPED] = "skipped",
	};

	return names[s];
}

/* The gcm(aes) driver the module used, from ksrtp-bench kernel's INFO. */
static json_object *kernel_path_json(const struct report *r)
{
	const struct report_step *s = report_step_ok(r, "kernel");
	json_object *o, *module, *guest;

	if (!s)
		return NULL;
	module = report_member(s->json, "module");
	guest = report_member(s->json, "machine");
	o = json_object_new_object();
	json_object_object_add(o, "where", json_object_new_string(s->where));
	json_object_object_add(o, "gcm_aes_driver", json_object_get(report_member(module, "driver")));
	json_object_object_add(o, "driver_async", json_object_get(report_member(module, "driver_async")));
	json_object_object_add(o, "cpu_model", json_object_get(report_member(guest, "cpu_model")));
	json_object_object_add(o, "kernel", json_object_get(report_member(guest, "kernel")));
	return o;
}

json_object *report_json(const struct report *r)
{
	json_object *root = json_object_new_object(), *steps = json_object_new_array();
	json_object *results = json_object_new_object(), *method = json_object_new_object();
	json_object *plots = json_object_new_array();
	struct flagged fl;
	unsigned int i;

	json_object_object_add(root, "tool", json_object_new_string("ksrtp-bench report"));
	json_object_object_add(root, "git_commit", json_object_new_string(r->commit));
	json_object_object_add(root, "date", json_object_new_string(report_string(r->machine_json,
										  "date")));
	json_object_object_add(root, "quick", json_object_new_boolean(r->common.quick));
	json_object_object_add(method, "runs", r->runs_set || !r->common.quick
					       ? json_object_new_int64(r->common.runs) : NULL);
	json_object_object_add(method, "min_runs", json_object_new_int64(REPORT_MIN_RUNS));
	json_object_object_add(method, "noisy_spread", json_object_new_double(BENCH_NOISY_SPREAD));
	json_object_object_add(method, "figures", json_object_new_string(
		"each subcommand runs its contenders interleaved (A B C, A B C, ...) in one "
		"run, except the figures labelled 'runs of its own' (crypto's stream scaling "
		"runs libsrtp2 after ksrtp's, not interleaved); a figure is the median of its "
		"runs, shown with min and max"));
	json_object_object_add(root, "method", method);
	json_object_object_add(root, "machine", json_object_get(r->machine_json));
	json_object_object_add(root, "kernel_path", kernel_path_json(r));
	for (i = 0; i < r->n_steps; i++) {
		const struct report_step *s = &r->steps[i];
		json_object *o = json_object_new_object();

		json_object_object_add(o, "command", json_object_new_string(s->name));
		json_object_object_add(o, "args", json_object_new_string(s->args));
		json_object_object_add(o, "where", json_object_new_string(s->where));
		json_object_object_add(o, "status", json_object_new_string(status_name(s->status)));
		if (*s->why)
			json_object_object_add(o, "why", json_object_new_string(s->why));
		json_object_object_add(o, "estimate_seconds", json_object_new_double(s->estimate_s));
		if (s->status == STEP_OK || s->status == STEP_FAILED) {
			json_object_object_add(o, "seconds", json_object_new_double(s->seconds));
			json_object_object_add(o, "exit_code", json_object_new_int(s->exit_code));
			json_object_object_add(o, "log", json_object_new_string(s->log_path));
		}
		json_object_array_add(steps, o);
		if (s->json)	/* a failed step's too: what it measured before failing */
			json_object_object_add(results, s->name, json_object_get(s->json));
	}
	json_object_object_add(root, "steps", steps);
	json_object_object_add(root, "results", results);
	flagged_of(r, &fl);
	json_object_object_add(root, "noisy", fl.noisy);
	json_object_object_add(root, "fewer_runs", fl.short_runs);
	for (i = 0; i < r->n_plots; i++)
		json_object_array_add(plots, json_object_new_string(r->plots[i]));
	json_object_object_add(root, "plots", plots);
	return root;
}

/* ---- report.md ---- */

/* The machine as report.json records it (a --redraw has no other). */
static void machine_markdown(FILE *f, const struct report *r)
{
	json_object *m = r->machine_json, *load = report_array(m, "loadavg");
	json_object *caches = report_member(m, "cache_bytes"), *lib = report_member(m, "libksrtp");
	json_object *flags = report_object(m, "cpu_flags"), *all = report_array(m, "cpu_flags_all");
	const struct report_step *k = report_step_ok(r, "kernel");
	size_t i, n;

	fprintf(f, "## Machine\n\n");
	fprintf(f, "- CPU: %s, %.0f online CPUs; load average at start", report_string(m, "cpu_model"),
		report_number(m, "online_cpus"));
	for (i = 0; load && i < json_object_array_length(load); i++)
		fprintf(f, " %.2f", json_object_get_double(json_object_array_get_idx(load, i)));
	fprintf(f, "\n");
	if (report_member(m, "cpu_family"))
		fprintf(f, "- CPU identity: %s family %.0f model %.0f stepping %.0f, microcode %s\n",
			report_string(m, "cpu_vendor"), report_number(m, "cpu_family"),
			report_number(m, "cpu_model_number"), report_number(m, "cpu_stepping"),
			*report_string(m, "cpu_microcode") ? report_string(m, "cpu_microcode") : "-");
	if (report_member(m, "hypervisor"))
		fprintf(f, "- Hypervisor: %s\n",
			report_string(report_member(m, "hypervisor"), "description"));
	fprintf(f, "- CPU flags for crypto:");
	n = 0;
	if (flags) {
		json_object_object_foreach(flags, flag, has)
			fprintf(f, "%s %s %s", n++ ? "," : "", flag,
				json_object_get_boolean(has) ? "yes" : "**no**");
	}
	fprintf(f, "%s\n", n ? "" : " -");
	n = all ? json_object_array_length(all) : 0;
	if (n) {
		fprintf(f, "- <details><summary>all %zu CPU flags</summary>\n\n ", n);
		for (i = 0; i < n; i++) {
			json_object *flag = json_object_array_get_idx(all, i);

			/* a JSON null is a NULL object, whose string is NULL: no %s */
			fprintf(f, " %s", json_object_is_type(flag, json_type_string) ?
				json_object_get_string(flag) : "-");
		}
		fprintf(f, "\n\n  </details>\n");
	}
	fprintf(f, "- Caches (cpu 0): L1d %.0f KiB, L2 %.0f KiB, L3 %.0f KiB\n",
		report_number(caches, "l1d") / 1024, report_number(caches, "l2") / 1024,
		report_number(caches, "l3") / 1024);
	fprintf(f, "- Kernel: %s\n", report_string(m, "kernel"));
	fprintf(f, "- ipsec-mb %s, code path picked: **%s**\n", report_string(m, "ipsec_mb_version"),
		report_string(m, "ipsec_mb_arch"));
	fprintf(f, "- %s (crypto: %s), liburing %s, libvpx %s, json-c %s; %s\n",
		report_string(m, "libsrtp2_version"), report_string(m, "libsrtp2_crypto"),
		report_string(m, "liburing_version"), report_string(m, "libvpx_version"),
		report_string(m, "json_c_version"), report_string(m, "compiler"));
	if (lib)
		fprintf(f, "- libksrtp %s, commit `%s`\n", report_string(lib, "version"),
			report_string(lib, "git_commit"));
	if (k) {
		json_object *module = report_member(k->json, "module");
		json_object *guest = report_member(k->json, "machine");

		fprintf(f, "- Kernel path (%s): `gcm(aes)` driver **%s**%s, guest CPU %s, "
			   "kernel %s\n", k->where, report_string(module, "driver"),
			json_object_get_boolean(report_member(module, "driver_async")) ? " (async)" : "",
			report_string(guest, "cpu_model"), report_string(guest, "kernel"));
	} else {
		fprintf(f, "- Kernel path (`gcm(aes)` driver of ksrtp.ko): not measured, ksrtp-bench "
			   "kernel did not run (see Steps)\n");
	}
	fprintf(f, "- Date %s, commit `%s`%s%s\n", report_string(m, "date"), r->commit,
		r->common.quick ? "; **--quick** (smoke run: short runs, figures only indicative)"
				: "", r->redraw ? "; this report was redrawn from its report.json "
						  "(`ksrtp-bench report --redraw`)" : "");
}

static void steps_markdown(FILE *f, const struct report *r)
{
	unsigned int i;

	fprintf(f, "\n## Steps\n\n| subcommand | where | arguments | status | time |\n"
		   "|---|---|---|---|--:|\n");
	for (i = 0; i < r->n_steps; i++) {
		const struct report_step *s = &r->steps[i];

		fprintf(f, "| %s | %s | `%s` | %s%s%s | ", s->name, s->where, s->args,
			status_name(s->status), *s->why ? ": " : "", s->why);
		if (s->status == STEP_OK || s->status == STEP_FAILED)
			fprintf(f, "%.0f s |\n", s->seconds);
		else
			fprintf(f, "- |\n");
	}
}

static void noisy_markdown(FILE *f, const struct report *r)
{
	struct flagged fl;
	size_t i, n;

	flagged_of(r, &fl);
	n = json_object_array_length(fl.noisy);
	fprintf(f, "\n## Noisy figures\n\n");
	if (!n)
		fprintf(f, "None: every figure's (max - min) / median is within %.0f%%.\n",
			100 * BENCH_NOISY_SPREAD);
	else
		fprintf(f, "%zu figure%s spread more than %.0f%% ((max - min) / median) between "
			   "runs: read them as a range, not a number.\n\n"
			   "| subcommand | figure | metric | median | min..max | spread |\n"
			   "|---|---|---|--:|--:|--:|\n", n, n == 1 ? "" : "s",
			100 * BENCH_NOISY_SPREAD);
	for (i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(fl.noisy, i);

		fprintf(f, "| %s | %s | %s | %.4g | %.4g..%.4g | %.0f%% |\n",
			report_string(o, "command"), report_string(o, "figure"), report_string(o, "metric"),
			report_number(o, "median"), report_number(o, "min"), report_number(o, "max"),
			100 * report_number(o, "spread"));
	}
	n = json_object_array_length(fl.short_runs);
	if (n)
		fprintf(f, "\n**%zu figure%s had fewer than %u runs** (see report.json "
			   "\"fewer_runs\").\n", n, n == 1 ? "" : "s", REPORT_MIN_RUNS);
	json_object_put(fl.noisy);
	json_object_put(fl.short_runs);
}

static void count_apart(const struct report_row *row, void *arg)
{
	*(unsigned int *)arg += row->apart;
}

/* What a plot shows beyond its title, under it. */
static void plot_caption(FILE *f, const struct report *r, unsigned int i)
{
	const char *name = r->plots[i];

	if (!strncmp(name, "crypto-", 7) && (!i || strncmp(r->plots[i - 1], "crypto-", 7)))
		fprintf(f, "*Throughput against payload size: the user engine only (libksrtp on "
			   "ipsec-mb, one CPU), beside libsrtp2 and the raw ipsec-mb ceiling; the "
			   "kernel subcommand measures one payload size, in the VM. Kernel engine: "
			   "see the ABI overhead section; TCG timings are emulation speed.*\n\n");
	if (strstr(name, "-vs-threads"))
		fprintf(f, "*Dashed: ideal linear scaling (threads x the 1-thread median) and "
			   "%.2f x linear, ksrtp's scaling target from 1 to %d threads; the verdict is "
			   "under fanout's summary.*\n\n", FANOUT_SCALING_TARGET,
			FANOUT_SCALING_THREADS);
}

int report_write_markdown(const struct report *r)
{
	char path[PATH_MAX];
	unsigned int i, apart;
	FILE *f;

	snprintf(path, sizeof(path), "%s/report.md", r->out_dir);
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		return -1;
	}
	apart = 0;
	walk_steps(r, count_apart, &apart);
	fprintf(f, "# ksrtp benchmark report\n\n"
		   "Written by `ksrtp-bench report` (`make bench`). Each subcommand measures what "
		   "it compares side by side in one run, its contenders interleaved (A B C, A B C, "
		   "...)%s. Every figure is the median of its runs (%s), shown with its spread, "
		   "(max - min) / median; a spread over %.0f%% is marked NOISY. Each subcommand's "
		   "own output, with its method, is in `<subcommand>.txt` here; every run of every "
		   "figure is in `report.json`.\n\n",
		apart ? ", with one exception, labelled *runs of its own, not interleaved*: "
			"crypto's stream scaling runs libsrtp2 in runs of its own after ksrtp's (so "
			"that its large streams do not evict ksrtp's between runs), so those rows "
			"compare with ksrtp's across runs, not round by round" : "",
		r->common.quick ? "--quick: a smoke run, few short runs"
				: "at least 5 runs each",
		100 * BENCH_NOISY_SPREAD);
	if (report_step_ok(r, "kernel") && strcmp(report_step_ok(r, "kernel")->where, "host"))
		fprintf(f, "**The kernel figures come from a qemu TCG VM: emulation speed. Only "
			   "their ratio to the module's raw AEAD loop in the same guest means "
			   "anything.**\n\n");
	machine_markdown(f, r);
	steps_markdown(f, r);
	fprintf(f, "\n## Summary\n");
	for (i = 0; i < r->n_steps; i++)
		if (r->steps[i].json)
			step_summary(f, r, &r->steps[i], true);
	fprintf(f, "\n## Plots\n\n");
	if (!r->n_plots)
		fprintf(f, "None drawn: %s.\n", r->plot_note);
	for (i = 0; i < r->n_plots; i++) {
		plot_caption(f, r, i);
		fprintf(f, "![%s](%s)\n\n", r->plots[i], r->plots[i]);
	}
	noisy_markdown(f, r);
	fprintf(f, "\n## Every figure\n");
	for (i = 0; i < r->n_steps; i++) {
		struct table t;

		if (!r->steps[i].json)
			continue;
		generic_table(r->steps[i].name, r->steps[i].json, &t);
		if (t.rows > 1) {	/* privacy has no timed figure: its summary is all of it */
			fprintf(f, "\n<details><summary>%s</summary>\n", r->steps[i].name);
			table_markdown(f, &t);
			fprintf(f, "\n</details>\n");
		}
		table_free(&t);
	}
	if (fclose(f)) {
		perror(path);
		return -1;
	}
	return 0;
}

void report_print_summary(FILE *f, const struct report *r)
{
	unsigned int i, noisy;
	struct flagged fl;

	for (i = 0; i < r->n_steps; i++)
		if (r->steps[i].json)
			step_summary(f, r, &r->steps[i], false);
	flagged_of(r, &fl);
	noisy = (unsigned int)json_object_array_length(fl.noisy);
	fprintf(f, "%u noisy figure%s (spread > %.0f%%), listed in report.md%s\n", noisy,
		noisy == 1 ? "" : "s", 100 * BENCH_NOISY_SPREAD,
		json_object_array_length(fl.short_runs) ? "; SOME FIGURES HAVE FEWER THAN 5 RUNS"
							: "");
	json_object_put(fl.noisy);
	json_object_put(fl.short_runs);
}
