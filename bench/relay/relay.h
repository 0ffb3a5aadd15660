/* SPDX-License-Identifier: MIT */
/*
 * ksrtp-relay: the media plane of an SFU, as small as it can be.
 *
 * Senders send SRTP to the relay's UDP port. Each packet is opened with its
 * sender stream's keys (ksrtp_unprotect_batch) and forwarded to every
 * receiver configured for that stream, sealed again with that receiver's
 * own keys (ksrtp_protect_batch), one session per receiver as an SFU keeps
 * one SRTP context per peer connection. SRTCP from a sender (RFC 5761
 * demultiplexing) goes the same way, keyed by the SSRC of its first packet
 * (ksrtp_unprotect_rtcp, then ksrtp_protect_rtcp per receiver).
 *
 *   main.c     arguments, signals, starting and stopping the workers
 *   config.c   the config file: parser and validation
 *   worker.c   one thread per core: its socket, its sessions, reloads
 *   forward.c  the packet path: open, fan out, seal, send
 *   io.c       the transport: a UDP socket (SO_REUSEPORT) and the
 *              library's io_uring ring (include/ksrtp/ring.h)
 *   stats.c    the counters dump (SIGUSR1, exit)
 */
#ifndef KSRTP_RELAY_H
#define KSRTP_RELAY_H

#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ksrtp/ksrtp.h"

#define RELAY_KEY_MAX 32
#define RELAY_SALT_MAX 14
#define RELAY_MAX_STREAMS 4096
#define RELAY_MAX_RECEIVERS 1024
#define RELAY_SLOT 2048		/* bytes per packet buffer, as the library's arena */
#define RELAY_BATCH 64		/* packets per receive and per unprotect_batch */

/* ---- config.c ---- */

/*
 * A UDP address, IPv4 or IPv6 (sa.sa_family says which). One family per
 * relay: the listen address's; receivers must be of it (a config error
 * otherwise), so no socket is dual-stack and no address is v4-mapped.
 */
union relay_addr {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
};

/* "a.b.c.d:port" or "[v6]:port": room for either. */
#define RELAY_ADDR_STRLEN (INET6_ADDRSTRLEN + 8)

struct relay_keys {
	enum ksrtp_profile profile;
	uint8_t key[RELAY_KEY_MAX];
	uint8_t salt[RELAY_SALT_MAX];
	uint8_t key_len;
	uint8_t salt_len;
	uint32_t replay_window;	/* 0: the library's default */
};

/* A sender's stream: what the relay opens. */
struct relay_stream {
	uint32_t ssrc;
	struct relay_keys keys;
	unsigned int config_line;
};

/* A peer the relay forwards to, with keys of its own. */
struct relay_receiver {
	union relay_addr addr;
	struct relay_keys keys;
	bool all_streams;		/* streams=all */
	uint32_t *ssrcs;		/* else these (sorted) */
	unsigned int nssrcs;
	unsigned int config_line;
};

/*
 * A parsed, validated config. Immutable once published to the workers;
 * freed (keys wiped) only after every worker has moved to its successor.
 */
struct relay_config {
	union relay_addr listen;
	struct relay_stream *streams;	/* sorted by SSRC */
	unsigned int nstreams;
	struct relay_receiver *receivers;
	unsigned int nreceivers;
	/*
	 * Forwarding table: receivers of streams[i] are
	 * fanout[fanout_start[i] .. fanout_start[i + 1]), receiver indices.
	 */
	unsigned int *fanout_start;
	unsigned int *fanout;
};

/*
 * Parse and validate path. NULL on any error, with "path:line: what" written
 * to err (never a key or salt value).
 */
struct relay_config *relay_config_load(const char *path, char *err, size_t errlen);
void relay_config_free(struct relay_config *c);

