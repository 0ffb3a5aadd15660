/* SPDX-License-Identifier: MIT */
/* An SRTP stream: one SSRC in one direction, its keys and its replay state. */
#ifndef KSRTP_STREAM_H
#define KSRTP_STREAM_H

#include "internal.h"
#include "padding.h"
#include "replay.h"

/*
 * AEAD_AES_*_GCM. Only the SRTP key is kept expanded: ipsec-mb's GHASH tables
 * make a gcm_key_data about 1 KiB, and SRTCP is a small share of packets, so
 * the SRTCP key is expanded per RTCP packet (about 130 ns) to keep a stream
 * under 2 KiB.
 */
struct ksrtp_gcm_keys {
	struct gcm_key_data rtp;
	uint8_t rtp_salt[KSRTP_SALT_STORE_LEN] __attribute__((aligned(16)));
	uint8_t rtcp_salt[KSRTP_SALT_STORE_LEN] __attribute__((aligned(16)));
	uint8_t rtcp_key[KSRTP_MAX_KEY_LEN];
};

/* AES-CM + HMAC-SHA1 keys of one of SRTP or SRTCP. */
struct ksrtp_cm_keyset {
	uint8_t enc[16 * 11] __attribute__((aligned(16)));	/* AES-128 round keys */
	uint8_t ipad[32] __attribute__((aligned(16)));	/* SHA-1 state after key ^ ipad */
	uint8_t opad[32] __attribute__((aligned(16)));	/* SHA-1 state after key ^ opad */
	uint8_t salt[KSRTP_SALT_STORE_LEN] __attribute__((aligned(16)));
};

struct ksrtp_cm_keys {
	struct ksrtp_cm_keyset rtp;
	struct ksrtp_cm_keyset rtcp;
};

struct ksrtp_stream {
	uint32_t ssrc;
	uint32_t flags;			/* enum ksrtp_policy_flags */
	uint32_t roc_init;
	uint32_t rtcp_last_index;	/* outbound SRTCP: index of the last packet sent */
	uint8_t profile;		/* enum ksrtp_profile */
	uint8_t direction;		/* enum ksrtp_direction */
	uint8_t rtp_tag_len;
	uint8_t rtcp_tag_len;
	bool gcm;
	struct ksrtp_replay rtp_replay;
	struct ksrtp_replay rtcp_replay;
	uint64_t rtcp_bits[KSRTP_RTCP_REPLAY_WINDOW / 64];
	struct ksrtp_pad pad;		/* outbound size padding, next to the counters' line */
	struct ksrtp_stats stats;
	size_t alloc_size;
	union {
		struct ksrtp_gcm_keys gcm;
		struct ksrtp_cm_keys cm;
	} keys;
	uint64_t rtp_bits[];		/* replay bitmap, rtp_replay.window packets */
};

/*
 * Start loading the lines a packet of st will touch: the header and replay
 * state, the first key lines (AES round keys; GHASH powers or HMAC states)
 * and the salt. Batches call it a few packets ahead, so with many streams
 * the misses overlap the crypto of the packets before.
 */
static inline void ksrtp_stream_prefetch(const struct ksrtp_stream *st)
{
	const char *keys = (const char *)&st->keys;
	unsigned int line;

	__builtin_prefetch(st);
	__builtin_prefetch((const char *)st + 64);
	__builtin_prefetch(&st->stats);
	for (line = 0; line < 8; line++)
		__builtin_prefetch(keys + 64 * line);
	if (st->gcm)
		__builtin_prefetch(st->keys.gcm.rtp_salt);
}

/*
 * A stream for policy p with the given session keys; NULL and *err set on
 * failure. The policy is assumed valid (ksrtp_policy_check).
 */
struct ksrtp_stream *ksrtp_stream_new(const struct ksrtp_policy *p,
				      const struct ksrtp_session_keys *keys, int *err);

/* A fresh stream for ssrc with the keys and settings of template t. */
struct ksrtp_stream *ksrtp_stream_clone(const struct ksrtp_stream *t, uint32_t ssrc);

/* Wipe and free (NULL is fine). */
void ksrtp_stream_free(struct ksrtp_stream *st);

/* Validate a policy's profile, direction, lengths and window: 0 or KSRTP_EINVAL. */
int ksrtp_policy_check(const struct ksrtp_policy *p);

#endif /* KSRTP_STREAM_H */
