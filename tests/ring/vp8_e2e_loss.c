// SPDX-License-Identifier: MIT
/*
 * libvpx VP8 end to end through ksrtp_send_frame and ksrtp_inbound_poll with
 * 5% loss and reordering between them: only whole frames delivered, loss
 * counted exactly, the last gaps given up by the flush timer
 * (tests/ring/e2e_ring.h).
 */
#include "e2e_ring.h"

int main(void)
{
	return er_run(KSRTP_CODEC_VP8, true);
}
