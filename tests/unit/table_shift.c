// SPDX-License-Identifier: MIT
/*
 * Backward-shift deletion in the SSRC table (lib/stream_table.c), with
 * collisions made on purpose. The public-API test (stream_table.c) meets
 * whatever layout the random per-session hash gives; this one picks SSRCs by
 * their home slot in a 16-slot table (lib/internal API) so probe runs
 * collide, chain into each other and wrap past the last slot, then removes
 * them in every possible order. After each removal:
 *
 *   - every remaining SSRC is found, with its own stream;
 *   - every removed SSRC is not;
 *   - the linear-probing invariant holds: between an entry's home slot and
 *     the slot it sits in, no slot is empty (else a lookup would stop early).
 *
 * Then a ninth insert grows the table with the runs in place.
 */
#include "stream_table.h"
#include "unit.h"

#define MAXK 8
#define SEED 0x2545f491u

static struct ksrtp_stream streams[MAXK + 1];

/* The smallest distinct SSRCs whose home slots are homes[0..k), in order. */
static void pick(const struct ksrtp_stream_table *t, const uint32_t *homes, unsigned int k,
		 uint32_t *out)
{
	uint32_t x = 1;
	unsigned int i, j;

	for (i = 0; i < k; i++) {
		for (;; x++) {
			bool used = false;

			for (j = 0; j < i; j++)
				used |= out[j] == x;
			if (!used && ksrtp_table_home(t, x) == homes[i])
				break;
		}
		out[i] = x++;
	}
}

/* Destroy without freeing: the streams here are static stand-ins. */
static void drop(struct ksrtp_stream_table *t)
{
	uint32_t j;

	for (j = 0; j <= t->mask; j++)
		t->slots[j].stream = NULL;
	ksrtp_table_destroy(t);
}

static int invariant_ok(const struct ksrtp_stream_table *t)
{
	uint32_t j, h;

	for (j = 0; j <= t->mask; j++) {
		if (!t->slots[j].stream)
			continue;
		if (t->slots[j].ssrc != t->slots[j].stream->ssrc)
			return 0;
		for (h = ksrtp_table_home(t, t->slots[j].ssrc); h != j; h = (h + 1) & t->mask)
			if (!t->slots[h].stream)
				return 0;
	}
	return 1;
}

/* Next permutation of p[0..n) in lexicographic order; 0 after the last. */
static int next_perm(unsigned int *p, unsigned int n)
{
	unsigned int i, j, x;

	if (n < 2)
		return 0;
	for (i = n - 1; i > 0 && p[i - 1] >= p[i]; i--)
		;
	if (!i)
		return 0;
	for (j = n - 1; p[j] <= p[i - 1]; j--)
		;
	x = p[i - 1];
	p[i - 1] = p[j];
	p[j] = x;
	for (j = n - 1; i < j; i++, j--) {
		x = p[i];
		p[i] = p[j];
		p[j] = x;
	}
	return 1;
}

static void scenario(const char *name, const uint32_t *homes, unsigned int k)
{
	struct ksrtp_stream_table t;
	uint32_t ssrc[MAXK];
	unsigned int perm[MAXK], i, r, reported = 0;
	unsigned long perms = 0;

	unit_case("runs %s", name);
	if (ksrtp_table_init(&t, SEED))
		UNIT_FATAL("ksrtp_table_init");
	if (t.mask != 15)
		UNIT_FATAL("the table no longer starts with 16 slots: update this test");
	pick(&t, homes, k, ssrc);
	for (i = 0; i < k; i++) {
		streams[i].ssrc = ssrc[i];
		perm[i] = i;
	}
	do {
		for (i = 0; i < k; i++)
			CHECK_ERR(ksrtp_table_insert(&t, &streams[i]), 0);
		if (!invariant_ok(&t) && reported++ < 5) {
			fprintf(stderr, "%s: invariant broken after the inserts\n", name);
			test_failures++;
		}
		CHECK(t.mask == 15);
		for (r = 0; r < k; r++) {
			unsigned int gone = perm[r];

			if (ksrtp_table_remove(&t, ssrc[gone]) != &streams[gone] && reported++ < 5) {
				fprintf(stderr, "%s: removing #%u did not return its stream\n", name,
					gone);
				test_failures++;
			}
			for (i = 0; i < k; i++) {
				bool removed = false;
				unsigned int q;

				for (q = 0; q <= r; q++)
					removed |= perm[q] == i;
				if (ksrtp_table_find(&t, ssrc[i]) != (removed ? NULL : &streams[i]) &&
				    reported++ < 5) {
					fprintf(stderr, "%s: after removing", name);
					for (q = 0; q <= r; q++)
						fprintf(stderr, " #%u", perm[q]);
					fprintf(stderr, ": #%u (home %u) %s\n", i, homes[i],
						removed ? "still found" : "lost");
					test_failures++;
				}
			}
			if (!invariant_ok(&t) && reported++ < 5) {
				fprintf(stderr, "%s: probe invariant broken after %u removals\n",
					name, r + 1);
				test_failures++;
			}
		}
		CHECK(t.count == 0);
		perms++;
	} while (next_perm(perm, k));
	CHECK(perms > 1);
	drop(&t);
	unit_case_end();
}

/* Eight entries in one wrapped run, then a ninth: the table grows, all stay found. */
static void grow_with_runs(void)
{
	static const uint32_t homes[MAXK + 1] = { 14, 14, 15, 15, 0, 15, 1, 14, 3 };
	struct ksrtp_stream_table t;
	uint32_t ssrc[MAXK + 1];
	unsigned int i;

	unit_case("growth with wrapped runs");
	if (ksrtp_table_init(&t, SEED))
		UNIT_FATAL("ksrtp_table_init");
	pick(&t, homes, MAXK + 1, ssrc);
	for (i = 0; i <= MAXK; i++) {
		streams[i].ssrc = ssrc[i];
		CHECK_ERR(ksrtp_table_insert(&t, &streams[i]), 0);
		CHECK_ERR(ksrtp_table_insert(&t, &streams[i]), KSRTP_EEXIST);
	}
	CHECK(t.mask > 15);
	CHECK(invariant_ok(&t));
	for (i = 0; i <= MAXK; i++)
		CHECK(ksrtp_table_find(&t, ssrc[i]) == &streams[i]);
	for (i = 0; i <= MAXK; i++)
		CHECK(ksrtp_table_remove(&t, ssrc[i]) == &streams[i]);
	CHECK(t.count == 0);
	drop(&t);
	unit_case_end();
}

int main(void)
{
	/* A run that wraps from slot 14 to 2, entries whose home is behind them. */
	static const uint32_t wrap[] = { 15, 15, 14, 0, 15, 1, 0 };
	/* Two runs that merge into one, no wrap. */
	static const uint32_t merge[] = { 3, 3, 4, 4, 6, 5, 7 };
	/* Eight entries with one home, just before the end. */
	static const uint32_t same[] = { 13, 13, 13, 13, 13, 13, 13, 13 };
	/* Entries at home in between displaced ones, across the wrap. */
	static const uint32_t mixed[] = { 15, 0, 15, 2, 0, 1, 15, 14 };

	scenario("wrapping past the last slot", wrap, 7);
	scenario("merging", merge, 7);
	scenario("all in one home slot", same, 8);
	scenario("mixed homes across the wrap", mixed, 8);
	grow_with_runs();
	return test_result();
}
