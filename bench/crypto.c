// SPDX-License-Identifier: MIT
/*
 * ksrtp-bench crypto: SRTP protect and unprotect, ns per packet, for each
 * profile, payload size and direction (a group). In a group, side by side:
 * ksrtp a packet at a time and in batches, libsrtp2 (the reference), and
 * ipsec-mb called directly (the ceiling). Then ns per packet against the
 * number of streams (crypto_streams.c), and the heap bytes per stream.
 */
#include <stdlib.h>

#include "crypto_bench.h"

#define DEFAULT_RUNS 7
#define DEFAULT_RUN_MS 60
#define QUICK_RUNS 5
#define QUICK_RUN_MS 5
#define MAX_SIZES 8
#define MEMORY_STREAMS 10000
#define QUICK_MEMORY_STREAMS 1000	/* NSS-backed libsrtp2 slows down quadratically */
#define MAX_MEMORY_STREAMS 1000000
#define MAX_SCALING_STREAMS 1000000
/* libsrtp2 walks a list of streams a packet: over 10000, one pass takes seconds. */
#define LIBSRTP_SCALING_MAX 1000
#define BENCH_SSRC 0x5eed0001u

static const struct crypto_profile profiles[] = {
	{ KSRTP_AEAD_AES_128_GCM, "AEAD_AES_128_GCM", true, 16, 12, 16,
	  srtp_crypto_policy_set_aes_gcm_128_16_auth },
	{ KSRTP_AEAD_AES_256_GCM, "AEAD_AES_256_GCM", true, 32, 12, 16,
	  srtp_crypto_policy_set_aes_gcm_256_16_auth },
	{ KSRTP_AES_CM_128_HMAC_SHA1_80, "AES_CM_128_HMAC_SHA1_80", false, 16, 14, 10,
	  srtp_crypto_policy_set_rtp_default },
};

#define N_PROFILES (sizeof(profiles) / sizeof(profiles[0]))

static const unsigned int stream_counts[] = { 1, 10, 100, 1000, 10000, 100000 };
static const unsigned int quick_stream_counts[] = { 1, 100, 10000 };

#define N_STREAM_COUNTS (sizeof(stream_counts) / sizeof(stream_counts[0]))
#define N_QUICK_STREAM_COUNTS (sizeof(quick_stream_counts) / sizeof(quick_stream_counts[0]))

struct crypto_options {
	struct bench_options common;
	unsigned int sizes[MAX_SIZES];
	unsigned int n_sizes;
	unsigned int streams;
	struct crypto_scaling_options scaling;	/* its common: a copy of the above */
	/* Whether the options that --quick changes were given. */
	bool streams_set;
	bool counts_set;
};

static const char options_help[] =
	"  --quick          smoke test: 5 runs of ~5 ms each (a few seconds in all)\n"
	"  --runs N         runs per figure, the median is reported (default 7; 1..101)\n"
	"  --run-ms MS      length of one run in ms (default 60)\n"
	"  --sizes LIST     payload bytes after the 12-byte RTP header, comma separated\n"
	"                   (default 160,1200; each 1..1800)\n"
	"  --stream-counts LIST\n"
	"                   stream counts for the stream-scaling section (AEAD_AES_128_GCM,\n"
	"                   160-byte payload, every packet to another stream), ascending,\n"
	"                   comma separated (default 1,10,100,1000,10000,100000; --quick\n"
	"                   1,100,10000; each 1..1000000; 0 skips the section)\n"
	"  --libsrtp-max-streams N\n"
	"                   largest stream count libsrtp2 is measured at in that section\n"
	"                   (default 1000; 0 none): it walks a list of the streams for\n"
	"                   every packet, so a pass over 10000 streams takes seconds\n"
	"  --streams N      streams added for the bytes-per-stream figures (default 10000,\n"
	"                   --quick 1000; 0 skips them)\n"
	"  --json FILE      also write every figure with all its runs as JSON\n"
	"                   (FILE '-': JSON on stdout, the table on stderr)\n"
	"  --clock wall|cpu time with CLOCK_MONOTONIC (default), or with the thread's\n"
	"                   CPU time (CLOCK_THREAD_CPUTIME_ID), which leaves out time\n"
	"                   preempted by other work on a busy machine\n"
	"  --cpu N          pin the benchmark to CPU N\n"
	"  --help           this text\n";

