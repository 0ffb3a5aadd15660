/* SPDX-License-Identifier: MIT */
/*
 * ring.h - the I/O layer: encoded frames to sealed RTP on the wire and back,
 * through one io_uring per thread.
 *
 * A ring owns a packet arena (fixed 2048-byte slots, page aligned, so a
 * packet never crosses a page) and moves packets between arena slots and
 * UDP sockets. Three calls do what call servers do:
 *
 *	ksrtp_ring *r = ksrtp_ring_new(NULL, &err);		// defaults
 *	struct ksrtp_dest to = { .fd = udp_fd };			// connected socket
 *
 *	// send: packetize into slots, seal the batch, send the train
 *	ksrtp_outbound *o = ksrtp_outbound_new(r, session, &pz_cfg, &to, &err);
 *	ksrtp_send_frame(o, vp8, vp8_len, pts90k, key);
 *
 *	// receive: recv, open the batch, assemble, complete frames out
 *	ksrtp_ring_listen(r, udp_fd);
 *	ksrtp_inbound *in = ksrtp_inbound_new(r, &in_cfg, &err);
 *	while (running)
 *		ksrtp_inbound_poll(in, 10);	// calls in_cfg.on_frame per frame
 *
 *	// SFU: one opened packet (or a frame's worth) re-sealed for N peers
 *	ksrtp_forward(r, pkts, n, targets, n_targets);
 *
 * Transports (struct ksrtp_ring_config.tx), all behind one interface:
 *
 *   KSRTP_TX_SENDTO     one sendto() per packet
 *   KSRTP_TX_SENDMMSG   one sendmmsg() per train (up to 64 packets)
 *   KSRTP_TX_URING      io_uring IORING_OP_SENDMSG, one SQE per packet, one
 *                       io_uring_enter() per call
 *   KSRTP_TX_URING_GSO  io_uring SENDMSG with UDP_SEGMENT (UDP GSO): a train
 *                       of equal-sized packets (the last may be shorter)
 *                       crosses the network stack once. Where the kernel
 *                       refuses GSO (EIO from a device without checksum
 *                       offload, EINVAL) the train goes again one SENDMSG per
 *                       packet and the ring stops trying GSO; unequal
 *                       packets go one SENDMSG each.
 *   KSRTP_TX_GSO        the same trains, one sendmsg() each, without io_uring
 *                       (a reference for what io_uring itself adds)
 *   KSRTP_TX_DEFAULT    KSRTP_TX_URING_GSO (README, "The io_uring transport",
 *                       has the measurements); KSRTP_TX_SENDMMSG where
 *                       io_uring cannot be set up
 *
 * Receive (struct ksrtp_ring_config.rx): multishot IORING_OP_RECVMSG into a
 * provided-buffer ring whose buffers are arena slots (kernel >= 6.0), or
 * recvmmsg() where that is not available. With KSRTP_RING_GRO the socket
 * gets UDP_GRO: the kernel hands over a train as one datagram (into one of
 * a few 64 KiB buffers of the ring's), which the ring splits at the
 * gso_size of its cmsg, copying each packet into a slot of its own.
 *
 * Sealing is the session's (ksrtp_protect_batch, any engine) before the
 * send; on a kernel-engine session with KSRTP_KERNEL_URING and the
 * io_uring+gso transport, outbound frames and forwards are packetized
 * straight into the module's arena and each GSO send is sealed by a
 * URING_CMD linked (IOSQE_IO_LINK) in front of it, in the same submission:
 * a send whose packets did not all seal is cancelled, never sent.
 *
 * Slots: every packet handed out (ksrtp_arena_get, ksrtp_ring_recv) is an
 * arena slot the caller owns until it gives it back with ksrtp_arena_put or
 * hands it to ksrtp_ring_send, which takes ownership whatever happens: a
 * packet is either sent or counted as a send error, and its slot is back
 * in the arena when the call returns. No call keeps a slot behind the
 * caller's back except the receive buffers (ksrtp_ring_stats.rx_posted),
 * which go with the ring on ksrtp_ring_free.
 *
 * Errors: negative KSRTP_E* codes of ksrtp.h. Socket errors are not fatal:
 * a send that fails (EBADF for a closed socket, ECONNREFUSED, EAGAIN past
 * a bounded wait, ...) counts its packets in tx_errors, keeps the last
 * errno in last_errno, and the call returns how many packets did go out.
 * No call waits longer than its timeout, or than KSRTP_RING_SEND_WAIT_MS
 * for a full socket buffer.
 *
 * Nothing here is thread safe: one ring per thread (each with its own
 * socket, e.g. SO_REUSEPORT), and the outbound and inbound objects of a
 * ring on that thread only.
 */
#ifndef KSRTP_RING_H
#define KSRTP_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "ksrtp/ksrtp.h"
#include "ksrtp/media.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the packet arena ---- */

