/* SPDX-License-Identifier: GPL-2.0 */
/* /dev/ksrtp: one open file, its SA namespace and its packet arena. */
#ifndef _KSRTP_DEVICE_H
#define _KSRTP_DEVICE_H

#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/types.h>

#include "sa.h"

struct ksrtp_batch_ctx;

/* Most io_uring batches in flight per file (module parameter max_inflight). */
#define KSRTP_INFLIGHT_MAX	64

struct ksrtp_file {
	/*
	 * One reference for the open file, one per io_uring batch in flight:
	 * the arena, the SA table and the batch contexts outlive close() and
	 * munmap() until the last batch has finished.
	 */
	struct kref ref;
	/*
	 * lock serializes SA table changes, arena setup, the preparation of
	 * every batch (SA lookups, submission) and whole ioctl batches (which
	 * share bctx). A batch that went asynchronous finishes without it.
	 */
	struct mutex lock;
	struct ksrtp_sa_table sas;
	u32 max_batch;		/* module parameters, as they were at open() */
	u32 max_slots;
	u32 max_inflight;
	u8 *arena;		/* vmalloc_user(), NULL until the first mmap() */
	u32 nslots;
	/* Slots some batch is working on (atomic bitops): never two at once. */
	unsigned long *busy_slots;
	struct ksrtp_batch_ctx *bctx;	/* ioctl batches; NULL until the first */
	/*
	 * io_uring batches: pool[i] is made on first use (under lock) and
	 * owned by whoever set bit i of pool_busy until it clears it.
	 */
	struct ksrtp_batch_ctx *pool[KSRTP_INFLIGHT_MAX];
	DECLARE_BITMAP(pool_busy, KSRTP_INFLIGHT_MAX);
};

/* Module parameters (main.c). */
extern unsigned int ksrtp_max_sas;
extern unsigned int ksrtp_max_batch;
extern unsigned int ksrtp_arena_slots;
extern unsigned int ksrtp_max_inflight;
extern bool ksrtp_uring_defer;

struct ksrtp_file *ksrtp_file_new(void);
/* Drop a reference; the last frees everything (process context). */
void ksrtp_file_put(struct ksrtp_file *f);

static inline void ksrtp_file_get(struct ksrtp_file *f)
{
	kref_get(&f->ref);
}

/* Give f an arena of nslots slots (f->lock held); -EBUSY if it has one. */
int ksrtp_file_arena(struct ksrtp_file *f, u32 nslots);
/* SA_ADD below the KDF: session keys given (self-test). f->lock held. */
int ksrtp_file_add_sa(struct ksrtp_file *f, const struct ksrtp_sa_params *p,
		      const struct ksrtp_session_keys *keys, u32 *id);

int ksrtp_device_register(void);
void ksrtp_device_unregister(void);

#endif /* _KSRTP_DEVICE_H */
