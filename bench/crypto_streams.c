// SPDX-License-Identifier: MIT
/*
 * ksrtp-bench crypto: ns per packet against the number of streams. A call
 * server holds a stream per SSRC and direction, tens of thousands of them,
 * and their packets interleave: every packet pays the SSRC -> stream lookup
 * and touches its own stream's keys and replay window, state that stops
 * fitting in cache long before 100 000 streams of ~1.4 KiB.
 *
 * For each stream count N, AEAD_AES_128_GCM with a 160-byte payload is
 * protected, then unprotected, over N streams of one session, every packet
 * to another stream than the packet before: round-robin, or each round of N
 * packets in its own random order. Contenders: ksrtp a packet a call and in
 * batches of 32, and libsrtp2 up to --libsrtp-max-streams: it finds a stream
 * by walking a linked list of them all, so over 10 000 streams a pass takes
 * seconds. libsrtp2 is timed in runs of its own, after ksrtp's: its
 * streams, ten times the size, would evict ksrtp's from the caches between
 * runs, and ksrtp's figures would depend on whether libsrtp2 ran.
 *
 * A pass is `rounds` rounds of N packets (at least SCALING_MIN_PASS, so the
 * ring grows with N past that), round r carrying the next index of every
 * stream. Replay windows want new indices every pass, so before each pass,
 * untimed, the ring is rewritten for the next rounds of the library's
 * session: the headers, and for unprotect the packets, sealed by libksrtp's
 * GCM step below the stream lookup (ksrtp_gcm_seal_rtp()). All streams share
 * one master key, which lets one stream seal for any SSRC (each stream of a
 * session still holds its own expanded copy). The contenders of a library
 * take turns on one session and one sequence of rounds, so every stream's
 * index goes up one by one (and the ROC rolls over, at small N).
 *
 * Every ksrtp contender is timed in runs interleaved with its control: the
 * same contender over a session of one stream, on a ring as long. Growth is
 * reported against that control, run by run, so that neither the machine's
 * drift between groups (minutes apart) nor the ring's size shows as scaling.
 * libsrtp2 has no control (see group_run()); its growth is over its own
 * figure at the first count.
 *
 * To tell the lookup from the memory it reaches: ksrtp_table_find() alone
 * on the session's own SSRC table, in the same orders, and the same plus a
 * read of the first cache line of the stream found.
 */
#include <assert.h>
#include <math.h>
#include <stdlib.h>

#include "crypto.h"		/* lib/crypto.h: ksrtp_gcm_seal_rtp() */
#include "crypto_bench.h"
#include "session.h"		/* lib/session.h: the session's SSRC tables */

#define SCALING_PAYLOAD 160
#define SCALING_BATCH 32		/* as kind_names[] says */
#define SCALING_MIN_PASS 4096		/* packets: a pass is ceil(this / N) rounds */
#define SCALING_ROW_NAME 32

enum scaling_order { ORDER_ROUND_ROBIN, ORDER_RANDOM, N_ORDERS };

static const char *const order_names[N_ORDERS] = { "round-robin", "random" };

/* The contenders of a group; the summary has a row for each kind in each order. */
enum scaling_kind { KIND_KSRTP_SINGLE, KIND_KSRTP_BATCH, KIND_LIBSRTP, N_KINDS };

static const char *const kind_names[N_KINDS] = {
	"ksrtp single", "ksrtp batch 32", "libsrtp2",
};

/* The lookup-only contenders, all in one group, likewise. */
enum lookup_kind { LOOKUP_TABLE, LOOKUP_TABLE_STREAM, N_LOOKUP_KINDS };

static const char *const lookup_kind_names[N_LOOKUP_KINDS] = {
	"table find", "find + stream line",
};

#define N_CRYPTO_ROWS (N_KINDS * N_ORDERS)
#define N_LOOKUP_ROWS (N_LOOKUP_KINDS * N_ORDERS)

/* Contenders of a group, controls included: a crypto group's, or the lookup's. */
#define SCALING_LINEUP (2 * N_KINDS)
static_assert(N_LOOKUP_ROWS + N_LOOKUP_KINDS <= SCALING_LINEUP, "the lookup's lineup fits");

enum scaling_library { LIB_KSRTP, LIB_LIBSRTP, N_LIBRARIES };

/*
 * Stream k's SSRC: murmur3's finalizer of k + 1, a bijection, so the SSRCs
 * are distinct and look random, as peers pick them. (An arithmetic
 * progression would not do: its multiplicative hash is one too, and for some
 * multipliers it clusters in the linear-probing table.)
 */
