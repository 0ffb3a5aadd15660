// SPDX-License-Identifier: MIT
/*
 * The assembler's bounds and edges:
 *
 *   - configuration: window a power of two in 16..4096, reorder at most the
 *     window, a known codec; memory and the largest frame follow from it;
 *   - an RTP payload larger than max_payload is refused as malformed, as
 *     are a bad RTP version, a header cut short and a padding count past
 *     the payload (RFC 3550 section 5.1);
 *   - a frame of more packets than the window is never delivered, and the
 *     frames after it are;
 *   - a sequence number jump of 30000 counts exactly 30000 lost and the
 *     stream goes on (at most one pass over the window);
 *   - pop into a buffer too small: KSRTP_ENOSPACE with the size needed, the
 *     frame kept for the next pop;
 *   - another SSRC is refused (KSRTP_ENOSTREAM) and counted inconsistent;
 *   - packets with no payload (RTP padding only) are counted and skipped,
 *     between frames and inside one, without breaking either;
 *   - NULL arguments.
 */
#include "media_test.h"

static uint8_t buf[KSRTP_ASM_WINDOW_MAX * KSRTP_ASM_MAX_PAYLOAD_DEFAULT];

static void config(void)
{
	struct ksrtp_assembler_config cfg = { .codec = KSRTP_CODEC_VP8 };
	ksrtp_assembler *a;
	int err = 0;

	a = ksrtp_assembler_new(&cfg, &err);
	CHECK(a && ksrtp_assembler_max_frame(a) ==
			   KSRTP_ASM_WINDOW_DEFAULT * KSRTP_ASM_MAX_PAYLOAD_DEFAULT);
	CHECK(ksrtp_assembler_vp9_ss(a) == NULL);
	ksrtp_assembler_free(a);
	cfg.window = 4096;
	cfg.max_payload = 65535;
	a = ksrtp_assembler_new(&cfg, &err);
	CHECK(a && ksrtp_assembler_max_frame(a) == 4096u * 65535u);
	ksrtp_assembler_free(a);
	cfg.max_payload = 0;
	cfg.window = 8;
	CHECK(!ksrtp_assembler_new(&cfg, &err) && err == KSRTP_EINVAL);
	cfg.window = 8192;
	CHECK(!ksrtp_assembler_new(&cfg, &err) && err == KSRTP_EINVAL);
	cfg.window = 48;
	CHECK(!ksrtp_assembler_new(&cfg, &err) && err == KSRTP_EINVAL);
	cfg.window = 16;	/* the default reorder (32) does not fit */
	CHECK(!ksrtp_assembler_new(&cfg, &err) && err == KSRTP_EINVAL);
	cfg.reorder = 16;
	a = ksrtp_assembler_new(&cfg, &err);
	CHECK(a != NULL);
	ksrtp_assembler_free(a);
	cfg.codec = 3;
	CHECK(!ksrtp_assembler_new(&cfg, &err) && err == KSRTP_EINVAL);
	CHECK(!ksrtp_assembler_new(NULL, &err) && err == KSRTP_EINVAL);
	CHECK(!ksrtp_assembler_new(NULL, NULL));
}

static void bad_packets(void)
{
	struct ksrtp_assembler_config cfg = { .codec = KSRTP_CODEC_GENERIC, .max_payload = 100 };
	struct ksrtp_assembler_stats st;
	ksrtp_assembler *a = ksrtp_assembler_new(&cfg, NULL);
	struct mt_packet p;

	if (!a)
		MT_FATAL("ksrtp_assembler_new");
	memset(&p, 0, sizeof(p));
	p.data[0] = 0x80;
	p.len = 12 + 100;
	CHECK_ERR(mt_push(a, &p), 0);
	p.len = 12 + 101;
	CHECK_ERR(mt_push(a, &p), KSRTP_EMALFORMED);
	p.data[3] = 1;
	p.data[0] = 0x40;	/* version 1 */
	p.len = 20;
	CHECK_ERR(mt_push(a, &p), KSRTP_EMALFORMED);
	p.data[0] = 0x80;
	p.len = 11;
	CHECK_ERR(mt_push(a, &p), KSRTP_EMALFORMED);
	p.data[0] = 0xa0;	/* padding: 9 octets claimed, 8 there */
	p.data[19] = 9;
	p.len = 20;
	CHECK_ERR(mt_push(a, &p), KSRTP_EMALFORMED);
	ksrtp_assembler_stats(a, &st);
	CHECK(st.malformed == 4 && st.packets == 1);
	CHECK_ERR(ksrtp_assembler_push(a, NULL, 20), KSRTP_EINVAL);
	CHECK_ERR(ksrtp_assembler_push(NULL, p.data, 20), KSRTP_EINVAL);
	ksrtp_assembler_free(a);
}

