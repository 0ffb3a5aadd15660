// SPDX-License-Identifier: MIT
/* ksrtp-bench helpers: statistics, the interleaved driver, the table, the machine. */
#define _GNU_SOURCE
#include <errno.h>
#include <link.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <srtp2/srtp.h>
#include <vpx/vpx_codec.h>

#include "bench.h"
#include "internal.h"

/* ---- statistics ---- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

void bench_stats_of(const double *v, unsigned int n, struct bench_stats *out)
{
	double sorted[BENCH_MAX_RUNS];

	memcpy(sorted, v, n * sizeof(*v));
	qsort(sorted, n, sizeof(*sorted), cmp_double);
	out->min = sorted[0];
	out->max = sorted[n - 1];
	out->median = n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

json_object *bench_stats_json(const double *v, unsigned int n)
{
	json_object *o = json_object_new_object(), *runs = json_object_new_array();
	struct bench_stats st;
	unsigned int i;

	bench_stats_of(v, n, &st);
	for (i = 0; i < n; i++)
		json_object_array_add(runs, json_object_new_double(v[i]));
	json_object_object_add(o, "runs", runs);
	json_object_object_add(o, "median", json_object_new_double(st.median));
	json_object_object_add(o, "min", json_object_new_double(st.min));
	json_object_object_add(o, "max", json_object_new_double(st.max));
	return o;
}

/* ---- interleaved measurement ---- */

/* One untimed reset and one timed pass; *elapsed in ns. */
static int timed_pass(struct bench_contender *c, clockid_t clock, uint64_t *elapsed)
{
	uint64_t start;

	if (c->reset && c->reset(c->ctx)) {
		fprintf(stderr, "ksrtp-bench: %s: reset failed\n", c->name);
		return -1;
	}
	start = bench_now_ns(clock);
	if (c->pass(c->ctx)) {
		fprintf(stderr, "ksrtp-bench: %s: a packet failed\n", c->name);
		return -1;
	}
	*elapsed = bench_now_ns(clock) - start;
	return 0;
}

static long involuntary_switches(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_THREAD, &ru) ? 0 : ru.ru_nivcsw;
}

int bench_interleave(struct bench_contender *c, unsigned int n, unsigned int packets_per_pass,
		     const struct bench_options *o)
{
	const uint64_t run_ns = (uint64_t)o->run_ms * 1000000u;
	const clockid_t clock = o->clock;
	unsigned int i, r, k;
	uint64_t t;

	for (i = 0; i < n; i++) {
		/* The first pass warms caches and branch predictors; the second calibrates. */
		if (timed_pass(&c[i], clock, &t) || timed_pass(&c[i], clock, &t))
			return -1;
		if (c[i].verify && c[i].verify(c[i].ctx)) {
			fprintf(stderr, "ksrtp-bench: %s: wrong output\n", c[i].name);
			return -1;
		}
		c[i].passes_per_run = t ? (unsigned int)((run_ns + t / 2) / t) : 1;
		if (!c[i].passes_per_run)
			c[i].passes_per_run = 1;
		c[i].preemptions = 0;
	}
	for (r = 0; r < o->runs; r++) {
		for (i = 0; i < n; i++) {
			long switches = involuntary_switches();
			uint64_t total = 0;

			for (k = 0; k < c[i].passes_per_run; k++) {
				if (timed_pass(&c[i], clock, &t))
					return -1;
				total += t;
			}
			c[i].preemptions += involuntary_switches() - switches;
			c[i].ns_per_pkt[r] =
				(double)total / ((double)c[i].passes_per_run * packets_per_pass);
		}
	}
	return 0;
}

/* ---- figures and the table ---- */

