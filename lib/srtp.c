// SPDX-License-Identifier: MIT
/*
 * SRTP protect and unprotect (RFC 3711 section 3.3, RFC 7714 section 8), one
 * packet or a batch. Both go through the same per-packet steps, inlined:
 *
 *   parse the header, find the stream, estimate the index, check the replay
 *   window; then crypto; then commit the index.
 *
 * GCM packets are sealed or opened on the spot with ipsec-mb's direct API.
 * AES-CM packets are staged as job-manager operations and run per chunk, so
 * the HMAC-SHA1s of a batch share the multi-buffer lanes. When opening, the
 * HMACs run first and only packets that authenticate are decrypted: a forged
 * packet is never decrypted at all.
 */
#include "crypto.h"
#include "cryptex.h"
#include "engine_kernel.h"
#include "padding.h"
#include "rtp.h"
#include "session.h"
#include "telemetry.h"

#define BATCH_CHUNK 32
#define STAGED 1	/* an AES-CM packet waits in its ksrtp_cm_op */
#define always_inline inline __attribute__((always_inline))

struct rtp_job {
	struct ksrtp_pkt *pkt;
	struct ksrtp_stream *st;	/* the stream, or the template that keys it */
	bool is_template;
	uint32_t ssrc;
	uint32_t hdr_len;
	uint64_t index;
	bool cryptex;			/* RFC 9335 applies to this packet (cryptex.h) */
	uint8_t saved_tag[KSRTP_HMAC_SHA1_LEN];
};

/*
 * Software pipeline for batches: the SSRC table slot of packet i + 8 and the
 * stream of packet i + 4 are fetched while packet i is sealed or opened. With
 * thousands of streams their state is out of cache, and without this each
 * packet waits for its misses one after the other (ksrtp-bench crypto, 100 000
 * streams in random order, batch 32: growth over 1 stream 7.3-7.7x -> 4.4-5.1x
 * protect, 6.1-6.8x -> 5.0-5.3x unprotect). Below PREFETCH_MIN_STREAMS the
 * state stays cached (100 streams: <= 1.07x) and the pipeline would only add
 * its 42 instructions a packet (callgrind), so small sessions skip it.
 */
#define PREFETCH_SLOT_AHEAD 8
#define PREFETCH_STREAM_AHEAD 4
#define PREFETCH_MIN_STREAMS 512

static always_inline bool peek_ssrc(const struct ksrtp_pkt *p, uint32_t *ssrc)
{
	if (!p->data || p->len < KSRTP_RTP_HEADER_LEN)
		return false;
	*ssrc = ksrtp_load_be32(p->data + 8);
	return true;
}

static always_inline void prefetch_ahead(const ksrtp_session *s, enum ksrtp_direction dir,
					 const struct ksrtp_pkt *v, unsigned int i, unsigned int n)
{
	const struct ksrtp_stream_table *t = &s->streams[dir - 1];
	const struct ksrtp_stream *st;
	uint32_t ssrc;

	if (t->count < PREFETCH_MIN_STREAMS)
		return;
	if (i + PREFETCH_SLOT_AHEAD < n && peek_ssrc(&v[i + PREFETCH_SLOT_AHEAD], &ssrc))
		__builtin_prefetch(&t->slots[ksrtp_table_home(t, ssrc)]);
	if (i + PREFETCH_STREAM_AHEAD < n && peek_ssrc(&v[i + PREFETCH_STREAM_AHEAD], &ssrc)) {
		st = ksrtp_table_find(t, ssrc);
		if (st)
			ksrtp_stream_prefetch(st);
	}
}

/*
 * A refused packet: inbound, counted in the session's telemetry and, with
 * st, its stream's (telemetry.h); outbound, only a refused index counts, as
 * a replay of the stream. Out of line; rtp_refused() returns err inline, so
 * the compiler still sees which calls fail.
 */
static __attribute__((cold, noinline)) void rtp_count_refused(ksrtp_session *s,
							       enum ksrtp_direction dir,
							       struct ksrtp_stream *st, int err,
							       enum ksrtp_malformed_reason reason)
{
	if (dir == KSRTP_INBOUND)
		ksrtp_tm_refused(&s->stats, st ? &st->stats : NULL, err, reason);
	else if (st && (err == KSRTP_EREPLAY || err == KSRTP_EINDEX))
		st->stats.replays++;
}