static uint32_t stream_ssrc(uint32_t k)
{
	uint32_t h = k + 1;

	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

/* ---- a stream count: the orders its groups share ---- */

struct scaling_count {
	unsigned int streams;
	unsigned int rounds;		/* a pass */
	unsigned int packets;		/* a pass: rounds * streams */
	uint32_t *ssrc_at[N_ORDERS];	/* ring position -> its stream's SSRC */
};

static void count_free(struct scaling_count *n)
{
	unsigned int o;

	for (o = 0; o < N_ORDERS; o++)
		free(n->ssrc_at[o]);
}

/* Passes of at least min_packets packets over `streams` streams. */
static int count_init(struct scaling_count *n, unsigned int streams, unsigned int min_packets)
{
	uint64_t state = 0x13198a2e03707344ull ^ streams;
	unsigned int i, j, o;

	memset(n, 0, sizeof(*n));
	n->streams = streams;
	n->rounds = (min_packets + streams - 1) / streams;
	n->packets = n->rounds * streams;
	for (o = 0; o < N_ORDERS; o++) {
		n->ssrc_at[o] = malloc(n->packets * sizeof(*n->ssrc_at[o]));
		if (!n->ssrc_at[o]) {
			fprintf(stderr, "ksrtp-bench: out of memory\n");
			count_free(n);
			return -1;
		}
	}
	for (o = 0; o < N_ORDERS; o++)
		for (i = 0; i < n->packets; i++)
			n->ssrc_at[o][i] = stream_ssrc(i % streams);
	/* Each round a Fisher-Yates shuffle of its own. */
	for (i = 0; i < n->packets; i += streams) {
		uint32_t *round = n->ssrc_at[ORDER_RANDOM] + i;

		for (j = streams - 1; j > 0; j--) {
			uint32_t k = (uint32_t)(crypto_random_u64(&state) % (j + 1)), t = round[j];

			round[j] = round[k];
			round[k] = t;
		}
	}
	return 0;
}

/* ---- a group: one stream count, one direction ---- */

struct scaling_group {
	struct crypto_group g;		/* master: the key of every stream */
	const struct scaling_count *count;
	struct ksrtp_stream *sealer;	/* seals the ring, for any SSRC and index */
	ksrtp_session *ksrtp;
	srtp_t libsrtp;			/* NULL: libsrtp2 sits this count out */
	uint64_t next_round[N_LIBRARIES];	/* of each library's session */
};

static void group_free(struct scaling_group *sg)
{
	if (!sg)
		return;
	ksrtp_session_free(sg->ksrtp);
	if (sg->libsrtp)
		srtp_dealloc(sg->libsrtp);
	ksrtp_stream_free(sg->sealer);
	crypto_group_free(&sg->g);
	ksrtp_wipe(sg, sizeof(*sg));
	free(sg);
}

/* The sealer, and the ksrtp session with a stream for each SSRC. */
static int ksrtp_session_fill(struct scaling_group *sg)
{
	const struct ksrtp_config cfg = { .engine = KSRTP_ENGINE_USER };
	const struct crypto_group *g = &sg->g;
	struct ksrtp_policy policy = {
		.profile = g->prof->id,
		.direction = KSRTP_OUTBOUND,
		.key = g->master,
		.key_len = g->prof->key_len,
		.salt = g->master + g->prof->key_len,
		.salt_len = g->prof->salt_len,
	};
	unsigned int k;
	int err = 0;

	sg->sealer = ksrtp_stream_new(&policy, &g->keys, &err);
	if (sg->sealer)
		sg->ksrtp = ksrtp_session_new(&cfg, &err);
	policy.direction = g->dir == CRYPTO_PROTECT ? KSRTP_OUTBOUND : KSRTP_INBOUND;
	for (k = 0; sg->ksrtp && !err && k < sg->count->streams; k++) {
		policy.ssrc = stream_ssrc(k);
		err = ksrtp_add_stream(sg->ksrtp, &policy);
	}
	if (!sg->ksrtp || err) {
		fprintf(stderr, "ksrtp-bench: %u ksrtp streams: %s\n", sg->count->streams,
			ksrtp_strerror(err));
		return -1;
	}
	return 0;
}

/* The libsrtp2 session with a stream for each SSRC. */
static int libsrtp_session_fill(struct scaling_group *sg)
{
	struct crypto_group *g = &sg->g;
	srtp_policy_t policy = { 0 };
	srtp_err_status_t err;
	unsigned int k;

	g->prof->srtp_policy(&policy.rtp);
	g->prof->srtp_policy(&policy.rtcp);
	policy.ssrc.type = ssrc_specific;
	policy.key = g->master;
	err = srtp_create(&sg->libsrtp, NULL);
	for (k = 0; !err && k < sg->count->streams; k++) {
		policy.ssrc.value = stream_ssrc(k);
		err = srtp_add_stream(sg->libsrtp, &policy);
	}
	if (err) {
		fprintf(stderr, "ksrtp-bench: %u libsrtp2 streams: error %d\n", sg->count->streams,
			err);
		return -1;
	}
	return 0;
}

/*
 * The rings (headers are ring_fill()'s), one master key for all streams, and
 * a session of each library with a stream for each.
 */
static struct scaling_group *group_new(const struct crypto_profile *prof, enum crypto_dir dir,
				       const struct scaling_count *n, bool with_libsrtp)
{
	struct scaling_group *sg = calloc(1, sizeof(*sg));
	uint64_t state = 0xa4093822299f31d0ull ^ n->streams;
	struct crypto_group *g;
	unsigned int i;
	int err;

	if (!sg) {
		fprintf(stderr, "ksrtp-bench: out of memory\n");
		return NULL;
	}
	sg->count = n;
	g = &sg->g;
	if (crypto_group_alloc(g, prof, SCALING_PAYLOAD, n->packets))
		goto fail;
	for (i = 0; i < g->packets; i++) {
		uint8_t *p = g->plain + i * g->stride;

		p[0] = 0x80;	/* V=2, no padding, extension or CSRCs */
		p[1] = 96;	/* a dynamic payload type */
		crypto_random_bytes(&state, p + KSRTP_RTP_HEADER_LEN, g->payload);
	}
	crypto_group_set_dir(g, dir);
	crypto_random_bytes(&state, g->master, prof->key_len + prof->salt_len);
	err = ksrtp_kdf(prof->id, g->master, g->master + prof->key_len, &g->keys);
	if (err) {
		fprintf(stderr, "ksrtp-bench: key derivation: %s\n", ksrtp_strerror(err));
		goto fail;
	}
	if (ksrtp_session_fill(sg) || (with_libsrtp && libsrtp_session_fill(sg)))
		goto fail;
	return sg;
fail:
	group_free(sg);
	return NULL;
}

/* The SSRC table of the ksrtp session's outbound streams (protect groups). */
static const struct ksrtp_stream_table *outbound_table(const struct scaling_group *sg)
{
	return &sg->ksrtp->streams[KSRTP_OUTBOUND - 1];
}

/*
 * Rewrite the ring in `order` for the next rounds of library lib's session:
 * every header, and the sealed packets that the pass reads (unprotect) or
 * that verify() compares with (protect: the last CRYPTO_SLOTS).
 */
static void ring_fill(struct scaling_group *sg, enum scaling_library lib,
		      enum scaling_order order)
{
	const struct crypto_group *g = &sg->g;
	const struct scaling_count *n = sg->count;
	const uint32_t *ssrc_at = n->ssrc_at[order];
	const uint64_t first = CRYPTO_FIRST_SEQ + sg->next_round[lib];
	const unsigned int seal_from = g->dir == CRYPTO_UNPROTECT ? 0 : g->packets - CRYPTO_SLOTS;
	IMB_MGR *mgr = ksrtp_imb();
	unsigned int i;

	for (i = 0; i < g->packets; i++) {
		uint8_t *p = g->plain + i * g->stride, *q = g->sealed + i * g->stride;
		uint64_t index = first + i / n->streams;
		uint32_t ssrc = ssrc_at[i];

		p[2] = (uint8_t)(index >> 8);
		p[3] = (uint8_t)index;
		ksrtp_store_be32(p + 4, (uint32_t)index * 960);
		ksrtp_store_be32(p + 8, ssrc);
		if (i < seal_from)
			continue;
		memcpy(q, p, g->plain_len);
		ksrtp_gcm_seal_rtp(mgr, sg->sealer, q, KSRTP_RTP_HEADER_LEN, g->plain_len, ssrc,
				   index);
	}
	sg->next_round[lib] += n->rounds;
}

/* ---- the contenders ---- */

struct scaling_contender {
	struct scaling_group *sg;
	enum scaling_kind kind;
	enum scaling_order order;
	char name[SCALING_ROW_NAME];
	struct ksrtp_pkt v[SCALING_BATCH];
};

static int scaling_reset(void *arg)
{
	struct scaling_contender *sc = arg;

	ring_fill(sc->sg, sc->kind == KIND_LIBSRTP ? LIB_LIBSRTP : LIB_KSRTP, sc->order);
	return 0;
}

static int scaling_pass(void *arg)
{
	struct scaling_contender *sc = arg;
	const struct scaling_group *sg = sc->sg;

	switch (sc->kind) {
	case KIND_KSRTP_SINGLE:
		return crypto_ksrtp_single_run(&sg->g, sg->ksrtp, sc->name);
	case KIND_KSRTP_BATCH:
		return crypto_ksrtp_batch_run(&sg->g, sg->ksrtp, SCALING_BATCH, sc->v, sc->name);
	default:
		return crypto_libsrtp_run(&sg->g, sg->libsrtp, sc->name);
	}
}

static int scaling_verify(void *arg)
{
	struct scaling_contender *sc = arg;

	return crypto_verify_slots(&sc->sg->g, sc->name);
}

/* A contender over sg's streams; a control's sg has one stream, which its name says. */
static int scaling_contender(struct scaling_group *sg, enum scaling_kind kind,
			     enum scaling_order order, bool control, struct bench_contender *c)
{
	struct scaling_contender *sc = calloc(1, sizeof(*sc));

	if (!sc) {
		fprintf(stderr, "ksrtp-bench: out of memory\n");
		return -1;
	}
	sc->sg = sg;
	sc->kind = kind;
	sc->order = order;
	snprintf(sc->name, sizeof(sc->name), control ? "%s, 1 stream" : "%s", kind_names[kind]);
	*c = (struct bench_contender){
		.name = sc->name,
		.role = kind == KIND_LIBSRTP && !control ? BENCH_REFERENCE : BENCH_SUBJECT,
		.ctx = sc,
		.reset = scaling_reset,
		.pass = scaling_pass,
		.verify = scaling_verify,
		.destroy = free,
	};
	return 0;
}

struct lookup_contender {
	const struct ksrtp_stream_table *table;
	const uint32_t *ssrc_at;
	unsigned int packets;
	uintptr_t found;	/* a sum over the last pass, so that the compiler keeps it */
	char name[SCALING_ROW_NAME];
};

static inline __attribute__((always_inline)) int
lookup_loop(struct lookup_contender *l, bool read_stream)
{
	uintptr_t found = 0;
	unsigned int i;

	for (i = 0; i < l->packets; i++) {
		const struct ksrtp_stream *st =
			ksrtp_table_find(l->table, l->ssrc_at[i]);

		if (unlikely(!st))
			return crypto_packet_failed(l->name, i, "SSRC not in the table");
		found += read_stream ? st->ssrc : (uintptr_t)st;
	}
	l->found = found;
	return 0;
}

static int lookup_table_pass(void *arg)
{
	return lookup_loop(arg, false);
}

static int lookup_table_stream_pass(void *arg)
{
	return lookup_loop(arg, true);
}

/* The SSRCs of sg's ring, in `order`, looked up in sg's outbound table. */
static int lookup_contender(const struct scaling_group *sg, enum lookup_kind kind,
			    enum scaling_order order, bool control, struct bench_contender *c)
{
	struct lookup_contender *l = calloc(1, sizeof(*l));

	if (!l) {
		fprintf(stderr, "ksrtp-bench: out of memory\n");
		return -1;
	}
	l->table = outbound_table(sg);
	l->ssrc_at = sg->count->ssrc_at[order];
	l->packets = sg->count->packets;
	if (control)
		snprintf(l->name, sizeof(l->name), "%s, 1 stream", lookup_kind_names[kind]);
	else
		snprintf(l->name, sizeof(l->name), "%s, %s", lookup_kind_names[kind],
			 order_names[order]);
	*c = (struct bench_contender){
		.name = l->name,
		.role = BENCH_SUBJECT,
		.ctx = l,
		.pass = kind == LOOKUP_TABLE ? lookup_table_pass : lookup_table_stream_pass,
		.destroy = free,
	};
	return 0;
}

/* ---- measuring ---- */

/* A contender at one stream count, for the summary. */
struct scaling_cell {
	double ns;		/* median ns a packet (or a lookup) */
	/* Median over runs of ns / its control's; without one, ns / ns at the first count. */
	double growth;
	bool noisy;		/* it or its control */
	json_object *json;	/* its figures; NULL: not measured */
};

struct scaling_results {
	struct scaling_cell crypto[2][N_CRYPTO_ROWS][CRYPTO_MAX_STREAM_COUNTS];	/* [dir] */
	struct scaling_cell lookup[N_LOOKUP_ROWS][CRYPTO_MAX_STREAM_COUNTS];
	size_t stream_bytes;				/* one ksrtp stream's allocation */
	size_t table_bytes[CRYPTO_MAX_STREAM_COUNTS];	/* the ksrtp session's SSRC table */
};

/*
 * A group's contenders: each has a row of the summary, or is the control of
 * the contenders taken since the control before it; a contender that is its
 * own control has none.
 */
struct scaling_lineup {
	struct bench_contender c[SCALING_LINEUP];
	int row[SCALING_LINEUP];		/* -1: a control */
	unsigned int control[SCALING_LINEUP];	/* index of c[i]'s control */
	unsigned int n;
	unsigned int uncontrolled;		/* the first without a control yet */
	unsigned int split;	/* c[0..split) are interleaved, then c[split..n) */
};

/* Take the contender just made at c[n]: for summary row `row`, or (-1) as a control. */
static void lineup_take(struct scaling_lineup *lu, int row)
{
	lu->row[lu->n] = row;
	if (row < 0)
		while (lu->uncontrolled <= lu->n)
			lu->control[lu->uncontrolled++] = lu->n;
	lu->n++;
}

static void lineup_take_alone(struct scaling_lineup *lu, int row)
{
	lu->row[lu->n] = row;
	lu->control[lu->n] = lu->n;
	lu->uncontrolled = ++lu->n;
}

static void lineup_destroy(struct scaling_lineup *lu)
{
	unsigned int i;

	for (i = 0; i < lu->n; i++)
		lu->c[i].destroy(lu->c[i].ctx);
}

/*
 * Time the lineup over `packets` a pass, fill fig[] and cells[row][ci];
 * returns the contenders' JSON array, or NULL.
 */
static json_object *measure(struct scaling_lineup *lu, unsigned int packets, unsigned int payload,
			    const struct crypto_scaling_options *o,
			    struct scaling_cell cells[][CRYPTO_MAX_STREAM_COUNTS], unsigned int ci,
			    struct bench_figures *fig, const struct bench_contender **reference)
{
	const struct bench_contender *ceiling;
	json_object *jc;
	unsigned int i, r;

	if (bench_interleave(lu->c, lu->split, packets, &o->common))
		return NULL;
	if (lu->split < lu->n &&
	    bench_interleave(lu->c + lu->split, lu->n - lu->split, packets, &o->common))
		return NULL;
	bench_figures_of(lu->c, lu->n, o->common.runs, payload, fig, reference, &ceiling);
	jc = json_object_new_array();
	for (i = 0; i < lu->n; i++) {
		const struct bench_contender *control = &lu->c[lu->control[i]];
		json_object *j = bench_figures_json(&lu->c[i], &fig[i]);
		double ratio[BENCH_MAX_RUNS];
		struct scaling_cell *cell;
		struct bench_stats st;

		json_object_array_add(jc, j);
		if (lu->row[i] < 0) {
			json_object_object_add(j, "control_of_1_stream",
					       json_object_new_boolean(true));
			continue;
		}
		json_object_object_add(j, "order",
				       json_object_new_string(order_names[lu->row[i] % N_ORDERS]));
		cell = &cells[lu->row[i]][ci];
		cell->ns = fig[i].ns_stats.median;
		cell->noisy = fig[i].noisy || fig[lu->control[i]].noisy;
		cell->json = j;
		cell->growth = NAN;	/* without a control: growth_from_first_count() */
		if (control == &lu->c[i])
			continue;
		for (r = 0; r < o->common.runs; r++)
			ratio[r] = lu->c[i].ns_per_pkt[r] / control->ns_per_pkt[r];
		bench_stats_of(ratio, o->common.runs, &st);
		cell->growth = st.median;
		json_object_object_add(j, "control", json_object_new_string(control->name));
		json_object_object_add(j, "vs_1_stream", bench_stats_json(ratio, o->common.runs));
	}
	return jc;
}

static const char *plural(unsigned int n)
{
	return n == 1 ? "" : "s";
}

/*
 * One stream count, direction and order, each ksrtp contender beside its
 * control over one stream: measure, print the table, add it to groups.
 */
static int group_run(struct scaling_group *sg, struct scaling_group *one,
		     enum scaling_order order, const struct crypto_scaling_options *o,
		     unsigned int ci, struct scaling_results *res, FILE *out, json_object *groups)
{
	static const enum scaling_kind kinds[] = { KIND_KSRTP_SINGLE, KIND_KSRTP_BATCH };
	const struct crypto_group *g = &sg->g;
	const struct scaling_count *n = sg->count;
	struct scaling_lineup lu = { .n = 0 };
	struct bench_figures fig[SCALING_LINEUP];
	const struct bench_contender *reference;
	json_object *jg, *jc = NULL;
	unsigned int k;

	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		if (scaling_contender(sg, kinds[k], order, false, &lu.c[lu.n]))
			goto out;
		lineup_take(&lu, kinds[k] * N_ORDERS + order);
		if (scaling_contender(one, kinds[k], ORDER_ROUND_ROBIN, true, &lu.c[lu.n]))
			goto out;
		lineup_take(&lu, -1);
	}
	/*
	 * libsrtp2 in runs of its own: its ~17 KiB streams would evict ksrtp's
	 * between runs. Without a control: built on NSS (as Debian's is), every
	 * call slows down with the number of NSS contexts alive in the process,
	 * a 1-stream session's calls too.
	 */
	lu.split = lu.n;
	if (sg->libsrtp) {
		if (scaling_contender(sg, KIND_LIBSRTP, order, false, &lu.c[lu.n]))
			goto out;
		lineup_take_alone(&lu, KIND_LIBSRTP * N_ORDERS + order);
	}
	jc = measure(&lu, g->packets, g->payload, o, res->crypto[g->dir], ci, fig, &reference);
	if (!jc)
		goto out;
	fprintf(out, "\n%s %s, %u-byte payload, %u stream%s, %s: %u round%s a pass\n",
		g->prof->name, crypto_dir_name(g->dir), g->payload, n->streams, plural(n->streams),
		order_names[order], n->rounds, plural(n->rounds));
	bench_figures_print(out, lu.c, fig, lu.n, reference);
	fflush(out);
	jg = json_object_new_object();
	json_object_object_add(jg, "direction", json_object_new_string(crypto_dir_name(g->dir)));
	json_object_object_add(jg, "order", json_object_new_string(order_names[order]));
	json_object_object_add(jg, "reference",
			       reference ? json_object_new_string(reference->name) : NULL);
	json_object_object_add(jg, "contenders", jc);
	json_object_array_add(groups, jg);
out:
	lineup_destroy(&lu);
	return jc ? 0 : -1;
}

