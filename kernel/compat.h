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
