/* SPDX-License-Identifier: MIT */
/*
 * The kernel engine: a session's streams are security associations (SAs) of
 * ksrtp.ko on one open file of /dev/ksrtp (include/uapi/linux/ksrtp.h). The
 * library maps (SSRC, direction) to SA ids; packets are copied into the
 * file's mmap()ed arena, sealed or opened there by one SEAL/OPEN (ioctl or
 * io_uring URING_CMD) per max_batch packets, and copied back. Descriptor
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

#endif /* KSRTP_ENGINE_KERNEL_H */
