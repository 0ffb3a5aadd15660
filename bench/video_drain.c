// SPDX-License-Identifier: MIT
/* ksrtp-bench video and fanout: drained loopback receivers (video_drain.h). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/sock_diag.h>
#include <netinet/udp.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "video_drain.h"

#define DRAIN_BATCH 64
/*
 * What a drain reads of a datagram: the RTP header (the arrival stamp) and
 * no more. recvmmsg() with MSG_TRUNC still gives each datagram's length (a
 * GRO train's segments), and the payload is never copied: a stand-in for
 * the network that costs little beside the sender it drains.
 */
#define DRAIN_HEAD 16
#define DRAIN_RCVBUF (4 << 20)

int video_udp_socket(const struct sockaddr_in *to)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), size = DRAIN_RCVBUF;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    (to && connect(fd, (const struct sockaddr *)to, sizeof(*to)))) {
		fprintf(stderr, "ksrtp-bench: UDP socket on 127.0.0.1: %s\n", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	/* As root past net.core.rmem_max; else as much as it allows. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	return fd;
}

int video_latency_init(struct video_latency *l)
{
	l->n = 0;
	l->ns = malloc(VIDEO_LATENCY_SAMPLES * sizeof(*l->ns));
	return l->ns ? 0 : -1;
}

void video_latency_free(struct video_latency *l)
{
	free(l->ns);
	l->ns = NULL;
}

void video_latency_add(struct video_latency *l, uint64_t ns)
{
	if (l->n < VIDEO_LATENCY_SAMPLES)
		l->ns[l->n++] = ns;
	else
		l->ns[(ns * 2654435761u) % VIDEO_LATENCY_SAMPLES] = ns;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

void video_latency_take(struct video_latency *l, double *p50, double *p99)
{
	*p50 = *p99 = 0;
	if (!l->n)
		return;
	qsort(l->ns, l->n, sizeof(*l->ns), cmp_u64);
	*p50 = (double)l->ns[l->n / 2];
	*p99 = (double)l->ns[(size_t)l->n * 99 / 100];
	l->n = 0;
}

bool video_drain_got_some(const struct video_drain *d)
{
	unsigned int ms;

	/* The receiving thread may not have run yet on a busy machine. */
	for (ms = 0; !video_drain_packets(d) && ms < 1000; ms++)
		usleep(1000);
	return video_drain_packets(d) > 0;
}

void video_drain_latency(struct video_drain *d, unsigned int tag, double *p50, double *p99)
{
	pthread_mutex_lock(&d->lock);
	video_latency_take(&d->arrival[tag], p50, p99);
	pthread_mutex_unlock(&d->lock);
}

/* The arrival latency of each stamped datagram of a batch. */
static void stamp(struct video_drain *d, struct mmsghdr *m, struct iovec *iov, unsigned int n)
{
	uint32_t now = video_stamp_us();
	unsigned int k;

	pthread_mutex_lock(&d->lock);
	for (k = 0; k < n; k++) {
		const uint8_t *p = iov[k].iov_base;
		unsigned int tag;

		if (m[k].msg_len < 12)
			continue;
		tag = (unsigned int)(p[1] & 0x7f) - VIDEO_DRAIN_PT;
		if (tag < VIDEO_DRAIN_TAGS)
			video_latency_add(&d->arrival[tag],
					  (uint64_t)(now - ((uint32_t)p[4] << 24 | (uint32_t)p[5] << 16 |
							    (uint32_t)p[6] << 8 | p[7])) * 1000);
	}
	pthread_mutex_unlock(&d->lock);
}

/* Segments of a received datagram: its length over the GRO segment size, if any. */
static unsigned int segments(struct msghdr *m, unsigned int len)
{
	struct cmsghdr *c;

	for (c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
		int seg;

		if (c->cmsg_level != SOL_UDP || c->cmsg_type != UDP_GRO)
			continue;
		memcpy(&seg, CMSG_DATA(c), sizeof(seg));
		if (seg > 0)
			return (len + (unsigned int)seg - 1) / (unsigned int)seg;
	}
	return 1;
}

static void *drain(void *arg)
{
	struct video_drain *d = arg;
	struct pollfd *p = calloc(d->n, sizeof(*p));
	struct mmsghdr *m = calloc(DRAIN_BATCH, sizeof(*m));
	struct iovec *iov = calloc(DRAIN_BATCH, sizeof(*iov));
	char (*cmsg)[CMSG_SPACE(sizeof(int))] = calloc(DRAIN_BATCH, sizeof(*cmsg));
	uint8_t *buf = malloc((size_t)DRAIN_BATCH * DRAIN_HEAD);
	unsigned int i, k;

	if (!p || !m || !iov || !cmsg || !buf) {
		fprintf(stderr, "ksrtp-bench: drain: out of memory\n");
		goto out;
	}
	for (i = 0; i < d->n; i++)
		p[i] = (struct pollfd){ .fd = d->fds[i], .events = POLLIN };
	while (!atomic_load_explicit(&d->stop, memory_order_relaxed)) {
		if (!d->spin && poll(p, d->n, 20) <= 0)
			continue;
		for (i = 0; i < d->n; i++) {
			int got;

			if (!d->spin && !(p[i].revents & POLLIN))
				continue;
			do {
				for (k = 0; k < DRAIN_BATCH; k++) {
					iov[k] = (struct iovec){ .iov_base = buf + (size_t)k * DRAIN_HEAD,
								 .iov_len = DRAIN_HEAD };
					memset(&m[k].msg_hdr, 0, sizeof(m[k].msg_hdr));
					m[k].msg_hdr.msg_iov = &iov[k];
					m[k].msg_hdr.msg_iovlen = 1;
					m[k].msg_hdr.msg_control = cmsg[k];
					m[k].msg_hdr.msg_controllen = sizeof(cmsg[k]);
				}
				got = recvmmsg(d->fds[i], m, DRAIN_BATCH, MSG_DONTWAIT | MSG_TRUNC,
					       NULL);
				if (got > 0 && d->stamped)
					stamp(d, m, iov, (unsigned int)got);
				for (k = 0; got > 0 && k < (unsigned int)got; k++)
					atomic_fetch_add_explicit(&d->packets,
								  segments(&m[k].msg_hdr, m[k].msg_len),
								  memory_order_relaxed);
			} while (got == DRAIN_BATCH);
		}
	}
out:
	free(p);
	free(m);
	free(iov);
	free(cmsg);
	free(buf);
	return NULL;
}

/* The drop-everything program: one "return 0" (classic BPF: keep no byte). */
static int attach_drop_filter(int fd)
{
	struct sock_filter drop = BPF_STMT(BPF_RET | BPF_K, 0);
	struct sock_fprog prog = { .len = 1, .filter = &drop };

	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog));
}

