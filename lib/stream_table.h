/* SPDX-License-Identifier: MIT */
/*
 * SSRC -> stream map: open addressing with linear probing, load <= 1/2, the
 * SSRC kept beside the pointer so a probe touches one cache line. The hash is
 * multiplicative (Knuth) with a random odd multiplier per table, so peers
 * cannot aim SSRCs at one run of slots, and costs two instructions a lookup.
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
	uint32_t shift;		/* 32 - log2(slots) */
	uint32_t count;
	uint32_t multiplier;	/* random, odd */
};

/* The home slot of ssrc: the top log2(slots) bits of ssrc * multiplier. */
static inline uint32_t ksrtp_table_home(const struct ksrtp_stream_table *t, uint32_t ssrc)
{
	return (uint32_t)(ssrc * t->multiplier) >> t->shift;
}

static inline struct ksrtp_stream *ksrtp_table_find(const struct ksrtp_stream_table *t,
						    uint32_t ssrc)
{
	uint32_t i = ksrtp_table_home(t, ssrc);

	for (;;) {
		const struct ksrtp_table_slot *slot = &t->slots[i];

		if (!slot->stream || slot->ssrc == ssrc)
			return slot->stream;
		i = (i + 1) & t->mask;
	}
}

/* seed: random bits for the multiplier. */
int ksrtp_table_init(struct ksrtp_stream_table *t, uint32_t seed);
/* Frees the slots and every stream in them. */
void ksrtp_table_destroy(struct ksrtp_stream_table *t);
/* 0, KSRTP_EEXIST or KSRTP_ENOMEM. */
int ksrtp_table_insert(struct ksrtp_stream_table *t, struct ksrtp_stream *st);
/* Unlink and return the stream for ssrc, or NULL. */
struct ksrtp_stream *ksrtp_table_remove(struct ksrtp_stream_table *t, uint32_t ssrc);

#endif /* KSRTP_STREAM_TABLE_H */
