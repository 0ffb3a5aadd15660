// SPDX-License-Identifier: MIT
/*
 * The replay window and index estimation below the API (lib/replay.h),
 * where indices can be chosen freely: no keys, no 2^15 estimation limit.
 *
 * Window (RFC 3711 section 3.3.2): for windows around every power-of-two
 * edge from 64 to 32768, random walks of check-then-commit (as the library
 * uses them) against a model that remembers every index ever committed:
 * index i is new iff i > top, or top - i < window and i was never committed.
 * Steps: +1 (the in-order fast path), small and large jumps, jumps of the
 * bitmap size -1, +0, +1, jumps of 2^32, reordering inside the window and
 * packets older than it. The bitmap sits in an allocation of exactly
 * ksrtp_replay_bitmap_size() bytes (sanitizer build: no access past it).
 *
 * Estimation (RFC 3711 Appendix A): for a spread of highest indices and
 * every one of the 65536 sequence numbers, ksrtp_rtp_index_guess matches
 * the appendix's pseudo-code, lands within 2^15 of the highest index, keeps
 * SEQ as its low 16 bits, and refuses ROC - 1 below 0 and ROC + 1 above
 * 2^32 - 1. Before the first packet the guess is the policy ROC || SEQ.
 */
#include "replay.h"
#include "unit.h"

/* A set of uint64 (open addressing, linear probing; 0 stored as a flag). */
struct set {
	uint64_t *slot;
	size_t mask, count;
	bool has_zero;
};

static void set_init(struct set *s, size_t cap_pow2)
{
	s->slot = calloc(cap_pow2, sizeof(*s->slot));
	if (!s->slot)
		UNIT_FATAL("out of memory");
	s->mask = cap_pow2 - 1;
	s->count = 0;
	s->has_zero = false;
}

static size_t set_pos(const struct set *s, uint64_t x)
{
	size_t i = (size_t)((x * 0x9e3779b97f4a7c15ull) >> 20) & s->mask;

	while (s->slot[i] && s->slot[i] != x)
		i = (i + 1) & s->mask;
	return i;
}

static bool set_has(const struct set *s, uint64_t x)
{
	return x ? s->slot[set_pos(s, x)] == x : s->has_zero;
}

static void set_add(struct set *s, uint64_t x)
{
	if (!x) {
		s->has_zero = true;
		return;
	}
	if (2 * (s->count + 1) > s->mask)
		UNIT_FATAL("model set full");
	if (!s->slot[set_pos(s, x)]) {
		s->slot[set_pos(s, x)] = x;
		s->count++;
	}
}

static void walk(uint32_t w, unsigned long long seed, unsigned int steps)
{
	size_t bytes = ksrtp_replay_bitmap_size(w);
	uint64_t *bits = malloc(bytes);
	struct ksrtp_replay r;
	struct set seen;
	uint64_t top = 0, bitmap = (uint64_t)bytes * 8;
	bool started = false;
	unsigned int i, reported = 0;

	unit_case("window %u: random walk", w);
	if (!bits)
		UNIT_FATAL("out of memory");
	/* Room for the window, in whole 64-bit words. */
	CHECK(bitmap >= w && bytes % 8 == 0);
	memset(bits, 0xa5, bytes);	/* init must clear it */
	ksrtp_replay_init(&r, w, bits);
	set_init(&seen, (size_t)1 << 20);

	for (i = 0; i < steps; i++) {
		unsigned int k = (unsigned int)(test_rand(&seed) % 100);
		uint64_t idx;
		int want, got;

		if (!started)
			idx = (uint64_t)1 << 40 | (test_rand(&seed) & 0xffffff);
		else if (k < 35)
			idx = top + 1;
		else if (k < 45)
			idx = top + 2 + test_rand(&seed) % w;
		else if (k < 80)
			idx = top - test_rand(&seed) % (w + 3);
		else if (k < 85)
			idx = top - w - test_rand(&seed) % (4 * (uint64_t)w);
		else if (k < 95) {
			static const int64_t d[] = { -2, -1, 0, 1, 2 };

			idx = top + bitmap + (uint64_t)d[test_rand(&seed) % 5];
			if (idx <= top)
				idx = top + 1;
		} else if (k < 98)
			idx = top + w + test_rand(&seed) % (3 * (uint64_t)bitmap);
		else
			idx = top + ((uint64_t)1 << 32) + test_rand(&seed) % 7;

		want = started && idx <= top && (top - idx >= w || set_has(&seen, idx)) ?
			       KSRTP_EREPLAY : 0;
		got = ksrtp_replay_check(&r, idx);
		if (got != want && reported++ < 10) {
			fprintf(stderr, "step %u: index %#llx, top %#llx (top - idx %lld): %s, want %s\n",
				i, (unsigned long long)idx, (unsigned long long)top,
				(long long)(top - idx), ksrtp_strerror(got), ksrtp_strerror(want));
			test_failures++;
		}
		if (want)
			continue;
		ksrtp_replay_commit(&r, idx);
		set_add(&seen, idx);
		if (!started || idx > top)
			top = idx;
		started = true;
		/* After a jump, the whole window: nothing stale from before it may show. */
		if (k >= 85 && k < 98) {
			uint64_t j;

			for (j = 1; j < w; j++) {
				want = set_has(&seen, top - j) ? KSRTP_EREPLAY : 0;
				got = ksrtp_replay_check(&r, top - j);
				if (got != want && reported++ < 10) {
					fprintf(stderr, "after a jump to %#llx: top - %llu: %s, want %s\n",
						(unsigned long long)top, (unsigned long long)j,
						ksrtp_strerror(got), ksrtp_strerror(want));
					test_failures++;
				}
			}
		}
	}
	CHECK(r.top == top);
	unit_case_end();
	free(bits);
	free(seen.slot);
}

