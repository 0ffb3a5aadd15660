/* SPDX-License-Identifier: MIT */
/*
 * lib/media internals: what the payload formats (vp8.c, vp9.c, generic.c)
 * tell the packetizer (packetizer.c) and the assembler (assembler.c).
 *
 * A payload format answers three questions for the assembler, never
 * trusting the packet: where does the codec data start and does this packet
 * begin or end a frame (classify), may packet b follow packet a inside one
 * frame (follows), and is the assembled frame's own header sane (frame
 * check: key frame or not, lengths inside the frame). For the packetizer it
 * builds the descriptor of each packet of a frame.
 */
#ifndef KSRTP_MEDIA_INTERNAL_H
#define KSRTP_MEDIA_INTERNAL_H

#include <stdbool.h>

#include "internal.h"
#include "ksrtp/media.h"

/* ksrtp_media_pkt.flags */
enum ksrtp_mp_flags {
	KSRTP_MP_START = 1u << 0,	/* the first packet of a frame (VP8 S and PID 0, VP9 B) */
	KSRTP_MP_END = 1u << 1,		/* the last packet of a frame (VP8 marker, VP9 E) */
	KSRTP_MP_PART_START = 1u << 2,	/* VP8 S */
	KSRTP_MP_PICID = 1u << 3,	/* picture_id present */
	KSRTP_MP_PICID15 = 1u << 4,	/* ... and 15 bits wide */
	KSRTP_MP_LAYERS = 1u << 5,	/* tid, sid, tl0 present */
	KSRTP_MP_SS = 1u << 6,		/* VP9 scalability structure present */
	KSRTP_MP_NON_REF = 1u << 7,	/* VP8 N */
};

/* One packet as its payload format describes it. */
struct ksrtp_media_pkt {
	/*
	 * The descriptor fields every packet of one frame must repeat
	 * (PictureID, layer indices, references, N/P/Z bits), packed: two
	 * packets whose signatures differ cannot belong to one frame.
	 */
	uint64_t sig;
	uint16_t data_off;	/* codec data starts here in the RTP payload */
	uint16_t picture_id;
	uint8_t flags;		/* enum ksrtp_mp_flags */
	uint8_t part;		/* VP8 partition index */
	uint8_t tid;
	uint8_t sid;
	uint8_t tl0;
	bool p;			/* VP9 P: inter-picture predicted */
};

/*
 * classify: parse the payload descriptor of payload[0..len) (len > 0) of a
 * packet with the given marker bit. Returns 0 or KSRTP_EMALFORMED (the
 * descriptor does not parse, leaves no codec data, or contradicts the RTP
 * header).
 * follows: whether b may come right after a within one frame.
 * frame_check: the assembled frame's codec header; sets *key. Returns 0 or
 * KSRTP_EMALFORMED (VP9 also checks the header against the frame's first
 * packet).
 */
int ksrtp_vp8_classify(const uint8_t *payload, size_t len, bool marker, struct ksrtp_media_pkt *mp);
bool ksrtp_vp8_follows(const struct ksrtp_media_pkt *a, const struct ksrtp_media_pkt *b);
int ksrtp_vp8_frame_check(const uint8_t *frame, size_t len, bool *key);

int ksrtp_vp9_classify(const uint8_t *payload, size_t len, bool marker, struct ksrtp_media_pkt *mp);
bool ksrtp_vp9_follows(const struct ksrtp_media_pkt *a, const struct ksrtp_media_pkt *b);
int ksrtp_vp9_frame_check(const uint8_t *frame, size_t len, const struct ksrtp_media_pkt *first,
			  bool *key);

int ksrtp_generic_classify(const uint8_t *payload, size_t len, bool marker,
			   struct ksrtp_media_pkt *mp);

/*
 * Send side. A frame's descriptors differ only in the per-packet bits (VP8
 * S and PID, VP9 B, E and V), so the packetizer asks once per frame for a
 * template (which also validates the frame against the stream) and then
 * for each packet's descriptor.
 */
#define KSRTP_VP8_DESC_MAX 6	/* 1 + X + 2 PictureID + TL0PICIDX + T/K */
#define KSRTP_VP9_DESC_MAX 8	/* 1 + 2 PictureID + 2 layers + 3 P_DIFF, without SS */
#define KSRTP_VP9_SS_MAX (1 + 4 * KSRTP_VP9_MAX_SPATIAL + 1 + 4 * KSRTP_VP9_MAX_PG)

/* The PictureID, TL0PICIDX and KEYIDX a frame carries (the stream moves on after it). */
struct ksrtp_media_picture {
	uint16_t picture_id;
	uint8_t tl0picidx;
	uint8_t keyidx;
};

int ksrtp_vp8_template(const struct ksrtp_packetizer *p, const struct ksrtp_frame *f,
		       const struct ksrtp_media_picture *pic, struct ksrtp_vp8_desc *d);
int ksrtp_vp9_template(const struct ksrtp_packetizer *p, const struct ksrtp_frame *f,
		       const struct ksrtp_media_picture *pic, struct ksrtp_vp9_desc *d);
/* Length of ss on the wire, or KSRTP_EINVAL when a field is out of range. */
int ksrtp_vp9_ss_len(const struct ksrtp_vp9_ss *ss);

/* RFC 3550 section 5.1 fixed header: V=2, no padding, extension or CSRCs. */
static inline void ksrtp_media_rtp_header(uint8_t *pkt, bool marker, uint8_t pt, uint16_t seq,
					  uint32_t ts, uint32_t ssrc)
{
	pkt[0] = 0x80;
	pkt[1] = (uint8_t)((marker ? 0x80 : 0) | pt);
	pkt[2] = (uint8_t)(seq >> 8);
	pkt[3] = (uint8_t)seq;
	ksrtp_store_be32(pkt + 4, ts);
	ksrtp_store_be32(pkt + 8, ssrc);
}

#endif /* KSRTP_MEDIA_INTERNAL_H */
