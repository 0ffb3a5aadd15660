// SPDX-License-Identifier: MIT
/*
 * A datagram larger than a slot (3000 bytes) is dropped and counted
 * (rx_truncated), never handed out cut short, and its slot goes back; the
 * datagrams around it arrive whole. On both receive paths.
 */
#include "ring_test.h"

int main(void)
{
	static uint8_t big[3000], small[200];
	struct ksrtp_ring_stats st;
	struct ksrtp_pkt in[8];
	unsigned int m, got;
	uint16_t seq;
	double deadline;

	for (m = KSRTP_RX_RECVMMSG; m <= KSRTP_RX_MULTISHOT; m++) {
		ksrtp_ring *rx = rt_ring(KSRTP_TX_SENDTO, (uint8_t)m, 0, 64, 16);
		struct rt_link l;

		rt_link_open(&l);
		CHECK_ERR(ksrtp_ring_listen(rx, l.rx), 0);
		rt_fill(small, 1, sizeof(small) - 12);
		rt_fill(big, 2, sizeof(big) - 12);
		CHECK(send(l.tx, small, sizeof(small), 0) == sizeof(small));
		CHECK(send(l.tx, big, sizeof(big), 0) == sizeof(big));
		rt_fill(small, 3, sizeof(small) - 12);
		CHECK(send(l.tx, small, sizeof(small), 0) == sizeof(small));
		got = 0;
		deadline = rt_now() + RT_TIMEOUT_MS / 1000.0;
		while (got < 2 && rt_now() < deadline) {
			int r = ksrtp_ring_recv(rx, in, 8, 100);
			unsigned int k;

			CHECK(r >= 0);
			for (k = 0; r > 0 && k < (unsigned int)r; k++) {
				CHECK(in[k].len == sizeof(small) &&
				      rt_payload_ok(in[k].data, in[k].len, &seq) &&
				      seq == (got ? 3 : 1));
				got++;
			}
			if (r > 0)
				ksrtp_arena_put(ksrtp_ring_arena(rx), in, (unsigned int)r);
		}
		CHECK(got == 2);
		CHECK_ERR(ksrtp_ring_recv(rx, in, 8, 50), 0);
		ksrtp_ring_stats(rx, &st);
		CHECK(st.rx_truncated == 1 && st.rx_packets == 2 && st.rx_errors == 0);
		rt_check_slots(rx);
		ksrtp_ring_free(rx);
		rt_link_close(&l);
	}
	return test_result();
}
