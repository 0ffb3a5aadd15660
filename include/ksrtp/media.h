/* SPDX-License-Identifier: MIT */
/*
 * media.h - encoded video frames to RTP packets and back.
 *
 * Send side: a packetizer per outbound stream turns one encoded frame into
 * RTP packets written straight into caller-provided buffers (arena slots),
 * ready for ksrtp_protect_batch():
 *
 *	struct ksrtp_packetizer pz;
 *	struct ksrtp_packetizer_config cfg = { .ssrc = 0x1234, .codec = KSRTP_CODEC_VP8,
 *					       .payload_type = 96 };
 *	struct ksrtp_pkt v[64];		// v[i].data, v[i].cap: 2048-byte slots
 *	struct ksrtp_frame f = { .data = buf, .len = n, .rtp_ts = pts90k,
 *				 .flags = key ? KSRTP_FRAME_KEY : 0 };
 *
 *	ksrtp_packetizer_init(&pz, &cfg);
 *	int np = ksrtp_packetize(&pz, &f, v, 64);	// np packets, v[i].len set
 *	ksrtp_protect_batch(session, v, np);		// sealed in place
 *
 * Every packet of one frame is exactly 12 + mtu bytes except the last, which
 * is shorter or equal, so a frame leaves as one UDP GSO train (UDP_SEGMENT).
 * With KSRTP_PKTZ_EQUAL_SPLIT the packets are as many but equally sized
 * (the last at most count - 1 bytes shorter), which size padding can hide.
 * Sequence number, marker bit and the codec's PictureID / TL0PICIDX / KEYIDX
 * are kept per stream; the RTP timestamp is the frame's 90 kHz time plus the
 * stream's random offset (RFC 3550 section 5.1).
 *
 * Receive side: an assembler per inbound stream takes opened RTP packets in
 * any order and hands out complete frames, in sequence order:
 *
 *	struct ksrtp_assembler *a = ksrtp_assembler_new(&acfg, &err);
 *	ksrtp_unprotect_batch(session, v, n);
 *	ksrtp_assembler_push_batch(a, v, n);		// packets that opened
 *	while (ksrtp_assembler_pop(a, &fi, frame, sizeof(frame)) == 1)
 *		decode(frame, fi.len, fi.flags & KSRTP_FI_KEY);
 *
 * The assembler holds a bounded window of packets (its memory is fixed at
 * creation), reorders within it, declares a sequence number lost once a
 * packet `reorder` places past it has arrived (or on ksrtp_assembler_flush()),
 * and delivers a frame only when every packet from its first to its last is
 * present and consistent. The first packet to arrive need not be the first
 * sent: until `reorder` more have come, only a key frame is delivered from
 * it. Nothing a packet says is trusted: descriptor lengths, partition
 * indices, PictureIDs and scalability structures are bounds-checked and
 * cross-checked against the rest of the frame; a packet or frame that fails
 * is dropped and counted, and never delivered. Packets must be opened
 * (authenticated) before they are pushed.
 *
 * Payload formats: VP8 (RFC 7741), VP9 (RFC 9628, flexible and
 * non-flexible mode), and a generic one for any codec (the frame split into
 * packets, marker bit on the last, no payload header).
 *
 * Nothing here is thread safe: one packetizer or assembler per thread, or
 * serialize calls. Errors are the negative KSRTP_E* codes of ksrtp.h.
 */
#ifndef KSRTP_MEDIA_H
#define KSRTP_MEDIA_H

#include <stddef.h>
#include <stdint.h>

#include "ksrtp/ksrtp.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The RTP fixed header the packetizer writes (RFC 3550 section 5.1; no CSRCs). */
#define KSRTP_MEDIA_RTP_HEADER 12
/* Default RTP payload bytes per packet: fits any path MTU of 1280 with room to spare. */
#define KSRTP_MEDIA_MTU_DEFAULT 1200
/* The longest descriptor without SS (8) and some data; a sealed packet within 65535. */
#define KSRTP_MEDIA_MTU_MIN 32
#define KSRTP_MEDIA_MTU_MAX (65535 - KSRTP_MEDIA_RTP_HEADER - KSRTP_MAX_TRAILER)

/* The 90 kHz RTP clock of video (RFC 3551 section 5). */
#define KSRTP_MEDIA_CLOCK_HZ 90000

