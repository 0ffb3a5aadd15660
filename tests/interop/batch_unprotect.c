// SPDX-License-Identifier: MIT
/*
 * ksrtp_unprotect_batch over mixed batches of packets sealed by libsrtp2:
 * eight inbound streams (two per profile) in one session, about 85
 * packets a batch (several internal chunks), the good ones mixed with:
 * a tampered copy placed before its genuine packet (KSRTP_EAUTH; the
 * genuine one must still open), a copy placed after it (KSRTP_EREPLAY,
 * RFC 3711 section 3.3.2, within one batch), a packet from an earlier
 * batch (KSRTP_EREPLAY), a packet of an SSRC the session does not know
 * (KSRTP_ENOSTREAM), a packet cut short of its tag or a non-RTP datagram
 * (KSRTP_EMALFORMED).
 *
 * Each status must be right, the return value must count the good ones,
 * every good packet must open to its plaintext whatever surrounds it, and
 * every bad one must be left exactly as it came. The streams' counters
 * must agree.
 */
#include "interop.h"

#define SEED 0x1d0c5a11f00d000eULL
#define NSTREAMS 8
#define NGOOD 60
#define NEXTRA 30
#define NBATCH (NGOOD + NEXTRA)
#define ROUNDS 5

enum kind { GOOD, TAMPERED, DUP, OLD, NOSTREAM, SHORT, GARBAGE, NKINDS };

struct entry {
	enum kind kind;
	unsigned int stream;
	unsigned int key;	/* batch position order */
	size_t hlen, plen, wlen;
	int want;
	uint8_t plain[IOP_BUF];
	uint8_t wire[IOP_BUF];
	uint8_t buf[IOP_BUF];
};

static struct entry ent[NBATCH], prev[NGOOD];
static struct entry *order[NBATCH];

