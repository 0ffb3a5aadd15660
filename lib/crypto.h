/* SPDX-License-Identifier: MIT */
/* Sealing and opening primitives over ipsec-mb, per profile family. */
#ifndef KSRTP_CRYPTO_H
#define KSRTP_CRYPTO_H

#include "stream.h"

/*
 * iv = (w0 || w1, both big-endian) XOR salt, written with a single 16-byte
 * store: assembling the IV piecewise right before ipsec-mb loads it as one
 * vector costs a store-forwarding stall (15-20 ns a packet).
 */
static inline void ksrtp_iv_store(uint8_t iv[16], const uint8_t salt[16], uint64_t w0, uint64_t w1)
{
	__m128i v = _mm_set_epi64x((long long)__builtin_bswap64(w1),
				   (long long)__builtin_bswap64(w0));

	_mm_store_si128((__m128i *)iv, _mm_xor_si128(v, _mm_load_si128((const __m128i *)salt)));
}

/* ipsec-mb's direct GCM API, 128- or 256-bit key. */
static inline void ksrtp_gcm_enc(IMB_MGR *mgr, bool aes256, const struct gcm_key_data *key,
				 uint8_t *out, const uint8_t *in, uint64_t len, const uint8_t *iv,
				 const uint8_t *aad, uint64_t aad_len, uint8_t *tag)
{
	struct gcm_context_data ctx;

	if (aes256)
		IMB_AES256_GCM_ENC(mgr, key, &ctx, out, in, len, iv, aad, aad_len, tag,
				   KSRTP_GCM_TAG_LEN);
	else
		IMB_AES128_GCM_ENC(mgr, key, &ctx, out, in, len, iv, aad, aad_len, tag,
				   KSRTP_GCM_TAG_LEN);
}

static inline void ksrtp_gcm_dec(IMB_MGR *mgr, bool aes256, const struct gcm_key_data *key,
				 uint8_t *out, const uint8_t *in, uint64_t len, const uint8_t *iv,
				 const uint8_t *aad, uint64_t aad_len, uint8_t *tag)
{
	struct gcm_context_data ctx;

	if (aes256)
		IMB_AES256_GCM_DEC(mgr, key, &ctx, out, in, len, iv, aad, aad_len, tag,
				   KSRTP_GCM_TAG_LEN);
	else
		IMB_AES128_GCM_DEC(mgr, key, &ctx, out, in, len, iv, aad, aad_len, tag,
				   KSRTP_GCM_TAG_LEN);
}

/* RFC 7714 section 8.1: 00 00 || SSRC || ROC || SEQ, with index = ROC || SEQ (AAD: 8.2). */
static inline void ksrtp_gcm_rtp_iv(uint8_t iv[16], const struct ksrtp_stream *st, uint32_t ssrc,
			  uint64_t index)
{
	ksrtp_iv_store(iv, st->keys.gcm.rtp_salt, (uint64_t)ssrc << 16 | index >> 32, index << 32);
}

/*
 * AEAD_AES_*_GCM over RTP, RFC 7714 section 8: IV = (00 00 || SSRC || ROC ||
 * SEQ) XOR salt, AAD = the RTP header (hdr_len bytes), tag appended. ssrc is
 * the packet's (an any_ssrc template serves many).
 * seal: pkt[0..len) becomes pkt[0..len + 16).
 * open: pkt[0..len) ends in the tag; KSRTP_EAUTH leaves pkt as it was.
 */
static inline __attribute__((always_inline)) void
ksrtp_gcm_seal_rtp(IMB_MGR *mgr, const struct ksrtp_stream *st, uint8_t *pkt, uint32_t hdr_len,
		   uint32_t len, uint32_t ssrc, uint64_t index)
{
	uint8_t iv[16] __attribute__((aligned(16)));

	ksrtp_gcm_rtp_iv(iv, st, ssrc, index);
	ksrtp_gcm_enc(mgr, st->profile == KSRTP_AEAD_AES_256_GCM, &st->keys.gcm.rtp, pkt + hdr_len,
		pkt + hdr_len, len - hdr_len, iv, pkt, hdr_len, pkt + len);
}