int crypto_packet_failed(const char *who, unsigned int i, const char *why)
{
	fprintf(stderr, "ksrtp-bench: %s: packet %u of the ring: %s\n", who, i, why);
	return -1;
}

int crypto_verify_slots(const struct crypto_group *g, const char *who)
{
	unsigned int i;

	for (i = g->packets - CRYPTO_SLOTS; i < g->packets; i++) {
		if (memcmp(crypto_slot(g, i), g->expected + i * g->stride, g->out_len)) {
			fprintf(stderr, "ksrtp-bench: %s: packet %u differs from the expected %s\n",
				who, i, g->dir == CRYPTO_PROTECT ? "SRTP packet" : "RTP packet");
			return -1;
		}
	}
	return 0;
}

/* ---- groups ---- */

void crypto_group_free(struct crypto_group *g)
{
	free(g->plain);
	free(g->sealed);
	free(g->slots);
	ksrtp_wipe(&g->keys, sizeof(g->keys));
}

int crypto_group_alloc(struct crypto_group *g, const struct crypto_profile *prof,
		       unsigned int payload, unsigned int packets)
{
	size_t ring_bytes;

	g->prof = prof;
	g->payload = payload;
	g->packets = packets;
	g->plain_len = KSRTP_RTP_HEADER_LEN + payload;
	g->sealed_len = g->plain_len + prof->tag_len;
	g->stride = (g->plain_len + KSRTP_MAX_TRAILER + 63) & ~(size_t)63;
	ring_bytes = g->stride * packets;
	g->plain = aligned_alloc(64, ring_bytes);
	g->sealed = aligned_alloc(64, ring_bytes);
	g->slots = aligned_alloc(4096, (size_t)CRYPTO_SLOTS * CRYPTO_SLOT_SIZE);
	if (!g->plain || !g->sealed || !g->slots) {
		fprintf(stderr, "ksrtp-bench: out of memory\n");
		return -1;
	}
	memset(g->slots, 0, (size_t)CRYPTO_SLOTS * CRYPTO_SLOT_SIZE);
	return 0;
}

/*
 * The rings of one profile and payload size: RTP packets with consecutive
 * sequence numbers, and the same sealed by ksrtp (the other contenders'
 * outputs are checked against them).
 */
static int group_init(struct crypto_group *g, const struct crypto_profile *prof,
		      unsigned int payload)
{
	const struct ksrtp_config cfg = { .engine = KSRTP_ENGINE_USER };
	uint64_t state = 0x243f6a8885a308d3ull ^ ((uint64_t)prof->id << 32 | payload);
	struct ksrtp_policy policy = {
		.profile = prof->id,
		.direction = KSRTP_OUTBOUND,
		.ssrc = BENCH_SSRC,
		.key = g->master,
		.key_len = prof->key_len,
		.salt = g->master + prof->key_len,
		.salt_len = prof->salt_len,
	};
	ksrtp_session *s = NULL;
	unsigned int i;
	int err;

	memset(g, 0, sizeof(*g));
	g->ssrc = BENCH_SSRC;
	if (crypto_group_alloc(g, prof, payload, CRYPTO_RING_PACKETS))
		goto fail;
	crypto_random_bytes(&state, g->master, prof->key_len + prof->salt_len);
	err = ksrtp_kdf(prof->id, g->master, g->master + prof->key_len, &g->keys);
	if (err)
		goto fail_ksrtp;
	s = ksrtp_session_new(&cfg, &err);
	if (!s || (err = ksrtp_add_stream(s, &policy)))
		goto fail_ksrtp;
	for (i = 0; i < g->packets; i++) {
		uint8_t *p = g->plain + i * g->stride, *q = g->sealed + i * g->stride;
		size_t len = g->plain_len;

		p[0] = 0x80;	/* V=2, no padding, extension or CSRCs */
		p[1] = 96;	/* a dynamic payload type */
		p[2] = (uint8_t)((CRYPTO_FIRST_SEQ + i) >> 8);
		p[3] = (uint8_t)(CRYPTO_FIRST_SEQ + i);
		ksrtp_store_be32(p + 4, i * 960);
		ksrtp_store_be32(p + 8, g->ssrc);
		crypto_random_bytes(&state, p + KSRTP_RTP_HEADER_LEN, payload);
		memcpy(q, p, g->plain_len);
		err = ksrtp_protect(s, q, &len, g->stride);
		if (err)
			goto fail_ksrtp;
	}
	ksrtp_session_free(s);
	return 0;
fail_ksrtp:
	fprintf(stderr, "ksrtp-bench: sealing the ring: %s\n", ksrtp_strerror(err));
	ksrtp_session_free(s);
fail:
	crypto_group_free(g);
	return -1;
}

