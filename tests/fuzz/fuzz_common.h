/* SPDX-License-Identifier: MIT */
/*
 * Shared by the libFuzzer targets and the seed generator: one fixed set of
 * keys, one stream per profile, and the input format.
 *
 * An input is a sequence of packets, each a 2-byte big-endian length and that
 * many bytes, fed in order to one fresh session, so replay and rollover state
 * is exercised deterministically. Each packet is copied into a buffer of
 * exactly its size, so ASan sees any read or write past it.
 */
#ifndef KSRTP_FUZZ_COMMON_H
#define KSRTP_FUZZ_COMMON_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ksrtp/ksrtp.h"

/*
 * SSRC 1..4: one stream per profile; 5..8: the same profiles with cryptex
 * (RFC 9335; the inbound GCM ones, 5 and 6, require it); any other SSRC
 * meets the any_ssrc template.
 */
#define FUZZ_PROFILES 4
#define FUZZ_STREAMS (2 * FUZZ_PROFILES)
#define FUZZ_TEMPLATE_PROFILE KSRTP_AEAD_AES_128_GCM

static const uint8_t fuzz_key[32] = {
	0x0f, 0x1e, 0x2d, 0x3c, 0x4b, 0x5a, 0x69, 0x78, 0x87, 0x96, 0xa5, 0xb4, 0xc3, 0xd2, 0xe1, 0xf0,
	0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10,
};
static const uint8_t fuzz_salt[14] = {
	0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6, 0x07, 0x18, 0x29, 0x3a, 0x4b, 0x5c, 0x6d, 0x7e,
};

static inline struct ksrtp_policy fuzz_policy(enum ksrtp_profile profile,
					      enum ksrtp_direction dir, uint32_t ssrc)
{
	bool gcm = profile == KSRTP_AEAD_AES_128_GCM || profile == KSRTP_AEAD_AES_256_GCM;
	struct ksrtp_policy p = {
		.profile = profile,
		.direction = dir,
		.ssrc = ssrc,
		.key = fuzz_key,
		.key_len = profile == KSRTP_AEAD_AES_256_GCM ? 32 : 16,
		.salt = fuzz_salt,
		.salt_len = gcm ? 12 : 14,
		.replay_window = 128,
	};
	return p;
}

/* The policy of fuzz stream SSRC i + 1 (i < FUZZ_STREAMS) in direction dir. */
static inline struct ksrtp_policy fuzz_stream_policy(unsigned int i, enum ksrtp_direction dir)
{
	struct ksrtp_policy p = fuzz_policy(KSRTP_AEAD_AES_128_GCM + i % FUZZ_PROFILES, dir, i + 1);

	if (i >= FUZZ_PROFILES)
		p.flags = KSRTP_CRYPTEX;
	if (i >= FUZZ_PROFILES && i < FUZZ_PROFILES + 2 && dir == KSRTP_INBOUND)
		p.flags |= KSRTP_REQUIRE_CRYPTEX;
	return p;
}

/* A session with the fuzz streams in direction dir (and the inbound template). */
static inline ksrtp_session *fuzz_session(enum ksrtp_direction dir)
{
	ksrtp_session *s = ksrtp_session_new(NULL, NULL);
	unsigned int i;

	if (!s)
		abort();
	for (i = 0; i < FUZZ_STREAMS; i++) {
		struct ksrtp_policy p = fuzz_stream_policy(i, dir);

		if (ksrtp_add_stream(s, &p))
			abort();
	}
	if (dir == KSRTP_INBOUND) {
		struct ksrtp_policy t = fuzz_policy(FUZZ_TEMPLATE_PROFILE, dir, 0);

		t.any_ssrc = true;
		if (ksrtp_add_stream(s, &t))
			abort();
	}
	return s;
}

typedef int (*fuzz_unprotect_fn)(ksrtp_session *, uint8_t *, size_t *);

/* Feed every packet of the input to fn; check it never grows a packet. */
static inline void fuzz_run(const uint8_t *data, size_t size, fuzz_unprotect_fn fn)
{
	ksrtp_session *s = fuzz_session(KSRTP_INBOUND);

	while (size >= 2) {
		size_t n = (size_t)data[0] << 8 | data[1];
		uint8_t *pkt;
		size_t len;

		data += 2;
		size -= 2;
		if (n > size)
			n = size;
		pkt = malloc(n ? n : 1);
		if (!pkt)
			abort();
		memcpy(pkt, data, n);
		len = n;
		if (fn(s, pkt, &len) == 0 && len > n)
			abort();
		free(pkt);
		data += n;
		size -= n;
	}
	ksrtp_session_free(s);
}

#endif /* KSRTP_FUZZ_COMMON_H */
