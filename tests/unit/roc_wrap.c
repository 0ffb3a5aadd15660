// SPDX-License-Identifier: MIT
/*
 * Packet index and rollover counter (RFC 3711 section 3.3.1, Appendix A),
 * both sides, every profile.
 *
 * Which ROC a sender used is observable without reading its state: a fresh
 * receiver takes its first packet's index as policy ROC << 16 | SEQ
 * (section 3.3.1), so a packet sealed under ROC r opens in a fresh receiver
 * configured with ROC r and fails authentication with any other (GCM: the
 * ROC is in the IV, RFC 7714 section 8.1; AES-CM: in the HMAC input, RFC
 * 3711 section 4.2).
 *
 *   - the sender's ROC goes up when SEQ wraps 65535 -> 0, and a late packet
 *     from before the wrap is still sealed under the old ROC;
 *   - the receiver takes 65534, 0, 65535, 1 (reordered around the wrap) as
 *     indices 65534, 65536, 65535, 65537, and refuses each again;
 *   - a receiver past the wrap places a late packet in the previous ROC;
 *   - steps of 30000 through many rollovers, in step on both sides;
 *   - the initial ROC comes from the policy;
 *   - at ROC 2^32 - 1 the sender refuses to wrap (KSRTP_EINDEX, packet
 *     untouched) and the receiver refuses a packet that would need ROC 2^32;
 *     a receiver at ROC 0 refuses one that would need ROC -1.
 */
#include "unit.h"

#define SSRC 0x0123abcdu
#define SLOT 96

struct sealed {
	uint8_t wire[SLOT], plain[SLOT];
	size_t wire_len, plain_len;
	uint64_t index;		/* the index it must have been sealed under */
};

static void seal(ksrtp_session *tx, struct sealed *s, uint16_t seq, uint64_t index)
{
	s->plain_len = unit_rtp(s->plain, SSRC, seq, 1, -1, 17 + seq % 13);
	memcpy(s->wire, s->plain, s->plain_len);
	s->wire_len = unit_seal(tx, ksrtp_protect, s->wire, s->plain_len, SLOT);
	s->index = index;
}

static int open_with(ksrtp_session *rx, const struct sealed *s)
{
	uint8_t *e = unit_exact(s->wire, s->wire_len);
	size_t len = s->wire_len;
	int err = ksrtp_unprotect(rx, e, &len);

	if (!err && (len != s->plain_len || memcmp(e, s->plain, len))) {
		fprintf(stderr, "index %#llx opened to the wrong bytes\n",
			(unsigned long long)s->index);
		test_failures++;
	}
	free(e);
	return err;
}

/* s must open in a fresh receiver at its ROC, and only there. */
static void check_sealed_roc(const struct test_profile *pr, const struct sealed *s)
{
	struct ksrtp_policy p = unit_policy(pr, KSRTP_INBOUND, SSRC);
	uint32_t roc = (uint32_t)(s->index >> 16);
	const int64_t d[] = { 0, -1, 1 };
	ksrtp_session *rx;
	size_t i;

	for (i = 0; i < 3; i++) {
		if ((roc == 0 && d[i] < 0) || (roc == UINT32_MAX && d[i] > 0))
			continue;
		p.roc = (uint32_t)(roc + d[i]);
		rx = unit_session_with(&p);
		if (open_with(rx, s) != (d[i] ? KSRTP_EAUTH : 0)) {
			fprintf(stderr, "packet of index %#llx in a receiver at ROC %u: %s\n",
				(unsigned long long)s->index, p.roc,
				d[i] ? "opened" : "did not open");
			test_failures++;
		}
		ksrtp_session_free(rx);
	}
}

