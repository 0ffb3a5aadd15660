// SPDX-License-Identifier: MIT
/*
 * Packetize -> lose 5% and reorder -> assemble, for VP8, VP9 and the
 * generic format: 300 frames, packets dropped at random (never the first
 * or the last of the stream: no receiver can know of those), the rest
 * shuffled up to 8 places.
 *
 *   - delivered are exactly the frames none of whose packets was lost (for
 *     the generic format: and whose predecessor's last packet, which says
 *     where the frame begins, arrived), each byte for byte, in order;
 *   - the loss count is exactly the number of packets dropped;
 *   - a delivered frame is marked discontinuous exactly when the frame
 *     before it was not delivered;
 *   - frames_dropped counts the frames whose first packet came but which
 *     could not be completed.
 */
#include "media_test.h"

static void run(uint8_t codec, uint16_t flags)
{
	unsigned long long rng = 0xfeed + codec + flags;
	struct ksrtp_packetizer pz;
	struct ksrtp_assembler_stats stats;
	struct mt_stream st;
	struct mt_rx rx;
	unsigned int *order, i, j, dropped = 0, want_dropped = 0;
	bool *lost;
	int prev = -1;

	mt_packetizer(&pz, codec, 0, flags, 65500);
	mt_stream_build(&st, &pz, 300, 5000, 60, &rng);
	lost = mt_alloc(st.np * sizeof(*lost));
	for (i = 1; i + 1 < st.np; i++) {
		lost[i] = test_rand(&rng) % 100 < 5;
		dropped += lost[i];
	}
	order = mt_shuffle(st.np, 8, &rng);
	mt_rx_init(&rx, mt_assembler(codec, 0, 0), &st);
	for (i = 0; i < st.np; i++) {
		if (lost[order[i]])
			continue;
		CHECK_ERR(mt_push(rx.a, &st.p[order[i]]), 0);
		mt_rx_drain(&rx);
	}
	ksrtp_assembler_flush(rx.a);
	mt_rx_drain(&rx);
	ksrtp_assembler_stats(rx.a, &stats);

	for (i = 0; i < st.nf; i++) {
		const struct mt_frame *f = &st.f[i];
		bool whole = true, begun;

		for (j = 0; j < f->npkts; j++)
			whole &= !lost[f->first_pkt + j];
		/* The generic format begins a frame only after a frame's end. */
		begun = !lost[f->first_pkt];
		if (codec == KSRTP_CODEC_GENERIC)
			begun &= i > 0 && !lost[f->first_pkt - 1];
		if (rx.got[i] != (whole && begun)) {
			fprintf(stderr, "codec %u: frame %u (%s) delivered %u times\n", codec, i,
				whole ? "whole" : "incomplete", rx.got[i]);
			test_failures++;
		}
		if (!rx.got[i]) {
			want_dropped += begun;
			continue;
		}
		CHECK(!!(rx.flags[i] & KSRTP_FI_DISCONT) == (prev != (int)i - 1));
		prev = (int)i;
	}
	CHECK(dropped > 20 && want_dropped > 5 && stats.lost == dropped);
	CHECK(stats.frames == rx.frames && stats.packets == st.np - dropped);
	CHECK(stats.frames_dropped == want_dropped);
	CHECK(!stats.late && !stats.duplicates && !stats.malformed && !stats.inconsistent);
	free(lost);
	free(order);
	mt_rx_free(&rx);
	ksrtp_assembler_free(rx.a);
	mt_stream_free(&st);
}

int main(void)
{
	run(KSRTP_CODEC_VP8, KSRTP_PKTZ_LAYERS);
	run(KSRTP_CODEC_VP9, 0);
	run(KSRTP_CODEC_VP9, KSRTP_PKTZ_VP9_FLEXIBLE | KSRTP_PKTZ_LAYERS);
	run(KSRTP_CODEC_GENERIC, 0);
	return test_result();
}
