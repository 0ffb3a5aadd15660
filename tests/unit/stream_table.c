// SPDX-License-Identifier: MIT
/*
 * The SSRC -> stream table through the public API, from 1 to 100 000
 * streams (issue 2: "flat from 1 to 100 000 streams").
 *
 *   - every SSRC added is found (ksrtp_stream_stats), SSRCs never added are
 *     not, and adding one twice is KSRTP_EEXIST; 0 and 0xffffffff are
 *     ordinary SSRCs;
 *   - protect finds the right stream: each stream has a key of its own, and
 *     a packet sealed for a sampled SSRC opens in a receiver that holds only
 *     that SSRC's key; the sealing stream then refuses the same index again;
 *   - removal in a random order keeps every remaining stream findable and
 *     every removed one gone (open addressing with backward-shift deletion
 *     must move the right entries into each hole, also across the end of the
 *     slot array), and the emptied table takes streams again;
 *   - random churn of adds and removes over a small SSRC range against a
 *     reference set.
 *
 * The table is keyed by a random per-session hash, so every run probes a
 * different layout; the SSRC sets are reproducible.
 */
#include "unit.h"

static const struct test_profile *pr = &test_profiles[0];

/* The per-stream key: the shared one with the SSRC folded into it. */
static void stream_key(uint32_t ssrc, uint8_t key[32])
{
	memcpy(key, unit_key, 32);
	key[0] ^= (uint8_t)(ssrc >> 24);
	key[1] ^= (uint8_t)(ssrc >> 16);
	key[2] ^= (uint8_t)(ssrc >> 8);
	key[3] ^= (uint8_t)ssrc;
}

static int add(ksrtp_session *s, uint32_t ssrc, enum ksrtp_direction dir)
{
	struct ksrtp_policy p = unit_policy(pr, dir, ssrc);
	uint8_t key[32];

	stream_key(ssrc, key);
	p.key = key;
	return ksrtp_add_stream(s, &p);
}

static int has(const ksrtp_session *s, uint32_t ssrc)
{
	struct ksrtp_stats st;
	int err = ksrtp_stream_stats(s, ssrc, KSRTP_OUTBOUND, &st);

	if (err && err != KSRTP_ENOSTREAM) {
		fprintf(stderr, "stats(%#x): %s\n", ssrc, ksrtp_strerror(err));
		test_failures++;
	}
	return !err;
}

static int in_set(const uint32_t *sorted, size_t n, uint32_t ssrc)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (sorted[mid] < ssrc)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && sorted[lo] == ssrc;
}

static int u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Seal for ssrc in s; open it where only ssrc's key is; 0 when it does. */
static int protect_finds(ksrtp_session *s, uint32_t ssrc)
{
	uint8_t pkt[128], plain[128];
	size_t n = unit_rtp(pkt, ssrc, 77, 0, -1, 24), len = n;
	ksrtp_session *rx = unit_session();
	int err;

	memcpy(plain, pkt, n);
	if (add(rx, ssrc, KSRTP_INBOUND))
		UNIT_FATAL("adding the receiver's stream");
	err = ksrtp_protect(s, pkt, &len, sizeof(pkt));
	if (!err)
		err = ksrtp_unprotect(rx, pkt, &len);
	if (!err && (len != n || memcmp(pkt, plain, n)))
		err = KSRTP_EMALFORMED;
	/* The sealing stream took index 77: the same again is a repeat. */
	if (!err) {
		memcpy(pkt, plain, n);
		len = n;
		if (ksrtp_protect(s, pkt, &len, sizeof(pkt)) != KSRTP_EREPLAY)
			err = KSRTP_EINVAL;
	}
	ksrtp_session_free(rx);
	return err;
}