void bench_figures_of(const struct bench_contender *c, unsigned int n, unsigned int runs,
		      unsigned int payload_bytes, struct bench_figures *out,
		      const struct bench_contender **reference,
		      const struct bench_contender **ceiling)
{
	const struct bench_contender *ref = NULL, *fastest = NULL;
	double fastest_median = 0;
	unsigned int i, r;

	for (i = 0; i < n; i++) {
		struct bench_stats st;

		if (c[i].role == BENCH_REFERENCE && !ref)
			ref = &c[i];
		if (c[i].role != BENCH_CEILING)
			continue;
		bench_stats_of(c[i].ns_per_pkt, runs, &st);
		if (!fastest || st.median < fastest_median) {
			fastest = &c[i];
			fastest_median = st.median;
		}
	}
	for (i = 0; i < n; i++) {
		struct bench_figures *f = &out[i];
		const struct bench_stats *st = &f->ns_stats;

		f->runs = runs;
		f->has_reference = ref;
		f->has_ceiling = fastest;
		for (r = 0; r < runs; r++) {
			double ns = c[i].ns_per_pkt[r];

			f->ns[r] = ns;
			f->mpps[r] = 1e3 / ns;
			f->gbps[r] = payload_bytes * 8.0 / ns;
			if (ref)
				f->vs_reference[r] = ref->ns_per_pkt[r] / ns;
			if (fastest)
				f->pct_ceiling[r] = 100.0 * fastest->ns_per_pkt[r] / ns;
		}
		bench_stats_of(f->ns, runs, &f->ns_stats);
		f->noisy = (st->max - st->min) / st->median > BENCH_NOISY_SPREAD;
	}
	*reference = ref;
	*ceiling = fastest;
}

static double median_of(const double *v, unsigned int n)
{
	struct bench_stats st;

	bench_stats_of(v, n, &st);
	return st.median;
}

void bench_figures_print(FILE *f, const struct bench_contender *c,
			 const struct bench_figures *fig, unsigned int n,
			 const struct bench_contender *reference)
{
	char vs[40];
	unsigned int i;

	snprintf(vs, sizeof(vs), "vs %s", reference ? reference->name : "ref");
	fprintf(f, "  %-30s %9s %8s %8s %12s %9s  %s\n", "contender", "ns/pkt", "Mpkt/s",
		"Gbit/s", vs, "%ceiling", "spread (min..max)");
	for (i = 0; i < n; i++) {
		const struct bench_figures *x = &fig[i];
		const struct bench_stats *st = &x->ns_stats;
		char ratio[16] = "-", pct[16] = "-";

		if (x->has_reference)
			snprintf(ratio, sizeof(ratio), "%.2fx",
				 median_of(x->vs_reference, x->runs));
		if (x->has_ceiling)
			snprintf(pct, sizeof(pct), "%.0f%%", median_of(x->pct_ceiling, x->runs));
		fprintf(f, "  %-30s %9.1f %8.2f %8.2f %12s %9s  %+.1f%%..%+.1f%%", c[i].name,
			st->median, median_of(x->mpps, x->runs), median_of(x->gbps, x->runs), ratio,
			pct, 100 * (st->min / st->median - 1), 100 * (st->max / st->median - 1));
		if (x->noisy)
			fprintf(f, "  NOISY");
		if (x->noisy && c[i].preemptions)
			fprintf(f, " (preempted %ldx)", c[i].preemptions);
		fputc('\n', f);
	}
}

