/* SPDX-License-Identifier: MIT */
/*
 * Cryptex, RFC 9335: the CSRC list and the RFC 8285 header extension are
 * encrypted along with the payload (KSRTP_CRYPTEX).
 *
 * On the wire (section 5):
 *
 *   fixed header (12) | CSRCs (4 CC) | 0xC0DE or 0xC2DE, length (4) | extension data | payload
 *                       ^ encrypted     ^ clear (AAD for GCM)           ^ encrypted ...
 *
 * The cipher input is CSRCs || extension data || payload, and the GCM AAD is
 * fixed header || extension header (section 5.3), both non-contiguous when
 * CC > 0. As section 5.3 suggests, the packet is rearranged around the
 * crypto: the extension header is moved in front of the CSRCs ("gather"),
 * so the AAD is the first 16 bytes and the cipher input the rest, and moved
 * back afterwards ("scatter"). HMAC-SHA1 (AES-CM profiles) always runs over
 * the wire layout: section 5 leaves RFC 3711's authenticated portion as it is.
 */
#ifndef KSRTP_CRYPTEX_H
#define KSRTP_CRYPTEX_H

#include "crypto.h"
#include "rtp.h"

#define KSRTP_RTP_EXT_CRYPTEX_ONE_BYTE 0xC0DE	/* RFC 9335 section 5: encrypted 0xBEDE */
#define KSRTP_RTP_EXT_CRYPTEX_TWO_BYTE 0xC2DE	/* RFC 9335 section 5: encrypted 0x100x */
/* Fixed header and extension header, gathered: the GCM AAD, the cipher's offset. */
#define KSRTP_CRYPTEX_AAD_LEN (KSRTP_RTP_HEADER_LEN + 4)

#define KSRTP_CRYPTEX_FLAGS (KSRTP_CRYPTEX | KSRTP_REQUIRE_CRYPTEX)

/*
 * Whether an extension profile says "cryptex" (0xC0DE or 0xC2DE; they differ
 * in one bit).
 */
static inline bool ksrtp_cryptex_form(uint16_t ext_profile)
{
	return (ext_profile & ~0x0200) == KSRTP_RTP_EXT_CRYPTEX_ONE_BYTE;
}

/* KSRTP_REQUIRE_CRYPTEX is inbound only and needs KSRTP_CRYPTEX: 0 or KSRTP_EINVAL. */
int ksrtp_cryptex_policy_check(const struct ksrtp_policy *p);

/*
 * Classify the packet pkt (its header parsed and checked) for a stream
 * with KSRTP_CRYPTEX: 1 when it is (to be) processed as cryptex, 0 when
 * as plain SRTP. Errors: KSRTP_EMALFORMED (outbound, an extension that is
 * not RFC 8285's, or already 0xC0DE/0xC2DE), KSRTP_ENOCRYPTEX
 * (KSRTP_REQUIRE_CRYPTEX and CSRCs or an extension in the clear, counted
 * in st->stats when count is set).
 */
int ksrtp_cryptex_classify(struct ksrtp_stream *st, enum ksrtp_direction dir, bool count,
			   const uint8_t *pkt);

/*
 * Outbound, before sealing pkt[0..len) (section 5.1): 0xBEDE -> 0xC0DE,
 * 0x100x -> 0xC2DE, or, with CSRCs and no extension, an empty 0xC0DE block
 * inserted after the CSRCs (the caller has checked the room). Returns the
 * bytes the packet and its header grew by: 0 or 4.
 */
uint32_t ksrtp_cryptex_encode(uint8_t *pkt, uint32_t len);

/* GCM seal and open of a cryptex packet pkt[0..len) (len with the tag for open). */
void ksrtp_cryptex_seal_gcm(IMB_MGR *mgr, const struct ksrtp_stream *st, uint8_t *pkt,
			    uint32_t len, uint32_t ssrc, uint64_t index);
int ksrtp_cryptex_open_gcm(IMB_MGR *mgr, const struct ksrtp_stream *st, uint8_t *pkt,
			   uint32_t len, uint32_t ssrc, uint64_t index);

/*
 * AES-CM seal: op has keys, iv and buf set; pkt[0..len) is followed by the
 * ROC. Encrypts now when the CSRCs must be gathered (the HMAC needs the wire
 * layout back), and leaves op to compute the tag. 0, or the encryption's
 * failure.
 */
int ksrtp_cryptex_cm_stage_seal(IMB_MGR *mgr, struct ksrtp_cm_op *op, uint32_t len);

/*
 * AES-CM open, after authentication: op (iv set) is made the decryption of
 * pkt[0..auth_len), gathered; ksrtp_cryptex_cm_opened() scatters it again
 * and, when the decryption succeeded, decodes the header.
 */
void ksrtp_cryptex_cm_stage_open(struct ksrtp_cm_op *op, uint32_t auth_len);
void ksrtp_cryptex_cm_opened(uint8_t *pkt, int status);

/* Inbound, once the packet is opened (section 5.2): 0xC0DE -> 0xBEDE, 0xC2DE -> 0x1000. */
void ksrtp_cryptex_decode(uint8_t *pkt);

#endif /* KSRTP_CRYPTEX_H */
