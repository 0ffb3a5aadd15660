// SPDX-License-Identifier: MIT
/*
 * SIGTERM right after a burst: the relay drains what its socket already
 * holds (every packet of the burst reaches the receiver), writes its final
 * counters, and exits 0, well within the test's bound.
 */
#include "relay_test.h"

#define SSRC 0x7e7e0001u
#define NPKT 300

int main(void)
{
	struct rt_keys sk, rk;
	struct sockaddr_in ra, sa;
	ksrtp_session *tx = rt_session(), *rx = rt_session();
	uint8_t pkt[RT_PKT];
	unsigned int got = 0;
	int rfd, sfd, i, n;
	char cfg[2048];
	struct rt_relay relay;

	rt_keys_make(&sk, &test_profiles[0], 31);
	rt_keys_make(&rk, &test_profiles[0], 32);
	CHECK_ERR(rt_add_stream(tx, &sk, SSRC, KSRTP_OUTBOUND), 0);
	CHECK_ERR(rt_add_stream(rx, &rk, SSRC, KSRTP_INBOUND), 0);
	sfd = rt_socket(&sa);
	rfd = rt_socket(&ra);
	snprintf(cfg, sizeof(cfg),
		 "listen 127.0.0.1:0\nstream ssrc=%u profile=%s key=%s salt=%s\n"
		 "receiver addr=127.0.0.1:%u profile=%s key=%s salt=%s streams=all\n",
		 SSRC, sk.profile->name, sk.key_hex, sk.salt_hex, ntohs(ra.sin_port),
		 rk.profile->name, rk.key_hex, rk.salt_hex);
	rt_relay_start_or_fail(&relay, cfg, NULL);
	for (i = 0; i < NPKT; i++)
		rt_send(sfd, tx, &relay.addr, SSRC, (uint16_t)i, 200, pkt);
	kill(relay.pid, SIGTERM);
	CHECK(rt_relay_wait(&relay, RT_WAIT_MS));
	CHECK(relay.exited && WIFEXITED(relay.status) && WEXITSTATUS(relay.status) == 0);
	while ((n = rt_recv(rfd, pkt, sizeof(pkt), 300)) > 0) {
		size_t len = (size_t)n;

		CHECK_ERR(ksrtp_unprotect(rx, pkt, &len), 0);
		got++;
	}
	CHECK(got == NPKT);
	CHECK(rt_stat(rt_read_file(relay.stats), "total", "forwarded") == NPKT);
	CHECK(strstr(rt_read_file(relay.log), "ksrtp-relay: stopped"));
	if (test_failures)
		fprintf(stderr, "got %u of %d\nlog:\n%s", got, NPKT, rt_read_file(relay.log));
	rt_relay_cleanup(&relay);
	ksrtp_session_free(tx);
	ksrtp_session_free(rx);
	close(sfd);
	close(rfd);
	return test_result();
}
