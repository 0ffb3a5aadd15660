// SPDX-License-Identifier: MIT
/*
 * A batch opens what the same packets opened one at a time would, also
 * when the batch itself moves the index estimate (RFC 3711 section 3.3.1,
 * Appendix A): every profile.
 *
 * The estimate for packet i depends on the highest index accepted so far,
 * packets 0..i-1 of the same batch included. Cases:
 *
 *   - a stream's first batch straddles the sequence wrap (seq 65533 ..
 *     65535, 0 .. 2): before any packet the estimate is the policy's ROC
 *     for every SEQ, after 65535 the ROC must go up. RFC 3550 section 5.1
 *     makes the initial SEQ random, so one stream in about 2000 meets this
 *     in its first 32-packet batch;
 *   - the same for a stream born from an any_ssrc template;
 *   - a started stream (highest seq 30000) whose batch jumps to 60000 and
 *     65000, then wraps to 100: 100 is ROC + 1 only after 65000 counted.
 *
 * Each packet must open (status 0, plaintext back) in the batch as it does
 * in a twin receiver fed one packet at a time.
 */
#include "unit.h"

#define SSRC 0x0b0a0c0du
#define SLOT 160
#define MAXP 8

struct sealed {
	uint8_t wire[SLOT], plain[SLOT];
	size_t len, plain_len;
};

static void seal_seqs(const struct test_profile *pr, const uint16_t *seqs, unsigned int n,
		      struct sealed *out)
{
	struct ksrtp_policy p = unit_policy(pr, KSRTP_OUTBOUND, SSRC);
	ksrtp_session *tx = unit_session_with(&p);
	unsigned int i;

	for (i = 0; i < n; i++) {
		out[i].plain_len = unit_rtp(out[i].plain, SSRC, seqs[i], 0, -1, 24);
		memcpy(out[i].wire, out[i].plain, out[i].plain_len);
		out[i].len = unit_seal(tx, ksrtp_protect, out[i].wire, out[i].plain_len, SLOT);
	}
	ksrtp_session_free(tx);
}

/* Packets [0, first) one at a time into rx; then [first, n) as one batch, and singly into twin. */
static void compare(const struct test_profile *pr, bool any, const uint16_t *seqs, unsigned int n,
		    unsigned int first, const char *what)
{
	struct ksrtp_policy p = unit_policy(pr, KSRTP_INBOUND, any ? 0 : SSRC);
	struct sealed s[MAXP];
	uint8_t copy[MAXP][SLOT];
	struct ksrtp_pkt v[MAXP];
	ksrtp_session *rx, *twin;
	unsigned int i, ok = 0;
	int r, single;

	unit_case("%s: %s%s", pr->name, what, any ? " (any_ssrc)" : "");
	p.any_ssrc = any;
	rx = unit_session_with(&p);
	twin = unit_session_with(&p);
	seal_seqs(pr, seqs, n, s);
	for (i = 0; i < first; i++) {
		CHECK_ERR(unit_open(rx, ksrtp_unprotect, s[i].wire, s[i].len), 0);
		CHECK_ERR(unit_open(twin, ksrtp_unprotect, s[i].wire, s[i].len), 0);
	}
	for (i = first; i < n; i++) {
		memcpy(copy[i], s[i].wire, s[i].len);
		v[i - first] = (struct ksrtp_pkt){ .data = copy[i], .len = (uint32_t)s[i].len };
	}
	r = ksrtp_unprotect_batch(rx, v, n - first);
	for (i = first; i < n; i++) {
		single = unit_open(twin, ksrtp_unprotect, s[i].wire, s[i].len);
		ok += !single;
		if (v[i - first].status != single) {
			fprintf(stderr, "seq %u: batch %s, one at a time %s\n", seqs[i],
				ksrtp_strerror(v[i - first].status), ksrtp_strerror(single));
			test_failures++;
		} else if (!single && (v[i - first].len != s[i].plain_len ||
				       memcmp(copy[i], s[i].plain, s[i].plain_len))) {
			fprintf(stderr, "seq %u: batch opened to other bytes\n", seqs[i]);
			test_failures++;
		}
	}
	CHECK_ERR(r, (int)ok);
	/* The one-at-a-time receiver is the reference; it must take them all. */
	CHECK(ok == n - first);
	ksrtp_session_free(rx);
	ksrtp_session_free(twin);
	unit_case_end();
}

int main(void)
{
	static const uint16_t wrap[] = { 65533, 65534, 65535, 0, 1, 2 };
	static const uint16_t jump[] = { 29999, 30000, 60000, 65000, 100, 101 };
	size_t i;

	for (i = 0; i < TEST_NPROFILES; i++) {
		compare(&test_profiles[i], false, wrap, 6, 0, "first batch across the wrap");
		compare(&test_profiles[i], true, wrap, 6, 0, "first batch across the wrap");
		compare(&test_profiles[i], false, wrap, 6, 1, "second batch across the wrap");
		compare(&test_profiles[i], false, jump, 6, 2, "a batch that jumps, then wraps");
	}
	return test_result();
}