/* The lookup alone, on the tables of sg's and one's ksrtp sessions; NULL on failure. */
static json_object *lookup_measure(struct scaling_group *sg, struct scaling_group *one,
				   const struct crypto_scaling_options *o, unsigned int ci,
				   struct scaling_results *res)
{
	struct scaling_lineup lu = { .n = 0 };
	struct bench_figures fig[SCALING_LINEUP];
	const struct bench_contender *reference;
	json_object *jc = NULL;
	unsigned int kind, order, i;

	for (kind = 0; kind < N_LOOKUP_KINDS; kind++) {
		for (order = 0; order < N_ORDERS; order++) {
			if (lookup_contender(sg, kind, order, false, &lu.c[lu.n]))
				goto out;
			lineup_take(&lu, kind * N_ORDERS + order);
		}
		if (lookup_contender(one, kind, ORDER_ROUND_ROBIN, true, &lu.c[lu.n]))
			goto out;
		lineup_take(&lu, -1);
	}
	lu.split = lu.n;
	jc = measure(&lu, sg->count->packets, 0, o, res->lookup, ci, fig, &reference);
	for (i = 0; jc && i < lu.n; i++)
		json_object_object_del(json_object_array_get_idx(jc, i), "payload_gbit_per_s");
out:
	lineup_destroy(&lu);
	return jc;
}