/* RFC 3711 Appendix A, as printed there. */
static int64_t appendix_a(uint32_t roc, uint16_t s_l, uint16_t seq)
{
	int64_t v;

	if (s_l < 32768) {
		if ((int)seq - (int)s_l > 32768)
			v = (int64_t)roc - 1;
		else
			v = roc;
	} else {
		if ((int)s_l - 32768 > (int)seq)
			v = (int64_t)roc + 1;
		else
			v = roc;
	}
	return v;
}

static void estimation(void)
{
	static const uint32_t rocs[] = { 0, 1, 2, 0x7fffffff, 0xfffffffe, 0xffffffff };
	static const uint16_t tops[] = { 0, 1, 100, 32766, 32767, 32768, 32769, 50000, 65534, 65535 };
	uint64_t bits[KSRTP_REPLAY_WINDOW_MAX / 64];
	struct ksrtp_replay r;
	unsigned int reported = 0;
	size_t a, b;
	uint32_t seq;

	unit_case("index estimation (RFC 3711 Appendix A)");
	/* Before the first packet: the policy's ROC, the packet's SEQ (section 3.3.1). */
	ksrtp_replay_init(&r, 64, bits);
	for (a = 0; a < ARRAY_SIZE(rocs); a++)
		for (seq = 0; seq < 65536; seq += 4099)
			CHECK(ksrtp_rtp_index_guess(&r, rocs[a], (uint16_t)seq) ==
			      ((int64_t)rocs[a] << 16 | seq));

	for (a = 0; a < ARRAY_SIZE(rocs); a++) {
		for (b = 0; b < ARRAY_SIZE(tops); b++) {
			uint64_t top = (uint64_t)rocs[a] << 16 | tops[b];

			ksrtp_replay_init(&r, KSRTP_REPLAY_WINDOW_MAX, bits);
			ksrtp_replay_commit(&r, top);
			for (seq = 0; seq < 65536; seq++) {
				int64_t v = appendix_a(rocs[a], tops[b], (uint16_t)seq);
				int64_t want = v < 0 || v > UINT32_MAX ? -1 : v << 16 | seq;
				int64_t got = ksrtp_rtp_index_guess(&r, 12345, (uint16_t)seq);

				if (got != want && reported++ < 10) {
					fprintf(stderr, "top %#llx seq %u: %lld, want %lld\n",
						(unsigned long long)top, seq, (long long)got,
						(long long)want);
					test_failures++;
				}
				/* Within 2^15 of the highest index, SEQ kept. */
				if (got >= 0 &&
				    (((uint64_t)got & 0xffff) != seq ||
				     ((uint64_t)got > top ? (uint64_t)got - top : top - (uint64_t)got) >
					     32768) &&
				    reported++ < 10) {
					fprintf(stderr, "top %#llx seq %u: guess %#llx too far\n",
						(unsigned long long)top, seq, (unsigned long long)got);
					test_failures++;
				}
			}
		}
	}
	/* The edges of the index space. */
	ksrtp_replay_init(&r, 64, bits);
	ksrtp_replay_commit(&r, 10);
	CHECK(ksrtp_rtp_index_guess(&r, 0, 40000) == -1);	/* ROC -1 */
	CHECK(ksrtp_rtp_index_guess(&r, 0, 32778) == 32778);	/* exactly 2^15 ahead: ROC */
	CHECK(ksrtp_rtp_index_guess(&r, 0, 32779) == -1);
	ksrtp_replay_init(&r, 64, bits);
	ksrtp_replay_commit(&r, (uint64_t)UINT32_MAX << 16 | 60000);
	CHECK(ksrtp_rtp_index_guess(&r, 0, 100) == -1);	/* ROC 2^32 */
	CHECK(ksrtp_rtp_index_guess(&r, 0, 65535) == ((int64_t)UINT32_MAX << 16 | 65535));
	unit_case_end();
}

int main(void)
{
	static const uint32_t windows[] = { 64, 65, 100, 127, 128, 129, 1000, 1023, 1024, 1025,
					    4096, 32767, 32768 };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(windows); i++)
		walk(windows[i], 0x1234567ull * (i + 1),
		     windows[i] > 4096 ? 400 : windows[i] > 1025 ? 1500 : 6000);
	estimation();
	return test_result();
}
