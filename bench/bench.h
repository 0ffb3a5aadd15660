/* SPDX-License-Identifier: MIT */
/*
 * ksrtp-bench: what every subcommand shares. A subcommand is one file
 * (crypto.c, kernel.c, video.c, ...) that defines a struct bench_command
 * and lists it with BENCH_COMMAND(); main.c dispatches on its name.
 *
 * Measuring: contenders are run interleaved (A B C, A B C, ...) so that drift
 * in clock speed or background load hits all of them alike, and each figure
 * is the median of the runs, reported with its min and max.
 */
#ifndef KSRTP_BENCH_H
#define KSRTP_BENCH_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <json-c/json.h>

#define BENCH_MAX_RUNS 101
#define BENCH_MAX_RUN_MS 10000
/* A row whose (max - min) / median exceeds this is flagged as noisy. */
#define BENCH_NOISY_SPREAD 0.10

/* Exit codes of every subcommand. */
#define BENCH_EXIT_OK 0
#define BENCH_EXIT_FAIL 1	/* a contender failed, or setup did */
#define BENCH_EXIT_USAGE 2

struct bench_command {
	const char *name;
	const char *summary;	/* one line */
	const char *options;	/* the option lines of --help */
	int (*main)(int argc, char **argv);	/* argv[0] is the subcommand name */
};

/*
 * BENCH_COMMAND(bench_crypto_command) after the definition lists a
 * subcommand: the pointer goes to the "bench_commands" section, which
 * main.c walks, so a new subcommand is one new file and no edit elsewhere.
 * Commands appear in --help in link order (file name order).
 */
#define BENCH_COMMAND(cmd) \
	static const struct bench_command *const cmd##_entry \
		__attribute__((used, section("bench_commands"), aligned(sizeof(void *)))) = &cmd

/* The linker's bounds of that section, and a walk over it (in link order). */
extern const struct bench_command *const __start_bench_commands[];
extern const struct bench_command *const __stop_bench_commands[];

#define bench_for_each_command(c) \
	for (const struct bench_command *const *c = __start_bench_commands; \
	     c < __stop_bench_commands; c++)

extern const struct bench_command bench_crypto_command;	/* crypto.c */
extern const struct bench_command bench_kernel_command;	/* kernel.c */

/* What every subcommand takes: how long to measure, on which clock, where the JSON goes. */
struct bench_options {
	unsigned int runs;
	unsigned int run_ms;
	clockid_t clock;
	bool clock_set;		/* --clock was given (else the subcommand's default) */
	const char *json_path;	/* NULL: no JSON; "-": on stdout */
	bool quick;
};

/*
 * Nanoseconds on `clock`: CLOCK_MONOTONIC (wall time, what a caller waits)
 * or CLOCK_THREAD_CPUTIME_ID (only while this thread runs, so time spent
 * preempted by other work on a busy machine does not count).
 */
static inline uint64_t bench_now_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- statistics ---- */

struct bench_stats {
	double median;
	double min;
	double max;
};

void bench_stats_of(const double *v, unsigned int n, struct bench_stats *out);
/* {"runs": [...], "median": m, "min": a, "max": b} */
json_object *bench_stats_json(const double *v, unsigned int n);

/* ---- interleaved measurement ---- */

enum bench_role {
	BENCH_SUBJECT,		/* what is being measured */
	BENCH_REFERENCE,	/* the others are compared with it ("vs libsrtp2") */
	BENCH_CEILING,		/* the bare work (raw crypto); the fastest is "100%" */
};

struct bench_contender {
	const char *name;
	enum bench_role role;
	void *ctx;
	/* Untimed, before every pass (fresh replay state, ...); NULL if none. */
	int (*reset)(void *ctx);
	/* Timed: process the group's packets_per_pass packets; 0 or -1. */
	int (*pass)(void *ctx);
	/* After the warm-up pass: 0 when the output is right; NULL if none. */
	int (*verify)(void *ctx);
	void (*destroy)(void *ctx);
	/* Filled in by bench_interleave(). */
	unsigned int passes_per_run;
	double ns_per_pkt[BENCH_MAX_RUNS];
	long preemptions;	/* involuntary context switches during the runs */
};

/*
 * Warm up, verify and calibrate each contender so that one run (passes of
 * packets_per_pass packets) takes about o->run_ms, then do o->runs rounds,
 * each running every contender once in turn. Only pass() is timed, on
 * o->clock.
 * Returns 0, or -1 when a contender failed (and says which on stderr).
 */
int bench_interleave(struct bench_contender *c, unsigned int n, unsigned int packets_per_pass,
		     const struct bench_options *o);

/*
 * The figures of each contender after bench_interleave(), from per-run
 * values: ns/packet, Mpkt/s, Gbit/s of payload, the per-round ratio to the
 * reference (its time / ours) and the per-round share of the ceiling (the
 * fastest ceiling contender's time / ours). Per-round ratios compare runs
 * that ran back to back, so drift between rounds cancels.
 */
struct bench_figures {
	unsigned int runs;
	double ns[BENCH_MAX_RUNS];
	double mpps[BENCH_MAX_RUNS];
	double gbps[BENCH_MAX_RUNS];
	double vs_reference[BENCH_MAX_RUNS];	/* when has_reference */
	double pct_ceiling[BENCH_MAX_RUNS];	/* when has_ceiling */
	bool has_reference;
	bool has_ceiling;
	struct bench_stats ns_stats;
	bool noisy;
};

/*
 * out[i] for contender c[i]; payload_bytes is the payload of one packet.
 * *reference and *ceiling are set to the contenders used (NULL if none).
 */
