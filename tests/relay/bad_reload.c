// SPDX-License-Identifier: MIT
/*
 * A SIGHUP whose config is bad (a salt of the wrong length on line 3; then a
 * good file that moves the listen address) is refused: the log names the
 * file and line, without the key, and the relay goes on forwarding with the
 * config it had.
 */
#include "relay_test.h"

#define SSRC 0x0badc0deu

static unsigned int count_received(int fd, ksrtp_session *s)
{
	uint8_t pkt[RT_PKT];
	unsigned int got = 0;
	int n;

	while ((n = rt_recv(fd, pkt, sizeof(pkt), 300)) > 0) {
		size_t len = (size_t)n;

		CHECK_ERR(ksrtp_unprotect(s, pkt, &len), 0);
		got++;
	}
	return got;
}

int main(void)
{
	struct rt_keys sk, rk;
	struct sockaddr_in ra, sa;
	ksrtp_session *tx = rt_session(), *rx = rt_session();
	int rfd, sfd, i;
	uint8_t pkt[RT_PKT];
	char good[2048], bad[2048], moved[2048];
	const char *log;
	struct rt_relay relay;

	rt_keys_make(&sk, &test_profiles[2], 11);
	rt_keys_make(&rk, &test_profiles[0], 12);
	CHECK_ERR(rt_add_stream(tx, &sk, SSRC, KSRTP_OUTBOUND), 0);
	CHECK_ERR(rt_add_stream(rx, &rk, SSRC, KSRTP_INBOUND), 0);
	sfd = rt_socket(&sa);
	rfd = rt_socket(&ra);
	snprintf(good, sizeof(good),
		 "listen 127.0.0.1:0\nstream ssrc=%u profile=%s key=%s salt=%s\n"
		 "receiver addr=127.0.0.1:%u profile=%s key=%s salt=%s streams=all\n",
		 SSRC, sk.profile->name, sk.key_hex, sk.salt_hex, ntohs(ra.sin_port),
		 rk.profile->name, rk.key_hex, rk.salt_hex);
	/* The receiver's salt cut short by two digits. */
	snprintf(bad, sizeof(bad),
		 "listen 127.0.0.1:0\nstream ssrc=%u profile=%s key=%s salt=%s\n"
		 "receiver addr=127.0.0.1:%u profile=%s key=%s salt=%.22s streams=all\n",
		 SSRC, sk.profile->name, sk.key_hex, sk.salt_hex, ntohs(ra.sin_port),
		 rk.profile->name, rk.key_hex, rk.salt_hex);
	snprintf(moved, sizeof(moved), "listen 127.0.0.1:1%s", strchr(good, '\n'));
	rt_relay_start_or_fail(&relay, good, NULL);
	for (i = 0; i < 5; i++)
		rt_send(sfd, tx, &relay.addr, SSRC, (uint16_t)i, 64, pkt);
	CHECK(count_received(rfd, rx) == 5);

	log = rt_relay_reload(&relay, bad);
	CHECK(strstr(log, "reload refused"));
	CHECK(strstr(log, "relay.conf:3: salt: AEAD_AES_128_GCM takes 12 bytes"));
	CHECK(!strstr(log, rk.key_hex) && !strstr(log, sk.key_hex));
	CHECK(!strstr(log, "reloaded"));
	for (i = 5; i < 10; i++)
		rt_send(sfd, tx, &relay.addr, SSRC, (uint16_t)i, 64, pkt);
	CHECK(count_received(rfd, rx) == 5);

	log = rt_relay_reload(&relay, moved);
	CHECK(strstr(log, "reload refused") && strstr(log, "listen cannot change"));
	for (i = 10; i < 15; i++)
		rt_send(sfd, tx, &relay.addr, SSRC, (uint16_t)i, 64, pkt);
	CHECK(count_received(rfd, rx) == 5);
	CHECK(rt_stat(rt_relay_stats(&relay), "relay", "reloads") == 0);

	CHECK(rt_relay_stop(&relay) == 0);
	if (test_failures)
		fprintf(stderr, "log:\n%s", rt_read_file(relay.log));
	rt_relay_cleanup(&relay);
	ksrtp_session_free(tx);
	ksrtp_session_free(rx);
	close(sfd);
	close(rfd);
	return test_result();
}