static always_inline int rtp_refused(ksrtp_session *s, enum ksrtp_direction dir,
				     struct ksrtp_stream *st, int err,
				     enum ksrtp_malformed_reason reason)
{
	rtp_count_refused(s, dir, st, err, reason);
	return err;
}

/* A packet whose header does not parse (or that is too long): no SSRC to trust. */
static always_inline int rtp_header_refused(ksrtp_session *s, enum ksrtp_direction dir,
					    const struct ksrtp_pkt *p)
{
	if (dir == KSRTP_INBOUND)
		rtp_count_refused(s, dir, NULL, KSRTP_EMALFORMED,
				  ksrtp_tm_header_reason(p->data, p->len, false));
	return KSRTP_EMALFORMED;
}

/*
 * Parse, look up and index one packet. With defer_replay, an AES-CM packet's
 * window check (and an index that would predate 0) is left for later: the
 * caller decides once the packets staged before this one are committed. GCM
 * packets are opened and committed in order, so their state is always exact.
 */
static always_inline int rtp_prepare(ksrtp_session *s, enum ksrtp_direction dir,
				     struct rtp_job *j, bool defer_replay)
{
	struct ksrtp_rtp_header h;
	struct ksrtp_stream *st;
	int64_t index;
	int err;

	if (unlikely(!j->pkt->data))
		return KSRTP_EINVAL;
	if (unlikely(j->pkt->len > KSRTP_MAX_PACKET_LEN))
		return rtp_header_refused(s, dir, j->pkt);
	err = ksrtp_rtp_parse(j->pkt->data, j->pkt->len, &h);
	if (unlikely(err))
		return rtp_header_refused(s, dir, j->pkt);
	st = ksrtp_session_stream(s, dir, h.ssrc, &j->is_template);
	if (unlikely(!st))
		return rtp_refused(s, dir, NULL, KSRTP_ENOSTREAM, 0);
	if (dir == KSRTP_INBOUND && unlikely(j->pkt->len < h.header_len + st->rtp_tag_len))
		return rtp_refused(s, dir, j->is_template ? NULL : st, KSRTP_EMALFORMED,
				   KSRTP_MALFORMED_NO_TAG);
	/* Streams without cryptex pay this one flag test (cryptex.h). */
	j->cryptex = false;
	if (unlikely(st->flags & KSRTP_CRYPTEX)) {
		err = ksrtp_cryptex_classify(st, dir, !j->is_template, j->pkt->data);
		if (unlikely(err < 0))	/* the classifier counted the stream's no_cryptex */
			return rtp_refused(s, dir, NULL, err, KSRTP_MALFORMED_OTHER);
		j->cryptex = err;
		err = 0;
	}
	index = ksrtp_rtp_index_guess(&st->rtp_replay, st->roc_init, h.seq);
	if (defer_replay && !st->gcm)
		index = index < 0 ? h.seq : index;
	else if (unlikely(index < 0))
		err = dir == KSRTP_OUTBOUND ? KSRTP_EINDEX : KSRTP_EREPLAY;
	else if (dir == KSRTP_INBOUND || !(st->flags & KSRTP_ALLOW_REPEAT_TX))
		err = ksrtp_replay_check(&st->rtp_replay, (uint64_t)index);
	if (unlikely(err))
		return rtp_refused(s, dir, j->is_template ? NULL : st, err, 0);
	j->st = st;
	j->ssrc = h.ssrc;
	j->hdr_len = h.header_len;
	j->index = (uint64_t)index;
	return 0;
}

/*
 * The stream that owns an authenticated (or outbound) packet: a template's
 * packet gets a stream of its own, unless an earlier packet of the same batch
 * already made one.
 */
static always_inline struct ksrtp_stream *rtp_owner(ksrtp_session *s, enum ksrtp_direction dir,
						    struct rtp_job *j)
{
	struct ksrtp_stream *st;

	if (likely(!j->is_template))
		return j->st;
	st = ksrtp_table_find(&s->streams[dir - 1], j->ssrc);
	return st ? st : ksrtp_session_adopt(s, dir, j->ssrc);
}

