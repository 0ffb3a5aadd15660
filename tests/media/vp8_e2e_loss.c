// SPDX-License-Identifier: MIT
/*
 * VP8 end to end, with 5% loss and reordering between sender and receiver (see e2e.h):
 * libvpx encode, packetize, seal, loopback UDP, open, assemble, decode.
 */
#include "e2e.h"

int main(void)
{
	return e2e_run(KSRTP_CODEC_VP8, true);
}
