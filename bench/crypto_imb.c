// SPDX-License-Identifier: MIT
/*
 * ksrtp-bench crypto: the ceiling, ipsec-mb called directly with the session
 * keys and nothing of SRTP around it but the IV and, for AES-CM, the ROC:
 * no header parsing, stream lookup or replay window. Its output is the real
 * SRTP packet all the same (the ring never wraps the sequence number, so the
 * ROC is 0), which verify() checks, so the ceiling is known to do the whole
 * crypto job.
 *
 * GCM: IMB_AES*_GCM_ENC/DEC, one call a packet (what lib/ does).
 * AES-CM + HMAC-SHA1: one CNTR+HMAC job a packet, flushed after each packet
 * or after 32, on ipsec-mb's pick of manager or on the SSE one (SHA-NI); or
 * a cipher burst and a hash burst (IMB_SUBMIT_CIPHER_BURST/HASH_BURST) a 32.
 */
#include <stdlib.h>

#include "crypto.h"		/* lib/crypto.h: ksrtp_iv_store() */
#include "crypto_bench.h"

/* Fill `iv` for the packet in slot: RFC 7714 section 8.1 or RFC 3711 section 4.1.1. */
static inline void packet_iv(uint8_t iv[16], const uint8_t salt[16], const uint8_t *slot, bool gcm)
{
	uint64_t ssrc = ksrtp_load_be32(slot + 8), seq = ksrtp_load_be16(slot + 2);

	if (gcm)
		ksrtp_iv_store(iv, salt, ssrc << 16, seq << 32);
	else
		ksrtp_iv_store(iv, salt, ssrc, seq << 16);
}

/* A manager on ipsec-mb's pick of code path, or on SSE (SHA-NI for SHA-1 where the CPU has it). */
static IMB_MGR *imb_new(bool sse)
{
	IMB_MGR *mgr = alloc_mb_mgr(0);

	if (!mgr)
		return NULL;
	if (sse)
		init_mb_mgr_sse(mgr);
	else
		init_mb_mgr_auto(mgr, NULL);
	if (imb_get_errno(mgr)) {
		free_mb_mgr(mgr);
		return NULL;
	}
	return mgr;
}

/* ---- AEAD_AES_*_GCM: IMB_AES*_GCM_ENC/DEC, one call per packet ---- */

struct imb_gcm_bench {
	struct gcm_key_data key;	/* first: aligned_alloc() aligns it */
	uint8_t salt[KSRTP_SALT_STORE_LEN] __attribute__((aligned(16)));
	const struct crypto_group *g;
	IMB_MGR *mgr;
	bool aes256;
};

static int imb_gcm_pass(void *arg)
{
	struct imb_gcm_bench *b = arg;
	const struct crypto_group *g = b->g;
	const uint32_t payload = g->payload;
	struct gcm_context_data ctx;
	uint8_t iv[16] __attribute__((aligned(16)));
	uint8_t tag[KSRTP_GCM_TAG_LEN];
	unsigned int i;

	for (i = 0; i < g->packets; i++) {
		uint8_t *slot = crypto_slot(g, i);
		uint8_t *body = slot + KSRTP_RTP_HEADER_LEN;

		memcpy(slot, crypto_input(g, i), g->in_len);
		packet_iv(iv, b->salt, slot, true);
		if (g->dir == CRYPTO_PROTECT) {
			if (b->aes256)
				IMB_AES256_GCM_ENC(b->mgr, &b->key, &ctx, body, body, payload, iv,
						   slot, KSRTP_RTP_HEADER_LEN, body + payload,
						   KSRTP_GCM_TAG_LEN);
			else
				IMB_AES128_GCM_ENC(b->mgr, &b->key, &ctx, body, body, payload, iv,
						   slot, KSRTP_RTP_HEADER_LEN, body + payload,
						   KSRTP_GCM_TAG_LEN);
			continue;
		}
		if (b->aes256)
			IMB_AES256_GCM_DEC(b->mgr, &b->key, &ctx, body, body, payload, iv, slot,
					   KSRTP_RTP_HEADER_LEN, tag, KSRTP_GCM_TAG_LEN);
		else
			IMB_AES128_GCM_DEC(b->mgr, &b->key, &ctx, body, body, payload, iv, slot,
					   KSRTP_RTP_HEADER_LEN, tag, KSRTP_GCM_TAG_LEN);
		if (unlikely(ksrtp_ct_memcmp(tag, body + payload, KSRTP_GCM_TAG_LEN)))
			return crypto_packet_failed("ipsec-mb GCM", i, "tag mismatch");
	}
	return 0;
}

