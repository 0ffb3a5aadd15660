/* SPDX-License-Identifier: MIT */
/*
 * Shared by the media tests (tests/media/): synthetic frames whose codec
 * headers pass the assembler's checks, a recorded stream (frames and the
 * packets the packetizer made of them), and the check that a delivered
 * frame is byte for byte one that was sent.
 *
 * Every helper is static inline so a test that does not use one does not
 * trip -Wunused-function under WERROR=1.
 */
#ifndef KSRTP_TESTS_MEDIA_TEST_H
#define KSRTP_TESTS_MEDIA_TEST_H

#include <stdbool.h>
#include <stdint.h>

#include "ksrtp/media.h"
#include "test.h"

#define MT_SLOT 2048			/* an arena slot */
#define MT_MAX_PKTS 4096

/* Give up at once: setup failed, nothing after it would mean anything. */
#define MT_FATAL(...)                                                                 \
	do {                                                                          \
		fprintf(stderr, "%s:%d: fatal: ", __FILE__, __LINE__);                \
		fprintf(stderr, __VA_ARGS__);                                         \
		fputc('\n', stderr);                                                  \
		exit(T_FAIL);                                                         \
	} while (0)

static inline void *mt_alloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);

	if (!p)
		MT_FATAL("out of memory");
	return p;
}

/*
 * A synthetic encoded frame of len bytes whose header is what the codec's
 * decoder reads first: VP8 (RFC 6386 section 9.1) a frame tag with a first
 * partition size inside the frame and, on key frames, the start code and a
 * 640x360 picture; VP9 (bitstream spec section 6.2) profile 0, frame marker,
 * frame type, and the sync code on key frames. The rest is pseudo-random.
 */
static inline void mt_frame_bytes(uint8_t codec, bool key, uint8_t *out, uint32_t len,
				  unsigned long long *rng)
{
	uint32_t i, hdr = 0, first_part;

	for (i = 0; i < len; i++)
		out[i] = (uint8_t)test_rand(rng);
	if (codec == KSRTP_CODEC_VP8) {
		hdr = key ? 10 : 3;
		if (len < hdr)
			MT_FATAL("VP8 frame of %u bytes is too short", len);
		first_part = (len - hdr) / 2;
		/* key frame bit (inverted), version 0, show_frame, first_part_size */
		out[0] = (uint8_t)((key ? 0 : 1) | 0x10 | (first_part & 7) << 5);
		out[1] = (uint8_t)(first_part >> 3);
		out[2] = (uint8_t)(first_part >> 11);
		if (key) {
			static const uint8_t sc[7] = { 0x9d, 0x01, 0x2a, 0x80, 0x02, 0x68, 0x01 };

			memcpy(out + 3, sc, sizeof(sc));
		}
	} else if (codec == KSRTP_CODEC_VP9) {
		if (len < 4)
			MT_FATAL("VP9 frame of %u bytes is too short", len);
		/* frame_marker 2, profile 0, show_existing 0, frame_type, show_frame 1, er 0 */
		out[0] = key ? 0x82 : 0x86;
		if (key) {
			out[1] = 0x49;
			out[2] = 0x83;
			out[3] = 0x42;
		}
	}
}

/* Packets of a recorded stream. */
struct mt_packet {
	uint8_t data[MT_SLOT];
	uint32_t len;
	int frame;		/* index of the frame it carries */
};

struct mt_frame {
	uint8_t *data;
	uint32_t len;
	uint32_t ts;		/* RTP timestamp on the wire */
	bool key;
	unsigned int first_pkt, npkts;
};

struct mt_stream {
	uint8_t codec;
	struct mt_frame *f;
	unsigned int nf;
	struct mt_packet *p;
	unsigned int np;
};

/* A packetizer with explicit start values, so tests can predict every field. */
static inline void mt_packetizer(struct ksrtp_packetizer *pz, uint8_t codec, uint16_t mtu,
				 uint16_t flags, uint16_t seq)
{
	struct ksrtp_packetizer_config cfg = {
		.ssrc = 0xcafe0001u,
		.codec = codec,
		.payload_type = 96,
		.mtu = mtu,
		.flags = (uint16_t)(flags | KSRTP_PKTZ_EXPLICIT_START),
		.seq = seq,
		.ts_offset = 0x10000000u,
		.picture_id = 100,
		.tl0picidx = 7,
		.keyidx = 3,
	};
	int err = ksrtp_packetizer_init(pz, &cfg);

	if (err)
		MT_FATAL("ksrtp_packetizer_init: %s", ksrtp_strerror(err));
}

