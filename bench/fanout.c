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
 * handed to the kernel (wall clock), p50 and p99 of each run (the median
 * of the runs, with their min and max, like every figure).
 *
 * --threads 1,2,4 runs that many forwarders at once after that, each a
 * thread with its own ring, sessions, socket (SO_REUSEPORT on one port, as
 * an SFU spreads its peers over cores) and receivers, sharing nothing,
 * pinned a CPU each when there are enough (--pin), for scaling: each
 * count's delivered packets/s (wall clock) and its scaling efficiency, that
 * over count x the 1-thread rate of the same round. Their receivers are
 * counted where the copies land (--receiving count: a forwarder needs one
 * CPU, as an SFU's does, whose receivers are elsewhere), or read by a
 * receiving thread each (read: a CPU more each).
 *
 * Each contender's output is checked, byte for byte, after its warm-up
 * (see "checking the output"); copies lost on loopback are counted.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <srtp2/srtp.h>

#include "bench.h"
#include "fanout.h"
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
#define MAX_THREADS FANOUT_MAX_THREADS
#define MMSG_MAX 1024		/* UIO_MAXIOV: the most messages one sendmmsg takes */
#define MAX_THREAD_COUNTS FANOUT_MAX_THREAD_COUNTS
#define THREAD_RUN_MS 500
#define QUICK_THREAD_RUN_MS 100
#define TARGET_RATIO 3.0	/* issue 4: at N = 50, >= 3x the baseline */
#define SSRC 0x5eed0200u
#define CHECK_WAIT_MS 1000	/* a check gives up on a copy after this long without one */
#define SETTLE_QUIET_MS 500	/* the receivers got nothing more for this long: the rest is lost */

enum pin_mode { PIN_AUTO, PIN_YES, PIN_NO };

static const char *const pin_mode_names[] = {
	[PIN_AUTO] = "auto", [PIN_YES] = "yes", [PIN_NO] = "no",
};

struct fanout_options {
	struct bench_options common;
	unsigned int counts[MAX_COUNTS];
	unsigned int n_counts;
	unsigned int threads[MAX_THREAD_COUNTS];	/* ascending, threads[0] = 1 */
	unsigned int n_threads;				/* 0: no threaded runs */
	enum pin_mode pin;				/* of the threaded runs */
	bool read_receivers;				/* theirs: a receiving thread each */
	bool gro;
};

static const char options_help[] =
	"  --quick          smoke test: 3 runs of ~20 ms each, threaded runs of 0.1 s\n"
	"  --runs N         runs per figure, the median is reported (default 7; 1..101)\n"
	"  --run-ms MS      length of one run in ms (default 200)\n"
	"  --receivers LIST receivers per forwarded frame, comma separated (default 1,10,50;\n"
	"                   each 1..256)\n"
	"  --threads LIST   then that many forwarders at once, for each number of the\n"
	"                   comma-separated list (e.g. 1,2,4; 1 is always run, the\n"
	"                   baseline), a thread per core, each with its own ring, sessions\n"
	"                   and SO_REUSEPORT socket, to the most receivers; runs of 0.5 s\n"
	"                   (--quick 0.1 s), the counts interleaved; delivered packets/s\n"
	"                   and the scaling efficiency (over count x the 1-thread rate);\n"
	"                   0 skips (default 0; each 1..64, at most 8)\n"
	"  --receiving count|read  the threaded runs' receivers: count (default): each\n"
	"                   copy is counted as it reaches its receiver's socket, where a\n"
	"                   socket filter drops it (the socket's drop count): no\n"
	"                   receiving thread, one CPU a forwarder; read: each\n"
	"                   forwarder's receivers read by a receiving thread of its own\n"
	"                   (RTP header only), a CPU each more\n"
	"  --pin auto|yes|no  the threaded runs: forwarder i on the i-th CPU the process\n"
	"                   may use (read: its receiving thread on the (most threads +\n"
	"                   i)-th); auto (default): only when that is a CPU each, yes:\n"
	"                   anyway (CPUs shared round robin), no: never\n"
	"  --gro            the read receiving sockets have UDP_GRO (GSO trains arrive\n"
	"                   whole)\n"
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

/*
 * ---- checking the output ----
 *
 * Each contender's verify forwards one frame to n receivers of the check's
 * own, fresh sockets that nothing else sends to or drains, so no copy of an
 * earlier frame or of another contender can be among what arrives. Every
 * copy that arrives must open under its receiver's key with libsrtp2 (the
 * reference) and be, byte for byte, one of the frame's packets, once: else
 * the output is wrong. A copy that does not arrive was dropped on loopback
 * (a receive buffer full on a busy machine), which is no wrong output:
 * it is counted and reported.
 */
struct check_result {
	uint64_t arrived;		/* copies that arrived, all of them right */
	uint64_t lost;			/* copies that never arrived */
};

struct check_rx {
	unsigned int n;
	int fds[MAX_RECEIVERS];
	struct sockaddr_in addrs[MAX_RECEIVERS];
	srtp_t s[MAX_RECEIVERS];	/* receiver j's inbound session */
};

static void check_rx_close(struct check_rx *rx)
{
	unsigned int j;

	for (j = 0; j < rx->n; j++) {
		if (rx->fds[j] >= 0)
			close(rx->fds[j]);
		if (rx->s[j])
			srtp_dealloc(rx->s[j]);
	}
	rx->n = 0;
}

/* n check receivers; 0 or -1 with a message. */
static int check_rx_open(struct check_rx *rx, unsigned int n)
{
	unsigned int j;

	memset(rx, 0, sizeof(*rx));
	for (j = 0; j < n; j++) {
		socklen_t alen = sizeof(rx->addrs[j]);
		uint8_t master[28];
		srtp_policy_t p;

		rx->n = j + 1;
		rx->fds[j] = video_udp_socket(NULL);
		if (rx->fds[j] < 0 ||
		    getsockname(rx->fds[j], (struct sockaddr *)&rx->addrs[j], &alen)) {
			fprintf(stderr, "ksrtp-bench fanout: check receiver: %s\n", strerror(errno));
			goto fail;
		}
		receiver_key(j, master, master + 16);
		memset(&p, 0, sizeof(p));
		srtp_crypto_policy_set_aes_gcm_128_16_auth(&p.rtp);
		srtp_crypto_policy_set_aes_gcm_128_16_auth(&p.rtcp);
		p.ssrc.type = ssrc_any_inbound;
		p.key = master;
		p.window_size = 1024;
		if (srtp_create(&rx->s[j], &p)) {
			fprintf(stderr, "ksrtp-bench fanout: srtp_create (check) failed\n");
			goto fail;
		}
	}
	return 0;
fail:
	check_rx_close(rx);
	return -1;
}

/*
 * One datagram at receiver j against frame f, whose packets it has seen
 * (a bit each) in *seen; 0, or -1 saying what is wrong.
 */
static int check_copy(struct check_rx *rx, unsigned int j, uint8_t *pkt, int len,
		      const struct frame *f, uint8_t *seen, const char *who)
{
	uint16_t first = (uint16_t)(f->seq - FRAME_PACKETS), k;
	srtp_err_status_t st = srtp_unprotect(rx->s[j], pkt, &len);

	if (st != srtp_err_status_ok) {
		fprintf(stderr, "ksrtp-bench fanout: %s: a copy at receiver %u does not open under "
				"its key (libsrtp2 error %d)\n", who, j, st);
		return -1;
	}
	k = (uint16_t)((pkt[2] << 8 | pkt[3]) - first);
	if (len != PACKET || k >= FRAME_PACKETS || memcmp(pkt, f->data[k], PACKET)) {
		fprintf(stderr, "ksrtp-bench fanout: %s: a copy at receiver %u is not the frame's "
				"packet (%d bytes opened, sequence number %u)\n", who, j, len,
			pkt[2] << 8 | pkt[3]);
		return -1;
	}
	if (*seen & (1u << k)) {
		fprintf(stderr, "ksrtp-bench fanout: %s: packet %u came twice to receiver %u\n",
			who, (unsigned int)k, j);
		return -1;
	}
	*seen |= (uint8_t)(1u << k);
	return 0;
}

/*
 * What arrived at rx after frame f went to every receiver: each copy
 * checked as it comes, until all have come or none for CHECK_WAIT_MS.
 * 0 (what arrived and what not added to *res), or -1 when a copy is wrong.
 */
static int check_rx_frame(struct check_rx *rx, const struct frame *f, struct check_result *res,
			  const char *who)
{
	const unsigned int expected = rx->n * FRAME_PACKETS;
	struct pollfd p[MAX_RECEIVERS];
	uint8_t seen[MAX_RECEIVERS] = { 0 }, buf[2048];
	unsigned int j, got = 0;

	for (j = 0; j < rx->n; j++)
		p[j] = (struct pollfd){ .fd = rx->fds[j], .events = POLLIN };
	while (got < expected) {
		int ready = poll(p, rx->n, CHECK_WAIT_MS);

		if (ready < 0 && errno == EINTR)
			continue;
		if (ready <= 0)
			break;	/* none for CHECK_WAIT_MS: the rest was dropped */
		for (j = 0; j < rx->n; j++) {
			ssize_t len;

			if (!(p[j].revents & POLLIN))
				continue;
			while ((len = recv(rx->fds[j], buf, sizeof(buf), MSG_DONTWAIT)) >= 0) {
				if (check_copy(rx, j, buf, (int)len, f, &seen[j], who))
					return -1;
				got++;
			}
		}
	}
	res->arrived += got;
	res->lost += expected - got;
	return 0;
}

/*
 * ---- latency, run by run ----
 *
 * A contender's latencies are taken at the end of each of its runs of
 * bench_interleave() (its passes_per_run passes), so that p50 and p99 are
 * figures of a run like every other, reported as the median, min and max of
 * the runs. The arrival latencies of a run are those the receiving thread
 * has read by the end of its last pass.
 */
struct run_latency {
	struct video_latency frame;		/* the run's frames so far */
	struct video_drain *drain;		/* its arrival stamps, of tag */
	unsigned int tag;
	const unsigned int *passes_per_run;	/* the contender's; NULL: not timed runs */
	unsigned int passes;			/* of the run under way */
	unsigned int runs;
	double p50[BENCH_MAX_RUNS], p99[BENCH_MAX_RUNS];	/* frame latency, ns */
	double a50[BENCH_MAX_RUNS], a99[BENCH_MAX_RUNS];	/* arrival latency, ns */
};

static int run_latency_init(struct run_latency *rl, struct video_drain *d, unsigned int tag)
{
	memset(rl, 0, sizeof(*rl));
	rl->drain = d;
	rl->tag = tag;
	return video_latency_init(&rl->frame);
}

/* From now on, run 0: what the warm-up and the check left is dropped. */
static void run_latency_restart(struct run_latency *rl)
{
	double p50, p99;

	video_latency_take(&rl->frame, &p50, &p99);
	if (rl->drain->stamped)
		video_drain_latency(rl->drain, rl->tag, &p50, &p99);
	rl->passes = 0;
	rl->runs = 0;
}

/* After each pass: at the end of a run, its p50 and p99. */
static void run_latency_pass_done(struct run_latency *rl)
{
	unsigned int r = rl->runs;

	if (!rl->passes_per_run || ++rl->passes < *rl->passes_per_run || r == BENCH_MAX_RUNS)
		return;
	video_latency_take(&rl->frame, &rl->p50[r], &rl->p99[r]);
	rl->a50[r] = rl->a99[r] = 0;
	if (rl->drain->stamped)
		video_drain_latency(rl->drain, rl->tag, &rl->a50[r], &rl->a99[r]);
	rl->passes = 0;
	rl->runs++;
}

/* ---- ksrtp ---- */

struct kfwd {
	ksrtp_ring *ring;
	ksrtp_session **s;
	struct ksrtp_forward_target *t;
	unsigned int n;
	int fd;
	struct video_drain *d;
	struct frame f;
	struct run_latency lat;
	uint64_t sent;			/* copies the passes sent */
	struct check_result check;
};

/* The next frame to every receiver, each at to[j]. */
static int kfwd_frame(struct kfwd *k, const struct sockaddr_in *to)
{
	unsigned int j;
	uint64_t t0;
	int sent;

	for (j = 0; j < k->n; j++)
		k->t[j].dest.addr = (const struct sockaddr *)&to[j];
	frame_next(&k->f);
	t0 = bench_now_ns(CLOCK_MONOTONIC);
	sent = ksrtp_forward(k->ring, k->f.v, FRAME_PACKETS, k->t, k->n);
	video_latency_add(&k->lat.frame, bench_now_ns(CLOCK_MONOTONIC) - t0);
	if (sent != (int)(FRAME_PACKETS * k->n)) {
		fprintf(stderr, "ksrtp-bench fanout: ksrtp_forward: %d (%s)\n", sent,
			sent < 0 ? ksrtp_strerror(sent) : "packets sent");
		return -1;
	}
	return 0;
}

static int kfwd_pass(void *arg)
{
	struct kfwd *k = arg;
	unsigned int i;

	for (i = 0; i < PASS_FRAMES; i++) {
		if (kfwd_frame(k, k->d->addrs))
			return -1;
		k->sent += FRAME_PACKETS * k->n;
	}
	run_latency_pass_done(&k->lat);
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
	video_latency_free(&k->lat.frame);
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

static struct kfwd *kfwd_new(struct video_drain *d, unsigned int n, uint16_t port,
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
	k->d = d;
	k->s = calloc(n, sizeof(*k->s));
	k->t = calloc(n, sizeof(*k->t));
	k->ring = ksrtp_ring_new(&rc, &err);
	if (!k->s || !k->t || run_latency_init(&k->lat, d, tag) || !k->ring)
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
	struct video_drain *d;
	uint8_t *copies;		/* n * FRAME_PACKETS packets, 2048 apart */
	struct mmsghdr *m;
	struct iovec *iov;
	struct frame f;
	struct run_latency lat;
	uint64_t sent;			/* copies the passes sent */
	struct check_result check;
};

/* The next frame to every receiver, each at to[j]. */
static int lfwd_frame(struct lfwd *l, const struct sockaddr_in *to)
{
	unsigned int j, k, done = 0, total = l->n * FRAME_PACKETS;
	uint64_t t0;

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
			l->m[c].msg_hdr.msg_name = (void *)&to[j];
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
	video_latency_add(&l->lat.frame, bench_now_ns(CLOCK_MONOTONIC) - t0);
	return 0;
}

static int lfwd_pass(void *arg)
{
	struct lfwd *l = arg;
	unsigned int i;

	for (i = 0; i < PASS_FRAMES; i++) {
		if (lfwd_frame(l, l->d->addrs))
			return -1;
		l->sent += FRAME_PACKETS * l->n;
	}
	run_latency_pass_done(&l->lat);
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
	video_latency_free(&l->lat.frame);
	free(l);
}

static struct lfwd *lfwd_new(struct video_drain *d, unsigned int n)
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
	if (l->fd < 0 || !l->s || !l->copies || !l->m || !l->iov ||
	    run_latency_init(&l->lat, d, C_LIBSRTP))
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
		l->m[c].msg_hdr.msg_namelen = sizeof(d->addrs[0]);
	}
	frame_init(&l->f, SSRC, C_LIBSRTP);
	return l;
fail:
	lfwd_destroy(l);
	return NULL;
}