/* Index of ssrc in c->streams, or -1. */
int relay_config_stream(const struct relay_config *c, uint32_t ssrc);
bool relay_keys_equal(const struct relay_keys *a, const struct relay_keys *b);
bool relay_receiver_wants(const struct relay_receiver *r, uint32_t ssrc);
const char *relay_profile_name(enum ksrtp_profile p);
/* "a.b.c.d:port" or "[v6]:port" into buf (RELAY_ADDR_STRLEN bytes). */
const char *relay_addr_str(const union relay_addr *a, char *buf, size_t len);
/* The length of a's sockaddr, for bind() and sendmsg(). */
socklen_t relay_addr_len(const union relay_addr *a);
unsigned int relay_addr_port(const union relay_addr *a);
void relay_addr_set_port(union relay_addr *a, unsigned int port);

/* ---- io.c ---- */

struct relay_io;

/*
 * Socket id of the `workers` that share addr (port 0: a free one) with
 * SO_REUSEPORT, bound; opened in order of id. Socket 0 fails when anybody
 * else has the port (a second relay would silently take part of the
 * traffic); once the last is bound, the kernel steers each packet to a
 * socket by its SSRC.
 */
struct relay_io *relay_io_open(const union relay_addr *addr, unsigned int id,
			       unsigned int workers, char *err, size_t errlen);
/*
 * Its ring, receiving: called by the thread that uses it, because io_uring
 * runs a receive's completion work in the thread that armed it (a ring
 * armed by the main thread would wake the main thread for every batch).
 * 0, or a KSRTP_E* code with the reason in err.
 */
int relay_io_start(struct relay_io *io, char *err, size_t errlen);
void relay_io_close(struct relay_io *io);
/* The bound address (the port picked when asked for port 0). */
void relay_io_local(const struct relay_io *io, union relay_addr *out);
/* The transports in use, "io_uring+gso/multishot" and the like. */
const char *relay_io_name(const struct relay_io *io, char *buf, size_t len);

/*
 * Up to n received packets, waiting at most timeout_ms for the first; the
 * count (0 on timeout). v[i].data is a buffer of the transport's, the
 * caller's until relay_io_release().
 */
int relay_io_recv(struct relay_io *io, struct ksrtp_pkt *v, unsigned int n, int timeout_ms);
void relay_io_release(struct relay_io *io, const struct ksrtp_pkt *v, unsigned int n);
/* n empty buffers (RELAY_SLOT bytes) to build packets in: 0, or -1 if there are not n. */
int relay_io_get(struct relay_io *io, struct ksrtp_pkt *v, unsigned int n);

/* Sealed packets for one receiver. */
struct relay_train {
	const union relay_addr *to;
	struct ksrtp_pkt *v;
	unsigned int n;
};

/* Send the trains; their buffers go back to the transport. The packets not sent. */
unsigned int relay_io_send(struct relay_io *io, const struct relay_train *t, unsigned int nt);
/* Packets the kernel dropped on this socket for a full receive buffer, so far. */
uint64_t relay_io_overflow(const struct relay_io *io);

/* ---- worker.c, forward.c ---- */

/* What one worker counts itself (the library counts per stream). */
struct relay_counters {
	uint64_t received;
	uint64_t forwarded;	/* packets sealed and sent, all receivers */
	uint64_t rtcp;		/* of received: RTCP (forwarded as SRTCP, like RTP) */
	uint64_t seal_errors;
	uint64_t send_errors;
	uint64_t rx_overflow;	/* dropped by the kernel: receive buffer full */
};

#define RELAY_TX_SLOTS RELAY_MAX_RECEIVERS	/* sealed copies in flight per worker */

/* One worker's packet path: its transport, its sessions, its scratch. */
struct relay_forward {
	struct relay_io *io;
	const struct relay_config *cfg;	/* the one the sessions below match */
	ksrtp_session *in;		/* every stream, inbound */
	ksrtp_session **out;		/* [cfg->nreceivers]: outbound, receiver's keys */
	struct relay_counters counters;
	struct ksrtp_pkt rx[RELAY_BATCH];
	struct ksrtp_pkt rtcp[RELAY_BATCH];	/* a batch's RTCP, set aside in order */
	struct ksrtp_pkt tx[RELAY_TX_SLOTS];
	/* Per receiver, for one chunk: its copies' count and first tx slot. */
	unsigned int *count, *first;
	struct relay_train *trains;	/* [cfg->nreceivers] */
};

