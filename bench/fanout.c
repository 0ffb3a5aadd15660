// SPDX-License-Identifier: MIT
/*
 * ksrtp-bench fanout: an SFU forwarding one sender to N receivers on
 * loopback, each receiver with its own session and keys. The sender's
 * frames (8 opened RTP packets of 1200 bytes of payload, a 2.5 Mbit/s
 * video call's) are forwarded, frame by frame, by
 *
 *   ksrtp     ksrtp_forward(): the frame copied into N x 8 arena slots,
 *             each receiver's 8 sealed in one ksrtp_protect_batch, and
 *             the N trains sent in one io_uring_enter (GSO: one sendmsg
 *             a receiver)
 *   ksrtp sendmsg+gso  the same with one sendmsg() a receiver instead of
 *             one io_uring_enter for all (what io_uring adds)
 *   libsrtp2  the way SFUs do it today: a copy and srtp_protect() per
 *             packet per receiver, then sendmmsg() of all the copies
 *
 * to N loopback sockets drained by a thread of their own, interleaved, in
 * one run. Figures: delivered (sealed and sent) packets per second per
 * core, on the forwarding thread's CPU clock by default; and the latency
 * a frame's forwarding adds, from having its packets to the last copy
 * handed to the kernel (wall clock), p50 and p99.
 *
 * --threads T runs T forwarders at once after that, each a thread with
 * its own ring, sessions and socket (SO_REUSEPORT on one port, as an SFU
 * spreads its peers over cores), sharing nothing, for scaling.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <srtp2/srtp.h>

#include "bench.h"
#include "ksrtp/ring.h"
#include "video_drain.h"

#define DEFAULT_RUNS 7
#define DEFAULT_RUN_MS 200
#define QUICK_RUNS 3
#define QUICK_RUN_MS 20
#define FRAME_PACKETS 8
#define PAYLOAD 1200
#define PACKET (12 + PAYLOAD)
#define PASS_FRAMES 16
#define MAX_RECEIVERS 256
#define MAX_COUNTS 8
#define MAX_THREADS 64
#define MMSG_MAX 1024		/* UIO_MAXIOV: the most messages one sendmmsg takes */
#define THREAD_SECONDS 2.0
#define QUICK_THREAD_SECONDS 0.3
#define TARGET_RATIO 3.0	/* issue 4: at N = 50, >= 3x the baseline */
#define SSRC 0x5eed0200u

struct fanout_options {
	struct bench_options common;
	unsigned int counts[MAX_COUNTS];
	unsigned int n_counts;
	unsigned int threads;
	bool gro;
};

static const char options_help[] =
	"  --quick          smoke test: 3 runs of ~20 ms each, threads 0.3 s\n"
	"  --runs N         runs per figure, the median is reported (default 7; 1..101)\n"
	"  --run-ms MS      length of one run in ms (default 200)\n"
	"  --receivers LIST receivers per forwarded frame, comma separated (default 1,10,50;\n"
	"                   each 1..256)\n"
	"  --threads N      then N forwarders at once (thread per core, each with its own\n"
	"                   ring, sessions and SO_REUSEPORT socket) for 2 s; 0 skips\n"
	"                   (default 0; 1..64)\n"
	"  --gro            the receiving sockets have UDP_GRO (GSO trains arrive whole)\n"
	"  --json FILE      also write every figure with all its runs as JSON\n"
	"  --clock wall|cpu the forwarding thread's CPU time (default here), or CLOCK_MONOTONIC\n"
	"  --help           this text\n";

/* The contenders, also their arrival-stamp tags. */
enum { C_KSRTP, C_KSRTP_SENDMSG, C_LIBSRTP, N_CONTENDERS };

/* Receiver j's master key and salt: every receiver its own. */
static void receiver_key(unsigned int j, uint8_t key[16], uint8_t salt[12])
{
	unsigned int i;

	for (i = 0; i < 16; i++)
		key[i] = (uint8_t)(0x11 * (i + 1) + 29 * j);
	for (i = 0; i < 12; i++)
		salt[i] = (uint8_t)(0x5a + 3 * i + 7 * j);
}