/* d and its n receiving sockets, all but the thread; 0 or -1 with a message. */
static int drain_init(struct video_drain *d, unsigned int n, bool gro, bool sink, bool stamped)
{
	unsigned int i;
	int one = 1;

	memset(d, 0, sizeof(*d));
	pthread_mutex_init(&d->lock, NULL);
	d->stamped = stamped && !gro;
	for (i = 0; d->stamped && i < VIDEO_DRAIN_TAGS; i++) {
		if (video_latency_init(&d->arrival[i])) {
			fprintf(stderr, "ksrtp-bench: out of memory\n");
			video_drain_stop(d);
			return -1;
		}
	}
	d->fds = calloc(n, sizeof(*d->fds));
	d->addrs = calloc(n, sizeof(*d->addrs));
	if (!d->fds || !d->addrs) {
		fprintf(stderr, "ksrtp-bench: out of memory\n");
		video_drain_stop(d);
		return -1;
	}
	d->gro = gro;
	d->sink = sink;
	for (i = 0; i < n; i++) {
		socklen_t alen = sizeof(d->addrs[i]);

		d->fds[i] = video_udp_socket(NULL);
		d->n = i + 1;
		if (d->fds[i] < 0 ||
		    getsockname(d->fds[i], (struct sockaddr *)&d->addrs[i], &alen) ||
		    (gro && setsockopt(d->fds[i], SOL_UDP, UDP_GRO, &one, sizeof(one))) ||
		    (sink && attach_drop_filter(d->fds[i]))) {
			fprintf(stderr, "ksrtp-bench: receiver %u: %s\n", i, strerror(errno));
			video_drain_stop(d);
			return -1;
		}
	}
	return 0;
}

