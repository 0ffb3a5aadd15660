// SPDX-License-Identifier: MIT
/*
 * The frame assembler: one inbound stream's packets, reordered in a fixed
 * window, delivered as complete frames in sequence order.
 *
 * Packets are kept in a ring of `window` slots indexed by extended sequence
 * number (RFC 3550 appendix A.1: the 16-bit number unwrapped against the
 * newest one). Everything below `head` is settled: delivered, dropped, or
 * given up as lost. At head the assembler waits for a missing packet until
 * one `reorder` places past it has arrived (or the caller flushes), then
 * gives it up and counts it lost; a packet that still comes afterwards is
 * late, and the loss count is corrected. A frame is delivered only when
 * every packet from its first (the payload format's start bit, or for the
 * generic format the packet after a frame's end) to its last (end bit or
 * marker) is there, has the frame's timestamp, and follows the one before
 * it by the payload format's rules; then its own codec header is checked.
 * Anything else is dropped and counted, and the next frame delivered says
 * so (KSRTP_FI_DISCONT). The stream's first packet to arrive is treated as
 * if a packet before it were missing: its frame waits, unless it is a key
 * frame (nothing before a key frame matters to a decoder starting there).
 *
 * A frame is what its sender's start and end bits say: a sender that
 * marks the end early sends a shorter frame, and no receiver can tell; the
 * codec header checks catch what they can, decoders must take the rest.
 *
 * Memory is fixed at creation: window slots and window * max_payload bytes.
 * A packet far ahead of the window moves it forward, giving up what falls
 * out, so a stream that jumps costs at most one pass over the window.
 */
#include <stdlib.h>

#include "media/media.h"
#include "rtp.h"

enum slot_state {
	SLOT_EMPTY,	/* never used, or overwritten */
	SLOT_PACKET,	/* holds packet `ext`, not yet settled */
	SLOT_LOST,	/* `ext` was given up as lost */
	SLOT_DONE,	/* `ext` was delivered or dropped */
};

/* What settled the sequence number just below head. */
enum prev_kind {
	PREV_NONE,	/* nothing yet: the stream may have begun before head */
	PREV_END,	/* the last packet of a frame */
	PREV_MID,	/* a packet in the middle of a frame */
	PREV_LOST,
};

struct slot {
	uint64_t ext;
	struct ksrtp_media_pkt mp;
	uint32_t ts;
	uint16_t len;		/* payload bytes kept (descriptor and data) */
	uint8_t state;		/* enum slot_state */
	bool marker;
	bool padding;		/* no payload: carries no data, belongs to no frame */
};

struct ksrtp_assembler {
	struct ksrtp_assembler_stats st;
	struct slot *slot;
	uint8_t *data;		/* window * max_payload */
	uint64_t head;
	uint64_t newest;	/* highest extended sequence number kept */
	uint64_t flush_until;	/* missing numbers below are given up without waiting */
	/* The frame at scan_head is verified from head up to scan_next (exclusive). */
	uint64_t scan_head, scan_next, scan_prev;
	uint32_t window, mask, reorder, max_payload;
	uint32_t ssrc;
	uint32_t prev_ts;	/* timestamp of the packet settled below head */
	uint32_t last_ts;	/* of the last delivered frame */
	uint16_t last_picture_id;
	uint8_t last_flags;	/* its KSRTP_MP_PICID* flags */
	/* The last frame begun at head (delivered or dropped): a frame is begun once. */
	uint64_t begun_ext;
	uint32_t begun_ts;
	uint8_t begun_sid;
	bool begun;
	uint8_t codec;
	uint8_t prev;		/* enum prev_kind */
	bool started;		/* the first packet fixed ssrc, head and newest */
	bool moved;		/* head moved forward: nothing below it can be taken any more */
	bool gap;		/* lost or dropped since the last delivered frame */
	bool delivered;		/* a frame was delivered: last_* are valid */
	bool have_ss;
	struct ksrtp_vp9_ss ss;
};