/* A frame to check receivers: what arrives is right (see check_rx_frame()). */
static int lfwd_verify(void *arg)
{
	struct lfwd *l = arg;
	struct check_rx rx;
	int err;

	if (check_rx_open(&rx, l->n))
		return -1;
	err = lfwd_frame(l, rx.addrs) ||
	      check_rx_frame(&rx, &l->f, &l->check, "libsrtp2 + sendmmsg") ? -1 : 0;
	check_rx_close(&rx);
	run_latency_restart(&l->lat);
	return err;
}

/* The same; and every copy accepted by the kernel, every slot back. */
static int kfwd_verify(void *arg)
{
	struct kfwd *k = arg;
	struct ksrtp_ring_stats st;
	ksrtp_arena *a = ksrtp_ring_arena(k->ring);
	struct check_rx rx;
	int err;

	if (check_rx_open(&rx, k->n))
		return -1;
	err = kfwd_frame(k, rx.addrs) || check_rx_frame(&rx, &k->f, &k->check, "ksrtp") ? -1 : 0;
	check_rx_close(&rx);
	run_latency_restart(&k->lat);
	if (err)
		return -1;
	ksrtp_ring_stats(k->ring, &st);
	return st.tx_errors || ksrtp_arena_avail(a) + st.rx_posted != ksrtp_arena_slots(a) ? -1 : 0;
}