static always_inline void rtp_account(struct ksrtp_stream *st, uint32_t payload)
{
	st->stats.packets++;
	st->stats.bytes += payload;
}

/*
 * Size padding (padding.h), before the index is committed, so a packet that
 * cannot be padded changes nothing. j->st may still be a template: its
 * policy is the stream's, its train empty as a new stream's.
 */
static __attribute__((noinline)) int rtp_pad(struct ksrtp_pkt *p, const struct rtp_job *j)
{
	uint32_t grow = j->cryptex ? ksrtp_pad_cryptex_growth(p->data) : 0;
	int n = ksrtp_pad_apply(&j->st->pad, p->data, p->len, j->hdr_len,
				p->cap - KSRTP_MAX_TRAILER, grow);

	if (n < 0)
		return n;
	p->len = (uint32_t)n;
	return 0;
}

/* Seal one packet: 0 or an error for GCM, STAGED with *op filled for AES-CM. */
static always_inline int protect_one(ksrtp_session *s, IMB_MGR *mgr, struct ksrtp_pkt *p,
				     struct rtp_job *j, struct ksrtp_cm_op *op)
{
	struct ksrtp_stream *st;
	int err;

	if (unlikely(p->cap < KSRTP_MAX_TRAILER || p->len > p->cap - KSRTP_MAX_TRAILER))
		return KSRTP_ENOSPACE;
	j->pkt = p;
	err = rtp_prepare(s, KSRTP_OUTBOUND, j, false);
	if (unlikely(err))
		return err;
	if (unlikely(j->st->pad.policy)) {
		err = rtp_pad(p, j);
		if (unlikely(err))
			return err;
	}
	st = rtp_owner(s, KSRTP_OUTBOUND, j);
	if (unlikely(!st))
		return KSRTP_ENOMEM;
	/* The sender's index is committed before sealing: sealing cannot fail. */
	ksrtp_replay_commit(&st->rtp_replay, j->index);
	if (unlikely(j->cryptex)) {
		uint32_t grown = ksrtp_cryptex_encode(p->data, p->len);

		p->len += grown;
		j->hdr_len += grown;
	}
	rtp_account(st, p->len - j->hdr_len);
	if (likely(st->gcm)) {
		if (unlikely(j->cryptex))
			ksrtp_cryptex_seal_gcm(mgr, st, p->data, p->len, j->ssrc, j->index);
		else
			ksrtp_gcm_seal_rtp(mgr, st, p->data, j->hdr_len, p->len, j->ssrc, j->index);
		if (unlikely(st->pad.policy))
			ksrtp_pad_sent(&st->pad, p->data, p->len);
		p->len += KSRTP_GCM_TAG_LEN;
		return 0;
	}
	/* RFC 3711 section 4.2: authenticate packet || ROC. */
	j->st = st;
	ksrtp_store_be32(p->data + p->len, (uint32_t)(j->index >> 16));
	op->keys = &st->keys.cm.rtp;
	ksrtp_cm_iv(op->iv, op->keys, j->ssrc, j->index);
	op->buf = p->data;
	op->cipher_offset = j->hdr_len;
	op->cipher_len = p->len - j->hdr_len;
	op->hash_len = p->len + 4;
	if (unlikely(j->cryptex))
		return ksrtp_cryptex_cm_stage_seal(mgr, op, p->len) ?: STAGED;
	return STAGED;
}

static always_inline int protect_staged_done(struct rtp_job *j, const struct ksrtp_cm_op *op)
{
	struct ksrtp_pkt *p = j->pkt;

	if (unlikely(op->status))
		return op->status;
	if (unlikely(j->st->pad.policy))
		ksrtp_pad_sent(&j->st->pad, p->data, p->len);
	memcpy(p->data + p->len, op->tag, j->st->rtp_tag_len);
	p->len += j->st->rtp_tag_len;
	return 0;
}

