/* SPDX-License-Identifier: MIT */
/*
 * The kernel engine: a session's streams are security associations (SAs) of
 * ksrtp.ko on one open file of /dev/ksrtp (include/uapi/linux/ksrtp.h). The
 * library maps (SSRC, direction) to SA ids; packets are copied into the
 * file's mmap()ed arena, sealed or opened there by one SEAL/OPEN (ioctl or
 * io_uring URING_CMD) per max_batch packets, and copied back (lib/ring's
 * linked path, at the end, copies nothing). Descriptor
 * statuses are libksrtp's KSRTP_E* numbers, so they map 1:1.
 *
 * An AUTO session also has a user-engine session inside (made on first
 * need) for the streams the module cannot carry; the kernel engine sends
 * their packets there. Packets are routed by SSRC: a stream of the kernel
 * first, then whatever the inner session has (its streams, its any_ssrc
 * template), so a specific stream always wins over a template, as in the
 * user engine.
 */
#ifndef KSRTP_ENGINE_KERNEL_H
#define KSRTP_ENGINE_KERNEL_H

#include "internal.h"

struct ksrtp_kernel;

/* What a call does to its packets. */
enum ksrtp_kernel_op {
	KSRTP_KOP_PROTECT,
	KSRTP_KOP_UNPROTECT,
	KSRTP_KOP_PROTECT_RTCP,
	KSRTP_KOP_UNPROTECT_RTCP,
};

/*
 * Open /dev/ksrtp, check INFO's ABI version and limits, map the arena, set
 * up the transport (and probe it with an empty batch). fallback: streams
 * the module cannot carry go to an inner user-engine session (AUTO). NULL
 * on failure, *err = KSRTP_EKERNEL (no usable device), KSRTP_EINVAL
 * (transport outside the enum) or KSRTP_ENOMEM.
 */
struct ksrtp_kernel *ksrtp_kernel_open(enum ksrtp_kernel_transport transport, bool fallback,
				       int *err);

/* Close the device (the module destroys the SAs and wipes their keys). */
void ksrtp_kernel_close(struct ksrtp_kernel *k);

/*
 * Add a stream: keys NULL to hand the policy's master key to the module
 * (it derives the session keys), else session keys (KSRTP_SA_SESSION_KEYS).
 * rtcp_last_index: outbound, the SRTCP index last sent (0: the next is 1).
 * The policy has passed ksrtp_policy_check().
 */
int ksrtp_kernel_add_stream(struct ksrtp_kernel *k, const struct ksrtp_policy *p,
			    const struct ksrtp_session_keys *keys, uint32_t rtcp_last_index);
int ksrtp_kernel_remove_stream(struct ksrtp_kernel *k, uint32_t ssrc, enum ksrtp_direction dir);
int ksrtp_kernel_stream_stats(struct ksrtp_kernel *k, uint32_t ssrc, enum ksrtp_direction dir,
			      struct ksrtp_stats *out);
/* The session's telemetry: the library's own counts, the inner session's added. */
int ksrtp_kernel_session_stats(const struct ksrtp_kernel *k, struct ksrtp_session_stats *out);
/* KSRTP_ENGINE_KERNEL, KSRTP_ENGINE_USER, or KSRTP_ENOSTREAM. */
int ksrtp_kernel_stream_engine(const struct ksrtp_kernel *k, uint32_t ssrc,
			       enum ksrtp_direction dir);

/* ksrtp_protect() and friends: one packet, 0 or a KSRTP_E* code. */
int ksrtp_kernel_one(struct ksrtp_kernel *k, enum ksrtp_kernel_op op, uint8_t *pkt, size_t *len,
		     size_t cap);

/* ksrtp_protect_batch() and ksrtp_unprotect_batch(): how many succeeded. */
int ksrtp_kernel_batch(struct ksrtp_kernel *k, enum ksrtp_kernel_op op, struct ksrtp_pkt *v,
		       unsigned int n);

/*
 * The linked path (lib/ring/send.c): with the URING_CMD transport, and a
 * module that takes KSRTP_BATCH_ALL_OR_NOTHING, the engine lends lib/ring
 * slots of the module's arena past its own ("link slots"). A frame is
 * packetized straight into them (nothing is copied), and one io_uring
 * submission on the ring carries the SEAL of a run of them, linked
 * (IOSQE_IO_LINK) to the sendmsg of the same slots: a SEAL with a failed
 * descriptor fails whole (-EBADMSG) and io_uring cancels the send, so a
 * packet left in plaintext never goes out. Link slots are handed out in
 * order and are all free again once none is held. Descriptor idx is the
 * idx-th of the link descriptors, which stay put until the SEAL completes.
 */
struct io_uring_sqe;

/* Can ssrc's outbound stream take the linked path (a kernel SA without padding state)? */
bool ksrtp_kernel_link_ok(const struct ksrtp_kernel *k, uint32_t ssrc);

/*
 * n link slots in v[0..n) (data, cap = KSRTP_SLOT_SIZE, len 0), with
 * descriptors idx..idx+n for them: idx, or KSRTP_ENOSPACE.
 */
int ksrtp_kernel_link_take(struct ksrtp_kernel *k, struct ksrtp_pkt *v, unsigned int n);

/* n link slots back (sent, failed or never used). */
void ksrtp_kernel_link_put(struct ksrtp_kernel *k, unsigned int n);

/*
 * Descriptor idx: SEAL the plain RTP packet p, in a link slot. Returns the
 * length it will have sealed (what the send carries), or p's status
 * (KSRTP_EINVAL, KSRTP_ENOSPACE, KSRTP_EMALFORMED, KSRTP_ENOSTREAM).
 */
int ksrtp_kernel_link_desc(struct ksrtp_kernel *k, uint32_t idx, const struct ksrtp_pkt *p);

/* sqe: the URING_CMD SEAL (all or nothing) of descriptors idx..idx+n. */
void ksrtp_kernel_link_prep(struct ksrtp_kernel *k, struct io_uring_sqe *sqe, uint32_t idx,
			    uint32_t n);

/* The same SEAL by ioctl, now: n, -EBADMSG (statuses written) or another -errno. */
int ksrtp_kernel_link_seal_now(struct ksrtp_kernel *k, uint32_t idx, uint32_t n);

/*
 * After a SEAL that ran (n, or -EBADMSG): descriptor idx's outcome, 0 or a
 * KSRTP_E* code (KSRTP_EKERNEL when its sealed length is not sealed_len).
 */
int ksrtp_kernel_link_status(const struct ksrtp_kernel *k, uint32_t idx, uint32_t sealed_len);

#endif /* KSRTP_ENGINE_KERNEL_H */
