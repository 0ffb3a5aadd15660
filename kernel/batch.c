// SPDX-License-Identifier: GPL-2.0
/*
 * Batches of SEAL and OPEN over arena slots (RFC 7714 sections 8 and 9).
 *
 * Three passes: prepare every descriptor (validate, parse the header once
 * into locals, estimate the index and check the replay window under the SA
 * lock) and submit its AEAD request; wait once for all of them (the
 * driver may be asynchronous; io_uring batches do not wait, the last
 * completion finishes them, see uring.c); then finish each (commit the
 * index, count, set len and status). Userspace may write the arena at any
 * time: every header byte is read exactly once, and lengths come from the
 * kernel's own copy of the descriptor. A failed OPEN puts the ciphertext
 * back (counter mode undone by encrypting again, its tag sent to kernel
 * scratch, never to the slot) so no unauthenticated plaintext stays in the
 * slot.
 */
#include <linux/bitmap.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "batch.h"
#include "compat.h"
#include "crypto.h"
#include "cryptex.h"

#define RTP_HEADER_LEN		12
#define RTCP_HEADER_LEN		8
#define SRTCP_INDEX_LEN		4
#define TAG_LEN			KSRTP_GCM_TAG_LEN

/* Per-descriptor state between the passes. */
struct ksrtp_job {
	struct ksrtp_sa *sa;	/* NULL: finished in prepare, status set; else a reference */
	u8 *pkt;
	u32 len;
	u32 hdr_len;		/* RTP header; SRTCP: bytes before the tag */
	u64 index;		/* RTP 48-bit index or SRTCP index */
	u32 trailer;		/* SRTCP E + index */
	u32 slot;
	u16 seq;		/* RTP sequence number, as read */
	u16 ext_profile;	/* RTP: extension profile, as read (0: none) */
	u8 cc;			/* RTP: CSRC count */
	bool cryptex;		/* RTP: RFC 9335 applies (cryptex.h) */
	bool slot_marked;
};

void ksrtp_batch_ctx_free(struct ksrtp_batch_ctx *ctx)
{
	u32 i;

	if (!ctx)
		return;
	if (ctx->crypt)
		for (i = 0; i < ctx->max_batch; i++)
			ksrtp_crypt_free(ctx->crypt[i]);
	kvfree(ctx->crypt);
	kvfree(ctx->jobs);
	kvfree(ctx->descs);
	kfree(ctx);
}

struct ksrtp_batch_ctx *ksrtp_batch_ctx_new(struct ksrtp_file *f)
{
	struct ksrtp_batch_ctx *ctx = kzalloc(sizeof(*ctx), GFP_KERNEL_ACCOUNT);

	if (!ctx)
		return NULL;
	ctx->f = f;
	ctx->max_batch = f->max_batch;
	ctx->descs = kvcalloc(f->max_batch, sizeof(*ctx->descs), GFP_KERNEL_ACCOUNT);
	ctx->jobs = kvcalloc(f->max_batch, sizeof(*ctx->jobs), GFP_KERNEL_ACCOUNT);
	ctx->crypt = kvcalloc(f->max_batch, sizeof(*ctx->crypt), GFP_KERNEL_ACCOUNT);
	if (!ctx->descs || !ctx->jobs || !ctx->crypt) {
		ksrtp_batch_ctx_free(ctx);
		return NULL;
	}
	return ctx;
}

/* Shared memory: each byte read once. */
static inline u8 rd8(const u8 *p)
{
	return READ_ONCE(*p);
}

static inline u16 rd16(const u8 *p)
{
	return (u16)rd8(p) << 8 | rd8(p + 1);
}

static inline u32 rd32(const u8 *p)
{
	return (u32)rd16(p) << 16 | rd16(p + 2);
}

/*
 * RFC 3550 section 5.1 header, RFC 3550 5.3.1 extension: lengths checked
 * against len. On KSRTP_ST_MALFORMED, *why is the KSRTP_MAL_* reason.
 * *first is the first byte (X, CC), *profile the extension's (0: none).
 */
