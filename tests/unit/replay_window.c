// SPDX-License-Identifier: MIT
/*
 * The SRTP replay window (RFC 3711 section 3.3.2) through the public API,
 * for windows of 64 (the minimum), 100 (not a power of two), 1024 (the
 * default, replay_window 0) and 32768 (the maximum), every profile.
 *
 * A window of W packets accepts an index in (top - W, top] once, refuses it
 * again, and refuses anything at or below top - W. The receiver is fed, in
 * a chosen order, packets sealed at chosen indices (unit_vault), and each
 * answer is compared with a model of exactly that rule:
 *
 *   - the edges: top, top - (W - 1) (the oldest still in the window), top - W;
 *   - every index of the window out of order, then all of them again;
 *   - a random walk: small steps, reordering, duplicates, too-old packets,
 *     jumps of W - 1, W, W + 1 and of the bitmap size +-1 (where a sliding
 *     bitmap must clear stale bits), across many sequence wraps (ROC
 *     increments); after each big jump the whole new window is swept, so a
 *     bit left over from before the jump would show as a false replay.
 *
 * The receiver can only place an index within 2^15 of its highest one (RFC
 * 3711 Appendix A); steps stay inside that.
 */
#include "unit.h"

#define SSRC 0x3e91a7c5u

struct model {
	uint32_t window;
	uint64_t base;		/* lowest index the script may use */
	uint64_t top;
	bool started;
	uint8_t *seen;		/* [idx - base] */
	size_t seen_len;
};

struct script {
	uint64_t *idx;
	size_t n, cap;
	uint64_t top;		/* highest index pushed so far: the receiver's top */
	uint64_t max_back;	/* the estimation limit, see the top comment */
};

static void push(struct script *s, uint64_t idx)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 4096;
		s->idx = realloc(s->idx, s->cap * sizeof(*s->idx));
		if (!s->idx)
			UNIT_FATAL("out of memory");
	}
	if (s->n && (idx > s->top ? idx - s->top > 32767 : s->top - idx > s->max_back))
		UNIT_FATAL("script step out of the estimation range");
	if (!s->n || idx > s->top)
		s->top = idx;
	s->idx[s->n++] = idx;
}

/* RFC 3711 section 3.3.2, as the model: the answer the library must give. */
static int model_expect(const struct model *m, uint64_t idx)
{
	if (!m->started || idx > m->top)
		return 0;
	if (m->top - idx >= m->window)
		return KSRTP_EREPLAY;
	return m->seen[idx - m->base] ? KSRTP_EREPLAY : 0;
}

static void model_accept(struct model *m, uint64_t idx)
{
	if (idx - m->base >= m->seen_len)
		UNIT_FATAL("model index out of range");
	m->seen[idx - m->base] = 1;
	if (!m->started || idx > m->top)
		m->top = idx;
	m->started = true;
}

static uint32_t bitmap_bits(uint32_t w)
{
	uint32_t b = 64;

	while (b < w)
		b <<= 1;
	return b;
}

/* Every index of (top - w, top) in descending order. */
static void sweep(struct script *s, uint32_t w, uint32_t stride)
{
	uint64_t top = s->top, k;

	for (k = 1; k < w; k += stride)
		push(s, top - k);
}

