/* SPDX-License-Identifier: MIT */
#ifndef KSRTP_SESSION_H
#define KSRTP_SESSION_H

#include "stream_table.h"

struct ksrtp_session {
	enum ksrtp_engine engine;
	struct ksrtp_stream_table streams[2];	/* [direction - 1] */
	struct ksrtp_stream *templates[2];	/* any_ssrc policies, [direction - 1] */
	/*
	 * The kernel engine (engine_kernel.c), NULL on the user engine. Every
	 * public call tests it once, up front, and the user engine's path
	 * stays as it was behind that one predictable branch.
	 */
	struct ksrtp_kernel *kernel;
	struct ksrtp_session_stats stats;	/* inbound refusals (telemetry.h) */
};

/*
 * The stream for ssrc in direction dir, or the direction's any_ssrc
 * template (*is_template set), or NULL.
 */
static inline struct ksrtp_stream *ksrtp_session_stream(ksrtp_session *s,
							 enum ksrtp_direction dir, uint32_t ssrc,
							 bool *is_template)
{
	struct ksrtp_stream *st = ksrtp_table_find(&s->streams[dir - 1], ssrc);

	*is_template = !st && s->templates[dir - 1];
	return st ? st : s->templates[dir - 1];
}

/*
 * Make ssrc a stream of its own from the direction's template, once a packet
 * for it has authenticated (or, outbound, is about to be sealed). NULL when
 * out of memory.
 */
struct ksrtp_stream *ksrtp_session_adopt(ksrtp_session *s, enum ksrtp_direction dir,
					 uint32_t ssrc);

#endif /* KSRTP_SESSION_H */
