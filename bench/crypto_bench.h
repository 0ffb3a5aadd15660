/* SPDX-License-Identifier: MIT */
/*
 * ksrtp-bench crypto: what its files share. A group is one profile, one
 * payload size and one direction; every contender of a group processes the
 * same ring of packets through the same work slots. The stream-scaling
 * section (crypto_streams.c) makes groups of its own, over many streams.
 */
#ifndef KSRTP_CRYPTO_BENCH_H
#define KSRTP_CRYPTO_BENCH_H

#include <srtp2/srtp.h>

#include "bench.h"
#include "internal.h"

#define CRYPTO_RING_PACKETS 4096	/* one pass; each packet has its own sequence number */
#define CRYPTO_FIRST_SEQ 1		/* ROC stays 0 over the ring */
#define CRYPTO_SLOTS 64			/* work slots, as many as the largest batch */
#define CRYPTO_SLOT_SIZE 2048		/* as the packet arena's slots */
#define CRYPTO_MAX_PAYLOAD 1800		/* a sealed packet fits a slot, with room */
#define CRYPTO_MASTER_SALT_MAX 14	/* AES-CM; GCM takes 12 */

enum crypto_dir {
	CRYPTO_PROTECT,
	CRYPTO_UNPROTECT,
};

struct crypto_profile {
	enum ksrtp_profile id;
	const char *name;	/* as RFC 7714 and RFC 3711 name it */
	bool gcm;
	unsigned int key_len;
	unsigned int salt_len;
	unsigned int tag_len;
	void (*srtp_policy)(srtp_crypto_policy_t *p);
};

struct crypto_group {
	const struct crypto_profile *prof;
	enum crypto_dir dir;
	unsigned int payload;		/* bytes after the 12-byte RTP header */
	uint32_t ssrc;
	uint8_t master[KSRTP_MAX_KEY_LEN + CRYPTO_MASTER_SALT_MAX];	/* key || salt */
	struct ksrtp_session_keys keys;	/* derived from master, for the raw ipsec-mb rows */
	unsigned int packets;		/* a pass, the whole ring: CRYPTO_RING_PACKETS, or
					 * more in crypto_streams.c */
	uint8_t *plain;			/* ring of RTP packets, `stride` apart */
	uint8_t *sealed;		/* the same packets sealed (by ksrtp) */
	uint32_t plain_len;
	uint32_t sealed_len;
	size_t stride;
	uint8_t *slots;			/* CRYPTO_SLOTS work slots */
	/* By direction: plain -> sealed, or sealed -> plain. */
	const uint8_t *input;
	const uint8_t *expected;
	uint32_t in_len;
	uint32_t out_len;
};

/* xorshift64*: reproducible keys, payloads and orders (not secret). */
static inline uint64_t crypto_random_u64(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545F4914F6CDD1Dull;
}

static inline void crypto_random_bytes(uint64_t *state, uint8_t *out, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		out[i] = (uint8_t)(crypto_random_u64(state) >> 56);
}

static inline const uint8_t *crypto_input(const struct crypto_group *g, unsigned int i)
{
	return g->input + i * g->stride;
}

/* Packet i of a pass is processed in slot i % CRYPTO_SLOTS, by every contender. */
static inline uint8_t *crypto_slot(const struct crypto_group *g, unsigned int i)
{
	return g->slots + (size_t)(i % CRYPTO_SLOTS) * CRYPTO_SLOT_SIZE;
}

/*
 * Set g up for `packets` packets of `payload` bytes after the RTP header:
 * lengths, stride, and the rings and slots (unfilled; the slots zeroed).
 * 0, or -1 with a message; either way crypto_group_free() frees what there is.
 */
int crypto_group_alloc(struct crypto_group *g, const struct crypto_profile *prof,
		       unsigned int payload, unsigned int packets);
/* The rings and slots, and a wipe of the derived keys. */
void crypto_group_free(struct crypto_group *g);

