// SPDX-License-Identifier: MIT
/*
 * Trains sent with one plain sendmsg() and UDP_SEGMENT each (no io_uring)
 * arrive whole and byte-correct; no slot lost.
 */
#include "ring_test.h"

int main(void)
{
	return rt_transport_test(KSRTP_TX_GSO, KSRTP_RX_MULTISHOT, 0);
}
