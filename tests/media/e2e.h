/* SPDX-License-Identifier: MIT */
/*
 * The end-to-end media test, shared by vp8_e2e, vp9_e2e and their _loss
 * twins: a moving test pattern (E2E_FRAMES frames of 640x360 I420, made
 * here) encoded with libvpx in real-time mode, then
 *
 *   packetize (lib/media) -> ksrtp_protect_batch (user engine, GCM)
 *   -> [loss and reordering, in the loss variant] -> sendmmsg on 127.0.0.1
 *   -> recvmmsg -> ksrtp_unprotect_batch -> ksrtp_assembler_push_batch
 *   -> ksrtp_assembler_pop -> libvpx decode
 *
 * and checked against decoding the encoder's output directly:
 *
 *   - every delivered frame is byte for byte an encoded frame, with its
 *     timestamp and key flag, in order;
 *   - without loss: every frame is delivered and decodes to the same
 *     picture (per-frame hash of the decoded planes) as the reference;
 *   - with loss (5% of the packets after the first key frame's, and
 *     reordering up to 6 places): delivered are exactly the frames none of
 *     whose packets was dropped (nothing incomplete passes as complete),
 *     the assembler's loss count equals the packets dropped, frames decoded
 *     since a key frame with nothing missing in between match the
 *     reference, the rest go to the decoder too (which must survive them).
 *
 * Time is bounded: E2E_DEADLINE_S for the transfer, poll() timeouts inside.
 */
#ifndef KSRTP_TESTS_E2E_H
#define KSRTP_TESTS_E2E_H

/* sendmmsg() and recvmmsg(): include this header first. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <vpx/vp8cx.h>
#include <vpx/vp8dx.h>
#include <vpx/vpx_decoder.h>
#include <vpx/vpx_encoder.h>

#include "media_test.h"

#define E2E_W 640
#define E2E_H 360
#define E2E_FRAMES 120
#define E2E_FPS 30
#define E2E_DEADLINE_S 8
#define E2E_BURST 16		/* packets per sendmmsg */

struct e2e_frame {
	uint8_t *data;
	uint32_t len;
	bool key;
	uint64_t hash;		/* of the reference decode */
};

static inline double e2e_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Frame n of the pattern: a diagonal gradient sliding, a bright box crossing, moving chroma. */
static inline void e2e_pattern(vpx_image_t *img, unsigned int n)
{
	unsigned int x, y, bx = n * 5 % (E2E_W - 64), by = n * 3 % (E2E_H - 64);

	for (y = 0; y < E2E_H; y++) {
		uint8_t *row = img->planes[VPX_PLANE_Y] + (size_t)y * img->stride[VPX_PLANE_Y];

		for (x = 0; x < E2E_W; x++)
			row[x] = (x >= bx && x < bx + 64 && y >= by && y < by + 64) ?
					 235 : (uint8_t)(16 + ((x + y + 4 * n) & 0x7f));
	}
	for (y = 0; y < E2E_H / 2; y++) {
		uint8_t *u = img->planes[VPX_PLANE_U] + (size_t)y * img->stride[VPX_PLANE_U];
		uint8_t *v = img->planes[VPX_PLANE_V] + (size_t)y * img->stride[VPX_PLANE_V];

		for (x = 0; x < E2E_W / 2; x++) {
			u[x] = (uint8_t)(96 + ((x + n) & 63));
			v[x] = (uint8_t)(96 + ((y + 2 * n) & 63));
		}
	}
}

/* FNV-1a over the visible planes of a decoded picture. */
static inline uint64_t e2e_hash(const vpx_image_t *img)
{
	uint64_t h = 0xcbf29ce484222325ull;
	unsigned int p, y, x;

	for (p = 0; p < 3; p++) {
		unsigned int w = p ? (img->d_w + 1) / 2 : img->d_w;
		unsigned int hgt = p ? (img->d_h + 1) / 2 : img->d_h;

		for (y = 0; y < hgt; y++) {
			const uint8_t *row = img->planes[p] + (size_t)y * img->stride[p];

			for (x = 0; x < w; x++) {
				h ^= row[x];
				h *= 0x100000001b3ull;
			}
		}
	}
	return h;
}

