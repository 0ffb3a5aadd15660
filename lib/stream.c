// SPDX-License-Identifier: MIT
/* Stream setup: session key expansion, replay state, cloning from a template. */
#include <stdlib.h>

#include "cryptex.h"
#include "stream.h"

int ksrtp_policy_check(const struct ksrtp_policy *p)
{
	const struct ksrtp_profile_info *info;

	if (!p)
		return KSRTP_EINVAL;
	info = ksrtp_profile_info(p->profile);
	if (!info)
		return KSRTP_EINVAL;
	if (p->direction != KSRTP_OUTBOUND && p->direction != KSRTP_INBOUND)
		return KSRTP_EINVAL;
	if (!p->key || p->key_len != info->key_len || !p->salt || p->salt_len != info->salt_len)
		return KSRTP_EINVAL;
	if (p->replay_window &&
	    (p->replay_window < KSRTP_REPLAY_WINDOW_MIN || p->replay_window > KSRTP_REPLAY_WINDOW_MAX))
		return KSRTP_EINVAL;
	if (p->flags & ~(uint32_t)(KSRTP_RTCP_UNENCRYPTED | KSRTP_ALLOW_REPEAT_TX |
				   KSRTP_CRYPTEX_FLAGS | KSRTP_STRIP_PADDING))
		return KSRTP_EINVAL;
	if (ksrtp_cryptex_policy_check(p))
		return KSRTP_EINVAL;
	return ksrtp_pad_check(p);
}

void ksrtp_hmac_sha1_precompute(IMB_MGR *mgr, const uint8_t key[KSRTP_HMAC_SHA1_LEN],
				uint8_t ipad[32], uint8_t opad[32])
{
	uint8_t block[IMB_SHA1_BLOCK_SIZE];
	size_t i;

	memset(block, 0x36, sizeof(block));
	for (i = 0; i < KSRTP_HMAC_SHA1_LEN; i++)
		block[i] ^= key[i];
	IMB_SHA1_ONE_BLOCK(mgr, block, ipad);
	memset(block, 0x5c, sizeof(block));
	for (i = 0; i < KSRTP_HMAC_SHA1_LEN; i++)
		block[i] ^= key[i];
	IMB_SHA1_ONE_BLOCK(mgr, block, opad);
	ksrtp_wipe(block, sizeof(block));
}

static void cm_keyset_init(IMB_MGR *mgr, struct ksrtp_cm_keyset *ks, const uint8_t *key,
			   const uint8_t *salt, const uint8_t *auth)
{
	uint8_t dec[16 * 11] __attribute__((aligned(16)));

	IMB_AES_KEYEXP_128(mgr, key, ks->enc, dec);
	ksrtp_wipe(dec, sizeof(dec));
	ksrtp_hmac_sha1_precompute(mgr, auth, ks->ipad, ks->opad);
	memcpy(ks->salt, salt, KSRTP_SALT_STORE_LEN);
}

struct ksrtp_stream *ksrtp_stream_new(const struct ksrtp_policy *p,
				      const struct ksrtp_session_keys *keys, int *err)
{
	const struct ksrtp_profile_info *info = ksrtp_profile_info(p->profile);
	uint32_t window = p->replay_window ? p->replay_window : KSRTP_REPLAY_WINDOW_DEFAULT;
	size_t size = sizeof(struct ksrtp_stream) + ksrtp_replay_bitmap_size(window);
	struct ksrtp_stream *st;
	IMB_MGR *mgr = ksrtp_imb();

	if (!mgr) {
		*err = KSRTP_ENOMEM;
		return NULL;
	}
	size = (size + 63) & ~(size_t)63;
	st = aligned_alloc(64, size);
	if (!st) {
		*err = KSRTP_ENOMEM;
		return NULL;
	}
	memset(st, 0, sizeof(*st));
	st->alloc_size = size;
	st->ssrc = p->ssrc;
	st->flags = p->flags;
	st->roc_init = p->roc;
	st->profile = (uint8_t)p->profile;
	st->direction = (uint8_t)p->direction;
	st->rtp_tag_len = info->rtp_tag_len;
	st->rtcp_tag_len = info->rtcp_tag_len;
	st->gcm = info->gcm;
	ksrtp_pad_init(&st->pad, p);
	ksrtp_replay_init(&st->rtp_replay, window, st->rtp_bits);
	ksrtp_replay_init(&st->rtcp_replay, KSRTP_RTCP_REPLAY_WINDOW, st->rtcp_bits);

	if (info->gcm) {
		struct ksrtp_gcm_keys *g = &st->keys.gcm;

		if (p->profile == KSRTP_AEAD_AES_128_GCM)
			IMB_AES128_GCM_PRE(mgr, keys->rtp_key, &g->rtp);
		else
			IMB_AES256_GCM_PRE(mgr, keys->rtp_key, &g->rtp);
		memcpy(g->rtp_salt, keys->rtp_salt, KSRTP_SALT_STORE_LEN);
		memcpy(g->rtcp_salt, keys->rtcp_salt, KSRTP_SALT_STORE_LEN);
		memcpy(g->rtcp_key, keys->rtcp_key, info->key_len);
	} else {
		cm_keyset_init(mgr, &st->keys.cm.rtp, keys->rtp_key, keys->rtp_salt, keys->rtp_auth);
		cm_keyset_init(mgr, &st->keys.cm.rtcp, keys->rtcp_key, keys->rtcp_salt,
			       keys->rtcp_auth);
	}
	return st;
}

struct ksrtp_stream *ksrtp_stream_clone(const struct ksrtp_stream *t, uint32_t ssrc)
{
	struct ksrtp_stream *st = aligned_alloc(64, t->alloc_size);

	if (!st)
		return NULL;
	memcpy(st, t, sizeof(*st));
	st->ssrc = ssrc;
	memset(&st->stats, 0, sizeof(st->stats));
	ksrtp_replay_init(&st->rtp_replay, t->rtp_replay.window, st->rtp_bits);
	ksrtp_replay_init(&st->rtcp_replay, KSRTP_RTCP_REPLAY_WINDOW, st->rtcp_bits);
	st->rtcp_last_index = 0;
	return st;
}

void ksrtp_stream_free(struct ksrtp_stream *st)
{
	if (!st)
		return;
	ksrtp_wipe(st, st->alloc_size);
	free(st);
}
