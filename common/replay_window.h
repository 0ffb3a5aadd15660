/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Packet index estimation (RFC 3711 section 3.3.1 and Appendix A) and the
 * sliding replay window (section 3.3.2), shared by libksrtp (lib/replay.h)
 * and ksrtp.ko (kernel/replay.h) so both engines keep one set of semantics.
 * Header only, stdint types (the kernel's linux/types.h has them too).
 *
 * The window is a ring bitmap: index i lives at bit (i & mask), and the
 * bitmap holds a power of two >= window bits, so every index in
 * (top - window, top] has a bit of its own.
 */
#ifndef KSRTP_COMMON_REPLAY_WINDOW_H
#define KSRTP_COMMON_REPLAY_WINDOW_H

#ifdef __KERNEL__
#include <linux/string.h>
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#endif

struct ksrtp_replay {
	uint64_t top;		/* highest index accepted */
	uint32_t window;	/* indices in (top - window, top] are tracked */
	uint32_t mask;		/* bitmap bits - 1 */
	bool started;		/* false until the first index is committed */
	uint64_t *bits;
};

static inline uint32_t ksrtp_replay_bitmap_bits(uint32_t window)
{
	uint32_t bits = 64;

	while (bits < window)
		bits <<= 1;
	return bits;
}

/* Bytes of bitmap storage for a window of `window` packets. */
static inline size_t ksrtp_replay_bitmap_size(uint32_t window)
{
	return ksrtp_replay_bitmap_bits(window) / 8;
}

/* Attach bitmap storage of ksrtp_replay_bitmap_size(window) bytes. */
static inline void ksrtp_replay_init(struct ksrtp_replay *r, uint32_t window, uint64_t *bits)
{
	r->top = 0;
	r->window = window;
	r->mask = ksrtp_replay_bitmap_bits(window) - 1;
	r->started = false;
	r->bits = bits;
	memset(bits, 0, ksrtp_replay_bitmap_size(window));
}

/* True when idx was seen or is older than the window. */
static inline bool ksrtp_replay_seen(const struct ksrtp_replay *r, uint64_t idx)
{
	uint64_t pos;

	if (!r->started || idx > r->top)
		return false;
	if (r->top - idx >= r->window)
		return true;
	pos = idx & r->mask;
	return (r->bits[pos >> 6] >> (pos & 63)) & 1;
}

/* Clear the bits of the `count` indices from `first` on, a word at a time. */
static inline void ksrtp_replay_clear_range(struct ksrtp_replay *r, uint64_t first,
					    uint64_t count)
{
	while (count) {
		uint32_t pos = (uint32_t)(first & r->mask);
		uint32_t bit = pos & 63;
		uint64_t n = 64 - bit < count ? 64 - bit : count;
		uint64_t m = n == 64 ? ~0ull : ((1ull << n) - 1) << bit;

		r->bits[pos >> 6] &= ~m;
		first += n;
		count -= n;
	}
}

/* Record idx as seen; slides the window forward when idx > top. */
static inline void ksrtp_replay_commit(struct ksrtp_replay *r, uint64_t idx)
{
	uint64_t pos = idx & r->mask;

	if (__builtin_expect(r->started && idx == r->top + 1, 1)) {
		/*
		 * In-order packets, the common case: idx's bit last belonged
		 * to idx - bitmap size, long out of the window, so setting it
		 * is the whole slide.
		 */
		r->top = idx;
	} else if (!r->started) {
		memset(r->bits, 0, ((size_t)r->mask + 1) / 8);
		r->top = idx;
		r->started = true;
	} else if (idx > r->top) {
		uint64_t advance = idx - r->top;

		if (advance > r->mask)
			memset(r->bits, 0, ((size_t)r->mask + 1) / 8);
		else
			ksrtp_replay_clear_range(r, r->top + 1, advance);
		r->top = idx;
	}
	r->bits[pos >> 6] |= 1ull << (pos & 63);
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
	if (v < 0 || v > 0xffffffffll)
		return -1;
	return v << 16 | seq;
}

#endif /* KSRTP_COMMON_REPLAY_WINDOW_H */