int main(void)
{
	unsigned long long rng = SEED;
	struct iop_streams ss;
	struct iop_keys ko;
	uint16_t next[NSTREAMS];
	uint64_t want_auth[NSTREAMS] = { 0 }, want_replay[NSTREAMS] = { 0 };
	uint64_t want_malformed[NSTREAMS] = { 0 }, want_packets[NSTREAMS] = { 0 };
	uint32_t other_ssrc;
	uint16_t other_seq = 0;
	struct ksrtp_pkt v[NBATCH];
	struct ksrtp_stats stats;
	ksrtp_session *ks = NULL;
	srtp_t tx = NULL, other = NULL;
	unsigned int round, e, i, j, kinds_seen[NKINDS] = { 0 };

	if (iop_init("batch_unprotect", SEED))
		return T_FAIL;
	iop_streams_random(&rng, NSTREAMS, &ss);
	for (j = 0; j < NSTREAMS; j++)
		next[j] = (uint16_t)(65535 - 10 - j); /* every stream wraps */
	ks = iop_ksrtp_streams(&ss, KSRTP_INBOUND);
	tx = iop_srtp_streams(&ss);
	/* A sender the ksrtp session has no stream for (low byte 0xff). */
	other_ssrc = ss.ssrc[0] | 0xff;
	iop_keys_random(&test_profiles[0], &rng, &ko);
	other = iop_srtp_new(&test_profiles[0], &ko, ssrc_specific, other_ssrc, false);
	if (!ks || !tx || !other)
		goto out;

	for (round = 0; round < ROUNDS; round++) {
		int n;

		/* The good packets, sealed by libsrtp2 in order. */
		for (e = 0; e < NGOOD; e++) {
			struct entry *b = &ent[e];
			struct iop_rtp r;
			int len;

			iop.iter = (long)(round * NBATCH + e);
			j = b->stream = iop_rand_below(&rng, NSTREAMS);
			iop_gen_rtp(&rng, b->plain, ss.ssrc[j], next[j]++, &r);
			b->kind = GOOD;
			b->hlen = r.hdr_len;
			b->plen = r.len;
			memcpy(b->wire, b->plain, b->plen);
			len = (int)b->plen;
			IOP_CHECK_SRTP(srtp_protect(tx, b->wire, &len), srtp_err_status_ok);
			b->wlen = (size_t)len;
			b->want = 0;
			b->key = e * 100 + 50;
			want_packets[j]++;
			kinds_seen[GOOD]++;
		}
		/* The bad ones, each placed where its kind needs it. */
		for (e = NGOOD; e < NBATCH; e++) {
			struct entry *b = &ent[e];
			unsigned int g = iop_rand_below(&rng, NGOOD);
			const struct entry *src = &ent[g];
			struct iop_rtp r;
			int len;

			iop.iter = (long)(round * NBATCH + e);
			b->kind = (enum kind)(1 + iop_rand_below(&rng, NKINDS - 1));
			if (b->kind == OLD && round == 0)
				b->kind = DUP;
			b->key = iop_rand_below(&rng, NGOOD * 100);
			switch (b->kind) {
			case TAMPERED: /* a flipped payload or tag bit, placed before g */
				*b = *src;
				b->kind = TAMPERED;
				b->wire[b->hlen + iop_rand_below(&rng, (unsigned int)(b->wlen - b->hlen))] ^=
					(uint8_t)(1u << iop_rand_below(&rng, 8));
				b->key = iop_rand_below(&rng, g * 100 + 50);
				b->want = KSRTP_EAUTH;
				break;
			case DUP: /* the same packet again, after g */
				*b = *src;
				b->kind = DUP;
				b->key = g * 100 + 51 + iop_rand_below(&rng, (NGOOD - g) * 100 - 51);
				b->want = KSRTP_EREPLAY;
				break;
			case OLD: /* opened in an earlier batch */
				*b = prev[g];
				b->kind = OLD;
				b->key = iop_rand_below(&rng, NGOOD * 100);
				b->want = KSRTP_EREPLAY;
				break;
			case NOSTREAM:
				iop_gen_rtp(&rng, b->plain, other_ssrc, other_seq++, &r);
				b->plen = r.len;
				memcpy(b->wire, b->plain, b->plen);
				len = (int)b->plen;
				IOP_CHECK_SRTP(srtp_protect(other, b->wire, &len), srtp_err_status_ok);
				b->wlen = (size_t)len;
				b->want = KSRTP_ENOSTREAM;
				break;
			case SHORT: /* g cut inside its tag: shorter than header + tag */
				*b = *src;
				b->kind = SHORT;
				b->wlen = b->hlen + ss.pr[b->stream]->rtp_tag_len - 1;
				b->want = KSRTP_EMALFORMED;
				want_malformed[b->stream]++;
				break;
			default: /* GARBAGE: not RTP version 2 */
				b->plen = b->wlen = 12 + iop_rand_below(&rng, 200);
				iop_fill(&rng, b->wire, b->wlen);
				b->wire[0] &= 0x3f;
				b->want = KSRTP_EMALFORMED;
				break;
			}
			if (b->kind == TAMPERED)
				want_auth[b->stream]++;
			else if (b->kind == DUP || b->kind == OLD)
				want_replay[b->stream]++;
			kinds_seen[b->kind]++;
		}
		/* Batch order: by key (insertion sort, stable). */
		for (e = 0; e < NBATCH; e++) {
			struct entry *b = &ent[e];

			for (i = e; i > 0 && order[i - 1]->key > b->key; i--)
				order[i] = order[i - 1];
			order[i] = b;
		}
		for (e = 0; e < NBATCH; e++) {
			memcpy(order[e]->buf, order[e]->wire, order[e]->wlen);
			v[e].data = order[e]->buf;
			v[e].len = (uint32_t)order[e]->wlen;
			v[e].cap = IOP_BUF;
			v[e].status = 1;
		}

		iop.iter = (long)(round * NBATCH);
		n = ksrtp_unprotect_batch(ks, v, NBATCH);
		IOP_CHECK(n == NGOOD);
		for (e = 0; e < NBATCH; e++) {
			struct entry *b = order[e];

			iop.iter = (long)(round * NBATCH + (unsigned int)(b - ent));
			IOP_CHECK_ERR(v[e].status, b->want);
			if (b->want)
				IOP_CHECK_PKT(b->buf, (size_t)v[e].len, b->wire, b->wlen);
			else
				IOP_CHECK_PKT(b->buf, (size_t)v[e].len, b->plain, b->plen);
		}
		memcpy(prev, ent, sizeof(prev));
	}
	iop.iter = -1;
	for (j = 0; j < NSTREAMS; j++) {
		IOP_CHECK_ERR(ksrtp_stream_stats(ks, ss.ssrc[j], KSRTP_INBOUND, &stats), 0);
		IOP_CHECK(stats.packets == want_packets[j]);
		IOP_CHECK(stats.auth_failures == want_auth[j]);
		IOP_CHECK(stats.replays == want_replay[j]);
		IOP_CHECK(stats.malformed == want_malformed[j]);
	}
	for (j = 0; j < NKINDS; j++)
		IOP_CHECK(kinds_seen[j] > 0);
out:
	ksrtp_session_free(ks);
	if (tx)
		srtp_dealloc(tx);
	if (other)
		srtp_dealloc(other);
	return iop_finish();
}