/*
 * The sender's frame: opened RTP packets, a fresh sequence number each time
 * it goes, the time it went in the RTP timestamp and the contender in the
 * payload type (video_drain.h's arrival stamps).
 */
struct frame {
	uint8_t data[FRAME_PACKETS][PACKET];
	struct ksrtp_pkt v[FRAME_PACKETS];
	uint16_t seq;
};

static void frame_init(struct frame *f, uint32_t ssrc, unsigned int tag)
{
	unsigned int k;

	memset(f, 0, sizeof(*f));
	for (k = 0; k < FRAME_PACKETS; k++) {
		uint8_t *p = f->data[k];

		p[0] = 0x80;
		p[1] = (uint8_t)(VIDEO_DRAIN_PT + tag);
		p[8] = (uint8_t)(ssrc >> 24);
		p[9] = (uint8_t)(ssrc >> 16);
		p[10] = (uint8_t)(ssrc >> 8);
		p[11] = (uint8_t)ssrc;
		memset(p + 12, (int)(0x30 + k), PAYLOAD);
		f->v[k] = (struct ksrtp_pkt){ .data = p, .len = PACKET, .cap = PACKET };
	}
}

static void frame_next(struct frame *f)
{
	uint32_t now = video_stamp_us();
	unsigned int k;

	for (k = 0; k < FRAME_PACKETS; k++, f->seq++) {
		f->data[k][2] = (uint8_t)(f->seq >> 8);
		f->data[k][3] = (uint8_t)f->seq;
		f->data[k][4] = (uint8_t)(now >> 24);
		f->data[k][5] = (uint8_t)(now >> 16);
		f->data[k][6] = (uint8_t)(now >> 8);
		f->data[k][7] = (uint8_t)now;
	}
}

/* ---- ksrtp ---- */

struct kfwd {
	ksrtp_ring *ring;
	ksrtp_session **s;
	struct ksrtp_forward_target *t;
	unsigned int n;
	int fd;
	struct frame f;
	struct video_latency lat;
};

static int kfwd_pass(void *arg)
{
	struct kfwd *k = arg;
	unsigned int i;

	for (i = 0; i < PASS_FRAMES; i++) {
		uint64_t t0;
		int sent;

		frame_next(&k->f);
		t0 = bench_now_ns(CLOCK_MONOTONIC);
		sent = ksrtp_forward(k->ring, k->f.v, FRAME_PACKETS, k->t, k->n);
		video_latency_add(&k->lat, bench_now_ns(CLOCK_MONOTONIC) - t0);
		if (sent != (int)(FRAME_PACKETS * k->n)) {
			fprintf(stderr, "ksrtp-bench fanout: ksrtp_forward: %d (%s)\n", sent,
				sent < 0 ? ksrtp_strerror(sent) : "packets sent");
			return -1;
		}
	}
	return 0;
}

static void kfwd_destroy(void *arg)
{
	struct kfwd *k = arg;
	unsigned int j;

	if (!k)
		return;
	for (j = 0; k->s && j < k->n; j++)
		ksrtp_session_free(k->s[j]);
	ksrtp_ring_free(k->ring);
	if (k->fd >= 0)
		close(k->fd);
	free(k->s);
	free(k->t);
	video_latency_free(&k->lat);
	free(k);
}

