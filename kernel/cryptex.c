// SPDX-License-Identifier: GPL-2.0
/* RFC 9335 cryptex: header conversion and the scatterlists around it (cryptex.h). */
#include <linux/string.h>
#include <linux/ksrtp.h>

#include "compat.h"
#include "cryptex.h"

#define RTP_HEADER_LEN		12
#define EXT_ONE_BYTE		0xBEDE	/* RFC 8285 section 4.2 */
#define EXT_TWO_BYTE		0x1000	/* RFC 8285 section 4.3: 0x100 and 4 app bits */
#define EXT_TWO_BYTE_MASK	0xFFF0
#define CRYPTEX_ONE_BYTE	0xC0DE
#define CRYPTEX_TWO_BYTE	0xC2DE

int ksrtp_cryptex_classify(u32 sa_flags, bool seal, u8 b0, u16 profile)
{
	const bool x = b0 & 0x10, csrcs = b0 & 0x0f;

	if (seal) {
		if (!csrcs && !x)
			return 0;
		/*
		 * Section 5.1: RFC 8285's one- and two-byte forms only. The
		 * caller hands plaintext: 0xC0DE/0xC2DE there would be a lie.
		 */
		if (x && profile != EXT_ONE_BYTE && (profile & EXT_TWO_BYTE_MASK) != EXT_TWO_BYTE)
			return KSRTP_ST_MALFORMED;
		return 1;
	}
	if (x && ksrtp_cryptex_form(profile))
		return 1;
	/* Section 5.2: an SA that requires cryptex stops here. */
	if ((sa_flags & KSRTP_SA_REQUIRE_CRYPTEX) && (csrcs || x))
		return KSRTP_ST_NOCRYPTEX;
	return 0;
}

u32 ksrtp_cryptex_encode(u8 *pkt, u32 len, u8 b0, u16 profile)
{
	u32 ext = RTP_HEADER_LEN + 4 * (b0 & 0x0f);

	if (!(b0 & 0x10)) {
		/* CSRCs and no extension: an empty block tells they are encrypted. */
		memmove(pkt + ext + 4, pkt + ext, len - ext);
		put_unaligned_be32(CRYPTEX_ONE_BYTE << 16, pkt + ext);
		WRITE_ONCE(pkt[0], b0 | 0x10);
		return 4;
	}
	put_unaligned_be16(profile == EXT_ONE_BYTE ? CRYPTEX_ONE_BYTE : CRYPTEX_TWO_BYTE,
			   pkt + ext);
	return 0;
}

void ksrtp_cryptex_decode(u8 *pkt, u8 cc, u16 profile)
{
	put_unaligned_be16(profile == CRYPTEX_ONE_BYTE ? EXT_ONE_BYTE : EXT_TWO_BYTE,
			   pkt + RTP_HEADER_LEN + 4 * cc);
}

int ksrtp_cryptex_sg(struct ksrtp_crypt *c, bool dst, u8 *pkt, u32 len, u8 cc, void *tag)
{
	struct scatterlist *sg = dst ? c->dst : c->src;
	unsigned int *n = dst ? &c->ndst : &c->nsrc;
	u32 ext = RTP_HEADER_LEN + 4 * cc;
	int err;

	ksrtp_sg_reset(sg, n);
	err = ksrtp_sg_add(sg, n, pkt, RTP_HEADER_LEN);
	if (!err)
		err = ksrtp_sg_add(sg, n, pkt + ext, 4);
	if (!err)
		err = ksrtp_sg_add(sg, n, pkt + RTP_HEADER_LEN, 4 * cc);
	if (!err)
		err = ksrtp_sg_add(sg, n, pkt + ext + 4, len - ext - 4);
	if (!err && tag)
		err = ksrtp_sg_add(sg, n, tag, KSRTP_GCM_TAG_LEN);
	ksrtp_sg_end(sg, *n);
	return err;
}

void ksrtp_cryptex_wipe(u8 *pkt, u32 len, u8 cc)
{
	u32 ext = RTP_HEADER_LEN + 4 * cc;

	memzero_explicit(pkt + RTP_HEADER_LEN, 4 * cc);
	memzero_explicit(pkt + ext + 4, len - ext - 4);
}
