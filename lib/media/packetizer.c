// SPDX-License-Identifier: MIT
/*
 * The packetizer: an outbound stream's RTP state, and one encoded frame cut
 * into packets written straight into the caller's buffers.
 *
 * Every packet but the last carries exactly mtu bytes of RTP payload
 * (descriptor plus data), or with KSRTP_PKTZ_EQUAL_SPLIT the same number of
 * packets carry ceil(payload / count) bytes each, so the sealed packets of a
 * frame are one UDP GSO train (all segments gso_size, the last one shorter
 * or equal). Only the first octet of the payload descriptor changes between
 * the packets of a frame (VP8 S and PID, VP9 B and E), plus a VP9
 * scalability structure in the first packet; the first packet carries
 * correspondingly less data.
 */
#include <sys/random.h>

#include "media/media.h"

#define VP8_MAX_PARTS 9	/* RFC 6386 section 9.5: the first partition and up to 8 DCT ones */

/* One frame's packets, computed before anything is written. */
struct plan {
	struct ksrtp_media_picture pic;
	uint8_t desc[KSRTP_VP9_DESC_MAX];			/* every packet but the first */
	uint8_t first[KSRTP_VP9_DESC_MAX + KSRTP_VP9_SS_MAX];	/* the first packet's */
	size_t desc_len, first_len;
	unsigned int count;
	/* RTP payload octets (descriptor and data) of the first, middle and last packets. */
	size_t head, body, tail;
};

static uint16_t picture_id_mask(const struct ksrtp_packetizer *p)
{
	return p->flags & KSRTP_PKTZ_PICTURE_ID_7 ? 0x7f : 0x7fff;
}

int ksrtp_packetizer_init(struct ksrtp_packetizer *p, const struct ksrtp_packetizer_config *cfg)
{
	const uint16_t known = KSRTP_PKTZ_PICTURE_ID_7 | KSRTP_PKTZ_NO_PICTURE_ID |
			       KSRTP_PKTZ_LAYERS | KSRTP_PKTZ_KEYIDX | KSRTP_PKTZ_VP9_FLEXIBLE |
			       KSRTP_PKTZ_EXPLICIT_START | KSRTP_PKTZ_EQUAL_SPLIT;
	const uint16_t any_codec = KSRTP_PKTZ_EXPLICIT_START | KSRTP_PKTZ_EQUAL_SPLIT;
	uint16_t mtu, flags;

	if (!p || !cfg)
		return KSRTP_EINVAL;
	mtu = cfg->mtu ? cfg->mtu : KSRTP_MEDIA_MTU_DEFAULT;
	flags = cfg->flags;
	if (cfg->codec > KSRTP_CODEC_VP9 || cfg->payload_type > 127 || (flags & ~known) ||
	    mtu < KSRTP_MEDIA_MTU_MIN || mtu > KSRTP_MEDIA_MTU_MAX)
		return KSRTP_EINVAL;
	/* KEYIDX is VP8's; flexible mode is VP9's and needs the PictureID (RFC 9628 4.2, F). */
	if (((flags & KSRTP_PKTZ_KEYIDX) && cfg->codec != KSRTP_CODEC_VP8) ||
	    ((flags & KSRTP_PKTZ_VP9_FLEXIBLE) &&
	     (cfg->codec != KSRTP_CODEC_VP9 || (flags & KSRTP_PKTZ_NO_PICTURE_ID))) ||
	    (cfg->codec == KSRTP_CODEC_GENERIC && (flags & ~any_codec)))
		return KSRTP_EINVAL;
	memset(p, 0, sizeof(*p));
	p->ssrc = cfg->ssrc;
	p->codec = cfg->codec;
	p->payload_type = cfg->payload_type;
	p->mtu = mtu;
	p->flags = flags;
	if (flags & KSRTP_PKTZ_EXPLICIT_START) {
		p->seq = cfg->seq;
		p->ts_offset = cfg->ts_offset;
		p->picture_id = cfg->picture_id;
		p->tl0picidx = cfg->tl0picidx;
		p->keyidx = cfg->keyidx;
	} else {
		/* RFC 3550 section 5.1: random initial sequence number and timestamp. */
		uint8_t r[10];

		if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
			return KSRTP_EKERNEL;
		p->seq = ksrtp_load_be16(r);
		p->ts_offset = ksrtp_load_be32(r + 2);
		p->picture_id = ksrtp_load_be16(r + 6);
		p->tl0picidx = r[8];
		p->keyidx = r[9];
	}
	p->picture_id &= picture_id_mask(p);
	p->keyidx &= 31;
	return 0;
}

