// SPDX-License-Identifier: MIT
/* recvmmsg() with UDP_GRO: coalesced trains split at gso_size, byte-correct; no slot lost. */
#include "ring_test.h"

int main(void)
{
	return rt_transport_test(KSRTP_TX_URING_GSO, KSRTP_RX_RECVMMSG, KSRTP_RING_GRO);
}
