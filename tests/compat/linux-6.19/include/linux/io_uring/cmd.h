/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fixture, not kernel code: the uring_cmd API after 6.18, as Caleb Sander
 * Mateos's series "io_uring/uring_cmd: avoid double indirect call in task
 * work dispatch" (v4, October 2025) reshaped it: task-work callbacks are
 * io_uring's own io_req_tw_func_t, (struct io_tw_req, io_tw_token_t), with
 * io_uring_cmd_from_tw() to get the command and
 * IO_URING_CMD_TASK_WORK_ISSUE_FLAGS for the issue flags. The layout of
 * struct io_tw_req and io_tw_token_t here is only what type-checks the
 * calls; ksrtp never looks inside them.
 */
#ifndef _LINUX_IO_URING_CMD_H
#define _LINUX_IO_URING_CMD_H

#include <linux/io_uring.h>

struct io_kiocb;
struct io_tw_state {
	bool cancel;
};
typedef struct io_tw_state io_tw_token_t;
struct io_tw_req {
	struct io_kiocb *req;
};
typedef void (*io_req_tw_func_t)(struct io_tw_req tw_req, io_tw_token_t tw);

struct io_uring_cmd {
	struct file *file;
	const struct io_uring_sqe *sqe;
	u32 cmd_op;
	u32 flags;
	u8 pdu[40];
};

static inline const void *io_uring_sqe_cmd(const struct io_uring_sqe *sqe)
{
	return sqe->cmd;
}

void __io_uring_cmd_done(struct io_uring_cmd *cmd, s32 ret, u64 res2, unsigned int issue_flags,
			 bool is_cqe32);
void __io_uring_cmd_do_in_task(struct io_uring_cmd *ioucmd, io_req_tw_func_t task_work_cb,
			       unsigned int flags);
struct io_uring_cmd *__ksrtp_fixture_cmd_of(struct io_kiocb *req);

static inline struct io_uring_cmd *io_uring_cmd_from_tw(struct io_tw_req tw_req)
{
	return __ksrtp_fixture_cmd_of(tw_req.req);
}

#define IO_URING_CMD_TASK_WORK_ISSUE_FLAGS IO_URING_F_COMPLETE_DEFER

static inline void io_uring_cmd_complete_in_task(struct io_uring_cmd *ioucmd,
						 io_req_tw_func_t task_work_cb)
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
