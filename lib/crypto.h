/* SPDX-License-Identifier: MIT */
/* Sealing and opening primitives over ipsec-mb, per profile family. */
#ifndef KSRTP_CRYPTO_H
#define KSRTP_CRYPTO_H

#include <emmintrin.h>

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

/*
 * AEAD_AES_*_GCM over RTP, RFC 7714 section 8: IV = (00 00 || SSRC || ROC ||
 * SEQ) XOR salt, AAD = the RTP header (hdr_len bytes), tag appended. ssrc is
 * the packet's (an any_ssrc template serves many).
 * seal: pkt[0..len) becomes pkt[0..len + 16).
 * open: pkt[0..len) ends in the tag; KSRTP_EAUTH leaves pkt as it was.
 */
void ksrtp_gcm_seal_rtp(IMB_MGR *mgr, const struct ksrtp_stream *st, uint8_t *pkt,
			uint32_t hdr_len, uint32_t len, uint32_t ssrc, uint64_t index);
int ksrtp_gcm_open_rtp(IMB_MGR *mgr, const struct ksrtp_stream *st, uint8_t *pkt,
		       uint32_t hdr_len, uint32_t len, uint32_t ssrc, uint64_t index);

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