/* One slot: a packet of up to KSRTP_ARENA_SLOT - KSRTP_MAX_TRAILER bytes, sealed in place. */
#define KSRTP_ARENA_SLOT 2048
#define KSRTP_ARENA_SLOTS_DEFAULT 4096
#define KSRTP_ARENA_SLOTS_MAX 65536	/* a buffer id of io_uring is 16 bits */

typedef struct ksrtp_arena ksrtp_arena;

/*
 * Take n free slots: v[i].data points at a slot, v[i].cap is
 * KSRTP_ARENA_SLOT, len and status are 0. Returns n, or KSRTP_ENOSPACE
 * (fewer than n free; nothing taken) or KSRTP_EINVAL.
 */
KSRTP_API int ksrtp_arena_get(ksrtp_arena *a, struct ksrtp_pkt *v, unsigned int n);

/*
 * Give back the slots of v[0..n) (data may point anywhere inside its slot).
 * A pointer outside the arena, or a slot already free, is ignored and
 * counted (ksrtp_arena_bad_puts): a double free never corrupts the arena.
 */
KSRTP_API void ksrtp_arena_put(ksrtp_arena *a, const struct ksrtp_pkt *v, unsigned int n);

KSRTP_API unsigned int ksrtp_arena_slots(const ksrtp_arena *a);	/* all of them */
KSRTP_API unsigned int ksrtp_arena_avail(const ksrtp_arena *a);	/* free now */
KSRTP_API uint64_t ksrtp_arena_bad_puts(const ksrtp_arena *a);

/* ---- the ring ---- */

enum ksrtp_tx_mode {
	KSRTP_TX_DEFAULT = 0,
	KSRTP_TX_SENDTO,
	KSRTP_TX_SENDMMSG,
	KSRTP_TX_URING,
	KSRTP_TX_URING_GSO,
	KSRTP_TX_GSO,			/* sendmsg() with UDP_SEGMENT, no io_uring */
};

enum ksrtp_rx_mode {
	KSRTP_RX_DEFAULT = 0,		/* multishot when the kernel has it, else recvmmsg */
	KSRTP_RX_RECVMMSG,
	KSRTP_RX_MULTISHOT,		/* KSRTP_EUNSUPPORTED where the kernel lacks it */
};

enum ksrtp_ring_flags {
	KSRTP_RING_GRO = 1u << 0,	/* UDP_GRO on the listening socket */
};

/* Longest wait for room in a socket's send buffer before a packet counts as an error. */
#define KSRTP_RING_SEND_WAIT_MS 100
/* Most packets in one UDP GSO send (the kernel's UDP_MAX_SEGMENTS). */
#define KSRTP_RING_GSO_MAX 64

/* Zero-initialize: 0 is always the default, fields are only added at the end. */
struct ksrtp_ring_config {
	uint8_t tx;			/* enum ksrtp_tx_mode */
	uint8_t rx;			/* enum ksrtp_rx_mode */
	uint16_t flags;			/* enum ksrtp_ring_flags */
	uint32_t arena_slots;		/* 0 = KSRTP_ARENA_SLOTS_DEFAULT; at most ..._MAX */
	uint32_t sq_entries;		/* io_uring submission queue; 0 = 256; power of two */
	/*
	 * Receive slots posted to the kernel at once (multishot), or taken per
	 * recvmmsg(): a power of two, 0 = 256; fewer than arena_slots.
	 */
	uint32_t rx_slots;
};

struct ksrtp_ring_stats {
	uint64_t tx_packets;		/* accepted by the kernel */
	uint64_t tx_bytes;
	uint64_t tx_calls;		/* sendto/sendmmsg/io_uring_enter calls made */
	uint64_t tx_gso_sends;		/* GSO sendmsgs that went out */
	uint64_t tx_gso_fallbacks;	/* trains resent per packet after GSO was refused */
	uint64_t tx_errors;		/* packets that did not go out */
	uint64_t tx_again;		/* EAGAIN seen (then waited for room) */
	uint64_t rx_packets;		/* handed to the caller */
	uint64_t rx_bytes;
	uint64_t rx_gro_splits;		/* coalesced datagrams split into packets */
	uint64_t rx_truncated;		/* datagrams larger than a slot, dropped */
	uint64_t rx_errors;		/* failed receive completions or calls */
	uint64_t rx_nobufs;		/* multishot ended for want of a buffer (re-armed) */
	uint64_t rx_arms;		/* multishot receives armed */
	/* Slots the ring holds for receiving: lent to the kernel, or filled and not yet handed out. */
	uint32_t rx_posted;
	int32_t last_errno;		/* of the last failed send or receive, 0 if none */
};

typedef struct ksrtp_ring ksrtp_ring;