/* A socket bound to 127.0.0.1:port with SO_REUSEPORT (port 0: any); or -1. */
static int reuseport_socket(uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a))) {
		fprintf(stderr, "ksrtp-bench fanout: socket: %s\n", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static struct kfwd *kfwd_new(const struct video_drain *d, unsigned int n, uint16_t port,
			     uint32_t ssrc, enum ksrtp_tx_mode tx, unsigned int tag)
{
	struct ksrtp_ring_config rc = { .tx = (uint8_t)tx };
	struct kfwd *k = calloc(1, sizeof(*k));
	uint8_t key[16], salt[12];
	unsigned int j;
	int err = 0;

	if (!k)
		return NULL;
	k->fd = -1;
	k->n = n;
	k->s = calloc(n, sizeof(*k->s));
	k->t = calloc(n, sizeof(*k->t));
	k->ring = ksrtp_ring_new(&rc, &err);
	if (!k->s || !k->t || video_latency_init(&k->lat) || !k->ring)
		goto fail;
	k->fd = reuseport_socket(port);
	if (k->fd < 0)
		goto fail;
	for (j = 0; j < n; j++) {
		struct ksrtp_policy p = {
			.profile = KSRTP_AEAD_AES_128_GCM,
			.direction = KSRTP_OUTBOUND,
			.ssrc = ssrc,
			.key = key,
			.key_len = sizeof(key),
			.salt = salt,
			.salt_len = sizeof(salt),
		};

		receiver_key(j, key, salt);
		k->s[j] = ksrtp_session_new(NULL, &err);
		if (!k->s[j] || (err = ksrtp_add_stream(k->s[j], &p)))
			goto fail;
		k->t[j] = (struct ksrtp_forward_target){
			.session = k->s[j],
			.dest = { .fd = k->fd, .addr = (const struct sockaddr *)&d->addrs[j],
				  .addr_len = sizeof(d->addrs[j]) },
		};
	}
	frame_init(&k->f, ssrc, tag);
	return k;
fail:
	fprintf(stderr, "ksrtp-bench fanout: ksrtp setup: %s\n", ksrtp_strerror(err));
	kfwd_destroy(k);
	return NULL;
}

/* ---- libsrtp2 + sendmmsg ---- */

struct lfwd {
	srtp_t *s;
	unsigned int n;
	int fd;
	const struct video_drain *d;
	uint8_t *copies;		/* n * FRAME_PACKETS packets, 2048 apart */
	struct mmsghdr *m;
	struct iovec *iov;
	struct frame f;
	struct video_latency lat;
};

static int lfwd_pass(void *arg)
{
	struct lfwd *l = arg;
	unsigned int i, j, k, total = l->n * FRAME_PACKETS;

	for (i = 0; i < PASS_FRAMES; i++) {
		uint64_t t0;
		unsigned int done = 0;

		frame_next(&l->f);
		t0 = bench_now_ns(CLOCK_MONOTONIC);
		for (j = 0; j < l->n; j++) {
			for (k = 0; k < FRAME_PACKETS; k++) {
				unsigned int c = j * FRAME_PACKETS + k;
				uint8_t *p = l->copies + (size_t)c * 2048;
				int len = PACKET;

				memcpy(p, l->f.data[k], PACKET);
				if (srtp_protect(l->s[j], p, &len)) {
					fprintf(stderr, "ksrtp-bench fanout: srtp_protect failed\n");
					return -1;
				}
				l->iov[c].iov_len = (size_t)len;
			}
		}
		while (done < total) {
			unsigned int chunk = total - done < MMSG_MAX ? total - done : MMSG_MAX;
			int r = sendmmsg(l->fd, l->m + done, chunk, 0);

			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0) {
				fprintf(stderr, "ksrtp-bench fanout: sendmmsg: %s\n", strerror(errno));
				return -1;
			}
			done += (unsigned int)r;
		}
		video_latency_add(&l->lat, bench_now_ns(CLOCK_MONOTONIC) - t0);
	}
	return 0;
}

static void lfwd_destroy(void *arg)
{
	struct lfwd *l = arg;
	unsigned int j;

	if (!l)
		return;
	for (j = 0; l->s && j < l->n; j++)
		if (l->s[j])
			srtp_dealloc(l->s[j]);
	if (l->fd >= 0)
		close(l->fd);
	free(l->s);
	free(l->copies);
	free(l->m);
	free(l->iov);
	video_latency_free(&l->lat);
	free(l);
}

static struct lfwd *lfwd_new(const struct video_drain *d, unsigned int n)
{
	struct lfwd *l = calloc(1, sizeof(*l));
	unsigned int j, c, total = n * FRAME_PACKETS;

	if (!l)
		return NULL;
	l->n = n;
	l->d = d;
	l->fd = video_udp_socket(NULL);
	l->s = calloc(n, sizeof(*l->s));
	l->copies = malloc((size_t)total * 2048);
	l->m = calloc(total, sizeof(*l->m));
	l->iov = calloc(total, sizeof(*l->iov));
	if (l->fd < 0 || !l->s || !l->copies || !l->m || !l->iov || video_latency_init(&l->lat))
		goto fail;
	/* The socket is blocking, as an SFU's sendmmsg path usually is: nothing is dropped. */
	if (fcntl(l->fd, F_SETFL, fcntl(l->fd, F_GETFL) & ~O_NONBLOCK))
		goto fail;
	for (j = 0; j < n; j++) {
		uint8_t master[28];
		srtp_policy_t p;

		receiver_key(j, master, master + 16);
		memset(&p, 0, sizeof(p));
		srtp_crypto_policy_set_aes_gcm_128_16_auth(&p.rtp);
		srtp_crypto_policy_set_aes_gcm_128_16_auth(&p.rtcp);
		p.ssrc.type = ssrc_specific;
		p.ssrc.value = SSRC;
		p.key = master;
		p.window_size = 1024;
		if (srtp_create(&l->s[j], &p)) {
			fprintf(stderr, "ksrtp-bench fanout: srtp_create failed\n");
			goto fail;
		}
	}
	for (c = 0; c < total; c++) {
		l->iov[c].iov_base = l->copies + (size_t)c * 2048;
		l->m[c].msg_hdr.msg_iov = &l->iov[c];
		l->m[c].msg_hdr.msg_iovlen = 1;
		l->m[c].msg_hdr.msg_name = (void *)&d->addrs[c / FRAME_PACKETS];
		l->m[c].msg_hdr.msg_namelen = sizeof(d->addrs[0]);
	}
	frame_init(&l->f, SSRC, C_LIBSRTP);
	return l;
fail:
	lfwd_destroy(l);
	return NULL;
}

/* The receivers saw packets: what was sent went somewhere. */
static int lfwd_verify(void *arg)
{
	const struct lfwd *l = arg;

	return video_drain_got_some(l->d) ? 0 : -1;
}

/* Every copy accepted by the kernel, every slot back. */
static int kfwd_verify(void *arg)
{
	struct kfwd *k = arg;
	struct ksrtp_ring_stats st;
	ksrtp_arena *a = ksrtp_ring_arena(k->ring);

	ksrtp_ring_stats(k->ring, &st);
	return st.tx_errors || ksrtp_arena_avail(a) + st.rx_posted != ksrtp_arena_slots(a) ? -1 : 0;
}

/* ---- one receiver count: both contenders, interleaved ---- */

static json_object *latency_json(double p50, double p99)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "p50_ns", json_object_new_double(p50));
	json_object_object_add(o, "p99_ns", json_object_new_double(p99));
	return o;
}

