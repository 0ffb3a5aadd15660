/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What changed in the kernel APIs ksrtp uses after 6.1, in one place, so the
 * module builds on Debian's 6.1 and on newer trees alike. The KSRTP_HAVE_*
 * macros come from probes of the kernel headers in kernel/Kbuild: a version
 * number cannot tell, since distributions backport.
 */
#ifndef _KSRTP_COMPAT_H
#define _KSRTP_COMPAT_H

#include <linux/crypto.h>

/* 6.10 moved the uring_cmd helpers to linux/io_uring/cmd.h. */
#ifdef KSRTP_HAVE_IO_URING_CMD_H
#include <linux/io_uring/cmd.h>
#else
#include <linux/io_uring.h>
#endif

/* 6.12 moved the unaligned accessors from asm/unaligned.h. */
#ifdef KSRTP_HAVE_LINUX_UNALIGNED_H
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/*
 * The URING_CMD payload: ioucmd->cmd up to 6.6, io_uring_sqe_cmd(sqe) from
 * 6.7 on. It may point into the SQ ring, which userspace can write: read it
 * once.
 */
static inline const void *ksrtp_uring_payload(const struct io_uring_cmd *ioucmd)
{
#ifdef KSRTP_HAVE_IO_URING_SQE_CMD
	return io_uring_sqe_cmd(ioucmd->sqe);
#else
	return ioucmd->cmd;
#endif
}

/*
 * The top 8 bits of io_uring_cmd.flags are io_uring's own (6.7 on: e.g.
 * IORING_URING_CMD_REISSUE when io-wq issues a command again); only the
 * others come from userspace.
 */
#define KSRTP_URING_CMD_KERNEL_FLAGS	0xff000000u

/*
 * Completing a URING_CMD from task context. KSRTP_URING_TW(fn) defines
 * fn_tw, the callback to hand to io_uring_cmd_complete_in_task(), calling
 * void fn(struct io_uring_cmd *, unsigned int issue_flags); fn completes
 * with ksrtp_uring_cmd_done(). The callback's shape:
 * - after 6.18 (the io_tw_req series): io_uring's own task-work function, (struct io_tw_req,
 *   io_tw_token_t), with io_uring_cmd_from_tw() and the issue flags
 *   IO_URING_CMD_TASK_WORK_ISSUE_FLAGS;
 * - 6.3 to 6.18, and Debian's 6.1.y by backport: (ioucmd, issue_flags);
 * - plain 6.1 and 6.2: (ioucmd), and no issue flags anywhere.
 */
#if defined(KSRTP_HAVE_URING_CMD_TW_REQ)
#define KSRTP_URING_TW(fn)							\
static void fn##_tw(struct io_tw_req tw_req, io_tw_token_t tw)		\
{										\
	fn(io_uring_cmd_from_tw(tw_req), IO_URING_CMD_TASK_WORK_ISSUE_FLAGS);	\
}
#elif defined(KSRTP_HAVE_URING_CMD_ISSUE_FLAGS)
#define KSRTP_URING_TW(fn)							\
static void fn##_tw(struct io_uring_cmd *ioucmd, unsigned int issue_flags)	\
{										\
	fn(ioucmd, issue_flags);						\
}
#else
#define KSRTP_URING_TW(fn)							\
static void fn##_tw(struct io_uring_cmd *ioucmd)				\
{										\
	fn(ioucmd, 0);								\
}
#endif

/*
 * io_uring_cmd_done(): (ioucmd, ret, issue_flags) from 6.18 on, which has
 * io_uring_cmd_done32() for the second result; (ioucmd, ret, res2,
 * issue_flags) from 6.3 (Debian's 6.1.y by backport); (ioucmd, ret, res2)
 * before. ksrtp has no second result.
 */
static inline void ksrtp_uring_cmd_done(struct io_uring_cmd *ioucmd, ssize_t ret,
					unsigned int issue_flags)
{
#if defined(KSRTP_HAVE_URING_CMD_DONE32)
	io_uring_cmd_done(ioucmd, ret, issue_flags);
#elif defined(KSRTP_HAVE_URING_CMD_ISSUE_FLAGS)
	io_uring_cmd_done(ioucmd, ret, 0, issue_flags);
#else
	io_uring_cmd_done(ioucmd, ret, 0);
#endif
}

/*
 * Crypto completion callbacks get the request's data pointer from 6.3 on,
 * the request itself before.
 */
#ifdef KSRTP_HAVE_CRYPTO_CB_DATA
#define KSRTP_CRYPTO_CB_ARG void *
static inline void *ksrtp_crypto_cb_data(void *data)
{
	return data;
}
#else
#define KSRTP_CRYPTO_CB_ARG struct crypto_async_request *
static inline void *ksrtp_crypto_cb_data(struct crypto_async_request *req)
{
	return req->data;
}
#endif

#endif /* _KSRTP_COMPAT_H */
