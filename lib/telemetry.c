// SPDX-License-Identifier: MIT
/* Attack telemetry: counting refused packets, ksrtp_session_stats(). */
#include "engine_kernel.h"
#include "session.h"
#include "telemetry.h"

void ksrtp_tm_refused(struct ksrtp_session_stats *ss, struct ksrtp_stats *st, int err,
		      enum ksrtp_malformed_reason reason)
{
	switch (err) {
	case KSRTP_EAUTH:
		ss->auth_failures++;
		if (st)
			st->auth_failures++;
		break;
	case KSRTP_EREPLAY:
		ss->replays++;
		if (st)
			st->replays++;
		break;
	case KSRTP_EMALFORMED:
		ss->malformed++;
		ss->malformed_by[reason]++;
		if (st) {
			st->malformed++;
			st->malformed_by[reason]++;
		}
		break;
	case KSRTP_ENOSTREAM:
		ss->unknown_ssrc++;
		break;
	case KSRTP_ENOCRYPTEX:
		ss->no_cryptex++;
		break;
	default:
		break;
	}
}

enum ksrtp_malformed_reason ksrtp_tm_header_reason(const uint8_t *pkt, size_t len, bool rtcp)
{
	size_t hlen;

	if (len > KSRTP_MAX_PACKET_LEN)
		return KSRTP_MALFORMED_OVERSIZE;
	if (len < (rtcp ? KSRTP_RTCP_HEADER_LEN : KSRTP_RTP_HEADER_LEN))
		return KSRTP_MALFORMED_TOO_SHORT;
	if (pkt[0] >> 6 != 2)
		return KSRTP_MALFORMED_VERSION;
	if (rtcp)
		return KSRTP_MALFORMED_OTHER;
	/* RFC 3550 section 5.1: CSRC count; 5.3.1: extension header, length in words. */
	hlen = KSRTP_RTP_HEADER_LEN + 4u * (pkt[0] & 0x0f);
	if (hlen > len)
		return KSRTP_MALFORMED_CSRC;
	if ((pkt[0] & 0x10) &&
	    (hlen + 4 > len || hlen + 4 + 4u * ksrtp_load_be16(pkt + hlen + 2) > len))
		return KSRTP_MALFORMED_EXTENSION;
	return KSRTP_MALFORMED_OTHER;
}

void ksrtp_tm_add(struct ksrtp_session_stats *a, const struct ksrtp_session_stats *b)
{
	unsigned int i;

	a->auth_failures += b->auth_failures;
	a->replays += b->replays;
	a->malformed += b->malformed;
	for (i = 0; i < KSRTP_MALFORMED_SLOTS; i++)
		a->malformed_by[i] += b->malformed_by[i];
	a->unknown_ssrc += b->unknown_ssrc;
	a->no_cryptex += b->no_cryptex;
}

int ksrtp_session_stats(const ksrtp_session *s, struct ksrtp_session_stats *out)
{
	if (!s || !out)
		return KSRTP_EINVAL;
	if (s->kernel)
		return ksrtp_kernel_session_stats(s->kernel, out);
	*out = s->stats;
	return 0;
}
