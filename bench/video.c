// SPDX-License-Identifier: MIT
/*
 * ksrtp-bench video: what a frame costs to send, per transport. A real
 * libvpx VP8 encode (1280x720, a generated moving picture, CBR at about
 * 2.5 Mbit/s, real-time mode) is encoded once, untimed; then each pass
 * sends every frame with ksrtp_send_frame() (packetize into arena slots,
 * one protect_batch, one train) to a loopback receiver drained by a thread
 * of its own, once per transport of lib/ring:
 *
 *   sendto        one sendto() a packet
 *   sendmmsg      one sendmmsg() a frame
 *   io_uring      one SENDMSG SQE a packet, one io_uring_enter() a frame
 *   io_uring+gso  one SENDMSG with UDP_SEGMENT a frame
 *   sendmsg+gso   one sendmsg() with UDP_SEGMENT a frame, without io_uring
 *
 * The second group is the target figure: frame trains of 8 x 1200
 * bytes of payload (generic packetizer), sealed and sent, ns per packet.
 * Interleaved runs, medians; by default on the sending thread's CPU clock,
 * which includes the kernel's work in its syscalls (on loopback the
 * receive path as well, up to the socket queue).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vpx/vp8cx.h>
#include <vpx/vpx_encoder.h>

#include "bench.h"
#include "ksrtp/ring.h"
#include "video_drain.h"

#define DEFAULT_RUNS 7
#define DEFAULT_RUN_MS 200
#define QUICK_RUNS 3
#define QUICK_RUN_MS 20
#define VIDEO_W 1280
#define VIDEO_H 720
#define VIDEO_FPS 30
#define DEFAULT_FRAMES 150
#define QUICK_FRAMES 30
#define DEFAULT_KBPS 2500
#define TRAIN_PACKETS 8
#define TRAIN_PAYLOAD 1200
#define TRAIN_FRAMES 32		/* a pass of the train group: 256 packets */
#define TRAIN_TARGET_NS 500.0	/* issue 4: <= 0.5 us a packet with io_uring + GSO */
#define N_TRANSPORTS 5

static const enum ksrtp_tx_mode transports[N_TRANSPORTS] = {
	KSRTP_TX_SENDTO, KSRTP_TX_SENDMMSG, KSRTP_TX_URING, KSRTP_TX_URING_GSO, KSRTP_TX_GSO,
};
#define URING_GSO 3		/* transports[] index of the target's transport */

struct video_options {
	struct bench_options common;
	unsigned int frames;
	unsigned int kbps;
	bool gro;
	bool spin;
};

static const char options_help[] =
	"  --quick          smoke test: 30 frames, 3 runs of ~20 ms each\n"
	"  --runs N         runs per figure, the median is reported (default 7; 1..101)\n"
	"  --run-ms MS      length of one run in ms (default 200)\n"
	"  --frames N       VP8 frames encoded and sent each pass (default 150; 10..3000)\n"
	"  --kbps N         encoder target bitrate in kbit/s (default 2500; 100..50000)\n"
	"  --gro            the receiving socket has UDP_GRO (GSO trains arrive whole)\n"
	"  --spin-receiver  the receiving thread polls without sleeping, so that no send\n"
	"                   pays for waking it (it takes a CPU of its own)\n"
	"  --json FILE      also write every figure with all its runs as JSON\n"
	"  --clock wall|cpu the sending thread's CPU time (default here), or CLOCK_MONOTONIC\n"
	"  --help           this text\n";

/* ---- the encode ---- */

struct encoded {
	uint8_t *data;
	uint32_t len;
	bool key;
};

#define BOX 64

/*
 * Frame n: a noise texture panning (cheap to predict, as a camera pan), a
 * box of fresh noise moving across (what costs bits), moving chroma.
 */
