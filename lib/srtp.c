// SPDX-License-Identifier: MIT
/*
 * SRTP protect and unprotect (RFC 3711 section 3.3, RFC 7714 section 8), in
 * batches: ksrtp_protect() and ksrtp_unprotect() are batches of one, so there
 * is a single data path.
 *
 * Per packet, in order: parse the header, find the stream, estimate the index
 * and check the replay window; then crypto; then commit the index. GCM
 * packets are sealed or opened on the spot with ipsec-mb's direct API.
 * AES-CM packets are gathered per chunk and run through the job manager so
 * their HMAC-SHA1s share the multi-buffer lanes; when opening, HMACs run
 * first and only packets that authenticate are decrypted, so a forged packet
 * is never decrypted at all.
 */
#include "crypto.h"
#include "rtp.h"
#include "session.h"

#define BATCH_CHUNK 32

struct rtp_job {
	struct ksrtp_pkt *pkt;
	struct ksrtp_stream *st;
	bool is_template;
	uint32_t ssrc;
	uint32_t hdr_len;
	uint64_t index;
	uint8_t saved_tag[KSRTP_HMAC_SHA1_LEN];
};

/* Parse, look up and index one packet. */
static int rtp_prepare(ksrtp_session *s, enum ksrtp_direction dir, struct rtp_job *j)
{
	struct ksrtp_rtp_header h;
	struct ksrtp_stream *st;
	int64_t index;
	int err;

	if (unlikely(!j->pkt->data || j->pkt->len > KSRTP_MAX_PACKET_LEN))
		return KSRTP_EINVAL;
	err = ksrtp_rtp_parse(j->pkt->data, j->pkt->len, &h);
	if (unlikely(err))
		return err;
	st = ksrtp_session_stream(s, dir, h.ssrc, &j->is_template);
	if (unlikely(!st))
		return KSRTP_ENOSTREAM;
	if (dir == KSRTP_INBOUND && unlikely(j->pkt->len < h.header_len + st->rtp_tag_len)) {
		if (!j->is_template)
			st->stats.malformed++;
		return KSRTP_EMALFORMED;
	}
	index = ksrtp_rtp_index_guess(&st->rtp_replay, st->roc_init, h.seq);
	if (unlikely(index < 0))
		err = dir == KSRTP_OUTBOUND ? KSRTP_EINDEX : KSRTP_EREPLAY;
	else if (dir == KSRTP_INBOUND || !(st->flags & KSRTP_ALLOW_REPEAT_TX))
		err = ksrtp_replay_check(&st->rtp_replay, (uint64_t)index);
	if (unlikely(err)) {
		if (!j->is_template)
			st->stats.replays++;
		return err;
	}
	j->st = st;
	j->ssrc = h.ssrc;
	j->hdr_len = h.header_len;
	j->index = (uint64_t)index;
	return 0;
}

/*
 * The stream that owns an authenticated (or outbound) packet: the template's
 * packet gets a stream of its own, unless an earlier packet of the same batch
 * already made one.
 */
static struct ksrtp_stream *rtp_owner(ksrtp_session *s, enum ksrtp_direction dir,
				      struct rtp_job *j)
{
	struct ksrtp_stream *st;

	if (likely(!j->is_template))
		return j->st;
	st = ksrtp_table_find(&s->streams[dir - 1], j->ssrc);
	return st ? st : ksrtp_session_adopt(s, dir, j->ssrc);
}

static void rtp_account(struct ksrtp_stream *st, uint32_t payload)
{
	st->stats.packets++;
	st->stats.bytes += payload;
}