void crypto_group_set_dir(struct crypto_group *g, enum crypto_dir dir)
{
	g->dir = dir;
	g->input = dir == CRYPTO_PROTECT ? g->plain : g->sealed;
	g->expected = dir == CRYPTO_PROTECT ? g->sealed : g->plain;
	g->in_len = dir == CRYPTO_PROTECT ? g->plain_len : g->sealed_len;
	g->out_len = dir == CRYPTO_PROTECT ? g->sealed_len : g->plain_len;
}

const char *crypto_dir_name(enum crypto_dir dir)
{
	return dir == CRYPTO_PROTECT ? "protect" : "unprotect";
}

/* Measure one group, print its table and add it to `groups`. */
static int group_run(struct crypto_group *g, const struct crypto_options *o, FILE *out,
		     json_object *groups)
{
	static const unsigned int ksrtp_batches[] = { 0, 32, 64 };
	struct bench_contender c[8];
	struct bench_figures fig[8];
	const struct bench_contender *reference, *ceiling;
	json_object *jg, *jc;
	unsigned int i, n = 0;
	int err = 0;

	/* Contenders are added while err stays 0. */
#define ADD_CONTENDER(call)              \
	do {                             \
		if (!err && !(err = (call))) \
			n++;             \
	} while (0)
	for (i = 0; i < sizeof(ksrtp_batches) / sizeof(ksrtp_batches[0]); i++)
		ADD_CONTENDER(crypto_ksrtp_contender(g, ksrtp_batches[i], &c[n]));
	ADD_CONTENDER(crypto_libsrtp_contender(g, &c[n]));
	if (g->prof->gcm) {
		ADD_CONTENDER(crypto_imb_gcm_contender(g, &c[n]));
	} else {
		ADD_CONTENDER(crypto_imb_cm_contender(g, 1, CRYPTO_IMB_JOBS, &c[n]));
		if (crypto_imb_sse_differs())
			ADD_CONTENDER(crypto_imb_cm_contender(g, 1, CRYPTO_IMB_JOBS_SSE, &c[n]));
		ADD_CONTENDER(crypto_imb_cm_contender(g, 32, CRYPTO_IMB_JOBS, &c[n]));
		ADD_CONTENDER(crypto_imb_cm_contender(g, 32, CRYPTO_IMB_BURSTS, &c[n]));
	}
#undef ADD_CONTENDER
	if (!err)
		err = bench_interleave(c, n, g->packets, &o->common);
	if (!err) {
		bench_figures_of(c, n, o->common.runs, g->payload, fig, &reference, &ceiling);
		fprintf(out, "\n%s %s, %u-byte payload (%u-byte packet in, %u out)\n",
			g->prof->name, crypto_dir_name(g->dir), g->payload, g->in_len, g->out_len);
		bench_figures_print(out, c, fig, n, reference);
		fflush(out);

		jg = json_object_new_object();
		json_object_object_add(jg, "profile", json_object_new_string(g->prof->name));
		json_object_object_add(jg, "direction",
				       json_object_new_string(crypto_dir_name(g->dir)));
		json_object_object_add(jg, "payload_bytes", json_object_new_int64(g->payload));
		json_object_object_add(jg, "packet_bytes_in", json_object_new_int64(g->in_len));
		json_object_object_add(jg, "packet_bytes_out", json_object_new_int64(g->out_len));
		json_object_object_add(jg, "reference",
				       reference ? json_object_new_string(reference->name) : NULL);
		json_object_object_add(jg, "ceiling",
				       ceiling ? json_object_new_string(ceiling->name) : NULL);
		jc = json_object_new_array();
		for (i = 0; i < n; i++)
			json_object_array_add(jc, bench_figures_json(&c[i], &fig[i]));
		json_object_object_add(jg, "contenders", jc);
		json_object_array_add(groups, jg);
	}
	for (i = 0; i < n; i++)
		c[i].destroy(c[i].ctx);
	return err ? -1 : 0;
}

