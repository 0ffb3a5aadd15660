// SPDX-License-Identifier: MIT
/*
 * SRTCP replay protection by index (RFC 3711 sections 3.3.2 and 3.4; the
 * 31-bit index travels in the packet, so no estimation): every profile,
 * E flag set and clear.
 *
 * The sender numbers packets 1, 2, 3, ... (as libsrtp does). The receiver's
 * window is 128 indices (libsrtp's SRTCP replay database): in-window packets
 * open once in any order, duplicates and too-old ones are KSRTP_EREPLAY, and
 * forged packets (tag flipped, or index rewritten far ahead) are
 * KSRTP_EAUTH without moving the window.
 */
#include "unit.h"

#define SSRC 0x5c7c9001u
#define NPKT 400
#define WINDOW 128
#define SLOT 128

static uint8_t wire[NPKT + 1][SLOT];
static size_t wire_len[NPKT + 1];
static uint8_t plain[NPKT + 1][SLOT];
static size_t plain_len[NPKT + 1];

static int deliver(ksrtp_session *rx, unsigned int k)
{
	uint8_t *e = unit_exact(wire[k], wire_len[k]);
	size_t len = wire_len[k];
	int err = ksrtp_unprotect_rtcp(rx, e, &len);

	if (!err && (len != plain_len[k] || memcmp(e, plain[k], len))) {
		fprintf(stderr, "SRTCP packet %u opened to the wrong bytes\n", k);
		test_failures++;
	}
	free(e);
	return err;
}

static void run(const struct test_profile *pr, uint32_t flags)
{
	struct ksrtp_policy p = unit_policy(pr, KSRTP_OUTBOUND, SSRC);
	const bool enc = !(flags & KSRTP_RTCP_UNENCRYPTED);
	unsigned long long seed = 0x5eed0000ull + pr->id * 2 + enc;
	unsigned int order[NPKT], n, i, k, opened = 0, replays = 0, forged = 0;
	ksrtp_session *tx, *rx;
	struct ksrtp_stats st;
	uint8_t pkt[SLOT];
	size_t len, off;
	int err;

	unit_case("%s E=%d: SRTCP replay by index", pr->name, enc);
	p.flags = flags;
	tx = unit_session_with(&p);
	p.direction = KSRTP_INBOUND;
	rx = unit_session_with(&p);
	for (k = 1; k <= NPKT; k++) {
		plain_len[k] = unit_rtcp(plain[k], SSRC, 8 + 4 * (k % 20), k);
		memcpy(wire[k], plain[k], plain_len[k]);
		wire_len[k] = unit_seal(tx, ksrtp_protect_rtcp, wire[k], plain_len[k], SLOT);
		/* RFC 3711 section 3.4: E flag, then the index, which counts from 1. */
		off = unit_srtcp_trailer_off(pr, wire_len[k]);
		CHECK(unit_be32(wire[k] + off) == (k | (enc ? UNIT_SRTCP_E : 0)));
	}

#define EXPECT(k, want)                                         \
	do {                                                    \
		err = deliver(rx, (k));                         \
		CHECK_ERR(err, (want));                         \
		opened += !err;                                 \
		replays += err == KSRTP_EREPLAY;                \
	} while (0)

	EXPECT(200, 0);
	EXPECT(200, KSRTP_EREPLAY);
	EXPECT(200 - (WINDOW - 1), 0);		/* the oldest in the window */
	EXPECT(200 - WINDOW, KSRTP_EREPLAY);	/* one too old */
	EXPECT(1, KSRTP_EREPLAY);
	/* The rest of the window in a random order, except 150, kept for later. */
	for (n = 0, k = 200 - (WINDOW - 2); k < 200; k++)
		if (k != 150)
			order[n++] = k;
	for (i = n; i > 1; i--) {
		unsigned int j = (unsigned int)(test_rand(&seed) % i), x = order[i - 1];

		order[i - 1] = order[j];
		order[j] = x;
	}
	for (i = 0; i < n; i++)
		EXPECT(order[i], 0);
	for (i = 0; i < n; i++)
		EXPECT(order[i], KSRTP_EREPLAY);

	/* Forged: tag flipped on a far-ahead packet; index rewritten far ahead. */
	memcpy(pkt, wire[NPKT], wire_len[NPKT]);
	pkt[wire_len[NPKT] - (pr->gcm ? UNIT_SRTCP_INDEX_LEN + 1 : 1)] ^= 0x20;
	unit_expect_fail_unprotect(rx, ksrtp_unprotect_rtcp, pkt, wire_len[NPKT], KSRTP_EAUTH,
				   "SRTCP tag flipped");
	len = wire_len[300];
	memcpy(pkt, wire[300], len);
	off = unit_srtcp_trailer_off(pr, len);
	unit_put_be32(pkt + off, 100000 | (enc ? UNIT_SRTCP_E : 0));
	unit_expect_fail_unprotect(rx, ksrtp_unprotect_rtcp, pkt, len, KSRTP_EAUTH,
				   "SRTCP index rewritten");
	forged += 4;	/* each run twice */
	/* Neither moved the window nor marked anything. */
	EXPECT(150, 0);
	EXPECT(201, 0);

	/* A jump beyond the window, then its edges. */
	EXPECT(NPKT, 0);
	EXPECT(NPKT - (WINDOW - 1), 0);
	EXPECT(NPKT - WINDOW, KSRTP_EREPLAY);
	EXPECT(202, KSRTP_EREPLAY);
	for (k = NPKT - (WINDOW - 2); k < NPKT; k++)
		EXPECT(k, 0);
	for (k = NPKT - (WINDOW - 1); k <= NPKT; k++)
		EXPECT(k, KSRTP_EREPLAY);
#undef EXPECT

	st = unit_stats(rx, SSRC, KSRTP_INBOUND);
	CHECK(st.packets == opened);
	CHECK(st.replays == replays);
	CHECK(st.auth_failures == forged);
	unit_case_end();
	ksrtp_session_free(tx);
	ksrtp_session_free(rx);
}

int main(void)
{
	size_t i;

	for (i = 0; i < TEST_NPROFILES; i++) {
		run(&test_profiles[i], 0);
		run(&test_profiles[i], KSRTP_RTCP_UNENCRYPTED);
	}
	return test_result();
}
