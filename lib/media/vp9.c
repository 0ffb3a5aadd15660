// SPDX-License-Identifier: MIT
/*
 * VP9 payload format (RFC 9628): the payload descriptor (section 4.2), the
 * scalability structure (section 4.2.1), the marker bit (section 4.1), and
 * the first bits of the VP9 uncompressed header (VP9 bitstream
 * specification, section 6.2), which say whether a frame is a key frame.
 */
#include "media/media.h"

/* Layer indices octet: | TID |U| SID |D| */
#define VP9_TID(b) ((b) >> 5)
#define VP9_U(b) (((b) >> 4) & 1)
#define VP9_SID(b) (((b) >> 1) & 7)
#define VP9_D(b) ((b) & 1)
/* SS octet: | N_S |Y|G|-|-|-|; picture group octet: | TID |U| R |-|-| */
#define VP9_SS_Y 0x10
#define VP9_SS_G 0x08

/* Section 4.2.1; ss may be NULL to only check the bounds. */
static int vp9_ss_parse(const uint8_t *buf, size_t len, size_t *pos, struct ksrtp_vp9_ss *ss)
{
	size_t n = *pos;
	unsigned int i, j, n_s, n_g = 0, r;
	uint8_t b;

	if (n >= len)
		return KSRTP_EMALFORMED;
	b = buf[n++];
	n_s = (b >> 5) + 1u;
	if (ss) {
		memset(ss, 0, sizeof(*ss));
		ss->n_s = (uint8_t)n_s;
		ss->y = !!(b & VP9_SS_Y);
		ss->g = !!(b & VP9_SS_G);
	}
	if (b & VP9_SS_Y) {
		if (len - n < 4u * n_s)
			return KSRTP_EMALFORMED;
		for (i = 0; i < n_s; i++, n += 4) {
			if (ss) {
				ss->width[i] = ksrtp_load_be16(buf + n);
				ss->height[i] = ksrtp_load_be16(buf + n + 2);
			}
		}
	}
	if (b & VP9_SS_G) {
		if (n >= len)
			return KSRTP_EMALFORMED;
		n_g = buf[n++];
	}
	for (i = 0; i < n_g; i++) {
		if (n >= len)
			return KSRTP_EMALFORMED;
		b = buf[n++];
		r = (b >> 2) & 3;
		if (len - n < r)
			return KSRTP_EMALFORMED;
		if (ss) {
			ss->pg[i].tid = VP9_TID(b);
			ss->pg[i].u = VP9_U(b);
			ss->pg[i].n_diff = (uint8_t)r;
			for (j = 0; j < r; j++)
				ss->pg[i].p_diff[j] = buf[n + j];
		}
		n += r;
	}
	if (ss)
		ss->n_g = (uint8_t)n_g;
	*pos = n;
	return 0;
}

int ksrtp_vp9_parse(const uint8_t *buf, size_t len, struct ksrtp_vp9_desc *d,
		    struct ksrtp_vp9_ss *ss)
{
	size_t n = 1;
	uint8_t b, x;

	memset(d, 0, sizeof(*d));
	if (!buf || len < 1)
		return KSRTP_EMALFORMED;
	b = buf[0];
	/* F "MUST only be set to 1 if the I bit is also set ... and ignored by receivers". */
	if (!(b & KSRTP_VP9_I))
		b &= (uint8_t)~KSRTP_VP9_F;
	d->flags = b;
	if (b & KSRTP_VP9_I) {
		if (n >= len)
			return KSRTP_EMALFORMED;
		if (buf[n] & 0x80) {
			if (n + 1 >= len)
				return KSRTP_EMALFORMED;
			d->m = 1;
			d->picture_id = (uint16_t)((buf[n] & 0x7f) << 8 | buf[n + 1]);
			n += 2;
		} else {
			d->picture_id = buf[n++];
		}
	}
	if (b & KSRTP_VP9_L) {
		if (n >= len)
			return KSRTP_EMALFORMED;
		x = buf[n++];
		d->tid = VP9_TID(x);
		d->u = VP9_U(x);
		d->sid = VP9_SID(x);
		d->d = VP9_D(x);
		/* "When P is set to zero, the TID field MUST also be set to 0." */
		if (!(b & KSRTP_VP9_P) && d->tid)
			return KSRTP_EMALFORMED;
		/* "For the base layer frame with SID equal to 0, this D bit MUST be ... zero." */
		if (!d->sid && d->d)
			return KSRTP_EMALFORMED;
		if (!(b & KSRTP_VP9_F)) {
			if (n >= len)
				return KSRTP_EMALFORMED;
			d->tl0picidx = buf[n++];
		}
	}
	/* Reference indices: up to 3 P_DIFFs, each with N saying another follows. */
	if ((b & KSRTP_VP9_F) && (b & KSRTP_VP9_P)) {
		do {
			if (n >= len || d->n_ref == 3)
				return KSRTP_EMALFORMED;
			x = buf[n++];
			/* A picture cannot predict from itself. */
			if (!(x >> 1))
				return KSRTP_EMALFORMED;
			d->p_diff[d->n_ref++] = x >> 1;
		} while (x & 1);
	}
	if (b & KSRTP_VP9_V) {
		int err = vp9_ss_parse(buf, len, &n, ss);

		if (err)
			return err;
	}
	return (int)n;
}