json_object *bench_figures_json(const struct bench_contender *c, const struct bench_figures *fig)
{
	static const char *const roles[] = {
		[BENCH_SUBJECT] = "subject",
		[BENCH_REFERENCE] = "reference",
		[BENCH_CEILING] = "ceiling",
	};
	const struct bench_stats *st = &fig->ns_stats;
	json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(c->name));
	json_object_object_add(o, "role", json_object_new_string(roles[c->role]));
	json_object_object_add(o, "passes_per_run", json_object_new_int64(c->passes_per_run));
	json_object_object_add(o, "ns_per_pkt", bench_stats_json(fig->ns, fig->runs));
	json_object_object_add(o, "mpkt_per_s", bench_stats_json(fig->mpps, fig->runs));
	json_object_object_add(o, "payload_gbit_per_s", bench_stats_json(fig->gbps, fig->runs));
	if (fig->has_reference)
		json_object_object_add(o, "vs_reference",
				       bench_stats_json(fig->vs_reference, fig->runs));
	if (fig->has_ceiling)
		json_object_object_add(o, "pct_of_ceiling",
				       bench_stats_json(fig->pct_ceiling, fig->runs));
	json_object_object_add(o, "spread",
			       json_object_new_double((st->max - st->min) / st->median));
	json_object_object_add(o, "noisy", json_object_new_boolean(fig->noisy));
	json_object_object_add(o, "preemptions", json_object_new_int64(c->preemptions));
	return o;
}

/* ---- the machine ---- */

const char *const bench_cpu_flag_names[BENCH_CPU_FLAGS] = {
	"aes", "pclmulqdq", "avx2", "avx512f", "avx512bw", "avx512vl", "vaes", "vpclmulqdq",
	"sha_ni",
};

/* "key<tabs>: value" from /proc/cpuinfo: the value, without the newline. */
static const char *cpuinfo_value(char *line, const char *key)
{
	size_t klen = strlen(key);
	char *colon;

	if (strncmp(line, key, klen) || !strchr("\t :", line[klen]))
		return NULL;
	colon = strchr(line, ':');
	if (!colon)
		return NULL;
	line[strcspn(line, "\n")] = 0;
	return colon[1] == ' ' ? colon + 2 : colon + 1;
}

static void probe_cpuinfo(struct bench_machine *m)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	bool have_model = false, have_flags = false;
	char line[8192];
	const char *v;
	unsigned int i;

	snprintf(m->cpu_model, sizeof(m->cpu_model), "unknown");
	if (!f)
		return;
	while ((!have_model || !have_flags) && fgets(line, sizeof(line), f)) {
		if (!have_model && (v = cpuinfo_value(line, "model name"))) {
			snprintf(m->cpu_model, sizeof(m->cpu_model), "%s", v);
			have_model = true;
		} else if (!have_flags && (v = cpuinfo_value(line, "flags"))) {
			char *save = NULL, *tok, *copy = strdup(v);

			for (tok = strtok_r(copy, " ", &save); tok;
			     tok = strtok_r(NULL, " ", &save))
				for (i = 0; i < BENCH_CPU_FLAGS; i++)
					if (!strcmp(tok, bench_cpu_flag_names[i]))
						m->has_flag[i] = true;
			free(copy);
			have_flags = true;
		}
	}
	fclose(f);
}

/* An unsigned decimal from a sysfs file ("32K" gives 32 and *unit 'K'), or 0. */
static unsigned long sysfs_number(const char *path, char *unit)
{
	FILE *f = fopen(path, "r");
	unsigned long v = 0;

	*unit = 0;
	if (f) {
		if (fscanf(f, "%lu%c", &v, unit) < 1)
			v = 0;
		fclose(f);
	}
	return v;
}

/* lscpu reads sysfs too: CPUID's cache leaves are often wrong under a hypervisor. */
static void probe_caches(struct bench_machine *m)
{
	const char *dir = "/sys/devices/system/cpu/cpu0/cache";
	char path[128], type[16], unit;
	unsigned int i;

	for (i = 0;; i++) {	/* index0, index1, ... until one is missing */
		unsigned long level, size;
		FILE *f;

		snprintf(path, sizeof(path), "%s/index%u/type", dir, i);
		f = fopen(path, "r");
		if (!f)
			break;
		if (!fgets(type, sizeof(type), f))
			type[0] = 0;
		fclose(f);
		if (!strncmp(type, "Instruction", 11))
			continue;
		snprintf(path, sizeof(path), "%s/index%u/level", dir, i);
		level = sysfs_number(path, &unit);
		snprintf(path, sizeof(path), "%s/index%u/size", dir, i);
		size = sysfs_number(path, &unit);
		if (unit == 'K')
			size <<= 10;
		else if (unit == 'M')
			size <<= 20;
		if (level >= 1 && level <= BENCH_CACHE_LEVELS)
			m->cache_bytes[level - 1] = size;
	}
}