/* VP8: the partition of frame octet off, clamped to PID 7, and whether a partition begins there. */
static uint8_t vp8_pid_at(const struct ksrtp_frame *f, uint32_t off, bool *begins)
{
	uint32_t start = 0;
	unsigned int k = 0;

	if (f->n_parts) {
		while (k + 1 < f->n_parts && off >= start + f->part_len[k])
			start += f->part_len[k++];
	}
	*begins = off == start;
	return k > 7 ? 7 : (uint8_t)k;
}

static int vp8_check_parts(const struct ksrtp_frame *f)
{
	uint64_t sum = 0;
	unsigned int k;

	if (!f->n_parts)
		return f->part_len ? KSRTP_EINVAL : 0;
	if (!f->part_len || f->n_parts > VP8_MAX_PARTS)
		return KSRTP_EINVAL;
	for (k = 0; k < f->n_parts; k++) {
		if (!f->part_len[k])
			return KSRTP_EINVAL;
		sum += f->part_len[k];
	}
	return sum == f->len ? 0 : KSRTP_EINVAL;
}

/*
 * How the frame's total RTP payload (descriptors and data) is shared out
 * over the pl->count packets. By default every packet is full (mtu) but the
 * last. With KSRTP_PKTZ_EQUAL_SPLIT each carries ceil(total / count) octets
 * but the last, which carries what is left: less than count octets fewer,
 * and at least its descriptor and one octet of data, since count packets of
 * mtu were needed. Exactly equal packets with a shorter last one, rather
 * than sizes one octet apart: the GSO sender (lib/ring/send.c) ends a
 * train at the first shorter packet. A VP9 SS longer than that share would
 * leave the first packet no data; it then carries one octet of data and the
 * rest share what is left (the frame then leaves in at most two GSO sends).
 */
static void split(const struct ksrtp_packetizer *p, const struct ksrtp_frame *f, struct plan *pl)
{
	size_t total = pl->first_len + (pl->count - 1) * pl->desc_len + f->len, share;

	if (pl->count == 1) {
		pl->head = total;
		pl->body = pl->tail = 0;
		return;
	}
	if (!(p->flags & KSRTP_PKTZ_EQUAL_SPLIT)) {
		pl->head = pl->body = p->mtu;
	} else {
		share = (total + pl->count - 1) / pl->count;
		pl->head = share > pl->first_len ? share : pl->first_len + 1;
		pl->body = pl->head == share ? share
					     : (total - pl->head + pl->count - 2) / (pl->count - 1);
	}
	pl->tail = total - pl->head - (pl->count - 2) * pl->body;
}

/* RTP payload octets of packet i. */
static size_t payload_len(const struct plan *pl, unsigned int i)
{
	if (i == 0)
		return pl->head;
	return i + 1 == pl->count ? pl->tail : pl->body;
}

/* The descriptors, the picture fields, the packet count and sizes of frame f. */
static int plan(const struct ksrtp_packetizer *p, const struct ksrtp_frame *f, struct plan *pl)
{
	bool new_picture = !p->in_picture;
	size_t chunk0, chunk;
	int n, err;

	if (!f->data || !f->len || f->tid > 7 || f->sid > 7)
		return KSRTP_EINVAL;
	if ((f->flags & KSRTP_FRAME_MORE_LAYERS) && p->codec != KSRTP_CODEC_VP9)
		return KSRTP_EINVAL;
	/* RFC 9628 section 4.1: the layer frames of a picture share its timestamp. */
	if (p->in_picture && (f->rtp_ts != p->picture_ts ||
			      ((p->flags & KSRTP_PKTZ_LAYERS) && f->sid <= p->picture_sid)))
		return KSRTP_EINVAL;
	pl->pic.picture_id = p->picture_id;
	/* TL0PICIDX "MUST be incremented when TID is 0" (RFC 7741 4.2, RFC 9628 4.2). */
	pl->pic.tl0picidx = (uint8_t)(p->tl0picidx + (new_picture && f->tid == 0));
	pl->pic.keyidx = (p->keyidx + (new_picture && (f->flags & KSRTP_FRAME_KEY))) & 31;
	pl->desc_len = 0;
	pl->first_len = 0;
	switch (p->codec) {
	case KSRTP_CODEC_VP8: {
		struct ksrtp_vp8_desc d;

		err = vp8_check_parts(f);
		if (!err)
			err = ksrtp_vp8_template(p, f, &pl->pic, &d);
		if (err)
			return err;
		n = ksrtp_vp8_write(pl->desc, sizeof(pl->desc), &d);
		if (n < 0)
			return KSRTP_EINVAL;
		pl->desc_len = (size_t)n;
		memcpy(pl->first, pl->desc, pl->desc_len);
		pl->first_len = pl->desc_len;
		break;
	}
	case KSRTP_CODEC_VP9: {
		struct ksrtp_vp9_desc d;

		err = ksrtp_vp9_template(p, f, &pl->pic, &d);
		if (err)
			return err;
		n = ksrtp_vp9_write(pl->desc, sizeof(pl->desc), &d, NULL);
		if (n < 0)
			return KSRTP_EINVAL;
		pl->desc_len = (size_t)n;
		if (f->ss)
			d.flags |= KSRTP_VP9_V;
		n = ksrtp_vp9_write(pl->first, sizeof(pl->first), &d, f->ss);
		if (n < 0)
			return KSRTP_EINVAL;
		pl->first_len = (size_t)n;
		break;
	}
	default:
		if (f->flags & ~KSRTP_FRAME_KEY || f->tid || f->sid || f->n_parts || f->part_len ||
		    f->n_ref || f->ss)
			return KSRTP_EINVAL;
	}
	/* The SS can be longer than a whole packet. */
	if (pl->first_len >= p->mtu)
		return KSRTP_EINVAL;
	chunk0 = p->mtu - pl->first_len;
	chunk = p->mtu - pl->desc_len;
	if (f->len <= chunk0)
		pl->count = 1;
	else if ((f->len - chunk0 + chunk - 1) / chunk < 65535)
		pl->count = 1 + (unsigned int)((f->len - chunk0 + chunk - 1) / chunk);
	else
		return KSRTP_EINVAL;
	split(p, f, pl);
	return 0;
}

