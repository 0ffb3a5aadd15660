// SPDX-License-Identifier: MIT
/* Trains sent with io_uring + UDP GSO (frame-shaped trains as one GSO send, mixed-size ones per packet) arrive whole and byte-correct; no slot lost. */
#include "ring_test.h"

int main(void)
{
	return rt_transport_test(KSRTP_TX_URING_GSO, KSRTP_RX_MULTISHOT, 0);
}