int ksrtp_protect_batch(ksrtp_session *s, struct ksrtp_pkt *v, unsigned int n)
{
	struct rtp_job jobs[BATCH_CHUNK];
	struct ksrtp_cm_op ops[BATCH_CHUNK];
	struct rtp_job *cm_jobs[BATCH_CHUNK];
	unsigned int base, i, n_cm;
	IMB_MGR *mgr;
	int done = 0;

	if (!s || (!v && n))
		return KSRTP_EINVAL;
	mgr = ksrtp_imb();
	if (!mgr)
		return KSRTP_ENOMEM;
	for (base = 0; base < n; base += BATCH_CHUNK) {
		unsigned int chunk = n - base < BATCH_CHUNK ? n - base : BATCH_CHUNK;

		n_cm = 0;
		for (i = 0; i < chunk; i++) {
			struct rtp_job *j = &jobs[i];
			struct ksrtp_pkt *p = &v[base + i];
			struct ksrtp_stream *st;
			int err;

			j->pkt = p;
			if (unlikely(p->cap < KSRTP_MAX_TRAILER || p->len > p->cap - KSRTP_MAX_TRAILER)) {
				p->status = KSRTP_ENOSPACE;
				continue;
			}
			err = rtp_prepare(s, KSRTP_OUTBOUND, j);
			if (unlikely(!err && !(st = rtp_owner(s, KSRTP_OUTBOUND, j))))
				err = KSRTP_ENOMEM;
			p->status = err;
			if (unlikely(err))
				continue;
			/* The sender's index is committed before sealing: sealing cannot fail. */
			ksrtp_replay_commit(&st->rtp_replay, j->index);
			rtp_account(st, p->len - j->hdr_len);
			if (st->gcm) {
				ksrtp_gcm_seal_rtp(mgr, st, p->data, j->hdr_len, p->len, j->ssrc,
						   j->index);
				p->len += KSRTP_GCM_TAG_LEN;
				done++;
				continue;
			}
			/* RFC 3711 section 4.2: authenticate packet || ROC. */
			struct ksrtp_cm_op *op = &ops[n_cm];

			j->st = st;
			ksrtp_store_be32(p->data + p->len, (uint32_t)(j->index >> 16));
			op->keys = &st->keys.cm.rtp;
			ksrtp_cm_iv(op->iv, op->keys, j->ssrc, j->index);
			op->buf = p->data;
			op->cipher_offset = j->hdr_len;
			op->cipher_len = p->len - j->hdr_len;
			op->hash_len = p->len + 4;
			cm_jobs[n_cm++] = j;
		}
		if (!n_cm)
			continue;
		ksrtp_cm_run(mgr, ops, n_cm);
		for (i = 0; i < n_cm; i++) {
			struct ksrtp_pkt *p = cm_jobs[i]->pkt;

			p->status = ops[i].status;
			if (unlikely(p->status))
				continue;
			memcpy(p->data + p->len, ops[i].tag, cm_jobs[i]->st->rtp_tag_len);
			p->len += cm_jobs[i]->st->rtp_tag_len;
			done++;
		}
	}
	return done;
}

/* Authenticated and not a replay: record the index, or refuse a duplicate of this batch. */
static int rtp_accept(ksrtp_session *s, struct rtp_job *j, struct ksrtp_stream **owner)
{
	struct ksrtp_stream *st = rtp_owner(s, KSRTP_INBOUND, j);

	if (unlikely(!st))
		return KSRTP_ENOMEM;
	if (unlikely(ksrtp_replay_check(&st->rtp_replay, j->index))) {
		st->stats.replays++;
		return KSRTP_EREPLAY;
	}
	ksrtp_replay_commit(&st->rtp_replay, j->index);
	rtp_account(st, j->pkt->len - j->hdr_len - st->rtp_tag_len);
	*owner = st;
	return 0;
}

static void count_auth_failure(struct rtp_job *j)
{
	if (!j->is_template)
		j->st->stats.auth_failures++;
}

