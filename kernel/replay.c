// SPDX-License-Identifier: GPL-2.0
/* Sliding replay window and SRTP index estimation, RFC 3711 section 3.3. */
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/ksrtp.h>

#include "replay.h"

static u32 bitmap_bits(u32 window)
{
	u32 bits = 64;

	while (bits < window)
		bits <<= 1;
	return bits;
}

size_t ksrtp_replay_bitmap_size(u32 window)
{
	return bitmap_bits(window) / 8;
}

void ksrtp_replay_init(struct ksrtp_replay *r, u32 window, u64 *bits)
{
	r->top = 0;
	r->window = window;
	r->mask = bitmap_bits(window) - 1;
	r->started = false;
	r->bits = bits;
	memset(bits, 0, ksrtp_replay_bitmap_size(window));
}

int ksrtp_replay_check(const struct ksrtp_replay *r, u64 idx)
{
	u64 pos;

	if (!r->started || idx > r->top)
		return 0;
	if (r->top - idx >= r->window)
		return KSRTP_ST_REPLAY;
	pos = idx & r->mask;
	return (r->bits[pos >> 6] >> (pos & 63)) & 1 ? KSRTP_ST_REPLAY : 0;
}

/* Clear the bits of the count indices from first on, a word at a time. */
static void clear_range(struct ksrtp_replay *r, u64 first, u64 count)
{
	while (count) {
		u32 pos = (u32)(first & r->mask);
		u32 bit = pos & 63;
		u64 n = min_t(u64, 64 - bit, count);
		u64 m = n == 64 ? ~0ull : ((1ull << n) - 1) << bit;

		r->bits[pos >> 6] &= ~m;
		first += n;
		count -= n;
	}
}

void ksrtp_replay_commit(struct ksrtp_replay *r, u64 idx)
{
	u64 pos;

	if (!r->started) {
		memset(r->bits, 0, ((size_t)r->mask + 1) / 8);
		r->top = idx;
		r->started = true;
	} else if (idx > r->top) {
		u64 advance = idx - r->top;

		if (advance > r->mask)
			memset(r->bits, 0, ((size_t)r->mask + 1) / 8);
		else
			clear_range(r, r->top + 1, advance);
		r->top = idx;
	}
	pos = idx & r->mask;
	r->bits[pos >> 6] |= 1ull << (pos & 63);
}

s64 ksrtp_rtp_index_guess(const struct ksrtp_replay *r, u32 roc_init, u16 seq)
{
	u32 roc;
	u16 s_l;
	s64 v;

	if (!r->started)
		return (s64)roc_init << 16 | seq;
	roc = (u32)(r->top >> 16);
	s_l = (u16)r->top;
	v = roc;
	if (s_l < 32768) {
		if (seq > s_l + 32768)
			v = (s64)roc - 1;
	} else if (seq < s_l - 32768) {
		v = (s64)roc + 1;
	}
	if (v < 0 || v > U32_MAX)
		return -1;
	return v << 16 | seq;
}
