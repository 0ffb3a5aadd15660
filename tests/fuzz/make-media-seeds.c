// SPDX-License-Identifier: MIT
/*
 * Write seed corpora for the media fuzz targets: streams the packetizer
 * made (frames with valid VP8/VP9 headers, so seeds reach delivery), in
 * order and shuffled with losses, duplicates and flushes. Usage:
 * make-media-seeds DIR (writes DIR/vp8_depacketize/, DIR/vp9_depacketize/,
 * DIR/assembler/; the formats are in fuzz_media.h and fuzz_assembler.c).
 */
#include <errno.h>
#include <sys/stat.h>

#include "fuzz_media.h"
#include "media/media_test.h"

struct seed {
	uint8_t data[1 << 20];
	size_t len;
};

static struct seed sd;

static void put(const void *p, size_t n)
{
	if (sd.len + n > sizeof(sd.data))
		MT_FATAL("seed too large");
	memcpy(sd.data + sd.len, p, n);
	sd.len += n;
}

static void put8(uint8_t b)
{
	put(&b, 1);
}

static void seed_write(const char *dir, const char *target, unsigned int n)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/seed-%03u", dir, target, n);
	f = fopen(path, "wb");
	if (!f || fwrite(sd.data, 1, sd.len, f) != sd.len || fclose(f))
		MT_FATAL("%s: %s", path, strerror(errno));
	sd.len = 0;
}

/* fuzz_media.h records: the stream's packets in the given order, some dropped, some twice. */
static void put_packets(const struct mt_stream *st, const unsigned int *order, bool mangle,
			unsigned long long *rng)
{
	unsigned int i;

	for (i = 0; i < st->np; i++) {
		const struct mt_packet *p = &st->p[order ? order[i] : i];
		unsigned int r = mangle ? (unsigned int)(test_rand(rng) % 100) : 99;

		if (r < 3)
			continue;
		put8((uint8_t)(p->len >> 8));
		put8((uint8_t)p->len);
		put(p->data, p->len);
		if (r < 6) {
			put8((uint8_t)(p->len >> 8));
			put8((uint8_t)p->len);
			put(p->data, p->len);
		}
	}
	put8(0);	/* flush */
	put8(0);
}

/* A seed must reach frame delivery, or the fuzzer starts blind: the stream in order gives all. */
static void check_delivers(const struct mt_stream *st, uint8_t b0, uint8_t b1)
{
	ksrtp_assembler *a = fuzz_media_assembler(st->codec, b0, b1);
	uint8_t *buf = mt_alloc(ksrtp_assembler_max_frame(a));
	struct ksrtp_assembler_stats stats;
	unsigned int i, pops = 0;

	for (i = 0; i < st->np; i++) {
		if (ksrtp_assembler_push(a, st->p[i].data, st->p[i].len))
			MT_FATAL("a seed packet is refused");
		fuzz_media_pop(a, st->codec, buf, &pops);
	}
	ksrtp_assembler_flush(a);
	fuzz_media_pop(a, st->codec, buf, &pops);
	ksrtp_assembler_stats(a, &stats);
	/* The generic format cannot know where its first frame begins. */
	if (stats.frames != st->nf - (st->codec == KSRTP_CODEC_GENERIC))
		MT_FATAL("a seed stream delivers %llu of %u frames",
			 (unsigned long long)stats.frames, st->nf);
	free(buf);
	ksrtp_assembler_free(a);
}

/* fuzz_assembler.c records for the same packets. */
static void put_compact(const struct mt_stream *st, const unsigned int *order, bool pad)
{
	uint16_t seq = 0;
	uint32_t ts = 0;
	unsigned int i;

	for (i = 0; i < st->np; i++) {
		const struct mt_packet *p = &st->p[order ? order[i] : i];
		uint16_t s = (uint16_t)(p->data[2] << 8 | p->data[3]);
		uint32_t t = (uint32_t)p->data[4] << 24 | (uint32_t)p->data[5] << 16 |
			     (uint32_t)p->data[6] << 8 | p->data[7];
		int16_t step = (int16_t)(s - seq);

		if (!i || step < -128 || step > 127) {
			put8(0xf8);
			put8((uint8_t)((uint16_t)(s - seq) >> 8));
			put8((uint8_t)(s - seq));
			step = 0;
		}
		if (!i)
			ts = t;
		put8((uint8_t)((p->data[1] & 0x80 ? 1 : 0) | (pad && i % 5 == 4 ? 2 : 0)));
		put8((uint8_t)step);
		put8((uint8_t)((t - ts) / 3000));
		put8((uint8_t)(p->len - 12));
		put(p->data + 12, p->len - 12);
		seq = s;
		ts = t;
		if (i % 17 == 16)
			put8(0xf0);	/* flush */
	}
}