/* ---- options ---- */

/* A comma-separated list of 1..max_n decimals in [min, max]; 0 or -1. */
static int parse_uint_list(const char *arg, unsigned int min, unsigned int max,
			   unsigned int *out, unsigned int max_n, unsigned int *n)
{
	char *copy = strdup(arg), *save = NULL, *tok;
	int err = copy ? 0 : -1;

	*n = 0;
	for (tok = copy ? strtok_r(copy, ",", &save) : NULL; tok && !err;
	     tok = strtok_r(NULL, ",", &save)) {
		if (*n == max_n || bench_parse_uint(tok, min, max, &out[*n]))
			err = -1;
		else
			(*n)++;
	}
	free(copy);
	return err || !*n ? -1 : 0;
}

static void set_stream_counts(struct crypto_scaling_options *so, const unsigned int *counts,
			      unsigned int n)
{
	memcpy(so->counts, counts, n * sizeof(*counts));
	so->n_counts = n;
}

/* Ascending stream counts, or "0": no stream-scaling section. */
static int parse_stream_counts(const char *arg, struct crypto_scaling_options *so)
{
	unsigned int i;

	if (!strcmp(arg, "0")) {
		so->n_counts = 0;
		return 0;
	}
	if (parse_uint_list(arg, 1, MAX_SCALING_STREAMS, so->counts, CRYPTO_MAX_STREAM_COUNTS,
			    &so->n_counts))
		return -1;
	for (i = 1; i < so->n_counts; i++)
		if (so->counts[i] <= so->counts[i - 1])
			return -1;
	return 0;
}

enum { OPT_SIZES = 1, OPT_STREAM_COUNTS, OPT_LIBSRTP_MAX_STREAMS, OPT_STREAMS, OPT_CPU };

static const struct option crypto_longopts[] = {
	BENCH_COMMON_OPTIONS,
	{ "sizes", required_argument, NULL, OPT_SIZES },
	{ "stream-counts", required_argument, NULL, OPT_STREAM_COUNTS },
	{ "libsrtp-max-streams", required_argument, NULL, OPT_LIBSRTP_MAX_STREAMS },
	{ "streams", required_argument, NULL, OPT_STREAMS },
	{ "cpu", required_argument, NULL, OPT_CPU },
	{ NULL, 0, NULL, 0 },
};

/* One of crypto_longopts' own options into the struct crypto_options at ctx. */
static int parse_crypto_option(void *ctx, int val, const char *arg)
{
	struct crypto_options *o = ctx;
	unsigned int cpu;

	switch (val) {
	case OPT_SIZES:
		return parse_uint_list(arg, 1, CRYPTO_MAX_PAYLOAD, o->sizes, MAX_SIZES, &o->n_sizes);
	case OPT_STREAM_COUNTS:
		o->counts_set = true;
		return parse_stream_counts(arg, &o->scaling);
	case OPT_LIBSRTP_MAX_STREAMS:
		return bench_parse_uint(arg, 0, MAX_SCALING_STREAMS,
					&o->scaling.libsrtp_max_streams);
	case OPT_STREAMS:
		o->streams_set = true;
		return bench_parse_uint(arg, 0, MAX_MEMORY_STREAMS, &o->streams);
	case OPT_CPU:
		return bench_parse_uint(arg, 0, UINT32_MAX, &cpu) || bench_pin_cpu(cpu);
	}
	return 1;
}