static inline vpx_codec_iface_t *e2e_encoder(uint8_t codec)
{
	return codec == KSRTP_CODEC_VP8 ? vpx_codec_vp8_cx() : vpx_codec_vp9_cx();
}

static inline vpx_codec_iface_t *e2e_decoder(uint8_t codec)
{
	return codec == KSRTP_CODEC_VP8 ? vpx_codec_vp8_dx() : vpx_codec_vp9_dx();
}

/* Encode the pattern: real time, fastest preset, a key frame every 60, no frame dropping. */
static inline unsigned int e2e_encode(uint8_t codec, struct e2e_frame *out)
{
	vpx_codec_iface_t *iface = e2e_encoder(codec);
	vpx_codec_enc_cfg_t cfg;
	vpx_codec_ctx_t enc;
	vpx_image_t img;
	unsigned int i, n = 0;

	if (vpx_codec_enc_config_default(iface, &cfg, 0))
		MT_FATAL("vpx_codec_enc_config_default");
	cfg.g_w = E2E_W;
	cfg.g_h = E2E_H;
	cfg.g_timebase.num = 1;
	cfg.g_timebase.den = E2E_FPS;
	cfg.g_threads = 1;
	cfg.g_lag_in_frames = 0;
	cfg.rc_end_usage = VPX_CBR;
	cfg.rc_target_bitrate = 1500;
	cfg.rc_dropframe_thresh = 0;
	cfg.kf_mode = VPX_KF_AUTO;
	cfg.kf_min_dist = 60;
	cfg.kf_max_dist = 60;
	if (vpx_codec_enc_init(&enc, iface, &cfg, 0) ||
	    vpx_codec_control(&enc, VP8E_SET_CPUUSED, 8))
		MT_FATAL("vpx_codec_enc_init: %s", vpx_codec_error(&enc));
	if (!vpx_img_alloc(&img, VPX_IMG_FMT_I420, E2E_W, E2E_H, 32))
		MT_FATAL("vpx_img_alloc");
	for (i = 0; i <= E2E_FRAMES; i++) {
		const vpx_codec_cx_pkt_t *pkt;
		vpx_codec_iter_t it = NULL;

		if (i < E2E_FRAMES)
			e2e_pattern(&img, i);
		/* The last round flushes the encoder. */
		if (vpx_codec_encode(&enc, i < E2E_FRAMES ? &img : NULL, i, 1, 0, VPX_DL_REALTIME))
			MT_FATAL("vpx_codec_encode: %s", vpx_codec_error(&enc));
		while ((pkt = vpx_codec_get_cx_data(&enc, &it))) {
			if (pkt->kind != VPX_CODEC_CX_FRAME_PKT)
				continue;
			if (n == E2E_FRAMES)
				MT_FATAL("the encoder made more frames than it was given");
			out[n].len = (uint32_t)pkt->data.frame.sz;
			out[n].data = mt_alloc(out[n].len);
			memcpy(out[n].data, pkt->data.frame.buf, out[n].len);
			out[n].key = pkt->data.frame.flags & VPX_FRAME_IS_KEY;
			n++;
		}
	}
	vpx_img_free(&img);
	vpx_codec_destroy(&enc);
	return n;
}

static inline void e2e_decoder_init(vpx_codec_ctx_t *dec, uint8_t codec)
{
	vpx_codec_dec_cfg_t cfg = { .threads = 1, .w = E2E_W, .h = E2E_H };

	if (vpx_codec_dec_init(dec, e2e_decoder(codec), &cfg, 0))
		MT_FATAL("vpx_codec_dec_init");
}

