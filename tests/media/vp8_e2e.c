// SPDX-License-Identifier: MIT
/*
 * VP8 end to end (see e2e.h):
 * libvpx encode, packetize, seal, loopback UDP, open, assemble, decode.
 */
#include "e2e.h"

int main(void)
{
	return e2e_run(KSRTP_CODEC_VP8, false);
}
