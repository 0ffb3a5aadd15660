// SPDX-License-Identifier: MIT
/*
 * Cryptex (RFC 9335): header conversion and the rearranged crypto around it.
 * Only streams with KSRTP_CRYPTEX come here (srtp.c tests the flag and
 * nothing else, so a stream without it pays no more than that).
 */
#include "cryptex.h"

static inline void store_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Offset of the extension header: after the fixed header and the CSRCs. */
static inline uint32_t ext_offset(const uint8_t *pkt)
{
	return KSRTP_RTP_HEADER_LEN + 4u * (pkt[0] & 0x0f);
}

/* Section 5.3: fixed header | extension header | CSRCs | ... (contiguous AAD and cipher input). */
static void gather(uint8_t *pkt)
{
	uint32_t csrc_len = ext_offset(pkt) - KSRTP_RTP_HEADER_LEN;
	uint8_t ext[4];

	if (!csrc_len)
		return;
	memcpy(ext, pkt + KSRTP_RTP_HEADER_LEN + csrc_len, 4);
	memmove(pkt + KSRTP_CRYPTEX_AAD_LEN, pkt + KSRTP_RTP_HEADER_LEN, csrc_len);
	memcpy(pkt + KSRTP_RTP_HEADER_LEN, ext, 4);
}

/* The wire layout again. */
static void scatter(uint8_t *pkt)
{
	uint32_t csrc_len = ext_offset(pkt) - KSRTP_RTP_HEADER_LEN;
	uint8_t ext[4];

	if (!csrc_len)
		return;
	memcpy(ext, pkt + KSRTP_RTP_HEADER_LEN, 4);
	memmove(pkt + KSRTP_RTP_HEADER_LEN, pkt + KSRTP_CRYPTEX_AAD_LEN, csrc_len);
	memcpy(pkt + KSRTP_RTP_HEADER_LEN + csrc_len, ext, 4);
}

int ksrtp_cryptex_policy_check(const struct ksrtp_policy *p)
{
	if (!(p->flags & KSRTP_REQUIRE_CRYPTEX))
		return 0;
	if (!(p->flags & KSRTP_CRYPTEX) || p->direction != KSRTP_INBOUND)
		return KSRTP_EINVAL;
	return 0;
}

int ksrtp_cryptex_classify(struct ksrtp_stream *st, enum ksrtp_direction dir, bool count,
			   const uint8_t *pkt)
{
	const bool csrcs = pkt[0] & 0x0f, ext = pkt[0] & 0x10;
	const uint16_t profile = ext ? ksrtp_load_be16(pkt + ext_offset(pkt)) : 0;

	if (dir == KSRTP_OUTBOUND) {
		if (!csrcs && !ext)
			return 0;
		/*
		 * Section 5.1: RFC 8285's one- and two-byte forms only. The
		 * caller hands plaintext: 0xC0DE/0xC2DE there would be a lie.
		 */
		if (ext && profile != KSRTP_RTP_EXT_ONE_BYTE &&
		    (profile & KSRTP_RTP_EXT_TWO_BYTE_MASK) != KSRTP_RTP_EXT_TWO_BYTE)
			return KSRTP_EMALFORMED;
		return 1;
	}
	if (ext && ksrtp_cryptex_form(profile))
		return 1;
	/* Section 5.2: a stream that requires cryptex stops here. */
	if ((st->flags & KSRTP_REQUIRE_CRYPTEX) && (csrcs || ext)) {
		if (count)
			st->stats.no_cryptex++;
		return KSRTP_ENOCRYPTEX;
	}
	return 0;
}

uint32_t ksrtp_cryptex_encode(uint8_t *pkt, uint32_t len)
{
	uint32_t ext = ext_offset(pkt);
	uint16_t profile;

	if (!(pkt[0] & 0x10)) {
		/*
		 * Section 5.1: CSRCs but no extension get an empty 0xC0DE block
		 * and the X bit, so the receiver knows they are encrypted.
		 */
		memmove(pkt + ext + 4, pkt + ext, len - ext);
		store_be16(pkt + ext, KSRTP_RTP_EXT_CRYPTEX_ONE_BYTE);
		store_be16(pkt + ext + 2, 0);
		pkt[0] |= 0x10;
		return 4;
	}
	profile = ksrtp_load_be16(pkt + ext);
	store_be16(pkt + ext, profile == KSRTP_RTP_EXT_ONE_BYTE ? KSRTP_RTP_EXT_CRYPTEX_ONE_BYTE :
								 KSRTP_RTP_EXT_CRYPTEX_TWO_BYTE);
	return 0;
}

void ksrtp_cryptex_decode(uint8_t *pkt)
{
	uint32_t ext = ext_offset(pkt);
	uint16_t profile = ksrtp_load_be16(pkt + ext);

	store_be16(pkt + ext, profile == KSRTP_RTP_EXT_CRYPTEX_ONE_BYTE ? KSRTP_RTP_EXT_ONE_BYTE :
									 KSRTP_RTP_EXT_TWO_BYTE);
}

void ksrtp_cryptex_seal_gcm(IMB_MGR *mgr, const struct ksrtp_stream *st, uint8_t *pkt,
			    uint32_t len, uint32_t ssrc, uint64_t index)
{
	gather(pkt);
	ksrtp_gcm_seal_rtp(mgr, st, pkt, KSRTP_CRYPTEX_AAD_LEN, len, ssrc, index);
	scatter(pkt);
}

int ksrtp_cryptex_open_gcm(IMB_MGR *mgr, const struct ksrtp_stream *st, uint8_t *pkt,
			   uint32_t len, uint32_t ssrc, uint64_t index)
{
	int err;

	gather(pkt);
	err = ksrtp_gcm_open_rtp(mgr, st, pkt, KSRTP_CRYPTEX_AAD_LEN, len, ssrc, index);
	scatter(pkt);
	return err;
}

int ksrtp_cryptex_cm_stage_seal(IMB_MGR *mgr, struct ksrtp_cm_op *op, uint32_t len)
{
	op->cipher_offset = KSRTP_CRYPTEX_AAD_LEN;
	op->cipher_len = len - KSRTP_CRYPTEX_AAD_LEN;
	op->hash_len = len + 4;
	if (ext_offset(op->buf) == KSRTP_RTP_HEADER_LEN)
		return 0;	/* no CSRCs: wire layout and cipher input agree, one job */
	op->hash_len = 0;
	gather(op->buf);
	ksrtp_cm_run(mgr, op, 1);
	scatter(op->buf);
	op->cipher_len = 0;
	op->hash_len = len + 4;
	return op->status;
}

void ksrtp_cryptex_cm_stage_open(struct ksrtp_cm_op *op, uint32_t auth_len)
{
	op->cipher_offset = KSRTP_CRYPTEX_AAD_LEN;
	op->cipher_len = auth_len - KSRTP_CRYPTEX_AAD_LEN;
	op->hash_len = 0;
	gather(op->buf);
}

void ksrtp_cryptex_cm_opened(uint8_t *pkt, int status)
{
	scatter(pkt);
	if (!status)
		ksrtp_cryptex_decode(pkt);
}
