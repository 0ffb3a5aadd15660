/* SPDX-License-Identifier: GPL-2.0 */
/* SEAL and OPEN over a batch of descriptors, shared by ioctl, URING_CMD, self-test. */
#ifndef _KSRTP_BATCH_H
#define _KSRTP_BATCH_H

#include <linux/types.h>
#include <linux/ksrtp.h>

#include "device.h"

/*
 * Run count descriptors (kernel memory, at most f->max_batch) with f->lock
 * held. Every descriptor gets a status; returns how many succeeded, or
 * -errno when the batch itself cannot run.
 */
int ksrtp_batch_run(struct ksrtp_file *f, struct ksrtp_desc *d, u32 count, u32 flags,
		    bool seal);

/*
 * The user-facing entry: validate *b (already copied into the kernel),
 * copy the descriptors in, run, copy them back. nonblock: do not sleep
 * waiting for the file lock (-EAGAIN instead).
 */
long ksrtp_batch_user(struct ksrtp_file *f, const struct ksrtp_batch *b, bool seal,
		      bool nonblock);

void ksrtp_batch_ctx_free(struct ksrtp_batch_ctx *ctx);

#endif /* _KSRTP_BATCH_H */
