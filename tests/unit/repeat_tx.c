// SPDX-License-Identifier: MIT
/*
 * KSRTP_ALLOW_REPEAT_TX (ksrtp.h; libsrtp's allow_repeat_tx), every profile.
 *
 * Without it, sealing an RTP index twice is refused with KSRTP_EREPLAY and
 * the packet is left as it was: two payloads under one GCM nonce (RFC 7714
 * section 8.1: the IV is SSRC, ROC and SEQ) leak their XOR and the GHASH
 * key. Out-of-order sending of an index not yet used is fine; an index older
 * than the window cannot be told apart from a repeat and is refused too.
 *
 * With it, the same packet sealed again comes out byte for byte the same
 * (a retransmission), which a receiver takes once.
 *
 * SRTCP is not affected: every protect_rtcp takes the next index.
 */
#include "unit.h"

#define SSRC 0x4e7e47e4u
#define SLOT 200

static size_t seal_seq(ksrtp_session *tx, uint8_t *buf, uint16_t seq)
{
	size_t n = unit_rtp(buf, SSRC, seq, 0, 0, 60);

	return unit_seal(tx, ksrtp_protect, buf, n, SLOT);
}

static void without_flag(const struct test_profile *pr)
{
	struct ksrtp_policy p = unit_policy(pr, KSRTP_OUTBOUND, SSRC);
	ksrtp_session *tx = unit_session_with(&p);
	uint8_t a[SLOT], pkt[SLOT];
	struct ksrtp_stats st;
	size_t n;

	unit_case("%s: repeated index refused without KSRTP_ALLOW_REPEAT_TX", pr->name);
	seal_seq(tx, a, 5000);
	n = unit_rtp(pkt, SSRC, 5000, 0, 0, 60);
	unit_expect_fail_protect(tx, ksrtp_protect, pkt, n, n + KSRTP_MAX_TRAILER, KSRTP_EREPLAY,
				 "the same index again");
	/* A different payload under the used index: the case that breaks GCM. */
	n = unit_rtp(pkt, SSRC, 5000, 0, 0, 61);
	pkt[20] ^= 0xff;
	unit_expect_fail_protect(tx, ksrtp_protect, pkt, n, n + KSRTP_MAX_TRAILER, KSRTP_EREPLAY,
				 "another payload, same index");
	st = unit_stats(tx, SSRC, KSRTP_OUTBOUND);
	CHECK(st.packets == 1);
	CHECK(st.replays == 4);	/* two calls, each run twice */

	/* Unused indices may go out of order; too old ones may not. */
	seal_seq(tx, a, 4999);
	seal_seq(tx, a, 5001);
	seal_seq(tx, a, 5001 - (KSRTP_REPLAY_WINDOW_DEFAULT - 1));
	n = unit_rtp(pkt, SSRC, 5001 - KSRTP_REPLAY_WINDOW_DEFAULT, 0, 0, 60);
	unit_expect_fail_protect(tx, ksrtp_protect, pkt, n, n + KSRTP_MAX_TRAILER, KSRTP_EREPLAY,
				 "older than the window");
	n = unit_rtp(pkt, SSRC, 4999, 0, 0, 60);
	unit_expect_fail_protect(tx, ksrtp_protect, pkt, n, n + KSRTP_MAX_TRAILER, KSRTP_EREPLAY,
				 "an out-of-order index, again");
	st = unit_stats(tx, SSRC, KSRTP_OUTBOUND);
	CHECK(st.packets == 4);
	ksrtp_session_free(tx);
	unit_case_end();
}

static void with_flag(const struct test_profile *pr)
{
	struct ksrtp_policy p = unit_policy(pr, KSRTP_OUTBOUND, SSRC);
	ksrtp_session *tx, *rx;
	uint8_t a[SLOT], b[SLOT], c[SLOT], plain[SLOT];
	struct ksrtp_pkt v[2];
	struct ksrtp_stats st;
	size_t la, lb, lc, n;

	unit_case("%s: KSRTP_ALLOW_REPEAT_TX", pr->name);
	p.flags = KSRTP_ALLOW_REPEAT_TX;
	tx = unit_session_with(&p);
	p.direction = KSRTP_INBOUND;
	p.flags = 0;
	rx = unit_session_with(&p);

	la = seal_seq(tx, a, 5000);
	lb = seal_seq(tx, b, 5000);
	CHECK(la == lb && memcmp(a, b, la) == 0);
	/* Also in one batch, twice. */
	n = unit_rtp(c, SSRC, 5000, 0, 0, 60);
	memcpy(plain, c, n);
	memcpy(b, c, n);
	v[0] = (struct ksrtp_pkt){ .data = c, .len = (uint32_t)n, .cap = SLOT };
	v[1] = (struct ksrtp_pkt){ .data = b, .len = (uint32_t)n, .cap = SLOT };
	CHECK_ERR(ksrtp_protect_batch(tx, v, 2), 2);
	CHECK(v[0].status == 0 && v[1].status == 0);
	CHECK(v[0].len == la && memcmp(c, a, la) == 0);
	CHECK(v[1].len == la && memcmp(b, a, la) == 0);
	st = unit_stats(tx, SSRC, KSRTP_OUTBOUND);
	CHECK(st.packets == 4 && st.replays == 0);

	/* The receiver takes the retransmission once. */
	unit_open_ok(rx, ksrtp_unprotect, a, la, plain, n, "the first copy");
	CHECK_ERR(unit_open(rx, ksrtp_unprotect, c, la), KSRTP_EREPLAY);
	/* The sender goes on as before. */
	lc = seal_seq(tx, c, 5001);
	CHECK_ERR(unit_open(rx, ksrtp_unprotect, c, lc), 0);
	ksrtp_session_free(tx);
	ksrtp_session_free(rx);
	unit_case_end();
}

static void rtcp_unaffected(const struct test_profile *pr)
{
	struct ksrtp_policy p = unit_policy(pr, KSRTP_OUTBOUND, SSRC);
	uint8_t a[SLOT], b[SLOT];
	ksrtp_session *tx;
	size_t la, lb, n;
	int f;

	unit_case("%s: SRTCP with and without the flag", pr->name);
	for (f = 0; f < 2; f++) {
		p.flags = f ? KSRTP_ALLOW_REPEAT_TX : 0;
		tx = unit_session_with(&p);
		n = unit_rtcp(a, SSRC, 40, 3);
		memcpy(b, a, n);
		la = unit_seal(tx, ksrtp_protect_rtcp, a, n, SLOT);
		lb = unit_seal(tx, ksrtp_protect_rtcp, b, n, SLOT);
		CHECK(la == lb);
		CHECK((unit_be32(a + unit_srtcp_trailer_off(pr, la)) & ~UNIT_SRTCP_E) == 1);
		CHECK((unit_be32(b + unit_srtcp_trailer_off(pr, lb)) & ~UNIT_SRTCP_E) == 2);
		ksrtp_session_free(tx);
	}
	unit_case_end();
}

int main(void)
{
	size_t i;

	for (i = 0; i < TEST_NPROFILES; i++) {
		without_flag(&test_profiles[i]);
		with_flag(&test_profiles[i]);
		rtcp_unaffected(&test_profiles[i]);
	}
	return test_result();
}
