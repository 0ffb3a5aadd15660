// SPDX-License-Identifier: MIT
/* Trains sent with one sendto() per packet arrive whole, each packet opening to the bytes sent; no slot lost. */
#include "ring_test.h"

int main(void)
{
	return rt_transport_test(KSRTP_TX_SENDTO, KSRTP_RX_MULTISHOT, 0);
}