/* Decode one frame; returns 0 and the picture's hash, or -1 (no picture, or an error). */
static inline int e2e_decode(vpx_codec_ctx_t *dec, const uint8_t *data, uint32_t len,
			     uint64_t *hash)
{
	vpx_codec_iter_t it = NULL;
	vpx_image_t *img;

	if (vpx_codec_decode(dec, data, len, NULL, 0))
		return -1;
	img = vpx_codec_get_frame(dec, &it);
	if (!img)
		return -1;
	*hash = e2e_hash(img);
	return 0;
}

/* Two UDP sockets on 127.0.0.1, the sender connected to the receiver. */
struct e2e_link {
	int tx, rx;
};

static inline int e2e_link_open(struct e2e_link *l)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);
	int rcvbuf = 8 << 20;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l->rx = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	l->tx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (l->rx < 0 || l->tx < 0 || bind(l->rx, (struct sockaddr *)&a, sizeof(a)) ||
	    getsockname(l->rx, (struct sockaddr *)&a, &alen) ||
	    connect(l->tx, (struct sockaddr *)&a, sizeof(a)))
		return -errno;
	/* Best effort: the receiver drains after every burst anyway. */
	setsockopt(l->rx, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	return 0;
}

static inline void e2e_link_close(struct e2e_link *l)
{
	close(l->tx);
	close(l->rx);
}

/* Send v[0..n) with sendmmsg, all of it. */
static inline void e2e_send(struct e2e_link *l, struct ksrtp_pkt **v, unsigned int n)
{
	struct mmsghdr m[E2E_BURST];
	struct iovec iov[E2E_BURST];
	unsigned int i, done = 0;

	memset(m, 0, sizeof(m));
	for (i = 0; i < n; i++) {
		iov[i].iov_base = v[i]->data;
		iov[i].iov_len = v[i]->len;
		m[i].msg_hdr.msg_iov = &iov[i];
		m[i].msg_hdr.msg_iovlen = 1;
	}
	while (done < n) {
		int r = sendmmsg(l->tx, m + done, n - done, 0);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			MT_FATAL("sendmmsg: %s", strerror(errno));
		done += (unsigned int)r;
	}
}

/* Receive what is there, waiting up to timeout_ms for the first datagram. */
static inline unsigned int e2e_recv(struct e2e_link *l, struct ksrtp_pkt *v, unsigned int n,
				    int timeout_ms)
{
	struct pollfd pfd = { .fd = l->rx, .events = POLLIN };
	struct mmsghdr m[E2E_BURST];
	struct iovec iov[E2E_BURST];
	unsigned int i;
	int r;

	if (n > E2E_BURST)
		n = E2E_BURST;
	if (poll(&pfd, 1, timeout_ms) <= 0)
		return 0;
	memset(m, 0, sizeof(m));
	for (i = 0; i < n; i++) {
		iov[i].iov_base = v[i].data;
		iov[i].iov_len = v[i].cap;
		m[i].msg_hdr.msg_iov = &iov[i];
		m[i].msg_hdr.msg_iovlen = 1;
	}
	r = recvmmsg(l->rx, m, n, MSG_DONTWAIT, NULL);
	if (r < 0)
		return 0;
	for (i = 0; i < (unsigned int)r; i++) {
		v[i].len = m[i].msg_len;
		CHECK(!(m[i].msg_hdr.msg_flags & MSG_TRUNC));
	}
	return (unsigned int)r;
}

static const uint8_t e2e_key[16] = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
				     0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x01 };
static const uint8_t e2e_salt[12] = { 0xfe, 0xed, 0xfa, 0xce, 0xde, 0xad, 0xbe, 0xef,
				      0x01, 0x02, 0x03, 0x04 };

