// SPDX-License-Identifier: MIT
/* Trains sent with one io_uring SENDMSG per packet arrive whole and byte-correct; no slot lost. */
#include "ring_test.h"

int main(void)
{
	return rt_transport_test(KSRTP_TX_URING, KSRTP_RX_MULTISHOT, 0);
}