static void pattern(vpx_image_t *img, unsigned int n, const uint8_t *texture)
{
	unsigned int x, y, bx = n * 9 % (VIDEO_W - BOX), by = n * 5 % (VIDEO_H - BOX);
	uint64_t rng = 0x9e3779b97f4a7c15ull * (n + 1);

	for (y = 0; y < VIDEO_H; y++) {
		uint8_t *row = img->planes[VPX_PLANE_Y] + (size_t)y * img->stride[VPX_PLANE_Y];
		const uint8_t *t = texture + (size_t)((y + n) % VIDEO_H) * VIDEO_W;

		for (x = 0; x < VIDEO_W; x++) {
			if (x >= bx && x < bx + BOX && y >= by && y < by + BOX) {
				rng ^= rng << 13;
				rng ^= rng >> 7;
				rng ^= rng << 17;
				row[x] = (uint8_t)(96 + (rng >> 60) * 4);
			} else {
				row[x] = t[(x + 3 * n) % VIDEO_W];
			}
		}
	}
	for (y = 0; y < VIDEO_H / 2; y++) {
		uint8_t *u = img->planes[VPX_PLANE_U] + (size_t)y * img->stride[VPX_PLANE_U];
		uint8_t *v = img->planes[VPX_PLANE_V] + (size_t)y * img->stride[VPX_PLANE_V];

		for (x = 0; x < VIDEO_W / 2; x++) {
			u[x] = (uint8_t)(96 + ((x + n) & 63));
			v[x] = (uint8_t)(96 + ((y + 2 * n) & 63));
		}
	}
}

/* VP8, real time, CBR at kbps, a key frame every 10 s: nf frames into out. */
static int encode(unsigned int nf, unsigned int kbps, struct encoded *out)
{
	vpx_codec_iface_t *iface = vpx_codec_vp8_cx();
	uint8_t *texture = malloc((size_t)VIDEO_W * VIDEO_H);
	vpx_codec_enc_cfg_t cfg;
	vpx_codec_ctx_t enc;
	vpx_image_t img;
	unsigned int i, n = 0;
	uint64_t rng = 42;

	if (!texture || vpx_codec_enc_config_default(iface, &cfg, 0))
		goto fail;
	for (i = 0; i < VIDEO_W * VIDEO_H; i++) {
		rng = rng * 6364136223846793005ull + 1442695040888963407ull;
		/* Soft blocks with a little grain: a scene, not noise. */
		texture[i] = (uint8_t)(48 + ((i % VIDEO_W / 40 * 7 + i / VIDEO_W / 40 * 13) & 127) +
				       (rng >> 62));
	}
	cfg.g_w = VIDEO_W;
	cfg.g_h = VIDEO_H;
	cfg.g_timebase.num = 1;
	cfg.g_timebase.den = VIDEO_FPS;
	cfg.g_threads = 1;
	cfg.g_lag_in_frames = 0;
	cfg.rc_end_usage = VPX_CBR;
	cfg.rc_target_bitrate = kbps;
	cfg.kf_max_dist = 10 * VIDEO_FPS;
	if (vpx_codec_enc_init(&enc, iface, &cfg, 0))
		goto fail;
	if (vpx_codec_control(&enc, VP8E_SET_CPUUSED, 8) ||
	    !vpx_img_alloc(&img, VPX_IMG_FMT_I420, VIDEO_W, VIDEO_H, 32)) {
		vpx_codec_destroy(&enc);
		goto fail;
	}
	for (i = 0; i <= nf && n < nf; i++) {
		const vpx_codec_cx_pkt_t *pkt;
		vpx_codec_iter_t it = NULL;

		if (i < nf)
			pattern(&img, i, texture);
		if (vpx_codec_encode(&enc, i < nf ? &img : NULL, i, 1, 0, VPX_DL_REALTIME))
			break;
		while ((pkt = vpx_codec_get_cx_data(&enc, &it)) && n < nf) {
			if (pkt->kind != VPX_CODEC_CX_FRAME_PKT)
				continue;
			out[n].len = (uint32_t)pkt->data.frame.sz;
			out[n].data = malloc(out[n].len);
			if (!out[n].data)
				break;
			memcpy(out[n].data, pkt->data.frame.buf, out[n].len);
			out[n].key = pkt->data.frame.flags & VPX_FRAME_IS_KEY;
			n++;
		}
	}
	vpx_img_free(&img);
	vpx_codec_destroy(&enc);
	free(texture);
	if (n == nf)
		return 0;
	fprintf(stderr, "ksrtp-bench video: the encoder made %u of %u frames\n", n, nf);
	return -1;
fail:
	free(texture);
	fprintf(stderr, "ksrtp-bench video: libvpx VP8 encoder setup failed\n");
	return -1;
}