/* ---- one receiver count: the contenders, interleaved ---- */

/*
 * {"p50_ns": m, "p99_ns": m, "p50": {"runs": [...], "median": m, ...}, "p99": ...}:
 * the runs' p50 and p99 and their medians.
 */
static json_object *latency_json(const double *p50, const double *p99, unsigned int runs)
{
	json_object *o = json_object_new_object();
	struct bench_stats s50, s99;

	bench_stats_of(p50, runs, &s50);
	bench_stats_of(p99, runs, &s99);
	json_object_object_add(o, "p50_ns", json_object_new_double(s50.median));
	json_object_object_add(o, "p99_ns", json_object_new_double(s99.median));
	json_object_object_add(o, "p50", bench_stats_json(p50, runs));
	json_object_object_add(o, "p99", bench_stats_json(p99, runs));
	return o;
}

/* " p50 12.3 us (11.0..13.1), p99 45.6 us (40.2..51.0)": medians of the runs, min..max. */
static void latency_print(FILE *out, const char *who, const double *p50, const double *p99,
			  unsigned int runs)
{
	struct bench_stats s50, s99;

	bench_stats_of(p50, runs, &s50);
	bench_stats_of(p99, runs, &s99);
	fprintf(out, "    %-28s p50 %7.1f us (%.1f..%.1f), p99 %7.1f us (%.1f..%.1f)\n", who,
		s50.median / 1e3, s50.min / 1e3, s50.max / 1e3, s99.median / 1e3, s99.min / 1e3,
		s99.max / 1e3);
}

