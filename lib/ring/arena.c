// SPDX-License-Identifier: MIT
/*
 * The packet arena (DESIGN.md): fixed 2048-byte slots in one page-aligned
 * mapping, so a packet never straddles a page, as AF_XDP's UMEM chunks.
 * Free slots are a stack (the most recently used slot, warm in cache, is
 * reused first); a state byte per slot turns a double put or a foreign
 * pointer into a counted no-op instead of a corrupted free list.
 */
#include <stdlib.h>
#include <sys/mman.h>

#include "ring/ring.h"

int ksrtp_arena_init(struct ksrtp_arena *a, uint32_t nslots)
{
	uint32_t i;

	memset(a, 0, sizeof(*a));
	a->base = mmap(NULL, (size_t)nslots * KSRTP_ARENA_SLOT, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (a->base == MAP_FAILED) {
		a->base = NULL;
		return KSRTP_ENOMEM;
	}
	a->free = malloc((size_t)nslots * sizeof(*a->free));
	a->state = calloc(nslots, 1);
	if (!a->free || !a->state) {
		ksrtp_arena_destroy(a);
		return KSRTP_ENOMEM;
	}
	a->nslots = nslots;
	/* Slot 0 on top of the stack: the first packets go out in address order. */
	for (i = 0; i < nslots; i++)
		a->free[i] = nslots - 1 - i;
	a->nfree = nslots;
	return 0;
}

void ksrtp_arena_destroy(struct ksrtp_arena *a)
{
	if (a->base)
		munmap(a->base, (size_t)a->nslots * KSRTP_ARENA_SLOT);
	free(a->free);
	free(a->state);
	memset(a, 0, sizeof(*a));
}

int ksrtp_arena_get(ksrtp_arena *a, struct ksrtp_pkt *v, unsigned int n)
{
	unsigned int i;

	if (!a || (!v && n))
		return KSRTP_EINVAL;
	if (n > a->nfree)
		return KSRTP_ENOSPACE;
	for (i = 0; i < n; i++) {
		long s = arena_take(a);

		v[i] = (struct ksrtp_pkt){ .data = arena_slot(a, (uint32_t)s),
					   .cap = KSRTP_ARENA_SLOT };
	}
	return (int)n;
}

void ksrtp_arena_put(ksrtp_arena *a, const struct ksrtp_pkt *v, unsigned int n)
{
	unsigned int i;

	if (!a || !v)
		return;
	for (i = 0; i < n; i++) {
		long s = arena_slot_of(a, v[i].data);

		/* A posted slot is the kernel's: only the ring takes it back. */
		if (s < 0 || a->state[s] != SLOT_TAKEN)
			a->bad_puts++;
		else
			arena_give(a, (uint32_t)s);
	}
}

unsigned int ksrtp_arena_slots(const ksrtp_arena *a)
{
	return a ? a->nslots : 0;
}

unsigned int ksrtp_arena_avail(const ksrtp_arena *a)
{
	return a ? a->nfree : 0;
}

uint64_t ksrtp_arena_bad_puts(const ksrtp_arena *a)
{
	return a ? a->bad_puts : 0;
}
