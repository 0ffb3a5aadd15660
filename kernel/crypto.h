/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gcm(aes) through the kernel crypto API: transforms, preallocated requests
 * over scatterlists of arena slots, and one wait for a whole batch of
 * possibly asynchronous requests.
 */
#ifndef _KSRTP_CRYPTO_H
#define _KSRTP_CRYPTO_H

#include <crypto/aead.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/scatterlist.h>

#define KSRTP_GCM_IV_LEN	12
#define KSRTP_SG_MAX		8

/* Filled in by ksrtp_crypto_init(). */
struct ksrtp_crypto_info {
	char driver[CRYPTO_MAX_ALG_NAME];
	bool async;
	unsigned int reqsize;	/* largest request context supported */
};

extern struct ksrtp_crypto_info ksrtp_crypto;
/* The module parameter aead: the crypto API name ksrtp allocates. */
extern char *ksrtp_aead;

/* Probe gcm(aes): driver name, async flag, request size. */
int ksrtp_crypto_init(void);
/* The driver gcm(aes) resolves to now (INFO). */
int ksrtp_crypto_query(char *driver, size_t len, bool *async);

/* A gcm(aes) transform keyed with key, 16-byte tag. */
struct crypto_aead *ksrtp_aead_new(const u8 *key, unsigned int key_len);

/*
 * Outstanding requests of one batch. Either someone sleeps in
 * ksrtp_wait_all() (ioctl, self-test), or, when done is set, whoever
 * completes the last request calls done (io_uring): that may be a crypto
 * callback in softirq, so done must not sleep.
 */
struct ksrtp_wait {
	atomic_t pending;	/* requests in flight + 1 while submitting */
	struct completion comp;
	void (*done)(struct ksrtp_wait *w);
};

void ksrtp_wait_init(struct ksrtp_wait *w, void (*done)(struct ksrtp_wait *w));
/* After the last submission: wait until every request has completed. */
void ksrtp_wait_all(struct ksrtp_wait *w);
/*
 * After the last submission, instead of waiting: drop the submitter's
 * count. True when every request has already completed (the caller
 * finishes, done is not called); false when done will be called.
 */
bool ksrtp_wait_arm(struct ksrtp_wait *w);

/* One preallocated AEAD request with its scatterlists and scratch space. */
struct ksrtp_crypt {
	struct scatterlist src[KSRTP_SG_MAX];
	struct scatterlist dst[KSRTP_SG_MAX];
	unsigned int nsrc, ndst;
	u8 iv[KSRTP_GCM_IV_LEN];
	__be32 tail;		/* SRTCP E + index: part of the AAD */
	u8 tag[16];		/* where a restoring encryption puts its tag */
	int err;		/* result once the batch wait is over */
	struct ksrtp_wait *wait;
	struct aead_request req; /* followed by the transform's context */
};

struct ksrtp_crypt *ksrtp_crypt_alloc(void);
void ksrtp_crypt_free(struct ksrtp_crypt *c);

/* Scatterlist building: reset, then add ranges (kmalloc or vmalloc memory). */
void ksrtp_sg_reset(struct scatterlist *sg, unsigned int *n);
int ksrtp_sg_add(struct scatterlist *sg, unsigned int *n, const void *buf, unsigned int len);
void ksrtp_sg_end(struct scatterlist *sg, unsigned int n);

/*
 * Start encrypting (enc) or decrypting c->src into dst (c->src or c->dst)
 * with c->iv; completion is counted in w, the result lands in c->err.
 */
void ksrtp_crypt_submit(struct ksrtp_crypt *c, struct crypto_aead *tfm, bool enc,
			bool in_place, unsigned int assoclen, unsigned int cryptlen,
			struct ksrtp_wait *w);

/* Submit and wait for this one request; returns its result. */
int ksrtp_crypt_sync(struct ksrtp_crypt *c, struct crypto_aead *tfm, bool enc,
		     bool in_place, unsigned int assoclen, unsigned int cryptlen);

/* iv = (00 00 || ssrc || v as 48 bits) XOR salt (RFC 7714 sections 8.1, 9.1). */
void ksrtp_gcm_iv(u8 iv[KSRTP_GCM_IV_LEN], const u8 salt[KSRTP_GCM_IV_LEN], u32 ssrc, u64 v);

#endif /* _KSRTP_CRYPTO_H */
