// SPDX-License-Identifier: MIT
/*
 * Hostile VP9 payload descriptors and frame headers, as hostile_vp8.c: a
 * genuine stream of 3-packet frames, every other frame tampered with one
 * way; tampered frames are never delivered, genuine ones always are, each
 * refusal counted where it belongs. Non-flexible mode with layer indices:
 *
 *   malformed packets (RFC 9628 section 4.1, 4.2, 4.2.1): the marker
 *     without E; D on spatial layer 0; TID 1 with P = 0; an SS whose
 *     picture group runs past the packet;
 *   malformed frames (VP9 bitstream section 6.2): a key frame whose
 *     descriptor says P = 1; a frame marker that is not 2;
 *   inconsistent: SID, TL0PICIDX or PictureID changing inside a layer
 *     frame; B again in the middle (and the tail not taken for the layer
 *     frame of the same timestamp and SID).
 *
 * Flexible mode: a zero P_DIFF and a fourth P_DIFF are malformed; a P_DIFF
 * changing inside a frame, and a packet that drops I (so F is ignored and
 * its descriptor reads differently), are inconsistent.
 */
#include "media_test.h"

#define DATA_NF (12 + 5)	/* I P L, 15-bit PictureID, layer octet, TL0PICIDX */
#define PDIFF_F (12 + 3)	/* I P F, 15-bit PictureID, then the P_DIFF */

static void marker_without_e(struct mt_packet *p)
{
	p[2].data[12] &= (uint8_t)~KSRTP_VP9_E;
}

static void d_on_layer_0(struct mt_packet *p)
{
	p[1].data[15] |= 1;
}

static void tid_without_p(struct mt_packet *p)
{
	p[1].data[15] |= 1 << 5;
}

static void ss_past_packet(struct mt_packet *p)
{
	p[0].data[12] |= KSRTP_VP9_V;
	p[0].data[DATA_NF] = 0x08;	/* N_S 0, G */
	p[0].data[DATA_NF + 1] = 255;	/* N_G: at least 255 octets in a 100-octet packet */
}

static void key_with_p(struct mt_packet *p)
{
	p[0].data[12] |= KSRTP_VP9_P;
	p[1].data[12] |= KSRTP_VP9_P;
	p[2].data[12] |= KSRTP_VP9_P;
}

static void bad_frame_marker(struct mt_packet *p)
{
	p[0].data[DATA_NF] &= 0x3f;
}

static void sid_changes(struct mt_packet *p)
{
	p[1].data[15] |= 1 << 1;
}

static void tl0_changes(struct mt_packet *p)
{
	p[2].data[16] ^= 1;
}

static void picture_id_changes(struct mt_packet *p)
{
	p[2].data[14] ^= 1;
}

static void b_again(struct mt_packet *p)
{
	p[1].data[12] |= KSRTP_VP9_B;
}

static const struct mt_hostile non_flexible[] = {
	{ "marker without E", marker_without_e, false, 3000, 1, 0, 1 },
	{ "D on SID 0", d_on_layer_0, false, 3000, 1, 0, 1 },
	{ "TID 1 with P = 0", tid_without_p, true, 3000, 1, 0, 1 },
	{ "SS past the packet", ss_past_packet, true, 100, 1, 0, 1 },
	{ "key frame with P", key_with_p, true, 3000, 1, 0, 0 },
	{ "frame marker", bad_frame_marker, false, 3000, 1, 0, 0 },
	{ "SID changes", sid_changes, false, 3000, 0, 1, 0 },
	{ "TL0PICIDX changes", tl0_changes, false, 3000, 0, 1, 0 },
	{ "PictureID changes", picture_id_changes, false, 3000, 0, 1, 0 },
	{ "B mid-frame", b_again, false, 3000, 0, 2, 0 },
};

static void p_diff_zero(struct mt_packet *p)
{
	p[0].data[PDIFF_F] = 0;
}

static void four_p_diffs(struct mt_packet *p)
{
	p[0].data[PDIFF_F] = 0x03;
	p[0].data[PDIFF_F + 1] = 0x03;
	p[0].data[PDIFF_F + 2] = 0x03;
	p[0].data[PDIFF_F + 3] = 0x02;
}

static void p_diff_changes(struct mt_packet *p)
{
	p[1].data[PDIFF_F] = 2 << 1;
}

static void i_dropped(struct mt_packet *p)
{
	p[1].data[12] &= (uint8_t)~KSRTP_VP9_I;
}

static const struct mt_hostile flexible[] = {
	{ "P_DIFF 0", p_diff_zero, false, 3000, 1, 0, 1 },
	{ "four P_DIFFs", four_p_diffs, false, 3000, 1, 0, 1 },
	{ "P_DIFF changes", p_diff_changes, false, 3000, 0, 1, 0 },
	{ "I dropped", i_dropped, false, 3000, 0, 1, 0 },
};

static void run(const struct mt_hostile *cases, unsigned int ncases, uint16_t flags)
{
	unsigned long long rng = 1234 + flags;
	struct ksrtp_packetizer pz;
	struct mt_stream st;
	unsigned int i;

	mt_packetizer(&pz, KSRTP_CODEC_VP9, 0, flags, 65530);
	mt_stream_init(&st, KSRTP_CODEC_VP9, 2 * ncases + 1);
	for (i = 0; i < 2 * ncases + 1; i++) {
		const struct mt_hostile *c = &cases[i / 2];

		mt_stream_add(&st, &pz, i % 2 ? c->len : 3000, i == 0 || (i % 2 && c->key), &rng);
	}
	for (i = 0; i < ncases; i++)
		if (st.f[2 * i + 1].npkts != (cases[i].len > 2400 ? 3u : 1u))
			MT_FATAL("the stream is not laid out as the cases expect");
	mt_hostile_run(KSRTP_CODEC_VP9, &st, cases, ncases);
	mt_stream_free(&st);
}

int main(void)
{
	run(non_flexible, sizeof(non_flexible) / sizeof(non_flexible[0]), KSRTP_PKTZ_LAYERS);
	run(flexible, sizeof(flexible) / sizeof(flexible[0]), KSRTP_PKTZ_VP9_FLEXIBLE);
	return test_result();
}
