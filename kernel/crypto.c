// SPDX-License-Identifier: GPL-2.0
/* gcm(aes) seal and open primitives over the crypto API. */
#include <linux/err.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/ksrtp.h>

#include "compat.h"
#include "crypto.h"

struct ksrtp_crypto_info ksrtp_crypto;

int ksrtp_crypto_query(char *driver, size_t len, bool *async)
{
	struct crypto_aead *tfm = crypto_alloc_aead(ksrtp_aead, 0, 0);

	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	strscpy(driver, crypto_tfm_alg_driver_name(crypto_aead_tfm(tfm)), len);
	*async = crypto_aead_alg(tfm)->base.cra_flags & CRYPTO_ALG_ASYNC;
	crypto_free_aead(tfm);
	return 0;
}

int ksrtp_crypto_init(void)
{
	struct crypto_aead *tfm = crypto_alloc_aead(ksrtp_aead, 0, 0);

	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	/* Something other than gcm(aes) under that name (module parameter aead). */
	if (crypto_aead_ivsize(tfm) != KSRTP_GCM_IV_LEN ||
	    crypto_aead_maxauthsize(tfm) < KSRTP_GCM_TAG_LEN) {
		crypto_free_aead(tfm);
		return -EINVAL;
	}
	strscpy(ksrtp_crypto.driver, crypto_tfm_alg_driver_name(crypto_aead_tfm(tfm)),
		sizeof(ksrtp_crypto.driver));
	ksrtp_crypto.async = crypto_aead_alg(tfm)->base.cra_flags & CRYPTO_ALG_ASYNC;
	/* Room for a driver with a larger context registering later. */
	ksrtp_crypto.reqsize = max_t(unsigned int, crypto_aead_reqsize(tfm), 512);
	crypto_free_aead(tfm);
	return 0;
}

struct crypto_aead *ksrtp_aead_new(const u8 *key, unsigned int key_len)
{
	struct crypto_aead *tfm = crypto_alloc_aead(ksrtp_aead, 0, 0);
	int err;

	if (IS_ERR(tfm))
		return tfm;
	err = -EOPNOTSUPP;
	if (crypto_aead_reqsize(tfm) > ksrtp_crypto.reqsize ||
	    crypto_aead_ivsize(tfm) != KSRTP_GCM_IV_LEN)
		goto fail;
	err = crypto_aead_setauthsize(tfm, KSRTP_GCM_TAG_LEN);
	if (!err)
		err = crypto_aead_setkey(tfm, key, key_len);
	if (!err)
		return tfm;
fail:
	crypto_free_aead(tfm);
	return ERR_PTR(err);
}

void ksrtp_wait_init(struct ksrtp_wait *w, void (*done)(struct ksrtp_wait *w))
{
	atomic_set(&w->pending, 1);
	init_completion(&w->comp);
	w->done = done;
}

void ksrtp_wait_all(struct ksrtp_wait *w)
{
	if (!atomic_dec_and_test(&w->pending))
		wait_for_completion(&w->comp);
}

bool ksrtp_wait_arm(struct ksrtp_wait *w)
{
	return atomic_dec_and_test(&w->pending);
}

static void ksrtp_crypt_done(KSRTP_CRYPTO_CB_ARG arg, int err)
{
	struct ksrtp_crypt *c = ksrtp_crypto_cb_data(arg);
	struct ksrtp_wait *w;

	/* A backlogged request moving to the queue: the real result follows. */
	if (err == -EINPROGRESS)
		return;
	c->err = err;
	/* Read w first: once pending reaches 0, c and w belong to the finisher. */
	w = c->wait;
	if (!atomic_dec_and_test(&w->pending))
		return;
	if (w->done)
		w->done(w);
	else
		complete(&w->comp);
}

struct ksrtp_crypt *ksrtp_crypt_alloc(void)
{
	return kzalloc(sizeof(struct ksrtp_crypt) + ksrtp_crypto.reqsize, GFP_KERNEL_ACCOUNT);
}

void ksrtp_crypt_free(struct ksrtp_crypt *c)
{
	kfree_sensitive(c);
}

void ksrtp_sg_reset(struct scatterlist *sg, unsigned int *n)
{
	sg_init_table(sg, KSRTP_SG_MAX);
	*n = 0;
}

int ksrtp_sg_add(struct scatterlist *sg, unsigned int *n, const void *buf, unsigned int len)
{
	const u8 *p = buf;

	while (len) {
		unsigned int off = offset_in_page(p);
		unsigned int chunk = min_t(unsigned int, len, PAGE_SIZE - off);

		if (*n >= KSRTP_SG_MAX)
			return -EINVAL;
		if (is_vmalloc_addr(p))
			sg_set_page(&sg[*n], vmalloc_to_page(p), chunk, off);
		else
			sg_set_buf(&sg[*n], p, chunk);
		(*n)++;
		p += chunk;
		len -= chunk;
	}
	return 0;
}

void ksrtp_sg_end(struct scatterlist *sg, unsigned int n)
{
	if (n)
		sg_mark_end(&sg[n - 1]);
}

void ksrtp_crypt_submit(struct ksrtp_crypt *c, struct crypto_aead *tfm, bool enc,
			bool in_place, unsigned int assoclen, unsigned int cryptlen,
			struct ksrtp_wait *w)
{
	int ret;

	aead_request_set_tfm(&c->req, tfm);
	aead_request_set_callback(&c->req, CRYPTO_TFM_REQ_MAY_BACKLOG |
				  CRYPTO_TFM_REQ_MAY_SLEEP, ksrtp_crypt_done, c);
	aead_request_set_crypt(&c->req, c->src, in_place ? c->src : c->dst, cryptlen, c->iv);
	aead_request_set_ad(&c->req, assoclen);
	c->wait = w;
	c->err = 0;
	atomic_inc(&w->pending);
	ret = enc ? crypto_aead_encrypt(&c->req) : crypto_aead_decrypt(&c->req);
	if (ret == -EINPROGRESS || ret == -EBUSY)
		return;
	/* Finished synchronously: no callback comes. The bias keeps pending > 0. */
	c->err = ret;
	atomic_dec(&w->pending);
}

int ksrtp_crypt_sync(struct ksrtp_crypt *c, struct crypto_aead *tfm, bool enc,
		     bool in_place, unsigned int assoclen, unsigned int cryptlen)
{
	struct ksrtp_wait w;

	ksrtp_wait_init(&w, NULL);
	ksrtp_crypt_submit(c, tfm, enc, in_place, assoclen, cryptlen, &w);
	ksrtp_wait_all(&w);
	return c->err;
}

void ksrtp_gcm_iv(u8 iv[KSRTP_GCM_IV_LEN], const u8 salt[KSRTP_GCM_IV_LEN], u32 ssrc, u64 v)
{
	unsigned int i;

	iv[0] = 0;
	iv[1] = 0;
	put_unaligned_be32(ssrc, iv + 2);
	put_unaligned_be16((u16)(v >> 32), iv + 6);
	put_unaligned_be32((u32)v, iv + 8);
	for (i = 0; i < KSRTP_GCM_IV_LEN; i++)
		iv[i] ^= salt[i];
}