static int rtp_parse(const u8 *pkt, u32 len, u32 *ssrc, u16 *seq, u32 *hdr_len, u8 *first,
		     u16 *profile, u32 *why)
{
	u32 hlen;
	u8 b0;

	*why = KSRTP_MAL_TOO_SHORT;
	if (len < RTP_HEADER_LEN)
		return KSRTP_ST_MALFORMED;
	b0 = rd8(pkt);
	*why = KSRTP_MAL_VERSION;
	if ((b0 >> 6) != 2)
		return KSRTP_ST_MALFORMED;
	*seq = rd16(pkt + 2);
	*ssrc = rd32(pkt + 8);
	*first = b0;
	*profile = 0;
	hlen = RTP_HEADER_LEN + 4 * (b0 & 0x0f);
	*why = KSRTP_MAL_CSRC;
	if (hlen > len)
		return KSRTP_ST_MALFORMED;
	if (b0 & 0x10) {
		*why = KSRTP_MAL_EXTENSION;
		if (hlen + 4 > len)
			return KSRTP_ST_MALFORMED;
		*profile = rd16(pkt + hlen);
		hlen += 4 + 4 * (u32)rd16(pkt + hlen + 2);
	}
	if (hlen > len)
		return KSRTP_ST_MALFORMED;
	*hdr_len = hlen;
	return 0;
}

static int rtcp_parse(const u8 *pkt, u32 len, u32 *ssrc, u32 *why)
{
	*why = len < RTCP_HEADER_LEN ? KSRTP_MAL_TOO_SHORT : KSRTP_MAL_VERSION;
	if (len < RTCP_HEADER_LEN || (rd8(pkt) >> 6) != 2)
		return KSRTP_ST_MALFORMED;
	*ssrc = rd32(pkt + 4);
	return 0;
}

/* Error path only: the reasons are counted under the SA lock with the rest. */
static void count_malformed(struct ksrtp_sa *sa, u32 why)
{
	spin_lock(&sa->lock);
	sa->stats.malformed++;
	sa->stats.malformed_by[why]++;
	spin_unlock(&sa->lock);
}

static int sg_build(struct ksrtp_crypt *c, bool dst, const void *a, u32 alen,
		    const void *b, u32 blen, const void *x, u32 xlen, const void *t, u32 tlen)
{
	struct scatterlist *sg = dst ? c->dst : c->src;
	unsigned int *n = dst ? &c->ndst : &c->nsrc;
	int err;

	ksrtp_sg_reset(sg, n);
	err = ksrtp_sg_add(sg, n, a, alen);
	if (!err && blen)
		err = ksrtp_sg_add(sg, n, b, blen);
	if (!err && xlen)
		err = ksrtp_sg_add(sg, n, x, xlen);
	if (!err && tlen)
		err = ksrtp_sg_add(sg, n, t, tlen);
	ksrtp_sg_end(sg, *n);
	return err;
}

/*
 * The AEAD input of SRTP packet j: pkt[0..len), then the 16-byte tag at tag
 * (NULL: none). The AAD is rtp_aad_len(j) bytes: the header (RFC 7714
 * section 8.2), or for cryptex the fixed and extension headers, which the
 * scatterlist gathers (cryptex.h).
 */
static int rtp_sg(struct ksrtp_crypt *c, bool dst, const struct ksrtp_job *j, u32 len,
		  void *tag)
{
	if (j->cryptex)
		return ksrtp_cryptex_sg(c, dst, j->pkt, len, j->cc, tag);
	return sg_build(c, dst, j->pkt, len, tag, tag ? TAG_LEN : 0, NULL, 0, NULL, 0);
}

static u32 rtp_aad_len(const struct ksrtp_job *j)
{
	return j->cryptex ? KSRTP_CRYPTEX_AAD_LEN : j->hdr_len;
}

/* An OPEN that KSRTP_SA_REQUIRE_CRYPTEX refused: error path only. */
static void count_no_cryptex(struct ksrtp_sa *sa)
{
	spin_lock(&sa->lock);
	sa->stats.no_cryptex++;
	spin_unlock(&sa->lock);
}

/* ---- SRTP ---- */

