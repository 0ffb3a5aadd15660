// SPDX-License-Identifier: MIT
/*
 * ksrtp-bench report: the SVG plots, drawn by gnuplot from a data file and a
 * script written next to them (so a plot can be redrawn or restyled by hand).
 * Every point is a median with its min..max as an error bar.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "fanout.h"
#include "report.h"

#define MAX_SERIES 12
#define MAX_POINTS 16

struct series {
	char title[96];
	bool reference;		/* a dashed line drawn for comparison, not a measurement */
	unsigned int n;
	double x[MAX_POINTS], y[MAX_POINTS], lo[MAX_POINTS], hi[MAX_POINTS];
};

struct plot {
	char name[64];		/* file names: name.dat, name.gp, name.svg */
	char title[160];
	const char *xlabel;
	const char *ylabel;
	bool logx;
	bool y_from_zero;
	unsigned int n;
	struct series s[MAX_SERIES];
};

static struct series *series_of(struct plot *p, const char *title)
{
	unsigned int i;

	for (i = 0; i < p->n; i++)
		if (!strcmp(p->s[i].title, title))
			return &p->s[i];
	if (p->n == MAX_SERIES)
		return NULL;
	snprintf(p->s[p->n].title, sizeof(p->s[0].title), "%s", title);
	return &p->s[p->n++];
}

/* A point of series `title`: x against stats' median, min and max, times scale. */
static void add_point(struct plot *p, const char *title, double x, json_object *stats,
		      double scale)
{
	struct series *s = series_of(p, title);
	struct bench_stats st;
	unsigned int runs;

	if (!s || s->n == MAX_POINTS || !report_stats(stats, &st, &runs))
		return;
	s->x[s->n] = x;
	s->y[s->n] = st.median * scale;
	s->lo[s->n] = st.min * scale;
	s->hi[s->n] = st.max * scale;
	s->n++;
}

/* A string for a gnuplot "..." literal: no quotes or backslashes in it. */
static void gp_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++)
		fputc(*s == '"' || *s == '\\' ? '\'' : *s, f);
	fputc('"', f);
}

static int run_gnuplot(void *arg)
{
	execlp("gnuplot", "gnuplot", (const char *)arg, (char *)NULL);
	return 127;	/* not installed */
}

/* Write name.dat and name.gp, run gnuplot; adds name.svg to r->plots when drawn. */
static void draw(struct report *r, const struct plot *p)
{
	char path[PATH_MAX], gp[80], log[PATH_MAX];
	unsigned int i, k;
	FILE *f;
	int rc;

	if (!p->n || r->n_plots == sizeof(r->plots) / sizeof(r->plots[0]))
		return;
	snprintf(path, sizeof(path), "%s/%s.dat", r->out_dir, p->name);
	f = fopen(path, "w");
	if (!f)
		goto fail;
	for (i = 0; i < p->n; i++) {
		fprintf(f, "# %s\n# x median min max\n", p->s[i].title);
		for (k = 0; k < p->s[i].n; k++)
			fprintf(f, "%g %g %g %g\n", p->s[i].x[k], p->s[i].y[k], p->s[i].lo[k],
				p->s[i].hi[k]);
		fprintf(f, "\n\n");	/* the next gnuplot index */
	}
	if (fclose(f))
		goto fail;
	snprintf(path, sizeof(path), "%s/%s.gp", r->out_dir, p->name);
	f = fopen(path, "w");
	if (!f)
		goto fail;
	fprintf(f, "# %s.svg from %s.dat: median, error bars min..max (ksrtp-bench report)\n"
		   "set terminal svg size 800,600 dynamic font 'sans,12' background '#ffffff'\n"
		   "set output '%s.svg'\nset title ", p->name, p->name, p->name);
	gp_string(f, p->title);
	fprintf(f, " noenhanced\nset xlabel '%s' noenhanced\nset ylabel '%s' noenhanced\n"
		   "set grid\nset key outside below noenhanced\n"
		   "set offsets graph 0.03, graph 0.03, 0, 0\n%s%s", p->xlabel, p->ylabel,
		p->logx ? "set logscale x 2\n" : "", p->y_from_zero ? "set yrange [0:*]\n" : "");
	fprintf(f, "plot ");
	for (i = 0, k = 0; i < p->n; i++) {
		fprintf(f, "%s'%s.dat' index %u ", i ? ", \\\n     " : "", p->name, i);
		if (p->s[i].reference)	/* dashed, each its own dash */
			fprintf(f, "using 1:2 with lines dashtype %u linewidth 1.5 title ", 2 + k++);
		else
			fprintf(f, "using 1:2:3:4 with yerrorlines pointtype 7 title ");
		gp_string(f, p->s[i].title);
	}
	fprintf(f, "\n");
	if (fclose(f))
		goto fail;
	snprintf(gp, sizeof(gp), "%s.gp", p->name);
	snprintf(log, sizeof(log), "%s/gnuplot.txt", r->out_dir);
	rc = report_run_child(log, r->out_dir, run_gnuplot, gp);
	if (rc == 127) {
		snprintf(r->plot_note, sizeof(r->plot_note), "gnuplot is not installed "
			 "(scripts/install-deps bench); the .dat and .gp files are in %s",
			 r->out_dir);
		return;
	}
	if (rc) {
		snprintf(r->plot_note, sizeof(r->plot_note), "gnuplot failed on %s.gp, see %s",
			 p->name, log);
		return;
	}
	snprintf(r->plots[r->n_plots++], sizeof(r->plots[0]), "%s.svg", p->name);
	return;
fail:
	snprintf(r->plot_note, sizeof(r->plot_note), "cannot write %s", path);
}