int ksrtp_vp9_ss_len(const struct ksrtp_vp9_ss *ss)
{
	int n = 1;
	unsigned int i;

	if (!ss || ss->n_s < 1 || ss->n_s > KSRTP_VP9_MAX_SPATIAL || ss->y > 1 || ss->g > 1 ||
	    (!ss->g && ss->n_g))
		return KSRTP_EINVAL;
	if (ss->y)
		n += 4 * ss->n_s;
	if (ss->g)
		n++;
	for (i = 0; i < ss->n_g; i++) {
		if (ss->pg[i].tid > 7 || ss->pg[i].u > 1 || ss->pg[i].n_diff > 3)
			return KSRTP_EINVAL;
		n += 1 + ss->pg[i].n_diff;
	}
	return n;
}

static void vp9_ss_write(uint8_t *buf, const struct ksrtp_vp9_ss *ss)
{
	size_t n = 0;
	unsigned int i, j;

	buf[n++] = (uint8_t)((ss->n_s - 1) << 5 | (ss->y ? VP9_SS_Y : 0) | (ss->g ? VP9_SS_G : 0));
	for (i = 0; ss->y && i < ss->n_s; i++) {
		buf[n++] = (uint8_t)(ss->width[i] >> 8);
		buf[n++] = (uint8_t)ss->width[i];
		buf[n++] = (uint8_t)(ss->height[i] >> 8);
		buf[n++] = (uint8_t)ss->height[i];
	}
	if (ss->g)
		buf[n++] = ss->n_g;
	for (i = 0; i < ss->n_g; i++) {
		buf[n++] = (uint8_t)(ss->pg[i].tid << 5 | ss->pg[i].u << 4 | ss->pg[i].n_diff << 2);
		for (j = 0; j < ss->pg[i].n_diff; j++)
			buf[n++] = ss->pg[i].p_diff[j];
	}
}