static int find_crypto_library(struct dl_phdr_info *info, size_t size, void *arg)
{
	const char **backend = arg;

	(void)size;
	if (strstr(info->dlpi_name, "libnss3.so"))
		*backend = "NSS (libnss3)";
	else if (strstr(info->dlpi_name, "libcrypto.so"))
		*backend = "OpenSSL (libcrypto)";
	return 0;
}

void bench_machine_probe(struct bench_machine *m)
{
	struct utsname u;
	time_t now = time(NULL);
	struct tm tm;

	memset(m, 0, sizeof(*m));
	probe_cpuinfo(m);
	if (!uname(&u))
		snprintf(m->kernel, sizeof(m->kernel), "%s %s %s %s", u.sysname, u.release,
			 u.version, u.machine);
	m->online_cpus = sysconf(_SC_NPROCESSORS_ONLN);
	probe_caches(m);
	if (getloadavg(m->loadavg, 3) != 3)
		memset(m->loadavg, 0, sizeof(m->loadavg));
	m->imb_version = imb_get_version_str();
	m->imb_arch = ksrtp_imb_arch_name();
	m->srtp_version = srtp_get_version_string();
	/* libsrtp2 has no call that names its crypto; see which library it pulled in. */
	m->srtp_backend = "built-in";
	dl_iterate_phdr(find_crypto_library, &m->srtp_backend);
	m->uring_version = KSRTP_BENCH_URING_VERSION;
	m->vpx_version = vpx_codec_version_str();
	m->json_c_version = json_c_version();
#if defined(__clang__)
	m->compiler = "clang " __clang_version__;
#elif defined(__GNUC__)
	m->compiler = "gcc " __VERSION__;
#else
	m->compiler = __VERSION__;
#endif
	strftime(m->date, sizeof(m->date), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
}

void bench_machine_print(FILE *f, const struct bench_machine *m)
{
	unsigned int i;

	fprintf(f, "cpu:       %s, %ld online, load average %.2f %.2f %.2f\n", m->cpu_model,
		m->online_cpus, m->loadavg[0], m->loadavg[1], m->loadavg[2]);
	fprintf(f, "caches:    L1d %lu KiB, L2 %lu KiB, L3 %lu KiB (cpu 0, sysfs)\n",
		m->cache_bytes[0] >> 10, m->cache_bytes[1] >> 10, m->cache_bytes[2] >> 10);
	fprintf(f, "flags:    ");
	for (i = 0; i < BENCH_CPU_FLAGS; i++)
		fprintf(f, " %s%s", bench_cpu_flag_names[i], m->has_flag[i] ? "" : "(NO)");
	fprintf(f, "\nkernel:    %s\n", m->kernel);
	fprintf(f, "ipsec-mb:  %s, arch %s\n", m->imb_version, m->imb_arch);
	fprintf(f, "libsrtp2:  %s, crypto %s\n", m->srtp_version, m->srtp_backend);
	fprintf(f, "libraries: liburing %s, libvpx %s, json-c %s\n", m->uring_version,
		m->vpx_version, m->json_c_version);
	fprintf(f, "compiler:  %s\n", m->compiler);
	fprintf(f, "date:      %s\n", m->date);
}

json_object *bench_machine_json(const struct bench_machine *m)
{
	json_object *o = json_object_new_object(), *flags = json_object_new_object();
	static const char *const cache_names[BENCH_CACHE_LEVELS] = { "l1d", "l2", "l3" };
	json_object *load = json_object_new_array(), *caches = json_object_new_object();
	unsigned int i;

	json_object_object_add(o, "cpu_model", json_object_new_string(m->cpu_model));
	for (i = 0; i < BENCH_CPU_FLAGS; i++)
		json_object_object_add(flags, bench_cpu_flag_names[i],
				       json_object_new_boolean(m->has_flag[i]));
	json_object_object_add(o, "cpu_flags", flags);
	json_object_object_add(o, "online_cpus", json_object_new_int64(m->online_cpus));
	for (i = 0; i < BENCH_CACHE_LEVELS; i++)
		json_object_object_add(caches, cache_names[i],
				       json_object_new_int64((int64_t)m->cache_bytes[i]));
	json_object_object_add(o, "cache_bytes", caches);
	for (i = 0; i < 3; i++)
		json_object_array_add(load, json_object_new_double(m->loadavg[i]));
	json_object_object_add(o, "loadavg", load);
	json_object_object_add(o, "kernel", json_object_new_string(m->kernel));
	json_object_object_add(o, "ipsec_mb_version", json_object_new_string(m->imb_version));
	json_object_object_add(o, "ipsec_mb_arch", json_object_new_string(m->imb_arch));
	json_object_object_add(o, "libsrtp2_version", json_object_new_string(m->srtp_version));
	json_object_object_add(o, "libsrtp2_crypto", json_object_new_string(m->srtp_backend));
	json_object_object_add(o, "liburing_version", json_object_new_string(m->uring_version));
	json_object_object_add(o, "libvpx_version", json_object_new_string(m->vpx_version));
	json_object_object_add(o, "json_c_version", json_object_new_string(m->json_c_version));
	json_object_object_add(o, "compiler", json_object_new_string(m->compiler));
	json_object_object_add(o, "date", json_object_new_string(m->date));
	return o;
}

/* ---- options and output ---- */

void bench_usage(FILE *f, const struct bench_command *cmd)
{
	fprintf(f, "usage: ksrtp-bench %s [options]\n\n%s\n%s", cmd->name, cmd->summary,
		cmd->options);
}

/*
 * Option val of BENCH_COMMON_OPTIONS into *o, or else one of the subcommand's
 * own; 0, or nonzero for a bad value. --help is the caller's.
 */
static int parse_option(const struct bench_option_table *t, void *ctx, int val, const char *arg,
			struct bench_options *o, bool *runs_set, bool *run_ms_set)
{
	switch (val) {
	case BENCH_OPT_RUNS:
		*runs_set = true;
		return bench_parse_uint(arg, 1, BENCH_MAX_RUNS, &o->runs);
	case BENCH_OPT_RUN_MS:
		*run_ms_set = true;
		return bench_parse_uint(arg, 1, BENCH_MAX_RUN_MS, &o->run_ms);
	case BENCH_OPT_JSON:
		o->json_path = arg;
		return 0;
	case BENCH_OPT_CLOCK:
		o->clock_set = true;
		if (!strcmp(arg, "wall"))
			o->clock = CLOCK_MONOTONIC;
		else if (!strcmp(arg, "cpu"))
			o->clock = CLOCK_THREAD_CPUTIME_ID;
		else
			return 1;
		return 0;
	case BENCH_OPT_QUICK:
		o->quick = true;
		return 0;
	default:
		return t->parse_own(ctx, val, arg);
	}
}

bool bench_parse_options(const struct bench_option_table *t, int argc, char **argv, void *ctx,
			 struct bench_options *o, int *exit_code)
{
	const char *name = t->command->name;
	bool runs_set = false, run_ms_set = false;
	int opt, longindex, bad = 0;

	*o = (struct bench_options){ .clock = CLOCK_MONOTONIC };
	while (!bad && (opt = getopt_long(argc, argv, "", t->options, &longindex)) != -1) {
		if (opt == '?') {
			bad = 1;	/* getopt_long said why */
		} else if (opt == BENCH_OPT_HELP) {
			bench_usage(stdout, t->command);
			*exit_code = BENCH_EXIT_OK;
			return false;
		} else if ((bad = parse_option(t, ctx, opt, optarg, o, &runs_set, &run_ms_set))) {
			fprintf(stderr, "ksrtp-bench %s: bad value '%s' for --%s\n", name,
				optarg ? optarg : "", t->options[longindex].name);
		}
	}
	if (!bad && optind < argc) {
		fprintf(stderr, "ksrtp-bench %s: unexpected argument '%s'\n", name, argv[optind]);
		bad = 1;
	}
	if (bad) {
		bench_usage(stderr, t->command);
		*exit_code = BENCH_EXIT_USAGE;
		return false;
	}
	if (!runs_set)
		o->runs = o->quick ? t->quick_runs : t->default_runs;
	if (!run_ms_set)
		o->run_ms = o->quick ? t->quick_run_ms : t->default_run_ms;
	return true;
}

int bench_parse_uint(const char *s, unsigned int min, unsigned int max, unsigned int *out)
{
	unsigned long v;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = (unsigned int)v;
	return 0;
}

int bench_pin_cpus(const unsigned int *cpus, unsigned int n)
{
	char list[64];
	cpu_set_t set;
	unsigned int i;

	CPU_ZERO(&set);
	for (i = 0; i < n; i++) {
		if (cpus[i] >= CPU_SETSIZE) {
			fprintf(stderr, "ksrtp-bench: no cpu %u\n", cpus[i]);
			return -1;
		}
		CPU_SET(cpus[i], &set);
	}
	if (sched_setaffinity(0, sizeof(set), &set)) {
		bench_cpu_list(list, sizeof(list), cpus, n);
		fprintf(stderr, "ksrtp-bench: cannot pin to cpu %s: %s\n", list, strerror(errno));
		return -1;
	}
	return 0;
}

int bench_pin_cpu(unsigned int cpu)
{
	return bench_pin_cpus(&cpu, 1);
}

void bench_cpu_list(char *buf, size_t size, const unsigned int *cpus, unsigned int n)
{
	unsigned int i, j;

	buf[0] = 0;
	for (i = 0; i < n; i = j) {
		/* A run of consecutive CPUs as "first-last", as taskset and cpusets write it. */
		for (j = i + 1; j < n && cpus[j] == cpus[j - 1] + 1; j++)
			;
		if (j - i < 3)
			j = i + 1;	/* two in a row read better as "0,1" */
		if (j - i > 1)
			snprintf(buf + strlen(buf), size - strlen(buf), "%s%u-%u", i ? "," : "",
				 cpus[i], cpus[j - 1]);
		else
			snprintf(buf + strlen(buf), size - strlen(buf), "%s%u", i ? "," : "",
				 cpus[i]);
	}
}

json_object *bench_cpu_list_json(const unsigned int *cpus, unsigned int n)
{
	json_object *a = json_object_new_array();
	unsigned int i;

	for (i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_int64(cpus[i]));
	return a;
}

unsigned int bench_allowed_cpus(unsigned int *cpus, unsigned int max)
{
	cpu_set_t set;
	unsigned int cpu, n = 0;

	if (sched_getaffinity(0, sizeof(set), &set))
		return 0;
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, &set))
			continue;
		if (n < max)
			cpus[n] = cpu;
		n++;
	}
	return n;
}

int bench_json_write(const char *path, json_object *root)
{
	const int flags = JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE;

	if (!strcmp(path, "-")) {
		if (puts(json_object_to_json_string_ext(root, flags)) < 0 || fflush(stdout)) {
			fprintf(stderr, "ksrtp-bench: writing JSON to stdout failed\n");
			return -1;
		}
		return 0;
	}
	if (json_object_to_file_ext(path, root, flags)) {
		fprintf(stderr, "ksrtp-bench: %s: %s\n", path, json_util_get_last_err());
		return -1;
	}
	return 0;
}