ksrtp_assembler *ksrtp_assembler_new(const struct ksrtp_assembler_config *cfg, int *err)
{
	struct ksrtp_assembler *a;
	uint32_t window, reorder, max_payload;
	int e = KSRTP_EINVAL;

	if (!cfg)
		goto fail;
	window = cfg->window ? cfg->window : KSRTP_ASM_WINDOW_DEFAULT;
	reorder = cfg->reorder ? cfg->reorder : KSRTP_ASM_REORDER_DEFAULT;
	max_payload = cfg->max_payload ? cfg->max_payload : KSRTP_ASM_MAX_PAYLOAD_DEFAULT;
	if (cfg->codec > KSRTP_CODEC_VP9 || window < KSRTP_ASM_WINDOW_MIN ||
	    window > KSRTP_ASM_WINDOW_MAX || (window & (window - 1)) || reorder > window)
		goto fail;
	e = KSRTP_ENOMEM;
	a = calloc(1, sizeof(*a));
	if (!a)
		goto fail;
	a->slot = calloc(window, sizeof(*a->slot));
	a->data = malloc((size_t)window * max_payload);
	if (!a->slot || !a->data) {
		ksrtp_assembler_free(a);
		goto fail;
	}
	a->codec = cfg->codec;
	a->window = window;
	a->mask = window - 1;
	a->reorder = reorder;
	a->max_payload = max_payload;
	a->scan_head = UINT64_MAX;
	return a;
fail:
	if (err)
		*err = e;
	return NULL;
}

void ksrtp_assembler_free(ksrtp_assembler *a)
{
	if (!a)
		return;
	free(a->slot);
	free(a->data);
	free(a);
}

static struct slot *slot_of(const struct ksrtp_assembler *a, uint64_t ext)
{
	return &a->slot[ext & a->mask];
}

static uint8_t *data_of(const struct ksrtp_assembler *a, uint64_t ext)
{
	return a->data + (size_t)(ext & a->mask) * a->max_payload;
}

static bool holds(const struct slot *s, uint64_t ext)
{
	return s->state == SLOT_PACKET && s->ext == ext;
}

/* May the missing packet ext be given up? */
static bool resolvable(const struct ksrtp_assembler *a, uint64_t ext)
{
	return ext < a->flush_until || a->newest >= ext + a->reorder;
}

/* Does the packet in s (at head) begin a frame? */
static bool is_start(const struct ksrtp_assembler *a, const struct slot *s)
{
	if (a->codec != KSRTP_CODEC_GENERIC)
		return s->mp.flags & KSRTP_MP_START;
	return a->prev == PREV_END || (a->prev == PREV_MID && a->prev_ts != s->ts);
}

/*
 * Does s begin again the frame begun last? Its start was dropped (another
 * start, say, in its middle); what follows from this "start" is the rest
 * of that frame, not a frame. A VP8 frame is one timestamp; a VP9 layer
 * frame is one timestamp and spatial layer (without layer indices, layer
 * frames of one picture cannot be told apart).
 */
static bool begins_again(const struct ksrtp_assembler *a, const struct slot *s)
{
	if (!a->begun || a->begun_ext == s->ext || a->begun_ts != s->ts)
		return false;
	if (a->codec == KSRTP_CODEC_VP8)
		return true;
	return a->codec == KSRTP_CODEC_VP9 && (s->mp.flags & KSRTP_MP_LAYERS) &&
	       s->mp.sid == a->begun_sid;
}

static bool follows(const struct ksrtp_assembler *a, const struct slot *x, const struct slot *y)
{
	switch (a->codec) {
	case KSRTP_CODEC_VP8:
		return ksrtp_vp8_follows(&x->mp, &y->mp);
	case KSRTP_CODEC_VP9:
		return ksrtp_vp9_follows(&x->mp, &y->mp);
	default:
		return true;
	}
}

/* Settle the packet in s, at head. Padding leaves the frame boundary state alone. */
static void settle(struct ksrtp_assembler *a, struct slot *s)
{
	s->state = SLOT_DONE;
	a->head = s->ext + 1;
	a->moved = true;
	if (s->padding)
		return;
	a->prev = s->mp.flags & KSRTP_MP_END ? PREV_END : PREV_MID;
	a->prev_ts = s->ts;
}

