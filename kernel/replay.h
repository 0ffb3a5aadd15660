/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Packet index estimation and the replay window: common/replay_window.h,
 * shared with libksrtp so both engines keep one set of semantics, with the
 * module's status code.
 */
#ifndef _KSRTP_REPLAY_H
#define _KSRTP_REPLAY_H

#include <linux/ksrtp.h>

#include "replay_window.h"

/* 0 when idx is new, KSRTP_ST_REPLAY when seen or older than the window. */
static inline int ksrtp_replay_check(const struct ksrtp_replay *r, u64 idx)
{
	return ksrtp_replay_seen(r, idx) ? KSRTP_ST_REPLAY : 0;
}

#endif /* _KSRTP_REPLAY_H */
