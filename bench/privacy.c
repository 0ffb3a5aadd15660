// SPDX-License-Identifier: MIT
/*
 * ksrtp-bench privacy: what size padding (ksrtp.h enum ksrtp_pad_policy)
 * hides, and what it costs. Encrypted media still shows its packet sizes;
 * a video frame's size says how much moved, an audio stream's sizes say
 * when someone talks (RFC 6562). Two traces go through libksrtp's own
 * protect path once per policy, and the sealed sizes are counted:
 *
 *   video  libvpx VP8 (real time, CBR 2.5 Mbit/s, 640x360 at 30 fps) of a
 *          generated moving pattern, packetized by libksrtp (RFC 7741,
 *          1200-octet payloads) twice: every packet of a frame full but the
 *          last (the default), and KSRTP_PKTZ_EQUAL_SPLIT (as many packets,
 *          equally sized, the last shorter by less than one octet a packet)
 *   audio  a synthetic Opus-like talk-spurt trace from a seeded PRNG: talk
 *          spurts of 0.5..3 s with a 60..160-octet packet every 20 ms,
 *          silences of 0.5..4 s with a 3..8-octet comfort-noise (DTX)
 *          packet every 400 ms
 *
 * Per policy: packets refused (a policy that cannot pad a packet refuses
 * it rather than send it with a size of its own), distinct on-wire sizes,
 * for video the share of frames whose packets all have one size (all an
 * observer then learns is the packet count), the bandwidth overhead against
 * no padding, and a size histogram. No timing: the figures are counts.
 */
#include <stdlib.h>
#include <string.h>

#include <vpx/vp8cx.h>
#include <vpx/vpx_encoder.h>

#include "bench.h"
#include "ksrtp/ksrtp.h"
#include "ksrtp/media.h"

#define VIDEO_W 640
#define VIDEO_H 360
#define VIDEO_FPS 30
#define VIDEO_KBPS 2500
#define VIDEO_MTU 1200
#define VIDEO_FRAMES 600	/* 20 s; --quick: 90 */
#define VIDEO_FRAMES_QUICK 90
#define AUDIO_SECONDS 300	/* --quick: 30 */
#define AUDIO_SECONDS_QUICK 30
#define PKT_MAX 1500		/* room for a packet, its padding and the trailer */
#define SSRC 0x9f1a0001u

enum { OPT_FRAMES = 1, OPT_AUDIO_SECONDS };

struct privacy_options {
	struct bench_options common;
	unsigned int frames;
	unsigned int audio_seconds;
};

static const char options_help[] =
	"  --quick          a short run: 90 video frames, 30 s of audio\n"
	"  --frames N       video frames to encode (default 600, 20 s; 1..36000)\n"
	"  --audio-seconds N  length of the audio trace (default 300; 1..36000)\n"
	"  --json FILE      also write every figure as JSON ('-': stdout)\n"
	"  --help           this text\n"
	"  (--runs, --run-ms and --clock are accepted and ignored: nothing is timed)\n";

/* ---- traces: RTP packets before sealing ---- */

struct trace {
	uint8_t *data;		/* n packets of PKT_MAX octets */
	uint32_t *len;
	uint32_t *frame;	/* video: frame number of each packet */
	size_t n, cap;
	uint32_t frames;
	double duration_s;	/* audio: the trace's length */
};

static int trace_add(struct trace *t, const uint8_t *pkt, uint32_t len, uint32_t frame)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 4096;
		uint8_t *d = realloc(t->data, cap * PKT_MAX);
		uint32_t *l = realloc(t->len, cap * sizeof(*l));
		uint32_t *f = realloc(t->frame, cap * sizeof(*f));

		if (d)
			t->data = d;
		if (l)
			t->len = l;
		if (f)
			t->frame = f;
		if (!d || !l || !f) {
			fprintf(stderr, "ksrtp-bench privacy: out of memory\n");
			return -1;
		}
		t->cap = cap;
	}
	memcpy(t->data + t->n * PKT_MAX, pkt, len);
	t->len[t->n] = len;
	t->frame[t->n] = frame;
	t->n++;
	return 0;
}

static void trace_free(struct trace *t)
{
	free(t->data);
	free(t->len);
	free(t->frame);
}