static int seal_rtp(struct ksrtp_job *j, struct ksrtp_crypt *c, struct ksrtp_wait *w)
{
	struct ksrtp_sa *sa = j->sa;
	u32 ssrc, hdr_len, grown, why;
	u16 seq, profile;
	int err = 0;
	s64 index;
	u8 b0;

	err = rtp_parse(j->pkt, j->len, &ssrc, &seq, &hdr_len, &b0, &profile, &why);
	if (err)
		return err;
	if (ssrc != sa->ssrc)
		return KSRTP_ST_NOSTREAM;
	/* SAs without cryptex pay this one flag test (cryptex.h). */
	if (sa->flags & KSRTP_SA_CRYPTEX) {
		err = ksrtp_cryptex_classify(sa->flags, true, b0, profile);
		if (err < 0)
			return err;
		j->cryptex = err;
	}
	spin_lock(&sa->lock);
	index = ksrtp_rtp_index_guess(&sa->rtp_replay, sa->roc_init, seq);
	if (index < 0) {
		err = KSRTP_ST_INDEX;
	} else {
		err = ksrtp_replay_check(&sa->rtp_replay, index);
		if (err)
			sa->stats.replays++;
	}
	if (!err) {
		/* Committed before sealing: a nonce is never used twice. */
		ksrtp_replay_commit(&sa->rtp_replay, index);
		sa->stats.packets++;
		sa->stats.bytes += j->len - hdr_len;
	}
	spin_unlock(&sa->lock);
	if (err)
		return err;
	j->hdr_len = hdr_len;
	j->index = index;
	if (j->cryptex) {
		j->cc = b0 & 0x0f;
		grown = ksrtp_cryptex_encode(j->pkt, j->len, b0, profile);
		j->len += grown;
		j->hdr_len += grown;
	}
	ksrtp_gcm_iv(c->iv, sa->rtp_salt, sa->ssrc, index);
	if (rtp_sg(c, false, j, j->len + TAG_LEN, NULL))
		return KSRTP_ST_KERNEL;
	ksrtp_crypt_submit(c, sa->rtp_tfm, true, true, rtp_aad_len(j), j->len - rtp_aad_len(j), w);
	return 1;
}

static int open_rtp(struct ksrtp_job *j, struct ksrtp_crypt *c, struct ksrtp_wait *w)
{
	struct ksrtp_sa *sa = j->sa;
	u32 ssrc, hdr_len, why;
	u16 seq, profile;
	int err = 0;
	s64 index;
	u8 b0;

	err = rtp_parse(j->pkt, j->len, &ssrc, &seq, &hdr_len, &b0, &profile, &why);
	if (err) {
		count_malformed(sa, why);
		return err;
	}
	if (ssrc != sa->ssrc)
		return KSRTP_ST_NOSTREAM;
	if (j->len < hdr_len + TAG_LEN) {
		count_malformed(sa, KSRTP_MAL_NO_TAG);
		return KSRTP_ST_MALFORMED;
	}
	if (sa->flags & KSRTP_SA_CRYPTEX) {
		err = ksrtp_cryptex_classify(sa->flags, false, b0, profile);
		if (err < 0) {
			count_no_cryptex(sa);
			return err;
		}
		j->cryptex = err;
		j->cc = b0 & 0x0f;
		j->ext_profile = profile;
	}
	spin_lock(&sa->lock);
	index = ksrtp_rtp_index_guess(&sa->rtp_replay, sa->roc_init, seq);
	err = index < 0 ? KSRTP_ST_REPLAY : ksrtp_replay_check(&sa->rtp_replay, index);
	if (err)
		sa->stats.replays++;
	spin_unlock(&sa->lock);
	if (err)
		return err;
	j->hdr_len = hdr_len;
	j->index = index;
	j->seq = seq;
	ksrtp_gcm_iv(c->iv, sa->rtp_salt, sa->ssrc, index);
	if (rtp_sg(c, false, j, j->len, NULL))
		return KSRTP_ST_KERNEL;
	ksrtp_crypt_submit(c, sa->rtp_tfm, false, true, rtp_aad_len(j), j->len - rtp_aad_len(j), w);
	return 1;
}

/*
 * Put the ciphertext back after a decryption that must not stand: encrypt
 * the (plaintext) region again with the same IV, tag to kernel scratch.
 * Only when the decryption ran (restore: it succeeded or only the tag was
 * wrong): a driver error may come before any byte was decrypted, and
 * encrypting the ciphertext would then write the plaintext. Otherwise, or
 * if the restoring encryption fails, wipe the region: never leave
 * plaintext behind. That a driver writes its output before it reports
 * -EBADMSG is not promised by the crypto API, only done by generic gcm,
 * AES-NI and pcrypt: the load-time self-test's tamper check (the slot must
 * be the forged packet again) refuses a driver that does not.
 */