static void sender_wrap(const struct test_profile *pr)
{
	struct ksrtp_policy p = unit_policy(pr, KSRTP_OUTBOUND, SSRC);
	static const uint16_t seqs[] = { 65533, 65535, 0, 1, 65534, 2 };
	static const uint64_t want[] = { 65533, 65535, 65536, 65537, 65534, 65538 };
	struct sealed s[6];
	ksrtp_session *tx = unit_session_with(&p), *rx;
	size_t i;

	unit_case("%s: the sender's ROC across the wrap", pr->name);
	for (i = 0; i < 6; i++) {
		seal(tx, &s[i], seqs[i], want[i]);
		check_sealed_roc(pr, &s[i]);
	}
	/* One receiver, in the sender's order: all open, none twice. */
	p.direction = KSRTP_INBOUND;
	rx = unit_session_with(&p);
	for (i = 0; i < 6; i++)
		CHECK_ERR(open_with(rx, &s[i]), 0);
	for (i = 0; i < 6; i++)
		CHECK_ERR(open_with(rx, &s[i]), KSRTP_EREPLAY);
	ksrtp_session_free(rx);
	ksrtp_session_free(tx);
	unit_case_end();
}

static void receiver_wrap(const struct test_profile *pr)
{
	struct ksrtp_policy p = unit_policy(pr, KSRTP_OUTBOUND, SSRC);
	struct sealed s[10];	/* seq 65531 .. 65535, 0 .. 4 */
	static const unsigned int order[] = { 3, 5, 4, 6, 2, 7 };	/* 65534, 0, 65535, 1, ... */
	ksrtp_session *tx = unit_session_with(&p), *rx;
	size_t i;

	unit_case("%s: the receiver reordered around the wrap", pr->name);
	for (i = 0; i < 10; i++)
		seal(tx, &s[i], (uint16_t)(65531 + i), 65531 + i);
	p.direction = KSRTP_INBOUND;
	rx = unit_session_with(&p);
	for (i = 0; i < ARRAY_SIZE(order); i++)
		CHECK_ERR(open_with(rx, &s[order[i]]), 0);
	for (i = 0; i < ARRAY_SIZE(order); i++)
		CHECK_ERR(open_with(rx, &s[order[i]]), KSRTP_EREPLAY);
	CHECK_ERR(open_with(rx, &s[9]), 0);
	CHECK_ERR(open_with(rx, &s[0]), 0);
	CHECK_ERR(open_with(rx, &s[8]), 0);
	CHECK_ERR(open_with(rx, &s[1]), 0);
	ksrtp_session_free(rx);

	/* A receiver that starts after the wrap (ROC 1) places 65531.. in ROC 0. */
	p.roc = 1;
	rx = unit_session_with(&p);
	CHECK_ERR(open_with(rx, &s[8]), 0);	/* seq 3, ROC 1 */
	for (i = 0; i < 8; i++)
		CHECK_ERR(open_with(rx, &s[i]), 0);
	CHECK_ERR(open_with(rx, &s[9]), 0);
	for (i = 0; i < 10; i++)
		CHECK_ERR(open_with(rx, &s[i]), KSRTP_EREPLAY);
	ksrtp_session_free(rx);
	ksrtp_session_free(tx);
	unit_case_end();
}

static void many_wraps(const struct test_profile *pr)
{
	struct ksrtp_policy p = unit_policy(pr, KSRTP_OUTBOUND, SSRC);
	ksrtp_session *tx, *rx;
	struct sealed s;
	uint64_t index = (uint64_t)7 << 16 | 100;
	unsigned int i;

	unit_case("%s: steps of 30000 through rollovers", pr->name);
	p.roc = 7;
	tx = unit_session_with(&p);
	p.direction = KSRTP_INBOUND;
	rx = unit_session_with(&p);
	for (i = 0; i < 30; i++, index += 30000) {
		seal(tx, &s, (uint16_t)index, index);
		CHECK_ERR(open_with(rx, &s), 0);
		if (i % 7 == 3)
			check_sealed_roc(pr, &s);
	}
	CHECK(index >> 16 >= 7 + 13);
	ksrtp_session_free(tx);
	ksrtp_session_free(rx);
	unit_case_end();
}