/*
 * Frame n of the pattern: a sliding diagonal gradient with a changing grain
 * (so that CBR has detail to spend its bits on), a bright box crossing,
 * moving chroma.
 */
static void pattern(vpx_image_t *img, unsigned int n)
{
	unsigned int x, y, bx = n * 5 % (VIDEO_W - 64), by = n * 3 % (VIDEO_H - 64);

	for (y = 0; y < VIDEO_H; y++) {
		uint8_t *row = img->planes[VPX_PLANE_Y] + (size_t)y * img->stride[VPX_PLANE_Y];

		for (x = 0; x < VIDEO_W; x++)
			row[x] = (x >= bx && x < bx + 64 && y >= by && y < by + 64) ?
					 235 : (uint8_t)(16 + ((x + y + 4 * n) & 0x7f) +
							 ((x * 7919u ^ y * 104729u ^ n * 31u) >> 3 & 15));
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

/* Packetize one encoded frame into the trace; n is its frame number. */
static int video_frame(struct ksrtp_packetizer *pz, struct trace *t, const uint8_t *data,
		       uint32_t len, bool key, uint32_t n)
{
	static uint8_t bufs[256][PKT_MAX];
	struct ksrtp_pkt v[256];
	struct ksrtp_frame f = {
		.data = data,
		.len = len,
		.rtp_ts = n * (90000 / VIDEO_FPS),
		.flags = key ? KSRTP_FRAME_KEY : 0,
	};
	int i, np;

	for (i = 0; i < 256; i++) {
		v[i].data = bufs[i];
		v[i].cap = PKT_MAX;
	}
	np = ksrtp_packetize(pz, &f, v, 256);
	if (np < 0) {
		fprintf(stderr, "ksrtp-bench privacy: ksrtp_packetize: %s\n", ksrtp_strerror(np));
		return -1;
	}
	for (i = 0; i < np; i++)
		if (trace_add(t, v[i].data, v[i].len, n))
			return -1;
	t->frames++;
	return 0;
}

/* The encode, packetized by default into t[0] and with KSRTP_PKTZ_EQUAL_SPLIT into t[1]. */
static int video_trace(struct trace t[2], unsigned int frames)
{
	struct ksrtp_packetizer_config pc = {
		.ssrc = SSRC, .codec = KSRTP_CODEC_VP8, .payload_type = 96, .mtu = VIDEO_MTU,
	};
	struct ksrtp_packetizer pz[2];
	vpx_codec_enc_cfg_t cfg;
	vpx_codec_ctx_t enc;
	vpx_image_t img;
	unsigned int i, k;
	int err = ksrtp_packetizer_init(&pz[0], &pc);

	pc.flags = KSRTP_PKTZ_EQUAL_SPLIT;
	if (!err)
		err = ksrtp_packetizer_init(&pz[1], &pc);
	if (err) {
		fprintf(stderr, "ksrtp-bench privacy: ksrtp_packetizer_init: %s\n",
			ksrtp_strerror(err));
		return -1;
	}
	if (vpx_codec_enc_config_default(vpx_codec_vp8_cx(), &cfg, 0))
		return -1;
	cfg.g_w = VIDEO_W;
	cfg.g_h = VIDEO_H;
	cfg.g_timebase.num = 1;
	cfg.g_timebase.den = VIDEO_FPS;
	cfg.g_threads = 1;
	cfg.g_lag_in_frames = 0;
	cfg.rc_end_usage = VPX_CBR;
	cfg.rc_target_bitrate = VIDEO_KBPS;
	cfg.rc_dropframe_thresh = 0;
	cfg.kf_max_dist = 300;
	if (vpx_codec_enc_init(&enc, vpx_codec_vp8_cx(), &cfg, 0)) {
		fprintf(stderr, "ksrtp-bench privacy: vpx_codec_enc_init failed\n");
		return -1;
	}
	vpx_codec_control(&enc, VP8E_SET_CPUUSED, 8);
	if (!vpx_img_alloc(&img, VPX_IMG_FMT_I420, VIDEO_W, VIDEO_H, 32)) {
		vpx_codec_destroy(&enc);
		return -1;
	}
	for (i = 0; i <= frames && !err; i++) {
		const vpx_codec_cx_pkt_t *pkt;
		vpx_codec_iter_t it = NULL;

		if (i < frames)
			pattern(&img, i);
		/* The last round flushes the encoder. */
		if (vpx_codec_encode(&enc, i < frames ? &img : NULL, i, 1, 0, VPX_DL_REALTIME)) {
			fprintf(stderr, "ksrtp-bench privacy: vpx_codec_encode: %s\n",
				vpx_codec_error(&enc));
			err = -1;
		}
		while (!err && (pkt = vpx_codec_get_cx_data(&enc, &it)))
			for (k = 0; k < 2 && !err && pkt->kind == VPX_CODEC_CX_FRAME_PKT; k++)
				err = video_frame(&pz[k], &t[k], pkt->data.frame.buf,
						  (uint32_t)pkt->data.frame.sz,
						  pkt->data.frame.flags & VPX_FRAME_IS_KEY,
						  t[k].frames);
	}
	vpx_img_free(&img);
	vpx_codec_destroy(&enc);
	return err;
}

/* xorshift64*: a reproducible trace. */
static uint32_t prng_below(uint64_t *s, uint32_t n)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return (uint32_t)((x * 0x2545F4914F6CDD1DULL) >> 33) % n;
}

static int audio_trace(struct trace *t, unsigned int seconds)
{
	uint64_t rng = 0x0b05e55ed0a0d10ull;
	uint32_t ms = 0, end = seconds * 1000u, seq = 0;
	uint8_t pkt[PKT_MAX];
	bool talk = false;

	memset(pkt, 0, sizeof(pkt));
	pkt[0] = 0x80;
	pkt[1] = 111;
	pkt[8] = (uint8_t)(SSRC >> 24);
	pkt[9] = (uint8_t)(SSRC >> 16);
	pkt[10] = (uint8_t)(SSRC >> 8);
	pkt[11] = (uint8_t)SSRC;
	while (ms < end) {
		uint32_t span = talk ? 500 + prng_below(&rng, 2500) : 500 + prng_below(&rng, 3500);
		uint32_t step = talk ? 20 : 400, stop = ms + span;

		for (; ms < stop && ms < end; ms += step) {
			uint32_t payload = talk ? 60 + prng_below(&rng, 101) : 3 + prng_below(&rng, 6);
			uint32_t ts = ms * 48;	/* 48 kHz */

			pkt[2] = (uint8_t)(seq >> 8);
			pkt[3] = (uint8_t)seq++;
			pkt[4] = (uint8_t)(ts >> 24);
			pkt[5] = (uint8_t)(ts >> 16);
			pkt[6] = (uint8_t)(ts >> 8);
			pkt[7] = (uint8_t)ts;
			if (trace_add(t, pkt, 12 + payload, t->frames++))
				return -1;
		}
		talk = !talk;
	}
	t->duration_s = seconds;
	return 0;
}

/* ---- policies ---- */

struct policy {
	const char *name;
	uint8_t policy;
	uint16_t size;
	bool equal_split;	/* video: the KSRTP_PKTZ_EQUAL_SPLIT packetization */
};

static const struct policy video_policies[] = {
	{ "off", KSRTP_PAD_OFF, 0, false },
	{ "bucket 64", KSRTP_PAD_BUCKET, 64, false },
	{ "bucket 256", KSRTP_PAD_BUCKET, 256, false },
	{ "train", KSRTP_PAD_TRAIN, 0, false },
	{ "train, bucket 64", KSRTP_PAD_TRAIN, 64, false },
	{ "train, bucket 256", KSRTP_PAD_TRAIN, 256, false },
	{ "constant 1212", KSRTP_PAD_CONSTANT, 1212, false },
	{ "off, equal split", KSRTP_PAD_OFF, 0, true },
	{ "train, equal split", KSRTP_PAD_TRAIN, 0, true },
	{ "train, bucket 64, eq", KSRTP_PAD_TRAIN, 64, true },
	{ "train, bucket 256, eq", KSRTP_PAD_TRAIN, 256, true },
};

static const struct policy audio_policies[] = {
	{ "off", KSRTP_PAD_OFF, 0, false },
	{ "bucket 16", KSRTP_PAD_BUCKET, 16, false },
	{ "bucket 64", KSRTP_PAD_BUCKET, 64, false },
	{ "bucket 256", KSRTP_PAD_BUCKET, 256, false },
	{ "constant 172", KSRTP_PAD_CONSTANT, 172, false },
};

struct outcome {
	uint32_t *counts;	/* [PKT_MAX]: packets per sealed size */
	uint64_t packets, refused, bytes;
	uint32_t distinct;
	uint32_t uniform_frames;	/* frames whose packets all have one size */
};

/* Seal the trace under policy p through ksrtp_protect(); count the sizes. */
static int seal_trace(const struct trace *t, const struct policy *p, struct outcome *o)
{
	static const uint8_t key[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	static const uint8_t salt[12] = { 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32 };
	const struct ksrtp_config cfg = { .engine = KSRTP_ENGINE_USER };
	struct ksrtp_policy pol = {
		.profile = KSRTP_AEAD_AES_128_GCM,
		.direction = KSRTP_OUTBOUND,
		.ssrc = SSRC,
		.key = key,
		.key_len = sizeof(key),
		.salt = salt,
		.salt_len = sizeof(salt),
		.pad_policy = p->policy,
		.pad_size = p->size,
	};
	uint32_t frame_size = 0, frame = UINT32_MAX;
	bool frame_uniform = false;
	uint8_t buf[PKT_MAX];
	ksrtp_session *s;
	size_t i;
	int err;

	memset(o, 0, sizeof(*o));
	o->counts = calloc(PKT_MAX, sizeof(*o->counts));
	s = ksrtp_session_new(&cfg, &err);
	if (!o->counts || !s || (err = ksrtp_add_stream(s, &pol))) {
		fprintf(stderr, "ksrtp-bench privacy: %s: %s\n", p->name, ksrtp_strerror(err));
		ksrtp_session_free(s);
		return -1;
	}
	for (i = 0; i < t->n; i++) {
		size_t len = t->len[i];

		if (t->frame[i] != frame) {
			o->uniform_frames += frame_uniform;
			frame = t->frame[i];
			frame_size = 0;
			frame_uniform = true;
		}
		memcpy(buf, t->data + i * PKT_MAX, len);
		err = ksrtp_protect(s, buf, &len, sizeof(buf));
		if (err == KSRTP_ENOSPACE) {
			o->refused++;
			frame_uniform = false;
			continue;
		}
		if (err) {
			fprintf(stderr, "ksrtp-bench privacy: %s: ksrtp_protect: %s\n", p->name,
				ksrtp_strerror(err));
			ksrtp_session_free(s);
			return -1;
		}
		o->distinct += !o->counts[len]++;
		o->packets++;
		o->bytes += len;
		if (frame_size && frame_size != len)
			frame_uniform = false;
		frame_size = (uint32_t)len;
	}
	o->uniform_frames += frame_uniform;
	ksrtp_session_free(s);
	return 0;
}

/* Histogram bins of `width` octets: "  [lo, hi)  count  ###". */
static void print_histogram(FILE *f, const struct outcome *o, unsigned int width)
{
	uint64_t most = 0, bin;
	unsigned int lo, s;

	for (lo = 0; lo < PKT_MAX; lo += width) {
		for (bin = 0, s = lo; s < lo + width && s < PKT_MAX; s++)
			bin += o->counts[s];
		most = bin > most ? bin : most;
	}
	for (lo = 0; lo < PKT_MAX; lo += width) {
		for (bin = 0, s = lo; s < lo + width && s < PKT_MAX; s++)
			bin += o->counts[s];
		if (!bin)
			continue;
		fprintf(f, "    %4u..%4u  %8llu  ", lo, lo + width - 1, (unsigned long long)bin);
		for (s = 0; most && s < 40 * bin / most + (bin > 0); s++)
			fputc('#', f);
		fputc('\n', f);
	}
}

static json_object *outcome_json(const struct policy *p, const struct outcome *o,
				 const struct outcome *off, const struct trace *t)
{
	json_object *j = json_object_new_object(), *h = json_object_new_array();
	unsigned int s;

	json_object_object_add(j, "policy", json_object_new_string(p->name));
	json_object_object_add(j, "pad_policy", json_object_new_int(p->policy));
	json_object_object_add(j, "pad_size", json_object_new_int(p->size));
	json_object_object_add(j, "equal_split", json_object_new_boolean(p->equal_split));
	json_object_object_add(j, "packets", json_object_new_int64((int64_t)o->packets));
	json_object_object_add(j, "refused", json_object_new_int64((int64_t)o->refused));
	json_object_object_add(j, "distinct_sizes", json_object_new_int64(o->distinct));
	json_object_object_add(j, "wire_bytes", json_object_new_int64((int64_t)o->bytes));
	json_object_object_add(j, "overhead", json_object_new_double(
		off->bytes ? (double)o->bytes / (double)off->bytes - 1 : 0));
	json_object_object_add(j, "uniform_frames", json_object_new_int64(o->uniform_frames));
	json_object_object_add(j, "frames", json_object_new_int64(t->frames));
	for (s = 0; s < PKT_MAX; s++) {
		json_object *pair;

		if (!o->counts[s])
			continue;
		pair = json_object_new_array();
		json_object_array_add(pair, json_object_new_int(s));
		json_object_array_add(pair, json_object_new_int64(o->counts[s]));
		json_object_array_add(h, pair);
	}
	json_object_object_add(j, "histogram", h);
	return j;
}

#define MAX_POLICIES 12

/*
 * Seal t (t[1], the equal-split packetization, for policies that ask for it)
 * under each policy and print the table; overhead is against ps[0] on t[0].
 */
static int run_trace(const char *title, const struct trace *t, const struct policy *ps,
		     unsigned int np, unsigned int bin, bool video, json_object *arr)
{
	struct outcome o[MAX_POLICIES];
	unsigned int i, done;
	int err = 0;

	for (done = 0; done < np && !err; done++)
		err = seal_trace(&t[ps[done].equal_split], &ps[done], &o[done]);
	if (!err) {
		printf("\n%s: %zu packets in %u %s, %.0f kbit/s sealed without padding\n", title,
		       t->n, t->frames, video ? "frames" : "packet slots",
		       (double)o[0].bytes * 8 / 1e3 / (video ? t->frames / (double)VIDEO_FPS
							     : t->duration_s));
		printf("  %-22s %9s %8s %9s %12s %9s%s\n", "policy", "packets", "refused",
		       "distinct", "wire bytes", "overhead", video ? "  uniform frames" : "");
	}
	for (i = 0; i < np && !err; i++) {
		printf("  %-22s %9llu %8llu %9u %12llu %8.1f%%", ps[i].name,
		       (unsigned long long)o[i].packets, (unsigned long long)o[i].refused,
		       o[i].distinct, (unsigned long long)o[i].bytes,
		       100.0 * ((double)o[i].bytes / (double)o[0].bytes - 1));
		if (video)
			printf("  %6.1f%% of %u", 100.0 * o[i].uniform_frames / t->frames, t->frames);
		printf("\n");
		json_object_array_add(arr, outcome_json(&ps[i], &o[i], &o[0], t));
	}
	if (!err)
		printf("\n  sealed sizes (AEAD_AES_128_GCM, tag included), %u-octet bins:\n", bin);
	for (i = 0; i < np && !err; i++) {
		printf("  %s (%u sizes)\n", ps[i].name, o[i].distinct);
		print_histogram(stdout, &o[i], bin);
	}
	for (i = 0; i < done; i++)
		free(o[i].counts);
	return err;
}

static const struct option privacy_longopts[] = {
	BENCH_COMMON_OPTIONS,
	{ "frames", required_argument, NULL, OPT_FRAMES },
	{ "audio-seconds", required_argument, NULL, OPT_AUDIO_SECONDS },
	{ NULL, 0, NULL, 0 },
};

static int parse_privacy_option(void *ctx, int val, const char *arg)
{
	struct privacy_options *o = ctx;

	switch (val) {
	case OPT_FRAMES:
		return bench_parse_uint(arg, 1, 36000, &o->frames);
	case OPT_AUDIO_SECONDS:
		return bench_parse_uint(arg, 1, 36000, &o->audio_seconds);
	}
	return 1;
}

extern const struct bench_command bench_privacy_command;

static const struct bench_option_table privacy_option_table = {
	.command = &bench_privacy_command,
	.options = privacy_longopts,
	.parse_own = parse_privacy_option,
	.default_runs = 1,
	.default_run_ms = 1,
	.quick_runs = 1,
	.quick_run_ms = 1,
};

static int privacy_main(int argc, char **argv)
{
	struct privacy_options o = { 0 };
	struct trace video[2] = { { 0 }, { 0 } }, audio = { 0 };
	struct bench_machine machine;
	json_object *root, *jv, *ja;
	int exit_code, err;

	if (!bench_parse_options(&privacy_option_table, argc, argv, &o, &o.common, &exit_code))
		return exit_code;
	if (!o.frames)
		o.frames = o.common.quick ? VIDEO_FRAMES_QUICK : VIDEO_FRAMES;
	if (!o.audio_seconds)
		o.audio_seconds = o.common.quick ? AUDIO_SECONDS_QUICK : AUDIO_SECONDS;
	bench_machine_probe(&machine);
	printf("ksrtp-bench privacy: on-wire sizes and bandwidth of each padding policy\n\n");
	bench_machine_print(stdout, &machine);
	printf("\nmethod:\n"
	       "  Each trace is sealed once per policy with ksrtp_protect() (user engine,\n"
	       "  AEAD_AES_128_GCM: 16-octet tag) and the sealed sizes are counted; no\n"
	       "  timing. Video: libvpx VP8 real time, CBR %u kbit/s, %ux%u at %u fps,\n"
	       "  %u frames of a moving pattern, packetized with %u-octet payloads,\n"
	       "  every packet full but the last, and for the ', equal split' / ', eq'\n"
	       "  rows with KSRTP_PKTZ_EQUAL_SPLIT (as many packets, equal sizes).\n"
	       "  Audio: %u s of Opus-like talk spurts (60..160 octets every 20 ms) and\n"
	       "  silences (3..8-octet DTX packets every 400 ms), seeded PRNG.\n"
	       "  refused: packets the policy could not pad (RTP padding is at most 255\n"
	       "  octets; a constant size a packet does not fit); uniform frames: frames\n"
	       "  whose packets all left with one size; overhead: wire bytes over 'off'.\n",
	       VIDEO_KBPS, VIDEO_W, VIDEO_H, VIDEO_FPS, o.frames, VIDEO_MTU, o.audio_seconds);
	root = json_object_new_object();
	jv = json_object_new_array();
	ja = json_object_new_array();
	err = video_trace(video, o.frames);
	if (!err)
		err = run_trace("video (VP8)", video, video_policies,
				sizeof(video_policies) / sizeof(video_policies[0]), 128, true, jv);
	if (!err)
		err = audio_trace(&audio, o.audio_seconds);
	if (!err)
		err = run_trace("audio (talk spurts, DTX)", &audio, audio_policies,
				sizeof(audio_policies) / sizeof(audio_policies[0]), 16, false, ja);
	json_object_object_add(root, "command", json_object_new_string("privacy"));
	json_object_object_add(root, "machine", bench_machine_json(&machine));
	json_object_object_add(root, "video_frames", json_object_new_int64(o.frames));
	json_object_object_add(root, "video_kbps", json_object_new_int(VIDEO_KBPS));
	json_object_object_add(root, "audio_seconds", json_object_new_int64(o.audio_seconds));
	json_object_object_add(root, "video", jv);
	json_object_object_add(root, "audio", ja);
	if (!err && o.common.json_path && bench_json_write(o.common.json_path, root))
		err = -1;
	json_object_put(root);
	trace_free(&video[0]);
	trace_free(&video[1]);
	trace_free(&audio);
	return err ? BENCH_EXIT_FAIL : BENCH_EXIT_OK;
}

const struct bench_command bench_privacy_command = {
	.name = "privacy",
	.summary = "size padding policies on a VP8 encode and a talk-spurt audio trace: distinct "
		   "sizes, histograms, bandwidth overhead",
	.options = options_help,
	.main = privacy_main,
};
BENCH_COMMAND(bench_privacy_command);
