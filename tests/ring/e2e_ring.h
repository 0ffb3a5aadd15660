/* SPDX-License-Identifier: MIT */
/*
 * libvpx end to end through the public ring API, shared by vp8_e2e,
 * vp9_e2e and their _loss twins. The encoder, reference decode and frame
 * checks are tests/media/e2e.h's; the path is the library's own:
 *
 *   ksrtp_send_frame (packetize into arena slots, protect_batch, one train
 *   on the default transport) -> 127.0.0.1 -> a relay in the test (loss
 *   and reordering, in the loss variant) -> 127.0.0.1 -> ksrtp_inbound_poll
 *   (multishot receive, unprotect_batch, assembler, flush timer) ->
 *   on_frame -> verify and decode
 *
 * With loss, 5% of the packets after the first key frame's and before the
 * last frame's are dropped, and the rest reordered up to 6 places: exactly
 * the frames none of whose packets was dropped are delivered, the loss
 * count equals the drops (the last gaps are given up by the flush timer),
 * and frames decoded since a key frame with nothing missing match the
 * reference.
 */
#ifndef KSRTP_TESTS_E2E_RING_H
#define KSRTP_TESTS_E2E_RING_H

#include "media/e2e.h"
#include "ring_test.h"

#define ER_HOLD 6		/* reordering: packets the relay holds back */
#define ER_FLUSH_MS 2000	/* far above a loaded machine's stalls, the TCG VM's included */

/* The relay: what came from the sender, dropped or held back and let go in another order. */
struct er_relay {
	struct e2e_link in, out;	/* sender -> in.rx; out.tx -> receiver */
	uint8_t (*held)[MT_SLOT];
	struct ksrtp_pkt hv[ER_HOLD + 1];
	unsigned int arrival[ER_HOLD + 1];	/* held in arrival order */
	unsigned int nheld, arrived;
	bool loss;
	unsigned long long rng;
	unsigned int dropped, forwarded;
	unsigned int *dropped_in;	/* per frame */
	uint32_t ts0;
	unsigned int nf;
};

static inline void er_forward(struct er_relay *x, struct ksrtp_pkt *p)
{
	e2e_send(&x->out, &p, 1);
	x->forwarded++;
}

/* Everything the sender sent so far through the channel; frame is the one just sent. */
static inline void er_relay_step(struct er_relay *x, unsigned int frame)
{
	struct ksrtp_pkt v[E2E_BURST];
	static uint8_t buf[E2E_BURST][MT_SLOT];
	unsigned int i, n;

	for (i = 0; i < E2E_BURST; i++)
		v[i] = (struct ksrtp_pkt){ .data = buf[i], .cap = MT_SLOT };
	while ((n = e2e_recv(&x->in, v, E2E_BURST, 0)) > 0) {
		for (i = 0; i < n; i++) {
			uint32_t ts = (uint32_t)v[i].data[4] << 24 | (uint32_t)v[i].data[5] << 16 |
				      (uint32_t)v[i].data[6] << 8 | v[i].data[7];
			unsigned int f = (ts - x->ts0) / 3000, k;

			if (x->loss && f > 0 && f + 1 < x->nf && test_rand(&x->rng) % 100 < 5) {
				x->dropped++;
				x->dropped_in[f < x->nf ? f : 0]++;
				continue;
			}
			if (!x->loss) {
				er_forward(x, &v[i]);
				continue;
			}
			/*
			 * Hold it; when full, let a random held one go, or the
			 * oldest once it is ER_HOLD late: no packet moves more
			 * than 2 * ER_HOLD places, well inside the assembler's
			 * reorder distance.
			 */
			memcpy(x->held[x->nheld], v[i].data, v[i].len);
			x->hv[x->nheld].len = v[i].len;
			x->arrival[x->nheld++] = x->arrived++;
			if (x->nheld <= ER_HOLD)
				continue;
			k = x->arrival[0] + ER_HOLD <= x->arrived - x->nheld ?
				    0 : (unsigned int)(test_rand(&x->rng) % x->nheld);
			er_forward(x, &x->hv[k]);
			for (x->nheld--; k < x->nheld; k++) {
				memcpy(x->held[k], x->held[k + 1], x->hv[k + 1].len);
				x->hv[k].len = x->hv[k + 1].len;
				x->arrival[k] = x->arrival[k + 1];
			}
		}
	}
	/* After the last frame: the rest, in order. */
	for (i = 0; frame + 1 == x->nf && i < x->nheld; i++)
		er_forward(x, &x->hv[i]);
	if (frame + 1 == x->nf)
		x->nheld = 0;
}