/*
 * A ring and its arena. cfg may be NULL (all defaults). Errors:
 * KSRTP_EINVAL (a field out of range), KSRTP_ENOMEM, KSRTP_EUNSUPPORTED
 * (an io_uring transport or KSRTP_RX_MULTISHOT asked for and the kernel
 * lacks it), KSRTP_EKERNEL (io_uring_setup failed otherwise).
 */
KSRTP_API ksrtp_ring *ksrtp_ring_new(const struct ksrtp_ring_config *cfg, int *err);

/* Free the ring; every slot must be back (the caller's too): the arena goes with it. */
KSRTP_API void ksrtp_ring_free(ksrtp_ring *r);

KSRTP_API ksrtp_arena *ksrtp_ring_arena(ksrtp_ring *r);

/* The transports in use (never *_DEFAULT). */
KSRTP_API enum ksrtp_tx_mode ksrtp_ring_tx_mode(const ksrtp_ring *r);
KSRTP_API enum ksrtp_rx_mode ksrtp_ring_rx_mode(const ksrtp_ring *r);

/* "sendto", "sendmmsg", "io_uring", "io_uring+gso", "recvmmsg", "multishot"; NULL if unknown. */
KSRTP_API const char *ksrtp_tx_mode_name(enum ksrtp_tx_mode m);
KSRTP_API const char *ksrtp_rx_mode_name(enum ksrtp_rx_mode m);

KSRTP_API void ksrtp_ring_stats(const ksrtp_ring *r, struct ksrtp_ring_stats *st);

/* Where packets go: a socket and, for an unconnected one, the address. */
struct ksrtp_dest {
	int fd;
	socklen_t addr_len;		/* 0: fd is connected */
	const struct sockaddr *addr;
};

/* Packets for one destination: a frame's worth, or one forwarded copy per peer. */
struct ksrtp_train {
	const struct ksrtp_dest *dest;
	struct ksrtp_pkt *v;		/* arena slots, sealed */
	unsigned int n;
	unsigned int sent;		/* out: packets the kernel accepted */
};

/*
 * Send trains t[0..nt) (all in one io_uring submission on the io_uring
 * transports). The ring takes every slot: all are back in the arena on
 * return, sent or not (v[i].data is then stale). Returns the packets the
 * kernel accepted (failures counted in the stats, see the top of this
 * file), or KSRTP_EINVAL (a NULL, a packet outside the arena or larger
 * than a slot: nothing is sent, and the slots stay the caller's).
 */
KSRTP_API int ksrtp_ring_send(ksrtp_ring *r, struct ksrtp_train *t, unsigned int nt);

/*
 * Receive on UDP socket fd from now on (one socket per ring, for the
 * ring's life). The ring leaves fd open and never blocks on it. With
 * KSRTP_RING_GRO, UDP_GRO is set on it. Errors: KSRTP_EINVAL (not a
 * datagram socket, or the ring listens already), KSRTP_EKERNEL
 * (setsockopt or arming the receive failed).
 */
KSRTP_API int ksrtp_ring_listen(ksrtp_ring *r, int fd);

/*
 * Up to n received datagrams, as arena slots the caller now owns (v[i].data
 * points inside the slot, v[i].cap is the room left in it). Waits up to
 * timeout_ms (0: no wait, < 0: no limit) for the first. Returns the count
 * (0 on timeout), KSRTP_ENOSPACE when no arena slot is free to receive into
 * (give some back), KSRTP_EINVAL (no ksrtp_ring_listen), or KSRTP_EKERNEL.
 */
KSRTP_API int ksrtp_ring_recv(ksrtp_ring *r, struct ksrtp_pkt *v, unsigned int n,
			      int timeout_ms);

/* ---- outbound: frames in, sealed RTP out ---- */

typedef struct ksrtp_outbound ksrtp_outbound;

/*
 * An outbound stream on ring r: a packetizer (lib/media, configured by
 * pz), session s (which must have an outbound stream for pz->ssrc, and
 * outlive the stream) and destination to (copied). Errors: those of
 * ksrtp_packetizer_init, KSRTP_EINVAL, KSRTP_ENOMEM.
 */
KSRTP_API ksrtp_outbound *ksrtp_outbound_new(ksrtp_ring *r, ksrtp_session *s,
					     const struct ksrtp_packetizer_config *pz,
					     const struct ksrtp_dest *to, int *err);
KSRTP_API void ksrtp_outbound_free(ksrtp_outbound *o);

/*
 * Send one encoded frame: packetize into arena slots, seal them in one
 * ksrtp_protect_batch, send them as one train. Returns the packets sent,
 * or KSRTP_EINVAL (bad frame), KSRTP_ENOSPACE (not enough free slots),
 * or the code of a packet that failed to seal (then nothing is sent, on
 * the linked path nothing of the GSO send it belongs to, so a frame of
 * more than one send may have gone out in part; the stream's sequence
 * numbers have moved on, as after a lost frame).
 */
