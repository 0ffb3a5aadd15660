// SPDX-License-Identifier: MIT
/*
 * Hostile VP8 payload descriptors and frame headers: a genuine stream of
 * 3-packet frames in which every other frame is tampered with, one way
 * each. The tampered frames must never be delivered, every genuine frame
 * must be (marked discontinuous after a tampered one), and each refusal
 * must be counted where it belongs:
 *
 *   malformed (push refuses the packet; its sequence number is then lost):
 *     X set and nothing after it; a descriptor with no data after it
 *     (RFC 7741 section 4.4); a 15-bit PictureID cut short; T and K set
 *     with no TID/KEYIDX octet (section 4.2);
 *   malformed (the assembled frame's header, RFC 6386 section 9.1):
 *     a key frame without its start code; a first partition larger than
 *     the frame;
 *   inconsistent (the packets of one frame disagree, sections 4.2/4.5.1):
 *     PID going down; S with PID 0 in the middle of a frame (the frame is
 *     dropped, and its tail cannot pose as a frame of the same timestamp);
 *     PictureID, TL0PICIDX or timestamp changing inside a frame; a frame
 *     without a marker followed by the next frame.
 */
#include "media_test.h"

#define DESC 6		/* 0x90 | X; I L T; 15-bit PictureID; TL0PICIDX; TID */
#define DATA (12 + DESC)

static void x_only(struct mt_packet *p)
{
	p[0].data[12] = 0x90;
	p[0].len = 13;
}

static void no_data(struct mt_packet *p)
{
	p[1].len = DATA;
}

static void picture_id_cut(struct mt_packet *p)
{
	p[0].len = 12 + 3;	/* 0x90, I, |M| hi| and no lo */
}

static void tk_missing(struct mt_packet *p)
{
	p[0].data[13] = 0x30;	/* T and K, nothing after */
	p[0].len = 12 + 2;
}

static void pid_down(struct mt_packet *p)
{
	p[1].data[12] = (p[1].data[12] & 0xe8) | 2;
	p[2].data[12] = (p[2].data[12] & 0xe8) | 1;
}

static void start_again(struct mt_packet *p)
{
	p[1].data[12] |= 0x10;	/* S with PID 0: "a new frame" */
}

static void picture_id_changes(struct mt_packet *p)
{
	p[2].data[15] ^= 1;
}

static void tl0_changes(struct mt_packet *p)
{
	p[2].data[16] ^= 1;
}

static void ts_changes(struct mt_packet *p)
{
	p[1].data[7] ^= 1;
}

static void no_marker(struct mt_packet *p)
{
	p[2].data[1] &= 0x7f;
}

static void no_start_code(struct mt_packet *p)
{
	p[0].data[DATA + 3] = 0;
}

static void first_partition_too_big(struct mt_packet *p)
{
	p[0].data[DATA] |= 0xe0;
	p[0].data[DATA + 1] = 0xff;
	p[0].data[DATA + 2] = 0xff;
}

static const struct mt_hostile cases[] = {
	{ "X and nothing", x_only, false, 3000, 1, 0, 1 },
	{ "no data", no_data, false, 3000, 1, 0, 1 },
	{ "PictureID cut", picture_id_cut, false, 3000, 1, 0, 1 },
	{ "T/K octet missing", tk_missing, false, 3000, 1, 0, 1 },
	{ "PID down", pid_down, false, 3000, 0, 1, 0 },
	{ "S, PID 0 mid-frame", start_again, false, 3000, 0, 2, 0 },
	{ "PictureID changes", picture_id_changes, false, 3000, 0, 1, 0 },
	{ "TL0PICIDX changes", tl0_changes, false, 3000, 0, 1, 0 },
	{ "timestamp changes", ts_changes, false, 3000, 0, 1, 0 },
	{ "no marker", no_marker, false, 3000, 0, 1, 0 },
	{ "key frame without start code", no_start_code, true, 3000, 1, 0, 0 },
	{ "first partition too big", first_partition_too_big, false, 3000, 1, 0, 0 },
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

int main(void)
{
	unsigned long long rng = 99;
	struct ksrtp_packetizer pz;
	struct mt_stream st;
	unsigned int i;

	/* Frame 2k + 1 is case k; the even frames are genuine. 3000 bytes: 3 packets. */
	mt_packetizer(&pz, KSRTP_CODEC_VP8, 0, KSRTP_PKTZ_LAYERS, 60000);
	mt_stream_init(&st, KSRTP_CODEC_VP8, 2 * NCASES + 1);
	for (i = 0; i < 2 * NCASES + 1; i++)
		mt_stream_add(&st, &pz, i % 2 ? cases[i / 2].len : 3000,
			      i == 0 || (i % 2 && cases[i / 2].key), &rng);
	for (i = 0; i < NCASES; i++) {
		const struct mt_frame *f = &st.f[2 * i + 1];

		if (f->npkts != 3 || st.p[f->first_pkt].len != 12 + 1200 ||
		    st.p[f->first_pkt].data[12] != 0x90)
			MT_FATAL("the stream is not laid out as the cases expect");
	}
	mt_hostile_run(KSRTP_CODEC_VP8, &st, cases, NCASES);
	mt_stream_free(&st);
	return test_result();
}