static inline __attribute__((always_inline)) int
ksrtp_gcm_open_rtp(IMB_MGR *mgr, const struct ksrtp_stream *st, uint8_t *pkt, uint32_t hdr_len,
		   uint32_t len, uint32_t ssrc, uint64_t index)
{
	const bool aes256 = st->profile == KSRTP_AEAD_AES_256_GCM;
	const uint32_t ct_len = len - hdr_len - KSRTP_GCM_TAG_LEN;
	uint8_t iv[16] __attribute__((aligned(16)));
	uint8_t tag[KSRTP_GCM_TAG_LEN];

	ksrtp_gcm_rtp_iv(iv, st, ssrc, index);
	ksrtp_gcm_dec(mgr, aes256, &st->keys.gcm.rtp, pkt + hdr_len, pkt + hdr_len, ct_len, iv, pkt,
		hdr_len, tag);
	if (likely(!ksrtp_ct_memcmp16(tag, pkt + hdr_len + ct_len)))
		return 0;
	/* Counter mode is its own inverse: encrypting again restores the ciphertext. */
	ksrtp_gcm_enc(mgr, aes256, &st->keys.gcm.rtp, pkt + hdr_len, pkt + hdr_len, ct_len, iv, pkt,
		hdr_len, tag);
	return KSRTP_EAUTH;
}

/*
 * SRTCP with GCM, RFC 7714 sections 9.1-9.3: pkt[0..len) becomes
 * header || ciphertext || tag || E+index (len + 20 bytes). trailer is the
 * E flag and 31-bit SRTCP index.
 */
int ksrtp_gcm_seal_rtcp(IMB_MGR *mgr, const struct ksrtp_stream *st, uint8_t *pkt, uint32_t len,
			uint32_t trailer);
/* Open header || body || tag || trailer, where body_len covers header and body. */
int ksrtp_gcm_open_rtcp(IMB_MGR *mgr, const struct ksrtp_stream *st, uint8_t *pkt,
			uint32_t body_len, uint32_t trailer);

/* One AES-CM and/or HMAC-SHA1 operation (RFC 3711 sections 4.1.1, 4.2.1). */
struct ksrtp_cm_op {
	uint8_t iv[16] __attribute__((aligned(16)));
	const struct ksrtp_cm_keyset *keys;
	uint8_t *buf;
	uint32_t cipher_offset;
	uint32_t cipher_len;	/* 0: no cipher */
	uint32_t hash_len;	/* bytes of buf to authenticate; 0: no hash */
	uint8_t tag[KSRTP_HMAC_SHA1_LEN];
	int status;
};

/*
 * Below this many operations a run goes to the SHA-NI manager (lib/imb.c):
 * on an AVX-512 host with SHA-NI, 16-lane SHA-1 beats SHA-NI from 4 jobs on
 * (measured: 760 ns to flush one 160-byte HMAC, 170 ns a job in runs of 32).
 */
#define KSRTP_CM_MULTI_BUFFER_MIN 4

/*
 * Run n operations through the multi-buffer job manager (cipher first, then
 * hash, when an op has both). Each op's status is 0 or KSRTP_EINVAL.
 */
void ksrtp_cm_run(IMB_MGR *mgr, struct ksrtp_cm_op *ops, unsigned int n);

/* RFC 3711 section 4.1.1: IV = (salt * 2^16) XOR (SSRC * 2^64) XOR (index * 2^16). */
static inline void ksrtp_cm_iv(uint8_t iv[16], const struct ksrtp_cm_keyset *ks, uint32_t ssrc,
			       uint64_t index)
{
	ksrtp_iv_store(iv, ks->salt, ssrc, index << 16);
}

#endif /* KSRTP_CRYPTO_H */