KSRTP_API int ksrtp_send_frame(ksrtp_outbound *o, const uint8_t *data, size_t len,
			       uint32_t rtp_ts, bool keyframe);

/* The same for a frame with every field of media.h (VP8 partitions, VP9 layers and SS). */
KSRTP_API int ksrtp_send_frame_ex(ksrtp_outbound *o, const struct ksrtp_frame *f);

/* The stream's packetizer: sequence number, timestamp offset, counters. */
KSRTP_API const struct ksrtp_packetizer *ksrtp_outbound_packetizer(const ksrtp_outbound *o);

/* ---- inbound: datagrams in, complete authenticated frames out ---- */

typedef struct ksrtp_inbound ksrtp_inbound;

/* Called for each complete frame; data[0..fi->len) is valid during the call only. */
typedef void (*ksrtp_frame_cb)(void *arg, const struct ksrtp_frame_info *fi,
			       const uint8_t *data);

#define KSRTP_INBOUND_FLUSH_MS_DEFAULT 100

struct ksrtp_inbound_config {
	ksrtp_session *session;		/* with an inbound stream (or any_ssrc template) */
	struct ksrtp_assembler_config assembler;
	/*
	 * A sequence gap not filled this long after the last packet arrived
	 * is given up (ksrtp_assembler_flush), so the frames behind it come
	 * out; 0 = KSRTP_INBOUND_FLUSH_MS_DEFAULT.
	 */
	uint32_t flush_ms;
	ksrtp_frame_cb on_frame;	/* NULL: take frames with ksrtp_inbound_pop */
	void *arg;
};

struct ksrtp_inbound_stats {
	uint64_t packets;		/* datagrams received */
	uint64_t opened;		/* of which authenticated */
	uint64_t auth_failures;		/* KSRTP_EAUTH */
	uint64_t replays;		/* KSRTP_EREPLAY */
	uint64_t other_errors;		/* any other open failure (malformed, no stream) */
	uint64_t flushes;		/* gaps given up on the timer */
	struct ksrtp_assembler_stats assembler;
};

/*
 * The inbound side of ring r (one stream: its socket is the ring's, see
 * ksrtp_ring_listen). Errors: those of ksrtp_assembler_new, KSRTP_EINVAL.
 */
KSRTP_API ksrtp_inbound *ksrtp_inbound_new(ksrtp_ring *r, const struct ksrtp_inbound_config *cfg,
					   int *err);
KSRTP_API void ksrtp_inbound_free(ksrtp_inbound *in);

/*
 * Receive what arrives within timeout_ms (as ksrtp_ring_recv), open it in
 * one ksrtp_unprotect_batch, push what authenticated to the assembler,
 * run the flush timer, and hand every complete frame to on_frame after
 * each batch; then the same for what else is there already (up to 16
 * batches). Returns the frames delivered, or a ksrtp_ring_recv error.
 * Without on_frame it takes one batch and returns 0: drain the frames
 * with ksrtp_inbound_pop before polling again, so that none falls out of
 * the assembler's window.
 */
KSRTP_API int ksrtp_inbound_poll(ksrtp_inbound *in, int timeout_ms);

/* Without on_frame: the next complete frame, as ksrtp_assembler_pop. */
KSRTP_API int ksrtp_inbound_pop(ksrtp_inbound *in, struct ksrtp_frame_info *fi, uint8_t *buf,
				size_t cap);

KSRTP_API void ksrtp_inbound_stats(const ksrtp_inbound *in, struct ksrtp_inbound_stats *st);

/* ---- SFU forwarding ---- */

/* One peer a forwarded packet goes to: its session (outbound stream for the SSRC) and address. */
struct ksrtp_forward_target {
	ksrtp_session *session;
	struct ksrtp_dest dest;
};

/*
 * Forward the opened (plain RTP) packets in[0..n) to each of t[0..nt):
 * copy them into n * nt arena slots, seal each peer's copies in one
 * ksrtp_protect_batch on its session, and send all nt trains in one
 * ksrtp_ring_send (on the linked path, see the top of this file, a peer's
 * copies go into its module's arena instead, sealed on the way out).
 * in[] is only read. Returns the packets sent, or KSRTP_EINVAL,
 * KSRTP_ENOSPACE (the ring slots the copies need are not free; nothing
 * sent). A copy that fails to seal is not sent and counts in tx_errors.
 */
KSRTP_API int ksrtp_forward(ksrtp_ring *r, const struct ksrtp_pkt *in, unsigned int n,
			    const struct ksrtp_forward_target *t, unsigned int nt);

#ifdef __cplusplus
}
#endif

#endif /* KSRTP_RING_H */
