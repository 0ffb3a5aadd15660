/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fixture, not kernel code: the uring_cmd API of upstream 6.1 and 6.2,
 * before issue_flags reached the task-work callback and
 * io_uring_cmd_done() (6.3; Debian's 6.1.y has that by backport): the
 * callback is (struct io_uring_cmd *) and io_uring_cmd_done() takes
 * (cmd, ret, res2). The payload is ioucmd->cmd.
 */
#ifndef _LINUX_IO_URING_H
#define _LINUX_IO_URING_H

#include <linux/sched.h>
#include <uapi/linux/io_uring.h>

enum io_uring_cmd_flags {
	IO_URING_F_COMPLETE_DEFER	= 1,
	IO_URING_F_UNLOCKED		= 2,
	IO_URING_F_NONBLOCK		= INT_MIN,
};

struct io_uring_cmd {
	struct file *file;
	const void *cmd;
	union {
		void (*task_work_cb)(struct io_uring_cmd *cmd);
		void *cookie;
	};
	u32 cmd_op;
	u32 flags;
	u8 pdu[32];
};

void io_uring_cmd_done(struct io_uring_cmd *cmd, ssize_t ret, ssize_t res2);
void io_uring_cmd_complete_in_task(struct io_uring_cmd *ioucmd,
				   void (*task_work_cb)(struct io_uring_cmd *));

#endif
