// SPDX-License-Identifier: MIT
/*
 * SRTCP keeps its order through the relay. Two SRTCP packets of a stream
 * whose indices are 199 apart, more than the SRTCP replay window (128), and
 * an RTP packet, arrive in one batch (the relay is stopped while they queue
 * on its socket, then continued): in the order SRTCP 0, SRTCP 199, RTP. The
 * relay opens RTP and RTCP apart; had it reversed the SRTCP while moving the
 * RTP to the front, index 199 would be opened first and index 0, now below
 * the window, refused as a replay. Both must reach the receiver, no replay
 * counted.
 */
#include "relay_test.h"

#define SSRC 0x5eed0d01u
#define SR_LEN 28		/* an RTCP sender report without report blocks */
#define GAP 199

/* An RTCP sender report (RFC 3550 section 6.4.1) of SSRC, its packet count n. */
static size_t sender_report(uint8_t *p, uint32_t n)
{
	memset(p, 0, SR_LEN);
	p[0] = 0x80;
	p[1] = 200;
	p[3] = SR_LEN / 4 - 1;
	p[4] = (uint8_t)(SSRC >> 24);
	p[5] = (uint8_t)(SSRC >> 16);
	p[6] = (uint8_t)(SSRC >> 8);
	p[7] = (uint8_t)SSRC;
	p[18] = (uint8_t)(n >> 8);
	p[19] = (uint8_t)n;
	return SR_LEN;
}

int main(void)
{
	struct rt_keys sk, rk;
	struct sockaddr_in sa, ra;
	ksrtp_session *tx = rt_session(), *rx;
	uint8_t sealed[3][RT_PKT], pkt[RT_PKT];
	size_t len[3];
	struct mmsghdr m[3];
	struct iovec iov[3];
	int rfd, sfd, n, k, got_rtcp = 0, got_rtp = 0;
	char config[4096], line[32];
	const char *stats;
	struct rt_relay relay;

	sfd = rt_fanout_setup(tx, SSRC, 41, &sk, &sa, 1, 140, &rk, &ra, &rfd, &rx, config);
	rt_relay_start_or_fail(&relay, config, NULL);
	/* SRTCP indices 0..GAP: keep the first and the last, in that order. */
	for (k = 0; k <= GAP; k++) {
		size_t l = sender_report(pkt, (uint32_t)k);

		CHECK_ERR(ksrtp_protect_rtcp(tx, pkt, &l, RT_PKT), 0);
		if (k == 0 || k == GAP) {
			memcpy(sealed[k == GAP], pkt, l);
			len[k == GAP] = l;
		}
	}
	len[2] = rt_rtp(sealed[2], SSRC, 1, 100);
	CHECK_ERR(ksrtp_protect(tx, sealed[2], &len[2], RT_PKT), 0);
	for (k = 0; k < 3; k++) {
		iov[k] = (struct iovec){ sealed[k], len[k] };
		memset(&m[k], 0, sizeof(m[k]));
		m[k].msg_hdr.msg_name = &relay.addr;
		m[k].msg_hdr.msg_namelen = sizeof(relay.addr);
		m[k].msg_hdr.msg_iov = &iov[k];
		m[k].msg_hdr.msg_iovlen = 1;
	}
	/* Stopped before they arrive, so that they queue, and are received as one batch. */
	rt_relay_freeze(&relay);
	CHECK(sendmmsg(sfd, m, 3, 0) == 3);
	rt_sleep_ms(50);
	kill(relay.pid, SIGCONT);
	while ((n = rt_recv(rfd, pkt, sizeof(pkt), 1000)) > 0) {
		size_t l = (size_t)n;

		if (pkt[1] == 200)
			got_rtcp += !ksrtp_unprotect_rtcp(rx, pkt, &l);
		else
			got_rtp += !ksrtp_unprotect(rx, pkt, &l);
	}
	CHECK(got_rtcp == 2);
	CHECK(got_rtp == 1);
	stats = rt_relay_stats(&relay);
	snprintf(line, sizeof(line), "stream ssrc=0x%08x", SSRC);
	CHECK(rt_stat(stats, line, "replays") == 0);
	CHECK(rt_stat(stats, "total", "rtcp") == 2);
	if (test_failures)
		fprintf(stderr, "got %d of 2 SRTCP, %d of 1 RTP\nstats:\n%s", got_rtcp, got_rtp,
			stats);
	CHECK(rt_relay_stop(&relay) == 0);
	rt_relay_cleanup(&relay);
	ksrtp_session_free(rx);
	ksrtp_session_free(tx);
	close(rfd);
	close(sfd);
	return test_result();
}
