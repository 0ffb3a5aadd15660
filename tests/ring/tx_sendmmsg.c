// SPDX-License-Identifier: MIT
/* Trains sent with sendmmsg() arrive whole, each packet opening to the bytes sent; no slot lost. */
#include "ring_test.h"

int main(void)
{
	return rt_transport_test(KSRTP_TX_SENDMMSG, KSRTP_RX_MULTISHOT, 0);
}
