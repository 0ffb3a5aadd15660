// SPDX-License-Identifier: MIT
/*
 * Size padding against libsrtp2, every profile. ksrtp seals random RTP
 * (CSRCs, extensions, padding of its own) under BUCKET 32, TRAIN 16 (four
 * packets a frame) and CONSTANT 1300; libsrtp2, which knows nothing of
 * padding policies, unprotects, and what it hands over is what RFC 3550
 * section 5.1 says: the packet as it was, P bit set, then zero octets, the
 * last one counting all padding octets (its own included). The size is the
 * one this test's own model of the policy predicts; a packet the policy
 * cannot pad (255-octet count, constant size) is KSRTP_ENOSPACE and
 * unchanged. The other way, libsrtp2 seals padded packets and ksrtp with
 * KSRTP_STRIP_PADDING hands them back without the padding and the P bit.
 */
#include "interop.h"

#define SEED 0x9add1e5f00d0006ULL
#define NPKT 400
#define FRAME 4		/* TRAIN: packets per RTP timestamp */

struct model {
	uint8_t policy;
	uint16_t size;
	bool in_frame;
	uint32_t ts, train;
};

static size_t round_up(size_t n, size_t q)
{
	return q ? (n + q - 1) / q * q : n;
}

/* The size the policy gives a packet of len octets (0: KSRTP_ENOSPACE). */
static size_t predict(struct model *m, uint32_t ts, size_t len, size_t had_pad)
{
	size_t room = 255 - had_pad, target;

	if (m->policy == KSRTP_PAD_CONSTANT) {
		target = m->size;
	} else {
		target = round_up(len, m->size);
		if (m->policy == KSRTP_PAD_TRAIN && m->in_frame && m->ts == ts &&
		    m->train > target && m->train - len <= room)
			target = m->train;
	}
	if (target < len || target - len > room || target > IOP_BUF - KSRTP_MAX_TRAILER)
		return 0;
	if (m->policy == KSRTP_PAD_TRAIN) {
		if (!m->in_frame || m->ts != ts)
			m->train = (uint32_t)target;
		else if (target > m->train)
			m->train = (uint32_t)target;
		m->in_frame = true;
		m->ts = ts;
	}
	return target;
}

static void to_libsrtp(const struct test_profile *pr, unsigned long long *rng, struct iop_pkt *pk,
		       uint8_t policy, uint16_t size)
{
	struct model m = { .policy = policy, .size = size };
	uint32_t ssrc = (uint32_t)test_rand(rng), ts = 0;
	struct ksrtp_policy p;
	struct iop_keys k;
	ksrtp_session *tx;
	srtp_t rx;
	unsigned int i, sent = 0;

	iop_keys_random(pr, rng, &k);
	iop_ksrtp_policy(pr, &k, KSRTP_OUTBOUND, ssrc, &p);
	p.pad_policy = policy;
	p.pad_size = size;
	tx = iop_ksrtp_session();
	rx = iop_srtp_new(pr, &k, ssrc_specific, ssrc, false);
	if (!tx || !rx)
		goto out;
	IOP_CHECK_ERR(ksrtp_add_stream(tx, &p), 0);
	for (i = 0; i < NPKT; i++) {
		struct iop_pkt *pp = &pk[i];
		uint8_t buf[IOP_BUF];
		size_t len, want, j;
		int slen;

		iop.iter = i;
		iop_gen_rtp(rng, pp->plain, ssrc, (uint16_t)(sent + 1), &pp->r);
		if (i % FRAME == 0)
			ts = (uint32_t)test_rand(rng);
		iop_put32(pp->plain + 4, ts);
		pp->plain_len = pp->r.len;
		want = predict(&m, ts, pp->plain_len, pp->r.pad);
		memcpy(buf, pp->plain, pp->plain_len);
		len = pp->plain_len;
		if (!want) {
			IOP_CHECK_ERR(ksrtp_protect(tx, buf, &len, IOP_BUF), KSRTP_ENOSPACE);
			IOP_CHECK_PKT(buf, len, pp->plain, pp->plain_len);
			continue;
		}
		IOP_CHECK_ERR(ksrtp_protect(tx, buf, &len, IOP_BUF), 0);
		IOP_CHECK(len == want + pr->rtp_tag_len);
		sent++;
		slen = (int)len;
		IOP_CHECK_SRTP(srtp_unprotect(rx, buf, &slen), srtp_err_status_ok);
		IOP_CHECK((size_t)slen == want);
		if ((size_t)slen != want)
			continue;
		/* RFC 3550 5.1: P set when there is padding, the rest of the packet as it was. */
		IOP_CHECK(buf[0] == (pp->plain[0] | (want > pp->plain_len ? 0x20 : 0)));
		IOP_CHECK(memcmp(buf + 1, pp->plain + 1, pp->plain_len - 1) == 0);
		for (j = pp->plain_len; j + 1 < want; j++)
			IOP_CHECK(buf[j] == 0);
		if (want > pp->plain_len)
			IOP_CHECK(buf[want - 1] == pp->r.pad + (want - pp->plain_len));
	}
	iop.iter = -1;
	/* Enough of them went out padded for the comparison to mean something. */
	IOP_CHECK(sent > NPKT / 20);
out:
	ksrtp_session_free(tx);
	if (rx)
		srtp_dealloc(rx);
}

