// SPDX-License-Identifier: MIT
/*
 * SRTCP through the relay: a sender's sender reports, sealed with its keys,
 * reach every receiver exactly once, sealed with that receiver's keys (each
 * opens them with its own, and with no other receiver's), the RTCP inside
 * byte for byte the sender's. A forged one (a flipped bit) and a replayed
 * one are counted against the sender's stream and reach nobody.
 */
#include "relay_test.h"

#define NRECV 3
#define NPKT 100
#define SSRC 0x5eed0c01u
#define SR_LEN 28	/* RFC 3550 section 6.4.1: header, SSRC, sender info, no blocks */

/* A sender report numbered n (its RTP timestamp), of SSRC ssrc. */
static size_t sender_report(uint8_t *p, uint32_t ssrc, uint32_t n)
{
	unsigned int i;

	memset(p, 0, SR_LEN);
	p[0] = 0x80;
	p[1] = 200;
	p[3] = SR_LEN / 4 - 1;
	for (i = 0; i < 4; i++) {
		p[4 + i] = (uint8_t)(ssrc >> (24 - 8 * i));
		p[16 + i] = (uint8_t)(n >> (24 - 8 * i));	/* RTP timestamp */
		p[8 + i] = (uint8_t)(0xa5 + i);			/* NTP timestamp */
	}
	return SR_LEN;
}

static void send_sr(int fd, ksrtp_session *s, const struct sockaddr_in *to, uint32_t n,
		    bool forge)
{
	uint8_t p[RT_PKT];
	size_t len = sender_report(p, SSRC, n);

	CHECK_ERR(ksrtp_protect_rtcp(s, p, &len, sizeof(p)), 0);
	if (forge)
		p[12] ^= 0x01;
	rt_send_raw(fd, to, p, len);
	if (n == 7)	/* one replayed at once */
		rt_send_raw(fd, to, p, len);
}

int main(void)
{
	struct rt_keys sender_keys, recv_keys[NRECV];
	struct sockaddr_in recv_addr[NRECV], sender_addr;
	ksrtp_session *tx = rt_session(), *rx[NRECV];
	int recv_fd[NRECV], sender_fd, i;
	static bool seen[NRECV][NPKT];
	uint8_t pkt[RT_PKT], want[RT_PKT];
	char config[4096];
	const char *stats;
	struct rt_relay relay;
	unsigned int got[NRECV] = { 0 };
	uint32_t k;

	sender_fd = rt_fanout_setup(tx, SSRC, 31, &sender_keys, &sender_addr, NRECV, 130, recv_keys,
				    recv_addr, recv_fd, rx, config);
	rt_relay_start_or_fail(&relay, config, NULL);
	for (k = 0; k < NPKT; k++) {
		send_sr(sender_fd, tx, &relay.addr, k, false);
		if (k % 16 == 15)
			rt_sleep_ms(2);
	}
	/* Forged: sealed properly (index NPKT on), then one bit flipped. */
	for (k = 0; k < 3; k++)
		send_sr(sender_fd, tx, &relay.addr, NPKT + k, true);
	for (i = 0; i < NRECV; i++) {
		int n;

		while ((n = rt_recv(recv_fd[i], pkt, sizeof(pkt), 1000)) > 0) {
			size_t len = (size_t)n;
			uint32_t ts;

			CHECK(pkt[1] == 200);
			if (i > 0) {	/* receiver 0's keys do not open receiver i's packets */
				uint8_t copy[RT_PKT];
				size_t clen = len;
				ksrtp_session *other = rt_session();

				CHECK_ERR(rt_add_stream(other, &recv_keys[0], SSRC, KSRTP_INBOUND),
					  0);
				memcpy(copy, pkt, len);
				CHECK(ksrtp_unprotect_rtcp(other, copy, &clen) != 0);
				ksrtp_session_free(other);
			}
			CHECK_ERR(ksrtp_unprotect_rtcp(rx[i], pkt, &len), 0);
			CHECK(len == SR_LEN);
			if (len != SR_LEN)
				continue;
			ts = (uint32_t)pkt[16] << 24 | (uint32_t)pkt[17] << 16 |
			     (uint32_t)pkt[18] << 8 | pkt[19];
			CHECK(ts < NPKT);
			if (ts >= NPKT)
				continue;
			CHECK(!seen[i][ts]);
			seen[i][ts] = true;
			got[i]++;
			sender_report(want, SSRC, ts);
			CHECK_MEM(pkt, want, len);
		}
		CHECK(got[i] == NPKT);
		if (got[i] != NPKT)
			fprintf(stderr, "receiver %d got %u of %d\n", i, got[i], NPKT);
	}
	stats = rt_relay_stats(&relay);
	CHECK(rt_stat(stats, "total", "received") == NPKT + 4);
	CHECK(rt_stat(stats, "total", "rtcp") == NPKT + 4);
	CHECK(rt_stat(stats, "total", "forwarded") == NRECV * NPKT);
	CHECK(rt_stat(stats, "total", "seal_errors") == 0);
	CHECK(rt_stat(stats, "stream ssrc=0x5eed0c01", "auth_failures") == 3);
	CHECK(rt_stat(stats, "stream ssrc=0x5eed0c01", "replays") == 1);
	CHECK(rt_stat(stats, "inbound", "auth_failures") == 3);
	CHECK(rt_stat(stats, "inbound", "replays") == 1);
	if (test_failures)
		fprintf(stderr, "stats:\n%s", stats);
	CHECK(rt_relay_stop(&relay) == 0);
	rt_relay_cleanup(&relay);
	for (i = 0; i < NRECV; i++) {
		ksrtp_session_free(rx[i]);
		close(recv_fd[i]);
	}
	ksrtp_session_free(tx);
	close(sender_fd);
	return test_result();
}