int video_drain_start(struct video_drain *d, unsigned int n, bool gro, bool spin, bool stamped)
{
	if (drain_init(d, n, gro, false, stamped))
		return -1;
	d->spin = spin;
	if (pthread_create(&d->thread, NULL, drain, d)) {
		fprintf(stderr, "ksrtp-bench: cannot start the receiving thread\n");
		video_drain_stop(d);
		return -1;
	}
	d->running = true;
	return 0;
}

/* What a socket has dropped (SO_MEMINFO, Linux 4.6) into *drops; 0 or -1. */
static int socket_drops(int fd, uint64_t *drops)
{
	uint32_t mem[SK_MEMINFO_VARS];
	socklen_t len = sizeof(mem);

	if (getsockopt(fd, SOL_SOCKET, SO_MEMINFO, mem, &len) ||
	    len <= SK_MEMINFO_DROPS * sizeof(mem[0]))
		return -1;
	*drops = mem[SK_MEMINFO_DROPS];
	return 0;
}

int video_sink_start(struct video_drain *d, unsigned int n)
{
	uint64_t drops;

	/* Not UDP_GRO: a train is counted by its segments, each dropped on its own. */
	if (drain_init(d, n, false, true, false))
		return -1;
	/* Without the count every copy would read as lost. */
	if (socket_drops(d->fds[0], &drops)) {
		fprintf(stderr, "ksrtp-bench: a receiver's drop count (SO_MEMINFO): %s\n",
			strerror(errno ? errno : ENOPROTOOPT));
		video_drain_stop(d);
		return -1;
	}
	return 0;
}

uint64_t video_drain_packets(const struct video_drain *d)
{
	uint64_t packets = 0;
	unsigned int i;

	if (!d->sink)
		return atomic_load(&d->packets);
	/* Nothing else drops there: the filter leaves nothing to queue. */
	for (i = 0; i < d->n; i++) {
		uint64_t drops;

		if (!socket_drops(d->fds[i], &drops))
			packets += drops;
	}
	return packets;
}

int video_drain_pin(struct video_drain *d, unsigned int cpu)
{
	cpu_set_t set;
	int err;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	err = pthread_setaffinity_np(d->thread, sizeof(set), &set);
	if (err)
		fprintf(stderr, "ksrtp-bench: cannot pin the receiving thread to cpu %u: %s\n", cpu,
			strerror(err));
	return err ? -1 : 0;
}

uint64_t video_drain_cpu_ns(const struct video_drain *d)
{
	struct timespec ts;
	clockid_t clock;

	if (!d->running || pthread_getcpuclockid(d->thread, &clock) || clock_gettime(clock, &ts))
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void video_drain_stop(struct video_drain *d)
{
	unsigned int i;

	if (d->running) {
		atomic_store(&d->stop, true);
		pthread_join(d->thread, NULL);
		d->running = false;
	}
	for (i = 0; i < d->n; i++)
		if (d->fds[i] >= 0)
			close(d->fds[i]);
	free(d->fds);
	free(d->addrs);
	d->fds = NULL;
	d->addrs = NULL;
	d->n = 0;
	for (i = 0; i < VIDEO_DRAIN_TAGS; i++)
		video_latency_free(&d->arrival[i]);
	pthread_mutex_destroy(&d->lock);
}