static void undo_open_rtp(struct ksrtp_job *j, struct ksrtp_crypt *c, bool restore)
{
	u32 aad_len = rtp_aad_len(j), ct_len = j->len - TAG_LEN - aad_len;

	if (!ct_len)
		return;
	if (restore && !rtp_sg(c, false, j, j->len - TAG_LEN, NULL) &&
	    !rtp_sg(c, true, j, j->len - TAG_LEN, c->tag) &&
	    !ksrtp_crypt_sync(c, j->sa->rtp_tfm, true, false, aad_len, ct_len))
		return;
	if (j->cryptex)
		ksrtp_cryptex_wipe(j->pkt, j->len - TAG_LEN, j->cc);
	else
		memzero_explicit(j->pkt + j->hdr_len, ct_len);
}

/* ---- SRTCP ---- */

static int seal_rtcp(struct ksrtp_job *j, struct ksrtp_crypt *c, struct ksrtp_wait *w)
{
	struct ksrtp_sa *sa = j->sa;
	u32 ssrc, why, index = 0;
	u8 *pkt = j->pkt;
	int err;

	err = rtcp_parse(pkt, j->len, &ssrc, &why);
	if (err)
		return err;
	if (ssrc != sa->ssrc)
		return KSRTP_ST_NOSTREAM;
	spin_lock(&sa->lock);
	if (sa->rtcp_last_index >= KSRTP_SRTCP_INDEX_MAX) {
		err = KSRTP_ST_INDEX;
	} else {
		/* libsrtp's SRTCP index starts at 1; so does libksrtp's. */
		index = ++sa->rtcp_last_index;
		sa->stats.packets++;
		sa->stats.bytes += j->len - RTCP_HEADER_LEN;
	}
	spin_unlock(&sa->lock);
	if (err)
		return err;
	j->trailer = index;
	if (!(sa->flags & KSRTP_SA_RTCP_UNENCRYPTED))
		j->trailer |= KSRTP_SRTCP_E_FLAG;
	c->tail = cpu_to_be32(j->trailer);
	ksrtp_gcm_iv(c->iv, sa->rtcp_salt, sa->ssrc, index);
	if (j->trailer & KSRTP_SRTCP_E_FLAG) {
		/* RFC 7714 9.1: AAD = first 8 octets || E + index; the rest encrypted. */
		if (sg_build(c, false, pkt, RTCP_HEADER_LEN, &c->tail, SRTCP_INDEX_LEN,
			     pkt + RTCP_HEADER_LEN, j->len - RTCP_HEADER_LEN + TAG_LEN, NULL, 0))
			return KSRTP_ST_KERNEL;
		ksrtp_crypt_submit(c, sa->rtcp_tfm, true, true, RTCP_HEADER_LEN + SRTCP_INDEX_LEN,
				   j->len - RTCP_HEADER_LEN, w);
	} else {
		/* RFC 7714 9.3: AAD = the whole packet || E + index, nothing encrypted. */
		if (sg_build(c, false, pkt, j->len, &c->tail, SRTCP_INDEX_LEN,
			     pkt + j->len, TAG_LEN, NULL, 0))
			return KSRTP_ST_KERNEL;
		ksrtp_crypt_submit(c, sa->rtcp_tfm, true, true, j->len + SRTCP_INDEX_LEN, 0, w);
	}
	return 1;
}

