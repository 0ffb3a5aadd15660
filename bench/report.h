/* SPDX-License-Identifier: MIT */
/*
 * ksrtp-bench report: what its files share. report.c plans and runs the
 * steps (every other subcommand, each in a child process writing its JSON;
 * ksrtp-bench kernel through a command that boots the VM), report_doc.c
 * merges their JSON into report.json and writes report.md and the summary,
 * report_plot.c draws the SVG plots with gnuplot.
 */
#ifndef KSRTP_BENCH_REPORT_H
#define KSRTP_BENCH_REPORT_H

#include <limits.h>

#include "bench.h"

/* A report of fewer runs than this per figure is refused, except with --quick. */
#define REPORT_MIN_RUNS 5
#define REPORT_DEFAULT_RUNS 7
#define REPORT_MAX_STEPS 16
#define REPORT_MAX_ARGS 24

enum report_status {
	STEP_PENDING,
	STEP_OK,
	STEP_FAILED,
	STEP_SKIPPED,	/* could not run here (why says so); not a failure */
};

struct report_step {
	const char *name;		/* the subcommand */
	const struct bench_command *command;	/* run in a child; NULL: through vm_command */
	const char *where;		/* "host", "qemu TCG VM (emulated)", ... */
	int argc;
	char *argv[REPORT_MAX_ARGS];	/* argv[0] is name; ends with --json FILE */
	char args[512];			/* argv[1..] but --json, as one line */
	char json_path[PATH_MAX];
	char log_path[PATH_MAX];	/* the subcommand's own output */
	double estimate_s;
	const char *estimate_from;	/* "last run", "model" or "guess" */
	enum report_status status;
	int exit_code;
	double seconds;
	char why[PATH_MAX + 64];	/* skipped or failed: why */
	json_object *json;		/* its output, once it ran */
};

struct report {
	struct bench_options common;
	bool runs_set, run_ms_set;
	const char *out_dir;
	const char *json_path;		/* report.json */
	char json_buf[PATH_MAX];
	const char *only;		/* comma-separated subcommands, or NULL for all */
	const char *skip;
	const char *extra_args[REPORT_MAX_STEPS];	/* --args NAME:ARGS */
	unsigned int n_extra_args;
	const char *vm_command;		/* runs ksrtp-bench kernel in the VM */
	const char *vm_json;		/* where that leaves the JSON */
	bool redraw;			/* --redraw: from the last report.json, nothing run */
	struct report_step steps[REPORT_MAX_STEPS];
	unsigned int n_steps;
	struct bench_machine machine;	/* probed here (not with --redraw) */
	json_object *machine_json;	/* report.json's "machine": bench_machine_json() and more */
	const char *commit;		/* the commit measured */
	json_object *last;		/* --redraw: the report it redraws (owns the strings) */
	char plots[REPORT_MAX_STEPS * 4][96];	/* SVG file names, relative to out_dir */
	unsigned int n_plots;
	char plot_note[PATH_MAX + 160];	/* why there are no plots, if there are none */
};

/* report_doc.c */

/* The merged report, as written to report.json. */
json_object *report_json(const struct report *r);
/* report.md in r->out_dir; 0 or -1 with a message. */
int report_write_markdown(const struct report *r);
/* The summary tables on f. */
void report_print_summary(FILE *f, const struct report *r);

/* A figure: a JSON object holding {"runs", "median", "min", "max"}. */
bool report_is_stats(json_object *o);
/* Its median, min, max and number of runs; false when it is not one. */
bool report_stats(json_object *o, struct bench_stats *st, unsigned int *runs);
/* o[key] as a number, or NAN. */
double report_number(json_object *o, const char *key);
/* o[key] (o may be NULL), or NULL. */
json_object *report_member(json_object *o, const char *key);
/*
 * o[key] when it is a JSON object (report_object) or array (report_array),
 * else NULL. report.json may be hand-edited, and json-c crashes or asserts
 * when json_object_object_foreach() gets anything but an object or
 * json_object_array_*() anything but an array: every member walked or
 * indexed is taken through these.
 */
json_object *report_object(json_object *o, const char *key);
json_object *report_array(json_object *o, const char *key);
/* o[key] as a string, or "" when it is not one. */
const char *report_string(json_object *o, const char *key);

#define REPORT_LABEL_LEN 200

/*
 * A row: a JSON object of a subcommand's output that holds a figure. Its
 * first figure is the one measured; the ones after it are derived from the
 * same runs.
 */
struct report_row {
	const char *command;
	char label[REPORT_LABEL_LEN];	/* from its and its parents' identifying members */
	const char *name;		/* its "name", or NULL */
	json_object *obj;
	const char *metric;		/* the key of its first figure */
	struct bench_stats st;		/* of that figure */
	unsigned int runs;
	unsigned int min_runs;		/* over all its figures */
	bool noisy;	/* the subcommand says so, or the first figure's spread is over the limit */
	double receivers;		/* "receivers" or "n" of it or a parent, or NAN */
	double threads;			/* "threads" of it or a parent, or NAN */
	/*
	 * Rows whose name starts with this ran in runs of their own, not
	 * interleaved with the rest: a parent says "<prefix>_interleaved_with_ksrtp":
	 * false (crypto's stream scaling, libsrtp2). NULL: none.
	 */
	const char *apart_prefix;
	size_t apart_len;
	bool apart;			/* this row is one of them */
};

typedef void (*report_row_fn)(const struct report_row *row, void *arg);

/* fn on every row of a subcommand's output, in document order. */
void report_walk(const char *command, json_object *root, report_row_fn fn, void *arg);

/* report_plot.c: draw what the steps measured; fills r->plots or r->plot_note. */
void report_plot(struct report *r);

/* report.c */

/*
 * Fork; in the child send stdout and stderr to log_path (appended), chdir to
 * dir when not NULL, and return fn(arg) as the exit status. The child's exit
 * status (128 + signal when killed), or -1 when it could not start.
 */
int report_run_child(const char *log_path, const char *dir, int (*fn)(void *), void *arg);

/*
 * report.json's "machine": bench_machine_json(m) and what only the report
 * records: every CPU flag, the CPU's family, model and stepping, the
 * hypervisor, libksrtp's version and commit.
 */
json_object *report_machine_json(const struct bench_machine *m);

/* The step of subcommand name that ran and succeeded, or NULL. */
const struct report_step *report_step_ok(const struct report *r, const char *name);

#endif /* KSRTP_BENCH_REPORT_H */
