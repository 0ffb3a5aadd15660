// SPDX-License-Identifier: MIT
/*
 * GSO trains cut where packet sizes change: a train of runs of equal
 * sizes (each run may end with one shorter packet, as a frame's last) goes
 * as one GSO send per run, a lone packet as a plain send; and a train
 * longer than KSRTP_RING_GSO_MAX segments is split. All arrive in order
 * and byte-correct.
 */
#include "ring_test.h"

static const uint32_t sizes[] = {
	1200, 1200, 1200, 300,		/* run of 4: GSO, short last */
	800,				/* lone: plain */
	1000, 1000,			/* run of 2: GSO */
	1200, 1200, 1200, 1200, 1250,	/* run of 4 (1250 is longer: starts the next) */
	1250, 90,			/* run of 2: GSO */
};
#define NSIZES (sizeof(sizes) / sizeof(sizes[0]))

int main(void)
{
	struct ksrtp_pkt v[100], in[64];
	struct ksrtp_train t;
	struct ksrtp_ring_stats st;
	struct ksrtp_dest to;
	struct rt_link l;
	ksrtp_ring *tx, *rx;
	unsigned int k, got = 0, n;
	double deadline;

	rt_link_open(&l);
	to = (struct ksrtp_dest){ .fd = l.tx };
	tx = rt_ring(KSRTP_TX_URING_GSO, KSRTP_RX_RECVMMSG, 0, 256, 16);
	rx = rt_ring(KSRTP_TX_SENDTO, KSRTP_RX_RECVMMSG, 0, 1024, 256);
	CHECK_ERR(ksrtp_ring_listen(rx, l.rx), 0);

	/* Unsealed RTP is fine here: this tests the cutting, not the crypto. */
	CHECK_ERR(ksrtp_arena_get(ksrtp_ring_arena(tx), v, NSIZES), (int)NSIZES);
	for (k = 0; k < NSIZES; k++)
		v[k].len = rt_fill(v[k].data, (uint16_t)k, sizes[k] - 12);
	t = (struct ksrtp_train){ .dest = &to, .v = v, .n = NSIZES };
	CHECK_ERR(ksrtp_ring_send(tx, &t, 1), (int)NSIZES);
	ksrtp_ring_stats(tx, &st);
	CHECK(st.tx_gso_sends == 4 && st.tx_packets == NSIZES);

	/* 100 equal packets: two GSO sends (64 + 36). */
	n = 100;
	CHECK_ERR(ksrtp_arena_get(ksrtp_ring_arena(tx), v, n), (int)n);
	for (k = 0; k < n; k++)
		v[k].len = rt_fill(v[k].data, (uint16_t)(NSIZES + k), 500);
	t = (struct ksrtp_train){ .dest = &to, .v = v, .n = n };
	CHECK_ERR(ksrtp_ring_send(tx, &t, 1), (int)n);
	ksrtp_ring_stats(tx, &st);
	CHECK(st.tx_gso_sends == 6 && st.tx_errors == 0);

	deadline = rt_now() + RT_TIMEOUT_MS / 1000.0;
	while (got < NSIZES + n && rt_now() < deadline) {
		int r = ksrtp_ring_recv(rx, in, 64, 100);

		CHECK(r >= 0);
		for (k = 0; r > 0 && k < (unsigned int)r; k++) {
			uint16_t seq;
			uint32_t want;

			want = got < NSIZES ? sizes[got] : 512;
			CHECK(rt_payload_ok(in[k].data, in[k].len, &seq) && seq == got &&
			      in[k].len == want);
			got++;
		}
		if (r > 0)
			ksrtp_arena_put(ksrtp_ring_arena(rx), in, (unsigned int)r);
	}
	CHECK(got == NSIZES + n);
	rt_check_slots(tx);
	rt_check_slots(rx);
	ksrtp_ring_free(tx);
	ksrtp_ring_free(rx);
	rt_link_close(&l);
	return test_result();
}