static void frame_larger_than_window(void)
{
	unsigned long long rng = 3;
	struct ksrtp_packetizer pz;
	struct ksrtp_assembler_stats st;
	struct mt_stream s;
	struct mt_rx rx;
	unsigned int i;

	mt_packetizer(&pz, KSRTP_CODEC_VP8, 100, 0, 0);
	mt_stream_init(&s, KSRTP_CODEC_VP8, 4);
	mt_stream_add(&s, &pz, 500, true, &rng);
	mt_stream_add(&s, &pz, 40 * 98, false, &rng);	/* 40 packets, window 16 */
	mt_stream_add(&s, &pz, 500, false, &rng);
	mt_stream_add(&s, &pz, 500, false, &rng);
	mt_rx_init(&rx, mt_assembler(KSRTP_CODEC_VP8, 16, 4), &s);
	for (i = 0; i < s.np; i++) {
		CHECK_ERR(mt_push(rx.a, &s.p[i]), 0);
		mt_rx_drain(&rx);
	}
	ksrtp_assembler_flush(rx.a);
	mt_rx_drain(&rx);
	ksrtp_assembler_stats(rx.a, &st);
	CHECK(rx.got[0] == 1 && rx.got[1] == 0 && rx.got[2] == 1 && rx.got[3] == 1);
	CHECK(rx.flags[2] & KSRTP_FI_DISCONT);
	CHECK(st.frames_dropped == 1 && st.lost == 0);
	mt_rx_free(&rx);
	ksrtp_assembler_free(rx.a);
	mt_stream_free(&s);
}

static void seq_jump(void)
{
	unsigned long long rng = 4;
	struct ksrtp_packetizer pz;
	struct ksrtp_assembler_stats st;
	struct mt_stream s;
	struct mt_rx rx;
	unsigned int i;

	mt_packetizer(&pz, KSRTP_CODEC_VP8, 0, 0, 50000);
	mt_stream_build(&s, &pz, 20, 3000, 10, &rng);
	/* From frame 10 on, 30000 sequence numbers later (wrapping past 65535). */
	for (i = s.f[10].first_pkt; i < s.np; i++) {
		uint16_t seq = (uint16_t)((s.p[i].data[2] << 8 | s.p[i].data[3]) + 30000);

		mt_put_be16(s.p[i].data + 2, seq);
	}
	mt_rx_init(&rx, mt_assembler(KSRTP_CODEC_VP8, 0, 0), &s);
	for (i = 0; i < s.np; i++) {
		CHECK_ERR(mt_push(rx.a, &s.p[i]), 0);
		mt_rx_drain(&rx);
	}
	ksrtp_assembler_flush(rx.a);
	mt_rx_drain(&rx);
	ksrtp_assembler_stats(rx.a, &st);
	for (i = 0; i < s.nf; i++)
		CHECK(rx.got[i] == 1 && !!(rx.flags[i] & KSRTP_FI_DISCONT) == (i == 10));
	CHECK(st.lost == 30000 && st.frames == 20);
	mt_rx_free(&rx);
	ksrtp_assembler_free(rx.a);
	mt_stream_free(&s);
}

static void small_buffer(void)
{
	unsigned long long rng = 5;
	struct ksrtp_packetizer pz;
	struct ksrtp_frame_info fi;
	struct mt_stream s;
	ksrtp_assembler *a = mt_assembler(KSRTP_CODEC_VP9, 0, 0);
	unsigned int i;

	mt_packetizer(&pz, KSRTP_CODEC_VP9, 0, 0, 0);
	mt_stream_init(&s, KSRTP_CODEC_VP9, 1);
	mt_stream_add(&s, &pz, 5000, true, &rng);
	for (i = 0; i < s.np; i++)
		CHECK_ERR(mt_push(a, &s.p[i]), 0);
	memset(&fi, 0, sizeof(fi));
	CHECK_ERR(ksrtp_assembler_pop(a, &fi, buf, 4999), KSRTP_ENOSPACE);
	CHECK(fi.len == 5000);
	CHECK_ERR(ksrtp_assembler_pop(a, &fi, NULL, 0), KSRTP_ENOSPACE);
	CHECK(ksrtp_assembler_pop(a, &fi, buf, 5000) == 1);
	CHECK(fi.len == 5000 && !memcmp(buf, s.f[0].data, 5000) && (fi.flags & KSRTP_FI_KEY));
	CHECK(fi.packets == s.f[0].npkts && fi.rtp_ts == s.f[0].ts);
	CHECK_ERR(ksrtp_assembler_pop(a, &fi, buf, sizeof(buf)), 0);
	CHECK_ERR(ksrtp_assembler_pop(a, NULL, buf, sizeof(buf)), KSRTP_EINVAL);
	CHECK_ERR(ksrtp_assembler_pop(a, &fi, NULL, 10), KSRTP_EINVAL);
	CHECK_ERR(ksrtp_assembler_pop(NULL, &fi, buf, 10), KSRTP_EINVAL);
	ksrtp_assembler_free(a);
	mt_stream_free(&s);
}

