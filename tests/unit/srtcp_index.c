// SPDX-License-Identifier: MIT
/*
 * The end of the SRTCP index space (RFC 3711 section 3.4: a 31-bit index;
 * section 9.2: rekey before it wraps). The sender's last index is set just
 * short of 2^31 - 1 through the internal stream (lib/stream.h) rather than
 * sending two billion packets. The packet with index 2^31 - 1 is sealed and
 * opens; the next protect_rtcp is refused with KSRTP_EINDEX (ksrtp.h: "rekey
 * the stream"), leaving the packet, the counters and the stream alone:
 * a wrapped index would reuse a GCM nonce.
 */
#include "session.h"
#include "unit.h"

#define SSRC 0x1d3a0001u
#define SLOT 128

static void run(const struct test_profile *pr)
{
	struct ksrtp_policy p = unit_policy(pr, KSRTP_OUTBOUND, SSRC);
	ksrtp_session *tx = unit_session_with(&p), *rx;
	struct ksrtp_stream *st;
	struct ksrtp_stats before, after;
	uint8_t pkt[SLOT], plain[SLOT];
	size_t n, len;

	unit_case("%s: SRTCP index 2^31 - 1 and past it", pr->name);
	p.direction = KSRTP_INBOUND;
	rx = unit_session_with(&p);
	st = ksrtp_table_find(&tx->streams[KSRTP_OUTBOUND - 1], SSRC);
	if (!st)
		UNIT_FATAL("no outbound stream in the table");

	/* Index 1 first (as libsrtp). */
	n = unit_rtcp(plain, SSRC, 28, 1);
	memcpy(pkt, plain, n);
	len = unit_seal(tx, ksrtp_protect_rtcp, pkt, n, SLOT);
	CHECK((unit_be32(pkt + unit_srtcp_trailer_off(pr, len)) & ~UNIT_SRTCP_E) == 1);
	unit_open_ok(rx, ksrtp_unprotect_rtcp, pkt, len, plain, n, "index 1");

	/* The last index there is. */
	st->rtcp_last_index = 0x7ffffffe;
	memcpy(pkt, plain, n);
	len = unit_seal(tx, ksrtp_protect_rtcp, pkt, n, SLOT);
	CHECK(unit_be32(pkt + unit_srtcp_trailer_off(pr, len)) == (0x7fffffffu | UNIT_SRTCP_E));
	unit_open_ok(rx, ksrtp_unprotect_rtcp, pkt, len, plain, n, "index 2^31 - 1");

	/* No more. */
	before = unit_stats(tx, SSRC, KSRTP_OUTBOUND);
	unit_expect_fail_protect(tx, ksrtp_protect_rtcp, plain, n, n + KSRTP_MAX_TRAILER,
				 KSRTP_EINDEX, "SRTCP past index 2^31 - 1");
	after = unit_stats(tx, SSRC, KSRTP_OUTBOUND);
	CHECK(after.packets == before.packets && after.bytes == before.bytes);
	CHECK(st->rtcp_last_index == 0x7fffffffu);
	/* RTP on the same stream is not affected. */
	n = unit_rtp(pkt, SSRC, 1, 0, -1, 10);
	unit_seal(tx, ksrtp_protect, pkt, n, SLOT);
	unit_case_end();
	ksrtp_session_free(tx);
	ksrtp_session_free(rx);
}

int main(void)
{
	size_t i;

	for (i = 0; i < TEST_NPROFILES; i++)
		run(&test_profiles[i]);
	return test_result();
}