static void build_script(struct script *s, uint32_t w, unsigned long long seed)
{
	uint32_t bits = bitmap_bits(w);
	const uint64_t t0 = (uint64_t)3 << 16 | 50000;	/* ROC 3, seq >= 2^15 (see below) */
	const uint32_t max_fwd = 32767;
	uint64_t k, *perm;
	size_t i, nperm;
	unsigned int steps;

	s->max_back = 32768;
	/* The edges. */
	push(s, t0);
	push(s, t0);
	push(s, t0 - (w - 1));
	push(s, t0 - (w - 1));
	/*
	 * Exactly W back is too old. With s_l >= 2^15 the receiver places
	 * top - 2^15 in the current ROC (RFC 3711 Appendix A), so even the
	 * 32768 window can be probed at its edge; one further back would be
	 * taken for the next ROC.
	 */
	push(s, t0 - w);
	if (w < 32768)
		push(s, t0 - w - 1);
	/* The rest of the window, in a random order, then everything again. */
	nperm = w - 2;
	perm = malloc(nperm * sizeof(*perm));
	if (!perm)
		UNIT_FATAL("out of memory");
	for (i = 0; i < nperm; i++)
		perm[i] = t0 - 1 - i;
	for (i = nperm; i > 1; i--) {
		size_t j = (size_t)(test_rand(&seed) % i);
		uint64_t x = perm[i - 1];

		perm[i - 1] = perm[j];
		perm[j] = x;
	}
	for (i = 0; i < nperm; i++)
		push(s, perm[i]);
	free(perm);
	for (k = 0; k < w; k++)
		push(s, t0 - k);

	/* The walk. */
	s->max_back = 32767;
	for (steps = 0; steps < (w > 4096 ? 1500u : 600u); steps++) {
		unsigned int r = (unsigned int)(test_rand(&seed) % 100);
		uint64_t back_lim = w + w / 4 + 2 < s->max_back ? w + w / 4 + 2 : s->max_back;
		uint64_t jump = 0;

		if (r < 45) {
			push(s, s->top - test_rand(&seed) % (back_lim + 1));
		} else if (r < 85) {
			push(s, s->top + 1 + test_rand(&seed) % 3);
		} else if (r < 92) {
			push(s, s->top + 1 + test_rand(&seed) % (w < max_fwd ? w : max_fwd));
		} else if (r < 96) {
			/* Far beyond the window: the walk crosses rollovers this way. */
			push(s, s->top + max_fwd - test_rand(&seed) % 4096);
			sweep(s, w, w > 4096 ? 61 : 1);
		} else {
			static const int64_t d[] = { -1, 0, 1 };
			unsigned int which = (unsigned int)(test_rand(&seed) % 6);

			jump = which < 3 ? w + d[which] : bits + d[which - 3];
			if (jump > max_fwd)
				jump = max_fwd;
			if (!jump)
				jump = 1;
			push(s, s->top + jump);
			sweep(s, w, w > 4096 ? 61 : 1);
		}
	}
}

static void run(const struct test_profile *pr, uint32_t w, uint32_t policy_window)
{
	struct ksrtp_policy p = unit_policy(pr, KSRTP_INBOUND, SSRC);
	struct script s = { 0 };
	struct unit_vault v;
	struct model m = { 0 };
	struct ksrtp_stats st;
	unsigned long long replays = 0, accepted = 0;
	unsigned int reported = 0;
	ksrtp_session *rx;
	size_t i;

	unit_case("%s: replay window %u", pr->name, w);
	build_script(&s, w, 0x9e3779b97f4a7c15ull ^ w ^ (unsigned long long)pr->id << 40);
	unit_vault_fill(&v, p, s.idx, s.n);

	p.replay_window = policy_window;
	p.roc = (uint32_t)(s.idx[0] >> 16);
	rx = unit_session_with(&p);
	m.window = w;
	m.base = v.idx[0];
	m.seen_len = (size_t)(v.idx[v.n - 1] - m.base + 1);
	m.seen = calloc(m.seen_len, 1);
	if (!m.seen)
		UNIT_FATAL("out of memory");

	for (i = 0; i < s.n; i++) {
		uint64_t idx = s.idx[i];
		int want = model_expect(&m, idx);
		int got = unit_vault_deliver(rx, &v, SSRC, idx);

		if (got != want) {
			if (reported++ < 20)
				fprintf(stderr,
					"step %zu: index %#llx (top %#llx, top - idx %lld): %s, want %s\n",
					i, (unsigned long long)idx, (unsigned long long)m.top,
					(long long)(m.top - idx), ksrtp_strerror(got),
					ksrtp_strerror(want));
			test_failures++;
		}
		if (!got)
			model_accept(&m, idx);
		accepted += !got;
		replays += got == KSRTP_EREPLAY;
	}
	/* The walk went through several rollovers, and the counters agree. */
	CHECK((m.top >> 16) - (s.idx[0] >> 16) >= 3);
	st = unit_stats(rx, SSRC, KSRTP_INBOUND);
	CHECK(st.packets == accepted);
	CHECK(st.replays == replays);
	CHECK(st.auth_failures == 0);
	unit_case_end();

	ksrtp_session_free(rx);
	unit_vault_free(&v);
	free(s.idx);
	free(m.seen);
}

int main(void)
{
	size_t i;

	for (i = 0; i < TEST_NPROFILES; i++) {
		run(&test_profiles[i], 64, 64);
		run(&test_profiles[i], 100, 100);
		run(&test_profiles[i], KSRTP_REPLAY_WINDOW_DEFAULT, 0);
		/* The largest window is the same code with more bits: two profiles do. */
		if (i == 0 || i == 3)
			run(&test_profiles[i], KSRTP_REPLAY_WINDOW_MAX, KSRTP_REPLAY_WINDOW_MAX);
	}
	return test_result();
}
