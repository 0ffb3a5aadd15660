// SPDX-License-Identifier: MIT
/*
 * The attack telemetry on SIGUSR1: forged packets (a flipped bit) count as
 * auth_failures of their stream, replays as replays, a packet too short for
 * its tag as malformed (by reason: no_tag), one too short for a header as
 * malformed too_short of the session only, a packet for an SSRC nobody
 * configured as unknown_ssrc, RTCP as rtcp (an unsealed one for SSRC 0 as
 * unknown_ssrc too: the relay opens RTCP as it opens RTP); none of them
 * reaches the receiver. And neither the stats nor
 * anything the relay logged contains a key or a salt.
 */
#include "relay_test.h"

#define SSRC 0x51a75001u
#define OTHER 0x51a75002u

int main(void)
{
	struct rt_keys sk, rk, ok;
	struct sockaddr_in ra, sa;
	ksrtp_session *tx = rt_session(), *rx = rt_session();
	uint8_t pkt[RT_PKT], copy[RT_PKT], rtcp[28];
	unsigned int got = 0;
	int rfd, sfd, i, n;
	char cfg[2048];
	const char *stats, *log;
	struct rt_relay relay;
	size_t len;

	rt_keys_make(&sk, &test_profiles[0], 21);
	rt_keys_make(&rk, &test_profiles[3], 22);
	rt_keys_make(&ok, &test_profiles[0], 23);
	CHECK_ERR(rt_add_stream(tx, &sk, SSRC, KSRTP_OUTBOUND), 0);
	CHECK_ERR(rt_add_stream(tx, &ok, OTHER, KSRTP_OUTBOUND), 0);
	CHECK_ERR(rt_add_stream(rx, &rk, SSRC, KSRTP_INBOUND), 0);
	sfd = rt_socket(&sa);
	rfd = rt_socket(&ra);
	snprintf(cfg, sizeof(cfg),
		 "listen 127.0.0.1:0\nstream ssrc=%u profile=%s key=%s salt=%s\n"
		 "receiver addr=127.0.0.1:%u profile=%s key=%s salt=%s streams=%u\n",
		 SSRC, sk.profile->name, sk.key_hex, sk.salt_hex, ntohs(ra.sin_port),
		 rk.profile->name, rk.key_hex, rk.salt_hex, SSRC);
	rt_relay_start_or_fail(&relay, cfg, NULL);
	for (i = 0; i < 10; i++) {
		len = rt_send(sfd, tx, &relay.addr, SSRC, (uint16_t)i, 80, pkt);
		if (i < 2)
			rt_send_raw(sfd, &relay.addr, pkt, len);	/* replayed at once */
	}
	/* Forged: sealed properly for seq 100..102, then one bit flipped in the payload. */
	for (i = 0; i < 3; i++) {
		len = rt_rtp(copy, SSRC, (uint16_t)(100 + i), 80);
		CHECK_ERR(ksrtp_protect(tx, copy, &len, sizeof(copy)), 0);
		copy[20] ^= 0x01;
		rt_send_raw(sfd, &relay.addr, copy, len);
	}
	/* Malformed: SSRC's header and 4 bytes, shorter than a GCM tag. */
	rt_rtp(copy, SSRC, 200, 4);
	rt_send_raw(sfd, &relay.addr, copy, 16);
	/* An RTCP sender report (RFC 5761 demultiplexing: type 200), SSRC 0, never sealed. */
	memset(rtcp, 0, sizeof(rtcp));
	rtcp[0] = 0x80;
	rtcp[1] = 200;
	rt_send_raw(sfd, &relay.addr, rtcp, sizeof(rtcp));
	/* Too short for any RTP header: no stream to count it, the session does. */
	rt_send_raw(sfd, &relay.addr, copy, 5);
	/* A stream the relay does not know, sealed with keys it does not have. */
	rt_send(sfd, tx, &relay.addr, OTHER, 1, 80, pkt);

	while ((n = rt_recv(rfd, pkt, sizeof(pkt), 300)) > 0) {
		len = (size_t)n;
		CHECK_ERR(ksrtp_unprotect(rx, pkt, &len), 0);
		got++;
	}
	CHECK(got == 10);
	stats = rt_relay_stats(&relay);
	CHECK(rt_stat(stats, "stream ssrc=0x51a75001", "packets") == 10);
	CHECK(rt_stat(stats, "stream ssrc=0x51a75001", "auth_failures") == 3);
	CHECK(rt_stat(stats, "stream ssrc=0x51a75001", "replays") == 2);
	CHECK(rt_stat(stats, "stream ssrc=0x51a75001", "malformed") == 1);
	CHECK(rt_stat(stats, "total", "received") == 19);
	CHECK(rt_stat(stats, "total", "rtcp") == 1);
	CHECK(rt_stat(stats, "total", "forwarded") == 10);
	CHECK(rt_stat(stats, "inbound", "unknown_ssrc") == 2);	/* OTHER, the RTCP */
	CHECK(rt_stat(stats, "inbound", "auth_failures") == 3);
	CHECK(rt_stat(stats, "inbound", "malformed_no_tag") == 1);
	CHECK(rt_stat(stats, "inbound", "malformed_too_short") == 1);
	CHECK(rt_stat(stats, "inbound", "malformed") == 2);
	CHECK(rt_stat(stats, "receiver addr=127.0.0.1", "sealed") == 10);
	CHECK(!strstr(stats, sk.key_hex) && !strstr(stats, sk.salt_hex));
	CHECK(!strstr(stats, rk.key_hex) && !strstr(stats, rk.salt_hex));
	if (test_failures)
		fprintf(stderr, "stats:\n%s", stats);

	CHECK(rt_relay_stop(&relay) == 0);
	/* The final counters at exit, and the whole log: no key material either. */
	stats = rt_read_file(relay.stats);
	CHECK(rt_stat(stats, "stream ssrc=0x51a75001", "auth_failures") == 3);
	CHECK(!strstr(stats, sk.key_hex) && !strstr(stats, rk.key_hex));
	log = rt_read_file(relay.log);
	CHECK(!strstr(log, sk.key_hex) && !strstr(log, sk.salt_hex));
	CHECK(!strstr(log, rk.key_hex) && !strstr(log, rk.salt_hex));
	rt_relay_cleanup(&relay);
	ksrtp_session_free(tx);
	ksrtp_session_free(rx);
	close(sfd);
	close(rfd);
	return test_result();
}
