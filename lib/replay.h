/* SPDX-License-Identifier: MIT */
/*
 * Packet index estimation (RFC 3711 section 3.3.1 and Appendix A) and the
 * sliding replay window (section 3.3.2) over 48-bit SRTP or 31-bit SRTCP
 * indices. The window is a ring bitmap: index i lives at bit (i & mask), and
 * the bitmap holds a power of two >= window bits, so every index in
 * (top - window, top] has a bit of its own.
 */
#ifndef KSRTP_REPLAY_H
#define KSRTP_REPLAY_H

#include "internal.h"

struct ksrtp_replay {
	uint64_t top;		/* highest index accepted */
	uint32_t window;	/* indices in (top - window, top] are tracked */
	uint32_t mask;		/* bitmap bits - 1 */
	bool started;		/* false until the first index is committed */
	uint64_t *bits;
};

/* Bytes of bitmap storage for a window of `window` packets. */
size_t ksrtp_replay_bitmap_size(uint32_t window);

/* Attach bitmap storage of ksrtp_replay_bitmap_size(window) bytes. */
void ksrtp_replay_init(struct ksrtp_replay *r, uint32_t window, uint64_t *bits);

/* Record idx as seen when it is not top + 1 (see ksrtp_replay_commit). */
void ksrtp_replay_commit_slow(struct ksrtp_replay *r, uint64_t idx);

/* Record idx as seen; slides the window forward when idx > top. */
static inline void ksrtp_replay_commit(struct ksrtp_replay *r, uint64_t idx)
{
	uint64_t pos = idx & r->mask;

	/*
	 * In-order packets, the common case: idx's bit last belonged to
	 * idx - bitmap size, long out of the window, so setting it is the
	 * whole slide.
	 */
	if (likely(r->started && idx == r->top + 1)) {
		r->top = idx;
		r->bits[pos >> 6] |= 1ull << (pos & 63);
		return;
	}
	ksrtp_replay_commit_slow(r, idx);
}

/* 0 when idx is new, KSRTP_EREPLAY when seen or older than the window. */
static inline int ksrtp_replay_check(const struct ksrtp_replay *r, uint64_t idx)
{
	uint64_t pos;

	if (!r->started || idx > r->top)
		return 0;
	if (r->top - idx >= r->window)
		return KSRTP_EREPLAY;
	pos = idx & r->mask;
	return (r->bits[pos >> 6] >> (pos & 63)) & 1 ? KSRTP_EREPLAY : 0;
}

/*
 * RFC 3711 Appendix A: the 48-bit index of the packet with sequence number
 * seq, guessing ROC - 1, ROC or ROC + 1 from the highest index seen so far.
 * Before the first packet the rollover counter is the configured one and
 * s_l is taken from the packet (section 3.3.1). Returns -1 when the guess
 * falls before index 0 or past 2^48 - 1.
 */
static inline int64_t ksrtp_rtp_index_guess(const struct ksrtp_replay *r, uint32_t roc_init,
					    uint16_t seq)
{
	uint32_t roc;
	uint16_t s_l;
	int64_t v;

	if (!r->started)
		return (int64_t)roc_init << 16 | seq;
	roc = (uint32_t)(r->top >> 16);
	s_l = (uint16_t)r->top;
	v = roc;
	if (s_l < 32768) {
		if (seq > s_l + 32768)
			v = (int64_t)roc - 1;
	} else if (seq < s_l - 32768) {
		v = (int64_t)roc + 1;
	}
	if (v < 0 || v > UINT32_MAX)
		return -1;
	return v << 16 | seq;
}

#endif /* KSRTP_REPLAY_H */
