/* SPDX-License-Identifier: GPL-2.0 */
/* SEAL and OPEN through io_uring (IORING_OP_URING_CMD). */
#ifndef _KSRTP_URING_H
#define _KSRTP_URING_H

struct io_uring_cmd;

int ksrtp_uring_cmd(struct io_uring_cmd *ioucmd, unsigned int issue_flags);

#endif /* _KSRTP_URING_H */
