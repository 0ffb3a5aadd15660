// SPDX-License-Identifier: MIT
/* AEAD_AES_128_GCM and AEAD_AES_256_GCM for SRTCP, RFC 7714 section 9 (SRTP: crypto.h). */
#include "crypto.h"

/* RFC 7714 section 9.1: 00 00 || SSRC || 00 00 || 0 || SRTCP index. */
static inline void rtcp_iv(uint8_t iv[16], const struct ksrtp_stream *st, uint32_t ssrc,
			   uint32_t trailer)
{
	ksrtp_iv_store(iv, st->keys.gcm.rtcp_salt, (uint64_t)ssrc << 16,
		       (uint64_t)(trailer & KSRTP_SRTCP_INDEX_MAX) << 32);
}

/*
 * The SRTCP key is expanded per packet (see struct ksrtp_gcm_keys) into a
 * stack copy that is wiped before returning.
 */
struct rtcp_key {
	struct gcm_key_data key;
	bool aes256;
};

static void rtcp_key_expand(IMB_MGR *mgr, const struct ksrtp_stream *st, struct rtcp_key *k)
{
	k->aes256 = st->profile == KSRTP_AEAD_AES_256_GCM;
	if (k->aes256)
		IMB_AES256_GCM_PRE(mgr, st->keys.gcm.rtcp_key, &k->key);
	else
		IMB_AES128_GCM_PRE(mgr, st->keys.gcm.rtcp_key, &k->key);
}

int ksrtp_gcm_seal_rtcp(IMB_MGR *mgr, const struct ksrtp_stream *st, uint8_t *pkt, uint32_t len,
			uint32_t trailer)
{
	uint8_t iv[16] __attribute__((aligned(16)));
	uint8_t aad[KSRTP_RTCP_HEADER_LEN + KSRTP_SRTCP_INDEX_LEN];
	uint8_t tag[KSRTP_GCM_TAG_LEN];
	struct rtcp_key k;

	rtcp_key_expand(mgr, st, &k);
	rtcp_iv(iv, st, ksrtp_load_be32(pkt + 4), trailer);
	if (trailer & KSRTP_SRTCP_E_FLAG) {
		/* Section 9.2: AAD = first 8 octets of the header || E + index. */
		memcpy(aad, pkt, KSRTP_RTCP_HEADER_LEN);
		ksrtp_store_be32(aad + KSRTP_RTCP_HEADER_LEN, trailer);
		ksrtp_gcm_enc(mgr, k.aes256, &k.key, pkt + KSRTP_RTCP_HEADER_LEN,
			pkt + KSRTP_RTCP_HEADER_LEN, len - KSRTP_RTCP_HEADER_LEN, iv, aad,
			sizeof(aad), pkt + len);
	} else {
		/*
		 * Section 9.3: AAD = the whole packet || E + index, nothing
		 * encrypted. The trailer goes after the packet first so the AAD
		 * is contiguous, then moves behind the tag.
		 */
		ksrtp_store_be32(pkt + len, trailer);
		ksrtp_gcm_enc(mgr, k.aes256, &k.key, pkt + len, pkt + len, 0, iv, pkt,
			len + KSRTP_SRTCP_INDEX_LEN, tag);
		memcpy(pkt + len, tag, KSRTP_GCM_TAG_LEN);
	}
	ksrtp_store_be32(pkt + len + KSRTP_GCM_TAG_LEN, trailer);
	ksrtp_wipe(&k, sizeof(k));
	return 0;
}

int ksrtp_gcm_open_rtcp(IMB_MGR *mgr, const struct ksrtp_stream *st, uint8_t *pkt,
			uint32_t body_len, uint32_t trailer)
{
	uint8_t iv[16] __attribute__((aligned(16)));
	uint8_t aad[KSRTP_RTCP_HEADER_LEN + KSRTP_SRTCP_INDEX_LEN];
	uint8_t tag[KSRTP_GCM_TAG_LEN], received[KSRTP_GCM_TAG_LEN];
	uint8_t *ct = pkt + KSRTP_RTCP_HEADER_LEN;
	const uint32_t ct_len = body_len - KSRTP_RTCP_HEADER_LEN;
	struct rtcp_key k;
	int err = 0;

	rtcp_key_expand(mgr, st, &k);
	rtcp_iv(iv, st, ksrtp_load_be32(pkt + 4), trailer);
	memcpy(received, pkt + body_len, KSRTP_GCM_TAG_LEN);
	if (trailer & KSRTP_SRTCP_E_FLAG) {
		memcpy(aad, pkt, KSRTP_RTCP_HEADER_LEN);
		ksrtp_store_be32(aad + KSRTP_RTCP_HEADER_LEN, trailer);
		ksrtp_gcm_dec(mgr, k.aes256, &k.key, ct, ct, ct_len, iv, aad, sizeof(aad), tag);
		if (ksrtp_ct_memcmp16(tag, received)) {
			ksrtp_gcm_enc(mgr, k.aes256, &k.key, ct, ct, ct_len, iv, aad, sizeof(aad), tag);
			err = KSRTP_EAUTH;
		}
	} else {
		/*
		 * Section 9.3, E = 0: the AAD is body || trailer, but the tag
		 * sits between them. Copy the trailer over the start of the
		 * tag (inside the packet, never past it), authenticate, then
		 * put the tag back.
		 */
		ksrtp_store_be32(pkt + body_len, trailer);
		ksrtp_gcm_enc(mgr, k.aes256, &k.key, pkt + body_len, pkt + body_len, 0, iv, pkt,
			body_len + KSRTP_SRTCP_INDEX_LEN, tag);
		memcpy(pkt + body_len, received, KSRTP_GCM_TAG_LEN);
		if (ksrtp_ct_memcmp16(tag, received))
			err = KSRTP_EAUTH;
	}
	ksrtp_wipe(&k, sizeof(k));
	return err;
}
