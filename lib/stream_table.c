// SPDX-License-Identifier: MIT
/* SSRC -> stream map (see stream_table.h). */
#include <stdlib.h>

#include "stream_table.h"

#define TABLE_INITIAL_BITS 4

int ksrtp_table_init(struct ksrtp_stream_table *t, uint32_t seed)
{
	t->slots = calloc(1u << TABLE_INITIAL_BITS, sizeof(*t->slots));
	if (!t->slots)
		return KSRTP_ENOMEM;
	t->mask = (1u << TABLE_INITIAL_BITS) - 1;
	t->shift = 32 - TABLE_INITIAL_BITS;
	t->count = 0;
	t->seed = seed;
	return 0;
}

void ksrtp_table_destroy(struct ksrtp_stream_table *t)
{
	uint32_t i;

	if (!t->slots)
		return;
	for (i = 0; i <= t->mask; i++)
		ksrtp_stream_free(t->slots[i].stream);
	free(t->slots);
	t->slots = NULL;
}

static void place(struct ksrtp_table_slot *slots, uint32_t mask, uint32_t home,
		  struct ksrtp_stream *st)
{
	uint32_t i = home;

	while (slots[i].stream)
		i = (i + 1) & mask;
	slots[i].ssrc = st->ssrc;
	slots[i].stream = st;
}

static int grow(struct ksrtp_stream_table *t)
{
	uint32_t old_mask = t->mask, i;
	struct ksrtp_table_slot *old = t->slots;
	struct ksrtp_table_slot *slots = calloc((size_t)old_mask * 2 + 2, sizeof(*slots));

	if (!slots)
		return KSRTP_ENOMEM;
	t->slots = slots;
	t->mask = old_mask * 2 + 1;
	t->shift--;
	for (i = 0; i <= old_mask; i++)
		if (old[i].stream)
			place(slots, t->mask, ksrtp_table_home(t, old[i].ssrc), old[i].stream);
	free(old);
	return 0;
}

int ksrtp_table_insert(struct ksrtp_stream_table *t, struct ksrtp_stream *st)
{
	int err;

	if (ksrtp_table_find(t, st->ssrc))
		return KSRTP_EEXIST;
	if ((t->count + 1) * 2 > t->mask + 1) {
		if (t->shift == 1)
			return KSRTP_ENOMEM;
		err = grow(t);
		if (err)
			return err;
	}
	place(t->slots, t->mask, ksrtp_table_home(t, st->ssrc), st);
	t->count++;
	return 0;
}

struct ksrtp_stream *ksrtp_table_remove(struct ksrtp_stream_table *t, uint32_t ssrc)
{
	uint32_t i = ksrtp_table_home(t, ssrc);
	uint32_t j;
	struct ksrtp_stream *found;

	while (t->slots[i].stream && t->slots[i].ssrc != ssrc)
		i = (i + 1) & t->mask;
	found = t->slots[i].stream;
	if (!found)
		return NULL;
	/*
	 * Backward-shift deletion: pull later members of the probe run into
	 * the hole unless their home slot lies cyclically in (hole, j].
	 */
	j = i;
	for (;;) {
		uint32_t home;

		t->slots[i].stream = NULL;
		do {
			j = (j + 1) & t->mask;
			if (!t->slots[j].stream) {
				t->count--;
				return found;
			}
			home = ksrtp_table_home(t, t->slots[j].ssrc);
		} while (i <= j ? (i < home && home <= j) : (i < home || home <= j));
		t->slots[i] = t->slots[j];
		i = j;
	}
}
