/* SPDX-License-Identifier: MIT */
/*
 * Index estimation and the replay window: common/replay_window.h, which the
 * kernel module shares, with libksrtp's error code.
 */
#ifndef KSRTP_REPLAY_H
#define KSRTP_REPLAY_H

#include "internal.h"
#include "../common/replay_window.h"

/* 0 when idx is new, KSRTP_EREPLAY when seen or older than the window. */
static inline int ksrtp_replay_check(const struct ksrtp_replay *r, uint64_t idx)
{
	return ksrtp_replay_seen(r, idx) ? KSRTP_EREPLAY : 0;
}

#endif /* KSRTP_REPLAY_H */
