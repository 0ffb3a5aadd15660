// SPDX-License-Identifier: MIT
/*
 * libvpx VP8 end to end through ksrtp_send_frame and ksrtp_inbound_poll on
 * loopback: every frame delivered, byte for byte as encoded, and decoded to
 * the reference picture (tests/ring/e2e_ring.h).
 */
#include "e2e_ring.h"

int main(void)
{
	return er_run(KSRTP_CODEC_VP8, false);
}