static void other_ssrc(void)
{
	unsigned long long rng = 6;
	struct ksrtp_packetizer pz;
	struct ksrtp_assembler_stats st;
	struct mt_stream s;
	ksrtp_assembler *a = mt_assembler(KSRTP_CODEC_GENERIC, 0, 0);

	mt_packetizer(&pz, KSRTP_CODEC_GENERIC, 0, 0, 0);
	mt_stream_build(&s, &pz, 2, 100, 1, &rng);
	CHECK_ERR(mt_push(a, &s.p[0]), 0);
	s.p[1].data[11] ^= 1;
	CHECK_ERR(mt_push(a, &s.p[1]), KSRTP_ENOSTREAM);
	ksrtp_assembler_stats(a, &st);
	CHECK(st.inconsistent == 1 && st.packets == 1);
	ksrtp_assembler_free(a);
	mt_stream_free(&s);
	/* The rest take NULL quietly. */
	ksrtp_assembler_free(NULL);
	ksrtp_assembler_flush(NULL);
	ksrtp_assembler_stats(NULL, &st);
	CHECK(ksrtp_assembler_max_frame(NULL) == 0 && ksrtp_assembler_vp9_ss(NULL) == NULL);
}

/* Renumber the stream's packets from `at` on one later, making room for a padding packet. */
static void insert_padding(struct mt_stream *s, unsigned int at)
{
	struct mt_packet *p = &s->p[at];
	unsigned int i;
	uint16_t seq = (uint16_t)(p->data[2] << 8 | p->data[3]);

	memmove(p + 1, p, (s->np - at) * sizeof(*p));
	for (i = at + 1; i <= s->np; i++)
		mt_put_be16(s->p[i].data + 2, (uint16_t)(seq + 1 + (i - at - 1)));
	/* RTP header with P and a payload that is all padding (count 4). */
	memcpy(p->data, p[1].data, 12);
	p->data[0] = 0xa0;
	p->data[1] &= 0x7f;
	mt_put_be16(p->data + 2, seq);
	memset(p->data + 12, 0, 4);
	p->data[15] = 4;
	p->len = 16;
	p->frame = -1;
	s->np++;
	for (i = 0; i < s->nf; i++)
		if (s->f[i].first_pkt >= at)
			s->f[i].first_pkt++;
}

static void padding(uint8_t codec)
{
	unsigned long long rng = 8;
	struct ksrtp_packetizer pz;
	struct ksrtp_assembler_stats st;
	struct mt_stream s;
	struct mt_rx rx;
	unsigned int i, skip = codec == KSRTP_CODEC_GENERIC;

	mt_packetizer(&pz, codec, 0, 0, 0);
	mt_stream_init(&s, codec, 4);
	for (i = 0; i < 4; i++)
		mt_stream_add(&s, &pz, 3000, i == 0, &rng);
	insert_padding(&s, s.f[2].first_pkt);		/* between frames 1 and 2 */
	insert_padding(&s, s.f[3].first_pkt + 1);	/* inside frame 3 */
	mt_rx_init(&rx, mt_assembler(codec, 0, 0), &s);
	for (i = 0; i < s.np; i++) {
		CHECK_ERR(mt_push(rx.a, &s.p[i]), 0);
		mt_rx_drain(&rx);
	}
	ksrtp_assembler_flush(rx.a);
	mt_rx_drain(&rx);
	ksrtp_assembler_stats(rx.a, &st);
	for (i = 0; i < 4; i++) {
		CHECK(rx.got[i] == (i >= skip));
		CHECK(!(rx.flags[i] & KSRTP_FI_DISCONT) || (skip && i == 1));
	}
	CHECK(st.padding == 2 && st.lost == 0 && st.packets == s.np);
	mt_rx_free(&rx);
	ksrtp_assembler_free(rx.a);
	mt_stream_free(&s);
}

int main(void)
{
	config();
	bad_packets();
	frame_larger_than_window();
	seq_jump();
	small_buffer();
	other_ssrc();
	padding(KSRTP_CODEC_GENERIC);
	padding(KSRTP_CODEC_VP8);
	return test_result();
}