/* Input and expected output by direction: plain -> sealed, or sealed -> plain. */
void crypto_group_set_dir(struct crypto_group *g, enum crypto_dir dir);
const char *crypto_dir_name(enum crypto_dir dir);

/* A contender's verify(): the slots hold the right output of the pass's last packets. */
int crypto_verify_slots(const struct crypto_group *g, const char *who);

/* Report a failed packet on stderr; returns -1 for pass() to return. */
int crypto_packet_failed(const char *who, unsigned int i, const char *why);

/* How the AES-CM + HMAC-SHA1 ceiling calls ipsec-mb. */
enum crypto_imb_api {
	CRYPTO_IMB_JOBS,	/* IMB_SUBMIT_JOB, CNTR and HMAC chained in one job, then flush */
	CRYPTO_IMB_JOBS_SSE,	/* the same on the SSE manager (SHA-NI for SHA-1) */
	CRYPTO_IMB_BURSTS,	/* IMB_SUBMIT_CIPHER_BURST (CNTR) + IMB_SUBMIT_HASH_BURST */
};

/*
 * Contenders for group g; each returns 0, or -1 with a message. batch 0
 * means ksrtp_protect()/ksrtp_unprotect() per packet; burst is the number
 * of packets given to ipsec-mb before waiting for them all.
 */
int crypto_ksrtp_contender(const struct crypto_group *g, unsigned int batch,
			   struct bench_contender *c);
int crypto_libsrtp_contender(const struct crypto_group *g, struct bench_contender *c);

/*
 * One pass over g's ring with a session the caller owns: each packet copied
 * into its slot, then protected or unprotected there, one at a time or in
 * batches of `batch` (v has room for them; the last may be shorter). 0, or
 * -1 after crypto_packet_failed() for `who`.
 */
int crypto_ksrtp_single_run(const struct crypto_group *g, ksrtp_session *s, const char *who);
int crypto_ksrtp_batch_run(const struct crypto_group *g, ksrtp_session *s, unsigned int batch,
			   struct ksrtp_pkt *v, const char *who);
int crypto_libsrtp_run(const struct crypto_group *g, srtp_t s, const char *who);

int crypto_imb_gcm_contender(const struct crypto_group *g, struct bench_contender *c);
int crypto_imb_cm_contender(const struct crypto_group *g, unsigned int burst,
			    enum crypto_imb_api api, struct bench_contender *c);

/*
 * Whether ipsec-mb's SSE manager is a different code path worth its own row:
 * the CPU has SHA-NI (which the SSE manager uses for SHA-1, the wider ones do
 * not) and ipsec-mb picks something other than SSE. libksrtp runs short
 * AES-CM runs there for that reason.
 */
bool crypto_imb_sse_differs(void);

/*
 * Heap bytes per stream, ksrtp and libsrtp2, over adding `streams` inbound
 * streams with distinct keys to one session; printed and added to root
 * as "stream_memory".
 */
int crypto_stream_memory(FILE *out, json_object *root, const struct crypto_profile *profiles,
			 unsigned int n_profiles, unsigned int streams);

#define CRYPTO_MAX_STREAM_COUNTS 8

struct crypto_scaling_options {
	unsigned int counts[CRYPTO_MAX_STREAM_COUNTS];	/* ascending */
	unsigned int n_counts;
	unsigned int libsrtp_max_streams;	/* libsrtp2 runs at counts up to this */
	struct bench_options common;
};

/*
 * ns per packet against the number of streams in one session (profile prof,
 * which must be AEAD_AES_128_GCM or _256_GCM): ksrtp and libsrtp2 over many
 * streams, and ksrtp's SSRC table lookup alone; printed and added to root as
 * "stream_scaling". m says how large the caches are.
 */
int crypto_stream_scaling(FILE *out, json_object *root, const struct crypto_profile *prof,
			  const struct crypto_scaling_options *o, const struct bench_machine *m);

#endif /* KSRTP_CRYPTO_BENCH_H */