/* Give up the missing sequence number ext. */
static void give_up(struct ksrtp_assembler *a, uint64_t ext)
{
	struct slot *s = slot_of(a, ext);

	s->ext = ext;
	s->state = SLOT_LOST;
	a->st.lost++;
	a->gap = true;
}

/* Drop the packets head..to (a frame that cannot be delivered). */
static void drop(struct ksrtp_assembler *a, uint64_t to)
{
	while (a->head <= to)
		settle(a, slot_of(a, a->head));
	a->st.frames_dropped++;
	a->gap = true;
}

/*
 * Give up everything below `to` (> head): packets far ahead need the window.
 * Numbers above the newest were never seen; only the last window of them
 * get a slot, so that a late arrival can still correct the loss count.
 */
static void advance(struct ksrtp_assembler *a, uint64_t to)
{
	uint64_t e, seen_end = to < a->newest + 1 ? to : a->newest + 1;

	for (e = a->head; e < seen_end; e++) {
		struct slot *s = slot_of(a, e);

		if (holds(s, e)) {
			if (!s->padding && is_start(a, s))
				a->st.frames_dropped++;
			settle(a, s);
		} else {
			give_up(a, e);
			a->prev = PREV_LOST;
		}
	}
	if (to > seen_end) {
		e = to - seen_end > a->window ? to - a->window : seen_end;
		a->st.lost += e - seen_end;
		for (; e < to; e++)
			give_up(a, e);
		a->prev = PREV_LOST;
	}
	a->head = to;
	a->moved = true;
	a->gap = true;
}

/*
 * Settle what can be settled at head. Returns true when head..*last is a
 * complete, consistent frame (left in place), false when waiting for
 * packets. *early says the frame is the first and packets sent before it
 * may still come: only a key frame is worth not waiting for.
 */
static bool next_frame(struct ksrtp_assembler *a, uint64_t *last, bool *early)
{
	while (a->started && a->head <= a->newest) {
		uint64_t h = a->head, i, p;
		struct slot *s = slot_of(a, h);

		if (!holds(s, h)) {
			if (!resolvable(a, h))
				return false;
			give_up(a, h);
			a->head = h + 1;
			a->moved = true;
			a->prev = PREV_LOST;
			continue;
		}
		/*
		 * The first packet to arrive need not be the first sent: wait for
		 * the ones before it as for any missing packet.
		 */
		*early = a->prev == PREV_NONE && !resolvable(a, h - 1);
		if (*early && (s->padding || !is_start(a, s)))
			return false;
		if (s->padding) {
			settle(a, s);
			continue;
		}
		if (!is_start(a, s)) {
			/* Its frame began before head: its start is gone. */
			settle(a, s);
			a->gap = true;
			continue;
		}
		if (begins_again(a, s)) {
			a->st.inconsistent++;
			settle(a, s);
			a->gap = true;
			continue;
		}
		a->begun = true;
		a->begun_ext = h;
		a->begun_ts = s->ts;
		a->begun_sid = s->mp.sid;
		i = h;
		p = h;
		if (a->scan_head == h) {
			i = a->scan_next;
			p = a->scan_prev;
		}
		for (;; i++) {
			struct slot *t = slot_of(a, i);

			if (i > h) {
				if (!holds(t, i)) {
					if (resolvable(a, i)) {
						drop(a, i - 1);
						break;
					}
					a->scan_head = h;
					a->scan_next = i;
					a->scan_prev = p;
					return false;
				}
				if (t->padding)
					continue;
				/* Another frame began before this one ended. */
				if (t->ts != s->ts || (t->mp.flags & KSRTP_MP_START)) {
					a->st.inconsistent++;
					drop(a, i - 1);
					break;
				}
				if (!follows(a, slot_of(a, p), t)) {
					a->st.inconsistent++;
					drop(a, i);
					break;
				}
				p = i;
			}
			if (t->mp.flags & KSRTP_MP_END) {
				*last = i;
				return true;
			}
		}
	}
	return false;
}

