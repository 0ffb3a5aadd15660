// SPDX-License-Identifier: MIT
/*
 * UDP GSO refused: with SO_NO_CHECK on the sending socket the kernel
 * rejects UDP_SEGMENT with EINVAL (udp_send_skb), as it does with EIO on a
 * device without checksum offload. The refused train goes again one
 * sendmsg per packet, the ring stops trying GSO, and every packet arrives
 * byte-correct; no slot is lost. On both GSO transports.
 */
#include "ring_test.h"

static void refused(uint8_t mode)
{
	struct ksrtp_ring_stats st;
	struct ksrtp_dest to;
	struct rt_link l;
	ksrtp_session *stx, *srx;
	ksrtp_ring *tx, *rx;
	int one = 1;

	rt_link_open(&l);
	if (setsockopt(l.tx, SOL_SOCKET, SO_NO_CHECK, &one, sizeof(one)))
		RT_FATAL("SO_NO_CHECK: %s", strerror(errno));
	to = (struct ksrtp_dest){ .fd = l.tx };
	tx = rt_ring(mode, KSRTP_RX_RECVMMSG, 0, 256, 16);
	rx = rt_ring(KSRTP_TX_SENDTO, KSRTP_RX_DEFAULT, 0, 1024, 256);
	CHECK_ERR(ksrtp_ring_listen(rx, l.rx), 0);
	stx = rt_session(KSRTP_OUTBOUND, RT_SSRC, 0);
	srx = rt_session(KSRTP_INBOUND, RT_SSRC, 0);

	/* A frame-shaped train: one GSO send, refused, then per packet. */
	rt_roundtrip(tx, rx, &to, stx, srx, 1, 8, true);
	ksrtp_ring_stats(tx, &st);
	CHECK(st.tx_gso_fallbacks == 1 && st.tx_gso_sends == 0 && st.tx_packets == 8);
	CHECK(st.tx_errors == 0);
	/* The next train goes per packet at once. */
	rt_roundtrip(tx, rx, &to, stx, srx, 9, 8, true);
	ksrtp_ring_stats(tx, &st);
	CHECK(st.tx_gso_fallbacks == 1 && st.tx_gso_sends == 0 && st.tx_packets == 16);
	rt_check_slots(tx);
	rt_check_slots(rx);

	ksrtp_session_free(stx);
	ksrtp_session_free(srx);
	ksrtp_ring_free(tx);
	ksrtp_ring_free(rx);
	rt_link_close(&l);
}

int main(void)
{
	refused(KSRTP_TX_URING_GSO);
	refused(KSRTP_TX_GSO);
	return test_result();
}
