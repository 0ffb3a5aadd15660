/* SPDX-License-Identifier: GPL-2.0 */
/* SEAL and OPEN over a batch of descriptors, shared by ioctl, URING_CMD, self-test. */
#ifndef _KSRTP_BATCH_H
#define _KSRTP_BATCH_H

#include <linux/types.h>
#include <linux/ksrtp.h>

#include "crypto.h"
#include "device.h"

struct io_uring_cmd;
struct ksrtp_job;
struct mm_struct;

/*
 * Everything one batch needs between its submission and its finish, made
 * once and reused: nothing is allocated per packet. A file has one for
 * ioctl batches and a bounded pool for io_uring batches.
 */
struct ksrtp_batch_ctx {
	struct ksrtp_file *f;
	struct ksrtp_desc *descs;	/* max_batch: the kernel's copy */
	struct ksrtp_job *jobs;		/* max_batch */
	struct ksrtp_crypt **crypt;	/* max_batch, made on first use */
	u32 max_batch;
	/* The batch running now. */
	struct ksrtp_desc *d;		/* descs, or the self-test's own */
	u32 count;
	bool seal;
	bool rtcp;
	bool all_or_nothing;		/* KSRTP_BATCH_ALL_OR_NOTHING */
	struct ksrtp_wait wait;
	/* io_uring batches only. */
	struct io_uring_cmd *ioucmd;
	void __user *udescs;
	struct mm_struct *mm;		/* whose descs udescs points to */
	u32 pool_idx;
};

struct ksrtp_batch_ctx *ksrtp_batch_ctx_new(struct ksrtp_file *f);
void ksrtp_batch_ctx_free(struct ksrtp_batch_ctx *ctx);

/*
 * Check flags and count, then prepare every descriptor of
 * ctx->d[0..count) and submit its AEAD request; f->lock held. -errno when
 * the batch cannot run at all (nothing submitted); else 0 and the caller
 * either waits (ksrtp_wait_all(&ctx->wait)) or arms (ksrtp_wait_arm()),
 * then calls ksrtp_batch_finish() once every request has completed.
 * wait.done must be set (ksrtp_wait_init) before.
 */
int ksrtp_batch_submit(struct ksrtp_batch_ctx *ctx, u32 count, u32 flags, bool seal);

/*
 * After every request has completed: commit, restore failed OPENs, set
 * each descriptor's len and status, release SAs and slots. Needs no
 * f->lock (per-SA locks only); may sleep. Returns how many succeeded, or
 * -EBADMSG when not all did under KSRTP_BATCH_ALL_OR_NOTHING.
 */
int ksrtp_batch_finish(struct ksrtp_batch_ctx *ctx);

/*
 * Run count descriptors (kernel memory, at most f->max_batch) with f->lock
 * held, submitting all and waiting once. Every descriptor gets a status;
 * returns how many succeeded, or -errno when the batch itself cannot run.
 */
int ksrtp_batch_run(struct ksrtp_file *f, struct ksrtp_desc *d, u32 count, u32 flags,
		    bool seal);

/*
 * The ioctl entry: validate *b (already copied into the kernel), copy the
 * descriptors in, run, copy them back. Synchronous.
 */
long ksrtp_batch_user(struct ksrtp_file *f, const struct ksrtp_batch *b, bool seal);

#endif /* _KSRTP_BATCH_H */
