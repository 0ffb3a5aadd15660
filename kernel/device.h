/* SPDX-License-Identifier: GPL-2.0 */
/* /dev/ksrtp: one open file, its SA namespace and its packet arena. */
#ifndef _KSRTP_DEVICE_H
#define _KSRTP_DEVICE_H

#include <linux/mutex.h>
#include <linux/types.h>

#include "sa.h"

struct ksrtp_batch_ctx;

struct ksrtp_file {
	/*
	 * lock serializes everything on the file: SA table changes, arena
	 * setup and batches (which share the preallocated requests).
	 */
	struct mutex lock;
	struct ksrtp_sa_table sas;
	u32 max_batch;		/* module parameters, as they were at open() */
	u32 max_slots;
	u8 *arena;		/* vmalloc_user(), NULL until the first mmap() */
	u32 nslots;
	struct ksrtp_batch_ctx *bctx;	/* NULL until the first batch */
};

/* Module parameters (main.c). */
extern unsigned int ksrtp_max_sas;
extern unsigned int ksrtp_max_batch;
extern unsigned int ksrtp_arena_slots;

struct ksrtp_file *ksrtp_file_new(void);
void ksrtp_file_free(struct ksrtp_file *f);
/* Give f an arena of nslots slots (f->lock held); -EBUSY if it has one. */
int ksrtp_file_arena(struct ksrtp_file *f, u32 nslots);
/* SA_ADD below the KDF: session keys given (self-test). f->lock held. */
int ksrtp_file_add_sa(struct ksrtp_file *f, const struct ksrtp_sa_params *p,
		      const struct ksrtp_session_keys *keys, u32 *id);

int ksrtp_device_register(void);
void ksrtp_device_unregister(void);

#endif /* _KSRTP_DEVICE_H */
