/* SPDX-License-Identifier: MIT */
/*
 * RTP header parsing (RFC 3550 section 5.1, RFC 8285 header extensions).
 * Every length is checked against the buffer before the bytes it covers are
 * read; the parser never reads past len.
 */
#ifndef KSRTP_RTP_H
#define KSRTP_RTP_H

#include "internal.h"

#define KSRTP_RTP_VERSION 2
#define KSRTP_RTP_EXT_ONE_BYTE 0xBEDE	/* RFC 8285 section 4.2 */
#define KSRTP_RTP_EXT_TWO_BYTE_MASK 0xFFF0
#define KSRTP_RTP_EXT_TWO_BYTE 0x1000	/* RFC 8285 section 4.3: 0x100 + appbits */

struct ksrtp_rtp_header {
	uint32_t ssrc;
	uint16_t seq;
	uint16_t ext_profile;	/* valid when ext_len or has_ext */
	uint32_t header_len;	/* fixed header + CSRCs + extension */
	uint32_t ext_offset;	/* first byte of the extension data (after its 4-byte header) */
	uint32_t ext_len;	/* bytes of extension data */
	uint8_t csrc_count;
	bool has_ext;
	bool marker;
	bool padding;
	uint8_t payload_type;
};

/*
 * Parse the RTP header of pkt[0..len). Returns 0, or KSRTP_EMALFORMED when the
 * fixed header is truncated, the version is not 2, or the CSRC list or the
 * extension runs past len.
 */
static inline int ksrtp_rtp_parse(const uint8_t *pkt, size_t len, struct ksrtp_rtp_header *h)
{
	size_t hlen;
	uint8_t b0;

	if (unlikely(len < KSRTP_RTP_HEADER_LEN))
		return KSRTP_EMALFORMED;
	b0 = pkt[0];
	if (unlikely((b0 >> 6) != KSRTP_RTP_VERSION))
		return KSRTP_EMALFORMED;
	h->csrc_count = b0 & 0x0f;
	h->padding = b0 & 0x20;
	h->has_ext = b0 & 0x10;
	h->marker = pkt[1] & 0x80;
	h->payload_type = pkt[1] & 0x7f;
	h->seq = ksrtp_load_be16(pkt + 2);
	h->ssrc = ksrtp_load_be32(pkt + 8);
	hlen = KSRTP_RTP_HEADER_LEN + 4u * h->csrc_count;
	h->ext_profile = 0;
	h->ext_offset = 0;
	h->ext_len = 0;
	if (h->has_ext) {
		/* RFC 3550 section 5.3.1: 16-bit profile, 16-bit length in words. */
		if (unlikely(hlen + 4 > len))
			return KSRTP_EMALFORMED;
		h->ext_profile = ksrtp_load_be16(pkt + hlen);
		h->ext_len = 4u * ksrtp_load_be16(pkt + hlen + 2);
		h->ext_offset = (uint32_t)hlen + 4;
		hlen += 4 + (size_t)h->ext_len;
	}
	if (unlikely(hlen > len))
		return KSRTP_EMALFORMED;
	h->header_len = (uint32_t)hlen;
	return 0;
}

/* One RFC 8285 header extension element. */
struct ksrtp_rtp_ext_element {
	uint8_t id;
	uint8_t len;
	const uint8_t *data;
};

/* Iterator over the elements of a parsed header's extension block. */
struct ksrtp_rtp_ext_iter {
	const uint8_t *pos;
	const uint8_t *end;
	bool two_byte;
};

/*
 * Start iterating pkt's extension elements. Returns KSRTP_EUNSUPPORTED when
 * the extension is neither the one-byte (0xBEDE) nor the two-byte (0x100x)
 * form, KSRTP_EINVAL when there is no extension.
 */
int ksrtp_rtp_ext_begin(const uint8_t *pkt, const struct ksrtp_rtp_header *h,
			struct ksrtp_rtp_ext_iter *it);

/*
 * Next element: returns 1 and fills *e, 0 at the end of the block, or
 * KSRTP_EMALFORMED when an element's length runs past the block.
 */
int ksrtp_rtp_ext_next(struct ksrtp_rtp_ext_iter *it, struct ksrtp_rtp_ext_element *e);

/*
 * Length of the RTP padding (RFC 3550 section 5.1, P bit) of pkt[0..len),
 * or KSRTP_EMALFORMED when the count is 0 or larger than the payload.
 * Returns 0 when the P bit is clear.
 */
int ksrtp_rtp_padding_len(const uint8_t *pkt, size_t len, const struct ksrtp_rtp_header *h);

#endif /* KSRTP_RTP_H */