int ksrtp_vp9_write(uint8_t *buf, size_t cap, const struct ksrtp_vp9_desc *d,
		    const struct ksrtp_vp9_ss *ss)
{
	uint8_t b;
	size_t need = 1, n = 1;
	int ss_len = 0;
	unsigned int i;
	bool refs;

	if (!buf || !d)
		return KSRTP_EINVAL;
	b = d->flags;
	refs = (b & KSRTP_VP9_F) && (b & KSRTP_VP9_P);
	if (((b & KSRTP_VP9_F) && !(b & KSRTP_VP9_I)) || d->m > 1 ||
	    d->picture_id > (d->m ? 0x7fff : 0x7f) || d->tid > 7 || d->u > 1 || d->sid > 7 ||
	    d->d > 1)
		return KSRTP_EINVAL;
	/* What the parser refuses (section 4.2): TID without P, D on spatial layer 0. */
	if ((b & KSRTP_VP9_L) && ((!(b & KSRTP_VP9_P) && d->tid) || (!d->sid && d->d)))
		return KSRTP_EINVAL;
	if (refs) {
		if (d->n_ref < 1 || d->n_ref > 3)
			return KSRTP_EINVAL;
		for (i = 0; i < d->n_ref; i++)
			if (d->p_diff[i] < 1 || d->p_diff[i] > 127)
				return KSRTP_EINVAL;
		need += d->n_ref;
	}
	if (b & KSRTP_VP9_V) {
		ss_len = ksrtp_vp9_ss_len(ss);
		if (ss_len < 0)
			return ss_len;
		need += (size_t)ss_len;
	}
	if (b & KSRTP_VP9_I)
		need += d->m ? 2 : 1;
	if (b & KSRTP_VP9_L)
		need += b & KSRTP_VP9_F ? 1 : 2;
	if (need > cap)
		return KSRTP_ENOSPACE;
	buf[0] = b;
	if (b & KSRTP_VP9_I) {
		if (d->m)
			buf[n++] = (uint8_t)(0x80 | d->picture_id >> 8);
		buf[n++] = (uint8_t)d->picture_id;
	}
	if (b & KSRTP_VP9_L) {
		buf[n++] = (uint8_t)(d->tid << 5 | d->u << 4 | d->sid << 1 | d->d);
		if (!(b & KSRTP_VP9_F))
			buf[n++] = d->tl0picidx;
	}
	for (i = 0; refs && i < d->n_ref; i++)
		buf[n++] = (uint8_t)(d->p_diff[i] << 1 | (i + 1 < d->n_ref));
	if (ss_len)
		vp9_ss_write(buf + n, ss);
	return (int)need;
}

int ksrtp_vp9_classify(const uint8_t *payload, size_t len, bool marker, struct ksrtp_media_pkt *mp)
{
	struct ksrtp_vp9_desc d;
	int n = ksrtp_vp9_parse(payload, len, &d, NULL);

	if (n < 0)
		return n;
	if ((size_t)n >= len)
		return KSRTP_EMALFORMED;
	/* Section 4.1: the marker ends a picture, so it ends a layer frame too. */
	if (marker && !(d.flags & KSRTP_VP9_E))
		return KSRTP_EMALFORMED;
	memset(mp, 0, sizeof(*mp));
	mp->data_off = (uint16_t)n;
	mp->picture_id = d.picture_id;
	mp->tid = d.tid;
	mp->sid = d.sid;
	mp->tl0 = d.tl0picidx;
	mp->p = d.flags & KSRTP_VP9_P;
	if (d.flags & KSRTP_VP9_B)
		mp->flags |= KSRTP_MP_START;
	if (d.flags & KSRTP_VP9_E)
		mp->flags |= KSRTP_MP_END;
	if (d.flags & KSRTP_VP9_V)
		mp->flags |= KSRTP_MP_SS;
	if (d.flags & KSRTP_VP9_I)
		mp->flags |= KSRTP_MP_PICID | (d.m ? KSRTP_MP_PICID15 : 0);
	if (d.flags & KSRTP_VP9_L)
		mp->flags |= KSRTP_MP_LAYERS;
	/* Everything but B, E and V (and the SS) repeats in every packet of a layer frame. */
	mp->sig = (uint64_t)(d.flags & (KSRTP_VP9_I | KSRTP_VP9_P | KSRTP_VP9_L | KSRTP_VP9_F |
					KSRTP_VP9_Z)) |
		  (uint64_t)d.m << 8 | (uint64_t)d.picture_id << 9 | (uint64_t)d.tid << 24 |
		  (uint64_t)d.u << 27 | (uint64_t)d.sid << 28 | (uint64_t)d.d << 31 |
		  (uint64_t)d.tl0picidx << 32 | (uint64_t)d.n_ref << 40 |
		  (uint64_t)d.p_diff[0] << 42 | (uint64_t)d.p_diff[1] << 49 |
		  (uint64_t)d.p_diff[2] << 56;
	return 0;
}

bool ksrtp_vp9_follows(const struct ksrtp_media_pkt *a, const struct ksrtp_media_pkt *b)
{
	return a->sig == b->sig;
}

/* Read n bits MSB first from the first 8 octets held in v (avail bits of them real). */
static bool vp9_bits(uint64_t v, unsigned int avail, unsigned int *pos, unsigned int n,
		     uint32_t *out)
{
	if (*pos + n > avail)
		return false;
	*out = (uint32_t)(v >> (64 - *pos - n)) & ((1u << n) - 1);
	*pos += n;
	return true;
}