static int open_rtcp(struct ksrtp_job *j, struct ksrtp_crypt *c, struct ksrtp_wait *w)
{
	struct ksrtp_sa *sa = j->sa;
	u32 ssrc, body_len, trailer, why;
	bool encrypted;
	u8 *pkt = j->pkt;
	int err;

	err = rtcp_parse(pkt, j->len, &ssrc, &why);
	if (!err && ssrc != sa->ssrc)
		return KSRTP_ST_NOSTREAM;
	if (!err && j->len < RTCP_HEADER_LEN + SRTCP_INDEX_LEN + TAG_LEN) {
		err = KSRTP_ST_MALFORMED;
		why = KSRTP_MAL_RTCP_SHORT;
	}
	if (err) {
		count_malformed(sa, why);
		return err;
	}
	/* RFC 7714 9.1: header || body || tag || E + index. */
	body_len = j->len - TAG_LEN - SRTCP_INDEX_LEN;
	trailer = rd32(pkt + j->len - SRTCP_INDEX_LEN);
	encrypted = trailer & KSRTP_SRTCP_E_FLAG;
	if (encrypted != !(sa->flags & KSRTP_SA_RTCP_UNENCRYPTED)) {
		count_malformed(sa, KSRTP_MAL_RTCP_E_FLAG);
		return KSRTP_ST_MALFORMED;
	}
	j->index = trailer & KSRTP_SRTCP_INDEX_MAX;
	spin_lock(&sa->lock);
	err = ksrtp_replay_check(&sa->rtcp_replay, j->index);
	if (err)
		sa->stats.replays++;
	spin_unlock(&sa->lock);
	if (err)
		return err;
	j->hdr_len = body_len;
	j->trailer = trailer;
	c->tail = cpu_to_be32(trailer);
	ksrtp_gcm_iv(c->iv, sa->rtcp_salt, sa->ssrc, j->index);
	if (encrypted) {
		if (sg_build(c, false, pkt, RTCP_HEADER_LEN, &c->tail, SRTCP_INDEX_LEN,
			     pkt + RTCP_HEADER_LEN, body_len - RTCP_HEADER_LEN + TAG_LEN, NULL, 0))
			return KSRTP_ST_KERNEL;
		ksrtp_crypt_submit(c, sa->rtcp_tfm, false, true, RTCP_HEADER_LEN + SRTCP_INDEX_LEN,
				   body_len - RTCP_HEADER_LEN + TAG_LEN, w);
	} else {
		/* RFC 7714 9.3: the tag sits between body and trailer; the AAD skips it. */
		if (sg_build(c, false, pkt, body_len, &c->tail, SRTCP_INDEX_LEN,
			     pkt + body_len, TAG_LEN, NULL, 0))
			return KSRTP_ST_KERNEL;
		ksrtp_crypt_submit(c, sa->rtcp_tfm, false, true, body_len + SRTCP_INDEX_LEN,
				   TAG_LEN, w);
	}
	return 1;
}

/* As undo_open_rtp(). */
static void undo_open_rtcp(struct ksrtp_job *j, struct ksrtp_crypt *c, bool restore)
{
	u32 ct_len = j->hdr_len - RTCP_HEADER_LEN;
	u8 *pkt = j->pkt;

	if (!(j->trailer & KSRTP_SRTCP_E_FLAG) || !ct_len)
		return;
	if (restore &&
	    !sg_build(c, false, pkt, RTCP_HEADER_LEN, &c->tail, SRTCP_INDEX_LEN,
		      pkt + RTCP_HEADER_LEN, ct_len, NULL, 0) &&
	    !sg_build(c, true, pkt, RTCP_HEADER_LEN, &c->tail, SRTCP_INDEX_LEN,
		      pkt + RTCP_HEADER_LEN, ct_len, c->tag, TAG_LEN) &&
	    !ksrtp_crypt_sync(c, j->sa->rtcp_tfm, true, false,
			      RTCP_HEADER_LEN + SRTCP_INDEX_LEN, ct_len))
		return;
	memzero_explicit(pkt + RTCP_HEADER_LEN, ct_len);
}

/* ---- the batch ---- */

/* Validate one descriptor; returns 0 and fills j (an SA reference taken), or a status. */
static int desc_check(struct ksrtp_file *f, const struct ksrtp_desc *d, bool seal,
		      struct ksrtp_job *j)
{
	struct ksrtp_sa *sa;

	if (d->slot >= f->nslots || d->len > KSRTP_SLOT_SIZE)
		return KSRTP_ST_INVAL;
	/*
	 * Two descriptors on one slot, in this batch or in another one in
	 * flight on the file, would have the crypto race itself.
	 */
	if (test_and_set_bit_lock(d->slot, f->busy_slots))
		return KSRTP_ST_INVAL;
	j->slot = d->slot;
	j->slot_marked = true;
	sa = ksrtp_sa_find(&f->sas, d->sa);
	if (!sa || sa->direction != (seal ? KSRTP_DIR_OUTBOUND : KSRTP_DIR_INBOUND))
		return KSRTP_ST_NOSTREAM;
	if (seal && d->len > KSRTP_SLOT_SIZE - KSRTP_SEAL_TRAILER)
		return KSRTP_ST_NOSPACE;
	/* SA_DEL may come before the batch finishes (io_uring): hold it. */
	ksrtp_sa_get(sa);
	j->sa = sa;
	j->pkt = f->arena + (size_t)d->slot * KSRTP_SLOT_SIZE;
	j->len = d->len;
	return 0;
}