static const struct bench_option_table crypto_option_table = {
	.command = &bench_crypto_command,
	.options = crypto_longopts,
	.parse_own = parse_crypto_option,
	.default_runs = DEFAULT_RUNS,
	.default_run_ms = DEFAULT_RUN_MS,
	.quick_runs = QUICK_RUNS,
	.quick_run_ms = QUICK_RUN_MS,
};

/* True to go on; false to exit with *exit_code (after --help, or a usage error). */
static bool parse_options(int argc, char **argv, struct crypto_options *o, int *exit_code)
{
	*o = (struct crypto_options){
		.sizes = { 160, 1200 },
		.n_sizes = 2,
		.scaling.libsrtp_max_streams = LIBSRTP_SCALING_MAX,
	};
	if (!bench_parse_options(&crypto_option_table, argc, argv, o, &o->common, exit_code))
		return false;
	if (!o->streams_set)
		o->streams = o->common.quick ? QUICK_MEMORY_STREAMS : MEMORY_STREAMS;
	if (!o->counts_set && o->common.quick)
		set_stream_counts(&o->scaling, quick_stream_counts, N_QUICK_STREAM_COUNTS);
	else if (!o->counts_set)
		set_stream_counts(&o->scaling, stream_counts, N_STREAM_COUNTS);
	o->scaling.common = o->common;
	return true;
}

/* ---- the subcommand ---- */

static const char *clock_name(clockid_t clock)
{
	return clock == CLOCK_MONOTONIC ? "wall time (CLOCK_MONOTONIC)"
					: "thread CPU time (CLOCK_THREAD_CPUTIME_ID)";
}

static void print_method(FILE *out, const struct crypto_options *o)
{
	fprintf(out, "\nmethod:\n"
		     "  In each group the contenders run interleaved (A B C .., A B C ..):\n"
		     "  %u runs of ~%u ms each, timed in %s;\n"
		     "  figures are medians.\n",
		o->common.runs, o->common.run_ms, clock_name(o->common.clock));
	fprintf(out, "  A pass is a ring of %u packets with consecutive sequence numbers.\n"
		     "  Every contender copies each packet from the ring into one of %u\n"
		     "  %u-byte work slots and seals or opens it there: THE COPY IS INCLUDED\n"
		     "  in every figure, the ipsec-mb ceiling's too. Before each pass, untimed,\n"
		     "  the ksrtp and libsrtp2 sessions are made afresh (replay state).\n"
		     "  Replay windows: ksrtp %u packets, libsrtp2 its default 128.\n",
		CRYPTO_RING_PACKETS, CRYPTO_SLOTS, CRYPTO_SLOT_SIZE, KSRTP_REPLAY_WINDOW_DEFAULT);
	fprintf(out, "  After warm-up every contender's output is checked byte for byte\n"
		     "  (sealed packets against ksrtp's, so libsrtp2 interop is checked too).\n");
	fprintf(out, "  vs libsrtp2 = libsrtp2's time / ours; %%ceiling = the fastest raw\n"
		     "  ipsec-mb row's time / ours; both per round (runs back to back), median.\n"
		     "  Gbit/s counts payload bytes. spread = fastest and slowest run against\n"
		     "  the median; NOISY when (max - min) / median > %.0f%%.\n",
		BENCH_NOISY_SPREAD * 100);
}

