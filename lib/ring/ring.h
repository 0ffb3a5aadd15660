/* SPDX-License-Identifier: MIT */
/*
 * lib/ring internals: the arena (arena.c), the ring with its send
 * transports (send.c) and receive paths (recv.c), and what the outbound,
 * inbound and forward objects (stream.c) share.
 *
 * Completions of sends and receives come out of one CQ. A send call waits
 * for all of its own completions before it returns (so its slots are back
 * and nothing it built on its stack is referenced any more); receive
 * completions met on the way are queued in r->pending for ksrtp_ring_recv.
 * user_data tells them apart: a send op's address (8-byte aligned), a
 * seal op's address + UD_SEAL, or UD_RECV.
 */
#ifndef KSRTP_RING_INTERNAL_H
#define KSRTP_RING_INTERNAL_H

#include <liburing.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/uio.h>

#include "internal.h"
#include "ksrtp/ring.h"

#define UD_RECV 1u
#define UD_SEAL 2u

/* Slot states, so that a double put or a stray pointer is caught, not trusted. */
enum slot_state {
	SLOT_FREE = 0,
	SLOT_TAKEN,		/* the caller's, or a send in flight */
	SLOT_POSTED,		/* a receive buffer lent to the kernel */
};

struct ksrtp_arena {
	uint8_t *base;		/* nslots * KSRTP_ARENA_SLOT bytes, page aligned */
	uint32_t nslots;
	uint32_t nfree;
	uint32_t *free;		/* stack of free slot indices */
	uint8_t *state;		/* enum slot_state per slot */
	uint64_t bad_puts;
};

int ksrtp_arena_init(struct ksrtp_arena *a, uint32_t nslots);
void ksrtp_arena_destroy(struct ksrtp_arena *a);

/* The slot data points into, or -1 when it is outside the arena. */
static inline long arena_slot_of(const struct ksrtp_arena *a, const uint8_t *data)
{
	uintptr_t off = (uintptr_t)data - (uintptr_t)a->base;

	if (!data || (uintptr_t)data < (uintptr_t)a->base ||
	    off >= (uintptr_t)a->nslots * KSRTP_ARENA_SLOT)
		return -1;
	return (long)(off / KSRTP_ARENA_SLOT);
}

static inline uint8_t *arena_slot(const struct ksrtp_arena *a, uint32_t i)
{
	return a->base + (size_t)i * KSRTP_ARENA_SLOT;
}

/* One free slot (now SLOT_TAKEN), or -1. */
static inline long arena_take(struct ksrtp_arena *a)
{
	uint32_t i;

	if (!a->nfree)
		return -1;
	i = a->free[--a->nfree];
	a->state[i] = SLOT_TAKEN;
	return i;
}

/* Slot i back to the free list; false (and counted) when it is free already. */
static inline bool arena_give(struct ksrtp_arena *a, uint32_t i)
{
	if (a->state[i] == SLOT_FREE) {
		a->bad_puts++;
		return false;
	}
	a->state[i] = SLOT_FREE;
	a->free[a->nfree++] = i;
	return true;
}

/*
 * One sendmsg in flight on the io_uring transports: a GSO train (gso_size
 * set) or a single packet. Lives in r->ops until its completion is reaped.
 */
struct send_op {
	struct msghdr msg;
	struct iovec iov[KSRTP_RING_GSO_MAX];
	/* UDP_SEGMENT; aligned for CMSG_FIRSTHDR and its size_t cmsg_len. */
	char cmsg[CMSG_SPACE(sizeof(uint16_t))] __attribute__((aligned(__alignof__(struct cmsghdr))));
	struct ksrtp_train *train;
	uint32_t first, count;	/* the train's packets this op carries */
	uint32_t bytes;
	uint16_t gso_size;	/* 0: not GSO */
	struct seal_op *seal;	/* the linked SEAL it waits for, or NULL */
	int res;		/* with a seal: its completion, kept until the seal's is in */
};

/*
 * The kernel engine's URING_CMD SEAL of a send op's packets, linked
 * (IOSQE_IO_LINK) in front of it (send.c). Lives in r->seals.
 */
struct seal_op {
	struct ksrtp_kernel *k;
	uint32_t idx;		/* the op's packets are k's link descriptors idx.. */
	struct send_op *send;
	int res;
};

