/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RFC 9335 (cryptex) on the module's SRTP path: the CSRCs and the RFC 8285
 * header extension are encrypted with the payload (KSRTP_SA_CRYPTEX).
 * libksrtp's lib/cryptex.c does the same in userspace.
 *
 *   fixed header | CSRCs | 0xC0DE/0xC2DE, length | extension data | payload
 *   AAD            cipher  AAD                     cipher           cipher
 *
 * The AAD is the fixed header and the extension header, the cipher input
 * CSRCs, extension data and payload (section 5.3); with CSRCs both are
 * non-contiguous, and the scatterlist puts them in that order, in place.
 * Header bytes come from the batch's one read of them (batch.c), never
 * from the slot again.
 */
#ifndef _KSRTP_CRYPTEX_H
#define _KSRTP_CRYPTEX_H

#include <linux/types.h>

#include "crypto.h"

#define KSRTP_CRYPTEX_AAD_LEN	16	/* fixed header (12) and extension header (4) */

/* 0xC0DE or 0xC2DE (they differ in one bit); profile is 0 without an extension. */
static inline bool ksrtp_cryptex_form(u16 profile)
{
	return (profile & ~0x0200) == 0xC0DE;
}

/*
 * For an SA with KSRTP_SA_CRYPTEX (b0: the first header byte, X and CC;
 * profile: the extension's, 0 for none): 1 to process the packet as
 * cryptex, 0 as plain SRTP, or a status: KSRTP_ST_MALFORMED (SEAL: an
 * extension that is not RFC 8285's, or already 0xC0DE/0xC2DE),
 * KSRTP_ST_NOCRYPTEX (OPEN, KSRTP_SA_REQUIRE_CRYPTEX: CSRCs or an
 * extension in the clear).
 */
int ksrtp_cryptex_classify(u32 sa_flags, bool seal, u8 b0, u16 profile);

/*
 * SEAL, before encryption (section 5.1): 0xBEDE -> 0xC0DE, 0x100x ->
 * 0xC2DE, or an empty 0xC0DE block after the CSRCs when there is no
 * extension (the slot has the room: SEAL takes len <= slot - trailer).
 * Returns the bytes the packet grew by, 0 or 4.
 */
u32 ksrtp_cryptex_encode(u8 *pkt, u32 len, u8 b0, u16 profile);

/* OPEN, once authenticated (section 5.2): 0xC0DE -> 0xBEDE, 0xC2DE -> 0x1000. */
void ksrtp_cryptex_decode(u8 *pkt, u8 cc, u16 profile);

/*
 * c's source (or, dst, destination) scatterlist over a cryptex packet
 * pkt[0..len) with cc CSRCs, in AEAD order; then the 16-byte tag at tag
 * unless tag is NULL. The AAD is KSRTP_CRYPTEX_AAD_LEN bytes.
 */
int ksrtp_cryptex_sg(struct ksrtp_crypt *c, bool dst, u8 *pkt, u32 len, u8 cc, void *tag);

/* Wipe the plaintext of pkt[0..len), cc CSRCs: an undo that failed. */
void ksrtp_cryptex_wipe(u8 *pkt, u32 len, u8 cc);

#endif /* _KSRTP_CRYPTEX_H */
