// SPDX-License-Identifier: MIT
/*
 * ksrtp-bench soak: ksrtp-relay under steady load for minutes. It measures
 * the capacity first (as `load` does: the rate really offered and delivered
 * without loss), then asks the senders for a fraction of it (80%) for the
 * whole time and reports the fraction they really offered, reloads the
 * relay's config once half-way (SIGHUP with the file unchanged: the streams
 * must not notice), samples the relay's resident set every second, and
 * checks at the end:
 *
 *   - nothing lost, damaged or duplicated: below capacity every packet
 *     (RTP, and SRTCP with --rtcp-every) reaches every receiver once and
 *     authenticates (checked at the rate offered: when the generator falls
 *     short of the target the output says so, and the check says nothing
 *     about the rates between);
 *   - memory flat: the RSS at the end is within --rss-slack KiB of the RSS
 *     after the first seconds (everything the relay needs is allocated at
 *     start; a per-packet leak of a fraction of a byte shows).
 *
 * Nothing here judges a timing: the capacity only sets the offered rate.
 * `make check` runs a 30-second soak (check-soak in bench/relay/relay.mk).
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "load.h"

#define CAPACITY_RUNS 3
#define CAPACITY_RUN_MS 1000
#define QUICK_SECONDS 10
#define DEFAULT_SECONDS 60
#define MAX_SECONDS (24 * 3600)
#define RSS_SLACK_KIB 1024
#define WARM_SECONDS 2		/* the baseline sample: after start-up allocations */

enum soak_option {
	OPT_MINUTES = LOAD_OPT_NEXT,
	OPT_SECONDS,
	OPT_FRACTION,
	OPT_RSS_SLACK,
};

struct soak_options {
	struct load_setup setup;
	unsigned int seconds;
	unsigned int fraction;		/* percent of capacity */
	unsigned int rss_slack_kib;
};

/* What the tick sees while the long run sends. */
struct soak_samples {
	struct load *load;
	unsigned int duration_s;
	unsigned long *rss_kib;	/* one a second */
	unsigned int n, cap;
	bool reloaded;
};

static const char options_help[] =
	"  --minutes M      how long to run at the fraction of capacity (default 1)\n"
	"  --seconds S      the same in seconds, for short runs (make check: 30)\n"
	"  --fraction PCT   target load, percent of the measured capacity (default 80);\n"
	"                   the output says what fraction was really offered\n"
	"  --rss-slack KIB  growth of the relay's RSS still called flat (default 1024)\n"
	LOAD_SETUP_HELP
	"  --runs N         capacity runs before the soak, as load's (default 3; 1..101)\n"
	"  --run-ms MS      length of each capacity run (default 1000)\n"
	"  --quick          a 10-second soak with capacity runs of 300 ms\n"
	"  --json FILE      the capacity runs, the soak run and the RSS samples as JSON\n"
	"  --help           this text\n"
	"  --clock is refused: the rates are per second of wall time, as load's.\n"
	"  Exit status 1 when anything is lost, damaged or duplicated, or the RSS grows.\n";

static const struct option soak_longopts[] = {
	BENCH_COMMON_OPTIONS,
	LOAD_SETUP_OPTIONS,
	{ "minutes", required_argument, NULL, OPT_MINUTES },
	{ "seconds", required_argument, NULL, OPT_SECONDS },
	{ "fraction", required_argument, NULL, OPT_FRACTION },
	{ "rss-slack", required_argument, NULL, OPT_RSS_SLACK },
	{ NULL, 0, NULL, 0 },
};

static int parse_soak_option(void *ctx, int val, const char *arg)
{
	struct soak_options *o = ctx;
	int rc = load_parse_setup(&o->setup, val, arg);
	unsigned int minutes;

	if (rc >= 0)
		return rc;
	switch (val) {
	case OPT_MINUTES:
		if (bench_parse_uint(arg, 1, MAX_SECONDS / 60, &minutes))
			return 1;
		o->seconds = minutes * 60;
		return 0;
	case OPT_SECONDS:
		return bench_parse_uint(arg, 1, MAX_SECONDS, &o->seconds);
	case OPT_FRACTION:
		return bench_parse_uint(arg, 1, 100, &o->fraction);
	case OPT_RSS_SLACK:
		return bench_parse_uint(arg, 0, 1u << 30, &o->rss_slack_kib);
	}
	return 1;
}

const struct bench_command bench_soak_command;

static const struct bench_option_table soak_option_table = {
	.command = &bench_soak_command,
	.options = soak_longopts,
	.parse_own = parse_soak_option,
	.default_runs = CAPACITY_RUNS,
	.default_run_ms = CAPACITY_RUN_MS,
	.quick_runs = CAPACITY_RUNS,
	.quick_run_ms = 300,
};

/* Once a second while the soak run sends: an RSS sample; half-way, a reload. */
static void soak_tick(void *ctx, double seconds)
{
	struct soak_samples *s = ctx;

	if (s->n < s->cap)
		s->rss_kib[s->n++] = load_relay_rss_kib(s->load);
	if (!s->reloaded && seconds >= s->duration_s / 2.0) {
		kill(load_relay_pid(s->load), SIGHUP);
		s->reloaded = true;
	}
}

