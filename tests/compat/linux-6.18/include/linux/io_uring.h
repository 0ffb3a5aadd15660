/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fixture, not kernel code: what ksrtp needs from <linux/io_uring.h> once
 * the uring_cmd API moved to <linux/io_uring/cmd.h> (6.10 on). Grafted onto
 * Debian's 6.1 headers by tests/compat/build-against; struct io_uring_cmd
 * must not be declared here any more.
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

#endif
