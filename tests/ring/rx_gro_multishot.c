// SPDX-License-Identifier: MIT
/* Multishot receive with UDP_GRO: coalesced GSO trains are split at their gso_size into one slot per packet, byte-correct; no slot lost. */
#include "ring_test.h"

int main(void)
{
	return rt_transport_test(KSRTP_TX_URING_GSO, KSRTP_RX_MULTISHOT, KSRTP_RING_GRO);
}