/* Authenticated and not a replay: record the index, or refuse a duplicate of this batch. */
static always_inline int rtp_accept(ksrtp_session *s, struct rtp_job *j)
{
	struct ksrtp_stream *st = rtp_owner(s, KSRTP_INBOUND, j);

	if (unlikely(!st))
		return KSRTP_ENOMEM;
	if (unlikely(ksrtp_replay_check(&st->rtp_replay, j->index)))
		return rtp_refused(s, KSRTP_INBOUND, st, KSRTP_EREPLAY, 0);
	ksrtp_replay_commit(&st->rtp_replay, j->index);
	rtp_account(st, j->pkt->len - j->hdr_len - st->rtp_tag_len);
	return 0;
}

static void count_auth_failure(ksrtp_session *s, struct rtp_job *j)
{
	rtp_refused(s, KSRTP_INBOUND, j->is_template ? NULL : j->st, KSRTP_EAUTH, 0);
}

/*
 * KSRTP_STRIP_PADDING, once the packet has authenticated and before its
 * index is committed: refuse a padding count (count, the plaintext's last
 * octet) of 0 or past the payload (RFC 3550 section 5.1).
 */
static __attribute__((noinline)) int padding_check(ksrtp_session *s, const struct rtp_job *j,
						    uint8_t count, uint32_t payload_len)
{
	if (!(j->pkt->data[0] & KSRTP_RTP_PADDING_BIT) || (count && count <= payload_len))
		return 0;
	return rtp_refused(s, KSRTP_INBOUND, j->is_template ? NULL : j->st, KSRTP_EMALFORMED,
			   KSRTP_MALFORMED_PADDING);
}

/*
 * AES-CM: padding_check() before the payload is decrypted, on the last
 * octet alone: one keystream block, the one covering it (RFC 3711 section
 * 4.1.1: block b is AES(IV + b); ksrtp_cm_iv() leaves the low 16 bits 0).
 * The keystream starts at the payload, or at the CSRCs for cryptex.
 */
static __attribute__((noinline)) int cm_padding_check(ksrtp_session *s, IMB_MGR *mgr,
							const struct rtp_job *j, uint32_t auth_len)
{
	uint32_t payload_len = auth_len - j->hdr_len;
	uint32_t pos = auth_len - (j->cryptex ? KSRTP_CRYPTEX_AAD_LEN : j->hdr_len) - 1;
	uint8_t block[16] = { 0 };
	struct ksrtp_cm_op op;

	if (!(j->pkt->data[0] & KSRTP_RTP_PADDING_BIT) || !payload_len)
		return padding_check(s, j, 0, payload_len);
	block[pos % 16] = j->pkt->data[auth_len - 1];
	op.keys = &j->st->keys.cm.rtp;
	ksrtp_cm_iv(op.iv, op.keys, j->ssrc, j->index);
	op.iv[14] = (uint8_t)(pos / 16 >> 8);
	op.iv[15] = (uint8_t)(pos / 16);
	op.buf = block;
	op.cipher_offset = 0;
	op.cipher_len = pos % 16 + 1;
	op.hash_len = 0;
	ksrtp_cm_run(mgr, &op, 1);
	if (op.status)
		return op.status;
	return padding_check(s, j, block[pos % 16], payload_len);
}

/* Remove the padding padding_check() passed, and the P bit. */
static void strip_padding(struct rtp_job *j)
{
	int n = ksrtp_pad_strip(j->pkt->data, j->pkt->len, j->hdr_len);

	if (n >= 0)
		j->pkt->len = (uint32_t)n;
}

/*
 * unprotect_one() for GCM. cryptex is a constant in each copy: the common one
 * has no trace of RFC 9335, the cryptex one is unprotect_gcm_cryptex().
 */
static always_inline int unprotect_gcm(ksrtp_session *s, IMB_MGR *mgr, struct ksrtp_pkt *p,
				       struct rtp_job *j, const bool cryptex)
{
	int err;

