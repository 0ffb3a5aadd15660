/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Packet index estimation (RFC 3711 section 3.3.1, Appendix A) and the
 * sliding replay window (section 3.3.2), as libksrtp's lib/replay.h: a ring
 * bitmap of a power of two >= window bits, index i at bit (i & mask).
 */
#ifndef _KSRTP_REPLAY_H
#define _KSRTP_REPLAY_H

#include <linux/types.h>

struct ksrtp_replay {
	u64 top;		/* highest index accepted */
	u32 window;		/* indices in (top - window, top] are tracked */
	u32 mask;		/* bitmap bits - 1 */
	bool started;		/* false until the first index is committed */
	u64 *bits;
};

size_t ksrtp_replay_bitmap_size(u32 window);
void ksrtp_replay_init(struct ksrtp_replay *r, u32 window, u64 *bits);
/* 0 when idx is new, KSRTP_ST_REPLAY when seen or older than the window. */
int ksrtp_replay_check(const struct ksrtp_replay *r, u64 idx);
void ksrtp_replay_commit(struct ksrtp_replay *r, u64 idx);
/*
 * The 48-bit index of sequence number seq: ROC - 1, ROC or ROC + 1 around
 * the highest index so far; before the first packet, roc_init || seq.
 * Returns -1 when the guess falls before 0 or past 2^48 - 1.
 */
s64 ksrtp_rtp_index_guess(const struct ksrtp_replay *r, u32 roc_init, u16 seq);

#endif /* _KSRTP_REPLAY_H */
