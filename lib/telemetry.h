/* SPDX-License-Identifier: MIT */
/*
 * Attack telemetry (struct ksrtp_session_stats, ksrtp_stats.malformed_by):
 * what refused inbound packets are counted as. Only error paths call these,
 * so a good packet pays nothing; they are out of line and cold.
 */
#ifndef KSRTP_TELEMETRY_H
#define KSRTP_TELEMETRY_H

#include "internal.h"

/*
 * Count an inbound packet refused with err: in the session's ss and, when
 * the packet has a stream of its own (st not NULL), in the stream's
 * counters. reason says why, for KSRTP_EMALFORMED. KSRTP_EAUTH,
 * KSRTP_EREPLAY and KSRTP_EMALFORMED count in both; KSRTP_ENOSTREAM
 * (unknown SSRC) and KSRTP_ENOCRYPTEX in the session only (the cryptex
 * check counts its stream itself). Other codes are not the network's
 * doing and are not counted.
 */
void ksrtp_tm_refused(struct ksrtp_session_stats *ss, struct ksrtp_stats *st, int err,
		      enum ksrtp_malformed_reason reason) __attribute__((cold));

/*
 * Why the RTP (rtcp false) or RTCP header parse refused pkt[0..len): the
 * first of the checks of ksrtp_rtp_parse() or the RTCP header check that
 * fails, in their order. KSRTP_MALFORMED_OTHER if none does.
 */
enum ksrtp_malformed_reason ksrtp_tm_header_reason(const uint8_t *pkt, size_t len, bool rtcp)
	__attribute__((cold));

/* Add the counters of b to a. */
void ksrtp_tm_add(struct ksrtp_session_stats *a, const struct ksrtp_session_stats *b);

#endif /* KSRTP_TELEMETRY_H */