static int imb_gcm_verify(void *arg)
{
	struct imb_gcm_bench *b = arg;

	return crypto_verify_slots(b->g, "ipsec-mb GCM");
}

static void imb_gcm_destroy(void *arg)
{
	struct imb_gcm_bench *b = arg;

	free_mb_mgr(b->mgr);
	ksrtp_wipe(b, sizeof(*b));
	free(b);
}

int crypto_imb_gcm_contender(const struct crypto_group *g, struct bench_contender *c)
{
	size_t size = (sizeof(struct imb_gcm_bench) + 63) & ~(size_t)63;
	struct imb_gcm_bench *b = aligned_alloc(64, size);

	if (!b || !(b->mgr = imb_new(false))) {
		fprintf(stderr, "ksrtp-bench: ipsec-mb GCM: cannot set up\n");
		free(b);
		return -1;
	}
	b->g = g;
	b->aes256 = g->prof->id == KSRTP_AEAD_AES_256_GCM;
	if (b->aes256)
		IMB_AES256_GCM_PRE(b->mgr, g->keys.rtp_key, &b->key);
	else
		IMB_AES128_GCM_PRE(b->mgr, g->keys.rtp_key, &b->key);
	memcpy(b->salt, g->keys.rtp_salt, sizeof(b->salt));
	*c = (struct bench_contender){
		.name = "ipsec-mb GCM direct",
		.role = BENCH_CEILING,
		.ctx = b,
		.pass = imb_gcm_pass,
		.verify = imb_gcm_verify,
		.destroy = imb_gcm_destroy,
	};
	return 0;
}

/* ---- AES_CM_128_HMAC_SHA1_80: CNTR + HMAC_SHA_1 jobs ---- */

#define CM_TAG_LEN 10

struct imb_cm_bench {
	uint8_t enc[16 * 11] __attribute__((aligned(16)));	/* AES-128 round keys */
	uint8_t ipad[32] __attribute__((aligned(16)));
	uint8_t opad[32] __attribute__((aligned(16)));
	uint8_t salt[KSRTP_SALT_STORE_LEN] __attribute__((aligned(16)));
	uint8_t iv[CRYPTO_SLOTS][16] __attribute__((aligned(16)));
	uint8_t tag[CRYPTO_SLOTS][KSRTP_HMAC_SHA1_LEN];
	uint8_t received[CRYPTO_SLOTS][CM_TAG_LEN];
	IMB_JOB jobs[CRYPTO_SLOTS];	/* the burst API's jobs are the caller's */
	const struct crypto_group *g;
	IMB_MGR *mgr;
	unsigned int burst;
	char name[48];
};

/*
 * Packet j of a burst, in slot: protect encrypts the payload, then
 * authenticates header || payload || ROC; unprotect authenticates first,
 * with the tag set aside and the ROC in its place (RFC 3711 section 4.2).
 */