/*
 * The generic format has no payload header, so nothing says where a frame
 * begins but the end (marker) of the one before: the assembler delivers a
 * generic frame only when the packet before it arrived, and never marks
 * one KSRTP_FI_KEY. VP8 and VP9 frames carry their start and key-ness.
 */
enum ksrtp_codec {
	KSRTP_CODEC_GENERIC = 0,	/* no payload header: split, marker on the last */
	KSRTP_CODEC_VP8 = 1,		/* RFC 7741 */
	KSRTP_CODEC_VP9 = 2,		/* RFC 9628 */
};

/* ---- VP8 payload descriptor (RFC 7741 section 4.2) ----
 *
 *	 0 1 2 3 4 5 6 7
 *	+-+-+-+-+-+-+-+-+
 *	|X|R|N|S|R| PID |	required
 *	+-+-+-+-+-+-+-+-+
 *   X:	|I|L|T|K| RSV	|
 *	+-+-+-+-+-+-+-+-+
 *   I:	|M| PictureID	|	7 bits, or 15 with M
 *	+-+-+-+-+-+-+-+-+
 *	|   PictureID	|	(M)
 *	+-+-+-+-+-+-+-+-+
 *   L:	|   TL0PICIDX	|
 *	+-+-+-+-+-+-+-+-+
 * T/K:	|TID|Y| KEYIDX	|
 *	+-+-+-+-+-+-+-+-+
 */
enum ksrtp_vp8_flags {
	KSRTP_VP8_N = 1u << 0,	/* non-reference frame */
	KSRTP_VP8_S = 1u << 1,	/* the packet starts a partition */
	KSRTP_VP8_I = 1u << 2,	/* PictureID present */
	KSRTP_VP8_M = 1u << 3,	/* PictureID is 15 bits (else 7) */
	KSRTP_VP8_L = 1u << 4,	/* TL0PICIDX present */
	KSRTP_VP8_T = 1u << 5,	/* TID and Y present */
	KSRTP_VP8_K = 1u << 6,	/* KEYIDX present */
	KSRTP_VP8_Y = 1u << 7,	/* layer sync: depends only on the base layer (with T) */
};

/* The fields of one VP8 payload descriptor (X is implied by I, L, T or K). */
struct ksrtp_vp8_desc {
	uint8_t flags;		/* enum ksrtp_vp8_flags */
	uint8_t pid;		/* partition index 0..7 of the first payload octet */
	uint8_t tid;		/* temporal layer 0..3 (T) */
	uint8_t keyidx;		/* 0..31 (K) */
	uint8_t tl0picidx;	/* (L) */
	uint8_t reserved;
	uint16_t picture_id;	/* (I) 0..127, or 0..32767 with M */
};

/* Length of the descriptor d describes. */
static inline size_t ksrtp_vp8_desc_len(const struct ksrtp_vp8_desc *d)
{
	size_t n = 1;

	if (d->flags & (KSRTP_VP8_I | KSRTP_VP8_L | KSRTP_VP8_T | KSRTP_VP8_K)) {
		n++;
		if (d->flags & KSRTP_VP8_I)
			n += d->flags & KSRTP_VP8_M ? 2 : 1;
		n += !!(d->flags & KSRTP_VP8_L);
		n += !!(d->flags & (KSRTP_VP8_T | KSRTP_VP8_K));
	}
	return n;
}

/*
 * Parse the descriptor at the start of an RTP payload buf[0..len). Returns
 * its length (the VP8 data starts there), or KSRTP_EMALFORMED when it runs
 * past len. Never reads past len. Fields that are absent read as 0.
 */
KSRTP_API int ksrtp_vp8_parse(const uint8_t *buf, size_t len, struct ksrtp_vp8_desc *d);

/*
 * Write d at buf (cap bytes). Returns the length written, KSRTP_ENOSPACE,
 * or KSRTP_EINVAL for a field out of its range (pid > 7, tid > 3,
 * keyidx > 31, a PictureID wider than M allows, Y without T).
 */
KSRTP_API int ksrtp_vp8_write(uint8_t *buf, size_t cap, const struct ksrtp_vp8_desc *d);

