// SPDX-License-Identifier: MIT
/*
 * One sender stream forwarded to three receivers, each with keys of its own
 * and a different profile: every receiver gets every packet exactly once, it
 * authenticates with that receiver's keys (and would not with another's),
 * and the RTP packet inside is byte for byte the one the sender sealed.
 */
#include "relay_test.h"

#define NRECV 3
#define NPKT 200
#define SSRC 0x5eed0001u

int main(void)
{
	struct rt_keys sender_keys, recv_keys[NRECV];
	struct sockaddr_in recv_addr[NRECV], sender_addr;
	ksrtp_session *tx = rt_session(), *rx[NRECV];
	int recv_fd[NRECV], sender_fd, i, seq;
	static bool seen[NRECV][NPKT];
	uint8_t pkt[RT_PKT], want[RT_PKT];
	char config[4096], line[64];
	const char *stats;
	struct rt_relay relay;
	unsigned int got[NRECV] = { 0 };

	sender_fd = rt_fanout_setup(tx, SSRC, 1, &sender_keys, &sender_addr, NRECV, 100, recv_keys,
				    recv_addr, recv_fd, rx, config);
	rt_relay_start_or_fail(&relay, config, NULL);
	for (seq = 0; seq < NPKT; seq++) {
		rt_send(sender_fd, tx, &relay.addr, SSRC, (uint16_t)seq, 40 + seq % 1000, pkt);
		/* A few in flight at a time: this tests correctness, not capacity. */
		if (seq % 16 == 15)
			rt_sleep_ms(2);
	}
	for (i = 0; i < NRECV; i++) {
		int n;

		while ((n = rt_recv(recv_fd[i], pkt, sizeof(pkt), 1000)) > 0) {
			size_t len = (size_t)n;
			uint16_t s;

			if (i > 0) {	/* receiver 0's keys do not open receiver i's packets */
				uint8_t copy[RT_PKT];
				size_t clen = len;
				ksrtp_session *other = rt_session();

				CHECK_ERR(rt_add_stream(other, &recv_keys[0], SSRC, KSRTP_INBOUND),
					  0);
				memcpy(copy, pkt, len);
				CHECK(ksrtp_unprotect(other, copy, &clen) != 0);
				ksrtp_session_free(other);
			}
			CHECK_ERR(ksrtp_unprotect(rx[i], pkt, &len), 0);
			s = (uint16_t)(pkt[2] << 8 | pkt[3]);
			CHECK(s < NPKT);
			if (s >= NPKT)
				continue;
			CHECK(!seen[i][s]);
			seen[i][s] = true;
			got[i]++;
			CHECK(len == rt_rtp(want, SSRC, s, 40 + s % 1000));
			CHECK_MEM(pkt, want, len);
		}
		CHECK(got[i] == NPKT);
		if (got[i] != NPKT)
			fprintf(stderr, "receiver %d got %u of %d\n", i, got[i], NPKT);
	}
	/* Each stream on the engine that can carry it (the kernel's in tests/vm). */
	stats = rt_relay_stats(&relay);
	snprintf(line, sizeof(line), "stream ssrc=0x%08x", SSRC);
	CHECK(rt_stat_is(stats, line, "engine", rt_expected_engine(sender_keys.profile)));
	for (i = 0; i < NRECV; i++) {
		snprintf(line, sizeof(line), "receiver addr=127.0.0.1:%u ",
			 ntohs(recv_addr[i].sin_port));
		CHECK(rt_stat_is(stats, line, "engine", rt_expected_engine(recv_keys[i].profile)));
	}
	CHECK(rt_relay_stop(&relay) == 0);
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