static void imb_cm_fill(struct imb_cm_bench *b, IMB_JOB *job, uint8_t *slot, unsigned int j)
{
	const struct crypto_group *g = b->g;
	const uint32_t auth_len = KSRTP_RTP_HEADER_LEN + g->payload;

	if (g->dir == CRYPTO_PROTECT) {
		job->cipher_direction = IMB_DIR_ENCRYPT;
		job->chain_order = IMB_ORDER_CIPHER_HASH;
	} else {
		memcpy(b->received[j], slot + auth_len, CM_TAG_LEN);
		job->cipher_direction = IMB_DIR_DECRYPT;
		job->chain_order = IMB_ORDER_HASH_CIPHER;
	}
	ksrtp_store_be32(slot + auth_len, 0);
	packet_iv(b->iv[j], b->salt, slot, false);
	job->cipher_mode = IMB_CIPHER_CNTR;
	job->enc_keys = b->enc;
	job->dec_keys = b->enc;
	job->key_len_in_bytes = 16;
	job->src = slot;
	job->dst = slot + KSRTP_RTP_HEADER_LEN;
	job->cipher_start_src_offset_in_bytes = KSRTP_RTP_HEADER_LEN;
	job->msg_len_to_cipher_in_bytes = g->payload;
	job->iv = b->iv[j];
	job->iv_len_in_bytes = 16;
	job->hash_alg = IMB_AUTH_HMAC_SHA_1;
	job->hash_start_src_offset_in_bytes = 0;
	job->msg_len_to_hash_in_bytes = auth_len + 4;
	job->u.HMAC._hashed_auth_key_xor_ipad = b->ipad;
	job->u.HMAC._hashed_auth_key_xor_opad = b->opad;
	job->auth_tag_output = b->tag[j];
	job->auth_tag_output_len_in_bytes = KSRTP_HMAC_SHA1_LEN;
}

/* After a burst: append the tags, or check them. */
static int imb_cm_finish(struct imb_cm_bench *b, unsigned int base)
{
	const struct crypto_group *g = b->g;
	const uint32_t auth_len = KSRTP_RTP_HEADER_LEN + g->payload;
	unsigned int j;

	for (j = 0; j < b->burst; j++) {
		uint8_t *slot = crypto_slot(g, base + j);

		if (g->dir == CRYPTO_PROTECT)
			memcpy(slot + auth_len, b->tag[j], CM_TAG_LEN);
		else if (unlikely(ksrtp_ct_memcmp(b->tag[j], b->received[j], CM_TAG_LEN)))
			return crypto_packet_failed(b->name, base + j, "tag mismatch");
	}
	return 0;
}

/* The job API: CNTR and HMAC chained in one job a packet, then a flush. */
static int imb_cm_jobs_pass(void *arg)
{
	struct imb_cm_bench *b = arg;
	const struct crypto_group *g = b->g;
	unsigned int base, j;
	IMB_JOB *job;

	for (base = 0; base < g->packets; base += b->burst) {
		bool failed = false;

		for (j = 0; j < b->burst; j++) {
			uint8_t *slot = crypto_slot(g, base + j);

			memcpy(slot, crypto_input(g, base + j), g->in_len);
			imb_cm_fill(b, IMB_GET_NEXT_JOB(b->mgr), slot, j);
			for (job = IMB_SUBMIT_JOB(b->mgr); job; job = IMB_GET_COMPLETED_JOB(b->mgr))
				failed |= job->status != IMB_STATUS_COMPLETED;
		}
		while ((job = IMB_FLUSH_JOB(b->mgr)))
			failed |= job->status != IMB_STATUS_COMPLETED;
		if (unlikely(failed))
			return crypto_packet_failed(b->name, base, "job failed");
		if (unlikely(imb_cm_finish(b, base)))
			return -1;
	}
	return 0;
}

/*
 * The burst API: one IMB_SUBMIT_CIPHER_BURST (CNTR) and one
 * IMB_SUBMIT_HASH_BURST (HMAC_SHA_1) a burst, in the order of the direction.
 */