static void from_libsrtp(const struct test_profile *pr, unsigned long long *rng, struct iop_pkt *pk)
{
	uint32_t ssrc = (uint32_t)test_rand(rng);
	struct ksrtp_policy p;
	struct iop_keys k;
	ksrtp_session *rx;
	srtp_t tx;
	unsigned int i, padded = 0;

	iop_keys_random(pr, rng, &k);
	iop_ksrtp_policy(pr, &k, KSRTP_INBOUND, ssrc, &p);
	p.flags = KSRTP_STRIP_PADDING;
	rx = iop_ksrtp_session();
	tx = iop_srtp_new(pr, &k, ssrc_specific, ssrc, false);
	if (!tx || !rx)
		goto out;
	IOP_CHECK_ERR(ksrtp_add_stream(rx, &p), 0);
	for (i = 0; i < NPKT; i++) {
		struct iop_pkt *pp = &pk[i];
		size_t len;
		int slen;

		iop.iter = i;
		iop_gen_rtp(rng, pp->plain, ssrc, (uint16_t)(i + 1), &pp->r);
		pp->plain_len = pp->r.len;
		memcpy(pp->wire, pp->plain, pp->plain_len);
		slen = (int)pp->plain_len;
		IOP_CHECK_SRTP(srtp_protect(tx, pp->wire, &slen), srtp_err_status_ok);
		len = (size_t)slen;
		IOP_CHECK_ERR(ksrtp_unprotect(rx, pp->wire, &len), 0);
		padded += pp->r.pad > 0;
		pp->plain[0] &= (uint8_t)~0x20;
		IOP_CHECK_PKT(pp->wire, len, pp->plain, pp->plain_len - pp->r.pad);
	}
	iop.iter = -1;
	IOP_CHECK(padded > 0);
out:
	ksrtp_session_free(rx);
	if (tx)
		srtp_dealloc(tx);
}

static void run(const struct test_profile *pr, unsigned long long *rng, struct iop_pkt *pk)
{
	to_libsrtp(pr, rng, pk, KSRTP_PAD_BUCKET, 32);
	to_libsrtp(pr, rng, pk, KSRTP_PAD_TRAIN, 16);
	to_libsrtp(pr, rng, pk, KSRTP_PAD_CONSTANT, 1300);
	from_libsrtp(pr, rng, pk);
}

int main(void)
{
	return iop_main("padding_libsrtp", SEED, NPKT, run);
}