/* ---- the contenders ---- */

struct vctx {
	enum ksrtp_tx_mode mode;
	ksrtp_ring *ring;
	ksrtp_session *session;
	ksrtp_outbound *out;
	int fd;
	const struct encoded *frames;
	unsigned int nf;
	unsigned int packets;	/* a pass */
	uint32_t ts;
	const struct video_drain *drain;
};

static int vctx_pass(void *arg)
{
	struct vctx *v = arg;
	unsigned int i, sent = 0;

	for (i = 0; i < v->nf; i++) {
		const struct encoded *f = &v->frames[i];
		int n = ksrtp_send_frame(v->out, f->data, f->len, v->ts, f->key);

		if (n <= 0) {
			fprintf(stderr, "ksrtp-bench video: %s: ksrtp_send_frame: %s\n",
				ksrtp_tx_mode_name(v->mode), ksrtp_strerror(n));
			return -1;
		}
		sent += (unsigned int)n;
		v->ts += KSRTP_MEDIA_CLOCK_HZ / VIDEO_FPS;
	}
	return sent == v->packets ? 0 : -1;
}

/* Every packet accepted by the kernel, none lost track of, and the receiver sees them. */
static int vctx_verify(void *arg)
{
	struct vctx *v = arg;
	struct ksrtp_ring_stats st;
	ksrtp_arena *a = ksrtp_ring_arena(v->ring);

	ksrtp_ring_stats(v->ring, &st);
	if (st.tx_errors || ksrtp_arena_avail(a) + st.rx_posted != ksrtp_arena_slots(a) ||
	    !video_drain_got_some(v->drain)) {
		fprintf(stderr, "ksrtp-bench video: %s: %llu send errors (errno %d), %u of %u "
				"slots free\n", ksrtp_tx_mode_name(v->mode),
			(unsigned long long)st.tx_errors, st.last_errno, ksrtp_arena_avail(a),
			ksrtp_arena_slots(a));
		return -1;
	}
	return 0;
}

static void vctx_destroy(void *arg)
{
	struct vctx *v = arg;

	if (!v)
		return;
	ksrtp_outbound_free(v->out);
	ksrtp_session_free(v->session);
	ksrtp_ring_free(v->ring);
	if (v->fd >= 0)
		close(v->fd);
	free(v);
}

/* A sender on transport mode to receiver d, with its own ring, session and socket. */
static struct vctx *vctx_new(enum ksrtp_tx_mode mode, uint8_t codec, uint16_t mtu,
			     const struct video_drain *d, uint32_t ssrc)
{
	struct ksrtp_ring_config rc = { .tx = mode, .rx = KSRTP_RX_RECVMMSG, .rx_slots = 16 };
	struct ksrtp_packetizer_config pz = { .ssrc = ssrc, .codec = codec, .payload_type = 96,
					      .mtu = mtu };
	uint8_t key[16], salt[12];
	struct ksrtp_policy p = {
		.profile = KSRTP_AEAD_AES_128_GCM,
		.direction = KSRTP_OUTBOUND,
		.ssrc = ssrc,
		.key = key,
		.key_len = sizeof(key),
		.salt = salt,
		.salt_len = sizeof(salt),
	};
	struct vctx *v = calloc(1, sizeof(*v));
	struct ksrtp_dest to;
	int err = 0;

	if (!v)
		return NULL;
	memset(key, (int)ssrc, sizeof(key));
	memset(salt, (int)(ssrc >> 8), sizeof(salt));
	v->mode = mode;
	v->drain = d;
	v->fd = video_udp_socket(&d->addrs[0]);
	v->ring = ksrtp_ring_new(&rc, &err);
	v->session = v->ring ? ksrtp_session_new(NULL, &err) : NULL;
	if (v->fd < 0 || !v->session || (err = ksrtp_add_stream(v->session, &p)))
		goto fail;
	to = (struct ksrtp_dest){ .fd = v->fd };
	v->out = ksrtp_outbound_new(v->ring, v->session, &pz, &to, &err);
	if (!v->out)
		goto fail;
	return v;
fail:
	fprintf(stderr, "ksrtp-bench video: %s: %s\n", ksrtp_tx_mode_name(mode),
		ksrtp_strerror(err));
	vctx_destroy(v);
	return NULL;
}

