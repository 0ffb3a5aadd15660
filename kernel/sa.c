// SPDX-License-Identifier: GPL-2.0
/*
 * SAs: key derivation (RFC 3711 section 4.3, as RFC 7714 section 11 keeps
 * it), creation with keys handed straight to gcm(aes) transforms, wiping on
 * free, and the per-file table of SA ids.
 */
#include <crypto/aes.h>
#include <linux/err.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/ksrtp.h>

#include "crypto.h"
#include "sa.h"

/* Key derivation labels, RFC 3711 section 4.3.2. */
enum {
	LABEL_RTP_ENCRYPTION = 0x00,
	LABEL_RTP_SALT = 0x02,
	LABEL_RTCP_ENCRYPTION = 0x03,
	LABEL_RTCP_SALT = 0x05,
};

unsigned int ksrtp_profile_key_len(u32 profile)
{
	switch (profile) {
	case KSRTP_PROF_AEAD_AES_128_GCM:
		return 16;
	case KSRTP_PROF_AEAD_AES_256_GCM:
		return 32;
	default:
		return 0;
	}
}

int ksrtp_kdf(const u8 *master_key, unsigned int key_len, const u8 *master_salt,
	      unsigned int salt_len, u8 label, u8 *out, unsigned int n)
{
	struct crypto_aes_ctx *aes;
	u8 block[AES_BLOCK_SIZE], ks[AES_BLOCK_SIZE];
	unsigned int i, chunk;
	u16 ctr = 0;
	int err;

	if (salt_len > 14 || n > 0xffff * AES_BLOCK_SIZE)
		return -EINVAL;
	aes = kmalloc(sizeof(*aes), GFP_KERNEL);
	if (!aes)
		return -ENOMEM;
	err = aes_expandkey(aes, master_key, key_len);
	if (err)
		goto out;
	memset(block, 0, sizeof(block));
	memcpy(block, master_salt, salt_len);
	block[7] ^= label;
	for (i = 0; i < n; i += chunk) {
		block[14] = ctr >> 8;
		block[15] = ctr & 0xff;
		aes_encrypt(aes, ks, block);
		chunk = min_t(unsigned int, n - i, AES_BLOCK_SIZE);
		memcpy(out + i, ks, chunk);
		ctr++;
	}
out:
	memzero_explicit(ks, sizeof(ks));
	kfree_sensitive(aes);
	return err;
}

int ksrtp_derive_keys(u32 profile, const u8 *master_key, const u8 *master_salt,
		      struct ksrtp_session_keys *keys)
{
	unsigned int kl = ksrtp_profile_key_len(profile);
	const unsigned int sl = KSRTP_GCM_SALT_LEN;
	int err;

	if (!kl)
		return -EINVAL;
	memset(keys, 0, sizeof(*keys));
	err = ksrtp_kdf(master_key, kl, master_salt, sl, LABEL_RTP_ENCRYPTION,
			keys->rtp_key, kl);
	if (!err)
		err = ksrtp_kdf(master_key, kl, master_salt, sl, LABEL_RTP_SALT,
				keys->rtp_salt, sl);
	if (!err)
		err = ksrtp_kdf(master_key, kl, master_salt, sl,
				LABEL_RTCP_ENCRYPTION, keys->rtcp_key, kl);
	if (!err)
		err = ksrtp_kdf(master_key, kl, master_salt, sl, LABEL_RTCP_SALT,
				keys->rtcp_salt, sl);
	if (err)
		memzero_explicit(keys, sizeof(*keys));
	return err;
}

int ksrtp_sa_params_check(const struct ksrtp_sa_params *p)
{
	if (!ksrtp_profile_key_len(p->profile))
		return -EINVAL;
	if (p->direction != KSRTP_DIR_OUTBOUND && p->direction != KSRTP_DIR_INBOUND)
		return -EINVAL;
	if (p->replay_window && (p->replay_window < KSRTP_WINDOW_MIN ||
				 p->replay_window > KSRTP_WINDOW_MAX))
		return -EINVAL;
	/* Bit 1 is libksrtp's KSRTP_ALLOW_REPEAT_TX: nonce reuse, never here. */
	if (p->flags & 2u)
		return -EOPNOTSUPP;
	if (p->flags & ~KSRTP_SA_FLAGS)
		return -EINVAL;
	/* RFC 9335 section 5.2: requiring cryptex is for inbound SAs that have it. */
	if ((p->flags & KSRTP_SA_REQUIRE_CRYPTEX) &&
	    (!(p->flags & KSRTP_SA_CRYPTEX) || p->direction != KSRTP_DIR_INBOUND))
		return -EINVAL;
	if (p->rtcp_index >= KSRTP_SRTCP_INDEX_MAX ||
	    (p->rtcp_index && p->direction != KSRTP_DIR_OUTBOUND))
		return -EINVAL;
	return 0;
}

