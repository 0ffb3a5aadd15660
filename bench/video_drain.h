/* SPDX-License-Identifier: MIT */
/*
 * ksrtp-bench video and fanout: loopback UDP receivers drained by a thread
 * of their own, so that a sender is measured against a receiver that keeps
 * up, as on a real network, and never against a full socket buffer. The
 * thread reads only each datagram's RTP header (MSG_TRUNC: no payload copy),
 * so that it costs little beside the senders it drains.
 */
#ifndef KSRTP_BENCH_VIDEO_DRAIN_H
#define KSRTP_BENCH_VIDEO_DRAIN_H

#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/* Latency samples in ns, at most VIDEO_LATENCY_SAMPLES (then a rough reservoir). */
#define VIDEO_LATENCY_SAMPLES (1u << 20)

struct video_latency {
	uint64_t *ns;
	unsigned int n;
};

int video_latency_init(struct video_latency *l);	/* 0 or -1 */
void video_latency_free(struct video_latency *l);
void video_latency_add(struct video_latency *l, uint64_t ns);
/* p50 and p99 of the samples so far (0 if none); then none. */
void video_latency_take(struct video_latency *l, double *p50, double *p99);

/*
 * Arrival stamps: a sender that wants its packets timed at the receiver
 * puts the low 32 bits of CLOCK_MONOTONIC in microseconds in the RTP
 * timestamp (in the clear in SRTP) and a tag 0..VIDEO_DRAIN_TAGS-1 as the
 * payload type minus 96; the receiving thread keeps now - stamp per tag.
 */
#define VIDEO_DRAIN_TAGS 3
#define VIDEO_DRAIN_PT 96

static inline uint32_t video_stamp_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint32_t)((uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000);
}

struct video_drain {
	unsigned int n;
	int *fds;			/* bound to 127.0.0.1, non-blocking */
	struct sockaddr_in *addrs;	/* where each listens */
	bool gro;			/* UDP_GRO: trains arrive whole, counted by segment */
	bool spin;			/* poll the sockets without sleeping: no wakeups */
	bool sink;			/* no thread: counted where they land (video_sink_start) */
	pthread_t thread;
	bool running;
	atomic_bool stop;
	atomic_uint_fast64_t packets;	/* datagrams (GRO: segments) received */
	bool stamped;			/* keep arrival latencies (not with GRO) */
	pthread_mutex_t lock;		/* of arrival */
	struct video_latency arrival[VIDEO_DRAIN_TAGS];
};

/*
 * n receivers (with UDP_GRO when gro) and the thread draining them (spin:
 * without ever sleeping; stamped: keeping arrival latencies); 0 or -1
 * with a message.
 */
int video_drain_start(struct video_drain *d, unsigned int n, bool gro, bool spin, bool stamped);

/*
 * n receivers with no thread to read them, for runs in which a receiving
 * thread would want a CPU of its own: each datagram reaches its socket
 * through the whole loopback receive path (a GSO train cut into its
 * segments there, as without UDP_GRO), and a socket filter then drops it,
 * which the socket counts (SO_MEMINFO's drops): nothing queues, nothing
 * wakes up. 0 or -1 with a message.
 */
int video_sink_start(struct video_drain *d, unsigned int n);

/* Datagrams (GRO: segments) the receivers have got so far. */
uint64_t video_drain_packets(const struct video_drain *d);

/* Whether the receivers have got anything, waiting up to a second for it. */
bool video_drain_got_some(const struct video_drain *d);

/* p50 and p99 of tag's arrival latencies so far, in ns; then none are kept. */
void video_drain_latency(struct video_drain *d, unsigned int tag, double *p50, double *p99);

/* Pin the receiving thread to cpu; 0 or -1 with a message. */
int video_drain_pin(struct video_drain *d, unsigned int cpu);

/* The CPU time the receiving thread has used so far, in ns (0 if unknown or none). */
uint64_t video_drain_cpu_ns(const struct video_drain *d);

void video_drain_stop(struct video_drain *d);

/* A non-blocking UDP socket on 127.0.0.1, connected to to when not NULL; or -1 with a message. */
int video_udp_socket(const struct sockaddr_in *to);

#endif /* KSRTP_BENCH_VIDEO_DRAIN_H */