	if (cryptex)
		err = ksrtp_cryptex_open_gcm(mgr, j->st, p->data, p->len, j->ssrc, j->index);
	else
		err = ksrtp_gcm_open_rtp(mgr, j->st, p->data, j->hdr_len, p->len, j->ssrc,
					 j->index);
	if (unlikely(err)) {
		count_auth_failure(s, j);
		return err;
	}
	if (unlikely(j->st->flags & KSRTP_STRIP_PADDING))
		err = padding_check(s, j, p->data[p->len - KSRTP_GCM_TAG_LEN - 1],
				    p->len - KSRTP_GCM_TAG_LEN - j->hdr_len);
	if (likely(!err))
		err = rtp_accept(s, j);
	if (unlikely(err)) { /* undo the decryption */
		if (cryptex)
			ksrtp_cryptex_seal_gcm(mgr, j->st, p->data,
					       p->len - KSRTP_GCM_TAG_LEN, j->ssrc, j->index);
		else
			ksrtp_gcm_seal_rtp(mgr, j->st, p->data, j->hdr_len,
					   p->len - KSRTP_GCM_TAG_LEN, j->ssrc, j->index);
		return err;
	}
	if (cryptex)
		ksrtp_cryptex_decode(p->data);
	p->len -= KSRTP_GCM_TAG_LEN;
	if (unlikely(j->st->flags & KSRTP_STRIP_PADDING))
		strip_padding(j);
	return 0;
}

static __attribute__((noinline)) int unprotect_gcm_cryptex(ksrtp_session *s, IMB_MGR *mgr,
						       struct ksrtp_pkt *p, struct rtp_job *j)
{
	return unprotect_gcm(s, mgr, p, j, true);
}

/*
 * Open one packet: 0 or an error for GCM; for AES-CM, STAGED with *op set to
 * compute the tag (the ROC takes the tag's place, RFC 3711 section 4.2,
 * which stays aside in j->saved_tag until unprotect_verify puts it back).
 * staged_before: AES-CM packets of this batch are staged but not committed,
 * so the stream state is not yet what this packet would meet alone.
 */
static always_inline int unprotect_one(ksrtp_session *s, IMB_MGR *mgr, struct ksrtp_pkt *p,
				       struct rtp_job *j, struct ksrtp_cm_op *op,
				       bool staged_before)
{
	uint32_t auth_len;
	int err;

	j->pkt = p;
	err = rtp_prepare(s, KSRTP_INBOUND, j, staged_before);
	if (unlikely(err))
		return err;
	if (likely(j->st->gcm)) {
		if (unlikely(j->cryptex))
			return unprotect_gcm_cryptex(s, mgr, p, j);
		return unprotect_gcm(s, mgr, p, j, false);
	}
	auth_len = p->len - j->st->rtp_tag_len;
	memcpy(j->saved_tag, p->data + auth_len, j->st->rtp_tag_len);
	ksrtp_store_be32(p->data + auth_len, (uint32_t)(j->index >> 16));
	op->keys = &j->st->keys.cm.rtp;
	op->buf = p->data;
	op->cipher_len = 0;
	op->hash_len = auth_len + 4;
	return STAGED;
}

/*
 * The index of a staged packet, guessed again now that the packets before it
 * in the batch are committed. Staging guessed it from the state before the
 * batch; across a wrap or a long jump inside one batch the ROC can differ (or
 * the packet be in the window after all), and a packet opened alone would
 * have been checked under the new guess.
 */
static always_inline int64_t staged_index_now(ksrtp_session *s, const struct rtp_job *j)
{
	const struct ksrtp_stream *st = j->st;

	if (j->is_template) {
		const struct ksrtp_stream *own = ksrtp_table_find(&s->streams[KSRTP_INBOUND - 1],
								 j->ssrc);
		if (own)
			st = own;
	}
	return ksrtp_rtp_index_guess(&st->rtp_replay, st->roc_init, (uint16_t)j->index);
}

/*
 * After the HMAC ran: put the tag back, compare, commit; on success turn *op
 * into the payload's decryption and return STAGED.
 */
static always_inline int unprotect_verify(ksrtp_session *s, IMB_MGR *mgr, struct rtp_job *j,
					  struct ksrtp_cm_op *op)
{
	struct ksrtp_pkt *p = j->pkt;
	uint8_t tag_len = j->st->rtp_tag_len;
	uint32_t auth_len = p->len - tag_len;
	int64_t index = staged_index_now(s, j);
	int err = op->status;