static json_object *copies_json(uint64_t sent, uint64_t arrived)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "sent", json_object_new_int64((int64_t)sent));
	json_object_object_add(o, "arrived", json_object_new_int64((int64_t)arrived));
	json_object_object_add(o, "lost", json_object_new_int64((int64_t)(sent - arrived)));
	return o;
}

/* What the n drains d[] have received, all together. */
static uint64_t drains_packets(const struct video_drain *d, unsigned int n)
{
	uint64_t packets = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		packets += video_drain_packets(&d[i]);
	return packets;
}

/*
 * How many of the expected copies sent after the n drains d[] had counted
 * before have arrived: waits until all have, or none more for
 * SETTLE_QUIET_MS. At most expected: a straggler of the receiver count
 * before is none of them.
 */
static uint64_t drain_settle(const struct video_drain *d, unsigned int n, uint64_t before,
			     uint64_t expected)
{
	uint64_t got = drains_packets(d, n) - before, last = got;
	unsigned int quiet_ms = 0;

	while (got < expected && quiet_ms < SETTLE_QUIET_MS) {
		usleep(1000);
		got = drains_packets(d, n) - before;
		quiet_ms = got == last ? quiet_ms + 1 : 0;
		last = got;
	}
	return got < expected ? got : expected;
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
	struct run_latency *lat[N_CONTENDERS];
	json_object *jg, *jc;
	struct check_result *chk[N_CONTENDERS];
	uint64_t before = video_drain_packets(d), sent, arrived, checked = 0, check_lost = 0;
	const unsigned int runs = o->common.runs;
	double ratio;
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
	for (i = 0; i < N_CONTENDERS; i++)
		lat[i]->passes_per_run = &c[i].passes_per_run;
	chk[C_KSRTP] = &k->check;
	chk[C_KSRTP_SENDMSG] = &ks->check;
	chk[C_LIBSRTP] = &l->check;
	fprintf(out, "\n%u receiver%s: a pass forwards %u frames of %u x %u B to each (%u "
		     "packets)\n", n, n == 1 ? "" : "s", PASS_FRAMES, FRAME_PACKETS, PACKET,
		PASS_FRAMES * FRAME_PACKETS * n);
	if (bench_interleave(c, N_CONTENDERS, PASS_FRAMES * FRAME_PACKETS * n, &o->common))
		goto out;
	for (i = 0; i < N_CONTENDERS; i++) {
		if (lat[i]->runs != runs) {
			fprintf(stderr, "ksrtp-bench fanout: %s: latencies of %u runs, not %u\n",
				c[i].name, lat[i]->runs, runs);
			goto out;
		}
	}
	sent = k->sent + ks->sent + l->sent;
	arrived = drain_settle(d, 1, before, sent);
	bench_figures_of(c, N_CONTENDERS, runs, PACKET, fig, &ref, &ceil);
	bench_figures_print(out, c, fig, N_CONTENDERS, ref);
	jg = json_object_new_object();
	jc = json_object_new_array();
	for (i = 0; i < N_CONTENDERS; i++) {
		json_object *j = bench_figures_json(&c[i], &fig[i]);

		json_object_object_add(j, "frame_latency",
				       latency_json(lat[i]->p50, lat[i]->p99, runs));
		if (d->stamped)
			json_object_object_add(j, "arrival_latency",
					       latency_json(lat[i]->a50, lat[i]->a99, runs));
		json_object_object_add(j, "checked_copies",
				       copies_json(chk[i]->arrived + chk[i]->lost, chk[i]->arrived));
		json_object_array_add(jc, j);
		checked += chk[i]->arrived;
		check_lost += chk[i]->lost;
	}
	bench_stats_of(fig[C_KSRTP].vs_reference, runs, &rs);
	ratio = rs.median;
	fprintf(out, "  delivered packets/s per core: ksrtp %.0f (sendmsg+gso %.0f), libsrtp2 %.0f "
		     "(%.2fx)\n", 1e9 / fig[C_KSRTP].ns_stats.median,
		1e9 / fig[C_KSRTP_SENDMSG].ns_stats.median, 1e9 / fig[C_LIBSRTP].ns_stats.median,
		ratio);
	fprintf(out, "  added latency a frame (last copy to the kernel), median of the runs' p50 "
		     "and p99 (min..max):\n");
	for (i = 0; i < N_CONTENDERS; i++)
		latency_print(out, c[i].name, lat[i]->p50, lat[i]->p99, runs);
	if (d->stamped) {
		fprintf(out, "  latency to the receiver (frame in to packet read, every packet), "
			     "the same way:\n");
		for (i = 0; i < N_CONTENDERS; i++)
			latency_print(out, c[i].name, lat[i]->a50, lat[i]->a99, runs);
	}
	fprintf(out, "  copies: %" PRIu64 " checked (opened and compared: all right), %" PRIu64
		     " lost; of the %" PRIu64 " the runs sent, %" PRIu64 " lost on loopback\n",
		checked, check_lost, sent, sent - arrived);
	if (n == 50)
		fprintf(out, "  target at 50 receivers: >= %.0fx the baseline's delivered packets/s "
			     "per core: %.2fx (%s)\n", TARGET_RATIO, ratio,
			ratio >= TARGET_RATIO ? "met" : "not met");
	json_object_object_add(jg, "receivers", json_object_new_int64(n));
	json_object_object_add(jg, "ksrtp_transport", json_object_new_string(transport));
	json_object_object_add(jg, "packets_per_pass",
			       json_object_new_int64(PASS_FRAMES * FRAME_PACKETS * n));
	json_object_object_add(jg, "ratio_vs_libsrtp2", json_object_new_double(ratio));
	json_object_object_add(jg, "copies_to_receivers", copies_json(sent, arrived));
	json_object_object_add(jg, "contenders", jc);
	json_object_array_add(groups, jg);
	err = 0;
out:
	kfwd_destroy(k);
	kfwd_destroy(ks);
	lfwd_destroy(l);
	return err;
}