static int run_count(unsigned int n, struct video_drain *d, const struct fanout_options *o,
		     FILE *out, json_object *groups, const char *transport)
{
	struct bench_contender c[N_CONTENDERS];
	struct bench_figures fig[N_CONTENDERS];
	const struct bench_contender *ref, *ceil;
	struct kfwd *k = kfwd_new(d, n, 0, SSRC, KSRTP_TX_DEFAULT, C_KSRTP);
	struct kfwd *ks = kfwd_new(d, n, 0, SSRC + 100, KSRTP_TX_GSO, C_KSRTP_SENDMSG);
	struct lfwd *l = lfwd_new(d, n);
	struct video_latency *lat[N_CONTENDERS];
	json_object *jg, *jc;
	double p50[N_CONTENDERS], p99[N_CONTENDERS], a50[N_CONTENDERS], a99[N_CONTENDERS], ratio;
	struct bench_stats rs;
	unsigned int i;
	int err = -1;

	if (!k || !ks || !l) {
		kfwd_destroy(k);
		kfwd_destroy(ks);
		lfwd_destroy(l);
		return -1;
	}
	c[C_KSRTP] = (struct bench_contender){
		.name = "ksrtp forward",
		.role = BENCH_SUBJECT,
		.ctx = k,
		.pass = kfwd_pass,
		.verify = kfwd_verify,
		.destroy = kfwd_destroy,
	};
	c[C_KSRTP_SENDMSG] = (struct bench_contender){
		.name = "ksrtp forward, sendmsg+gso",
		.role = BENCH_SUBJECT,
		.ctx = ks,
		.pass = kfwd_pass,
		.verify = kfwd_verify,
		.destroy = kfwd_destroy,
	};
	c[C_LIBSRTP] = (struct bench_contender){
		.name = "libsrtp2 + sendmmsg",
		.role = BENCH_REFERENCE,
		.ctx = l,
		.pass = lfwd_pass,
		.verify = lfwd_verify,
		.destroy = lfwd_destroy,
	};
	lat[C_KSRTP] = &k->lat;
	lat[C_KSRTP_SENDMSG] = &ks->lat;
	lat[C_LIBSRTP] = &l->lat;
	fprintf(out, "\n%u receiver%s: a pass forwards %u frames of %u x %u B to each (%u "
		     "packets)\n", n, n == 1 ? "" : "s", PASS_FRAMES, FRAME_PACKETS, PACKET,
		PASS_FRAMES * FRAME_PACKETS * n);
	for (i = 0; i < N_CONTENDERS; i++)	/* the last receiver count's arrivals out */
		video_drain_latency(d, i, &a50[i], &a99[i]);
	if (bench_interleave(c, N_CONTENDERS, PASS_FRAMES * FRAME_PACKETS * n, &o->common))
		goto out;
	usleep(50000);		/* the last packets in */
	bench_figures_of(c, N_CONTENDERS, o->common.runs, PACKET, fig, &ref, &ceil);
	bench_figures_print(out, c, fig, N_CONTENDERS, ref);
	jg = json_object_new_object();
	jc = json_object_new_array();
	for (i = 0; i < N_CONTENDERS; i++) {
		json_object *j = bench_figures_json(&c[i], &fig[i]);

		video_latency_take(lat[i], &p50[i], &p99[i]);
		video_drain_latency(d, i, &a50[i], &a99[i]);
		json_object_object_add(j, "frame_latency", latency_json(p50[i], p99[i]));
		json_object_object_add(j, "arrival_latency", latency_json(a50[i], a99[i]));
		json_object_array_add(jc, j);
	}
	bench_stats_of(fig[C_KSRTP].vs_reference, o->common.runs, &rs);
	ratio = rs.median;
	fprintf(out, "  delivered packets/s per core: ksrtp %.0f (sendmsg+gso %.0f), libsrtp2 %.0f "
		     "(%.2fx)\n", 1e9 / fig[C_KSRTP].ns_stats.median,
		1e9 / fig[C_KSRTP_SENDMSG].ns_stats.median, 1e9 / fig[C_LIBSRTP].ns_stats.median,
		ratio);
	fprintf(out, "  added latency a frame (last copy to the kernel): ksrtp p50 %.1f us, p99 "
		     "%.1f us; libsrtp2 p50 %.1f us, p99 %.1f us\n", p50[C_KSRTP] / 1e3,
		p99[C_KSRTP] / 1e3, p50[C_LIBSRTP] / 1e3, p99[C_LIBSRTP] / 1e3);
	if (d->stamped)
		fprintf(out, "  latency to the receiver (frame in to packet read, every packet): "
			     "ksrtp p50 %.1f us, p99 %.1f us; libsrtp2 p50 %.1f us, p99 %.1f us\n",
			a50[C_KSRTP] / 1e3, a99[C_KSRTP] / 1e3, a50[C_LIBSRTP] / 1e3,
			a99[C_LIBSRTP] / 1e3);
	if (n == 50)
		fprintf(out, "  target at 50 receivers: >= %.0fx the baseline's delivered packets/s "
			     "per core: %.2fx (%s)\n", TARGET_RATIO, ratio,
			ratio >= TARGET_RATIO ? "met" : "not met");
	json_object_object_add(jg, "receivers", json_object_new_int64(n));
	json_object_object_add(jg, "ksrtp_transport", json_object_new_string(transport));
	json_object_object_add(jg, "packets_per_pass",
			       json_object_new_int64(PASS_FRAMES * FRAME_PACKETS * n));
	json_object_object_add(jg, "ratio_vs_libsrtp2", json_object_new_double(ratio));
	json_object_object_add(jg, "contenders", jc);
	json_object_array_add(groups, jg);
	err = 0;
out:
	kfwd_destroy(k);
	kfwd_destroy(ks);
	lfwd_destroy(l);
	return err;
}