void bench_figures_of(const struct bench_contender *c, unsigned int n, unsigned int runs,
		      unsigned int payload_bytes, struct bench_figures *out,
		      const struct bench_contender **reference,
		      const struct bench_contender **ceiling);

/* The table rows of one group of contenders (a header line is the caller's). */
void bench_figures_print(FILE *f, const struct bench_contender *c,
			 const struct bench_figures *fig, unsigned int n,
			 const struct bench_contender *reference);

/* One contender's figures as JSON. */
json_object *bench_figures_json(const struct bench_contender *c, const struct bench_figures *fig);

/* ---- the machine ---- */

#define BENCH_CPU_FLAGS 9
#define BENCH_CACHE_LEVELS 3	/* L1d, L2, L3 */

struct bench_machine {
	char cpu_model[128];
	char kernel[320];		/* uname: sysname release version machine */
	bool has_flag[BENCH_CPU_FLAGS];	/* for bench_cpu_flag_names[] */
	long online_cpus;
	/* cpu 0's data or unified cache of each level, from sysfs; 0 if unknown. */
	unsigned long cache_bytes[BENCH_CACHE_LEVELS];
	double loadavg[3];		/* at start: other work on the machine */
	const char *imb_version;
	const char *imb_arch;		/* the code path ipsec-mb picked */
	const char *srtp_version;
	const char *srtp_backend;	/* crypto library libsrtp2 was built on */
	const char *uring_version;	/* liburing's, from pkg-config at build time */
	const char *vpx_version;
	const char *json_c_version;
	const char *compiler;
	char date[32];			/* UTC, ISO 8601 */
};

/* The CPU flags that matter for SRTP crypto, in bench_machine.has_flag order. */
extern const char *const bench_cpu_flag_names[BENCH_CPU_FLAGS];

void bench_machine_probe(struct bench_machine *m);
void bench_machine_print(FILE *f, const struct bench_machine *m);
json_object *bench_machine_json(const struct bench_machine *m);

/* ---- options and output ---- */

/*
 * The options of struct bench_options. Their vals are above those of a
 * subcommand's own options (from 1): getopt_long takes an abbreviation that
 * fits options of equal val and has_arg as the first of them, not as ambiguous.
 */
enum bench_common_option {
	BENCH_OPT_RUNS = 0x100,
	BENCH_OPT_RUN_MS,
	BENCH_OPT_JSON,
	BENCH_OPT_CLOCK,
	BENCH_OPT_QUICK,
	BENCH_OPT_HELP,
};

/*
 * What every subcommand's option table starts with, in this order:
 * getopt_long lists the possibilities of an ambiguous abbreviation in table
 * order.
 */
#define BENCH_COMMON_OPTIONS						\
	{ "runs", required_argument, NULL, BENCH_OPT_RUNS },		\
	{ "run-ms", required_argument, NULL, BENCH_OPT_RUN_MS },	\
	{ "json", required_argument, NULL, BENCH_OPT_JSON },		\
	{ "clock", required_argument, NULL, BENCH_OPT_CLOCK },		\
	{ "quick", no_argument, NULL, BENCH_OPT_QUICK },		\
	{ "help", no_argument, NULL, BENCH_OPT_HELP }

struct bench_option_table {
	const struct bench_command *command;
	/* BENCH_COMMON_OPTIONS, then the subcommand's own, then an all-zero entry. */
	const struct option *options;
	/* One of the subcommand's own options, by its val; 0, or nonzero for a bad value. */
	int (*parse_own)(void *ctx, int val, const char *arg);
	/* --runs and --run-ms when not given, without and with --quick. */
	unsigned int default_runs;
	unsigned int default_run_ms;
	unsigned int quick_runs;
	unsigned int quick_run_ms;
};

/*
 * Parse a subcommand's argv (argv[0] its name) into *o and, through
 * t->parse_own(ctx, ...), its own options. True to go on; false to exit with
 * *exit_code: after --help (usage on stdout), or after a usage error (the
 * error and the usage on stderr).
 */
bool bench_parse_options(const struct bench_option_table *t, int argc, char **argv, void *ctx,
			 struct bench_options *o, int *exit_code);

/* "usage: ksrtp-bench <command> [options]", the summary and the option lines. */
void bench_usage(FILE *f, const struct bench_command *cmd);

/* Parse a decimal in [min, max]; 0 or -1. */
int bench_parse_uint(const char *s, unsigned int min, unsigned int max, unsigned int *out);

/* Pin the calling thread to one CPU; 0 or -1 (with a message). */
int bench_pin_cpu(unsigned int cpu);

/* Pin the calling thread to the n CPUs of cpus[]; 0 or -1 (with a message). */
int bench_pin_cpus(const unsigned int *cpus, unsigned int n);

/* cpus[0..n) as "0-3,5" into buf (cut at size); and as a JSON array. */
void bench_cpu_list(char *buf, size_t size, const unsigned int *cpus, unsigned int n);
json_object *bench_cpu_list_json(const unsigned int *cpus, unsigned int n);

/*
 * The CPUs this process may run on (sched_getaffinity: a cpuset or taskset
 * can allow fewer than are online): how many, the first max of them, in
 * ascending order, in cpus[]; 0 if unknown.
 */
unsigned int bench_allowed_cpus(unsigned int *cpus, unsigned int max);

/* Write root to path ("-" for stdout), pretty-printed; 0 or -1 (with a message). */
int bench_json_write(const char *path, json_object *root);

#endif /* KSRTP_BENCH_H */