/*
 * ---- threads ----
 *
 * Scaling: forwarder i is a thread with its own ring, sessions, socket
 * (SO_REUSEPORT on one port, as an SFU spreads its peers over cores) and
 * receivers, so that nothing is shared between forwarders. Its receivers
 * are sinks (video_sink_start) by default: an SFU's receivers are other
 * machines, and a thread reading them here would take a CPU each from the
 * forwarders being measured. With --receiving read, a thread of their own
 * reads them (receiving thread i), so that the receiving side grows with
 * the forwarders instead of capping them. Pinned, forwarder i runs on the
 * i-th CPU the process may use and receiving thread i on the (most
 * forwarders + i)-th: a CPU each. With fewer CPUs than that, --pin auto
 * pins nothing (the scheduler shares them out) and says so; --pin yes pins
 * anyway, the CPUs taken round robin.
 */
#define SINK_RECEIVING "counted as they reach each receiver's socket, where a socket filter " \
	"drops them (the socket's drop count), no receiving thread"

struct pin_plan {
	bool pinned;
	unsigned int available;		/* CPUs the process may use (sched_getaffinity) */
	unsigned int forwarder_cpu[MAX_THREADS];
	unsigned int drain_cpu[MAX_THREADS];
	char note[192];
};

static void pin_plan_of(enum pin_mode mode, unsigned int max_t, bool read_receivers,
			struct pin_plan *p)
{
	unsigned int cpus[2 * MAX_THREADS], have, i, threads = read_receivers ? 2 * max_t : max_t;
	char what[64];

	memset(p, 0, sizeof(*p));
	p->available = bench_allowed_cpus(cpus, 2 * MAX_THREADS);
	have = p->available < 2 * MAX_THREADS ? p->available : 2 * MAX_THREADS;
	if (mode == PIN_NO) {
		snprintf(p->note, sizeof(p->note), "--pin no");
		return;
	}
	if (!have) {
		snprintf(p->note, sizeof(p->note), "the CPUs available are unknown "
			 "(sched_getaffinity failed)");
		return;
	}
	snprintf(what, sizeof(what), "%u forwarders%s", max_t,
		 read_receivers ? " + as many receiving threads" : "");
	if (mode == PIN_AUTO && p->available < threads) {
		snprintf(p->note, sizeof(p->note), "%u CPUs available, fewer than %s: the scheduler "
			 "shares them out (--pin yes pins anyway)", p->available, what);
		return;
	}
	p->pinned = true;
	for (i = 0; i < max_t; i++) {
		p->forwarder_cpu[i] = cpus[i % have];
		p->drain_cpu[i] = cpus[(max_t + i) % have];
	}
	if (p->available < threads)
		snprintf(p->note, sizeof(p->note), "--pin yes: %u CPUs available for %s, so some "
			 "share a CPU", p->available, what);
	else
		snprintf(p->note, sizeof(p->note), "a CPU each");
}

/* Room for needed open files: the soft limit raised as far as the hard one; 0 or -1. */
static int fd_room(unsigned int needed)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return -1;
	if (rl.rlim_cur >= needed)
		return 0;
	rl.rlim_cur = rl.rlim_max < needed ? rl.rlim_max : needed;
	if (setrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur < needed) {
		fprintf(stderr, "ksrtp-bench fanout: the threaded run needs %u open files, the "
				"limit is %llu (ulimit -n)\n", needed,
			(unsigned long long)rl.rlim_cur);
		return -1;
	}
	return 0;
}