/* ---- a group: one set of frames through every transport ---- */

struct video_group {
	const char *name;
	uint8_t codec;
	uint16_t mtu;
	const struct encoded *frames;
	unsigned int nf;
	double seconds;		/* of video a pass stands for (0: not video) */
};

static json_object *frames_per_s_json(const struct bench_figures *fig, unsigned int runs,
				      double packets_per_frame, struct bench_stats *st)
{
	double fps[BENCH_MAX_RUNS];
	unsigned int r;

	for (r = 0; r < runs; r++)
		fps[r] = 1e9 / (fig->ns[r] * packets_per_frame);
	bench_stats_of(fps, runs, st);
	return bench_stats_json(fps, runs);
}

static int run_group(const struct video_group *g, const struct video_drain *d,
		     const struct video_options *o, FILE *out, json_object *groups)
{
	struct bench_contender c[N_TRANSPORTS];
	struct bench_figures fig[N_TRANSPORTS];
	const struct bench_contender *ref, *ceil;
	json_object *jg = json_object_new_object(), *jc = json_object_new_array();
	unsigned int i, k, packets = 0;
	uint64_t bytes = 0;
	double ppf;
	int err = -1;

	memset(c, 0, sizeof(c));
	for (i = 0; i < N_TRANSPORTS; i++) {
		struct vctx *v = vctx_new(transports[i], g->codec, g->mtu, d, 0x5eed0100u + i);

		if (!v)
			goto out;
		v->frames = g->frames;
		v->nf = g->nf;
		c[i] = (struct bench_contender){
			.name = ksrtp_tx_mode_name(transports[i]),
			.role = i ? BENCH_SUBJECT : BENCH_REFERENCE,
			.ctx = v,
			.pass = vctx_pass,
			.verify = vctx_verify,
			.destroy = vctx_destroy,
		};
	}
	/* Every contender's packetizer cuts the same frames into the same packets. */
	for (k = 0; k < g->nf; k++) {
		struct ksrtp_frame f = { .data = g->frames[k].data, .len = g->frames[k].len };
		int n = ksrtp_packetize_count(ksrtp_outbound_packetizer(((struct vctx *)c[0].ctx)->out),
					      &f);

		if (n <= 0)
			goto out;
		packets += (unsigned int)n;
		bytes += g->frames[k].len;
	}
	for (i = 0; i < N_TRANSPORTS; i++)
		((struct vctx *)c[i].ctx)->packets = packets;
	ppf = (double)packets / g->nf;
	fprintf(out, "\n%s: %u frames, %u packets a pass (%.1f a frame, %.0f bytes a frame)",
		g->name, g->nf, packets, ppf, (double)bytes / g->nf);
	if (g->seconds)
		fprintf(out, ", %.2f Mbit/s", bytes * 8 / g->seconds / 1e6);
	fputc('\n', out);
	if (bench_interleave(c, N_TRANSPORTS, packets, &o->common))
		goto out;
	bench_figures_of(c, N_TRANSPORTS, o->common.runs, (unsigned int)(bytes / packets), fig,
			 &ref, &ceil);
	bench_figures_print(out, c, fig, N_TRANSPORTS, ref);
	fprintf(out, "  frames/s%s (median):",
		o->common.clock == CLOCK_MONOTONIC ? "" : " per core");
	for (i = 0; i < N_TRANSPORTS; i++) {
		struct bench_stats st;
		json_object *j = bench_figures_json(&c[i], &fig[i]);

		json_object_object_add(j, "frames_per_s",
				       frames_per_s_json(&fig[i], o->common.runs, ppf, &st));
		json_object_array_add(jc, j);
		fprintf(out, " %s %.0f%s", c[i].name, st.median, i + 1 < N_TRANSPORTS ? "," : "\n");
	}
	if (g->codec == KSRTP_CODEC_GENERIC)
		fprintf(out, "  target: a train of %u x %u B sealed and sent in <= %.0f ns a "
			     "packet with io_uring+gso: %.0f ns (%s)\n", TRAIN_PACKETS,
			TRAIN_PAYLOAD, TRAIN_TARGET_NS, fig[URING_GSO].ns_stats.median,
			fig[URING_GSO].ns_stats.median <= TRAIN_TARGET_NS ? "met" : "not met");
	json_object_object_add(jg, "name", json_object_new_string(g->name));
	json_object_object_add(jg, "frames", json_object_new_int64(g->nf));
	json_object_object_add(jg, "packets_per_pass", json_object_new_int64(packets));
	json_object_object_add(jg, "bytes_per_frame", json_object_new_double((double)bytes / g->nf));
	if (g->seconds)
		json_object_object_add(jg, "mbit_per_s",
				       json_object_new_double(bytes * 8 / g->seconds / 1e6));
	json_object_object_add(jg, "contenders", jc);
	jc = NULL;
	json_object_array_add(groups, jg);
	jg = NULL;
	err = 0;
out:
	for (i = 0; i < N_TRANSPORTS; i++)
		if (c[i].destroy)
			c[i].destroy(c[i].ctx);
	json_object_put(jc);
	json_object_put(jg);
	return err;
}