/* One stream count: both directions, and the lookup on the protect groups' tables. */
static int count_run(const struct crypto_profile *prof, const struct crypto_scaling_options *o,
		     unsigned int ci, struct scaling_results *res, FILE *out, json_object *counts)
{
	static const enum crypto_dir dirs[] = { CRYPTO_PROTECT, CRYPTO_UNPROTECT };
	struct scaling_count n, one_stream;
	json_object *jn, *groups, *lookup;
	unsigned int d, order;
	bool with_libsrtp;
	int err = 0;

	if (count_init(&n, o->counts[ci], SCALING_MIN_PASS))
		return -1;
	if (count_init(&one_stream, 1, n.packets)) {
		count_free(&n);
		return -1;
	}
	with_libsrtp = n.streams <= o->libsrtp_max_streams;
	jn = json_object_new_object();
	groups = json_object_new_array();
	json_object_object_add(jn, "streams", json_object_new_int64(n.streams));
	json_object_object_add(jn, "rounds_per_pass", json_object_new_int64(n.rounds));
	json_object_object_add(jn, "packets_per_pass", json_object_new_int64(n.packets));
	json_object_object_add(jn, "libsrtp2", json_object_new_boolean(with_libsrtp));
	json_object_object_add(jn, "groups", groups);
	json_object_array_add(counts, jn);
	for (d = 0; d < 2 && !err; d++) {
		struct scaling_group *sg = group_new(prof, dirs[d], &n, with_libsrtp);
		struct scaling_group *one =
			sg ? group_new(prof, dirs[d], &one_stream, with_libsrtp) : NULL;

		err = one ? 0 : -1;
		for (order = 0; order < N_ORDERS && !err; order++)
			err = group_run(sg, one, order, o, ci, res, out, groups);
		if (!err && dirs[d] == CRYPTO_PROTECT) {
			const struct ksrtp_stream_table *t = outbound_table(sg);

			res->stream_bytes = sg->sealer->alloc_size;
			res->table_bytes[ci] = ((size_t)t->mask + 1) * sizeof(*t->slots);
			lookup = lookup_measure(sg, one, o, ci, res);
			json_object_object_add(jn, "lookup", lookup);
			err = lookup ? 0 : -1;
		}
		group_free(one);
		group_free(sg);
	}
	if (!err) {
		int64_t state_bytes = (int64_t)(res->stream_bytes * n.streams);

		json_object_object_add(jn, "ksrtp_state_bytes", json_object_new_int64(state_bytes));
		json_object_object_add(jn, "ksrtp_table_bytes",
				       json_object_new_int64((int64_t)res->table_bytes[ci]));
	}
	count_free(&one_stream);
	count_free(&n);
	return err;
}