/* ---- threads ---- */

struct worker {
	struct kfwd *k;
	double seconds;
	uint64_t packets;
	uint64_t cpu_ns;
	uint64_t wall_ns;
	int err;
	pthread_t thread;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	uint64_t c0 = bench_now_ns(CLOCK_THREAD_CPUTIME_ID), t0 = bench_now_ns(CLOCK_MONOTONIC);
	uint64_t end = t0 + (uint64_t)(w->seconds * 1e9), now;

	do {
		if (kfwd_pass(w->k)) {
			w->err = -1;
			break;
		}
		w->packets += PASS_FRAMES * FRAME_PACKETS * w->k->n;
		now = bench_now_ns(CLOCK_MONOTONIC);
	} while (now < end);
	w->wall_ns = bench_now_ns(CLOCK_MONOTONIC) - t0;
	w->cpu_ns = bench_now_ns(CLOCK_THREAD_CPUTIME_ID) - c0;
	return NULL;
}

/* T forwarders to n receivers at once; the sum and each thread's cost. */
static int run_threads(unsigned int t, unsigned int n, struct video_drain *d,
		       const struct fanout_options *o, FILE *out, json_object *root)
{
	struct worker w[MAX_THREADS];
	struct sockaddr_in a;
	socklen_t alen = sizeof(a);
	uint64_t packets = 0, cpu = 0, wall = 0;
	json_object *jt = json_object_new_object(), *jw = json_object_new_array();
	uint16_t port = 0;
	unsigned int i, started = 0;
	int err = 0;

	memset(w, 0, sizeof(w));
	for (i = 0; i < t && !err; i++) {
		w[i].k = kfwd_new(d, n, port, SSRC + 1 + i, KSRTP_TX_DEFAULT, C_KSRTP);
		w[i].seconds = o->common.quick ? QUICK_THREAD_SECONDS : THREAD_SECONDS;
		if (!w[i].k) {
			err = -1;
			break;
		}
		/* The first socket's port is everyone's: SO_REUSEPORT spreads a port over threads. */
		if (!i && !getsockname(w[0].k->fd, (struct sockaddr *)&a, &alen))
			port = ntohs(a.sin_port);
	}
	for (i = 0; i < t && !err; i++) {
		if (pthread_create(&w[i].thread, NULL, worker_main, &w[i])) {
			err = -1;
			break;
		}
		started++;
	}
	for (i = 0; i < started; i++)
		pthread_join(w[i].thread, NULL);
	for (i = 0; i < t; i++) {
		json_object *j;

		if (!w[i].k)
			continue;
		err |= w[i].err;
		packets += w[i].packets;
		cpu += w[i].cpu_ns;
		if (w[i].wall_ns > wall)
			wall = w[i].wall_ns;
		j = json_object_new_object();
		json_object_object_add(j, "packets", json_object_new_int64((int64_t)w[i].packets));
		json_object_object_add(j, "cpu_ns", json_object_new_int64((int64_t)w[i].cpu_ns));
		json_object_object_add(j, "wall_ns", json_object_new_int64((int64_t)w[i].wall_ns));
		json_object_array_add(jw, j);
		kfwd_destroy(w[i].k);
	}
	if (!err && packets) {
		fprintf(out, "\n%u forwarding threads x %u receivers, %.1f s: %.0f delivered packets/s "
			     "in all, %.0f ns of CPU a packet (%.0f packets/s per core busy), "
			     "%ld CPUs online\n", t, n, wall / 1e9, packets / (wall / 1e9),
			(double)cpu / packets, packets / (cpu / 1e9), sysconf(_SC_NPROCESSORS_ONLN));
		json_object_object_add(jt, "threads", json_object_new_int64(t));
		json_object_object_add(jt, "receivers", json_object_new_int64(n));
		json_object_object_add(jt, "packets_per_s",
				       json_object_new_double(packets / (wall / 1e9)));
		json_object_object_add(jt, "cpu_ns_per_packet",
				       json_object_new_double((double)cpu / packets));
		json_object_object_add(jt, "workers", jw);
		json_object_object_add(root, "threads", jt);
	} else {
		fprintf(stderr, "ksrtp-bench fanout: the threaded run failed\n");
		json_object_put(jw);
		json_object_put(jt);
		err = -1;
	}
	return err;
}