/*
 * The index of an RTP packet was guessed before the packets ahead of it in
 * the batch were committed. When it fails to authenticate and those
 * commits change the guess (a rollover inside the batch), put the
 * ciphertext back and try again under the new guess: the same index a
 * packet-by-packet open would have used.
 */
static void open_rtp_reguess(struct ksrtp_job *j, struct ksrtp_crypt *c)
{
	struct ksrtp_sa *sa = j->sa;
	s64 index;

	spin_lock(&sa->lock);
	index = ksrtp_rtp_index_guess(&sa->rtp_replay, sa->roc_init, j->seq);
	if (index >= 0 && ksrtp_replay_check(&sa->rtp_replay, index))
		index = -1;
	spin_unlock(&sa->lock);
	if (index < 0 || index == j->index)
		return;
	undo_open_rtp(j, c, true);
	j->index = index;
	ksrtp_gcm_iv(c->iv, sa->rtp_salt, sa->ssrc, index);
	/* The ciphertext is back: -EBADMSG would have it encrypted again. */
	c->err = -EINVAL;
	if (rtp_sg(c, false, j, j->len, NULL))
		return;
	c->err = ksrtp_crypt_sync(c, sa->rtp_tfm, false, true, rtp_aad_len(j),
				  j->len - rtp_aad_len(j));
}

static bool open_finish(struct ksrtp_job *j, struct ksrtp_crypt *c, bool rtcp, s32 *status)
{
	struct ksrtp_sa *sa = j->sa;
	struct ksrtp_replay *r = rtcp ? &sa->rtcp_replay : &sa->rtp_replay;
	bool restore;
	int err = 0;

	if (!rtcp && c->err == -EBADMSG)
		open_rtp_reguess(j, c);
	spin_lock(&sa->lock);
	if (c->err == -EBADMSG) {
		sa->stats.auth_failures++;
		err = KSRTP_ST_AUTH;
	} else if (c->err) {
		err = KSRTP_ST_KERNEL;
	} else if (ksrtp_replay_check(r, j->index)) {
		/* An earlier packet of this batch, or a concurrent one, took the index. */
		sa->stats.replays++;
		err = KSRTP_ST_REPLAY;
	} else {
		ksrtp_replay_commit(r, j->index);
		sa->stats.packets++;
		sa->stats.bytes += rtcp ? j->hdr_len - RTCP_HEADER_LEN
					: j->len - j->hdr_len - TAG_LEN;
	}
	spin_unlock(&sa->lock);
	*status = err;
	if (!err) {
		if (j->cryptex)
			ksrtp_cryptex_decode(j->pkt, j->cc, j->ext_profile);
		return true;
	}
	/* -EBADMSG: decrypted, tag wrong; any other error: the slot's state is unknown. */
	restore = !c->err || c->err == -EBADMSG;
	if (rtcp)
		undo_open_rtcp(j, c, restore);
	else
		undo_open_rtp(j, c, restore);
	return false;
}

int ksrtp_batch_submit(struct ksrtp_batch_ctx *ctx, u32 count, u32 flags, bool seal)
{
	struct ksrtp_file *f = ctx->f;
	struct ksrtp_desc *d = ctx->d;
	const bool rtcp = flags & KSRTP_BATCH_RTCP;
	u32 i;

	lockdep_assert_held(&f->lock);
	if (flags & ~KSRTP_BATCH_FLAGS)
		return -EINVAL;
	if (count > ctx->max_batch)
		return -EINVAL;
	if (!f->arena)
		return -ENXIO;
	ctx->count = count;
	ctx->seal = seal;
	ctx->rtcp = rtcp;
	ctx->all_or_nothing = flags & KSRTP_BATCH_ALL_OR_NOTHING;
	for (i = 0; i < count; i++) {
		struct ksrtp_job *j = &ctx->jobs[i];
		struct ksrtp_crypt *c;
		int ret;

		memset(j, 0, sizeof(*j));
		ret = desc_check(f, &d[i], seal, j);
		if (!ret && !ctx->crypt[i]) {
			/* Once per context slot, never again: not a per-packet allocation. */
			ctx->crypt[i] = ksrtp_crypt_alloc();
			if (!ctx->crypt[i])
				ret = KSRTP_ST_NOMEM;
		}
		if (!ret) {
			struct ksrtp_wait *w = &ctx->wait;

			c = ctx->crypt[i];
			if (seal)
				ret = rtcp ? seal_rtcp(j, c, w) : seal_rtp(j, c, w);
			else
				ret = rtcp ? open_rtcp(j, c, w) : open_rtp(j, c, w);
			if (ret == 1)
				continue;
		}
		/* Finished here; the table still holds the SA, so this is never the last put. */
		if (j->sa)
			ksrtp_sa_put(j->sa);
		j->sa = NULL;
		d[i].status = ret;
	}
	return 0;
}

