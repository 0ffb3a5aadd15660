// SPDX-License-Identifier: MIT
/*
 * ksrtp_protect_batch over mixed batches: eight outbound streams (two per
 * profile) in one session, batches of 80 (more than one internal chunk),
 * good packets mixed with bad ones: unknown SSRC (KSRTP_ENOSTREAM), too
 * little room (KSRTP_ENOSPACE), not RTP version 2, shorter than the fixed
 * header, or a CSRC list past the end (KSRTP_EMALFORMED), and an index
 * already sent (KSRTP_EREPLAY: ksrtp.h, no KSRTP_ALLOW_REPEAT_TX).
 *
 * Each status must be right, the return value must count the good ones,
 * bad packets must be left as they were, and every good packet must be
 * byte for byte what libsrtp2 makes of it and open in libsrtp2. Bad packets
 * that name a stream carry the sequence number its next good packet uses:
 * a refused packet must not move the stream (ksrtp.h: "a failed call
 * leaves the stream state ... unchanged"), or that good packet would fail.
 */
#include "interop.h"

#define SEED 0x1d0c5a11f00d000dULL
#define NSTREAMS 8
#define NBATCH 80
#define ROUNDS 6

enum kind { GOOD, NOSTREAM, NOSPACE, BAD_VERSION, SHORT, BAD_CSRC, REPLAY, NKINDS };

struct entry {
	enum kind kind;
	unsigned int stream;
	size_t plen;
	int want;
	uint8_t plain[IOP_BUF];
	uint8_t buf[IOP_BUF];
};

static struct entry batch[NBATCH];

int main(void)
{
	unsigned long long rng = SEED;
	struct iop_streams ss;
	uint16_t next[NSTREAMS], last[NSTREAMS];
	bool sent[NSTREAMS] = { false }, wrapped[NSTREAMS] = { false };
	struct ksrtp_pkt v[NBATCH];
	ksrtp_session *ks = NULL;
	srtp_t ref = NULL, rx = NULL;
	unsigned int round, e, j, kinds_seen[NKINDS] = { 0 };

	if (iop_init("batch_protect", SEED))
		return T_FAIL;
	iop_streams_random(&rng, NSTREAMS, &ss);
	for (j = 0; j < NSTREAMS; j++)
		next[j] = (uint16_t)(65535 - 20 + j); /* every stream wraps */
	ks = iop_ksrtp_streams(&ss, KSRTP_OUTBOUND);
	ref = iop_srtp_streams(&ss);
	rx = iop_srtp_streams(&ss);
	if (!ks || !ref || !rx)
		goto out;

	for (round = 0; round < ROUNDS; round++) {
		unsigned int good = 0;
		int n;

		for (e = 0; e < NBATCH; e++) {
			struct entry *b = &batch[e];
			struct iop_rtp r;
			uint32_t cap = IOP_BUF;

			iop.iter = (long)(round * NBATCH + e);
			b->kind = iop_rand_below(&rng, 100) < 65 ? GOOD
								 : (enum kind)(1 + iop_rand_below(&rng, NKINDS - 1));
			j = b->stream = iop_rand_below(&rng, NSTREAMS);
			if (b->kind == REPLAY && !sent[j])
				b->kind = GOOD;
			switch (b->kind) {
			case GOOD:
				iop_gen_rtp(&rng, b->plain, ss.ssrc[j], next[j], &r);
				last[j] = next[j]++;
				wrapped[j] |= next[j] == 0;
				sent[j] = true;
				b->want = 0;
				good++;
				break;
			case NOSTREAM:
				/* Low byte 0xff: no stream has it (iop_streams_random). */
				iop_gen_rtp(&rng, b->plain, ss.ssrc[j] | 0xff, next[j], &r);
				b->want = KSRTP_ENOSTREAM;
				break;
			case NOSPACE:
				iop_gen_rtp(&rng, b->plain, ss.ssrc[j], next[j], &r);
				cap = (uint32_t)r.len + KSRTP_MAX_TRAILER - 1;
				b->want = KSRTP_ENOSPACE;
				break;
			case BAD_VERSION:
				iop_gen_rtp(&rng, b->plain, ss.ssrc[j], next[j], &r);
				b->plain[0] = (uint8_t)((b->plain[0] & 0x3f) | (iop_rand_below(&rng, 2) << 6));
				b->want = KSRTP_EMALFORMED;
				break;
			case SHORT:
				iop_gen_rtp(&rng, b->plain, ss.ssrc[j], next[j], &r);
				r.len = iop_rand_below(&rng, 12);
				b->want = KSRTP_EMALFORMED;
				break;
			case BAD_CSRC:
				/* 15 CSRCs announced, fewer present (RFC 3550 section 5.1). */
				iop_gen_rtp(&rng, b->plain, ss.ssrc[j], next[j], &r);
				b->plain[0] = (uint8_t)((b->plain[0] & 0xe0) | 15);
				r.len = 12 + iop_rand_below(&rng, 60);
				b->want = KSRTP_EMALFORMED;
				break;
			default: /* REPLAY: the index of this stream's last sealed packet */
				iop_gen_rtp(&rng, b->plain, ss.ssrc[j], last[j], &r);
				b->want = KSRTP_EREPLAY;
				break;
			}
			kinds_seen[b->kind]++;
			b->plen = r.len;
			memcpy(b->buf, b->plain, b->plen);
			v[e].data = b->buf;
			v[e].len = (uint32_t)b->plen;
			v[e].cap = cap;
			v[e].status = 1; /* neither 0 nor a code: must be written */
		}

		iop.iter = (long)(round * NBATCH);
		n = ksrtp_protect_batch(ks, v, NBATCH);
		IOP_CHECK(n == (int)good);

		for (e = 0; e < NBATCH; e++) {
			struct entry *b = &batch[e];
			uint8_t lib[IOP_BUF];
			int llen;

			iop.iter = (long)(round * NBATCH + e);
			IOP_CHECK_ERR(v[e].status, b->want);
			IOP_CHECK(v[e].data == b->buf);
			if (b->want) {
				IOP_CHECK_PKT(b->buf, (size_t)v[e].len, b->plain, b->plen);
				continue;
			}
			/* Same bytes as libsrtp2, sealing in the same per-stream order. */
			memcpy(lib, b->plain, b->plen);
			llen = (int)b->plen;
			IOP_CHECK_SRTP(srtp_protect(ref, lib, &llen), srtp_err_status_ok);
			IOP_CHECK_PKT(b->buf, (size_t)v[e].len, lib, (size_t)llen);
			llen = (int)v[e].len;
			IOP_CHECK_SRTP(srtp_unprotect(rx, b->buf, &llen), srtp_err_status_ok);
			IOP_CHECK_PKT(b->buf, (size_t)llen, b->plain, b->plen);
		}
	}
	iop.iter = -1;
	for (j = 0; j < NSTREAMS; j++)
		IOP_CHECK(wrapped[j]);
	for (j = 0; j < NKINDS; j++)
		IOP_CHECK(kinds_seen[j] > 0);
out:
	ksrtp_session_free(ks);
	if (ref)
		srtp_dealloc(ref);
	if (rx)
		srtp_dealloc(rx);
	return iop_finish();
}