/*
 * The forwarders of a run start together: each pins itself and checks in,
 * then waits for go, and all time the run from the one t0. (Timed from their
 * own starts, one after another, the rate over the longest would be
 * divided by less than the time they spanned, and read high.)
 */
struct start_gate {
	atomic_uint ready;
	atomic_bool go;
	uint64_t t0;			/* written before go */
};

struct worker {
	struct kfwd *k;
	struct start_gate *gate;
	int cpu;			/* pinned to; -1: not pinned */
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
	uint64_t c0, t0, end, now;

	w->packets = 0;
	w->wall_ns = 0;
	w->err = w->cpu >= 0 ? bench_pin_cpu((unsigned int)w->cpu) : 0;
	atomic_fetch_add(&w->gate->ready, 1);
	while (!atomic_load_explicit(&w->gate->go, memory_order_acquire))
		sched_yield();
	if (w->err)
		return NULL;
	c0 = bench_now_ns(CLOCK_THREAD_CPUTIME_ID);
	t0 = w->gate->t0;
	end = t0 + (uint64_t)(w->seconds * 1e9);
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

/* One run's figures of t forwarders at once. */
struct threads_figures {
	double pps;		/* delivered packets a second of wall time, all together */
	double cpu_ns;		/* the forwarders' CPU time a packet */
	double drain_cpu_ns;	/* their receiving threads' CPU time a packet */
	uint64_t sent;		/* copies sent */
	uint64_t arrived;	/* and read by the receiving threads */
};

/* One run of the first t workers at once, each drained by drains[i]; 0 or -1. */
static int threads_run(struct worker *w, const struct video_drain *drains, unsigned int t,
		       struct threads_figures *f)
{
	uint64_t packets = 0, cpu = 0, wall = 0, drain_cpu = 0, drain_cpu0[MAX_THREADS];
	uint64_t received0 = drains_packets(drains, t);
	struct start_gate gate = { .ready = 0 };
	unsigned int i, started;
	int err = 0;