static inline void mt_stream_init(struct mt_stream *st, uint8_t codec, unsigned int max_frames)
{
	st->codec = codec;
	st->f = mt_alloc(max_frames * sizeof(*st->f));
	st->p = mt_alloc(MT_MAX_PKTS * sizeof(*st->p));
	st->nf = 0;
	st->np = 0;
}

/* Record one more frame of len bytes, timestamp 3000 * its index. */
static inline void mt_stream_add(struct mt_stream *st, struct ksrtp_packetizer *pz, uint32_t len,
				 bool key, unsigned long long *rng)
{
	static struct ksrtp_pkt v[MT_MAX_PKTS];
	struct mt_frame *fr = &st->f[st->nf];
	struct ksrtp_frame f = { 0 };
	unsigned int j;
	int n;

	fr->key = key;
	fr->len = len;
	fr->data = mt_alloc(len);
	mt_frame_bytes(pz->codec, key, fr->data, len, rng);
	f.data = fr->data;
	f.len = len;
	f.rtp_ts = st->nf * 3000;
	f.flags = key ? KSRTP_FRAME_KEY : 0;
	if ((pz->flags & KSRTP_PKTZ_VP9_FLEXIBLE) && !key) {
		f.n_ref = 1;	/* the picture before */
		f.p_diff[0] = 1;
	}
	fr->ts = pz->ts_offset + f.rtp_ts;
	for (j = 0; j < MT_MAX_PKTS - st->np; j++) {
		v[j].data = st->p[st->np + j].data;
		v[j].cap = MT_SLOT;
	}
	n = ksrtp_packetize(pz, &f, v, MT_MAX_PKTS - st->np);
	if (n <= 0)
		MT_FATAL("ksrtp_packetize frame %u: %s", st->nf, ksrtp_strerror(n));
	fr->first_pkt = st->np;
	fr->npkts = (unsigned int)n;
	for (j = 0; j < (unsigned int)n; j++) {
		st->p[st->np + j].len = v[j].len;
		st->p[st->np + j].frame = (int)st->nf;
	}
	st->np += (unsigned int)n;
	st->nf++;
}

/*
 * Record nf frames: a key frame every key_every (the first one too), sizes
 * pseudo-random in [10, 10 + max_len).
 */
static inline void mt_stream_build(struct mt_stream *st, struct ksrtp_packetizer *pz,
				   unsigned int nf, uint32_t max_len, unsigned int key_every,
				   unsigned long long *rng)
{
	unsigned int i;

	mt_stream_init(st, pz->codec, nf);
	for (i = 0; i < nf; i++)
		mt_stream_add(st, pz, 10 + (uint32_t)(test_rand(rng) % max_len), i % key_every == 0,
			      rng);
}

static inline void mt_stream_free(struct mt_stream *st)
{
	unsigned int i;

	for (i = 0; i < st->nf; i++)
		free(st->f[i].data);
	free(st->f);
	free(st->p);
}

static inline ksrtp_assembler *mt_assembler(uint8_t codec, uint16_t window, uint16_t reorder)
{
	struct ksrtp_assembler_config cfg = {
		.codec = codec,
		.window = window,
		.reorder = reorder,
	};
	int err = 0;
	ksrtp_assembler *a = ksrtp_assembler_new(&cfg, &err);

	if (!a)
		MT_FATAL("ksrtp_assembler_new: %s", ksrtp_strerror(err));
	return a;
}

/* The receiving end of a recorded stream: what was delivered, and how. */
struct mt_rx {
	ksrtp_assembler *a;
	const struct mt_stream *st;
	unsigned int *got;	/* deliveries of each frame */
	uint16_t *flags;	/* fi.flags of each frame's delivery */
	int last;		/* the last frame delivered */
	unsigned int frames;
};

static inline void mt_rx_init(struct mt_rx *rx, ksrtp_assembler *a, const struct mt_stream *st)
{
	rx->a = a;
	rx->st = st;
	rx->got = mt_alloc(st->nf * sizeof(*rx->got));
	rx->flags = mt_alloc(st->nf * sizeof(*rx->flags));
	rx->last = -1;
	rx->frames = 0;
}

static inline void mt_rx_free(struct mt_rx *rx)
{
	free(rx->got);
	free(rx->flags);
}

/*
 * Pop every ready frame. Each must be one of the stream's frames, byte for
 * byte, with its timestamp and key flag, and come after the last one.
 * Returns the number popped.
 */
