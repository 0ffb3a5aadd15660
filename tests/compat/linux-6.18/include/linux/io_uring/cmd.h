/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fixture, not kernel code: the shape of Linux 6.18's uring_cmd API that
 * kernel/compat.h depends on. Sources: the BTF of a running 6.18 kernel
 * (bpftool btf dump file /sys/kernel/btf/vmlinux: io_uring_cmd_tw_t is
 * (struct io_uring_cmd *, unsigned int); __io_uring_cmd_done(ioucmd, ret,
 * res2, issue_flags, is_cqe32) is the exported function) and the 6.18
 * commit "io_uring/cmd: drop unused res2 param from io_uring_cmd_done()",
 * which left io_uring_cmd_done(cmd, ret, issue_flags) and
 * io_uring_cmd_done32(cmd, ret, res2, issue_flags) as inline wrappers.
 */
#ifndef _LINUX_IO_URING_CMD_H
#define _LINUX_IO_URING_CMD_H

#include <linux/io_uring.h>

struct io_uring_cmd;
typedef void (*io_uring_cmd_tw_t)(struct io_uring_cmd *cmd, unsigned int issue_flags);

struct io_uring_cmd {
	struct file *file;
	const struct io_uring_sqe *sqe;
	io_uring_cmd_tw_t task_work_cb;
	u32 cmd_op;
	u32 flags;
	u8 pdu[32];
};

static inline const void *io_uring_sqe_cmd(const struct io_uring_sqe *sqe)
{
	return sqe->cmd;
}

void __io_uring_cmd_done(struct io_uring_cmd *cmd, s32 ret, u64 res2, unsigned int issue_flags,
			 bool is_cqe32);
void __io_uring_cmd_do_in_task(struct io_uring_cmd *ioucmd, io_uring_cmd_tw_t task_work_cb,
			       unsigned int flags);

static inline void io_uring_cmd_complete_in_task(struct io_uring_cmd *ioucmd,
						 io_uring_cmd_tw_t task_work_cb)
{
	__io_uring_cmd_do_in_task(ioucmd, task_work_cb, 0);
}

static inline void io_uring_cmd_done(struct io_uring_cmd *ioucmd, s32 ret,
				     unsigned int issue_flags)
{
	__io_uring_cmd_done(ioucmd, ret, 0, issue_flags, false);
}

static inline void io_uring_cmd_done32(struct io_uring_cmd *ioucmd, s32 ret, u64 res2,
				       unsigned int issue_flags)
{
	__io_uring_cmd_done(ioucmd, ret, res2, issue_flags, true);
}

#endif