/* ---- VP9 payload descriptor (RFC 9628 section 4.2) ----
 *
 *	 0 1 2 3 4 5 6 7
 *	+-+-+-+-+-+-+-+-+
 *	|I|P|L|F|B|E|V|Z|	required
 *	+-+-+-+-+-+-+-+-+
 *   I:	|M| PICTURE ID	|	7 bits, or 15 with M
 *	+-+-+-+-+-+-+-+-+
 *   M:	| EXTENDED PID	|
 *	+-+-+-+-+-+-+-+-+
 *   L:	| TID |U| SID |D|
 *	+-+-+-+-+-+-+-+-+
 *	|   TL0PICIDX	|	non-flexible mode (F = 0) only
 *	+-+-+-+-+-+-+-+-+
 * P,F:	| P_DIFF      |N|	flexible mode: 1 to 3 references
 *	+-+-+-+-+-+-+-+-+
 *   V:	| SS		|	scalability structure (section 4.2.1)
 *	+-+-+-+-+-+-+-+-+
 */
enum ksrtp_vp9_flags {		/* the first octet, bit for bit */
	KSRTP_VP9_I = 0x80,	/* PictureID present */
	KSRTP_VP9_P = 0x40,	/* inter-picture predicted */
	KSRTP_VP9_L = 0x20,	/* layer indices present */
	KSRTP_VP9_F = 0x10,	/* flexible mode */
	KSRTP_VP9_B = 0x08,	/* start of a layer frame */
	KSRTP_VP9_E = 0x04,	/* end of a layer frame */
	KSRTP_VP9_V = 0x02,	/* scalability structure present */
	KSRTP_VP9_Z = 0x01,	/* not a reference for upper spatial layers */
};

struct ksrtp_vp9_desc {
	uint8_t flags;		/* enum ksrtp_vp9_flags */
	uint8_t m;		/* 1: 15-bit PictureID (I) */
	uint16_t picture_id;	/* (I) */
	uint8_t tid;		/* (L) temporal layer 0..7 */
	uint8_t u;		/* (L) switching up point */
	uint8_t sid;		/* (L) spatial layer 0..7 */
	uint8_t d;		/* (L) inter-layer dependency */
	uint8_t tl0picidx;	/* (L, F = 0) */
	uint8_t n_ref;		/* (P and F) number of P_DIFFs, 1..3 */
	uint8_t p_diff[3];	/* (P and F) 1..127: PictureID distance to a reference */
	uint8_t reserved;
};

/* Scalability structure (RFC 9628 section 4.2.1). */
#define KSRTP_VP9_MAX_SPATIAL 8		/* N_S is 3 bits */
#define KSRTP_VP9_MAX_PG 255		/* N_G is 8 bits */

struct ksrtp_vp9_pg {			/* one picture of the picture group */
	uint8_t tid;
	uint8_t u;
	uint8_t n_diff;			/* R: 0..3 */
	uint8_t p_diff[3];
};

struct ksrtp_vp9_ss {
	uint8_t n_s;			/* spatial layers, 1..8 (N_S + 1) */
	uint8_t y;			/* 1: width and height of each layer present */
	uint8_t g;			/* 1: picture group description present */
	uint8_t n_g;			/* pictures in the group (G) */
	uint16_t width[KSRTP_VP9_MAX_SPATIAL];
	uint16_t height[KSRTP_VP9_MAX_SPATIAL];
	struct ksrtp_vp9_pg pg[KSRTP_VP9_MAX_PG];
};

/*
 * Parse the descriptor at the start of buf[0..len). Returns its length
 * (SS included), or KSRTP_EMALFORMED when any part runs past len or breaks
 * a MUST of RFC 9628 section 4.2: F without I, TID != 0 without P, D on
 * spatial layer 0, a zero P_DIFF (a picture cannot reference itself).
 * When V is set and ss is not NULL the SS is parsed into *ss (whose
 * contents are unspecified after a failure).
 */
KSRTP_API int ksrtp_vp9_parse(const uint8_t *buf, size_t len, struct ksrtp_vp9_desc *d,
			      struct ksrtp_vp9_ss *ss);

/*
 * Write d (and ss when d->flags has V) at buf (cap bytes). Returns the length,
 * KSRTP_ENOSPACE, or KSRTP_EINVAL for fields out of range or combinations
 * the parser would refuse.
 */
KSRTP_API int ksrtp_vp9_write(uint8_t *buf, size_t cap, const struct ksrtp_vp9_desc *d,
			      const struct ksrtp_vp9_ss *ss);