/* A train in link slots of kernel engine k, to be sealed on the way out (engine_kernel.h). */
struct ring_link {
	struct ksrtp_kernel *k;		/* NULL: an ordinary train, sealed already */
	uint32_t idx;			/* packet i is k's link descriptor idx + i */
};

/*
 * A receive completion not yet handed out: a slot holding one datagram, or
 * (GRO) a big buffer holding a coalesced train, consumed seg by seg.
 */
struct rx_pending {
	uint32_t buf;		/* slot index, or big buffer index with GRO */
	uint32_t off;		/* where the next datagram starts in it */
	uint32_t len;		/* bytes left from off */
	uint16_t seg;		/* GRO segment size; 0: one datagram */
};

#define RX_GRO_BUFS 32			/* big buffers, GRO only */
#define RX_GRO_BUF_BYTES 65536		/* the largest coalesced UDP payload fits */
#define RX_GRO_CMSG CMSG_SPACE(sizeof(int))

struct ksrtp_ring {
	struct ksrtp_arena arena;
	struct io_uring uring;
	bool uring_ok;		/* set up (and to be torn down) */
	bool uring_broken;	/* io_uring_enter failed for good: never entered again */
	enum ksrtp_tx_mode tx;
	enum ksrtp_rx_mode rx;
	uint16_t flags;
	bool gso_refused;	/* the kernel said no to UDP_SEGMENT once: per packet since */

	/* send */
	struct send_op *ops;
	uint32_t nops;		/* ops in flight (<= sq_entries) */
	struct seal_op *seals;	/* sq_entries */
	uint32_t nseals;	/* seal ops in flight (<= nops) */
	uint32_t sq_entries;
	struct mmsghdr *mmsg;	/* sendmmsg/recvmmsg scratch, KSRTP_RING_GSO_MAX entries */
	struct iovec *mmsg_iov;

	/* receive */
	int rx_fd;
	uint32_t rx_slots;	/* buffers posted at once / taken per recvmmsg */
	struct io_uring_buf_ring *br;
	size_t br_bytes;
	uint32_t br_entries;
	bool rx_armed;
	struct msghdr rx_msg;	/* multishot: name and control lengths only */
	bool rx_failed;		/* a receive completion failed: say so once */
	uint8_t *gro;		/* RX_GRO_BUFS big buffers (GRO) */
	uint8_t gro_state[RX_GRO_BUFS];
	/* recvmmsg GRO: a cmsg per message (RX_GRO_CMSG keeps each aligned). */
	char gro_cmsg[RX_GRO_BUFS][RX_GRO_CMSG] __attribute__((aligned(__alignof__(struct cmsghdr))));
	struct rx_pending *pending;	/* ring of completions not yet handed out */
	uint32_t pending_cap, pending_head, pending_n;

	/* forward scratch */
	struct ksrtp_pkt *fwd_v;
	struct ksrtp_train *fwd_t;
	struct ring_link *fwd_link;
	size_t fwd_v_cap, fwd_t_cap, fwd_link_cap;

	struct ksrtp_ring_stats st;
};

/* recv.c: queue a receive completion met while reaping sends. */
void ksrtp_ring_rx_cqe(struct ksrtp_ring *r, const struct io_uring_cqe *cqe);
int ksrtp_ring_rx_init(struct ksrtp_ring *r);
void ksrtp_ring_rx_destroy(struct ksrtp_ring *r);

/*
 * send.c: the kernel engine of session s when its outbound stream ssrc can
 * take the linked path on r (io_uring + GSO, engine_kernel.h), else NULL.
 */
struct ksrtp_kernel *ksrtp_ring_link_engine(const struct ksrtp_ring *r, ksrtp_session *s,
					    uint32_t ssrc);

/*
 * ksrtp_ring_send of trains already checked, link[k] saying how train k is
 * sealed (link NULL: all sealed already; link trains only where
 * ksrtp_ring_link_engine() said so, in the same call). The link slots stay the
 * caller's to put back once this returns; a packet that failed to seal
 * has its status in its train.
 */
int ksrtp_ring_send_linked(struct ksrtp_ring *r, struct ksrtp_train *t,
			   const struct ring_link *link, unsigned int nt);

/* Grow *v (of *cap elements of size sz) to hold n; 0 or KSRTP_ENOMEM. */
int ksrtp_ring_reserve(void **v, size_t *cap, size_t n, size_t sz);

#endif /* KSRTP_RING_INTERNAL_H */