int ksrtp_batch_finish(struct ksrtp_batch_ctx *ctx)
{
	struct ksrtp_file *f = ctx->f;
	struct ksrtp_desc *d = ctx->d;
	const bool rtcp = ctx->rtcp;
	int done = 0;
	u32 i;

	for (i = 0; i < ctx->count; i++) {
		struct ksrtp_job *j = &ctx->jobs[i];
		struct ksrtp_crypt *c = ctx->crypt[i];

		if (!j->sa)
			goto release;
		if (ctx->seal) {
			if (c->err) {
				d[i].status = KSRTP_ST_KERNEL;
				goto put;
			}
			if (rtcp) {
				memcpy(j->pkt + j->len + TAG_LEN, &c->tail, SRTCP_INDEX_LEN);
				d[i].len = j->len + TAG_LEN + SRTCP_INDEX_LEN;
			} else {
				d[i].len = j->len + TAG_LEN;
			}
			d[i].status = KSRTP_ST_OK;
			done++;
			goto put;
		}
		if (open_finish(j, c, rtcp, &d[i].status)) {
			d[i].len = rtcp ? j->hdr_len : j->len - TAG_LEN;
			done++;
		}
put:
		/* After SA_DEL or close() this is the last reference: may sleep. */
		ksrtp_sa_put(j->sa);
		j->sa = NULL;
release:
		/* The slot is done with only now: a restoring OPEN wrote it last. */
		if (j->slot_marked)
			clear_bit_unlock(j->slot, f->busy_slots);
	}
	/* A negative result fails a URING_CMD, so io_uring cancels what is linked to it. */
	if (ctx->all_or_nothing && done != ctx->count)
		return -EBADMSG;
	return done;
}

int ksrtp_batch_run(struct ksrtp_file *f, struct ksrtp_desc *d, u32 count, u32 flags,
		    bool seal)
{
	struct ksrtp_batch_ctx *ctx;
	int ret;

	lockdep_assert_held(&f->lock);
	if (flags & ~KSRTP_BATCH_FLAGS)
		return -EINVAL;
	if (count > f->max_batch)
		return -EINVAL;
	if (!count)
		return 0;
	if (!f->arena)
		return -ENXIO;
	if (!f->bctx)
		f->bctx = ksrtp_batch_ctx_new(f);
	ctx = f->bctx;
	if (!ctx)
		return -ENOMEM;
	ctx->d = d;
	ksrtp_wait_init(&ctx->wait, NULL);
	ret = ksrtp_batch_submit(ctx, count, flags, seal);
	if (ret)
		return ret;
	/* One wait for everything in flight. */
	ksrtp_wait_all(&ctx->wait);
	return ksrtp_batch_finish(ctx);
}

long ksrtp_batch_user(struct ksrtp_file *f, const struct ksrtp_batch *b, bool seal)
{
	void __user *udescs = u64_to_user_ptr(b->descs);
	size_t size;
	long ret;

	if (b->flags & ~KSRTP_BATCH_FLAGS)
		return -EINVAL;
	if (b->count > f->max_batch)
		return -EINVAL;
	if (!b->count)
		return 0;
	size = (size_t)b->count * sizeof(struct ksrtp_desc);
	if (mutex_lock_interruptible(&f->lock))
		return -EINTR;
	ret = -ENXIO;
	if (!f->arena)
		goto out;
	ret = -ENOMEM;
	if (!f->bctx)
		f->bctx = ksrtp_batch_ctx_new(f);
	if (!f->bctx)
		goto out;
	ret = -EFAULT;
	if (copy_from_user(f->bctx->descs, udescs, size))
		goto out;
	ret = ksrtp_batch_run(f, f->bctx->descs, b->count, b->flags, seal);
	/* -EBADMSG (KSRTP_BATCH_ALL_OR_NOTHING) still hands back every status. */
	if ((ret >= 0 || ret == -EBADMSG) && copy_to_user(udescs, f->bctx->descs, size))
		ret = -EFAULT;
out:
	mutex_unlock(&f->lock);
	return ret;
}
