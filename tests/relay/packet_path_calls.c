// SPDX-License-Identifier: MIT
/*
 * No lock and no heap on the packet path: ksrtp-relay --threads 2 runs under
 * an LD_PRELOAD shim ($(BUILD)/tests/relay/preload/count_calls.so) that
 * counts, in all its threads, every call that takes a lock or waits on one
 * (pthread mutex, rwlock, spinlock, condition variable, semaphore) and every
 * heap call (malloc, free, realloc and the rest). It runs twice with the same
 * config, 32 senders (streams) from 32 source ports, which the relay's
 * SSRC steering spreads over both workers, and two receivers: once with SMALL_WINDOWS of traffic,
 * once with LARGE_WINDOWS. In a window each sender sends BURST SRTP packets,
 * one forged (refused by the relay), one SRTCP; full batches of RTP, RTCP
 * and refusals all take their turn on the path. Start, config, stats dump and
 * exit cost the same in both runs; what the second run does more is handle
 * packets. So the difference between the two runs' counts is what the extra
 * packets cost: it must stay under one call per 100 packets of each kind (it
 * is 0 when nothing on the path locks or allocates; one per packet, or one
 * per batch, is far above). Every packet must arrive at every receiver once,
 * open, and be the one sent, and both workers must have forwarded some.
 */
#include "relay_test.h"

#define NSEND 32
#define NRECV 2
#define SSRC0 0x10c40000u
#define PAYLOAD 160
#define BURST 4			/* RTP packets per sender per window */
#define SMALL_WINDOWS 2
#define LARGE_WINDOWS 160
/* What the relay receives in a window: BURST RTP, one forged, one RTCP per sender. */
#define WINDOW_IN (NSEND * (BURST + 2))
/* And forwards to each receiver. */
#define WINDOW_OUT (NSEND * (BURST + 1))
/* Most extra calls of each kind allowed per extra packet: 1 in 100. */
#define PACKETS_PER_CALL 100

/* What one run counted, summed by kind. */
struct calls {
	unsigned long long lock, alloc;
	char detail[2048];	/* the counts file, for a failure's report */
};

/* One receiver: its socket and session, what it got. */
struct receiver {
	int fd;
	struct sockaddr_in addr;
	struct rt_keys keys;
	ksrtp_session *rx;
	bool rtp_seen[NSEND][LARGE_WINDOWS * BURST];
	unsigned int rtcp_seen[NSEND];
	unsigned int got;
};

/* $(BUILD)/tests/relay/NAME -> $(BUILD)/tests/relay/preload/count_calls.so */
static void shim_path(char *out, size_t len)
{
	char self[PATH_MAX - 32];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n <= 0) {
		perror("readlink /proc/self/exe");
		exit(T_FAIL);
	}
	self[n] = 0;
	*strrchr(self, '/') = 0;
	snprintf(out, len, "%s/preload/count_calls.so", self);
}

static void read_calls(const char *path, struct calls *c)
{
	const char *text = rt_read_file(path), *l;
	unsigned long long n;
	char name[64];
	int lines = 0;

	memset(c, 0, sizeof(*c));
	snprintf(c->detail, sizeof(c->detail), "%s", text);
	for (l = text; *l && sscanf(l, "%63s %llu", name, &n) == 2; lines++) {
		if (!strncmp(name, "lock.", 5))
			c->lock += n;
		else if (!strncmp(name, "alloc.", 6))
			c->alloc += n;
		l = strchr(l, '\n');
		if (!l)
			break;
		l++;
	}
	CHECK(lines > 0);	/* the relay exited and the shim wrote its counts */
	if (!lines)
		fprintf(stderr, "no counts in %s\n", path);
}

/* Start the relay, and only the relay, under the shim, writing to counts. */
static void start_counted(struct rt_relay *relay, const char *cfg, char *counts)
{
	const char *extra[] = { "--threads", "2", NULL };
	char shim[PATH_MAX];
	int fd = mkstemp(counts);

	if (fd < 0) {
		perror("mkstemp");
		exit(T_FAIL);
	}
	close(fd);
	shim_path(shim, sizeof(shim));
	setenv("LD_PRELOAD", shim, 1);
	setenv("KSRTP_COUNT_CALLS_OUT", counts, 1);
#ifdef __SANITIZE_ADDRESS__
	/* ASan wants its runtime loaded first; the shim hands each call on to it all the same. */
	char *asan = getenv("ASAN_OPTIONS") ? strdup(getenv("ASAN_OPTIONS")) : NULL, opts[1024];

	snprintf(opts, sizeof(opts), "%s%sverify_asan_link_order=0", asan ? asan : "",
		 asan ? ":" : "");
	setenv("ASAN_OPTIONS", opts, 1);
#endif
	rt_relay_start_or_fail(relay, cfg, extra);
	unsetenv("LD_PRELOAD");
	unsetenv("KSRTP_COUNT_CALLS_OUT");
#ifdef __SANITIZE_ADDRESS__
	if (asan)
		setenv("ASAN_OPTIONS", asan, 1);
	else
		unsetenv("ASAN_OPTIONS");
	free(asan);
#endif
}