int ksrtp_packetize_count(const struct ksrtp_packetizer *p, const struct ksrtp_frame *f)
{
	struct plan pl;
	int err;

	if (!p || !f)
		return KSRTP_EINVAL;
	err = plan(p, f, &pl);
	return err ? err : (int)pl.count;
}

int ksrtp_packetize(struct ksrtp_packetizer *p, const struct ksrtp_frame *f, struct ksrtp_pkt *v,
		    unsigned int n)
{
	bool more = f && (f->flags & KSRTP_FRAME_MORE_LAYERS), begins;
	uint32_t ts, off = 0;
	uint8_t pid, last_pid = 0;
	uint64_t bytes = 0;
	struct plan pl;
	unsigned int i;
	int err;

	if (!p || !f || (!v && n))
		return KSRTP_EINVAL;
	err = plan(p, f, &pl);
	if (err)
		return err;
	if (pl.count > n)
		return KSRTP_ENOSPACE;
	/* Check every buffer before writing any: failure leaves no trace. */
	for (i = 0; i < pl.count; i++)
		if (!v[i].data || v[i].cap < KSRTP_MEDIA_RTP_HEADER + payload_len(&pl, i) +
						     KSRTP_MAX_TRAILER)
			return KSRTP_ENOSPACE;
	ts = p->ts_offset + f->rtp_ts;
	for (i = 0; i < pl.count; i++) {
		const uint8_t *desc = i ? pl.desc : pl.first;
		size_t d = i ? pl.desc_len : pl.first_len, c = payload_len(&pl, i) - d;
		bool last = i + 1 == pl.count;
		uint8_t *pkt = v[i].data, *pl0 = pkt + KSRTP_MEDIA_RTP_HEADER;

		/* RFC 3550 5.1 / RFC 7741 4.1 / RFC 9628 4.1: marker on a picture's last packet. */
		ksrtp_media_rtp_header(pkt, last && !more, p->payload_type, (uint16_t)(p->seq + i),
				       ts, p->ssrc);
		memcpy(pl0, desc, d);
		if (p->codec == KSRTP_CODEC_VP8) {
			/* RFC 7741 4.2: S only on the first packet of each PID. */
			pid = vp8_pid_at(f, off, &begins);
			pl0[0] = (uint8_t)(pl0[0] & 0xe8) | pid |
				 (begins && (i == 0 || pid != last_pid) ? 0x10 : 0);
			last_pid = pid;
		} else if (p->codec == KSRTP_CODEC_VP9) {
			pl0[0] |= (uint8_t)((i == 0 ? KSRTP_VP9_B : 0) | (last ? KSRTP_VP9_E : 0));
		}
		memcpy(pl0 + d, f->data + off, c);
		off += (uint32_t)c;
		v[i].len = (uint32_t)(KSRTP_MEDIA_RTP_HEADER + d + c);
		v[i].status = 0;
		bytes += v[i].len;
	}
	p->seq = (uint16_t)(p->seq + pl.count);
	p->tl0picidx = pl.pic.tl0picidx;
	p->keyidx = pl.pic.keyidx;
	p->in_picture = more;
	p->picture_ts = f->rtp_ts;
	p->picture_sid = f->sid;
	if (!more)
		p->picture_id = (p->picture_id + 1) & picture_id_mask(p);
	p->frames++;
	p->packets += pl.count;
	p->bytes += bytes;
	return (int)pl.count;
}