/* ---- packetizer: one per outbound stream ---- */

enum ksrtp_packetizer_flags {
	KSRTP_PKTZ_PICTURE_ID_7 = 1u << 0,	/* 7-bit PictureID (default 15) */
	KSRTP_PKTZ_NO_PICTURE_ID = 1u << 1,	/* no PictureID (not with VP9 flexible mode) */
	/* Layer fields: VP8 TID/Y and TL0PICIDX; VP9 layer indices (+TL0PICIDX in F = 0). */
	KSRTP_PKTZ_LAYERS = 1u << 2,
	KSRTP_PKTZ_KEYIDX = 1u << 3,		/* VP8 KEYIDX, incremented on each key frame */
	KSRTP_PKTZ_VP9_FLEXIBLE = 1u << 4,	/* VP9 flexible mode: P_DIFFs from each frame */
	/* Start from the config's seq, ts_offset, picture_id, tl0picidx, keyidx (else random). */
	KSRTP_PKTZ_EXPLICIT_START = 1u << 5,
	/*
	 * Any codec. The same packet count as without it, but the frame's RTP
	 * payload (descriptors and data) shared out equally: every packet
	 * ceil(payload / count) octets but the last, which is shorter by
	 * less than count octets (not by up to mtu). Still one GSO train (all
	 * equal, the last shorter), and with KSRTP_PAD_TRAIN (ksrtp.h) the
	 * last pads up to the others, so every packet of a frame leaves with
	 * one size and the frame shows only its packet count. Costs nothing
	 * in packets; a VP9 SS longer than the share is the one exception (the
	 * first packet then carries it and one octet of data).
	 */
	KSRTP_PKTZ_EQUAL_SPLIT = 1u << 6,
};

struct ksrtp_packetizer_config {
	uint32_t ssrc;
	uint8_t codec;			/* enum ksrtp_codec */
	uint8_t payload_type;		/* 0..127 */
	uint16_t mtu;			/* RTP payload bytes per packet; 0 = 1200 */
	uint16_t flags;			/* enum ksrtp_packetizer_flags */
	uint16_t seq;			/* with KSRTP_PKTZ_EXPLICIT_START */
	uint32_t ts_offset;		/* ditto */
	uint16_t picture_id;		/* ditto */
	uint8_t tl0picidx;		/* ditto */
	uint8_t keyidx;			/* ditto */
};

/*
 * An outbound stream. The caller owns the memory (embed it anywhere);
 * ksrtp_packetizer_init() fills it. Fields are readable at any time; seq and
 * the counters change with every ksrtp_packetize().
 */
struct ksrtp_packetizer {
	uint32_t ssrc;
	uint32_t ts_offset;		/* added to each frame's rtp_ts */
	uint32_t picture_ts;		/* VP9, in_picture: the picture's rtp_ts */
	uint16_t seq;			/* sequence number of the next packet */
	uint16_t mtu;
	uint16_t picture_id;		/* PictureID of the next picture */
	uint16_t flags;
	uint8_t codec;
	uint8_t payload_type;
	uint8_t tl0picidx;		/* TL0PICIDX of the last base-layer picture */
	uint8_t keyidx;			/* VP8 KEYIDX */
	uint8_t in_picture;		/* VP9: the picture has more layer frames to come */
	uint8_t picture_sid;		/* VP9, in_picture: the last layer frame's sid */
	uint8_t reserved[6];
	uint64_t frames;
	uint64_t packets;
	uint64_t bytes;			/* RTP bytes written, headers included */
};

enum ksrtp_frame_flags {
	KSRTP_FRAME_KEY = 1u << 0,		/* a key frame (VP9: P = 0) */
	KSRTP_FRAME_NON_REF = 1u << 1,		/* VP8 N: no other frame references it */
	KSRTP_FRAME_LAYER_SYNC = 1u << 2,	/* VP8 Y, VP9 U */
	KSRTP_FRAME_INTER_LAYER = 1u << 3,	/* VP9 D: depends on spatial layer sid - 1 */
	KSRTP_FRAME_NO_UPPER_REF = 1u << 4,	/* VP9 Z */
	/*
	 * VP9: more spatial layer frames of this picture follow (no marker
	 * bit); they must have its rtp_ts and, with layer indices, higher sids.
	 */
	KSRTP_FRAME_MORE_LAYERS = 1u << 5,
};