/*
 * VP9 bitstream specification section 6.2, uncompressed_header(): a 2-bit
 * frame marker (2), the profile (a reserved zero bit for profile 3),
 * show_existing_frame, then frame_type (0: key frame), show_frame and
 * error_resilient_mode; a key frame then carries the sync code 49 83 42.
 * A superframe (section B.3) starts with its first frame, so the same
 * check holds. At most 33 bits are read.
 */
int ksrtp_vp9_frame_check(const uint8_t *frame, size_t len, const struct ksrtp_media_pkt *first,
			  bool *key)
{
	unsigned int avail = len < 8 ? (unsigned int)len * 8 : 64, pos = 0, i;
	uint32_t v, lo, hi;
	uint64_t w = 0;

	for (i = 0; i < 8 && i < len; i++)
		w |= (uint64_t)frame[i] << (56 - 8 * i);
	if (!vp9_bits(w, avail, &pos, 2, &v) || v != 2 || !vp9_bits(w, avail, &pos, 1, &lo) ||
	    !vp9_bits(w, avail, &pos, 1, &hi))
		return KSRTP_EMALFORMED;
	if ((hi << 1 | lo) == 3 && (!vp9_bits(w, avail, &pos, 1, &v) || v))
		return KSRTP_EMALFORMED;
	if (!vp9_bits(w, avail, &pos, 1, &v))
		return KSRTP_EMALFORMED;
	if (v) {	/* show_existing_frame: frame_to_show_map_idx, nothing else */
		*key = false;
		return vp9_bits(w, avail, &pos, 3, &v) ? 0 : KSRTP_EMALFORMED;
	}
	if (!vp9_bits(w, avail, &pos, 3, &v))
		return KSRTP_EMALFORMED;
	*key = !(v & 4);
	if (!*key)
		return 0;
	/* A key frame is not inter-picture predicted: its descriptor must say P = 0. */
	if (first->p || !vp9_bits(w, avail, &pos, 24, &v) || v != 0x498342)
		return KSRTP_EMALFORMED;
	return 0;
}

int ksrtp_vp9_template(const struct ksrtp_packetizer *p, const struct ksrtp_frame *f,
		       const struct ksrtp_media_picture *pic, struct ksrtp_vp9_desc *d)
{
	bool key = f->flags & KSRTP_FRAME_KEY, flex = p->flags & KSRTP_PKTZ_VP9_FLEXIBLE;

	if (f->n_parts || f->part_len || (!flex || key ? f->n_ref != 0 : f->n_ref == 0))
		return KSRTP_EINVAL;
	if (!(p->flags & KSRTP_PKTZ_LAYERS) &&
	    (f->tid || f->sid || (f->flags & (KSRTP_FRAME_LAYER_SYNC | KSRTP_FRAME_INTER_LAYER))))
		return KSRTP_EINVAL;
	memset(d, 0, sizeof(*d));
	if (!(p->flags & KSRTP_PKTZ_NO_PICTURE_ID)) {
		d->flags |= KSRTP_VP9_I;
		d->m = !(p->flags & KSRTP_PKTZ_PICTURE_ID_7);
		d->picture_id = pic->picture_id;
	}
	if (!key)
		d->flags |= KSRTP_VP9_P;
	if (flex)
		d->flags |= KSRTP_VP9_F;
	if (f->flags & KSRTP_FRAME_NO_UPPER_REF)
		d->flags |= KSRTP_VP9_Z;
	if (p->flags & KSRTP_PKTZ_LAYERS) {
		d->flags |= KSRTP_VP9_L;
		d->tid = f->tid;
		d->u = !!(f->flags & KSRTP_FRAME_LAYER_SYNC);
		d->sid = f->sid;
		d->d = !!(f->flags & KSRTP_FRAME_INTER_LAYER);
		d->tl0picidx = pic->tl0picidx;
	}
	d->n_ref = f->n_ref;
	memcpy(d->p_diff, f->p_diff, sizeof(d->p_diff));
	return 0;
}