	if (unlikely(index != (int64_t)j->index) && !err) {
		if (index < 0) {
			err = rtp_refused(s, KSRTP_INBOUND, j->is_template ? NULL : j->st,
					  KSRTP_EREPLAY, 0);
		} else {
			/* Authenticate again under the ROC a lone packet would get. */
			j->index = (uint64_t)index;
			ksrtp_store_be32(p->data + auth_len, (uint32_t)(j->index >> 16));
			ksrtp_cm_run(mgr, op, 1);
			err = op->status;
		}
	}
	memcpy(p->data + auth_len, j->saved_tag, tag_len);
	if (!err && ksrtp_ct_memcmp(op->tag, j->saved_tag, tag_len)) {
		count_auth_failure(s, j);
		err = KSRTP_EAUTH;
	}
	if (!err && unlikely(j->st->flags & KSRTP_STRIP_PADDING))
		err = cm_padding_check(s, mgr, j, auth_len);
	if (!err)
		err = rtp_accept(s, j);
	if (err)
		return err;
	ksrtp_cm_iv(op->iv, op->keys, j->ssrc, j->index);
	op->cipher_offset = j->hdr_len;
	op->cipher_len = auth_len - j->hdr_len;
	op->hash_len = 0;
	if (unlikely(j->cryptex))
		ksrtp_cryptex_cm_stage_open(op, auth_len);
	return STAGED;
}

static always_inline int unprotect_decrypted(struct rtp_job *j, const struct ksrtp_cm_op *op)
{
	if (unlikely(j->cryptex))
		ksrtp_cryptex_cm_opened(j->pkt->data, op->status);
	if (unlikely(op->status))
		return op->status;
	j->pkt->len -= j->st->rtp_tag_len;
	if (unlikely(j->st->flags & KSRTP_STRIP_PADDING))
		strip_padding(j);
	return 0;
}

/*
 * A batch that cannot run at all (no ipsec-mb manager for this thread): every
 * status says so, so that no caller reading statuses alone takes a packet
 * for sealed or opened.
 */
static int batch_refused(struct ksrtp_pkt *v, unsigned int n, int err)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		v[i].status = err;
	return err;
}

int ksrtp_protect_batch(ksrtp_session *s, struct ksrtp_pkt *v, unsigned int n)
{
	struct rtp_job jobs[BATCH_CHUNK];
	struct ksrtp_cm_op ops[BATCH_CHUNK];
	unsigned int base, i, n_cm;
	IMB_MGR *mgr;
	int done = 0;

	if (!s || (!v && n))
		return KSRTP_EINVAL;
	if (unlikely(s->kernel))
		return ksrtp_kernel_batch(s->kernel, KSRTP_KOP_PROTECT, v, n);
	mgr = ksrtp_imb();
	if (!mgr)
		return batch_refused(v, n, KSRTP_ENOMEM);
	for (base = 0; base < n; base += BATCH_CHUNK) {
		unsigned int chunk = n - base < BATCH_CHUNK ? n - base : BATCH_CHUNK;

		n_cm = 0;
		for (i = 0; i < chunk; i++) {
			struct ksrtp_pkt *p = &v[base + i];

			prefetch_ahead(s, KSRTP_OUTBOUND, v, base + i, n);
			p->status = protect_one(s, mgr, p, &jobs[n_cm], &ops[n_cm]);
			if (p->status == STAGED)
				n_cm++;
			else if (!p->status)
				done++;
		}
		if (!n_cm)
			continue;
		ksrtp_cm_run(mgr, ops, n_cm);
		for (i = 0; i < n_cm; i++) {
			jobs[i].pkt->status = protect_staged_done(&jobs[i], &ops[i]);
			if (!jobs[i].pkt->status)
				done++;
		}
	}
	return done;
}

