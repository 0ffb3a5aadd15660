// SPDX-License-Identifier: MIT
/*
 * SIGHUP with a receiver removed and another added, the sender's stream
 * unchanged: the stream keeps its state across the reload (a packet from
 * before it, replayed after it, is still rejected and counted as a replay),
 * the receiver that stayed goes on getting packets that open in its one
 * continuing session, the removed one gets nothing more, the new one gets
 * everything from the reload on.
 */
#include "relay_test.h"

#define SSRC 0xabcd0001u

static char *receiver_line(char *c, const struct sockaddr_in *a, const struct rt_keys *k)
{
	return c + sprintf(c, "receiver addr=127.0.0.1:%u profile=%s key=%s salt=%s streams=all\n",
			   ntohs(a->sin_port), k->profile->name, k->key_hex, k->salt_hex);
}

/* Receive everything pending at fd; each must open in s and carry seq from..to-1. */
static unsigned int drain(int fd, ksrtp_session *s, unsigned int from, unsigned int to)
{
	uint8_t pkt[RT_PKT];
	unsigned int got = 0;
	int n;

	while ((n = rt_recv(fd, pkt, sizeof(pkt), 300)) > 0) {
		size_t len = (size_t)n;
		unsigned int seq;

		CHECK_ERR(ksrtp_unprotect(s, pkt, &len), 0);
		seq = (unsigned int)(pkt[2] << 8 | pkt[3]);
		CHECK(seq >= from && seq < to);
		got++;
	}
	return got;
}

int main(void)
{
	struct rt_keys sk, rk[3];
	struct sockaddr_in ra[3], sa;
	ksrtp_session *tx = rt_session(), *rx[3];
	int rfd[3], sfd, i;
	uint8_t pkt[RT_PKT], old[RT_PKT];
	size_t old_len = 0;
	char cfg[4096], *c;
	const char *log, *stats;
	struct rt_relay relay;

	rt_keys_make(&sk, &test_profiles[0], 7);
	CHECK_ERR(rt_add_stream(tx, &sk, SSRC, KSRTP_OUTBOUND), 0);
	sfd = rt_socket(&sa);
	for (i = 0; i < 3; i++) {
		rt_keys_make(&rk[i], &test_profiles[i], 70 + i);
		rfd[i] = rt_socket(&ra[i]);
		rx[i] = rt_session();
		CHECK_ERR(rt_add_stream(rx[i], &rk[i], SSRC, KSRTP_INBOUND), 0);
	}
	c = cfg + sprintf(cfg, "listen 127.0.0.1:0\nstream ssrc=%u profile=%s key=%s salt=%s\n",
			  SSRC, sk.profile->name, sk.key_hex, sk.salt_hex);
	c = receiver_line(c, &ra[0], &rk[0]);
	receiver_line(c, &ra[1], &rk[1]);
	rt_relay_start_or_fail(&relay, cfg, NULL);
	for (i = 0; i < 10; i++) {
		size_t len = rt_send(sfd, tx, &relay.addr, SSRC, (uint16_t)i, 100, pkt);

		if (i == 5) {
			memcpy(old, pkt, len);
			old_len = len;
		}
	}
	CHECK(drain(rfd[0], rx[0], 0, 10) == 10);
	CHECK(drain(rfd[1], rx[1], 0, 10) == 10);

	/* Receiver 1 goes, receiver 2 comes; the stream and receiver 0 stay. */
	c = cfg + sprintf(cfg, "listen 127.0.0.1:0\nstream ssrc=%u profile=%s key=%s salt=%s\n",
			  SSRC, sk.profile->name, sk.key_hex, sk.salt_hex);
	c = receiver_line(c, &ra[2], &rk[2]);
	receiver_line(c, &ra[0], &rk[0]);
	log = rt_relay_reload(&relay, cfg);
	CHECK(strstr(log, "reloaded: 1 streams, 2 receivers"));

	rt_send_raw(sfd, &relay.addr, old, old_len);	/* seq 5 again */
	for (i = 10; i < 20; i++)
		rt_send(sfd, tx, &relay.addr, SSRC, (uint16_t)i, 100, pkt);
	CHECK(drain(rfd[0], rx[0], 10, 20) == 10);
	CHECK(drain(rfd[1], rx[1], 0, 0) == 0);
	CHECK(drain(rfd[2], rx[2], 10, 20) == 10);

	stats = rt_relay_stats(&relay);
	CHECK(rt_stat(stats, "relay", "reloads") == 1);
	CHECK(rt_stat(stats, "stream ssrc=0xabcd0001", "packets") == 20);
	CHECK(rt_stat(stats, "stream ssrc=0xabcd0001", "replays") == 1);
	CHECK(rt_stat(stats, "total", "forwarded") == 40);
	if (test_failures)
		fprintf(stderr, "stats:\n%s\nlog:\n%s", stats, rt_read_file(relay.log));
	CHECK(rt_relay_stop(&relay) == 0);
	rt_relay_cleanup(&relay);
	for (i = 0; i < 3; i++) {
		ksrtp_session_free(rx[i]);
		close(rfd[i]);
	}
	ksrtp_session_free(tx);
	close(sfd);
	return test_result();
}
