// SPDX-License-Identifier: MIT
/*
 * Multishot receive with a tiny provided-buffer ring (4 slots) flooded
 * with 300 datagrams: the armed receive runs out of buffers (-ENOBUFS,
 * multishot ends), the datagrams wait in the socket, and the ring re-arms
 * once slots are back, so every datagram arrives, in order. While the
 * caller holds every slot of the arena, receive says KSRTP_ENOSPACE
 * instead of spinning; once they are back it goes on. No slot is lost.
 */
#include "ring_test.h"

#define FLOOD 300

int main(void)
{
	struct ksrtp_pkt v[64], in[8], held[128];
	struct ksrtp_ring_stats st;
	struct ksrtp_dest to;
	struct rt_link l;
	ksrtp_ring *tx, *rx;
	unsigned int k, sent = 0, got = 0, nheld;
	double deadline;
	int r;

	rt_link_open(&l);
	to = (struct ksrtp_dest){ .fd = l.tx };
	tx = rt_ring(KSRTP_TX_SENDMMSG, KSRTP_RX_RECVMMSG, 0, 256, 16);
	rx = rt_ring(KSRTP_TX_SENDTO, KSRTP_RX_MULTISHOT, 0, 64, 4);
	CHECK_ERR(ksrtp_ring_listen(rx, l.rx), 0);

	while (sent < FLOOD) {
		struct ksrtp_train t = { .dest = &to, .v = v, .n = 50 };

		CHECK_ERR(ksrtp_arena_get(ksrtp_ring_arena(tx), v, 50), 50);
		for (k = 0; k < 50; k++)
			v[k].len = rt_fill(v[k].data, (uint16_t)(sent + k), 100);
		CHECK_ERR(ksrtp_ring_send(tx, &t, 1), 50);
		sent += 50;
	}

	/*
	 * Hold every free slot: the buffers posted already still fill, then
	 * receive has nothing to receive into and says so.
	 */
	nheld = ksrtp_arena_avail(ksrtp_ring_arena(rx));
	CHECK_ERR(ksrtp_arena_get(ksrtp_ring_arena(rx), held, nheld), (int)nheld);
	deadline = rt_now();
	while ((r = ksrtp_ring_recv(rx, in, 8, 200)) > 0 && nheld + (unsigned int)r <= 64) {
		for (k = 0; k < (unsigned int)r; k++) {
			uint16_t seq;

			CHECK(rt_payload_ok(in[k].data, in[k].len, &seq) && seq == got);
			got++;
			held[nheld++] = in[k];
		}
	}
	CHECK_ERR(r, KSRTP_ENOSPACE);
	CHECK(got <= 4);
	CHECK(rt_now() - deadline < 1.0);	/* no waiting without a buffer to wait with */
	ksrtp_arena_put(ksrtp_ring_arena(rx), held, nheld);

	/* Everything else arrives, in order, through re-arms. */
	deadline = rt_now() + RT_TIMEOUT_MS / 1000.0;
	while (got < FLOOD && rt_now() < deadline) {
		r = ksrtp_ring_recv(rx, in, 8, 100);
		CHECK(r >= 0);
		for (k = 0; r > 0 && k < (unsigned int)r; k++) {
			uint16_t seq;

			CHECK(rt_payload_ok(in[k].data, in[k].len, &seq) && seq == got);
			got++;
		}
		if (r > 0)
			ksrtp_arena_put(ksrtp_ring_arena(rx), in, (unsigned int)r);
	}
	CHECK(got == FLOOD);
	ksrtp_ring_stats(rx, &st);
	printf("%u datagrams through 4 buffers: %llu arms, %llu for want of buffers\n", got,
	       (unsigned long long)st.rx_arms, (unsigned long long)st.rx_nobufs);
	CHECK(st.rx_nobufs > 0 && st.rx_arms >= st.rx_nobufs && st.rx_errors == 0);
	rt_check_slots(tx);
	rt_check_slots(rx);
	ksrtp_ring_free(tx);
	ksrtp_ring_free(rx);
	rt_link_close(&l);
	return test_result();
}