/*
 * Window w: from each sender, a forged copy of its first RTP packet (a bit
 * of the payload flipped after sealing, sent ahead of the real one, so that
 * the relay refuses it before the real one takes its index), its BURST RTP
 * packets, and an empty receiver report (RFC 3550 section 6.4.2) as SRTCP.
 */
static void send_window(ksrtp_session *tx, const int *sfd, const struct sockaddr_in *to,
			unsigned int w)
{
	uint8_t pkt[RT_PKT], forged[RT_PKT];
	unsigned int k;
	size_t len;
	int i;

	for (k = w * BURST; k < (w + 1) * BURST; k++) {
		for (i = 0; i < NSEND; i++) {
			len = rt_rtp(pkt, SSRC0 + i, (uint16_t)k, PAYLOAD);
			CHECK_ERR(ksrtp_protect(tx, pkt, &len, sizeof(pkt)), 0);
			if (k == w * BURST) {
				memcpy(forged, pkt, len);
				forged[20] ^= 0x01;
				rt_send_raw(sfd[i], to, forged, len);
			}
			rt_send_raw(sfd[i], to, pkt, len);
		}
	}
	for (i = 0; i < NSEND; i++) {
		uint8_t rr[8] = { 0x80, 201, 0, 1, (uint8_t)((SSRC0 + i) >> 24),
				  (uint8_t)((SSRC0 + i) >> 16), (uint8_t)((SSRC0 + i) >> 8),
				  (uint8_t)(SSRC0 + i) };

		len = sizeof(rr);
		memcpy(pkt, rr, len);
		CHECK_ERR(ksrtp_protect_rtcp(tx, pkt, &len, sizeof(pkt)), 0);
		rt_send_raw(sfd[i], to, pkt, len);
	}
}

/* What r gets of a window: each packet opened, intact, once. False if it stops short. */
static bool receive_window(struct receiver *r, unsigned int rounds)
{
	uint8_t pkt[RT_PKT], want[RT_PKT];
	unsigned int until = r->got + WINDOW_OUT, s, q;
	int n;

	while (r->got < until && (n = rt_recv(r->fd, pkt, sizeof(pkt), RT_WAIT_MS)) > 0) {
		size_t len = (size_t)n;
		bool rtcp = pkt[1] == 201;

		r->got++;
		if (rtcp) {
			CHECK_ERR(ksrtp_unprotect_rtcp(r->rx, pkt, &len), 0);
			s = ((uint32_t)pkt[4] << 24 | (uint32_t)pkt[5] << 16 |
			     (uint32_t)pkt[6] << 8 | pkt[7]) - SSRC0;
			CHECK(len == 8 && s < NSEND);
			if (s < NSEND)
				r->rtcp_seen[s]++;
			continue;
		}
		CHECK_ERR(ksrtp_unprotect(r->rx, pkt, &len), 0);
		s = ((uint32_t)pkt[8] << 24 | (uint32_t)pkt[9] << 16 | (uint32_t)pkt[10] << 8 |
		     pkt[11]) - SSRC0;
		q = (unsigned int)(pkt[2] << 8 | pkt[3]);
		CHECK(s < NSEND && q < rounds);
		if (s < NSEND && q < rounds) {
			CHECK(!r->rtp_seen[s][q]);
			r->rtp_seen[s][q] = true;
			CHECK(len == rt_rtp(want, SSRC0 + s, (uint16_t)q, PAYLOAD));
			CHECK_MEM(pkt, want, len);
		}
	}
	return r->got == until;
}

/*
 * One relay under the shim, windows of traffic, one window in flight at a
 * time so that no socket buffer overflows whatever the machine's load. The
 * counts in *c; the packets the relay received.
 */
