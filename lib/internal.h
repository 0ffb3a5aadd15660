/* SPDX-License-Identifier: MIT */
/*
 * libksrtp internals: shared by lib/ and by the tests that link libksrtp.a
 * (known-answer vectors need entry points below the public API). Nothing
 * here is exported from libksrtp.so.
 */
#ifndef KSRTP_INTERNAL_H
#define KSRTP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <emmintrin.h>
#include <intel-ipsec-mb.h>

#include "ksrtp/ksrtp.h"

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define KSRTP_RTP_HEADER_LEN 12		/* RFC 3550 section 5.1 fixed header */
#define KSRTP_RTCP_HEADER_LEN 8		/* RFC 3550 section 6.4: V/P/RC, PT, length, SSRC */
#define KSRTP_SRTCP_INDEX_LEN 4		/* E flag + 31-bit SRTCP index, RFC 3711 section 3.4 */
#define KSRTP_SRTCP_E_FLAG 0x80000000u
#define KSRTP_SRTCP_INDEX_MAX 0x7fffffffu
#define KSRTP_RTCP_REPLAY_WINDOW 128	/* as libsrtp's SRTCP replay database */
#define KSRTP_GCM_TAG_LEN 16		/* RFC 7714 section 6: 16-octet tag */
#define KSRTP_HMAC_SHA1_LEN 20
#define KSRTP_MAX_KEY_LEN 32
#define KSRTP_MAX_PACKET_LEN 65535u		/* larger than any UDP payload */
#define KSRTP_SALT_STORE_LEN 16		/* salts are kept zero-padded to one vector */

/* Per-profile lengths (RFC 7714 section 12, RFC 3711 section 8.2, RFC 5764 section 4.1.2). */
struct ksrtp_profile_info {
	uint8_t key_len;	/* master and session encryption key */
	uint8_t salt_len;	/* master and session salt */
	uint8_t auth_key_len;	/* HMAC-SHA1 session key, 0 for GCM */
	uint8_t rtp_tag_len;
	uint8_t rtcp_tag_len;
	bool gcm;
};

/* NULL for an unknown profile. */
const struct ksrtp_profile_info *ksrtp_profile_info(enum ksrtp_profile profile);

/*
 * Session keys of one stream, as the RFC 3711 section 4.3 KDF produces them
 * (or as a known-answer test supplies them). Salts are zero-padded.
 */
struct ksrtp_session_keys {
	uint8_t rtp_key[KSRTP_MAX_KEY_LEN];
	uint8_t rtp_salt[KSRTP_SALT_STORE_LEN];
	uint8_t rtp_auth[KSRTP_HMAC_SHA1_LEN];
	uint8_t rtcp_key[KSRTP_MAX_KEY_LEN];
	uint8_t rtcp_salt[KSRTP_SALT_STORE_LEN];
	uint8_t rtcp_auth[KSRTP_HMAC_SHA1_LEN];
};

/* lib/kdf.c: RFC 3711 section 4.3.1 with key derivation rate 0. */
int ksrtp_kdf(enum ksrtp_profile profile, const uint8_t *master_key, const uint8_t *master_salt,
	      struct ksrtp_session_keys *out);

/*
 * Add a stream from session keys that are already derived (below the KDF).
 * The kernel engine takes them too, when SRTP and SRTCP share one key and
 * salt (as in RFC 7714's vectors); otherwise KSRTP_EUNSUPPORTED there.
 */
int ksrtp_add_stream_with_session_keys(ksrtp_session *s, const struct ksrtp_policy *p,
				       const struct ksrtp_session_keys *keys);
/*
 * The same, with an outbound stream's SRTCP index as if rtcp_last_index
 * packets had been sent (the next one gets rtcp_last_index + 1): RFC 7714's
 * SRTCP vectors use index 0x5d4, on either engine.
 */
int ksrtp_add_stream_keys_at(ksrtp_session *s, const struct ksrtp_policy *p,
			     const struct ksrtp_session_keys *keys, uint32_t rtcp_last_index);

/* lib/imb.c: the calling thread's ipsec-mb managers, made on first use. */
struct ksrtp_imb_thread {
	IMB_MGR *multi;	/* ipsec-mb's pick for this CPU: GCM, and AES-CM batches */
	IMB_MGR *few;	/* AES-CM runs of few jobs: SHA-NI where the CPU has it */
};
extern __thread struct ksrtp_imb_thread ksrtp_tls_imb __attribute__((tls_model("initial-exec")));
IMB_MGR *ksrtp_imb_init_thread(void);
static inline IMB_MGR *ksrtp_imb(void)
{
	IMB_MGR *mgr = ksrtp_tls_imb.multi;

	return likely(mgr) ? mgr : ksrtp_imb_init_thread();
}
/*
 * lib/stream.c: HMAC-SHA1 (RFC 2104) inner and outer SHA-1 states of a 20-byte
 * key, as ipsec-mb's HMAC jobs take them (_hashed_auth_key_xor_ipad/opad).
 */
void ksrtp_hmac_sha1_precompute(IMB_MGR *mgr, const uint8_t key[KSRTP_HMAC_SHA1_LEN],
				uint8_t ipad[32], uint8_t opad[32]);

/* The ipsec-mb code path picked for this CPU ("AVX512", "AVX2", ...). */
const char *ksrtp_imb_arch_name(void);

/*
 * lib/aes_cm.c: the AES counter-mode keystream of RFC 3711 section 4.1.1,
 * starting at the 16-byte counter block iv; out[0..n) = keystream XOR in.
 */
int ksrtp_aes_cm_xor(const uint8_t *key, size_t key_len, const uint8_t iv[16], const uint8_t *in,
		     uint8_t *out, size_t n);

/* Zeroization of key material that the compiler may not elide. */
static inline void ksrtp_wipe(void *p, size_t n)
{
	explicit_bzero(p, n);
}

/* Constant-time comparison: 0 when a[0..n) == b[0..n). */
static inline int ksrtp_ct_memcmp(const uint8_t *a, const uint8_t *b, size_t n)
{
	uint8_t d = 0;
	size_t i;

	for (i = 0; i < n; i++)
		d |= a[i] ^ b[i];
	return d;
}

/* Constant-time comparison of two 16-byte tags: 0 when equal. */
static inline int ksrtp_ct_memcmp16(const uint8_t *a, const uint8_t *b)
{
	__m128i eq = _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)a),
				    _mm_loadu_si128((const __m128i *)b));

	return _mm_movemask_epi8(eq) ^ 0xffff;
}

static inline uint16_t ksrtp_load_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t ksrtp_load_be32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return __builtin_bswap32(v);
}

static inline void ksrtp_store_be32(uint8_t *p, uint32_t v)
{
	v = __builtin_bswap32(v);
	memcpy(p, &v, 4);
}

#endif /* KSRTP_INTERNAL_H */
