// SPDX-License-Identifier: MIT
/*
 * VP8 payload format (RFC 7741): the payload descriptor (section 4.2), its
 * use across the packets of a frame (sections 4.4, 4.5.1), and the frame
 * tag every VP8 frame starts with (RFC 6386 section 9.1; RFC 7741 section
 * 4.3 calls it the payload header).
 */
#include "media/media.h"

/* Octet 0: |X|R|N|S|R| PID | */
#define VP8_X 0x80
#define VP8_N 0x20
#define VP8_S 0x10
#define VP8_PID 0x07
/* Extension octet: |I|L|T|K| RSV | */
#define VP8_XI 0x80
#define VP8_XL 0x40
#define VP8_XT 0x20
#define VP8_XK 0x10
/* PictureID octet: |M| PictureID | */
#define VP8_M 0x80
/* T/K octet: |TID|Y| KEYIDX | */
#define VP8_Y 0x20

int ksrtp_vp8_parse(const uint8_t *buf, size_t len, struct ksrtp_vp8_desc *d)
{
	size_t n = 1;
	uint8_t b, x;

	memset(d, 0, sizeof(*d));
	if (!buf || len < 1)
		return KSRTP_EMALFORMED;
	b = buf[0];
	d->pid = b & VP8_PID;
	d->flags = (b & VP8_N ? KSRTP_VP8_N : 0) | (b & VP8_S ? KSRTP_VP8_S : 0);
	if (!(b & VP8_X))
		return 1;
	if (len < 2)
		return KSRTP_EMALFORMED;
	x = buf[n++];
	if (x & VP8_XI) {
		if (n >= len)
			return KSRTP_EMALFORMED;
		d->flags |= KSRTP_VP8_I;
		if (buf[n] & VP8_M) {
			if (n + 1 >= len)
				return KSRTP_EMALFORMED;
			d->flags |= KSRTP_VP8_M;
			d->picture_id = (uint16_t)((buf[n] & 0x7f) << 8 | buf[n + 1]);
			n += 2;
		} else {
			d->picture_id = buf[n++];
		}
	}
	if (x & VP8_XL) {
		if (n >= len)
			return KSRTP_EMALFORMED;
		d->flags |= KSRTP_VP8_L;
		d->tl0picidx = buf[n++];
	}
	/* One octet carries TID/Y (T) and KEYIDX (K); either bit brings it. */
	if (x & (VP8_XT | VP8_XK)) {
		if (n >= len)
			return KSRTP_EMALFORMED;
		b = buf[n++];
		if (x & VP8_XT) {
			d->flags |= KSRTP_VP8_T | (b & VP8_Y ? KSRTP_VP8_Y : 0);
			d->tid = b >> 6;
		}
		if (x & VP8_XK) {
			d->flags |= KSRTP_VP8_K;
			d->keyidx = b & 0x1f;
		}
	}
	return (int)n;
}

int ksrtp_vp8_write(uint8_t *buf, size_t cap, const struct ksrtp_vp8_desc *d)
{
	size_t need, n = 1;
	uint8_t f;

	if (!buf || !d)
		return KSRTP_EINVAL;
	f = d->flags;
	if (d->pid > 7 || d->tid > 3 || d->keyidx > 31 ||
	    d->picture_id > (f & KSRTP_VP8_M ? 0x7fff : 0x7f) ||
	    ((f & KSRTP_VP8_Y) && !(f & KSRTP_VP8_T)))
		return KSRTP_EINVAL;
	need = ksrtp_vp8_desc_len(d);
	if (need > cap)
		return KSRTP_ENOSPACE;
	buf[0] = (uint8_t)((need > 1 ? VP8_X : 0) | (f & KSRTP_VP8_N ? VP8_N : 0) |
			   (f & KSRTP_VP8_S ? VP8_S : 0) | d->pid);
	if (need == 1)
		return 1;
	buf[n++] = (uint8_t)((f & KSRTP_VP8_I ? VP8_XI : 0) | (f & KSRTP_VP8_L ? VP8_XL : 0) |
			     (f & KSRTP_VP8_T ? VP8_XT : 0) | (f & KSRTP_VP8_K ? VP8_XK : 0));
	if (f & KSRTP_VP8_I) {
		if (f & KSRTP_VP8_M) {
			buf[n++] = (uint8_t)(VP8_M | d->picture_id >> 8);
			buf[n++] = (uint8_t)d->picture_id;
		} else {
			buf[n++] = (uint8_t)d->picture_id;
		}
	}
	if (f & KSRTP_VP8_L)
		buf[n++] = d->tl0picidx;
	if (f & (KSRTP_VP8_T | KSRTP_VP8_K))
		buf[n++] = (uint8_t)((f & KSRTP_VP8_T ? d->tid << 6 : 0) |
				     (f & KSRTP_VP8_Y ? VP8_Y : 0) |
				     (f & KSRTP_VP8_K ? d->keyidx : 0));
	return (int)n;
}

