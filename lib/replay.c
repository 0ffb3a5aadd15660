// SPDX-License-Identifier: MIT
/* Sliding replay window, RFC 3711 section 3.3.2. */
#include "replay.h"

static uint32_t bitmap_bits(uint32_t window)
{
	uint32_t bits = 64;

	while (bits < window)
		bits <<= 1;
	return bits;
}

size_t ksrtp_replay_bitmap_size(uint32_t window)
{
	return bitmap_bits(window) / 8;
}

void ksrtp_replay_init(struct ksrtp_replay *r, uint32_t window, uint64_t *bits)
{
	r->top = 0;
	r->window = window;
	r->mask = bitmap_bits(window) - 1;
	r->started = false;
	r->bits = bits;
	memset(bits, 0, ksrtp_replay_bitmap_size(window));
}

/* Clear the bits of the `count` indices from `first` on, a word at a time. */
static void clear_range(struct ksrtp_replay *r, uint64_t first, uint64_t count)
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

void ksrtp_replay_commit_slow(struct ksrtp_replay *r, uint64_t idx)
{
	uint64_t pos;

	if (!r->started) {
		memset(r->bits, 0, ((size_t)r->mask + 1) / 8);
		r->top = idx;
		r->started = true;
	} else if (idx > r->top) {
		uint64_t advance = idx - r->top;

		if (advance > r->mask)
			memset(r->bits, 0, ((size_t)r->mask + 1) / 8);
		else
			clear_range(r, r->top + 1, advance);
		r->top = idx;
	}
	pos = idx & r->mask;
	r->bits[pos >> 6] |= 1ull << (pos & 63);
}