	for (i = 0; i < t; i++)
		drain_cpu0[i] = video_drain_cpu_ns(&drains[i]);
	for (started = 0; started < t; started++) {
		w[started].gate = &gate;
		if (pthread_create(&w[started].thread, NULL, worker_main, &w[started]))
			break;
	}
	while (atomic_load(&gate.ready) < started)
		sched_yield();
	gate.t0 = bench_now_ns(CLOCK_MONOTONIC);
	atomic_store_explicit(&gate.go, true, memory_order_release);
	for (i = 0; i < started; i++) {
		pthread_join(w[i].thread, NULL);
		err |= w[i].err;
		packets += w[i].packets;
		cpu += w[i].cpu_ns;
		if (w[i].wall_ns > wall)
			wall = w[i].wall_ns;
	}
	/* What the receivers still have queued is this run's to read (and its CPU time). */
	f->sent = packets;
	f->arrived = drain_settle(drains, t, received0, packets);
	for (i = 0; i < t; i++)
		drain_cpu += video_drain_cpu_ns(&drains[i]) - drain_cpu0[i];
	if (err || started < t || !packets || !wall)
		return -1;
	f->pps = packets / (wall / 1e9);
	f->cpu_ns = (double)cpu / packets;
	f->drain_cpu_ns = (double)drain_cpu / packets;
	return 0;
}

/*
 * Each thread count of counts[] (counts[0] is 1) forwarding to n receivers
 * each, interleaved over o->runs rounds: per round, t forwarders' delivered
 * rate and its scaling efficiency, that rate over t x the same round's
 * 1-thread rate. Into *jt: the runs of each count, and what ran where.
 */
static int run_threads(const unsigned int *counts, unsigned int n_counts, unsigned int n,
		       const struct fanout_options *o, FILE *out, json_object **jt)
{
	static double pps[MAX_THREAD_COUNTS][BENCH_MAX_RUNS], cpu[MAX_THREAD_COUNTS][BENCH_MAX_RUNS],
		drain_cpu[MAX_THREAD_COUNTS][BENCH_MAX_RUNS], eff[MAX_THREAD_COUNTS][BENCH_MAX_RUNS];
	const unsigned int runs = o->common.runs;
	const double seconds = (o->common.quick ? QUICK_THREAD_RUN_MS : THREAD_RUN_MS) / 1e3;
	const unsigned int max_t = counts[n_counts - 1];	/* ascending */
	struct worker w[MAX_THREADS];
	struct video_drain *drains = calloc(max_t, sizeof(*drains));
	struct threads_figures f = { 0 };
	struct pin_plan plan;
	struct sockaddr_in a;
	socklen_t alen = sizeof(a);
	struct bench_stats sp, sc, sd, se;
	json_object *jc;
	char fwd_cpus[4 * MAX_THREADS + 1], drain_cpus[4 * MAX_THREADS + 1], recv_cpu[24] = "";
	uint64_t sent = 0, arrived = 0;
	unsigned int i, r, c, n_drains = 0;
	uint16_t port = 0;
	int err = drains ? 0 : -1;

	pin_plan_of(o->pin, max_t, o->read_receivers, &plan);
	memset(w, 0, sizeof(w));
	/*
	 * Each forwarder: n receiving sockets, a socket and a ring; the receivers
	 * of the runs before (as many again, at most); and a few to spare.
	 */
	if (!err)
		err = fd_room((max_t + 1) * (n + 4) + 64);
	for (i = 0; i < max_t && !err; i++) {
		err = o->read_receivers ? video_drain_start(&drains[i], n, o->gro, false, false) :
					  video_sink_start(&drains[i], n);
		if (err)
			break;
		n_drains++;
		if (plan.pinned && o->read_receivers)
			err = video_drain_pin(&drains[i], plan.drain_cpu[i]);
	}
	for (i = 0; i < max_t && !err; i++) {
		w[i].k = kfwd_new(&drains[i], n, port, SSRC + 1 + i, KSRTP_TX_DEFAULT, C_KSRTP);
		w[i].cpu = plan.pinned ? (int)plan.forwarder_cpu[i] : -1;
		w[i].seconds = seconds;
		if (!w[i].k)
			err = -1;
		/* The first socket's port is everyone's: SO_REUSEPORT spreads a port over threads. */
		else if (!i && !getsockname(w[0].k->fd, (struct sockaddr *)&a, &alen))
			port = ntohs(a.sin_port);
	}
	/* Untimed: each forwarder's first pass touches its arena, ring and sockets first. */
	for (i = 0; i < max_t && !err; i++)
		err = kfwd_pass(w[i].k);
	for (r = 0; r < runs && !err; r++) {
		for (c = 0; c < n_counts && !err; c++) {
			err = threads_run(w, drains, counts[c], &f);
			pps[c][r] = f.pps;
			cpu[c][r] = f.cpu_ns;
			drain_cpu[c][r] = f.drain_cpu_ns;
			sent += f.sent;
			arrived += f.arrived;
		}
	}
	for (i = 0; i < max_t; i++)
		kfwd_destroy(w[i].k);
	for (i = 0; i < n_drains; i++)
		video_drain_stop(&drains[i]);
	free(drains);
	if (err) {
		fprintf(stderr, "ksrtp-bench fanout: the threaded run failed\n");
		return -1;
	}
	fprintf(out, "\nforwarding threads at once, each to its own %u receivers, %u runs of %.1f s "
		     "each, interleaved, medians\n", n, runs, seconds);
	fprintf(out, "  cpus available: %u (of %ld online)\n", plan.available,
		sysconf(_SC_NPROCESSORS_ONLN));
	if (o->read_receivers)
		fprintf(out, "  receiving threads: %u, one per forwarder, each reading only its "
			     "forwarder's receivers (RTP header only)%s\n", max_t,
			o->gro ? ", UDP_GRO on" : "");
	else
		fprintf(out, "  receivers: %s\n", SINK_RECEIVING);
	bench_cpu_list(fwd_cpus, sizeof(fwd_cpus), plan.forwarder_cpu, max_t);
	bench_cpu_list(drain_cpus, sizeof(drain_cpus), plan.drain_cpu, max_t);
	if (plan.pinned && o->read_receivers)
		fprintf(out, "  pinned: yes (%s); forwarder i on cpu %s, its receiving thread on "
			     "cpu %s (i = 0, 1, ...)\n", plan.note, fwd_cpus, drain_cpus);
	else if (plan.pinned)
		fprintf(out, "  pinned: yes (%s); forwarder i on cpu %s (i = 0, 1, ...)\n",
			plan.note, fwd_cpus);
	else
		fprintf(out, "  pinned: no (%s)\n", plan.note);
	fprintf(out, "  %7s %16s %18s %12s %14s %22s\n", "threads", "delivered pkt/s",
		"spread (min..max)", "CPU ns/pkt", o->read_receivers ? "recv CPU ns/pkt" : "",
		"of threads x 1 thread");
	*jt = json_object_new_object();
	jc = json_object_new_array();
	for (c = 0; c < n_counts; c++) {
		json_object *j = json_object_new_object();

		for (r = 0; r < runs; r++)
			eff[c][r] = pps[c][r] / (counts[c] * pps[0][r]);
		bench_stats_of(pps[c], runs, &sp);
		bench_stats_of(cpu[c], runs, &sc);
		bench_stats_of(drain_cpu[c], runs, &sd);
		bench_stats_of(eff[c], runs, &se);
		if (o->read_receivers)
			snprintf(recv_cpu, sizeof(recv_cpu), "%.0f", sd.median);
		fprintf(out, "  %7u %16.0f %+8.1f%%..%+.1f%% %12.0f %14s %22.2f\n", counts[c],
			sp.median, 100 * (sp.min / sp.median - 1), 100 * (sp.max / sp.median - 1),
			sc.median, recv_cpu, se.median);
		json_object_object_add(j, "name", json_object_new_string("ksrtp forward"));
		json_object_object_add(j, "threads", json_object_new_int64(counts[c]));
		json_object_object_add(j, "receivers", json_object_new_int64(n));
		json_object_object_add(j, "delivered_pkt_per_s", bench_stats_json(pps[c], runs));
		json_object_object_add(j, "cpu_ns_per_pkt", bench_stats_json(cpu[c], runs));
		json_object_object_add(j, "scaling_efficiency", bench_stats_json(eff[c], runs));
		if (o->read_receivers)
			json_object_object_add(j, "receiving_cpu_ns_per_pkt",
					       bench_stats_json(drain_cpu[c], runs));
		json_object_array_add(jc, j);
	}
	fprintf(out, "  copies: %" PRIu64 " sent, %" PRIu64 " lost on loopback\n", sent,
		sent - arrived);
	json_object_object_add(*jt, "run_ms", json_object_new_int64((int64_t)(seconds * 1e3)));
	json_object_object_add(*jt, "cpus_online", json_object_new_int64(sysconf(_SC_NPROCESSORS_ONLN)));
	json_object_object_add(*jt, "cpus_available", json_object_new_int64(plan.available));
	json_object_object_add(*jt, "pin", json_object_new_string(pin_mode_names[o->pin]));
	json_object_object_add(*jt, "pinned", json_object_new_boolean(plan.pinned));
	json_object_object_add(*jt, "pin_note", json_object_new_string(plan.note));
	if (plan.pinned)
		json_object_object_add(*jt, "forwarder_cpus",
				       bench_cpu_list_json(plan.forwarder_cpu, max_t));
	if (plan.pinned && o->read_receivers)
		json_object_object_add(*jt, "receiving_thread_cpus",
				       bench_cpu_list_json(plan.drain_cpu, max_t));
	json_object_object_add(*jt, "receiving_threads",
			       json_object_new_int64(o->read_receivers ? max_t : 0));
	json_object_object_add(*jt, "receiving", json_object_new_string(o->read_receivers ?
		"a thread per forwarder reading only its receivers, RTP header only (MSG_TRUNC)" :
		SINK_RECEIVING));
	json_object_object_add(*jt, "copies_to_receivers", copies_json(sent, arrived));
	json_object_object_add(*jt, "counts", jc);
	return 0;
}

/* ---- options ---- */

/* A comma-separated list of at most max_n numbers in [min, max], none twice; 0 or -1. */
static int parse_list(const char *arg, unsigned int min, unsigned int max, unsigned int *v,
		      unsigned int max_n, unsigned int *n)
{
	char *copy = strdup(arg), *save = NULL, *tok;
	unsigned int i;
	int err = copy ? 0 : -1;

	*n = 0;
	for (tok = copy ? strtok_r(copy, ",", &save) : NULL; tok && !err;
	     tok = strtok_r(NULL, ",", &save)) {
		if (*n == max_n || bench_parse_uint(tok, min, max, &v[*n]))
			err = -1;
		for (i = 0; i < *n && !err; i++)
			if (v[i] == v[*n])
				err = -1;
		if (!err)
			(*n)++;
	}
	free(copy);
	return err || !*n ? -1 : 0;
}

/* --threads: 0 (none), or a list, in ascending order, with 1 (the baseline) put in. */
static int parse_threads(const char *arg, struct fanout_options *o)
{
	unsigned int v[MAX_THREAD_COUNTS], n, i, k;

	o->n_threads = 0;
	if (!strcmp(arg, "0"))
		return 0;
	if (parse_list(arg, 1, MAX_THREADS, v, MAX_THREAD_COUNTS, &n))
		return -1;
	o->threads[o->n_threads++] = 1;
	for (i = 0; i < n; i++) {
		if (v[i] == 1)
			continue;
		if (o->n_threads == MAX_THREAD_COUNTS)
			return -1;
		for (k = o->n_threads++; o->threads[k - 1] > v[i]; k--)
			o->threads[k] = o->threads[k - 1];
		o->threads[k] = v[i];
	}
	return 0;
}

enum { OPT_RECEIVERS = 1, OPT_THREADS, OPT_RECEIVING, OPT_PIN, OPT_GRO };

static const struct option fanout_longopts[] = {
	BENCH_COMMON_OPTIONS,
	{ "receivers", required_argument, NULL, OPT_RECEIVERS },
	{ "threads", required_argument, NULL, OPT_THREADS },
	{ "receiving", required_argument, NULL, OPT_RECEIVING },
	{ "pin", required_argument, NULL, OPT_PIN },
	{ "gro", no_argument, NULL, OPT_GRO },
	{ NULL, 0, NULL, 0 },
};

static int parse_fanout_option(void *ctx, int val, const char *arg)
{
	struct fanout_options *o = ctx;

	switch (val) {
	case OPT_RECEIVERS:
		return parse_list(arg, 1, MAX_RECEIVERS, o->counts, MAX_COUNTS, &o->n_counts);
	case OPT_THREADS:
		return parse_threads(arg, o);
	case OPT_RECEIVING:
		if (strcmp(arg, "count") && strcmp(arg, "read"))
			return 1;
		o->read_receivers = !strcmp(arg, "read");
		return 0;
	case OPT_PIN:
		for (o->pin = PIN_AUTO; o->pin <= PIN_NO; o->pin++)
			if (!strcmp(arg, pin_mode_names[o->pin]))
				return 0;
		return 1;
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

static int fanout_main(int argc, char **argv)
{
	struct fanout_options o = { .counts = { 1, 10, 50 }, .n_counts = 3 };
	struct bench_machine m;
	struct video_drain d;
	json_object *root, *groups, *threads = NULL;
	unsigned int i, max_n = 0;
	const char *engine, *transport;
	ksrtp_session *probe;
	ksrtp_ring *ring;
	FILE *out;
	int code, err = 0;

	if (!bench_parse_options(&fanout_option_table, argc, argv, &o, &o.common, &code))
		return code;
	if (!o.common.clock_set)
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
	fprintf(out, "receivers: 127.0.0.1 sockets drained by one thread (recvmmsg after poll, the "
		     "RTP header only)%s\n",
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
	if (!err && o.n_threads)
		err = run_threads(o.threads, o.n_threads, max_n, &o, out, &threads);
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
		/* After the groups: the report's plot against receivers takes the first rate it meets. */
		if (threads)
			json_object_object_add(root, "scaling", threads);
		threads = NULL;
		err = bench_json_write(o.common.json_path, root);
	}
	json_object_put(threads);
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
