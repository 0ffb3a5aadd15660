// SPDX-License-Identifier: MIT
/*
 * The relay over IPv6: listening on [::1], it forwards a sender's SRTP and
 * SRTCP to two receivers on [::1], each packet exactly once, sealed with
 * that receiver's keys, byte for byte the sender's inside. Not applicable
 * only where the machine has no IPv6 loopback.
 */
#include "relay_test.h"

#define NRECV 2
#define NPKT 50
#define SSRC 0x5eed0601u

/* A UDP socket on [::1], a free port; -1 when the machine has no IPv6 loopback. */
static int socket6(struct sockaddr_in6 *addr)
{
	socklen_t len = sizeof(*addr);
	int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	memset(addr, 0, sizeof(*addr));
	addr->sin6_family = AF_INET6;
	addr->sin6_addr = in6addr_loopback;
	if (fd < 0 || bind(fd, (struct sockaddr *)addr, sizeof(*addr)) ||
	    getsockname(fd, (struct sockaddr *)addr, &len)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static void send6(int fd, const struct sockaddr_in6 *to, const uint8_t *p, size_t len)
{
	if (sendto(fd, p, len, 0, (const struct sockaddr *)to, sizeof(*to)) != (ssize_t)len) {
		perror("send6");
		exit(T_FAIL);
	}
}

int main(void)
{
	struct rt_keys sender_keys, recv_keys[NRECV];
	struct sockaddr_in6 recv_addr[NRECV], sender_addr, relay6;
	ksrtp_session *tx = rt_session(), *rx[NRECV];
	int recv_fd[NRECV], sender_fd, i, seq;
	static bool seen[NRECV][NPKT];
	unsigned int got[NRECV] = { 0 };
	uint8_t pkt[RT_PKT], want[RT_PKT];
	char config[4096], *c = config;
	struct rt_relay relay;
	size_t len;

	sender_fd = socket6(&sender_addr);
	if (sender_fd < 0) {
		printf("not applicable: no IPv6 loopback ([::1]): %s\n", strerror(errno));
		return T_SKIP;
	}
	rt_keys_make(&sender_keys, &test_profiles[0], 61);
	CHECK_ERR(rt_add_stream(tx, &sender_keys, SSRC, KSRTP_OUTBOUND), 0);
	c += sprintf(c, "listen [::1]:0\nstream ssrc=%u profile=%s key=%s salt=%s\n", SSRC,
		     sender_keys.profile->name, sender_keys.key_hex, sender_keys.salt_hex);
	for (i = 0; i < NRECV; i++) {
		rt_keys_make(&recv_keys[i], &test_profiles[2 + i], 160 + i);
		recv_fd[i] = socket6(&recv_addr[i]);
		CHECK(recv_fd[i] >= 0);
		rx[i] = rt_session();
		CHECK_ERR(rt_add_stream(rx[i], &recv_keys[i], SSRC, KSRTP_INBOUND), 0);
		c += sprintf(c, "receiver addr=[::1]:%u profile=%s key=%s salt=%s streams=all\n",
			     ntohs(recv_addr[i].sin6_port), recv_keys[i].profile->name,
			     recv_keys[i].key_hex, recv_keys[i].salt_hex);
	}
	rt_relay_start_or_fail(&relay, config, NULL);
	CHECK(strstr(rt_read_file(relay.log), "listening on [::1]:") != NULL);
	relay6 = (struct sockaddr_in6){ .sin6_family = AF_INET6, .sin6_addr = in6addr_loopback,
					.sin6_port = relay.addr.sin_port };
	/* Each seq as RTP, and as an RTCP receiver report (no blocks) right after it. */
	for (seq = 0; seq < NPKT; seq++) {
		len = rt_rtp(pkt, SSRC, (uint16_t)seq, 60 + seq);
		CHECK_ERR(ksrtp_protect(tx, pkt, &len, sizeof(pkt)), 0);
		send6(sender_fd, &relay6, pkt, len);
		memset(pkt, 0, 8);
		pkt[0] = 0x80;
		pkt[1] = 201;
		pkt[3] = 1;
		pkt[4] = (uint8_t)(SSRC >> 24);
		pkt[5] = (uint8_t)(SSRC >> 16);
		pkt[6] = (uint8_t)(SSRC >> 8);
		pkt[7] = (uint8_t)SSRC;
		len = 8;
		CHECK_ERR(ksrtp_protect_rtcp(tx, pkt, &len, sizeof(pkt)), 0);
		send6(sender_fd, &relay6, pkt, len);
		if (seq % 8 == 7)
			rt_sleep_ms(2);
	}
	for (i = 0; i < NRECV; i++) {
		unsigned int rtcp_seen = 0;
		int n;

		while ((n = rt_recv(recv_fd[i], pkt, sizeof(pkt), 1000)) > 0) {
			uint16_t s;

			len = (size_t)n;
			if (pkt[1] == 201) {
				CHECK_ERR(ksrtp_unprotect_rtcp(rx[i], pkt, &len), 0);
				CHECK(len == 8);
				rtcp_seen++;
				continue;
			}
			CHECK_ERR(ksrtp_unprotect(rx[i], pkt, &len), 0);
			s = (uint16_t)(pkt[2] << 8 | pkt[3]);
			CHECK(s < NPKT);
			if (s >= NPKT)
				continue;
			CHECK(!seen[i][s]);
			seen[i][s] = true;
			got[i]++;
			CHECK(len == rt_rtp(want, SSRC, s, 60 + s));
			CHECK_MEM(pkt, want, len);
		}
		CHECK(got[i] == NPKT);
		CHECK(rtcp_seen == NPKT);
		if (got[i] != NPKT || rtcp_seen != NPKT)
			fprintf(stderr, "receiver %d got %u RTP, %u RTCP of %d\n", i, got[i],
				rtcp_seen, NPKT);
	}
	CHECK(rt_relay_stop(&relay) == 0);
	if (test_failures)
		fputs(rt_read_file(relay.log), stderr);
	rt_relay_cleanup(&relay);
	for (i = 0; i < NRECV; i++) {
		ksrtp_session_free(rx[i]);
		close(recv_fd[i]);
	}
	ksrtp_session_free(tx);
	close(sender_fd);
	return test_result();
}
