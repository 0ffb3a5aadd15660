/* SPDX-License-Identifier: MIT */
/*
 * Shared by the media fuzz targets and their seed generator: one inbound
 * stream (ksrtp_assembler) fed hostile RTP packets, every frame it hands
 * out checked against what the assembler promises.
 *
 * Input: two configuration octets, then records. Octet 0 picks the window
 * (16 << (b & 3) packets) and reorder (1 + (b >> 2) % window), octet 1 the
 * largest payload (0: the default, else 64 + 8 * b). A record is a 2-octet
 * big-endian length and that many octets of RTP packet; length 0 flushes.
 * Each packet is pushed from a buffer of exactly its size, and frames are
 * popped after every record into a buffer of exactly the largest frame
 * (every seventh pop into a short one, for KSRTP_ENOSPACE), so ASan sees
 * any access past either.
 */
#ifndef KSRTP_FUZZ_MEDIA_H
#define KSRTP_FUZZ_MEDIA_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ksrtp/media.h"

#define FUZZ_MEDIA_SHORT_CAP 37

static inline ksrtp_assembler *fuzz_media_assembler(uint8_t codec, uint8_t b0, uint8_t b1)
{
	struct ksrtp_assembler_config cfg = { .codec = codec };
	ksrtp_assembler *a;

	cfg.window = (uint16_t)(16u << (b0 & 3));
	cfg.reorder = (uint16_t)(1 + (b0 >> 2) % cfg.window);
	cfg.max_payload = b1 ? (uint16_t)(64 + 8 * b1) : 0;
	a = ksrtp_assembler_new(&cfg, NULL);
	if (!a)
		abort();
	return a;
}

/* What a delivered frame must be, whatever came in. */
static inline void fuzz_media_check(const ksrtp_assembler *a, uint8_t codec,
				    const struct ksrtp_frame_info *fi, const uint8_t *buf)
{
	if (fi->len > ksrtp_assembler_max_frame(a) || !fi->packets || !fi->len ||
	    (uint16_t)(fi->last_seq - fi->first_seq) + 1u < fi->packets)
		abort();
	switch (codec) {
	case KSRTP_CODEC_VP8:
		/* RFC 6386 section 9.1: the key frame bit and start code were checked. */
		if (fi->flags & KSRTP_FI_KEY) {
			if (fi->len < 10 || (buf[0] & 1) || buf[3] != 0x9d || buf[4] != 0x01 ||
			    buf[5] != 0x2a)
				abort();
		} else if (!(buf[0] & 1)) {
			abort();
		}
		break;
	case KSRTP_CODEC_VP9:
		if (buf[0] >> 6 != 2)	/* frame_marker */
			abort();
		break;
	default:
		if (fi->flags & (KSRTP_FI_KEY | KSRTP_FI_PICTURE_ID | KSRTP_FI_LAYERS))
			abort();
	}
}

/* Pop every ready frame. */
static inline void fuzz_media_pop(ksrtp_assembler *a, uint8_t codec, uint8_t *buf,
				  unsigned int *pops)
{
	size_t max = ksrtp_assembler_max_frame(a);
	struct ksrtp_frame_info fi;
	struct ksrtp_assembler_stats st;
	int r;

	for (;;) {
		bool shorter = ++*pops % 7 == 0;

		r = ksrtp_assembler_pop(a, &fi, buf, shorter ? FUZZ_MEDIA_SHORT_CAP : max);
		if (r == KSRTP_ENOSPACE && shorter && fi.len > FUZZ_MEDIA_SHORT_CAP)
			continue;
		if (r != 1)
			break;
		fuzz_media_check(a, codec, &fi, buf);
	}
	if (r != 0)
		abort();
	ksrtp_assembler_stats(a, &st);
	if (st.frames > st.packets || st.keyframes > st.frames || st.padding > st.packets)
		abort();
}

typedef void (*fuzz_media_payload_fn)(const uint8_t *payload, size_t len);

/*
 * Run one input through an assembler for codec; each RTP payload (after a
 * 12-octet header) also goes to per_payload when it is not NULL.
 */
static inline void fuzz_media_run(const uint8_t *data, size_t size, uint8_t codec,
				  fuzz_media_payload_fn per_payload)
{
	ksrtp_assembler *a;
	unsigned int pops = 0;
	uint8_t *buf;

	if (size < 2)
		return;
	a = fuzz_media_assembler(codec, data[0], data[1]);
	buf = malloc(ksrtp_assembler_max_frame(a));
	if (!buf)
		abort();
	data += 2;
	size -= 2;
	while (size >= 2) {
		size_t n = (size_t)data[0] << 8 | data[1];
		uint8_t *pkt;

		data += 2;
		size -= 2;
		if (n > size)
			n = size;
		if (!n) {
			ksrtp_assembler_flush(a);
		} else {
			pkt = malloc(n);
			if (!pkt)
				abort();
			memcpy(pkt, data, n);
			if (per_payload && n > 12)
				per_payload(pkt + 12, n - 12);
			ksrtp_assembler_push(a, pkt, n);
			free(pkt);
		}
		fuzz_media_pop(a, codec, buf, &pops);
		data += n;
		size -= n;
	}
	ksrtp_assembler_flush(a);
	fuzz_media_pop(a, codec, buf, &pops);
	free(buf);
	ksrtp_assembler_free(a);
}

#endif /* KSRTP_FUZZ_MEDIA_H */