/*
 * crypto: payload Gbit/s against payload size, one plot per profile and
 * direction: every ksrtp row, libsrtp2 and the raw ipsec-mb ceiling on the
 * same axes (they ran interleaved in one run).
 */
static void plot_crypto(struct report *r, json_object *j)
{
	json_object *groups = report_array(j, "groups");
	static struct plot plots[MAX_SERIES];	/* large */
	unsigned int n = 0, k;
	size_t g, i;
	char *c;

	for (g = 0; groups && g < json_object_array_length(groups); g++) {
		json_object *grp = json_object_array_get_idx(groups, g);
		json_object *cs = report_array(grp, "contenders");
		struct plot *p;
		char name[64];

		snprintf(name, sizeof(name), "crypto-%s-%s", report_string(grp, "profile"),
			 report_string(grp, "direction"));
		for (c = name; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		for (k = 0; k < n && strcmp(plots[k].name, name); k++)
			;
		if (k == MAX_SERIES)
			continue;
		p = &plots[k];
		if (k == n) {
			n++;
			memset(p, 0, sizeof(*p));
			snprintf(p->name, sizeof(p->name), "%s", name);
			snprintf(p->title, sizeof(p->title), "%s %s, one CPU, user engine%s: median, "
				 "bars min..max", report_string(grp, "profile"),
				 report_string(grp, "direction"), r->common.quick ? " (--quick run)" : "");
			p->xlabel = "RTP payload bytes";
			p->ylabel = "Gbit/s of payload";
			p->y_from_zero = true;
		}
		for (i = 0; cs && i < json_object_array_length(cs); i++) {
			json_object *ct = json_object_array_get_idx(cs, i);

			add_point(p, report_string(ct, "name"), report_number(grp, "payload_bytes"),
				  report_member(ct, "payload_gbit_per_s"), 1);
		}
	}
	for (k = 0; k < n; k++)
		draw(r, &plots[k]);
}

/* kernel: ABI overhead against batch size, each path; emulated under TCG. */
static void plot_kernel(struct report *r, const struct report_step *s)
{
	json_object *batches = report_array(s->json, "batches");
	static struct plot p;
	size_t b, i;

	memset(&p, 0, sizeof(p));
	snprintf(p.name, sizeof(p.name), "kernel-abi-overhead");
	snprintf(p.title, sizeof(p.title), "ksrtp.ko ABI overhead over its raw AEAD loop (%s)",
		 s->where);
	p.xlabel = "packets per SEAL call";
	p.ylabel = "(path - raw) / raw, %";
	p.logx = true;
	for (b = 0; batches && b < json_object_array_length(batches); b++) {
		json_object *grp = json_object_array_get_idx(batches, b);
		json_object *cs = report_array(grp, "contenders");

		for (i = 0; cs && i < json_object_array_length(cs); i++) {
			json_object *ct = json_object_array_get_idx(cs, i);

			if (strcmp(report_string(ct, "role"), "ceiling"))
				add_point(&p, report_string(ct, "name"), report_number(grp, "batch"),
					  report_member(ct, "abi_overhead"), 100);
		}
	}
	draw(r, &p);
}

/*
 * Any other subcommand whose rows carry a number of receivers (fan-out N) or
 * of threads: their delivered rate (a figure named "deliver...", else the
 * first "..._per_s" or "...pps" one, else the measured one) against it, a
 * series per row name.
 */
struct by_count {
	struct plot *p;
	bool threads;		/* else receivers */
	const char *ylabel;
};

static json_object *rate_figure(const struct report_row *row, const char **key_out)
{
	static const char *const wanted[] = { "deliver", "per_s", "pps" };
	unsigned int i;

	for (i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++) {
		json_object_object_foreach(row->obj, key, val) {
			if (strstr(key, wanted[i]) && report_is_stats(val)) {
				*key_out = key;
				return val;
			}
		}
	}
	*key_out = row->metric;
	return report_member(row->obj, row->metric);
}

static void by_count_row(const struct report_row *row, void *arg)
{
	struct by_count *b = arg;
	double x = b->threads ? row->threads : row->receivers;
	const char *key;
	json_object *fig;

	if (isnan(x))
		return;
	fig = rate_figure(row, &key);
	if (!b->ylabel)
		b->ylabel = key;
	else if (strcmp(b->ylabel, key))
		return;	/* one quantity a plot */
	add_point(b->p, row->name ? row->name : key, x, fig, 1);
}

/* How a plot's axis names a figure of bench_figures_json(), else its key. */
static const char *axis_name(const char *key)
{
	if (!strcmp(key, "mpkt_per_s"))
		return "Mpkt/s (delivered, per core busy)";
	if (!strcmp(key, "ns_per_pkt"))
		return "ns per packet";
	if (!strcmp(key, "payload_gbit_per_s"))
		return "Gbit/s of payload";
	if (!strcmp(key, "delivered_pkt_per_s"))
		return "delivered packets/s, all threads";
	return key;
}

/*
 * Against threads: ideal linear scaling from the first series' 1-thread
 * median, and the scaling target, FANOUT_SCALING_TARGET x that, as lines at
 * the counts it measured.
 */
static void add_scaling_references(struct plot *p)
{
	static const double factors[] = { 1, FANOUT_SCALING_TARGET };
	const struct series *m = &p->s[0];
	unsigned int i, k;
	double base = NAN;

	for (k = 0; k < m->n; k++)
		if (m->x[k] == 1)
			base = m->y[k];
	if (isnan(base))
		return;
	for (i = 0; i < sizeof(factors) / sizeof(factors[0]) && p->n < MAX_SERIES; i++) {
		struct series *s = &p->s[p->n++];

		memset(s, 0, sizeof(*s));
		if (factors[i] == 1)
			snprintf(s->title, sizeof(s->title), "ideal linear (threads x the 1-thread "
				 "median)");
		else
			snprintf(s->title, sizeof(s->title), "%.2f x linear (target, 1 to %d "
				 "threads)", factors[i], FANOUT_SCALING_THREADS);
		s->reference = true;
		for (k = 0; k < m->n; k++, s->n++) {
			s->x[k] = m->x[k];
			s->y[k] = s->lo[k] = s->hi[k] = factors[i] * m->x[k] * base;
		}
	}
}

static void plot_by_count(struct report *r, const struct report_step *s, bool threads)
{
	static struct plot p;
	struct by_count b = { .p = &p, .threads = threads };
	unsigned int i;

	memset(&p, 0, sizeof(p));
	report_walk(s->name, s->json, by_count_row, &b);
	for (i = 0; i < p.n && p.s[i].n < 2; i++)
		;
	if (i == p.n)
		return;	/* no series with two points: nothing to plot against */
	snprintf(p.name, sizeof(p.name), "%s-vs-%s", s->name, threads ? "threads" : "receivers");
	snprintf(p.title, sizeof(p.title), "%s: %s against %s (median, bars min..max)", s->name,
		 axis_name(b.ylabel), threads ? "threads" : "receivers (fan-out N)");
	p.xlabel = threads ? "threads" : "receivers per forwarded packet (N)";
	p.ylabel = axis_name(b.ylabel);
	p.logx = !threads;
	p.y_from_zero = true;
	if (threads)
		add_scaling_references(&p);
	draw(r, &p);
}

void report_plot(struct report *r)
{
	const struct report_step *s;
	char log[PATH_MAX];
	unsigned int i;

	snprintf(log, sizeof(log), "%s/gnuplot.txt", r->out_dir);
	unlink(log);	/* report_run_child() appends */
	snprintf(r->plot_note, sizeof(r->plot_note), "no subcommand with a plot ran");
	if ((s = report_step_ok(r, "crypto")))
		plot_crypto(r, s->json);
	if ((s = report_step_ok(r, "kernel")))
		plot_kernel(r, s);
	for (i = 0; i < r->n_steps; i++) {
		s = &r->steps[i];
		if (s->status != STEP_OK || !strcmp(s->name, "crypto") || !strcmp(s->name, "kernel"))
			continue;
		plot_by_count(r, s, false);
		plot_by_count(r, s, true);
	}
}
