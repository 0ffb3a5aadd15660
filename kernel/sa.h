/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Security associations: one SSRC in one direction, its session keys (held
 * only inside two gcm(aes) transforms), its rollover and replay state.
 */
#ifndef _KSRTP_SA_H
#define _KSRTP_SA_H

#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/xarray.h>
#include <linux/ksrtp.h>

#include "replay.h"

#define KSRTP_MAX_KEY_LEN	32
#define KSRTP_GCM_SALT_LEN	12
#define KSRTP_SRTCP_INDEX_MAX	0x7fffffffu
#define KSRTP_SRTCP_E_FLAG	0x80000000u
#define KSRTP_RTCP_REPLAY_WINDOW 128	/* as libsrtp's SRTCP replay database */

struct crypto_aead;

/* Session keys as the RFC 3711 KDF makes them (or a known-answer test gives them). */
struct ksrtp_session_keys {
	u8 rtp_key[KSRTP_MAX_KEY_LEN];
	u8 rtp_salt[KSRTP_GCM_SALT_LEN];
	u8 rtcp_key[KSRTP_MAX_KEY_LEN];
	u8 rtcp_salt[KSRTP_GCM_SALT_LEN];
};

struct ksrtp_sa_stats_k {
	u64 packets;
	u64 bytes;
	u64 auth_failures;
	u64 replays;
	u64 malformed;
	u64 no_cryptex;			/* OPEN: refused by KSRTP_SA_REQUIRE_CRYPTEX */
	u64 malformed_by[KSRTP_SA_MALFORMED_SLOTS];	/* KSRTP_MAL_* */
};

struct ksrtp_sa {
	u32 id;
	u32 ssrc;
	u32 flags;			/* KSRTP_SA_* */
	u32 roc_init;
	u32 key_len;
	u8 direction;			/* KSRTP_DIR_* */
	u8 profile;			/* KSRTP_PROF_* */
	struct crypto_aead *rtp_tfm;
	struct crypto_aead *rtcp_tfm;
	u8 rtp_salt[KSRTP_GCM_SALT_LEN];
	u8 rtcp_salt[KSRTP_GCM_SALT_LEN];
	/*
	 * One reference for the SA table, one per packet of a batch in flight:
	 * SA_DEL may run while an io_uring batch is still using the SA.
	 */
	refcount_t ref;
	/* lock protects everything below */
	spinlock_t lock;
	u32 rtcp_last_index;		/* outbound SRTCP: last index sent */
	struct ksrtp_replay rtp_replay;
	struct ksrtp_replay rtcp_replay;
	u64 rtcp_bits[KSRTP_RTCP_REPLAY_WINDOW / 64];
	struct ksrtp_sa_stats_k stats;
	u64 rtp_bits[];			/* rtp_replay bitmap */
};

/* SA parameters after validation (from struct ksrtp_sa_add). */
struct ksrtp_sa_params {
	u32 profile;
	u32 direction;
	u32 ssrc;
	u32 flags;
	u32 replay_window;		/* 0: default */
	u32 roc;
	u32 rtcp_index;			/* outbound: last SRTCP index sent */
};

/* Key length of a profile, 0 when unknown. */
unsigned int ksrtp_profile_key_len(u32 profile);

/*
 * RFC 3711 section 4.3 PRF with key derivation rate 0: out[0..n) =
 * AES-CM keystream of master_key at (salt zero-padded to 14 octets, label
 * at octet 7) * 2^16. A 12-octet GCM salt is padded as libsrtp does.
 */
int ksrtp_kdf(const u8 *master_key, unsigned int key_len, const u8 *master_salt,
	      unsigned int salt_len, u8 label, u8 *out, unsigned int n);

/* All four session keys and salts of a GCM profile; wiped on failure. */
int ksrtp_derive_keys(u32 profile, const u8 *master_key, const u8 *master_salt,
		      struct ksrtp_session_keys *keys);

/* Validate p: 0 or -EINVAL / -EOPNOTSUPP. */
int ksrtp_sa_params_check(const struct ksrtp_sa_params *p);

/* A new SA keyed with keys (which the caller wipes); ERR_PTR on failure. */
struct ksrtp_sa *ksrtp_sa_new(const struct ksrtp_sa_params *p,
			      const struct ksrtp_session_keys *keys);

/* Free an SA; its transforms and state are wiped. */
void ksrtp_sa_free(struct ksrtp_sa *sa);

static inline void ksrtp_sa_get(struct ksrtp_sa *sa)
{
	refcount_inc(&sa->ref);
}

/* Drop a reference; the last one frees (process context: may sleep). */
static inline void ksrtp_sa_put(struct ksrtp_sa *sa)
{
	if (refcount_dec_and_test(&sa->ref))
		ksrtp_sa_free(sa);
}

/* The per-file SA table. */
struct ksrtp_sa_table {
	struct xarray xa;
	u32 count;
	u32 max;
	u32 next;			/* xa_alloc_cyclic() cursor */
};

void ksrtp_sa_table_init(struct ksrtp_sa_table *t, u32 max);
/* Insert sa under a fresh id (stored in sa->id); -ENOSPC when full. */
int ksrtp_sa_table_insert(struct ksrtp_sa_table *t, struct ksrtp_sa *sa);
/* Remove and drop the table's reference; -ENOENT when id is not in t. */
int ksrtp_sa_table_remove(struct ksrtp_sa_table *t, u32 id);
/* Remove every SA, dropping the table's references. */
void ksrtp_sa_table_destroy(struct ksrtp_sa_table *t);

static inline struct ksrtp_sa *ksrtp_sa_find(struct ksrtp_sa_table *t, u32 id)
{
	return xa_load(&t->xa, id);
}

/* Snapshot of an SA's counters. */
void ksrtp_sa_get_stats(struct ksrtp_sa *sa, struct ksrtp_sa_stats_k *out);

#endif /* _KSRTP_SA_H */