/* ---- the summary ---- */

static void format_bytes(char *buf, size_t size, double bytes)
{
	if (bytes < 1 << 20)
		snprintf(buf, size, "%.1f KiB", bytes / (1 << 10));
	else
		snprintf(buf, size, "%.1f MiB", bytes / (1 << 20));
}

/* "310.2 6.21x": ns and its growth; '*' when noisy, "-" when not measured. */
static void format_cell(char *buf, size_t size, const struct scaling_cell *cell)
{
	double x = cell->growth;

	if (cell->json)
		snprintf(buf, size, "%.1f %.*fx%s", cell->ns, x < 10 ? 2 : x < 100 ? 1 : 0, x,
			 cell->noisy ? "*" : " ");
	else
		snprintf(buf, size, "-");
}

static void print_rows(FILE *out, const struct scaling_cell cells[][CRYPTO_MAX_STREAM_COUNTS],
		       unsigned int n_rows, const struct crypto_scaling_options *o,
		       const char *const *names)
{
	unsigned int r, ci;

	for (r = 0; r < n_rows; r++) {
		bool measured = false;

		for (ci = 0; ci < o->n_counts; ci++)
			if (cells[r][ci].json)
				measured = true;
		if (!measured)
			continue;
		fprintf(out, "    %-18s %-11s", names[r / N_ORDERS], order_names[r % N_ORDERS]);
		for (ci = 0; ci < o->n_counts; ci++) {
			char cell[32];

			format_cell(cell, sizeof(cell), &cells[r][ci]);
			fprintf(out, " %15s", cell);
		}
		fputc('\n', out);
	}
}

