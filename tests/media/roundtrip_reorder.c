// SPDX-License-Identifier: MIT
/*
 * Packetize -> reorder -> assemble, for VP8, VP9 and the generic format:
 * 200 frames (a key frame every 50, up to 6 kB each, the sequence number
 * wrapping inside the stream) whose packets arrive shuffled, none more than
 * 24 places from where it was sent (the assembler waits 32). Every frame
 * must come out once, in order, byte for byte, with its key flag; nothing
 * lost, late or refused, and no frame marked discontinuous. The generic
 * format cannot tell where the first frame begins (no marker before it),
 * so it delivers from the second frame on.
 *
 * Then the same with the very first packets arriving last: the assembler
 * moves its start back while nothing has been delivered.
 */
#include "media_test.h"

static void run(uint8_t codec, uint16_t flags, unsigned int max_shift, bool first_last)
{
	unsigned long long rng = 0x1234 + codec;
	struct ksrtp_packetizer pz;
	struct ksrtp_assembler_stats stats;
	struct mt_stream st;
	struct mt_rx rx;
	unsigned int *order, i, skip = codec == KSRTP_CODEC_GENERIC;

	mt_packetizer(&pz, codec, 0, flags, 65000);
	mt_stream_build(&st, &pz, 200, 6000, 50, &rng);
	order = mt_shuffle(st.np, max_shift, &rng);
	if (first_last) {
		/* Frame 0's packets after frame 1's. */
		unsigned int a = st.f[0].npkts, b = st.f[1].npkts;

		for (i = 0; i < a + b; i++)
			order[i] = i < b ? a + i : i - b;
	}
	mt_rx_init(&rx, mt_assembler(codec, 0, 0), &st);
	for (i = 0; i < st.np; i++) {
		CHECK_ERR(mt_push(rx.a, &st.p[order[i]]), 0);
		mt_rx_drain(&rx);
	}
	ksrtp_assembler_flush(rx.a);
	mt_rx_drain(&rx);
	ksrtp_assembler_stats(rx.a, &stats);
	for (i = 0; i < st.nf; i++) {
		if (rx.got[i] != (i >= skip)) {
			fprintf(stderr, "codec %u: frame %u delivered %u times\n", codec, i,
				rx.got[i]);
			test_failures++;
		}
		CHECK(!(rx.flags[i] & KSRTP_FI_DISCONT) || (skip && i == 1));
	}
	CHECK(stats.frames == st.nf - skip && stats.packets == st.np);
	CHECK(stats.keyframes == (codec == KSRTP_CODEC_GENERIC ? 0 : 4));
	CHECK(!stats.lost && !stats.late && !stats.duplicates && !stats.malformed &&
	      !stats.inconsistent && stats.frames_dropped == 0);
	free(order);
	mt_rx_free(&rx);
	ksrtp_assembler_free(rx.a);
	mt_stream_free(&st);
}

int main(void)
{
	run(KSRTP_CODEC_VP8, KSRTP_PKTZ_LAYERS | KSRTP_PKTZ_KEYIDX, 24, false);
	run(KSRTP_CODEC_VP9, KSRTP_PKTZ_LAYERS, 24, false);
	run(KSRTP_CODEC_VP9, KSRTP_PKTZ_VP9_FLEXIBLE, 24, false);
	run(KSRTP_CODEC_GENERIC, 0, 24, false);
	run(KSRTP_CODEC_VP8, 0, 1, true);
	run(KSRTP_CODEC_VP9, 0, 1, true);
	return test_result();
}