static void run(size_t n, unsigned long long seed)
{
	uint32_t *ssrc = malloc(n * sizeof(*ssrc)), *sorted = malloc(n * sizeof(*ssrc));
	size_t *order = malloc(n * sizeof(*order));
	ksrtp_session *s = unit_session();
	size_t i, j, k, m, removed, check_every, samples;
	unsigned int reported = 0;

	if (!ssrc || !sorted || !order)
		UNIT_FATAL("out of memory");
	unit_case("%zu streams", n);
	/* Unique SSRCs; the extremes among them. */
	for (i = 0; i < n; i++)
		sorted[i] = i == 0 ? 0 : i == 1 ? UINT32_MAX : (uint32_t)test_rand(&seed);
	qsort(sorted, n, sizeof(*sorted), u32_cmp);
	for (i = m = 0; i < n; i++)
		if (!m || sorted[m - 1] != sorted[i])
			sorted[m++] = sorted[i];
	while (m < n) {	/* refill the (rare) duplicates */
		uint32_t x = (uint32_t)test_rand(&seed);

		if (!in_set(sorted, m, x)) {
			sorted[m++] = x;
			qsort(sorted, m, sizeof(*sorted), u32_cmp);
		}
	}
	/* Added in a random order, not sorted. */
	memcpy(ssrc, sorted, n * sizeof(*ssrc));
	for (i = n; i > 1; i--) {
		uint32_t x;

		j = (size_t)(test_rand(&seed) % i);
		x = ssrc[i - 1];
		ssrc[i - 1] = ssrc[j];
		ssrc[j] = x;
	}
	for (i = 0; i < n; i++) {
		int err = add(s, ssrc[i], KSRTP_OUTBOUND);

		if (err && reported++ < 10) {
			fprintf(stderr, "add #%zu (%#x): %s\n", i, ssrc[i], ksrtp_strerror(err));
			test_failures++;
		}
	}
	for (i = 0; i < n; i++) {
		if (!has(s, ssrc[i]) && reported++ < 10) {
			fprintf(stderr, "SSRC %#x (added #%zu) not found\n", ssrc[i], i);
			test_failures++;
		}
		if (i % 97 == 0)
			CHECK_ERR(add(s, ssrc[i], KSRTP_OUTBOUND), KSRTP_EEXIST);
	}
	/* Never added: not found (and not created by looking). */
	for (i = 0; i < 2000; i++) {
		uint32_t x = (uint32_t)test_rand(&seed);

		if (!in_set(sorted, n, x) && has(s, x) && reported++ < 10) {
			fprintf(stderr, "SSRC %#x found but never added\n", x);
			test_failures++;
		}
	}
	/* Protect finds each sampled SSRC's own stream (and key). */
	samples = n < 64 ? n : 64;
	for (i = 0; i < samples; i++) {
		k = i * n / samples;	/* distinct: each is sealed at index 77 once */
		if (protect_finds(s, ssrc[k]) && reported++ < 10) {
			fprintf(stderr, "protect for %#x did not use its own stream\n", ssrc[k]);
			test_failures++;
		}
	}

	/* Remove in a random order; check everything at checkpoints. */
	for (i = 0; i < n; i++)
		order[i] = i;
	for (i = n; i > 1; i--) {
		j = (size_t)(test_rand(&seed) % i);
		k = order[i - 1];
		order[i - 1] = order[j];
		order[j] = k;
	}
	check_every = n <= 1000 ? 1 : n / 10;
	for (removed = 0; removed < n; removed++) {
		int err = ksrtp_remove_stream(s, ssrc[order[removed]], KSRTP_OUTBOUND);

		if (err && reported++ < 10) {
			fprintf(stderr, "remove %#x (%zu removed): %s\n", ssrc[order[removed]], removed,
				ksrtp_strerror(err));
			test_failures++;
		}
		if ((removed + 1) % check_every && removed + 1 != n)
			continue;
		for (i = 0; i < n; i++) {
			int want = i > removed ? 1 : 0;
			uint32_t x = ssrc[order[i]];

			if (has(s, x) != want && reported++ < 10) {
				fprintf(stderr, "after %zu removals: %#x %s\n", removed + 1, x,
					want ? "lost" : "still there");
				test_failures++;
			}
		}
	}
	for (i = 0; i < n && i < 100; i++)
		CHECK_ERR(ksrtp_remove_stream(s, ssrc[i], KSRTP_OUTBOUND), KSRTP_ENOSTREAM);
	/* The emptied table works as new. */
	for (i = 0; i < n && i < 100; i++)
		CHECK_ERR(add(s, ssrc[i], KSRTP_OUTBOUND), 0);
	for (i = 0; i < n && i < 100; i++)
		CHECK(has(s, ssrc[i]));
	if (n)
		CHECK_ERR(protect_finds(s, ssrc[0]), 0);
	unit_case_end();
	ksrtp_session_free(s);
	free(ssrc);
	free(sorted);
	free(order);
}

/* Adds and removes at random over 4096 SSRCs, against a reference set. */
static void churn(unsigned long long seed)
{
	enum { RANGE = 4096, OPS = 60000 };
	static uint8_t present[RANGE];
	ksrtp_session *s = unit_session();
	unsigned int i, reported = 0, live = 0;

	unit_case("churn");
	for (i = 0; i < OPS; i++) {
		/* SSRCs spread over the 32-bit space, in a small set. */
		uint32_t r = (uint32_t)(test_rand(&seed) % RANGE), x = r * 0x9e3779b1u;
		unsigned int op = (unsigned int)(test_rand(&seed) % 3);
		int err, want;

		/* Grow toward about 1500 live streams, then hover. */
		if (op == 2 && live < 1500)
			op = 0;
		if (op == 0) {
			err = add(s, x, KSRTP_OUTBOUND);
			want = present[r] ? KSRTP_EEXIST : 0;
			if (!err) {
				present[r] = 1;
				live++;
			}
		} else {
			err = ksrtp_remove_stream(s, x, KSRTP_OUTBOUND);
			want = present[r] ? 0 : KSRTP_ENOSTREAM;
			if (!err) {
				present[r] = 0;
				live--;
			}
		}
		if (err != want && reported++ < 10) {
			fprintf(stderr, "op %u (%s %#x): %s, want %s\n", i, op ? "remove" : "add", x,
				ksrtp_strerror(err), ksrtp_strerror(want));
			test_failures++;
		}
		if (i % 5000 == 4999) {
			unsigned int k;

			for (k = 0; k < RANGE; k++) {
				if (has(s, k * 0x9e3779b1u) != present[k] && reported++ < 10) {
					fprintf(stderr, "after op %u: %#x %s\n", i, k * 0x9e3779b1u,
						present[k] ? "lost" : "present");
					test_failures++;
				}
			}
		}
	}
	unit_case_end();
	ksrtp_session_free(s);
}

int main(void)
{
	static const size_t sizes[] = { 1, 2, 3, 7, 8, 9, 15, 16, 17, 33, 1000, 100000 };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		run(sizes[i], 0xc0ffee00ull + i);
	churn(0xfeedface);
	return test_result();
}