/* VP9 pictures of two spatial layers, the SS on key pictures. */
static void vp9_spatial(struct mt_stream *st, uint16_t flags, unsigned long long *rng)
{
	static struct ksrtp_pkt v[MT_MAX_PKTS];
	struct ksrtp_vp9_ss ss = { .n_s = 2, .y = 1, .g = 1, .n_g = 1,
				   .width = { 320, 640 }, .height = { 180, 360 } };
	struct ksrtp_packetizer pz;
	unsigned int i, j, sid;

	mt_packetizer(&pz, KSRTP_CODEC_VP9, 300, flags, 65530);
	mt_stream_init(st, KSRTP_CODEC_VP9, 24);
	for (i = 0; i < 12; i++) {
		for (sid = 0; sid < 2; sid++) {
			struct mt_frame *fr = &st->f[st->nf];
			struct ksrtp_frame f = { 0 };
			int n;

			fr->key = i % 6 == 0;
			fr->len = 200 + (uint32_t)(test_rand(rng) % 900);
			fr->data = mt_alloc(fr->len);
			mt_frame_bytes(KSRTP_CODEC_VP9, fr->key && !sid, fr->data, fr->len, rng);
			f.data = fr->data;
			f.len = fr->len;
			f.rtp_ts = i * 3000;
			f.sid = (uint8_t)sid;
			f.flags = sid ? KSRTP_FRAME_INTER_LAYER : KSRTP_FRAME_MORE_LAYERS;
			if (fr->key)
				f.flags |= KSRTP_FRAME_KEY;
			f.ss = fr->key && !sid ? &ss : NULL;
			for (j = 0; j < MT_MAX_PKTS - st->np; j++) {
				v[j].data = st->p[st->np + j].data;
				v[j].cap = MT_SLOT;
			}
			n = ksrtp_packetize(&pz, &f, v, MT_MAX_PKTS - st->np);
			if (n <= 0)
				MT_FATAL("ksrtp_packetize: %s", ksrtp_strerror(n));
			for (j = 0; j < (unsigned int)n; j++)
				st->p[st->np + j].len = v[j].len;
			st->np += (unsigned int)n;
			st->nf++;
		}
	}
}

int main(int argc, char **argv)
{
	static const char *const dirs[] = { "vp8_depacketize", "vp9_depacketize", "assembler" };
	static const uint16_t vp8_flags[] = {
		KSRTP_PKTZ_LAYERS | KSRTP_PKTZ_KEYIDX,
		KSRTP_PKTZ_PICTURE_ID_7,
		KSRTP_PKTZ_NO_PICTURE_ID,
	};
	unsigned long long rng = 0x5eed5;
	struct ksrtp_packetizer pz;
	struct mt_stream st;
	unsigned int i, n, *order;
	char path[4096];

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	if (mkdir(argv[1], 0755) && errno != EEXIST)
		MT_FATAL("%s: %s", argv[1], strerror(errno));
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", argv[1], dirs[i]);
		if (mkdir(path, 0755) && errno != EEXIST)
			MT_FATAL("%s: %s", path, strerror(errno));
	}

	/* VP8: each descriptor form; in order, then shuffled with loss and duplicates. */
	for (i = n = 0; i < 3; i++) {
		mt_packetizer(&pz, KSRTP_CODEC_VP8, 300, vp8_flags[i], 65530);
		mt_stream_build(&st, &pz, 12, 1500, 6, &rng);
		order = mt_shuffle(st.np, 4, &rng);
		put8((uint8_t)(1 | 31 << 2));	/* window 32, reorder 32 */
		put8(0);
		put_packets(&st, NULL, false, &rng);
		check_delivers(&st, 1 | 31 << 2, 0);
		seed_write(argv[1], dirs[0], n++);
		put8(0);			/* window 16, reorder 1 */
		put8(40);
		put_packets(&st, order, true, &rng);
		seed_write(argv[1], dirs[0], n++);
		free(order);
		mt_stream_free(&st);
	}

	/* VP9: spatial layers with SS, and flexible mode. */
	for (i = n = 0; i < 2; i++) {
		if (i == 0) {
			vp9_spatial(&st, KSRTP_PKTZ_LAYERS, &rng);
		} else {
			mt_packetizer(&pz, KSRTP_CODEC_VP9, 300, KSRTP_PKTZ_VP9_FLEXIBLE, 100);
			mt_stream_build(&st, &pz, 12, 1500, 6, &rng);
		}
		order = mt_shuffle(st.np, 4, &rng);
		put8((uint8_t)(2 | 63 << 2));	/* window 64, reorder 64 */
		put8(0);
		put_packets(&st, NULL, false, &rng);
		check_delivers(&st, 2 | 63 << 2, 0);
		seed_write(argv[1], dirs[1], n++);
		put8((uint8_t)(1 | 3 << 2));
		put8(0);
		put_packets(&st, order, true, &rng);
		seed_write(argv[1], dirs[1], n++);
		free(order);
		mt_stream_free(&st);
	}

	/* The assembler: each codec's stream as compact records, in order and shuffled. */
	for (i = n = 0; i < 3; i++) {
		mt_packetizer(&pz, (uint8_t)i, 200, 0, 65500);
		mt_stream_build(&st, &pz, 16, 900, 8, &rng);
		order = mt_shuffle(st.np, 5, &rng);
		put8((uint8_t)(1 | 9 << 2));	/* window 32, reorder 10 */
		put8(0);
		put8((uint8_t)i);
		put_compact(&st, NULL, false);
		check_delivers(&st, 1 | 9 << 2, 0);
		seed_write(argv[1], dirs[2], n++);
		put8(0);
		put8(30);
		put8((uint8_t)i);
		put_compact(&st, order, true);
		seed_write(argv[1], dirs[2], n++);
		free(order);
		mt_stream_free(&st);
	}
	return 0;
}