static unsigned int run(unsigned int windows, unsigned long long seed, struct calls *c)
{
	static struct receiver rcv[NRECV];
	struct rt_keys sk[NSEND];
	struct sockaddr_in sa[NSEND];
	ksrtp_session *tx = rt_session();
	char cfg[16384], *p = cfg, counts[] = "/tmp/ksrtp-count-calls.XXXXXX";
	const char *stats;
	unsigned int w, s;
	int sfd[NSEND], i;
	struct rt_relay relay;

	memset(rcv, 0, sizeof(rcv));
	p += sprintf(p, "listen 127.0.0.1:0\n");
	for (i = 0; i < NRECV; i++) {
		struct receiver *r = &rcv[i];

		rt_keys_make(&r->keys, &test_profiles[1 + i], seed + 100 + i);
		r->fd = rt_socket(&r->addr);
		r->rx = rt_session();
		p += sprintf(p, "receiver addr=127.0.0.1:%u profile=%s key=%s salt=%s streams=all\n",
			     ntohs(r->addr.sin_port), r->keys.profile->name, r->keys.key_hex,
			     r->keys.salt_hex);
	}
	for (i = 0; i < NSEND; i++) {
		rt_keys_make(&sk[i], &test_profiles[i % TEST_NPROFILES], seed + i);
		CHECK_ERR(rt_add_stream(tx, &sk[i], SSRC0 + i, KSRTP_OUTBOUND), 0);
		for (s = 0; s < NRECV; s++)
			CHECK_ERR(rt_add_stream(rcv[s].rx, &rcv[s].keys, SSRC0 + i, KSRTP_INBOUND),
				  0);
		sfd[i] = rt_socket(&sa[i]);
		p += sprintf(p, "stream ssrc=%u profile=%s key=%s salt=%s\n", SSRC0 + i,
			     sk[i].profile->name, sk[i].key_hex, sk[i].salt_hex);
	}
	start_counted(&relay, cfg, counts);

	for (w = 0; w < windows; w++) {
		bool all = true;

		send_window(tx, sfd, &relay.addr, w);
		for (i = 0; i < NRECV; i++)
			all &= receive_window(&rcv[i], windows * BURST);
		if (!all)
			break;
	}
	for (i = 0; i < NRECV; i++) {
		CHECK(rcv[i].got == windows * WINDOW_OUT);
		for (s = 0; s < NSEND; s++)
			CHECK(rcv[i].rtcp_seen[s] == windows);
	}
	stats = rt_relay_stats(&relay);
	CHECK(rt_stat(stats, "relay", "workers") == 2);
	CHECK(rt_stat(stats, "worker id=0", "forwarded") > 0);
	CHECK(rt_stat(stats, "worker id=1", "forwarded") > 0);
	CHECK(rt_stat(stats, "total", "received") == (long long)(windows * WINDOW_IN));
	CHECK(rt_stat(stats, "total", "rtcp") == (long long)(windows * NSEND));
	CHECK(rt_stat(stats, "total", "forwarded") == (long long)(windows * WINDOW_OUT * NRECV));
	CHECK(rt_stat(stats, "stream ssrc=0x10c40000", "auth_failures") == (long long)windows);
	if (test_failures)
		fprintf(stderr, "%u windows: got %u and %u of %u\nstats:\n%s", windows, rcv[0].got,
			rcv[1].got, windows * WINDOW_OUT, stats);
	CHECK(rt_relay_stop(&relay) == 0);
	read_calls(counts, c);
	if (test_failures)
		fprintf(stderr, "relay's log:\n%s", rt_read_file(relay.log));
	unlink(counts);
	rt_relay_cleanup(&relay);
	for (i = 0; i < NSEND; i++)
		close(sfd[i]);
	for (i = 0; i < NRECV; i++) {
		close(rcv[i].fd);
		ksrtp_session_free(rcv[i].rx);
	}
	ksrtp_session_free(tx);
	return windows * WINDOW_IN;
}

int main(void)
{
	struct calls small, large;
	unsigned int n_small = run(SMALL_WINDOWS, 7000, &small);
	unsigned int n_large = run(LARGE_WINDOWS, 8000, &large);
	long long extra = (long long)n_large - n_small;
	long long dlock = (long long)(large.lock - small.lock);
	long long dalloc = (long long)(large.alloc - small.alloc);

	printf("%u packets in: %llu lock calls, %llu heap calls\n"
	       "%u packets in: %llu lock calls, %llu heap calls\n"
	       "per extra packet: %.4f lock calls, %.4f heap calls\n",
	       n_small, small.lock, small.alloc, n_large, large.lock, large.alloc,
	       (double)dlock / (double)extra, (double)dalloc / (double)extra);
	CHECK(dlock * PACKETS_PER_CALL < extra);
	CHECK(dalloc * PACKETS_PER_CALL < extra);
	if (test_failures)
		fprintf(stderr, "counts, %u packets:\n%scounts, %u packets:\n%s", n_small,
			small.detail, n_large, large.detail);
	return test_result();
}
