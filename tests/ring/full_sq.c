// SPDX-License-Identifier: MIT
/*
 * A full submission queue: a ring of 2 SQ entries sends three trains of
 * 40 mixed-size packets (one SENDMSG each, 120 in all) in one call, so
 * the queue fills again and again and is submitted and reaped before
 * more go in. Every packet arrives byte-correct, nothing is counted as
 * failed, no slot is lost.
 */
#include "ring_test.h"

#define N 120

int main(void)
{
	struct ksrtp_ring_config cfg = { .tx = KSRTP_TX_URING, .rx = KSRTP_RX_RECVMMSG,
					 .arena_slots = 256, .sq_entries = 2, .rx_slots = 16 };
	struct ksrtp_pkt v[N];
	struct ksrtp_train t[3];
	struct ksrtp_ring_stats st;
	struct ksrtp_dest to;
	struct rt_link l;
	ksrtp_session *stx, *srx;
	ksrtp_ring *tx, *rx;
	unsigned int k;
	int err = 0;

	rt_link_open(&l);
	to = (struct ksrtp_dest){ .fd = l.tx };
	tx = ksrtp_ring_new(&cfg, &err);
	if (!tx)
		RT_FATAL("ksrtp_ring_new: %s", ksrtp_strerror(err));
	rx = rt_ring(KSRTP_TX_SENDTO, KSRTP_RX_DEFAULT, 0, 1024, 256);
	CHECK_ERR(ksrtp_ring_listen(rx, l.rx), 0);
	stx = rt_session(KSRTP_OUTBOUND, RT_SSRC, 0);
	srx = rt_session(KSRTP_INBOUND, RT_SSRC, 0);

	rt_train(tx, stx, v, 500, N, false);
	for (k = 0; k < 3; k++)
		t[k] = (struct ksrtp_train){ .dest = &to, .v = v + 40 * k, .n = 40 };
	CHECK_ERR(ksrtp_ring_send(tx, t, 3), N);
	CHECK(t[0].sent == 40 && t[1].sent == 40 && t[2].sent == 40);
	ksrtp_ring_stats(tx, &st);
	printf("%llu packets in %llu io_uring_enter calls\n", (unsigned long long)st.tx_packets,
	       (unsigned long long)st.tx_calls);
	CHECK(st.tx_calls >= N / 2 && st.tx_errors == 0);
	rt_expect(rx, srx, 500, N, false);
	rt_check_slots(tx);
	rt_check_slots(rx);

	ksrtp_session_free(stx);
	ksrtp_session_free(srx);
	ksrtp_ring_free(tx);
	ksrtp_ring_free(rx);
	rt_link_close(&l);
	return test_result();
}