/* ---- options ---- */

enum { OPT_FRAMES = 1, OPT_KBPS, OPT_GRO, OPT_SPIN };

static const struct option video_longopts[] = {
	BENCH_COMMON_OPTIONS,
	{ "frames", required_argument, NULL, OPT_FRAMES },
	{ "kbps", required_argument, NULL, OPT_KBPS },
	{ "gro", no_argument, NULL, OPT_GRO },
	{ "spin-receiver", no_argument, NULL, OPT_SPIN },
	{ NULL, 0, NULL, 0 },
};

static int parse_video_option(void *ctx, int val, const char *arg)
{
	struct video_options *o = ctx;

	switch (val) {
	case OPT_FRAMES:
		return bench_parse_uint(arg, 10, 3000, &o->frames);
	case OPT_KBPS:
		return bench_parse_uint(arg, 100, 50000, &o->kbps);
	case OPT_GRO:
		o->gro = true;
		return 0;
	case OPT_SPIN:
		o->spin = true;
		return 0;
	}
	return 1;
}

extern const struct bench_command bench_video_command;

static const struct bench_option_table video_option_table = {
	.command = &bench_video_command,
	.options = video_longopts,
	.parse_own = parse_video_option,
	.default_runs = DEFAULT_RUNS,
	.default_run_ms = DEFAULT_RUN_MS,
	.quick_runs = QUICK_RUNS,
	.quick_run_ms = QUICK_RUN_MS,
};

/* Whether argv sets the clock: the default here is CPU time, not bench.h's wall clock. */
static bool clock_given(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (!strncmp(argv[i], "--clock", 7) || !strncmp(argv[i], "--cl", 4))
			return true;
	return false;
}