int ksrtp_unprotect_batch(ksrtp_session *s, struct ksrtp_pkt *v, unsigned int n)
{
	struct rtp_job jobs[BATCH_CHUNK];
	struct ksrtp_cm_op ops[BATCH_CHUNK];
	struct rtp_job *cm_jobs[BATCH_CHUNK];
	unsigned int base, i, n_cm, n_dec;
	IMB_MGR *mgr;
	int done = 0;

	if (!s || (!v && n))
		return KSRTP_EINVAL;
	mgr = ksrtp_imb();
	if (!mgr)
		return KSRTP_ENOMEM;
	for (base = 0; base < n; base += BATCH_CHUNK) {
		unsigned int chunk = n - base < BATCH_CHUNK ? n - base : BATCH_CHUNK;

		n_cm = 0;
		for (i = 0; i < chunk; i++) {
			struct rtp_job *j = &jobs[i];
			struct ksrtp_pkt *p = &v[base + i];
			struct ksrtp_stream *st;
			int err;

			j->pkt = p;
			err = rtp_prepare(s, KSRTP_INBOUND, j);
			p->status = err;
			if (unlikely(err))
				continue;
			if (j->st->gcm) {
				err = ksrtp_gcm_open_rtp(mgr, j->st, p->data, j->hdr_len, p->len,
							 j->ssrc, j->index);
				if (unlikely(err)) {
					count_auth_failure(j);
				} else {
					err = rtp_accept(s, j, &st);
					if (unlikely(err)) /* undo the decryption */
						ksrtp_gcm_seal_rtp(mgr, j->st, p->data, j->hdr_len,
								   p->len - KSRTP_GCM_TAG_LEN,
								   j->ssrc, j->index);
				}
				p->status = err;
				if (likely(!err)) {
					p->len -= KSRTP_GCM_TAG_LEN;
					done++;
				}
				continue;
			}
			/*
			 * RFC 3711 section 4.2: the tag covers packet || ROC. The
			 * ROC goes where the tag starts (inside the packet); the
			 * tag is kept aside and put back after the HMAC.
			 */
			struct ksrtp_cm_op *op = &ops[n_cm];
			uint32_t auth_len = p->len - j->st->rtp_tag_len;

			memcpy(j->saved_tag, p->data + auth_len, j->st->rtp_tag_len);
			ksrtp_store_be32(p->data + auth_len, (uint32_t)(j->index >> 16));
			op->keys = &j->st->keys.cm.rtp;
			op->buf = p->data;
			op->cipher_len = 0;
			op->hash_len = auth_len + 4;
			cm_jobs[n_cm++] = j;
		}
		if (!n_cm)
			continue;
		ksrtp_cm_run(mgr, ops, n_cm);
		/* Authenticated packets are committed in order, then decrypted together. */
		n_dec = 0;
		for (i = 0; i < n_cm; i++) {
			struct rtp_job *j = cm_jobs[i];
			struct ksrtp_pkt *p = j->pkt;
			uint8_t tag_len = j->st->rtp_tag_len;
			uint32_t auth_len = p->len - tag_len;
			struct ksrtp_stream *st;
			int err = ops[i].status;

			memcpy(p->data + auth_len, j->saved_tag, tag_len);
			if (!err && ksrtp_ct_memcmp(ops[i].tag, j->saved_tag, tag_len)) {
				count_auth_failure(j);
				err = KSRTP_EAUTH;
			}
			if (!err)
				err = rtp_accept(s, j, &st);
			p->status = err;
			if (err)
				continue;
			struct ksrtp_cm_op *dec = &ops[n_dec];

			dec->keys = &j->st->keys.cm.rtp;
			ksrtp_cm_iv(dec->iv, dec->keys, j->ssrc, j->index);
			dec->buf = p->data;
			dec->cipher_offset = j->hdr_len;
			dec->cipher_len = auth_len - j->hdr_len;
			dec->hash_len = 0;
			cm_jobs[n_dec++] = j;
		}
		ksrtp_cm_run(mgr, ops, n_dec);
		for (i = 0; i < n_dec; i++) {
			struct ksrtp_pkt *p = cm_jobs[i]->pkt;

			/* An empty payload needs no cipher pass; the status is set either way. */
			p->status = ops[i].status;
			if (p->status)
				continue;
			p->len -= cm_jobs[i]->st->rtp_tag_len;
			done++;
		}
	}
	return done;
}

static int single(int (*batch)(ksrtp_session *, struct ksrtp_pkt *, unsigned int),
		  ksrtp_session *s, uint8_t *pkt, size_t *len, size_t cap)
{
	struct ksrtp_pkt p;
	int n;

	if (!s || !pkt || !len)
		return KSRTP_EINVAL;
	if (*len > KSRTP_MAX_PACKET_LEN)
		return KSRTP_EMALFORMED;
	p.data = pkt;
	p.len = (uint32_t)*len;
	p.cap = cap > UINT32_MAX ? UINT32_MAX : (uint32_t)cap;
	p.status = 0;
	n = batch(s, &p, 1);
	if (n < 0)
		return n;
	if (p.status)
		return p.status;
	*len = p.len;
	return 0;
}

int ksrtp_protect(ksrtp_session *s, uint8_t *pkt, size_t *len, size_t cap)
{
	return single(ksrtp_protect_batch, s, pkt, len, cap);
}

int ksrtp_unprotect(ksrtp_session *s, uint8_t *pkt, size_t *len)
{
	return single(ksrtp_unprotect_batch, s, pkt, len, len ? *len : 0);
}