/* One encoded frame to send (VP9: one layer frame). */
struct ksrtp_frame {
	const uint8_t *data;
	uint32_t len;			/* > 0 */
	uint32_t rtp_ts;		/* 90 kHz */
	uint16_t flags;			/* enum ksrtp_frame_flags */
	uint8_t tid;			/* temporal layer (KSRTP_PKTZ_LAYERS) */
	uint8_t sid;			/* VP9 spatial layer (KSRTP_PKTZ_LAYERS) */
	uint8_t n_parts;		/* VP8: entries of part_len; 0 = one partition */
	uint8_t n_ref;			/* VP9 flexible mode, inter frames: 1..3 */
	uint8_t p_diff[3];
	uint8_t reserved;
	/*
	 * VP8: lengths of the frame's partitions (RFC 6386 section 9.5: the
	 * first partition, frame header included, then each DCT partition),
	 * summing to len; packets then carry PID and S as RFC 7741 section
	 * 4.2 asks, without splitting at partition boundaries, so the packets
	 * stay equal-sized.
	 */
	const uint32_t *part_len;
	/* VP9: scalability structure for the frame's first packet (key pictures). */
	const struct ksrtp_vp9_ss *ss;
};

/*
 * Set up an outbound stream. Without KSRTP_PKTZ_EXPLICIT_START the sequence
 * number, timestamp offset, PictureID, TL0PICIDX and KEYIDX start random
 * (RFC 3550 section 5.1, RFC 7741 section 4.2). Errors: KSRTP_EINVAL (codec,
 * payload type, flags that are not the codec's, an mtu outside
 * KSRTP_MEDIA_MTU_MIN..KSRTP_MEDIA_MTU_MAX), KSRTP_EKERNEL (no randomness).
 */
KSRTP_API int ksrtp_packetizer_init(struct ksrtp_packetizer *p,
				    const struct ksrtp_packetizer_config *cfg);

/* The number of packets ksrtp_packetize() would write for f, or KSRTP_EINVAL. */
KSRTP_API int ksrtp_packetize_count(const struct ksrtp_packetizer *p, const struct ksrtp_frame *f);

/*
 * Write frame f as RTP packets into v[0..n): v[i].data and v[i].cap are the
 * caller's buffers, v[i].len is set and v[i].status cleared. Each buffer
 * must hold its packet plus KSRTP_MAX_TRAILER, so v can go to
 * ksrtp_protect_batch() as is. Returns the number of packets; on error
 * (KSRTP_EINVAL for a bad frame, KSRTP_ENOSPACE when n or a cap is too
 * small) nothing is written and the stream state is unchanged.
 */
KSRTP_API int ksrtp_packetize(struct ksrtp_packetizer *p, const struct ksrtp_frame *f,
			      struct ksrtp_pkt *v, unsigned int n);

/* ---- assembler: one per inbound stream ---- */

#define KSRTP_ASM_WINDOW_DEFAULT 256	/* packets */
#define KSRTP_ASM_WINDOW_MIN 16
#define KSRTP_ASM_WINDOW_MAX 4096
#define KSRTP_ASM_REORDER_DEFAULT 32	/* packets */
#define KSRTP_ASM_MAX_PAYLOAD_DEFAULT 1400

struct ksrtp_assembler_config {
	uint8_t codec;			/* enum ksrtp_codec */
	uint8_t reserved;
	/*
	 * Packets held: a power of two, 16..4096; 0 = 256. The largest frame
	 * is window packets. Memory is about window * (max_payload + 48).
	 */
	uint16_t window;
	/* A missing sequence number is lost once one this far past it arrived; 0 = 32. */
	uint16_t reorder;
	/* Largest RTP payload (descriptor and data) kept; 0 = 1400; at most 65535. */
	uint16_t max_payload;
};

struct ksrtp_assembler_stats {
	uint64_t packets;		/* accepted into the window */
	uint64_t frames;		/* complete frames delivered */
	uint64_t keyframes;		/* of which key frames */
	uint64_t lost;			/* sequence numbers given up (late arrivals subtracted) */
	uint64_t late;			/* arrived after their place was given up */
	uint64_t duplicates;
	uint64_t malformed;		/* header, descriptor or frame header did not parse */
	uint64_t inconsistent;		/* parsed, but contradicts its frame or stream */
	uint64_t frames_dropped;	/* frames begun but never delivered */
	uint64_t padding;		/* packets with no payload (RTP padding only) */
};

