// SPDX-License-Identifier: MIT
/*
 * A closed socket gives errors, not hangs, on every transport: a train
 * sent to it is counted as failed (EBADF), the call returns 0 at once and
 * every slot is back. Listening on it is refused. A receive whose socket
 * is closed under it returns within its timeout.
 */
#include "ring_test.h"

static const uint8_t modes[] = { KSRTP_TX_SENDTO, KSRTP_TX_SENDMMSG, KSRTP_TX_URING,
				 KSRTP_TX_URING_GSO, KSRTP_TX_GSO };

int main(void)
{
	struct ksrtp_ring_stats st;
	struct ksrtp_pkt v[8], in[8];
	struct rt_link l;
	ksrtp_session *stx;
	unsigned int m;
	double t0;
	int r;

	stx = rt_session(KSRTP_OUTBOUND, RT_SSRC, 0);
	for (m = 0; m < sizeof(modes); m++) {
		ksrtp_ring *tx = rt_ring(modes[m], KSRTP_RX_RECVMMSG, 0, 64, 16);
		struct ksrtp_dest to;
		struct ksrtp_train t;

		rt_link_open(&l);
		to = (struct ksrtp_dest){ .fd = l.tx };
		rt_link_close(&l);
		rt_train(tx, stx, v, (uint16_t)(m * 8), 8, true);
		t = (struct ksrtp_train){ .dest = &to, .v = v, .n = 8 };
		t0 = rt_now();
		CHECK_ERR(ksrtp_ring_send(tx, &t, 1), 0);
		CHECK(rt_now() - t0 < 1.0);
		ksrtp_ring_stats(tx, &st);
		CHECK(t.sent == 0 && st.tx_errors == 8 && st.last_errno == EBADF);
		CHECK(ksrtp_ring_listen(tx, l.rx) == KSRTP_EINVAL);
		rt_check_slots(tx);
		ksrtp_ring_free(tx);
	}

	/* Closed under an armed receive, on both receive paths. */
	for (m = KSRTP_RX_RECVMMSG; m <= KSRTP_RX_MULTISHOT; m++) {
		ksrtp_ring *rx = rt_ring(KSRTP_TX_SENDTO, (uint8_t)m, 0, 64, 16);

		rt_link_open(&l);
		CHECK_ERR(ksrtp_ring_listen(rx, l.rx), 0);
		CHECK_ERR(ksrtp_ring_recv(rx, in, 8, 0), 0);
		rt_link_close(&l);
		t0 = rt_now();
		r = ksrtp_ring_recv(rx, in, 8, 100);
		/* recvmmsg sees EBADF; the armed multishot holds the file and times out. */
		CHECK(m == KSRTP_RX_RECVMMSG ? r == KSRTP_EKERNEL : r == 0);
		CHECK(rt_now() - t0 < 1.0);
		rt_check_slots(rx);
		ksrtp_ring_free(rx);
	}
	ksrtp_session_free(stx);
	return test_result();
}