static json_object *method_json(const struct crypto_options *o)
{
	json_object *m = json_object_new_object(), *sizes = json_object_new_array();
	unsigned int i;

	json_object_object_add(m, "runs", json_object_new_int64(o->common.runs));
	json_object_object_add(m, "run_ms", json_object_new_int64(o->common.run_ms));
	json_object_object_add(m, "clock", json_object_new_string(clock_name(o->common.clock)));
	json_object_object_add(m, "quick", json_object_new_boolean(o->common.quick));
	json_object_object_add(m, "interleaved", json_object_new_boolean(true));
	json_object_object_add(m, "ring_packets", json_object_new_int64(CRYPTO_RING_PACKETS));
	json_object_object_add(m, "work_slots", json_object_new_int64(CRYPTO_SLOTS));
	json_object_object_add(m, "slot_bytes", json_object_new_int64(CRYPTO_SLOT_SIZE));
	json_object_object_add(m, "copy_included", json_object_new_boolean(true));
	json_object_object_add(m, "rtp_header_bytes", json_object_new_int64(KSRTP_RTP_HEADER_LEN));
	json_object_object_add(m, "ksrtp_replay_window",
			       json_object_new_int64(KSRTP_REPLAY_WINDOW_DEFAULT));
	json_object_object_add(m, "libsrtp2_replay_window", json_object_new_int64(128));
	json_object_object_add(m, "noisy_spread", json_object_new_double(BENCH_NOISY_SPREAD));
	for (i = 0; i < o->n_sizes; i++)
		json_object_array_add(sizes, json_object_new_int64(o->sizes[i]));
	json_object_object_add(m, "payload_sizes", sizes);
	return m;
}

static int crypto_main(int argc, char **argv)
{
	struct crypto_options o;
	struct bench_machine machine;
	json_object *root, *groups;
	FILE *out;
	unsigned int p, s;
	int exit_code, err = 0;

	if (!parse_options(argc, argv, &o, &exit_code))
		return exit_code;
	out = o.common.json_path && !strcmp(o.common.json_path, "-") ? stderr : stdout;
	if (srtp_init()) {
		fprintf(stderr, "ksrtp-bench: srtp_init failed\n");
		return BENCH_EXIT_FAIL;
	}
	bench_machine_probe(&machine);
	fprintf(out, "ksrtp-bench crypto: SRTP protect/unprotect, ns per packet\n\n");
	bench_machine_print(out, &machine);
	print_method(out, &o);

	root = json_object_new_object();
	groups = json_object_new_array();
	json_object_object_add(root, "tool", json_object_new_string("ksrtp-bench"));
	json_object_object_add(root, "command", json_object_new_string("crypto"));
	json_object_object_add(root, "machine", bench_machine_json(&machine));
	json_object_object_add(root, "method", method_json(&o));
	json_object_object_add(root, "groups", groups);
	for (p = 0; p < N_PROFILES && !err; p++) {
		for (s = 0; s < o.n_sizes && !err; s++) {
			struct crypto_group g;

			err = group_init(&g, &profiles[p], o.sizes[s]);
			if (err)
				break;
			crypto_group_set_dir(&g, CRYPTO_PROTECT);
			err = group_run(&g, &o, out, groups);
			if (!err) {
				crypto_group_set_dir(&g, CRYPTO_UNPROTECT);
				err = group_run(&g, &o, out, groups);
			}
			crypto_group_free(&g);
		}
	}
	if (!err && o.scaling.n_counts)
		err = crypto_stream_scaling(out, root, &profiles[0], &o.scaling, &machine);
	if (!err && o.streams)
		err = crypto_stream_memory(out, root, profiles, N_PROFILES, o.streams);
	if (!err && o.common.json_path)
		err = bench_json_write(o.common.json_path, root);
	json_object_put(root);
	srtp_shutdown();
	return err ? BENCH_EXIT_FAIL : BENCH_EXIT_OK;
}

const struct bench_command bench_crypto_command = {
	.name = "crypto",
	.summary = "SRTP protect/unprotect ns per packet: ksrtp vs libsrtp2 vs raw ipsec-mb",
	.options = options_help,
	.main = crypto_main,
};
BENCH_COMMAND(bench_crypto_command);