/*
 * Receive one batch (waiting up to timeout_ms for it), open, fan out, seal,
 * send. The number of packets received.
 */
int relay_forward_batch(struct relay_forward *f, int timeout_ms);

/* A stream's or a receiver's figures in a snapshot, and the engine carrying it. */
struct relay_figures {
	struct ksrtp_stats stats;
	int engine;	/* KSRTP_ENGINE_USER or KSRTP_ENGINE_KERNEL; negative: not set up */
};

/* The per-stream and per-receiver figures of one worker, for stats.c. */
struct relay_snapshot {
	struct relay_counters counters;
	struct ksrtp_session_stats inbound;	/* what the inbound session refused, why */
	struct relay_figures *streams;	/* [nstreams]: config's streams, inbound */
	struct relay_figures *receivers; /* [nreceivers]: sums of their outbound streams */
	unsigned int nstreams;		/* the config's, or 0 when out of memory */
	unsigned int nreceivers;
};

struct relay_worker;

/*
 * A worker with its socket bound to listen (SO_REUSEPORT), running cfg, its
 * sessions made from session (engine and kernel transport).
 */
struct relay_worker *relay_worker_start(unsigned int id, unsigned int workers,
					const struct relay_config *cfg,
					const union relay_addr *listen,
					const struct ksrtp_config *session, char *err,
					size_t errlen);
/* The port it is bound to (after relay_worker_start). */
unsigned int relay_worker_port(const struct relay_worker *w);
/*
 * Moving to a new config takes two steps. relay_worker_prepare() allocates
 * what the worker needs for cfg (0, or KSRTP_ENOMEM and nothing changes);
 * relay_worker_unprepare() drops that again, when another worker could not
 * prepare. relay_worker_request() then asks the worker to move to cfg (a
 * prepared one; or the one it runs, for no move) and/or take a snapshot; it
 * does so between two batches. relay_worker_wait() returns once it has: 0,
 * or a negative KSRTP_E* when a stream or receiver of cfg could not be set
 * up; the worker runs cfg without it.
 */
int relay_worker_prepare(struct relay_worker *w, const struct relay_config *cfg);
void relay_worker_unprepare(struct relay_worker *w);
void relay_worker_request(struct relay_worker *w, const struct relay_config *cfg,
			  bool snapshot);
int relay_worker_wait(struct relay_worker *w);
/* The config line of what the last request's error (relay_worker_wait) hit; 0: none. */
unsigned int relay_worker_failed_line(const struct relay_worker *w);
const struct relay_snapshot *relay_worker_snapshot(const struct relay_worker *w);
enum ksrtp_engine relay_worker_engine(const struct relay_worker *w);
const char *relay_worker_io(const struct relay_worker *w, char *buf, size_t len);
/*
 * Ask it to stop: it finishes the packets in hand and those queued on its
 * socket, takes a last snapshot and exits. relay_worker_free() joins it.
 */
void relay_worker_stop(struct relay_worker *w);
void relay_worker_join(struct relay_worker *w);
void relay_worker_free(struct relay_worker *w);

/* ---- stats.c ---- */

/* sum += s, counter by counter. */
void relay_stats_add(struct ksrtp_stats *sum, const struct ksrtp_stats *s);

void relay_stats_print(FILE *f, const struct relay_config *cfg,
		       struct relay_worker *const *workers, unsigned int nworkers,
		       unsigned long reloads);
/* The same into path, replaced atomically (a reader never sees half). */
int relay_stats_write(const char *path, const struct relay_config *cfg,
		      struct relay_worker *const *workers, unsigned int nworkers,
		      unsigned long reloads);

#endif /* KSRTP_RELAY_H */