/* A session on the engine under test (test_config(): the user engine unless told). */
static inline ksrtp_session *e2e_session(enum ksrtp_direction dir, uint32_t ssrc)
{
	struct ksrtp_config cfg = test_config();
	struct ksrtp_policy p = {
		.profile = KSRTP_AEAD_AES_128_GCM,
		.direction = dir,
		.ssrc = ssrc,
		.key = e2e_key,
		.key_len = sizeof(e2e_key),
		.salt = e2e_salt,
		.salt_len = sizeof(e2e_salt),
	};
	int err = 0;
	ksrtp_session *s = ksrtp_session_new(&cfg, &err);

	if (!s || ksrtp_add_stream(s, &p))
		MT_FATAL("session: %s", ksrtp_strerror(err));
	return s;
}

/* VP8 partitions (RFC 6386 sections 9.1, 9.5): the first, frame header included; one DCT. */
static inline uint8_t e2e_vp8_parts(const struct e2e_frame *f, uint32_t *part_len)
{
	uint32_t first;

	if (f->len < 10)
		return 0;
	first = (f->key ? 10 : 3) + ((uint32_t)f->data[0] >> 5 | (uint32_t)f->data[1] << 3 |
				     (uint32_t)f->data[2] << 11);
	if (first >= f->len)
		return 0;
	part_len[0] = first;
	part_len[1] = f->len - first;
	return 2;
}

/* The receiving end: assembler, decoder, and what has been seen. */
struct e2e_rx {
	ksrtp_session *s;
	ksrtp_assembler *a;
	vpx_codec_ctx_t dec;
	const struct e2e_frame *f;
	unsigned int nf;
	uint32_t ts0;		/* timestamp of frame 0 on the wire */
	uint8_t *buf;
	size_t cap;
	int last;		/* last frame delivered */
	bool in_sync;		/* decoder in the reference's state: nothing missed since a key */
	unsigned int *got;
	unsigned int matched, decoded_other;
};

/* Verify and decode one delivered frame: an encoded frame, in order, whole. */
static inline void e2e_check_frame(struct e2e_rx *r, const struct ksrtp_frame_info *fi,
				   const uint8_t *data)
{
	const struct e2e_frame *f;
	unsigned int i = (fi->rtp_ts - r->ts0) / 3000;
	uint64_t h;

	if ((fi->rtp_ts - r->ts0) % 3000 || i >= r->nf) {
		fprintf(stderr, "delivered a frame with timestamp %u\n", fi->rtp_ts);
		test_failures++;
		return;
	}
	f = &r->f[i];
	if (fi->len != f->len || memcmp(data, f->data, f->len)) {
		fprintf(stderr, "frame %u delivered with other bytes than encoded\n", i);
		test_failures++;
		return;
	}
	CHECK((int)i > r->last);
	CHECK(!!(fi->flags & KSRTP_FI_KEY) == f->key);
	CHECK(!!(fi->flags & KSRTP_FI_DISCONT) == ((int)i != r->last + 1));
	r->got[i]++;
	r->in_sync = f->key || (r->in_sync && (int)i == r->last + 1);
	r->last = (int)i;
	if (e2e_decode(&r->dec, data, fi->len, &h) == 0 && r->in_sync) {
		if (h != f->hash) {
			fprintf(stderr, "frame %u decodes to another picture\n", i);
			test_failures++;
		}
		r->matched++;
	} else if (!r->in_sync) {
		r->decoded_other++;
	} else {
		fprintf(stderr, "frame %u does not decode\n", i);
		test_failures++;
	}
}

/* Open, assemble, pop, verify and decode whatever came in. */
static inline void e2e_consume(struct e2e_rx *r, struct ksrtp_pkt *v, unsigned int n)
{
	struct ksrtp_frame_info fi;
	int ok, got;

	ok = ksrtp_unprotect_batch(r->s, v, n);
	CHECK(ok == (int)n);
	ksrtp_assembler_push_batch(r->a, v, n);
	while ((got = ksrtp_assembler_pop(r->a, &fi, r->buf, r->cap)) == 1)
		e2e_check_frame(r, &fi, r->buf);
	CHECK_ERR(got, 0);
}

