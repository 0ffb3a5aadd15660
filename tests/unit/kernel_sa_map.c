// SPDX-License-Identifier: MIT
/*
 * The kernel engine's SSRC -> SA map (lib/engine_kernel.c, included here:
 * its map is static and needs no /dev/ksrtp). Each SA may own a padding
 * state (struct kernel_pad), freed when its stream is removed and, for
 * those left, with the map. Backward-shift deletion moves entries into
 * holes: a slot it empties must keep no pad, else the map's teardown
 * frees that pad a second time (the removed stream's own, or the one of an
 * entry moved away). Checked after every removal, over random SSRC sets
 * that collide in a 16-slot map and grow it.
 */
#include "engine_kernel.c"
#include "test.h"

#define ROUNDS 200
#define N 12

/* Every empty slot holds no pad, and no pad is in two slots. */
static bool pads_owned_once(const struct sa_map *m)
{
	uint32_t i, j;

	for (i = 0; i <= m->mask; i++) {
		if (!m->slots[i].sa && m->slots[i].pad)
			return false;
		for (j = 0; j < i && m->slots[i].pad; j++)
			if (m->slots[j].pad == m->slots[i].pad)
				return false;
	}
	return true;
}

int main(void)
{
	unsigned long long rng = 1;
	unsigned int round, i;

	for (round = 0; round < ROUNDS; round++) {
		uint32_t ssrc[N];
		struct sa_map m;
		bool ok = true;

		CHECK_ERR(sa_map_init(&m, (uint32_t)round * 2654435761u), 0);
		for (i = 0; i < N; i++) {
			rng = rng * 6364136223846793005ull + 1442695040888963407ull;
			ssrc[i] = (uint32_t)(rng >> 40) << 8 | i;	/* distinct: i in the low octet */
			CHECK_ERR(sa_map_insert(&m, ssrc[i], i + 1, false,
						calloc(1, sizeof(struct kernel_pad))), 0);
		}
		/* Every other one removed, as ksrtp_kernel_remove_stream does. */
		for (i = 0; i < N; i += 2) {
			struct kernel_pad *pad = sa_map_slot(&m, ssrc[i])->pad;

			sa_map_remove(&m, ssrc[i]);
			free(pad);
			ok = ok && pads_owned_once(&m);
		}
		CHECK(ok);
		for (i = 0; i < N; i++)
			CHECK(sa_map_find(&m, ssrc[i]) == (i % 2 ? i + 1 : 0));
		/* The teardown of ksrtp_kernel's map (a pad freed twice is caught by SAN=1). */
		if (ok)
			for (i = 0; i <= m.mask; i++)
				free(m.slots[i].pad);
		free(m.slots);
		if (!ok)
			break;
	}
	return test_result();
}
