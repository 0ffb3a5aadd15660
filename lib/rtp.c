// SPDX-License-Identifier: MIT
/* RTP header extension elements (RFC 8285) and padding (RFC 3550). */
#include "rtp.h"

int ksrtp_rtp_ext_begin(const uint8_t *pkt, const struct ksrtp_rtp_header *h,
			struct ksrtp_rtp_ext_iter *it)
{
	if (!h->has_ext)
		return KSRTP_EINVAL;
	if (h->ext_profile == KSRTP_RTP_EXT_ONE_BYTE)
		it->two_byte = false;
	else if ((h->ext_profile & KSRTP_RTP_EXT_TWO_BYTE_MASK) == KSRTP_RTP_EXT_TWO_BYTE)
		it->two_byte = true;
	else
		return KSRTP_EUNSUPPORTED;
	it->pos = pkt + h->ext_offset;
	it->end = it->pos + h->ext_len;
	return 0;
}

int ksrtp_rtp_ext_next(struct ksrtp_rtp_ext_iter *it, struct ksrtp_rtp_ext_element *e)
{
	size_t left;
	uint8_t id, len;

	for (;;) {
		left = (size_t)(it->end - it->pos);
		if (left == 0)
			return 0;
		if (it->pos[0] == 0) {
			/* Padding byte between elements (RFC 8285 sections 4.2, 4.3). */
			it->pos++;
			continue;
		}
		if (!it->two_byte) {
			/* 4-bit ID, 4-bit length-1; ID 15 ends the block (section 4.2). */
			id = it->pos[0] >> 4;
			if (id == 15) {
				it->pos = it->end;
				return 0;
			}
			len = (uint8_t)((it->pos[0] & 0x0f) + 1);
			if (left < 1u + len)
				return KSRTP_EMALFORMED;
			e->data = it->pos + 1;
			it->pos += 1 + len;
		} else {
			/* 8-bit ID, 8-bit length (section 4.3). */
			if (left < 2)
				return KSRTP_EMALFORMED;
			id = it->pos[0];
			len = it->pos[1];
			if (left < 2u + len)
				return KSRTP_EMALFORMED;
			e->data = it->pos + 2;
			it->pos += 2 + len;
		}
		e->id = id;
		e->len = len;
		return 1;
	}
}

int ksrtp_rtp_padding_len(const uint8_t *pkt, size_t len, const struct ksrtp_rtp_header *h)
{
	uint8_t count;

	if (!h->padding)
		return 0;
	if (len <= h->header_len)
		return KSRTP_EMALFORMED;
	/* The last octet counts the padding octets, itself included. */
	count = pkt[len - 1];
	if (count == 0 || count > len - h->header_len)
		return KSRTP_EMALFORMED;
	return count;
}
