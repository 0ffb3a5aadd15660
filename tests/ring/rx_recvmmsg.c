// SPDX-License-Identifier: MIT
/* The recvmmsg() receive path (where multishot is not available) takes GSO trains whole and byte-correct; no slot lost. */
#include "ring_test.h"

int main(void)
{
	return rt_transport_test(KSRTP_TX_URING_GSO, KSRTP_RX_RECVMMSG, 0);
}
