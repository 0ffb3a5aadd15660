// SPDX-License-Identifier: MIT
/*
 * --threads 2: two workers, each its own socket on the one port
 * (SO_REUSEPORT). 32 senders from 32 source ports, a stream each: the kernel
 * steers them by SSRC over both workers, and every packet reaches the
 * receiver once and opens, whichever worker sealed it: a stream stays on its
 * worker, and so does its state. Then a SIGHUP
 * that drops the odd streams reaches both workers: the even ones go on
 * (opening in the receiver's one continuing session), the odd ones are
 * unknown SSRCs from then on.
 */
#include "relay_test.h"

#define NSEND 32
#define NPKT 20
#define SSRC0 0x22220000u

static bool seen[NSEND][2 * NPKT];

/* Everything pending at fd, each packet opened, intact and new; from..: its seq. */
static unsigned int receive(int fd, ksrtp_session *rx, unsigned int from)
{
	uint8_t pkt[RT_PKT], want[RT_PKT];
	unsigned int got = 0;
	int n;

	while ((n = rt_recv(fd, pkt, sizeof(pkt), 500)) > 0) {
		size_t len = (size_t)n;
		uint32_t ssrc;
		unsigned int s, q;

		CHECK_ERR(ksrtp_unprotect(rx, pkt, &len), 0);
		ssrc = (uint32_t)pkt[8] << 24 | (uint32_t)pkt[9] << 16 | (uint32_t)pkt[10] << 8 |
		       pkt[11];
		s = ssrc - SSRC0;
		q = (unsigned int)(pkt[2] << 8 | pkt[3]);
		CHECK(s < NSEND && q >= from && q < 2 * NPKT);
		if (s < NSEND && q < 2 * NPKT) {
			CHECK(!seen[s][q]);
			seen[s][q] = true;
			CHECK(len == rt_rtp(want, ssrc, (uint16_t)q, 120));
			CHECK_MEM(pkt, want, len);
		}
		got++;
	}
	return got;
}

static char *stream_line(char *c, uint32_t ssrc, const struct rt_keys *k)
{
	return c + sprintf(c, "stream ssrc=%u profile=%s key=%s salt=%s\n", ssrc,
			   k->profile->name, k->key_hex, k->salt_hex);
}

int main(void)
{
	struct rt_keys sk[NSEND], rk;
	struct sockaddr_in ra, sa[NSEND];
	ksrtp_session *tx = rt_session(), *rx = rt_session();
	const char *extra[] = { "--threads", "2", NULL };
	uint8_t pkt[RT_PKT];
	unsigned int got;
	int rfd, sfd[NSEND], i, k;
	char cfg[16384], *c;
	const char *stats;
	struct rt_relay relay;

	rt_keys_make(&rk, &test_profiles[1], 40);
	rfd = rt_socket(&ra);
	c = cfg + sprintf(cfg, "listen 127.0.0.1:0\n"
			  "receiver addr=127.0.0.1:%u profile=%s key=%s salt=%s streams=all\n",
			  ntohs(ra.sin_port), rk.profile->name, rk.key_hex, rk.salt_hex);
	for (i = 0; i < NSEND; i++) {
		rt_keys_make(&sk[i], &test_profiles[i % TEST_NPROFILES], 41 + i);
		CHECK_ERR(rt_add_stream(tx, &sk[i], SSRC0 + i, KSRTP_OUTBOUND), 0);
		CHECK_ERR(rt_add_stream(rx, &rk, SSRC0 + i, KSRTP_INBOUND), 0);
		sfd[i] = rt_socket(&sa[i]);
		c = stream_line(c, SSRC0 + i, &sk[i]);
	}
	rt_relay_start_or_fail(&relay, cfg, extra);
	for (k = 0; k < NPKT; k++)
		for (i = 0; i < NSEND; i++)
			rt_send(sfd[i], tx, &relay.addr, SSRC0 + i, (uint16_t)k, 120, pkt);
	got = receive(rfd, rx, 0);
	CHECK(got == NSEND * NPKT);
	stats = rt_relay_stats(&relay);
	CHECK(rt_stat(stats, "relay", "workers") == 2);
	CHECK(rt_stat(stats, "worker id=0", "received") > 0);
	CHECK(rt_stat(stats, "worker id=1", "received") > 0);
	CHECK(rt_stat(stats, "worker id=0", "received") + rt_stat(stats, "worker id=1", "received") ==
	      NSEND * NPKT);
	CHECK(rt_stat(stats, "total", "forwarded") == NSEND * NPKT);
	if (test_failures)
		fprintf(stderr, "got %u\nstats:\n%s", got, stats);

	/* The same receiver, the even streams only. */
	c = strchr(strchr(cfg, '\n') + 1, '\n') + 1;
	for (i = 0; i < NSEND; i += 2)
		c = stream_line(c, SSRC0 + i, &sk[i]);
	CHECK(strstr(rt_relay_reload(&relay, cfg), "reloaded: 16 streams, 1 receivers"));
	for (k = NPKT; k < 2 * NPKT; k++)
		for (i = 0; i < NSEND; i++)
			rt_send(sfd[i], tx, &relay.addr, SSRC0 + i, (uint16_t)k, 120, pkt);
	got = receive(rfd, rx, NPKT);
	CHECK(got == NSEND / 2 * NPKT);
	for (i = 0; i < NSEND; i++)
		CHECK(seen[i][2 * NPKT - 1] == !(i % 2));
	stats = rt_relay_stats(&relay);
	CHECK(rt_stat(stats, "relay", "reloads") == 1);
	CHECK(rt_stat(stats, "relay", "streams") == NSEND / 2);
	CHECK(rt_stat(stats, "inbound", "unknown_ssrc") == NSEND / 2 * NPKT);
	CHECK(rt_stat(stats, "total", "forwarded") == NSEND * NPKT + NSEND / 2 * NPKT);
	if (test_failures)
		fprintf(stderr, "after the reload: got %u\nstats:\n%s", got, stats);
	CHECK(rt_relay_stop(&relay) == 0);
	rt_relay_cleanup(&relay);
	for (i = 0; i < NSEND; i++)
		close(sfd[i]);
	ksrtp_session_free(tx);
	ksrtp_session_free(rx);
	close(rfd);
	return test_result();
}