static inline int e2e_run(uint8_t codec, bool loss)
{
	static uint8_t tx_arena[MT_MAX_PKTS][MT_SLOT], rx_arena[E2E_BURST][MT_SLOT];
	static struct ksrtp_pkt txv[MT_MAX_PKTS];
	static unsigned int frame_of[MT_MAX_PKTS];
	unsigned long long rng = 0xe2e0 + codec + loss;
	struct e2e_frame *frames = mt_alloc(E2E_FRAMES * sizeof(*frames));
	struct ksrtp_vp9_ss ss = { .n_s = 1, .y = 1, .width = { E2E_W }, .height = { E2E_H } };
	struct ksrtp_assembler_stats st;
	struct ksrtp_pkt rxv[E2E_BURST], *burst[E2E_BURST];
	struct ksrtp_packetizer pz;
	struct e2e_link link;
	struct e2e_rx r;
	ksrtp_session *txs;
	unsigned int nf, i, np = 0, *order, nb = 0, sent = 0, received = 0, dropped = 0;
	unsigned int first_key_pkts = 0, pid1 = 0;
	vpx_codec_ctx_t ref;
	bool *drop;
	double t0 = e2e_now(), t1, t2;
	int err;

	err = e2e_link_open(&link);
	if (err) {
		printf("no UDP on 127.0.0.1: %s\n", strerror(-err));
		return T_SKIP;
	}
	/* Encode, and decode the encoder's output for the reference pictures. */
	nf = e2e_encode(codec, frames);
	CHECK(nf == E2E_FRAMES && frames[0].key && frames[60].key);
	e2e_decoder_init(&ref, codec);
	for (i = 0; i < nf; i++)
		if (e2e_decode(&ref, frames[i].data, frames[i].len, &frames[i].hash))
			MT_FATAL("reference decode of frame %u: %s", i, vpx_codec_error(&ref));
	vpx_codec_destroy(&ref);
	t1 = e2e_now();

	/* Send side: packetize each frame into the arena and seal the batch. */
	mt_packetizer(&pz, codec, 0, codec == KSRTP_CODEC_VP8 ? KSRTP_PKTZ_LAYERS : 0, 65000);
	txs = e2e_session(KSRTP_OUTBOUND, pz.ssrc);
	for (i = 0; i < nf; i++) {
		uint32_t parts[2];
		struct ksrtp_frame f = {
			.data = frames[i].data,
			.len = frames[i].len,
			.rtp_ts = i * (KSRTP_MEDIA_CLOCK_HZ / E2E_FPS),
			.flags = frames[i].key ? KSRTP_FRAME_KEY : 0,
		};
		unsigned int j;
		int n;

		if (codec == KSRTP_CODEC_VP8) {
			f.n_parts = e2e_vp8_parts(&frames[i], parts);
			f.part_len = f.n_parts ? parts : NULL;
		} else if (frames[i].key) {
			f.ss = &ss;
		}
		for (j = np; j < MT_MAX_PKTS; j++) {
			txv[j].data = tx_arena[j];
			txv[j].cap = MT_SLOT;
		}
		n = ksrtp_packetize(&pz, &f, txv + np, MT_MAX_PKTS - np);
		if (n <= 0)
			MT_FATAL("ksrtp_packetize frame %u: %s", i, ksrtp_strerror(n));
		for (j = 0; j < (unsigned int)n; j++) {
			frame_of[np + j] = i;
			/* RFC 7741 PID: the DCT partition's packets say 1. */
			pid1 += codec == KSRTP_CODEC_VP8 && (tx_arena[np + j][12] & 7) == 1;
		}
		if (!i)
			first_key_pkts = (unsigned int)n;
		CHECK(ksrtp_protect_batch(txs, txv + np, (unsigned int)n) == n);
		np += (unsigned int)n;
	}

	/*
	 * The channel: drop 5% and reorder up to 6 places. Never the last
	 * packet (no receiver could know), nor the first key frame's, so that
	 * decoding in step with the reference is tested under loss as well.
	 */
	drop = mt_alloc(np * sizeof(*drop));
	order = loss ? mt_shuffle(np, 6, &rng) : mt_shuffle(np, 1, &rng);
	for (i = first_key_pkts; loss && i + 1 < np; i++) {
		drop[i] = test_rand(&rng) % 100 < 5;
		dropped += drop[i];
	}

	/* Receive side. */
	memset(&r, 0, sizeof(r));
	r.s = e2e_session(KSRTP_INBOUND, pz.ssrc);
	r.a = mt_assembler(codec, 0, 0);
	r.f = frames;
	r.nf = nf;
	r.ts0 = pz.ts_offset;
	r.cap = ksrtp_assembler_max_frame(r.a);
	r.buf = mt_alloc(r.cap);
	r.last = -1;
	r.got = mt_alloc(nf * sizeof(*r.got));
	e2e_decoder_init(&r.dec, codec);
	for (i = 0; i < E2E_BURST; i++) {
		rxv[i].data = rx_arena[i];
		rxv[i].cap = MT_SLOT;
	}
	for (i = 0; i <= np; i++) {
		if (i < np && !drop[order[i]])
			burst[nb++] = &txv[order[i]];
		if (nb < E2E_BURST && i < np)
			continue;
		e2e_send(&link, burst, nb);
		sent += nb;
		nb = 0;
		/* Take in all that was sent before sending more. */
		while (received < sent) {
			unsigned int n = e2e_recv(&link, rxv, E2E_BURST, 1000);

			if (!n && e2e_now() - t1 > E2E_DEADLINE_S)
				MT_FATAL("%u of %u datagrams arrived in %d s", received, sent,
					 E2E_DEADLINE_S);
			received += n;
			e2e_consume(&r, rxv, n);
		}
	}
	ksrtp_assembler_flush(r.a);
	e2e_consume(&r, rxv, 0);
	t2 = e2e_now();

	ksrtp_assembler_stats(r.a, &st);
	for (i = 0; i < nf; i++) {
		bool whole = true;
		unsigned int j;

		for (j = 0; j < np; j++)
			if (frame_of[j] == i && drop[j])
				whole = false;
		if (r.got[i] != whole) {
			fprintf(stderr, "frame %u (%s) delivered %u times\n", i,
				whole ? "whole" : "incomplete", r.got[i]);
			test_failures++;
		}
	}
	CHECK(st.lost == dropped && !st.late && !st.duplicates && !st.malformed &&
	      !st.inconsistent);
	CHECK(loss ? dropped > 5 && r.matched >= 1 : r.matched == nf);
	CHECK(codec != KSRTP_CODEC_VP8 || pid1 > 0);
	if (codec == KSRTP_CODEC_VP9) {
		const struct ksrtp_vp9_ss *got_ss = ksrtp_assembler_vp9_ss(r.a);

		CHECK(got_ss && got_ss->n_s == 1 && got_ss->width[0] == E2E_W &&
		      got_ss->height[0] == E2E_H);
	}
	printf("%s%s: %u frames, %u packets (%u dropped), %llu delivered, %u decoded as the "
	       "reference, %u after loss; encode+reference %.2f s, transfer %.2f s\n",
	       codec == KSRTP_CODEC_VP8 ? "VP8" : "VP9", loss ? " with loss" : "", nf, np,
	       dropped, (unsigned long long)st.frames, r.matched, r.decoded_other, t1 - t0,
	       t2 - t1);

	vpx_codec_destroy(&r.dec);
	ksrtp_assembler_free(r.a);
	ksrtp_session_free(r.s);
	ksrtp_session_free(txs);
	e2e_link_close(&link);
	for (i = 0; i < nf; i++)
		free(frames[i].data);
	free(frames);
	free(drop);
	free(order);
	free(r.buf);
	free(r.got);
	return test_result();
}

#endif /* KSRTP_TESTS_E2E_H */