static int frame_check(const struct ksrtp_assembler *a, const uint8_t *frame, size_t len,
		       const struct slot *first, bool *key)
{
	switch (a->codec) {
	case KSRTP_CODEC_VP8:
		return ksrtp_vp8_frame_check(frame, len, key);
	case KSRTP_CODEC_VP9:
		return ksrtp_vp9_frame_check(frame, len, &first->mp, key);
	default:
		*key = false;
		return 0;
	}
}

/* Did the PictureID skip? The same picture (timestamp) repeats it, the next adds one. */
static bool picture_skipped(const struct ksrtp_assembler *a, const struct slot *first)
{
	uint16_t mask, expect;

	if (!a->delivered || !(first->mp.flags & KSRTP_MP_PICID) ||
	    !(a->last_flags & KSRTP_MP_PICID))
		return false;
	/* RFC 7741 / RFC 9628: the PictureID width may change within a session. */
	mask = (first->mp.flags & a->last_flags & KSRTP_MP_PICID15) ? 0x7fff : 0x7f;
	expect = (uint16_t)(a->last_picture_id + (first->ts != a->last_ts));
	return ((first->mp.picture_id ^ expect) & mask) != 0;
}

int ksrtp_assembler_pop(ksrtp_assembler *a, struct ksrtp_frame_info *fi, uint8_t *buf, size_t cap)
{
	if (!a || !fi || (!buf && cap))
		return KSRTP_EINVAL;
	for (;;) {
		uint64_t last, e, ss_ext = 0;
		const struct slot *first, *s;
		uint32_t total = 0;
		uint16_t packets = 0;
		bool key, ss = false, early;

		if (!next_frame(a, &last, &early))
			return 0;
		for (e = a->head; e <= last; e++) {
			s = slot_of(a, e);
			if (!s->padding)
				total += s->len - s->mp.data_off;
		}
		if (total > cap) {
			fi->len = total;
			return KSRTP_ENOSPACE;
		}
		for (e = a->head, total = 0; e <= last; e++) {
			uint32_t n;

			s = slot_of(a, e);
			if (s->padding)
				continue;
			n = s->len - s->mp.data_off;
			memcpy(buf + total, data_of(a, e) + s->mp.data_off, n);
			total += n;
			packets++;
			if (s->mp.flags & KSRTP_MP_SS) {
				ss = true;
				ss_ext = e;
			}
		}
		first = slot_of(a, a->head);
		if (frame_check(a, buf, total, first, &key)) {
			a->st.malformed++;
			drop(a, last);
			continue;
		}
		if (early && !key)
			return 0;
		memset(fi, 0, sizeof(*fi));
		fi->len = total;
		fi->rtp_ts = first->ts;
		fi->first_seq = (uint16_t)a->head;
		fi->last_seq = (uint16_t)last;
		fi->packets = packets;
		fi->flags = key ? KSRTP_FI_KEY : 0;
		if (slot_of(a, last)->marker)
			fi->flags |= KSRTP_FI_MARKER;
		if (a->gap || picture_skipped(a, first))
			fi->flags |= KSRTP_FI_DISCONT;
		if (first->mp.flags & KSRTP_MP_PICID) {
			fi->flags |= KSRTP_FI_PICTURE_ID;
			fi->picture_id = first->mp.picture_id;
		}
		if (first->mp.flags & KSRTP_MP_LAYERS) {
			fi->flags |= KSRTP_FI_LAYERS;
			fi->tid = first->mp.tid;
			fi->sid = first->mp.sid;
			fi->tl0picidx = first->mp.tl0;
		}
		if (first->mp.flags & KSRTP_MP_NON_REF)
			fi->flags |= KSRTP_FI_NON_REF;
		if (ss) {
			struct ksrtp_vp9_desc d;

			/* Parsed once already when it was pushed: the bytes have not changed. */
			s = slot_of(a, ss_ext);
			a->have_ss = ksrtp_vp9_parse(data_of(a, ss_ext), s->len, &d, &a->ss) > 0;
			fi->flags |= KSRTP_FI_SS;
		}
		a->last_ts = first->ts;
		a->last_picture_id = first->mp.picture_id;
		a->last_flags = first->mp.flags;
		a->delivered = true;
		a->gap = false;
		while (a->head <= last)
			settle(a, slot_of(a, a->head));
		a->st.frames++;
		a->st.keyframes += key;
		return 1;
	}
}