/* ---- options ---- */

static int parse_counts(const char *arg, struct fanout_options *o)
{
	char *copy = strdup(arg), *save = NULL, *tok;
	int err = copy ? 0 : -1;

	o->n_counts = 0;
	for (tok = copy ? strtok_r(copy, ",", &save) : NULL; tok && !err;
	     tok = strtok_r(NULL, ",", &save)) {
		if (o->n_counts == MAX_COUNTS ||
		    bench_parse_uint(tok, 1, MAX_RECEIVERS, &o->counts[o->n_counts]))
			err = -1;
		else
			o->n_counts++;
	}
	free(copy);
	return err || !o->n_counts ? -1 : 0;
}

enum { OPT_RECEIVERS = 1, OPT_THREADS, OPT_GRO };

static const struct option fanout_longopts[] = {
	BENCH_COMMON_OPTIONS,
	{ "receivers", required_argument, NULL, OPT_RECEIVERS },
	{ "threads", required_argument, NULL, OPT_THREADS },
	{ "gro", no_argument, NULL, OPT_GRO },
	{ NULL, 0, NULL, 0 },
};

static int parse_fanout_option(void *ctx, int val, const char *arg)
{
	struct fanout_options *o = ctx;

	switch (val) {
	case OPT_RECEIVERS:
		return parse_counts(arg, o);
	case OPT_THREADS:
		return bench_parse_uint(arg, 0, MAX_THREADS, &o->threads);
	case OPT_GRO:
		o->gro = true;
		return 0;
	}
	return 1;
}