static void print_summary(FILE *out, const struct crypto_profile *prof,
			  const struct crypto_scaling_options *o, const struct scaling_results *res,
			  const struct bench_machine *m)
{
	unsigned int ci, d;

	fprintf(out, "\nStream scaling: %s, %u-byte payload. Median ns a packet, and that over\n"
		     "the same contender's on 1 stream, run for run (*: NOISY, -: not run)\n",
		prof->name, SCALING_PAYLOAD);
	fprintf(out, "    %-30s", "streams");
	for (ci = 0; ci < o->n_counts; ci++)
		fprintf(out, " %14u ", o->counts[ci]);
	fprintf(out, "\n    %-30s", "ksrtp streams + SSRC table");
	for (ci = 0; ci < o->n_counts; ci++) {
		char size[24];

		format_bytes(size, sizeof(size),
			     (double)res->stream_bytes * o->counts[ci] + res->table_bytes[ci]);
		fprintf(out, " %14s ", size);
	}
	fputc('\n', out);
	for (d = 0; d < 2; d++) {
		fprintf(out, "  %s\n", crypto_dir_name(d));
		print_rows(out, res->crypto[d], N_CRYPTO_ROWS, o, kind_names);
	}
	fprintf(out, "  SSRC lookup alone, ns a lookup (ksrtp_table_find(), protect session)\n");
	print_rows(out, res->lookup, N_LOOKUP_ROWS, o, lookup_kind_names);
	fprintf(out, "  A ksrtp stream is one %zu-byte allocation; the SSRC table is %zu KiB at\n"
		     "  %u streams. This CPU (cpu 0): L2 %lu KiB, L3 %lu KiB. Once the streams\n"
		     "  outgrow a cache, the growth is memory, not lookup: \"table find\" is the\n"
		     "  lookup alone, \"find + stream line\" also reads the first cache line of\n"
		     "  the stream found, and a packet reads several more (round and GHASH keys,\n"
		     "  salt, replay window). Lookups alone overlap in the CPU; between packets'\n"
		     "  crypto they overlap less.\n",
		res->stream_bytes, res->table_bytes[o->n_counts - 1] >> 10,
		o->counts[o->n_counts - 1], m->cache_bytes[1] >> 10, m->cache_bytes[2] >> 10);
	fprintf(out, "  libsrtp2 runs up to %u streams (--libsrtp-max-streams): %s walks a\n"
		     "  linked list of the streams for every packet, O(N). With NSS as its\n"
		     "  crypto (here: %s), every call also slows down with the NSS contexts\n"
		     "  alive in the process, a 1-stream session's calls too. So libsrtp2 has\n"
		     "  no control: its growth is over its own figure at %u stream%s.\n",
		o->libsrtp_max_streams, srtp_get_version_string(), m->srtp_backend, o->counts[0],
		plural(o->counts[0]));
}