static int imb_cm_bursts_pass(void *arg)
{
	struct imb_cm_bench *b = arg;
	const struct crypto_group *g = b->g;
	const bool protect = g->dir == CRYPTO_PROTECT;
	const IMB_CIPHER_DIRECTION dir = protect ? IMB_DIR_ENCRYPT : IMB_DIR_DECRYPT;
	unsigned int base, j, done;

	for (base = 0; base < g->packets; base += b->burst) {
		for (j = 0; j < b->burst; j++) {
			uint8_t *slot = crypto_slot(g, base + j);

			memcpy(slot, crypto_input(g, base + j), g->in_len);
			imb_cm_fill(b, &b->jobs[j], slot, j);
		}
		if (protect)
			done = IMB_SUBMIT_CIPHER_BURST(b->mgr, b->jobs, b->burst, IMB_CIPHER_CNTR,
						       dir, IMB_KEY_128_BYTES);
		else
			done = IMB_SUBMIT_HASH_BURST(b->mgr, b->jobs, b->burst,
						     IMB_AUTH_HMAC_SHA_1);
		if (likely(done == b->burst)) {
			if (protect)
				done = IMB_SUBMIT_HASH_BURST(b->mgr, b->jobs, b->burst,
							     IMB_AUTH_HMAC_SHA_1);
			else
				done = IMB_SUBMIT_CIPHER_BURST(b->mgr, b->jobs, b->burst,
							       IMB_CIPHER_CNTR, dir,
							       IMB_KEY_128_BYTES);
		}
		if (unlikely(done != b->burst))
			return crypto_packet_failed(b->name, base + done,
						    imb_get_strerror(imb_get_errno(b->mgr)));
		if (unlikely(imb_cm_finish(b, base)))
			return -1;
	}
	return 0;
}

static int imb_cm_verify(void *arg)
{
	struct imb_cm_bench *b = arg;

	return crypto_verify_slots(b->g, b->name);
}

static void imb_cm_destroy(void *arg)
{
	struct imb_cm_bench *b = arg;

	free_mb_mgr(b->mgr);
	ksrtp_wipe(b, sizeof(*b));
	free(b);
}

bool crypto_imb_sse_differs(void)
{
	IMB_MGR *mgr = alloc_mb_mgr(0);
	IMB_ARCH arch = IMB_ARCH_NONE;
	bool differs;

	if (!mgr)
		return false;
	init_mb_mgr_auto(mgr, &arch);
	differs = !imb_get_errno(mgr) && arch != IMB_ARCH_SSE &&
		  (mgr->features & IMB_FEATURE_SHANI);
	free_mb_mgr(mgr);
	return differs;
}

int crypto_imb_cm_contender(const struct crypto_group *g, unsigned int burst,
			    enum crypto_imb_api api, struct bench_contender *c)
{
	static const char *const api_names[] = {
		[CRYPTO_IMB_JOBS] = NULL,	/* named by the manager's code path */
		[CRYPTO_IMB_JOBS_SSE] = "SSE/SHA-NI",
		[CRYPTO_IMB_BURSTS] = "burst API",
	};
	size_t size = (sizeof(struct imb_cm_bench) + 63) & ~(size_t)63;
	struct imb_cm_bench *b = aligned_alloc(64, size);
	uint8_t dec[16 * 11] __attribute__((aligned(16)));

	if (!b || !burst || burst > CRYPTO_SLOTS || g->packets % burst ||
	    !(b->mgr = imb_new(api == CRYPTO_IMB_JOBS_SSE))) {
		fprintf(stderr, "ksrtp-bench: ipsec-mb CM+HMAC x%u: cannot set up\n", burst);
		free(b);
		return -1;
	}
	memset(b->jobs, 0, sizeof(b->jobs));
	b->g = g;
	b->burst = burst;
	snprintf(b->name, sizeof(b->name), "ipsec-mb CM+HMAC x%u %s", burst,
		 api_names[api] ? api_names[api] : ksrtp_imb_arch_name());
	IMB_AES_KEYEXP_128(b->mgr, g->keys.rtp_key, b->enc, dec);
	ksrtp_wipe(dec, sizeof(dec));
	ksrtp_hmac_sha1_precompute(b->mgr, g->keys.rtp_auth, b->ipad, b->opad);
	memcpy(b->salt, g->keys.rtp_salt, sizeof(b->salt));
	*c = (struct bench_contender){
		.name = b->name,
		.role = BENCH_CEILING,
		.ctx = b,
		.pass = api == CRYPTO_IMB_BURSTS ? imb_cm_bursts_pass : imb_cm_jobs_pass,
		.verify = imb_cm_verify,
		.destroy = imb_cm_destroy,
	};
	return 0;
}
