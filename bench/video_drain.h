/* SPDX-License-Identifier: MIT */
/*
 * ksrtp-bench video and fanout: loopback UDP receivers drained by a thread
 * of their own, so that a sender is measured against a receiver that keeps
 * up, as on a real network, and never against a full socket buffer.
 */
#ifndef KSRTP_BENCH_VIDEO_DRAIN_H
#define KSRTP_BENCH_VIDEO_DRAIN_H

#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

struct video_drain {
	unsigned int n;
	int *fds;			/* bound to 127.0.0.1, non-blocking */
	struct sockaddr_in *addrs;	/* where each listens */
	bool gro;			/* UDP_GRO: trains arrive whole, counted by segment */
	bool spin;			/* poll the sockets without sleeping: no wakeups */
	pthread_t thread;
	bool running;
	atomic_bool stop;
	atomic_uint_fast64_t packets;	/* datagrams (GRO: segments) received */
};

/*
 * n receivers (with UDP_GRO when gro) and the thread draining them (spin:
 * without ever sleeping); 0 or -1 with a message.
 */
int video_drain_start(struct video_drain *d, unsigned int n, bool gro, bool spin);
void video_drain_stop(struct video_drain *d);

/* A non-blocking UDP socket on 127.0.0.1, connected to to when not NULL; or -1 with a message. */
int video_udp_socket(const struct sockaddr_in *to);

#endif /* KSRTP_BENCH_VIDEO_DRAIN_H */