/* ---- the section ---- */

static void scaling_print_method(FILE *out, const struct crypto_profile *prof,
				 const struct crypto_scaling_options *o)
{
	fprintf(out, "\nStream scaling: %s, %u-byte payload, over N streams of one session.\n"
		     "  Every packet goes to another stream than the one before: round-robin,\n"
		     "  or each round of N packets in a random order of its own. A pass is\n"
		     "  ceil(%u / N) rounds; before each, untimed, the ring is rewritten with\n"
		     "  every stream's next index (and sealed, for unprotect), so past %u\n"
		     "  streams the ring, read in order, grows too. A library's contenders\n"
		     "  share its session; all streams share one master key (their SSRCs, so\n"
		     "  IVs, differ). Each ksrtp contender runs interleaved with its control,\n"
		     "  itself over 1 stream on a ring as long; growth is the per-run ratio of\n"
		     "  the two. libsrtp2 up to %u streams, in runs of its own after ksrtp's,\n"
		     "  so that its larger state does not evict ksrtp's (\"vs libsrtp2\" then\n"
		     "  pairs runs that were not back to back), and without a control.\n",
		prof->name, SCALING_PAYLOAD, SCALING_MIN_PASS, SCALING_MIN_PASS,
		o->libsrtp_max_streams);
}