static void er_on_frame(void *arg, const struct ksrtp_frame_info *fi, const uint8_t *data)
{
	e2e_check_frame(arg, fi, data);
}

static inline int er_run(uint8_t codec, bool loss)
{
	struct e2e_frame *frames = mt_alloc(E2E_FRAMES * sizeof(*frames));
	struct ksrtp_vp9_ss ss = { .n_s = 1, .y = 1, .width = { E2E_W }, .height = { E2E_H } };
	struct ksrtp_packetizer_config pzc = {
		.ssrc = 0xcafe0001u,
		.codec = codec,
		.payload_type = 96,
		.flags = KSRTP_PKTZ_EXPLICIT_START |
			 (codec == KSRTP_CODEC_VP8 ? KSRTP_PKTZ_LAYERS : 0),
		.seq = 65000,
		.ts_offset = 0x10000000u,
		.picture_id = 100,
	};
	struct ksrtp_inbound_config inc = { .assembler = { .codec = codec },
					    .flush_ms = ER_FLUSH_MS, .on_frame = er_on_frame };
	struct ksrtp_inbound_stats st;
	struct ksrtp_dest to;
	struct er_relay x;
	struct e2e_rx r;
	ksrtp_ring *txr, *rxr;
	ksrtp_outbound *o;
	ksrtp_inbound *in;
	ksrtp_session *txs;
	vpx_codec_ctx_t ref;
	unsigned int nf, i, np = 0;
	double t0 = e2e_now(), t1, t2;
	int err = 0, ret;

	memset(&x, 0, sizeof(x));
	rt_loopback();
	if (e2e_link_open(&x.in) || e2e_link_open(&x.out)) {
		printf("no UDP on 127.0.0.1\n");
		return T_SKIP;
	}
	nf = e2e_encode(codec, frames);
	CHECK(nf == E2E_FRAMES && frames[0].key && frames[60].key);
	e2e_decoder_init(&ref, codec);
	for (i = 0; i < nf; i++)
		if (e2e_decode(&ref, frames[i].data, frames[i].len, &frames[i].hash))
			MT_FATAL("reference decode of frame %u: %s", i, vpx_codec_error(&ref));
	vpx_codec_destroy(&ref);
	t1 = e2e_now();

	txr = rt_ring(KSRTP_TX_DEFAULT, KSRTP_RX_DEFAULT, 0, 0, 0);
	rxr = rt_ring(KSRTP_TX_DEFAULT, KSRTP_RX_DEFAULT, 0, 0, 0);
	txs = e2e_session(KSRTP_OUTBOUND, pzc.ssrc);
	to = (struct ksrtp_dest){ .fd = x.in.tx };
	o = ksrtp_outbound_new(txr, txs, &pzc, &to, &err);
	if (!o)
		MT_FATAL("ksrtp_outbound_new: %s", ksrtp_strerror(err));

	memset(&r, 0, sizeof(r));
	r.s = e2e_session(KSRTP_INBOUND, pzc.ssrc);
	r.f = frames;
	r.nf = nf;
	r.ts0 = pzc.ts_offset;
	r.last = -1;
	r.got = mt_alloc(nf * sizeof(*r.got));
	e2e_decoder_init(&r.dec, codec);
	inc.session = r.s;
	inc.arg = &r;
	CHECK_ERR(ksrtp_ring_listen(rxr, x.out.rx), 0);
	in = ksrtp_inbound_new(rxr, &inc, &err);
	if (!in)
		MT_FATAL("ksrtp_inbound_new: %s", ksrtp_strerror(err));

	x.loss = loss;
	x.rng = 0xe2e1 + codec + loss;
	x.held = mt_alloc((ER_HOLD + 1) * sizeof(*x.held));
	for (i = 0; i <= ER_HOLD; i++)
		x.hv[i] = (struct ksrtp_pkt){ .data = x.held[i], .cap = MT_SLOT };
	x.dropped_in = mt_alloc(nf * sizeof(*x.dropped_in));
	x.ts0 = pzc.ts_offset;
	x.nf = nf;

	for (i = 0; i < nf; i++) {
		uint32_t parts[2];
		struct ksrtp_frame f = {
			.data = frames[i].data,
			.len = frames[i].len,
			.rtp_ts = i * (KSRTP_MEDIA_CLOCK_HZ / E2E_FPS),
			.flags = frames[i].key ? KSRTP_FRAME_KEY : 0,
		};

		if (codec == KSRTP_CODEC_VP8) {
			f.n_parts = e2e_vp8_parts(&frames[i], parts);
			f.part_len = f.n_parts ? parts : NULL;
			ret = ksrtp_send_frame_ex(o, &f);
		} else if (frames[i].key) {
			f.ss = &ss;
			ret = ksrtp_send_frame_ex(o, &f);
		} else {
			/* The plain call: what a caller without codec details uses. */
			ret = ksrtp_send_frame(o, f.data, f.len, f.rtp_ts, false);
		}
		CHECK(ret > 0);
		np += ret > 0 ? (unsigned int)ret : 0;
		er_relay_step(&x, i);
		while ((ret = ksrtp_inbound_poll(in, 0)) > 0)
			;
		CHECK(ret >= 0);
	}
	/* Until everything forwarded is in and the flush timer gave up the last gaps. */
	for (;;) {
		ret = ksrtp_inbound_poll(in, 20);
		CHECK(ret >= 0);
		ksrtp_inbound_stats(in, &st);
		if ((st.packets == x.forwarded && st.flushes > 0) || ret < 0 ||
		    e2e_now() - t1 > E2E_DEADLINE_S)
			break;
	}
	t2 = e2e_now();

	CHECK(st.packets == x.forwarded && st.opened == x.forwarded);
	CHECK(np == x.forwarded + x.dropped);
	for (i = 0; i < nf; i++) {
		bool whole = !x.dropped_in[i];

		if (r.got[i] != whole) {
			fprintf(stderr, "frame %u (%s) delivered %u times\n", i,
				whole ? "whole" : "incomplete", r.got[i]);
			test_failures++;
		}
	}
	if (st.assembler.lost != x.dropped || st.assembler.late)
		fprintf(stderr, "lost %llu late %llu, dropped %u\n",
			(unsigned long long)st.assembler.lost, (unsigned long long)st.assembler.late,
			x.dropped);
	CHECK(st.assembler.lost == x.dropped && !st.assembler.late &&
	      !st.assembler.duplicates && !st.assembler.malformed && !st.assembler.inconsistent);
	CHECK(loss ? x.dropped > 5 && r.matched >= 1 : r.matched == nf);
	printf("%s%s through %s/%s: %u frames, %u packets (%u dropped), %llu delivered, %u "
	       "decoded as the reference, %u after loss, %llu flushes; encode+reference %.2f s, "
	       "transfer %.2f s\n",
	       codec == KSRTP_CODEC_VP8 ? "VP8" : "VP9", loss ? " with loss" : "",
	       ksrtp_tx_mode_name(ksrtp_ring_tx_mode(txr)),
	       ksrtp_rx_mode_name(ksrtp_ring_rx_mode(rxr)), nf, np, x.dropped,
	       (unsigned long long)st.assembler.frames, r.matched, r.decoded_other,
	       (unsigned long long)st.flushes, t1 - t0, t2 - t1);

	{
		struct ksrtp_ring_stats rs;

		ksrtp_ring_stats(txr, &rs);
		CHECK(rs.tx_errors == 0 && rs.tx_packets == np);
		ksrtp_ring_stats(rxr, &rs);
		CHECK(rs.rx_errors == 0 && rs.rx_truncated == 0);
	}
	rt_check_slots(txr);
	rt_check_slots(rxr);
	ksrtp_inbound_free(in);
	ksrtp_outbound_free(o);
	ksrtp_ring_free(txr);
	ksrtp_ring_free(rxr);
	vpx_codec_destroy(&r.dec);
	ksrtp_session_free(r.s);
	ksrtp_session_free(txs);
	e2e_link_close(&x.in);
	e2e_link_close(&x.out);
	for (i = 0; i < nf; i++)
		free(frames[i].data);
	free(frames);
	free(r.got);
	free(x.held);
	free(x.dropped_in);
	return test_result();
}

#endif /* KSRTP_TESTS_E2E_RING_H */
