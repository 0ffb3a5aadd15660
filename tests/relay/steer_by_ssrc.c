// SPDX-License-Identifier: MIT
/*
 * --threads 4: the kernel steers packets to a worker by SSRC, not by source
 * port. One stream sent from 16 source ports in turn (a sender whose NAT
 * rebinds) reaches a single worker, and every packet opens and is forwarded
 * once; its SRTCP reaches that worker too. Then one of its packets, already
 * forwarded, replayed from 15 other source ports: the one replay window that
 * saw it refuses every copy, and the receiver gets none. With steering by
 * 4-tuple each port could land on a worker with a window of its own, which
 * would forward the replay (and lose the rollover counter after a rebind).
 */
#include "relay_test.h"

#define NPORT 16
#define NPKT 160
#define SSRC 0x51ee7001u
#define NWORKERS 4

int main(void)
{
	struct rt_keys sk, rk;
	struct sockaddr_in ra, sa[NPORT];
	ksrtp_session *tx = rt_session(), *rx = rt_session();
	const char *extra[] = { "--threads", "4", NULL };
	uint8_t pkt[RT_PKT], replay[RT_PKT], want[RT_PKT];
	size_t replay_len = 0, len;
	int rfd, sfd[NPORT], i, n, k, got = 0, busy = 0;
	bool seen[NPKT] = { false };
	char cfg[1024], line[32];
	const char *stats;
	struct rt_relay relay;

	rt_keys_make(&sk, &test_profiles[0], 71);
	rt_keys_make(&rk, &test_profiles[1], 72);
	CHECK_ERR(rt_add_stream(tx, &sk, SSRC, KSRTP_OUTBOUND), 0);
	CHECK_ERR(rt_add_stream(rx, &rk, SSRC, KSRTP_INBOUND), 0);
	rfd = rt_socket(&ra);
	for (i = 0; i < NPORT; i++)
		sfd[i] = rt_socket(&sa[i]);
	snprintf(cfg, sizeof(cfg),
		 "listen 127.0.0.1:0\nstream ssrc=%u profile=%s key=%s salt=%s\n"
		 "receiver addr=127.0.0.1:%u profile=%s key=%s salt=%s streams=all\n",
		 SSRC, sk.profile->name, sk.key_hex, sk.salt_hex, ntohs(ra.sin_port),
		 rk.profile->name, rk.key_hex, rk.salt_hex);
	rt_relay_start_or_fail(&relay, cfg, extra);

	for (k = 0; k < NPKT; k++) {
		len = rt_send(sfd[k % NPORT], tx, &relay.addr, SSRC, (uint16_t)k, 100, pkt);
		if (k == NPKT / 2) {
			memcpy(replay, pkt, len);
			replay_len = len;
		}
		if (k % 16 == 15)	/* correctness, not capacity: a few in flight */
			rt_sleep_ms(2);
	}
	/* An RTCP sender report of the stream, from yet another port. */
	{
		uint8_t sr[RT_PKT] = { 0x80, 200, 0, 6, SSRC >> 24, (SSRC >> 16) & 0xff,
				       (SSRC >> 8) & 0xff, SSRC & 0xff };

		len = 28;
		CHECK_ERR(ksrtp_protect_rtcp(tx, sr, &len, sizeof(sr)), 0);
		rt_send_raw(sfd[3], &relay.addr, sr, len);
	}
	while ((n = rt_recv(rfd, pkt, sizeof(pkt), 1000)) > 0) {
		uint16_t q;

		len = (size_t)n;
		if (pkt[1] == 200) {	/* the sender report */
			CHECK_ERR(ksrtp_unprotect_rtcp(rx, pkt, &len), 0);
			continue;
		}
		CHECK_ERR(ksrtp_unprotect(rx, pkt, &len), 0);
		q = (uint16_t)(pkt[2] << 8 | pkt[3]);
		CHECK(q < NPKT && !seen[q]);
		if (q < NPKT && !seen[q]) {
			seen[q] = true;
			got++;
			CHECK(len == rt_rtp(want, SSRC, q, 100));
			CHECK_MEM(pkt, want, len);
		}
	}
	CHECK(got == NPKT);

	/* The replay, from every port but the one that sent it first. */
	for (i = 0; i < NPORT; i++)
		if (i != (NPKT / 2) % NPORT)
			rt_send_raw(sfd[i], &relay.addr, replay, replay_len);
	CHECK(rt_recv(rfd, pkt, sizeof(pkt), 500) < 0);

	/* Everything read and counted (a slow machine may still be at it). */
	for (k = 0; k < 100; k++) {
		stats = rt_relay_stats(&relay);
		if (rt_stat(stats, "total", "received") >= NPKT + 1 + NPORT - 1)
			break;
		rt_sleep_ms(50);
	}
	for (i = 0; i < NWORKERS; i++) {
		long long received;

		snprintf(line, sizeof(line), "worker id=%d ", i);
		received = rt_stat(stats, line, "received");
		CHECK(received == 0 || received == NPKT + 1 + NPORT - 1);
		busy += received > 0;
	}
	CHECK(busy == 1);
	CHECK(rt_stat(stats, "total", "forwarded") == NPKT + 1);
	CHECK(rt_stat(stats, "total", "rtcp") == 1);
	snprintf(line, sizeof(line), "stream ssrc=0x%08x", SSRC);
	CHECK(rt_stat(stats, line, "replays") == NPORT - 1);
	CHECK(rt_stat(stats, line, "auth_failures") == 0);
	if (test_failures)
		fprintf(stderr, "got %d of %d\nstats:\n%s", got, NPKT, stats);
	CHECK(rt_relay_stop(&relay) == 0);
	rt_relay_cleanup(&relay);
	for (i = 0; i < NPORT; i++)
		close(sfd[i]);
	close(rfd);
	ksrtp_session_free(tx);
	ksrtp_session_free(rx);
	return test_result();
}