static json_object *scaling_method_json(const struct crypto_profile *prof,
					const struct crypto_scaling_options *o)
{
	json_object *j = json_object_new_object(), *a = json_object_new_array();
	unsigned int i;

	json_object_object_add(j, "profile", json_object_new_string(prof->name));
	json_object_object_add(j, "payload_bytes", json_object_new_int64(SCALING_PAYLOAD));
	json_object_object_add(j, "ksrtp_batch", json_object_new_int64(SCALING_BATCH));
	for (i = 0; i < o->n_counts; i++)
		json_object_array_add(a, json_object_new_int64(o->counts[i]));
	json_object_object_add(j, "stream_counts", a);
	a = json_object_new_array();
	for (i = 0; i < N_ORDERS; i++)
		json_object_array_add(a, json_object_new_string(order_names[i]));
	json_object_object_add(j, "orders", a);
	json_object_object_add(j, "min_packets_per_pass", json_object_new_int64(SCALING_MIN_PASS));
	json_object_object_add(j, "ssrc_of_stream_k",
			       json_object_new_string("murmur3 fmix32(k + 1), distinct"));
	json_object_object_add(j, "one_master_key", json_object_new_boolean(true));
	json_object_object_add(j, "vs_1_stream",
			       json_object_new_string("per run, ns / the control's ns"));
	json_object_object_add(j, "libsrtp2_max_streams",
			       json_object_new_int64(o->libsrtp_max_streams));
	json_object_object_add(j, "libsrtp2_stream_lookup",
			       json_object_new_string("linked list, O(N) a packet"));
	json_object_object_add(j, "libsrtp2_interleaved_with_ksrtp",
			       json_object_new_boolean(false));
	return j;
}

/*
 * The growth of the contenders measured without a control (libsrtp2): over
 * their figure at the first count (they run from the first count up), as
 * "vs_first_count".
 */
static void growth_from_first_count(struct scaling_cell cells[][CRYPTO_MAX_STREAM_COUNTS],
				    unsigned int n_counts)
{
	unsigned int r, ci;

	for (r = 0; r < N_CRYPTO_ROWS; r++) {
		for (ci = 0; ci < n_counts; ci++) {
			struct scaling_cell *cell = &cells[r][ci];

			if (!cell->json || !isnan(cell->growth))
				continue;
			cell->growth = cell->ns / cells[r][0].ns;
			json_object_object_add(cell->json, "vs_first_count",
					       json_object_new_double(cell->growth));
		}
	}
}

int crypto_stream_scaling(FILE *out, json_object *root, const struct crypto_profile *prof,
			  const struct crypto_scaling_options *o, const struct bench_machine *m)
{
	struct scaling_results *res = calloc(1, sizeof(*res));
	json_object *js, *counts;
	unsigned int ci, d;
	int err = 0;

	if (!res) {
		fprintf(stderr, "ksrtp-bench: out of memory\n");
		return -1;
	}
	js = scaling_method_json(prof, o);
	counts = json_object_new_array();
	json_object_object_add(js, "counts", counts);
	json_object_object_add(root, "stream_scaling", js);
	scaling_print_method(out, prof, o);
	for (ci = 0; ci < o->n_counts && !err; ci++)
		err = count_run(prof, o, ci, res, out, counts);
	if (!err) {
		for (d = 0; d < 2; d++)
			growth_from_first_count(res->crypto[d], o->n_counts);
		json_object_object_add(js, "ksrtp_stream_allocation_bytes",
				       json_object_new_int64((int64_t)res->stream_bytes));
		print_summary(out, prof, o, res, m);
	}
	free(res);
	return err;
}