static inline unsigned int mt_rx_drain(struct mt_rx *rx)
{
	static uint8_t buf[KSRTP_ASM_WINDOW_MAX * KSRTP_ASM_MAX_PAYLOAD_DEFAULT];
	const struct mt_stream *st = rx->st;
	struct ksrtp_frame_info fi;
	unsigned int n = 0, i;
	int r;

	while ((r = ksrtp_assembler_pop(rx->a, &fi, buf, sizeof(buf))) == 1) {
		n++;
		for (i = 0; i < st->nf; i++)
			if (st->f[i].ts == fi.rtp_ts)
				break;
		if (i == st->nf || fi.len != st->f[i].len || memcmp(buf, st->f[i].data, fi.len)) {
			fprintf(stderr, "delivered a frame (ts %u, %u bytes) that was not sent\n",
				fi.rtp_ts, fi.len);
			test_failures++;
			continue;
		}
		/* The generic format has no way to say key frame. */
		CHECK(!!(fi.flags & KSRTP_FI_KEY) ==
		      (st->f[i].key && st->codec != KSRTP_CODEC_GENERIC));
		CHECK(fi.packets == st->f[i].npkts);
		CHECK((int)i > rx->last);
		rx->last = (int)i;
		rx->got[i]++;
		rx->flags[i] = fi.flags;
		rx->frames++;
	}
	CHECK_ERR(r, 0);
	return n;
}

/* A permutation of 0..n-1 that moves no element more than max_shift places. */
static inline unsigned int *mt_shuffle(unsigned int n, unsigned int max_shift,
				       unsigned long long *rng)
{
	unsigned int *order = mt_alloc(n * sizeof(*order)), i, j;
	unsigned long long *key = mt_alloc(n * sizeof(*key));

	/* Sort by i + a random fraction of max_shift: i moves less than max_shift places. */
	for (i = 0; i < n; i++) {
		order[i] = i;
		key[i] = ((unsigned long long)i << 16) +
			 test_rand(rng) % ((unsigned long long)max_shift << 16);
	}
	for (i = 1; i < n; i++) {
		unsigned int o = order[i];

		for (j = i; j > 0 && key[order[j - 1]] > key[o]; j--)
			order[j] = order[j - 1];
		order[j] = o;
	}
	free(key);
	return order;
}

/* Push one recorded packet (from an exact-size copy, so ASan sees any overread). */
static inline int mt_push(ksrtp_assembler *a, const struct mt_packet *p)
{
	uint8_t *e = mt_alloc(p->len);
	int err;

	memcpy(e, p->data, p->len);
	err = ksrtp_assembler_push(a, e, p->len);
	free(e);
	return err;
}

static inline void mt_put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/*
 * A hostile payload descriptor test (hostile_vp8.c, hostile_vp9.c): case k
 * mutates the packets of frame 2k + 1 of a stream whose even frames are
 * genuine. Every case frame must be dropped and counted as the case says
 * (malformed, inconsistent, lost: refused by push), never delivered; every
 * genuine frame is delivered, the ones after a case marked DISCONT.
 */
struct mt_hostile {
	const char *what;
	void (*mutate)(struct mt_packet *p);	/* the frame's packets */
	bool key;
	uint32_t len;				/* the case frame's length */
	unsigned int malformed, inconsistent, lost;
};

/* Mutate st (laid out as above, checked by the caller) and run the cases through an assembler. */
static inline void mt_hostile_run(uint8_t codec, struct mt_stream *st,
				  const struct mt_hostile *cases, unsigned int ncases)
{
	unsigned int i, malformed = 0, inconsistent = 0, lost = 0, refused = 0;
	struct ksrtp_assembler_stats stats;
	struct mt_rx rx;

	for (i = 0; i < ncases; i++) {
		cases[i].mutate(&st->p[st->f[2 * i + 1].first_pkt]);
		malformed += cases[i].malformed;
		inconsistent += cases[i].inconsistent;
		lost += cases[i].lost;
	}
	mt_rx_init(&rx, mt_assembler(codec, 0, 0), st);
	for (i = 0; i < st->np; i++) {
		int err = mt_push(rx.a, &st->p[i]);

		CHECK(err == 0 || err == KSRTP_EMALFORMED);
		refused += err != 0;
		mt_rx_drain(&rx);
	}
	ksrtp_assembler_flush(rx.a);
	mt_rx_drain(&rx);
	ksrtp_assembler_stats(rx.a, &stats);
	for (i = 0; i < st->nf; i++) {
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
	CHECK(stats.frames == ncases + 1 && !stats.late && !stats.duplicates);
	mt_rx_free(&rx);
	ksrtp_assembler_free(rx.a);
}

#endif /* KSRTP_TESTS_MEDIA_TEST_H */
