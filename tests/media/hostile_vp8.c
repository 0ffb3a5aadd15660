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

struct hostile {
	const char *what;
	void (*mutate)(struct mt_packet *p);	/* the frame's three packets */
	bool key;
	unsigned int malformed, inconsistent, lost;
};

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

static const struct hostile cases[] = {
	{ "X and nothing", x_only, false, 1, 0, 1 },
	{ "no data", no_data, false, 1, 0, 1 },
	{ "PictureID cut", picture_id_cut, false, 1, 0, 1 },
	{ "T/K octet missing", tk_missing, false, 1, 0, 1 },
	{ "PID down", pid_down, false, 0, 1, 0 },
	{ "S, PID 0 mid-frame", start_again, false, 0, 2, 0 },
	{ "PictureID changes", picture_id_changes, false, 0, 1, 0 },
	{ "TL0PICIDX changes", tl0_changes, false, 0, 1, 0 },
	{ "timestamp changes", ts_changes, false, 0, 1, 0 },
	{ "no marker", no_marker, false, 0, 1, 0 },
	{ "key frame without start code", no_start_code, true, 1, 0, 0 },
	{ "first partition too big", first_partition_too_big, false, 1, 0, 0 },
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

int main(void)
{
	unsigned long long rng = 99;
	unsigned int i, malformed = 0, inconsistent = 0, lost = 0, refused = 0;
	struct ksrtp_packetizer pz;
	struct ksrtp_assembler_stats stats;
	struct mt_stream st;
	struct mt_rx rx;

	/* Frame 2k + 1 is case k; the even frames are genuine. 3000 bytes: 3 packets. */
	mt_packetizer(&pz, KSRTP_CODEC_VP8, 0, KSRTP_PKTZ_LAYERS, 60000);
	mt_stream_init(&st, KSRTP_CODEC_VP8, 2 * NCASES + 1);
	for (i = 0; i < 2 * NCASES + 1; i++)
		mt_stream_add(&st, &pz, 3000, i == 0 || (i % 2 && cases[i / 2].key), &rng);
	for (i = 0; i < NCASES; i++) {
		const struct mt_frame *f = &st.f[2 * i + 1];

		if (f->npkts != 3 || st.p[f->first_pkt].len != 12 + 1200 ||
		    st.p[f->first_pkt].data[12] != 0x90)
			MT_FATAL("the stream is not laid out as the cases expect");
		cases[i].mutate(&st.p[f->first_pkt]);
		malformed += cases[i].malformed;
		inconsistent += cases[i].inconsistent;
		lost += cases[i].lost;
	}
	mt_rx_init(&rx, mt_assembler(KSRTP_CODEC_VP8, 0, 0), &st);
	for (i = 0; i < st.np; i++) {
		int err = mt_push(rx.a, &st.p[i]);

		CHECK(err == 0 || err == KSRTP_EMALFORMED);
		refused += err != 0;
		mt_rx_drain(&rx);
	}
	ksrtp_assembler_flush(rx.a);
	mt_rx_drain(&rx);
	ksrtp_assembler_stats(rx.a, &stats);
	for (i = 0; i < st.nf; i++) {
		if (rx.got[i] != !(i % 2)) {
			fprintf(stderr, "frame %u (%s) delivered %u times\n", i,
				i % 2 ? cases[i / 2].what : "genuine", rx.got[i]);
			test_failures++;
		}
		if (i && !(i % 2))
			CHECK(rx.flags[i] & KSRTP_FI_DISCONT);
	}
	CHECK(refused == lost);
	if (stats.malformed != malformed || stats.inconsistent != inconsistent ||
	    stats.lost != lost) {
		fprintf(stderr,
			"malformed %llu (want %u), inconsistent %llu (want %u), lost %llu (want %u)\n",
			(unsigned long long)stats.malformed, malformed,
			(unsigned long long)stats.inconsistent, inconsistent,
			(unsigned long long)stats.lost, lost);
		test_failures++;
	}
	CHECK(stats.frames == NCASES + 1 && !stats.late && !stats.duplicates);
	mt_rx_free(&rx);
	ksrtp_assembler_free(rx.a);
	mt_stream_free(&st);
	return test_result();
}
