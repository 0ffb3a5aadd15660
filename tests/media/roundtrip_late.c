// SPDX-License-Identifier: MIT
/*
 * A packet given up as lost that arrives after all (reorder 4, the packet
 * 10 places late): it is refused as late (KSRTP_EREPLAY), the loss count
 * goes back down (it was not lost), the frame it belonged to is dropped
 * and the next one delivered marked discontinuous. A packet from further
 * back than the window is late too; every other frame is delivered.
 */
#include "media_test.h"

int main(void)
{
	unsigned long long rng = 7;
	struct ksrtp_packetizer pz;
	struct ksrtp_assembler_stats stats;
	struct mt_stream st;
	struct mt_rx rx;
	unsigned int i, late = 0, victim_frame = 0;

	mt_packetizer(&pz, KSRTP_CODEC_VP8, 0, 0, 0);
	mt_stream_build(&st, &pz, 100, 3000, 30, &rng);
	mt_rx_init(&rx, mt_assembler(KSRTP_CODEC_VP8, 16, 4), &st);
	/* The victim: the second packet of the first frame of two or more packets past 10. */
	for (i = 10; i < st.nf; i++) {
		if (st.f[i].npkts > 1) {
			victim_frame = i;
			break;
		}
	}
	if (!victim_frame)
		MT_FATAL("no frame of two packets");
	late = st.f[victim_frame].first_pkt + 1;
	for (i = 0; i < st.np; i++) {
		if (i == late)
			continue;
		CHECK_ERR(mt_push(rx.a, &st.p[i]), 0);
		if (i == late + 10)
			CHECK_ERR(mt_push(rx.a, &st.p[late]), KSRTP_EREPLAY);
		mt_rx_drain(&rx);
	}
	/* From more than a window back. */
	CHECK_ERR(mt_push(rx.a, &st.p[0]), KSRTP_EREPLAY);
	ksrtp_assembler_flush(rx.a);
	mt_rx_drain(&rx);
	ksrtp_assembler_stats(rx.a, &stats);
	for (i = 0; i < st.nf; i++) {
		CHECK(rx.got[i] == (i != victim_frame));
		CHECK(!!(rx.flags[i] & KSRTP_FI_DISCONT) == (i == victim_frame + 1));
	}
	CHECK(stats.lost == 0 && stats.late == 2 && stats.frames_dropped == 1);
	CHECK(stats.frames == st.nf - 1 && !stats.duplicates);
	mt_rx_free(&rx);
	ksrtp_assembler_free(rx.a);
	mt_stream_free(&st);
	return test_result();
}