int ksrtp_unprotect_batch(ksrtp_session *s, struct ksrtp_pkt *v, unsigned int n)
{
	struct rtp_job jobs[BATCH_CHUNK];
	struct ksrtp_cm_op ops[BATCH_CHUNK];
	unsigned int base, i, n_cm, n_dec;
	IMB_MGR *mgr;
	int done = 0;

	if (!s || (!v && n))
		return KSRTP_EINVAL;
	if (unlikely(s->kernel))
		return ksrtp_kernel_batch(s->kernel, KSRTP_KOP_UNPROTECT, v, n);
	mgr = ksrtp_imb();
	if (!mgr)
		return batch_refused(v, n, KSRTP_ENOMEM);
	for (base = 0; base < n; base += BATCH_CHUNK) {
		unsigned int chunk = n - base < BATCH_CHUNK ? n - base : BATCH_CHUNK;

		n_cm = 0;
		for (i = 0; i < chunk; i++) {
			struct ksrtp_pkt *p = &v[base + i];

			prefetch_ahead(s, KSRTP_INBOUND, v, base + i, n);
			p->status = unprotect_one(s, mgr, p, &jobs[n_cm], &ops[n_cm], n_cm > 0);
			if (p->status == STAGED)
				n_cm++;
			else if (!p->status)
				done++;
		}
		if (!n_cm)
			continue;
		ksrtp_cm_run(mgr, ops, n_cm);
		/* Authenticated packets are committed in order, then decrypted together. */
		n_dec = 0;
		for (i = 0; i < n_cm; i++) {
			jobs[i].pkt->status = unprotect_verify(s, mgr, &jobs[i], &ops[i]);
			if (jobs[i].pkt->status != STAGED)
				continue;
			jobs[n_dec] = jobs[i];
			ops[n_dec] = ops[i];
			n_dec++;
		}
		ksrtp_cm_run(mgr, ops, n_dec);
		for (i = 0; i < n_dec; i++) {
			jobs[i].pkt->status = unprotect_decrypted(&jobs[i], &ops[i]);
			if (!jobs[i].pkt->status)
				done++;
		}
	}
	return done;
}

/* The single-packet calls: the same steps, without the batch bookkeeping. */
static always_inline int single_begin(ksrtp_session *s, uint8_t *pkt, const size_t *len,
				      size_t cap, struct ksrtp_pkt *p, IMB_MGR **mgr)
{
	if (unlikely(!s || !pkt || !len))
		return KSRTP_EINVAL;
	if (unlikely(*len > KSRTP_MAX_PACKET_LEN))
		return KSRTP_EMALFORMED;
	*mgr = ksrtp_imb();
	if (unlikely(!*mgr))
		return KSRTP_ENOMEM;
	p->data = pkt;
	p->len = (uint32_t)*len;
	p->cap = cap > UINT32_MAX ? UINT32_MAX : (uint32_t)cap;
	return 0;
}

int ksrtp_protect(ksrtp_session *s, uint8_t *pkt, size_t *len, size_t cap)
{
	struct ksrtp_pkt p;
	struct rtp_job j;
	struct ksrtp_cm_op op;
	IMB_MGR *mgr;
	int err;

	if (unlikely(!s))
		return KSRTP_EINVAL;
	if (unlikely(s->kernel))
		return ksrtp_kernel_one(s->kernel, KSRTP_KOP_PROTECT, pkt, len, cap);
	err = single_begin(s, pkt, len, cap, &p, &mgr);
	if (unlikely(err))
		return err;
	err = protect_one(s, mgr, &p, &j, &op);
	if (err == STAGED) {
		ksrtp_cm_run(mgr, &op, 1);
		err = protect_staged_done(&j, &op);
	}
	if (likely(!err))
		*len = p.len;
	return err;
}

int ksrtp_unprotect(ksrtp_session *s, uint8_t *pkt, size_t *len)
{
	struct ksrtp_pkt p;
	struct rtp_job j;
	struct ksrtp_cm_op op;
	IMB_MGR *mgr;
	int err;

	if (unlikely(!s))
		return KSRTP_EINVAL;
	if (unlikely(s->kernel))
		return ksrtp_kernel_one(s->kernel, KSRTP_KOP_UNPROTECT, pkt, len, 0);
	err = single_begin(s, pkt, len, len ? *len : 0, &p, &mgr);
	if (unlikely(err))
		return err == KSRTP_EMALFORMED ? rtp_refused(s, KSRTP_INBOUND, NULL, err,
							     KSRTP_MALFORMED_OVERSIZE) : err;
	err = unprotect_one(s, mgr, &p, &j, &op, false);
	if (err == STAGED) {
		ksrtp_cm_run(mgr, &op, 1);
		err = unprotect_verify(s, mgr, &j, &op);
	}
	if (err == STAGED) {
		ksrtp_cm_run(mgr, &op, 1);
		err = unprotect_decrypted(&j, &op);
	}
	if (likely(!err))
		*len = p.len;
	return err;
}
