/* SPDX-License-Identifier: MIT */
/*
 * Size padding (enum ksrtp_pad_policy in ksrtp.h): RTP padding (RFC 3550
 * section 5.1) added to plaintext RTP before sealing, removed after
 * opening. Engine-neutral: the user engine calls it on the packet it is
 * about to seal, the kernel engine on the copy it hands to ksrtp.ko.
 */
#ifndef KSRTP_PADDING_H
#define KSRTP_PADDING_H

#include "internal.h"

#define KSRTP_RTP_PADDING_BIT 0x20	/* RFC 3550 section 5.1: P, in octet 0 */
#define KSRTP_PAD_MAX 255		/* the padding count is one octet */

/* One outbound stream's policy, and its train (the frame being sent). */
struct ksrtp_pad {
	uint8_t policy;		/* enum ksrtp_pad_policy; KSRTP_PAD_OFF: none */
	bool in_frame;		/* train_ts and train_len are set */
	uint16_t size;		/* ksrtp_policy.pad_size */
	uint32_t train_ts;	/* RTP timestamp of the frame being sent */
	uint32_t train_len;	/* its largest packet so far, padded */
};

/* 0, or KSRTP_EINVAL for a policy/size pair that ksrtp.h does not allow. */
int ksrtp_pad_check(const struct ksrtp_policy *p);

static inline void ksrtp_pad_init(struct ksrtp_pad *pad, const struct ksrtp_policy *p)
{
	memset(pad, 0, sizeof(*pad));
	if (p->direction == KSRTP_OUTBOUND) {
		pad->policy = p->pad_policy;
		pad->size = p->pad_size;
	}
}

/*
 * Pad the RTP packet pkt[0..len), whose header is hdr_len octets, as the
 * policy says, writing at most up to max_len. grow: octets the packet will
 * still gain before sealing (cryptex's empty extension block, which sits
 * in the header), so the size the policy sees is the sealed one. Returns
 * the new length, or KSRTP_ENOSPACE / KSRTP_EMALFORMED (existing padding
 * that does not parse) with nothing written. The train is not advanced:
 * ksrtp_pad_sent() does that once the packet is sealed.
 */
int ksrtp_pad_apply(const struct ksrtp_pad *pad, uint8_t *pkt, uint32_t len, uint32_t hdr_len,
		    uint32_t max_len, uint32_t grow);

/*
 * Octets KSRTP_CRYPTEX adds to the RTP packet pkt before sealing, which
 * padding must leave room for (ksrtp_pad_apply's grow): the empty extension
 * block that a packet with CSRCs and no extension gets (RFC 9335 section
 * 5.1).
 */
static inline uint32_t ksrtp_pad_cryptex_growth(const uint8_t *pkt)
{
	return (pkt[0] & 0x0f) && !(pkt[0] & 0x10) ? 4 : 0;
}

/* The padded packet pkt[0..len) was sealed: it joins (or starts) its frame's train. */
void ksrtp_pad_sent(struct ksrtp_pad *pad, const uint8_t *pkt, uint32_t len);

/*
 * Remove the padding of the opened RTP packet pkt[0..len) (header hdr_len
 * octets) and clear its P bit: the new length, the same when P is clear,
 * or KSRTP_EMALFORMED (count 0 or past the payload) with nothing changed.
 */
int ksrtp_pad_strip(uint8_t *pkt, uint32_t len, uint32_t hdr_len);

#endif /* KSRTP_PADDING_H */