struct ksrtp_sa *ksrtp_sa_new(const struct ksrtp_sa_params *p,
			      const struct ksrtp_session_keys *keys)
{
	u32 window = p->replay_window ? p->replay_window : KSRTP_WINDOW_DEFAULT;
	unsigned int kl = ksrtp_profile_key_len(p->profile);
	struct ksrtp_sa *sa;
	int err;

	sa = kzalloc(sizeof(*sa) + ksrtp_replay_bitmap_size(window), GFP_KERNEL_ACCOUNT);
	if (!sa)
		return ERR_PTR(-ENOMEM);
	sa->ssrc = p->ssrc;
	sa->flags = p->flags;
	sa->roc_init = p->roc;
	sa->rtcp_last_index = p->rtcp_index;
	sa->key_len = kl;
	sa->direction = p->direction;
	sa->profile = p->profile;
	refcount_set(&sa->ref, 1);
	spin_lock_init(&sa->lock);
	ksrtp_replay_init(&sa->rtp_replay, window, sa->rtp_bits);
	ksrtp_replay_init(&sa->rtcp_replay, KSRTP_RTCP_REPLAY_WINDOW, sa->rtcp_bits);
	memcpy(sa->rtp_salt, keys->rtp_salt, sizeof(sa->rtp_salt));
	memcpy(sa->rtcp_salt, keys->rtcp_salt, sizeof(sa->rtcp_salt));
	sa->rtp_tfm = ksrtp_aead_new(keys->rtp_key, kl);
	if (IS_ERR(sa->rtp_tfm)) {
		err = PTR_ERR(sa->rtp_tfm);
		sa->rtp_tfm = NULL;
		goto fail;
	}
	sa->rtcp_tfm = ksrtp_aead_new(keys->rtcp_key, kl);
	if (IS_ERR(sa->rtcp_tfm)) {
		err = PTR_ERR(sa->rtcp_tfm);
		sa->rtcp_tfm = NULL;
		goto fail;
	}
	return sa;
fail:
	ksrtp_sa_free(sa);
	return ERR_PTR(err);
}

void ksrtp_sa_free(struct ksrtp_sa *sa)
{
	if (!sa)
		return;
	/* crypto_free_aead() wipes the transform context (the key schedule). */
	crypto_free_aead(sa->rtp_tfm);
	crypto_free_aead(sa->rtcp_tfm);
	kfree_sensitive(sa);
}

void ksrtp_sa_get_stats(struct ksrtp_sa *sa, struct ksrtp_sa_stats_k *out)
{
	spin_lock(&sa->lock);
	*out = sa->stats;
	spin_unlock(&sa->lock);
}

void ksrtp_sa_table_init(struct ksrtp_sa_table *t, u32 max)
{
	xa_init_flags(&t->xa, XA_FLAGS_ALLOC1);
	t->count = 0;
	t->max = max;
	t->next = 1;
}

int ksrtp_sa_table_insert(struct ksrtp_sa_table *t, struct ksrtp_sa *sa)
{
	int err;

	if (t->count >= t->max)
		return -ENOSPC;
	/* Cyclic, so a deleted SA's id is not soon handed out again. */
	err = xa_alloc_cyclic(&t->xa, &sa->id, sa, XA_LIMIT(1, U32_MAX), &t->next,
			      GFP_KERNEL);
	if (err < 0)
		return err == -EBUSY ? -ENOSPC : err;
	t->count++;
	return 0;
}

int ksrtp_sa_table_remove(struct ksrtp_sa_table *t, u32 id)
{
	struct ksrtp_sa *sa;

	if (!id)
		return -ENOENT;
	sa = xa_erase(&t->xa, id);
	if (!sa)
		return -ENOENT;
	t->count--;
	ksrtp_sa_put(sa);
	return 0;
}

void ksrtp_sa_table_destroy(struct ksrtp_sa_table *t)
{
	struct ksrtp_sa *sa;
	unsigned long id;

	xa_for_each(&t->xa, id, sa) {
		xa_erase(&t->xa, id);
		ksrtp_sa_put(sa);
	}
	xa_destroy(&t->xa);
	t->count = 0;
}