static void initial_roc(const struct test_profile *pr)
{
	static const uint32_t rocs[] = { 1, 0x12345, 0x7fffffff, 0xfffffffe };
	struct ksrtp_policy p = unit_policy(pr, KSRTP_OUTBOUND, SSRC);
	struct sealed s;
	ksrtp_session *tx;
	size_t i;

	unit_case("%s: the initial ROC from the policy", pr->name);
	for (i = 0; i < ARRAY_SIZE(rocs); i++) {
		p.roc = rocs[i];
		tx = unit_session_with(&p);
		seal(tx, &s, 4242, (uint64_t)rocs[i] << 16 | 4242);
		check_sealed_roc(pr, &s);
		ksrtp_session_free(tx);
	}
	unit_case_end();
}

static void roc_limits(const struct test_profile *pr)
{
	struct ksrtp_policy p = unit_policy(pr, KSRTP_OUTBOUND, SSRC);
	struct sealed last, before, early[2];
	ksrtp_session *tx, *rx;
	uint8_t pkt[SLOT];
	size_t n;
	int err;

	unit_case("%s: ROC at its limits", pr->name);
	/* The last index there is: 2^48 - 1. The next would need ROC 2^32. */
	p.roc = UINT32_MAX;
	tx = unit_session_with(&p);
	seal(tx, &last, 65535, (uint64_t)UINT32_MAX << 16 | 65535);
	n = unit_rtp(pkt, SSRC, 0, 1, -1, 30);
	unit_expect_fail_protect(tx, ksrtp_protect, pkt, n, n + KSRTP_MAX_TRAILER, KSRTP_EINDEX,
				 "sealing past index 2^48 - 1");
	/* Still usable for what is left: an earlier, unsent index. */
	seal(tx, &before, 65534, (uint64_t)UINT32_MAX << 16 | 65534);
	check_sealed_roc(pr, &last);
	check_sealed_roc(pr, &before);

	p.direction = KSRTP_INBOUND;
	rx = unit_session_with(&p);
	CHECK_ERR(open_with(rx, &last), 0);
	/* A packet with seq 0 now would be ROC 2^32: refused, whatever it is. */
	memcpy(pkt, before.wire, before.wire_len);
	pkt[2] = pkt[3] = 0;
	err = unit_expect_fail_unprotect2(rx, ksrtp_unprotect, pkt, before.wire_len, KSRTP_EREPLAY,
					  KSRTP_EAUTH, "receiving past index 2^48 - 1");
	CHECK(err < 0);
	CHECK_ERR(open_with(rx, &before), 0);
	ksrtp_session_free(rx);
	ksrtp_session_free(tx);

	/*
	 * ROC 0, highest seq 10: seq 50000 is guessed to be 15546 before
	 * index 0 (Appendix A picks ROC - 1): refused, and seq 11 still opens.
	 */
	p.roc = 0;
	p.direction = KSRTP_OUTBOUND;
	tx = unit_session_with(&p);
	seal(tx, &early[0], 10, 10);
	seal(tx, &early[1], 11, 11);
	ksrtp_session_free(tx);
	/* A sender cannot step that far ahead either (it estimates alike): use a fresh one. */
	tx = unit_session_with(&p);
	seal(tx, &before, 50000, 50000);
	p.direction = KSRTP_INBOUND;
	rx = unit_session_with(&p);
	CHECK_ERR(open_with(rx, &early[0]), 0);
	err = unit_expect_fail_unprotect2(rx, ksrtp_unprotect, before.wire, before.wire_len,
					  KSRTP_EREPLAY, KSRTP_EAUTH, "index before 0");
	CHECK(err < 0);
	CHECK_ERR(open_with(rx, &early[1]), 0);
	ksrtp_session_free(rx);
	ksrtp_session_free(tx);
	unit_case_end();
}

int main(void)
{
	size_t i;

	for (i = 0; i < TEST_NPROFILES; i++) {
		sender_wrap(&test_profiles[i]);
		receiver_wrap(&test_profiles[i]);
		many_wraps(&test_profiles[i]);
		initial_roc(&test_profiles[i]);
		roc_limits(&test_profiles[i]);
	}
	return test_result();
}
