// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_URING_CMD: cmd_op is KSRTP_IOC_SEAL or KSRTP_IOC_OPEN, the
 * payload a struct ksrtp_batch (16 bytes: fits a normal SQE at addr3).
 *
 * Asynchronous, so that a batch never holds an io_uring issuer (or an
 * io-wq worker) while a crypto engine works: ->uring_cmd validates the
 * command, copies the descriptors in (each field read once), submits every
 * AEAD request of the batch and returns -EIOCBQUEUED. Whoever completes
 * the last request (a crypto callback, possibly in softirq) queues the
 * finish to the submitter's task with io_uring_cmd_complete_in_task(): it
 * needs process context and the submitter's mm for copy_to_user(). The
 * finish commits, restores failed OPENs, writes lengths and statuses back
 * and completes the command with io_uring_cmd_done(). When the driver has
 * completed every request synchronously (AES-NI in process context, the
 * usual case), the submitter's own count is the last: it finishes at once
 * and returns the result, sparing a task-work round trip.
 *
 * Under KSRTP_BATCH_ALL_OR_NOTHING a batch with a failed descriptor ends
 * in -EBADMSG, which fails the request: io_uring cancels the one linked
 * after it (IOSQE_IO_LINK), the send of the slots the batch sealed. Such a
 * batch always finishes in task work: up to at least 6.1, io_uring_cmd()
 * passes a positive result of ->uring_cmd on as the issue's return value,
 * which io_uring takes for a failure of the request, cancelling the link
 * of a batch that sealed whole; io_uring_cmd_done() fails only on < 0.
 *
 * Each batch in flight owns one of the file's batch contexts (at most
 * max_inflight, made on first use) and holds a reference on the file, and
 * one on each SA it uses, so close(), munmap() and SA_DEL are safe while
 * it runs. No context free: -EAGAIN (io_uring then issues the command once
 * more from its worker; if that finds none either, the CQE says -EAGAIN).
 */
#include <linux/bitops.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/ksrtp.h>

#include "batch.h"
#include "compat.h"
#include "uring.h"

/* Take a free batch context of f; f->lock held. */
static struct ksrtp_batch_ctx *pool_get(struct ksrtp_file *f)
{
	u32 n = f->max_inflight, i;

	lockdep_assert_held(&f->lock);
	for (i = find_first_zero_bit(f->pool_busy, n); i < n;
	     i = find_next_zero_bit(f->pool_busy, n, i + 1)) {
		/* Finishers clear bits without the lock: take it atomically. */
		if (test_and_set_bit_lock(i, f->pool_busy))
			continue;
		if (!f->pool[i]) {
			f->pool[i] = ksrtp_batch_ctx_new(f);
			if (!f->pool[i]) {
				clear_bit_unlock(i, f->pool_busy);
				return ERR_PTR(-ENOMEM);
			}
			f->pool[i]->pool_idx = i;
		}
		return f->pool[i];
	}
	return ERR_PTR(-EAGAIN);
}

static void pool_put(struct ksrtp_batch_ctx *ctx)
{
	clear_bit_unlock(ctx->pool_idx, ctx->f->pool_busy);
}

/* Every request has completed: finish, write back, let go of ctx and f. */
static int batch_end(struct ksrtp_batch_ctx *ctx)
{
	struct ksrtp_file *f = ctx->f;
	size_t size = (size_t)ctx->count * sizeof(struct ksrtp_desc);
	int ret = ksrtp_batch_finish(ctx);

	/*
	 * udescs is an address in the submitter's mm. Task work runs in the
	 * submitter; only if it is exiting (mm gone) or io_uring fell back to
	 * a kernel thread is current->mm another: then nobody can read the
	 * result anyway.
	 */
	if (current->mm != ctx->mm || copy_to_user(ctx->udescs, ctx->descs, size))
		ret = -EFAULT;
	pool_put(ctx);
	ksrtp_file_put(f);
	return ret;
}

static void batch_end_uring(struct io_uring_cmd *ioucmd, unsigned int issue_flags)
{
	struct ksrtp_batch_ctx *ctx;

	memcpy(&ctx, ioucmd->pdu, sizeof(ctx));
	ksrtp_uring_cmd_done(ioucmd, batch_end(ctx), issue_flags);
}

KSRTP_URING_TW(batch_end_uring)

/* The last request of an armed batch completed; any context, even softirq. */
static void batch_done(struct ksrtp_wait *w)
{
	struct ksrtp_batch_ctx *ctx = container_of(w, struct ksrtp_batch_ctx, wait);

	io_uring_cmd_complete_in_task(ctx->ioucmd, batch_end_uring_tw);
}

int ksrtp_uring_cmd(struct io_uring_cmd *ioucmd, unsigned int issue_flags)
{
	struct ksrtp_file *f = ioucmd->file->private_data;
	const struct ksrtp_batch *payload;
	struct ksrtp_batch_ctx *ctx;
	void __user *udescs;
	struct ksrtp_batch b;
	bool seal;
	int ret;

	switch (ioucmd->cmd_op) {
	case KSRTP_IOC_SEAL:
		seal = true;
		break;
	case KSRTP_IOC_OPEN:
		seal = false;
		break;
	default:
		return -ENOTTY;
	}
	if (ioucmd->flags & ~KSRTP_URING_CMD_KERNEL_FLAGS)
		return -EINVAL;
	/* The payload may sit in the SQ ring, which userspace can write: read it once. */
	payload = ksrtp_uring_payload(ioucmd);
	b.descs = READ_ONCE(payload->descs);
	b.count = READ_ONCE(payload->count);
	b.flags = READ_ONCE(payload->flags);
	if (b.flags & ~KSRTP_BATCH_FLAGS || b.count > f->max_batch)
		return -EINVAL;
	if (!b.count)
		return 0;
	udescs = u64_to_user_ptr(b.descs);
	if (issue_flags & IO_URING_F_NONBLOCK) {
		/* io_uring issues again from its worker, which may sleep. */
		if (!mutex_trylock(&f->lock))
			return -EAGAIN;
	} else if (mutex_lock_interruptible(&f->lock)) {
		return -EINTR;
	}
	ret = -ENXIO;
	if (!f->arena)
		goto unlock;
	ctx = pool_get(f);
	if (IS_ERR(ctx)) {
		ret = PTR_ERR(ctx);
		goto unlock;
	}
	ret = -EFAULT;
	if (copy_from_user(ctx->descs, udescs, (size_t)b.count * sizeof(struct ksrtp_desc)))
		goto put;
	ctx->d = ctx->descs;
	ctx->ioucmd = ioucmd;
	ctx->udescs = udescs;
	ctx->mm = current->mm;
	memcpy(ioucmd->pdu, &ctx, sizeof(ctx));
	ksrtp_wait_init(&ctx->wait, batch_done);
	ret = ksrtp_batch_submit(ctx, b.count, b.flags, seal);
	if (ret)
		goto put;
	/* Dropped by batch_end(): the batch may outlive close(). */
	ksrtp_file_get(f);
	mutex_unlock(&f->lock);
	if (!ksrtp_wait_arm(&ctx->wait))
		return -EIOCBQUEUED;	/* batch_done() finishes; ctx is no longer ours */
	if (READ_ONCE(ksrtp_uring_defer) || (b.flags & KSRTP_BATCH_ALL_OR_NOTHING)) {
		/* As if the last request had completed asynchronously. */
		batch_done(&ctx->wait);
		return -EIOCBQUEUED;
	}
	return batch_end(ctx);
put:
	pool_put(ctx);
unlock:
	mutex_unlock(&f->lock);
	return ret;
}
