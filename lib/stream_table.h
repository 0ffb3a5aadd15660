/* SPDX-License-Identifier: MIT */
/*
 * SSRC -> stream map: open addressing with linear probing, load <= 1/2, the
 * SSRC kept beside the pointer so a probe touches one cache line. The hash is
 * keyed per session, so peers cannot aim SSRCs at one bucket.
 */
#ifndef KSRTP_STREAM_TABLE_H
#define KSRTP_STREAM_TABLE_H

#include "stream.h"

struct ksrtp_table_slot {
	uint32_t ssrc;
	struct ksrtp_stream *stream;	/* NULL: empty */
};

struct ksrtp_stream_table {
	struct ksrtp_table_slot *slots;
	uint32_t mask;		/* slots - 1 */
	uint32_t count;
	uint32_t seed;
};

static inline uint32_t ksrtp_table_hash(const struct ksrtp_stream_table *t, uint32_t ssrc)
{
	/* murmur3's 32-bit finalizer over the seeded SSRC */
	uint32_t h = ssrc ^ t->seed;

	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

static inline struct ksrtp_stream *ksrtp_table_find(const struct ksrtp_stream_table *t,
						    uint32_t ssrc)
{
	uint32_t i = ksrtp_table_hash(t, ssrc) & t->mask;

	for (;;) {
		const struct ksrtp_table_slot *slot = &t->slots[i];

		if (!slot->stream || slot->ssrc == ssrc)
			return slot->stream;
		i = (i + 1) & t->mask;
	}
}

int ksrtp_table_init(struct ksrtp_stream_table *t, uint32_t seed);
/* Frees the slots and every stream in them. */
void ksrtp_table_destroy(struct ksrtp_stream_table *t);
/* 0, KSRTP_EEXIST or KSRTP_ENOMEM. */
int ksrtp_table_insert(struct ksrtp_stream_table *t, struct ksrtp_stream *st);
/* Unlink and return the stream for ssrc, or NULL. */
struct ksrtp_stream *ksrtp_table_remove(struct ksrtp_stream_table *t, uint32_t ssrc);

#endif /* KSRTP_STREAM_TABLE_H */