/* The growth from the warm baseline to the largest sample of the last quarter. */
static long rss_growth_kib(const struct soak_samples *s, unsigned long *baseline,
			   unsigned long *late_max)
{
	unsigned int i, warm = s->n > WARM_SECONDS ? WARM_SECONDS : 0;

	*baseline = s->rss_kib[warm];
	*late_max = 0;
	for (i = s->n - (s->n - warm + 3) / 4; i < s->n; i++)
		if (s->rss_kib[i] > *late_max)
			*late_max = s->rss_kib[i];
	return (long)*late_max - (long)*baseline;
}

static int soak_main(int argc, char **argv)
{
	struct soak_options o = { .fraction = 80, .rss_slack_kib = RSS_SLACK_KIB };
	struct soak_samples samples = { 0 };
	json_object *root = json_object_new_object(), *rss = json_object_new_array();
	struct load_capacity cap;
	struct load_result run;
	struct bench_options common;
	double rate;
	unsigned long baseline = 0, late_max = 0;
	long growth = 0;
	bool ok = true;
	unsigned int r;
	struct load *l;
	int exit_code;

	load_setup_defaults(&o.setup);
	if (!bench_parse_options(&soak_option_table, argc, argv, &o, &common, &exit_code))
		return exit_code;
	if (common.clock_set) {
		fprintf(stderr, "ksrtp-bench soak: --clock: the rates are per second of wall time\n");
		bench_usage(stderr, &bench_soak_command);
		return BENCH_EXIT_USAGE;
	}
	if (!o.seconds)
		o.seconds = common.quick ? QUICK_SECONDS : DEFAULT_SECONDS;
	json_object_object_add(root, "setup", load_setup_json(&o.setup));
	l = load_start(&o.setup);
	if (!l)
		return BENCH_EXIT_FAIL;
	printf("ksrtp-bench soak: %u s at a target of %u%% of capacity (the generator runs "
	       "beside the relay: the cpus: line says where)\n", o.seconds, o.fraction);
	load_print_header(stdout, &o.setup);
	ok = !load_capacity(l, common.runs, common.run_ms, &cap, root);
	if (ok) {
		rate = cap.sustained_pps * o.fraction / 100;
		printf("soaking at a target of %.0f packets/s (%u%% of the capacity %.0f) for %u s\n",
		       rate, o.fraction, cap.sustained_pps, o.seconds);
		samples.load = l;
		samples.duration_s = o.seconds;
		samples.cap = o.seconds + 2;
		samples.rss_kib = calloc(samples.cap, sizeof(*samples.rss_kib));
		ok = samples.rss_kib &&
		     !load_run(l, rate, o.seconds * 1000u, &run, soak_tick, &samples);
	}
	if (ok) {
		load_print(stdout, "soak", &run);
		load_print_fraction(stdout, "soak", &run, &cap, o.fraction, root);
		json_object_object_add(root, "soak", load_result_json(&run));
		if (!load_accounted(&run) || load_lost(&run)) {
			printf("FAIL: RTP %llu of %llu deliveries lost, %llu damaged or duplicated; "
			       "SRTCP %llu of %llu lost, %llu damaged or duplicated\n",
			       (unsigned long long)run.rtp.lost, (unsigned long long)run.rtp.expected,
			       (unsigned long long)run.rtp.bad, (unsigned long long)run.rtcp.lost,
			       (unsigned long long)run.rtcp.expected,
			       (unsigned long long)run.rtcp.bad);
			ok = false;
		}
		if (run.relay_reloads != 1) {
			printf("FAIL: the relay took %llu reloads, want 1\n",
			       (unsigned long long)run.relay_reloads);
			ok = false;
		}
		if (samples.n < 2) {
			printf("FAIL: %u RSS samples\n", samples.n);
			ok = false;
		} else {
			growth = rss_growth_kib(&samples, &baseline, &late_max);
			printf("relay RSS: %lu KiB after %u s, at most %lu KiB in the last quarter "
			       "(%+ld KiB; %u samples)%s\n", baseline,
			       samples.n > WARM_SECONDS ? WARM_SECONDS : 0, late_max, growth,
			       samples.n, growth > (long)o.rss_slack_kib ? "  FAIL: grows" : "");
			if (growth > (long)o.rss_slack_kib)
				ok = false;
		}
		for (r = 0; r < samples.n; r++)
			json_object_array_add(rss, json_object_new_int64((int64_t)samples.rss_kib[r]));
	}
	json_object_object_add(root, "rss_kib", rss);
	json_object_object_add(root, "rss_growth_kib", json_object_new_int64(growth));
	if (load_stop(l))
		ok = false;
	json_object_object_add(root, "ok", json_object_new_boolean(ok));
	if (common.json_path && bench_json_write(common.json_path, root))
		ok = false;
	json_object_put(root);
	free(samples.rss_kib);
	printf("soak: %s\n", ok ? "PASS" : "FAIL");
	return ok ? BENCH_EXIT_OK : BENCH_EXIT_FAIL;
}

const struct bench_command bench_soak_command = {
	.name = "soak",
	.summary = "ksrtp-relay near capacity for minutes: nothing lost, RSS flat",
	.options = options_help,
	.main = soak_main,
};
BENCH_COMMAND(bench_soak_command);