int ksrtp_vp8_classify(const uint8_t *payload, size_t len, bool marker, struct ksrtp_media_pkt *mp)
{
	struct ksrtp_vp8_desc d;
	int n = ksrtp_vp8_parse(payload, len, &d);

	if (n < 0)
		return n;
	/* RFC 7741 section 4.4: a packet carries at least one octet of the frame. */
	if ((size_t)n >= len)
		return KSRTP_EMALFORMED;
	memset(mp, 0, sizeof(*mp));
	mp->data_off = (uint16_t)n;
	mp->part = d.pid;
	mp->picture_id = d.picture_id;
	mp->tid = d.tid;
	mp->tl0 = d.tl0picidx;
	/* Section 4.5.1: a frame begins with S = 1 and PID = 0; the marker ends it (4.1). */
	if (d.flags & KSRTP_VP8_S)
		mp->flags |= KSRTP_MP_PART_START | (d.pid == 0 ? KSRTP_MP_START : 0);
	if (marker)
		mp->flags |= KSRTP_MP_END;
	if (d.flags & KSRTP_VP8_I)
		mp->flags |= KSRTP_MP_PICID | (d.flags & KSRTP_VP8_M ? KSRTP_MP_PICID15 : 0);
	if (d.flags & (KSRTP_VP8_T | KSRTP_VP8_L))
		mp->flags |= KSRTP_MP_LAYERS;
	if (d.flags & KSRTP_VP8_N)
		mp->flags |= KSRTP_MP_NON_REF;
	/* Everything but S and PID is the same in every packet of a frame. */
	mp->sig = (uint64_t)(d.flags & (uint8_t)~KSRTP_VP8_S) | (uint64_t)d.picture_id << 8 |
		  (uint64_t)d.tl0picidx << 24 | (uint64_t)d.tid << 32 | (uint64_t)d.keyidx << 40;
	return 0;
}

/*
 * RFC 7741 section 4.2: partitions come in order, so PID never decreases
 * within a frame, and "if more than one packet in an encoded frame contains
 * the same PID, the S bit MUST NOT be set for any other packet than the
 * first packet with that PID".
 */
bool ksrtp_vp8_follows(const struct ksrtp_media_pkt *a, const struct ksrtp_media_pkt *b)
{
	if (a->sig != b->sig || b->part < a->part)
		return false;
	return !(b->flags & KSRTP_MP_PART_START) || b->part > a->part;
}

/*
 * RFC 6386 section 9.1: a 3-octet frame tag (key frame bit inverted,
 * version, show_frame, 19-bit size of the first partition), then on key
 * frames the start code 9d 01 2a and two 14-bit dimensions with scaling.
 * The first partition must fit in the frame; a key frame must have its
 * start code and a picture of at least 1x1.
 */
int ksrtp_vp8_frame_check(const uint8_t *frame, size_t len, bool *key)
{
	uint32_t tag, first_part;
	size_t hdr;

	if (len < 3)
		return KSRTP_EMALFORMED;
	tag = (uint32_t)frame[0] | (uint32_t)frame[1] << 8 | (uint32_t)frame[2] << 16;
	*key = !(tag & 1);
	first_part = tag >> 5;
	hdr = *key ? 10 : 3;
	if (len < hdr || first_part > len - hdr)
		return KSRTP_EMALFORMED;
	if (!*key)
		return 0;
	if (frame[3] != 0x9d || frame[4] != 0x01 || frame[5] != 0x2a ||
	    !((frame[6] | frame[7] << 8) & 0x3fff) || !((frame[8] | frame[9] << 8) & 0x3fff))
		return KSRTP_EMALFORMED;
	return 0;
}

int ksrtp_vp8_template(const struct ksrtp_packetizer *p, const struct ksrtp_frame *f,
		       const struct ksrtp_media_picture *pic, struct ksrtp_vp8_desc *d)
{
	bool layers = p->flags & KSRTP_PKTZ_LAYERS;

	/* VP8 has no spatial layers, and temporal ones only with T (2 bits). */
	if (f->sid || (f->flags & (KSRTP_FRAME_INTER_LAYER | KSRTP_FRAME_NO_UPPER_REF |
				   KSRTP_FRAME_MORE_LAYERS)) || f->n_ref ||
	    (layers ? f->tid > 3 : (f->tid != 0 || (f->flags & KSRTP_FRAME_LAYER_SYNC))) || f->ss)
		return KSRTP_EINVAL;
	memset(d, 0, sizeof(*d));
	if (f->flags & KSRTP_FRAME_NON_REF)
		d->flags |= KSRTP_VP8_N;
	if (!(p->flags & KSRTP_PKTZ_NO_PICTURE_ID)) {
		d->flags |= KSRTP_VP8_I | (p->flags & KSRTP_PKTZ_PICTURE_ID_7 ? 0 : KSRTP_VP8_M);
		d->picture_id = pic->picture_id;
	}
	if (layers) {
		/* Section 4.2: TL0PICIDX goes with TID ("RECOMMENDED that the TID be used"). */
		d->flags |= KSRTP_VP8_L | KSRTP_VP8_T |
			    (f->flags & KSRTP_FRAME_LAYER_SYNC ? KSRTP_VP8_Y : 0);
		d->tl0picidx = pic->tl0picidx;
		d->tid = f->tid;
	}
	if (p->flags & KSRTP_PKTZ_KEYIDX) {
		d->flags |= KSRTP_VP8_K;
		d->keyidx = pic->keyidx;
	}
	return 0;
}