static int video_main(int argc, char **argv)
{
	struct video_options o = { .frames = 0, .kbps = DEFAULT_KBPS };
	struct encoded *frames = NULL;
	struct encoded *train = NULL;
	uint8_t *train_data = NULL;
	struct bench_machine m;
	struct video_drain d;
	json_object *root = NULL, *groups = NULL;
	FILE *out;
	unsigned int i;
	int code, err = -1;
	const char *engine;
	ksrtp_session *probe;

	if (!bench_parse_options(&video_option_table, argc, argv, &o, &o.common, &code))
		return code;
	if (!clock_given(argc, argv))
		o.common.clock = CLOCK_THREAD_CPUTIME_ID;
	if (!o.frames)
		o.frames = o.common.quick ? QUICK_FRAMES : DEFAULT_FRAMES;
	out = o.common.json_path && !strcmp(o.common.json_path, "-") ? stderr : stdout;

	probe = ksrtp_session_new(NULL, NULL);
	engine = probe && ksrtp_session_engine(probe) == KSRTP_ENGINE_KERNEL ? "kernel" : "user";
	ksrtp_session_free(probe);
	bench_machine_probe(&m);
	bench_machine_print(out, &m);
	fprintf(out, "engine:    %s (KSRTP_ENGINE_AUTO); AEAD_AES_128_GCM\n", engine);
	fprintf(out, "receiver:  127.0.0.1, a thread draining with recvmmsg%s%s\n",
		o.spin ? " without sleeping" : " after poll()", o.gro ? ", UDP_GRO on" : "");
	fprintf(out, "clock:     %s; %u runs of ~%u ms, interleaved, medians\n",
		o.common.clock == CLOCK_MONOTONIC ? "wall (CLOCK_MONOTONIC)"
						  : "sending thread's CPU time",
		o.common.runs, o.common.run_ms);

	frames = calloc(o.frames, sizeof(*frames));
	train = calloc(TRAIN_FRAMES, sizeof(*train));
	train_data = malloc(TRAIN_PACKETS * TRAIN_PAYLOAD);
	if (!frames || !train || !train_data || encode(o.frames, o.kbps, frames))
		goto out;
	memset(train_data, 0xab, TRAIN_PACKETS * TRAIN_PAYLOAD);
	for (i = 0; i < TRAIN_FRAMES; i++)
		train[i] = (struct encoded){ .data = train_data,
					     .len = TRAIN_PACKETS * TRAIN_PAYLOAD };
	if (video_drain_start(&d, 1, o.gro, o.spin, false))
		goto out;
	root = json_object_new_object();
	groups = json_object_new_array();
	{
		char name[96];
		const struct video_group vp8 = {
			.name = name, .codec = KSRTP_CODEC_VP8, .frames = frames, .nf = o.frames,
			.seconds = (double)o.frames / VIDEO_FPS,
		};
		const struct video_group tr = {
			.name = "frame train 8 x 1200 B (generic packetizer)",
			.codec = KSRTP_CODEC_GENERIC, .mtu = TRAIN_PAYLOAD, .frames = train,
			.nf = TRAIN_FRAMES,
		};

		snprintf(name, sizeof(name), "VP8 %ux%u at %u kbit/s target", VIDEO_W, VIDEO_H,
			 o.kbps);
		err = run_group(&vp8, &d, &o, out, groups) || run_group(&tr, &d, &o, out, groups);
	}
	video_drain_stop(&d);
	fprintf(out, "\nThe default transport (KSRTP_TX_DEFAULT) is io_uring+gso; figures from a "
		     "loopback, where the\nreceiving socket's work is done on the sender's CPU too.\n");
	if (!err && o.common.json_path) {
		json_object_object_add(root, "command", json_object_new_string("video"));
		json_object_object_add(root, "machine", bench_machine_json(&m));
		json_object_object_add(root, "engine", json_object_new_string(engine));
		json_object_object_add(root, "receiver_gro", json_object_new_boolean(o.gro));
		json_object_object_add(root, "receiver_spins", json_object_new_boolean(o.spin));
		json_object_object_add(root, "clock",
				       json_object_new_string(o.common.clock == CLOCK_MONOTONIC ?
							      "wall" : "cpu"));
		json_object_object_add(root, "runs", json_object_new_int64(o.common.runs));
		json_object_object_add(root, "groups", groups);
		groups = NULL;
		err = bench_json_write(o.common.json_path, root);
	}
out:
	json_object_put(groups);
	json_object_put(root);
	for (i = 0; frames && i < o.frames; i++)
		free(frames[i].data);
	free(frames);
	free(train);
	free(train_data);
	return err ? BENCH_EXIT_FAIL : BENCH_EXIT_OK;
}

const struct bench_command bench_video_command = {
	.name = "video",
	.summary = "VP8 720p frames and 8 x 1200 B trains sent through each lib/ring transport",
	.options = options_help,
	.main = video_main,
};
BENCH_COMMAND(bench_video_command);
