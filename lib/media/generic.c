// SPDX-License-Identifier: MIT
/*
 * The generic payload format, for any codec: a frame is split into packets
 * with no payload header, all with the frame's timestamp, the marker bit on
 * the last (RFC 3550 section 5.1: the marker marks frame boundaries).
 *
 * Without a header a packet cannot say that it starts a frame: the
 * assembler infers it from the packet before it (a marker, or another
 * timestamp), so a frame whose predecessor was lost is never delivered,
 * since lost packets at its front could not be told from a lost frame.
 */
#include "media/media.h"

int ksrtp_generic_classify(const uint8_t *payload, size_t len, bool marker,
			   struct ksrtp_media_pkt *mp)
{
	(void)payload;
	(void)len;
	memset(mp, 0, sizeof(*mp));
	if (marker)
		mp->flags = KSRTP_MP_END;
	return 0;
}
