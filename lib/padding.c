// SPDX-License-Identifier: MIT
/* Size padding: RFC 3550 section 5.1 RTP padding, per enum ksrtp_pad_policy. */
#include "padding.h"
#include "rtp.h"

int ksrtp_pad_check(const struct ksrtp_policy *p)
{
	uint16_t n = p->pad_size;

	if (p->direction == KSRTP_INBOUND)
		return p->pad_policy || n ? KSRTP_EINVAL : 0;
	if (p->flags & KSRTP_STRIP_PADDING)
		return KSRTP_EINVAL;	/* an inbound flag */
	switch (p->pad_policy) {
	case KSRTP_PAD_OFF:
		return n ? KSRTP_EINVAL : 0;
	case KSRTP_PAD_TRAIN:
		if (p->flags & KSRTP_ALLOW_REPEAT_TX)
			return KSRTP_EINVAL;
		return n == 1 || n > KSRTP_PAD_MAX + 1 ? KSRTP_EINVAL : 0;
	case KSRTP_PAD_BUCKET:
		/* Rounding up adds at most n - 1 octets: one padding count's worth. */
		return n < 2 || n > KSRTP_PAD_MAX + 1 ? KSRTP_EINVAL : 0;
	case KSRTP_PAD_CONSTANT:
		return n < KSRTP_RTP_HEADER_LEN || n > KSRTP_MAX_PACKET_LEN - KSRTP_MAX_TRAILER
			       ? KSRTP_EINVAL : 0;
	default:
		return KSRTP_EINVAL;
	}
}

static uint32_t round_up(uint32_t len, uint32_t quantum)
{
	return quantum ? (len + quantum - 1) / quantum * quantum : len;
}

/* The size the policy wants for a packet of len octets with RTP timestamp ts. */
static uint32_t pad_target(const struct ksrtp_pad *pad, uint32_t ts, uint32_t len, uint32_t room)
{
	uint32_t target;

	if (pad->policy == KSRTP_PAD_CONSTANT)
		return pad->size;
	target = round_up(len, pad->size);
	/* TRAIN: join the frame's train when the padding count can reach it. */
	if (pad->policy == KSRTP_PAD_TRAIN && pad->in_frame && pad->train_ts == ts &&
	    pad->train_len > target && pad->train_len - len <= room)
		target = pad->train_len;
	return target;
}

int ksrtp_pad_apply(const struct ksrtp_pad *pad, uint8_t *pkt, uint32_t len, uint32_t hdr_len,
		    uint32_t max_len, uint32_t grow)
{
	struct ksrtp_rtp_header h = {
		.padding = pkt[0] & KSRTP_RTP_PADDING_BIT,
		.header_len = hdr_len,
	};
	int have = ksrtp_rtp_padding_len(pkt, len, &h);
	uint32_t target, add, room;

	if (have < 0)
		return have;
	room = KSRTP_PAD_MAX - (uint32_t)have;
	target = pad_target(pad, ksrtp_load_be32(pkt + 4), len + grow, room);
	if (target < len + grow || target - len - grow > room || target - grow > max_len)
		return KSRTP_ENOSPACE;
	add = target - len - grow;
	if (!add)
		return (int)len;
	/* One padding block: the octets already there, then ours; the last counts all. */
	memset(pkt + len, 0, add);
	pkt[len + add - 1] = (uint8_t)(have + add);
	pkt[0] |= KSRTP_RTP_PADDING_BIT;
	return (int)(len + add);
}

void ksrtp_pad_sent(struct ksrtp_pad *pad, const uint8_t *pkt, uint32_t len)
{
	uint32_t ts = ksrtp_load_be32(pkt + 4);

	if (pad->policy != KSRTP_PAD_TRAIN)
		return;
	if (!pad->in_frame || pad->train_ts != ts) {
		pad->in_frame = true;
		pad->train_ts = ts;
		pad->train_len = len;
	} else if (len > pad->train_len) {
		pad->train_len = len;
	}
}

int ksrtp_pad_strip(uint8_t *pkt, uint32_t len, uint32_t hdr_len)
{
	struct ksrtp_rtp_header h = {
		.padding = pkt[0] & KSRTP_RTP_PADDING_BIT,
		.header_len = hdr_len,
	};
	int n = ksrtp_rtp_padding_len(pkt, len, &h);

	if (n <= 0)
		return n < 0 ? n : (int)len;
	pkt[0] &= (uint8_t)~KSRTP_RTP_PADDING_BIT;
	return (int)(len - (uint32_t)n);
}
