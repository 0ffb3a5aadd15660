// SPDX-License-Identifier: MIT
/*
 * Packetize -> duplicate -> assemble, for VP8, VP9 and the generic format:
 * about one packet in ten is pushed twice, right away or up to 20 packets
 * later (the copy then meets a packet still waiting in the window, or one
 * already delivered). Each copy is refused with KSRTP_EREPLAY and counted
 * as a duplicate; every frame is delivered exactly once, nothing is lost
 * or late.
 */
#include "media_test.h"

static void run(uint8_t codec)
{
	unsigned long long rng = 0xd00d + codec;
	struct ksrtp_packetizer pz;
	struct ksrtp_assembler_stats stats;
	struct mt_stream st;
	struct mt_rx rx;
	unsigned int i, dups = 0, skip = codec == KSRTP_CODEC_GENERIC;

	mt_packetizer(&pz, codec, 0, 0, 0);
	mt_stream_build(&st, &pz, 200, 4000, 40, &rng);
	mt_rx_init(&rx, mt_assembler(codec, 0, 0), &st);
	for (i = 0; i < st.np; i++) {
		unsigned int r = (unsigned int)(test_rand(&rng) % 100);

		CHECK_ERR(mt_push(rx.a, &st.p[i]), 0);
		if (r < 5) {
			CHECK_ERR(mt_push(rx.a, &st.p[i]), KSRTP_EREPLAY);
			dups++;
		} else if (r < 10 && i >= 20) {
			CHECK_ERR(mt_push(rx.a, &st.p[i - 1 - r % 20]), KSRTP_EREPLAY);
			dups++;
		}
		mt_rx_drain(&rx);
	}
	ksrtp_assembler_flush(rx.a);
	mt_rx_drain(&rx);
	ksrtp_assembler_stats(rx.a, &stats);
	for (i = 0; i < st.nf; i++)
		CHECK(rx.got[i] == (i >= skip));
	CHECK(dups > 20 && stats.duplicates == dups);
	CHECK(stats.frames == st.nf - skip && stats.packets == st.np);
	CHECK(!stats.lost && !stats.late && !stats.malformed && !stats.inconsistent);
	mt_rx_free(&rx);
	ksrtp_assembler_free(rx.a);
	mt_stream_free(&st);
}

int main(void)
{
	run(KSRTP_CODEC_VP8);
	run(KSRTP_CODEC_VP9);
	run(KSRTP_CODEC_GENERIC);
	return test_result();
}