extern const struct bench_command bench_fanout_command;

static const struct bench_option_table fanout_option_table = {
	.command = &bench_fanout_command,
	.options = fanout_longopts,
	.parse_own = parse_fanout_option,
	.default_runs = DEFAULT_RUNS,
	.default_run_ms = DEFAULT_RUN_MS,
	.quick_runs = QUICK_RUNS,
	.quick_run_ms = QUICK_RUN_MS,
};

static bool clock_given(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (!strncmp(argv[i], "--cl", 4))
			return true;
	return false;
}

static int fanout_main(int argc, char **argv)
{
	struct fanout_options o = { .counts = { 1, 10, 50 }, .n_counts = 3 };
	struct bench_machine m;
	struct video_drain d;
	json_object *root, *groups;
	unsigned int i, max_n = 0;
	const char *engine, *transport;
	ksrtp_session *probe;
	ksrtp_ring *ring;
	FILE *out;
	int code, err = 0;

	if (!bench_parse_options(&fanout_option_table, argc, argv, &o, &o.common, &code))
		return code;
	if (!clock_given(argc, argv))
		o.common.clock = CLOCK_THREAD_CPUTIME_ID;
	out = o.common.json_path && !strcmp(o.common.json_path, "-") ? stderr : stdout;
	if (srtp_init()) {
		fprintf(stderr, "ksrtp-bench fanout: srtp_init failed\n");
		return BENCH_EXIT_FAIL;
	}
	probe = ksrtp_session_new(NULL, NULL);
	engine = probe && ksrtp_session_engine(probe) == KSRTP_ENGINE_KERNEL ? "kernel" : "user";
	ksrtp_session_free(probe);
	ring = ksrtp_ring_new(NULL, NULL);
	transport = ring ? ksrtp_tx_mode_name(ksrtp_ring_tx_mode(ring)) : "none";
	ksrtp_ring_free(ring);
	for (i = 0; i < o.n_counts; i++)
		if (o.counts[i] > max_n)
			max_n = o.counts[i];

	bench_machine_probe(&m);
	bench_machine_print(out, &m);
	fprintf(out, "engine:    %s (KSRTP_ENGINE_AUTO), AEAD_AES_128_GCM, a session and key per "
		     "receiver\n", engine);
	fprintf(out, "transport: ksrtp %s (the default); libsrtp2 sendmmsg on a blocking socket\n",
		transport);
	fprintf(out, "receivers: 127.0.0.1 sockets drained by one thread (recvmmsg after poll)%s\n",
		o.gro ? ", UDP_GRO on" : "");
	fprintf(out, "clock:     %s; %u runs of ~%u ms, interleaved, medians\n",
		o.common.clock == CLOCK_MONOTONIC ? "wall (CLOCK_MONOTONIC)"
						  : "forwarding thread's CPU time",
		o.common.runs, o.common.run_ms);
	if (video_drain_start(&d, max_n, o.gro, false, true)) {
		srtp_shutdown();
		return BENCH_EXIT_FAIL;
	}
	root = json_object_new_object();
	groups = json_object_new_array();
	for (i = 0; i < o.n_counts && !err; i++)
		err = run_count(o.counts[i], &d, &o, out, groups, transport);
	if (!err && o.threads)
		err = run_threads(o.threads, max_n, &d, &o, out, root);
	video_drain_stop(&d);
	srtp_shutdown();
	if (!err && o.common.json_path) {
		json_object_object_add(root, "command", json_object_new_string("fanout"));
		json_object_object_add(root, "machine", bench_machine_json(&m));
		json_object_object_add(root, "engine", json_object_new_string(engine));
		json_object_object_add(root, "ksrtp_transport", json_object_new_string(transport));
		json_object_object_add(root, "receiver_gro", json_object_new_boolean(o.gro));
		json_object_object_add(root, "clock",
				       json_object_new_string(o.common.clock == CLOCK_MONOTONIC ?
							      "wall" : "cpu"));
		json_object_object_add(root, "runs", json_object_new_int64(o.common.runs));
		json_object_object_add(root, "groups", groups);
		groups = NULL;
		err = bench_json_write(o.common.json_path, root);
	}
	json_object_put(groups);
	json_object_put(root);
	return err ? BENCH_EXIT_FAIL : BENCH_EXIT_OK;
}

const struct bench_command bench_fanout_command = {
	.name = "fanout",
	.summary = "SFU forward to 1/10/50 receivers: ksrtp_forward vs libsrtp2 + sendmmsg",
	.options = options_help,
	.main = fanout_main,
};
BENCH_COMMAND(bench_fanout_command);