enum ksrtp_frame_info_flags {
	KSRTP_FI_KEY = 1u << 0,		/* key frame: decodable on its own */
	/* Something was lost or dropped since the previous delivered frame. */
	KSRTP_FI_DISCONT = 1u << 1,
	KSRTP_FI_PICTURE_ID = 1u << 2,	/* picture_id is valid */
	KSRTP_FI_LAYERS = 1u << 3,	/* tid, sid (VP9) and tl0picidx are valid */
	KSRTP_FI_MARKER = 1u << 4,	/* the last packet had the marker bit: end of picture */
	KSRTP_FI_SS = 1u << 5,		/* VP9: carried an SS (ksrtp_assembler_vp9_ss) */
	KSRTP_FI_NON_REF = 1u << 6,	/* VP8 N */
};

/* A delivered frame. */
struct ksrtp_frame_info {
	uint32_t len;			/* bytes written to the caller's buffer */
	uint32_t rtp_ts;
	uint16_t first_seq;
	uint16_t last_seq;
	uint16_t packets;
	uint16_t picture_id;
	uint16_t flags;			/* enum ksrtp_frame_info_flags */
	uint8_t tid;
	uint8_t sid;
	uint8_t tl0picidx;
	uint8_t reserved[3];
};

typedef struct ksrtp_assembler ksrtp_assembler;

/* A new assembler, or NULL with *err set (KSRTP_EINVAL, KSRTP_ENOMEM). */
KSRTP_API ksrtp_assembler *ksrtp_assembler_new(const struct ksrtp_assembler_config *cfg, int *err);
KSRTP_API void ksrtp_assembler_free(ksrtp_assembler *a);

/*
 * Take one opened RTP packet (ksrtp_unprotect() output); its bytes are
 * copied. The first packet fixes the stream's SSRC. Returns 0 when kept,
 * KSRTP_EMALFORMED (header or descriptor does not parse, payload larger
 * than max_payload), KSRTP_ENOSTREAM (another SSRC), KSRTP_EREPLAY
 * (duplicate, or too late). Every refusal is counted in the stats.
 * A packet far ahead of the window pushes it forward: what falls out is
 * given up, so pop frames after each push or batch.
 */
KSRTP_API int ksrtp_assembler_push(ksrtp_assembler *a, const uint8_t *pkt, size_t len);

/* Push each packet of a ksrtp_unprotect_batch() whose status is 0; returns how many were kept. */
static inline unsigned int ksrtp_assembler_push_batch(ksrtp_assembler *a, const struct ksrtp_pkt *v,
						      unsigned int n)
{
	unsigned int i, kept = 0;

	for (i = 0; i < n; i++)
		if (v[i].status == 0 && ksrtp_assembler_push(a, v[i].data, v[i].len) == 0)
			kept++;
	return kept;
}

/*
 * Deliver the next complete frame, in sequence order: its payload is copied
 * to buf and *fi filled. Returns 1, 0 when no frame is ready, or
 * KSRTP_ENOSPACE when cap is too small (fi->len says how much is needed; the
 * frame stays queued). ksrtp_assembler_max_frame() bytes always suffice.
 */
KSRTP_API int ksrtp_assembler_pop(ksrtp_assembler *a, struct ksrtp_frame_info *fi, uint8_t *buf,
				  size_t cap);

/*
 * Give up every missing sequence number up to the newest packet, so that
 * pop() can go past them: at the end of a stream, or on a timer when no
 * packet has come for a while.
 */
KSRTP_API void ksrtp_assembler_flush(ksrtp_assembler *a);

KSRTP_API void ksrtp_assembler_stats(const ksrtp_assembler *a, struct ksrtp_assembler_stats *st);

/* The largest frame this assembler can deliver, in bytes. */
KSRTP_API size_t ksrtp_assembler_max_frame(const ksrtp_assembler *a);

/* VP9: the scalability structure of the last delivered frame that had one, or NULL. */
KSRTP_API const struct ksrtp_vp9_ss *ksrtp_assembler_vp9_ss(const ksrtp_assembler *a);

#ifdef __cplusplus
}
#endif

#endif /* KSRTP_MEDIA_H */