/* A packet from below head: late, or a copy of one already settled. */
static int behind(struct ksrtp_assembler *a, uint64_t ext)
{
	struct slot *s = slot_of(a, ext);

	if (s->ext == ext && s->state == SLOT_LOST) {
		/* Given up too early: it was not lost after all, but cannot be used either. */
		s->state = SLOT_DONE;
		a->st.lost--;
		a->st.late++;
	} else if (s->ext == ext && s->state == SLOT_DONE) {
		a->st.duplicates++;
	} else {
		a->st.late++;
	}
	return KSRTP_EREPLAY;
}

static int classify(const struct ksrtp_assembler *a, const uint8_t *payload, size_t len,
		    bool marker, struct ksrtp_media_pkt *mp)
{
	switch (a->codec) {
	case KSRTP_CODEC_VP8:
		return ksrtp_vp8_classify(payload, len, marker, mp);
	case KSRTP_CODEC_VP9:
		return ksrtp_vp9_classify(payload, len, marker, mp);
	default:
		return ksrtp_generic_classify(payload, len, marker, mp);
	}
}

int ksrtp_assembler_push(ksrtp_assembler *a, const uint8_t *pkt, size_t len)
{
	struct ksrtp_rtp_header h;
	struct ksrtp_media_pkt mp;
	const uint8_t *payload;
	struct slot *s;
	size_t plen;
	uint64_t ext;
	int pad;

	if (!a || !pkt)
		return KSRTP_EINVAL;
	if (len > KSRTP_MAX_PACKET_LEN || ksrtp_rtp_parse(pkt, len, &h))
		goto malformed;
	pad = ksrtp_rtp_padding_len(pkt, len, &h);
	if (pad < 0)
		goto malformed;
	plen = len - h.header_len - (size_t)pad;
	payload = pkt + h.header_len;
	memset(&mp, 0, sizeof(mp));
	if (plen > a->max_payload || (plen && classify(a, payload, plen, h.marker, &mp)))
		goto malformed;
	if (!a->started) {
		/* Start high enough that the stream's first packets may still arrive late. */
		ext = (uint64_t)1 << 32 | h.seq;
		a->started = true;
		a->ssrc = h.ssrc;
		a->head = ext;
		a->newest = ext;
	} else {
		if (h.ssrc != a->ssrc) {
			a->st.inconsistent++;
			return KSRTP_ENOSTREAM;
		}
		ext = (uint64_t)((int64_t)a->newest + (int16_t)(h.seq - (uint16_t)a->newest));
		if (ext < a->head) {
			if (a->moved || a->newest - ext >= a->window)
				return behind(a, ext);
			a->head = ext;
			a->scan_head = UINT64_MAX;
		}
		if (ext >= a->head + a->window)
			advance(a, ext + 1 - a->window);
	}
	s = slot_of(a, ext);
	if (holds(s, ext)) {
		a->st.duplicates++;
		return KSRTP_EREPLAY;
	}
	s->ext = ext;
	s->state = SLOT_PACKET;
	s->mp = mp;
	s->ts = ksrtp_load_be32(pkt + 4);
	s->len = (uint16_t)plen;
	s->marker = h.marker;
	s->padding = !plen;
	memcpy(data_of(a, ext), payload, plen);
	if (ext > a->newest)
		a->newest = ext;
	a->st.packets++;
	a->st.padding += !plen;
	return 0;
malformed:
	a->st.malformed++;
	return KSRTP_EMALFORMED;
}

void ksrtp_assembler_flush(ksrtp_assembler *a)
{
	if (a && a->started)
		a->flush_until = a->newest + 1;
}

void ksrtp_assembler_stats(const ksrtp_assembler *a, struct ksrtp_assembler_stats *st)
{
	if (a && st)
		*st = a->st;
}

size_t ksrtp_assembler_max_frame(const ksrtp_assembler *a)
{
	return a ? (size_t)a->window * a->max_payload : 0;
}

const struct ksrtp_vp9_ss *ksrtp_assembler_vp9_ss(const ksrtp_assembler *a)
{
	return a && a->have_ss ? &a->ss : NULL;
}
