// SPDX-License-Identifier: MIT
/*
 * A stream's very first batch straddles the sequence-number wrap, every
 * profile: 65530 ... 65535, 0 ... 5 in one call. RFC 3550 section 5.1 has
 * senders start at a random sequence number, so a new stream (or a new
 * SSRC on an any_ssrc template) meets this once in every few thousand
 * streams.
 *
 * RFC 3711 section 3.3.1 / Appendix A estimate each packet's index from
 * s_l, the highest sequence number received so far; in a batch that
 * includes the packets before it in the same batch, exactly as if they
 * had come through one ksrtp_unprotect() call each (the control here), and
 * as libsrtp2 does. So 0 ... 5 are ROC 1 and must open.
 *
 * Three cases: a specific-SSRC inbound stream, an any_ssrc inbound
 * template with two new SSRCs interleaved, and the sending side
 * (ksrtp_protect_batch of a new outbound stream, compared byte for byte
 * with libsrtp2 and opened by it).
 */
#include "interop.h"

#define SEED 0x1d0c5a11f00d000fULL
#define NPKT 12
#define FIRST_SEQ 65530

static uint8_t bufs[2 * NPKT][IOP_BUF], plains[2 * NPKT][IOP_BUF];
static size_t plens[2 * NPKT];

/* Open v[0..n) in one batch; every packet must open to its plaintext. */
static void open_batch(ksrtp_session *rx, struct ksrtp_pkt *v, unsigned int n)
{
	unsigned int i;
	int got;

	iop.iter = -1;
	got = ksrtp_unprotect_batch(rx, v, n);
	IOP_CHECK(got == (int)n);
	for (i = 0; i < n; i++) {
		iop.iter = i;
		IOP_CHECK_ERR(v[i].status, 0);
		IOP_CHECK_PKT(v[i].data, (size_t)v[i].len, plains[i], plens[i]);
	}
	iop.iter = -1;
}

static void specific(const struct test_profile *pr, unsigned long long *rng)
{
	uint32_t ssrc = (uint32_t)test_rand(rng);
	struct ksrtp_pkt v[NPKT];
	struct iop_keys k;
	ksrtp_session *rx, *rx1;
	srtp_t tx;
	unsigned int i;

	iop_keys_random(pr, rng, &k);
	tx = iop_srtp_new(pr, &k, ssrc_specific, ssrc, false);
	rx = iop_ksrtp_new(pr, &k, KSRTP_INBOUND, ssrc, 0, 0);
	rx1 = iop_ksrtp_new(pr, &k, KSRTP_INBOUND, ssrc, 0, 0);
	if (!tx || !rx || !rx1)
		goto out;
	for (i = 0; i < NPKT; i++) {
		uint8_t one[IOP_BUF];
		struct iop_rtp r;
		size_t len;
		int ilen;

		iop.iter = i;
		iop_gen_rtp(rng, plains[i], ssrc, (uint16_t)(FIRST_SEQ + i), &r);
		plens[i] = r.len;
		memcpy(bufs[i], plains[i], r.len);
		ilen = (int)r.len;
		IOP_CHECK_SRTP(srtp_protect(tx, bufs[i], &ilen), srtp_err_status_ok);
		v[i] = (struct ksrtp_pkt){ bufs[i], (uint32_t)ilen, IOP_BUF, 1 };
		/* Control: one call per packet opens every one of them. */
		memcpy(one, bufs[i], (size_t)ilen);
		len = (size_t)ilen;
		IOP_CHECK_ERR(ksrtp_unprotect(rx1, one, &len), 0);
	}
	open_batch(rx, v, NPKT);
out:
	ksrtp_session_free(rx);
	ksrtp_session_free(rx1);
	if (tx)
		srtp_dealloc(tx);
}

static void template(const struct test_profile *pr, unsigned long long *rng)
{
	uint32_t ssrc[2] = { (uint32_t)test_rand(rng), (uint32_t)test_rand(rng) };
	struct ksrtp_pkt v[2 * NPKT];
	struct ksrtp_policy p;
	struct iop_keys k;
	ksrtp_session *rx;
	srtp_t tx;
	unsigned int i;

	iop_keys_random(pr, rng, &k);
	tx = iop_srtp_new(pr, &k, ssrc_any_outbound, 0, false);
	rx = iop_ksrtp_session();
	if (!tx || !rx)
		goto out;
	iop_ksrtp_policy(pr, &k, KSRTP_INBOUND, 0, &p);
	p.any_ssrc = true;
	IOP_CHECK_ERR(ksrtp_add_stream(rx, &p), 0);
	for (i = 0; i < 2 * NPKT; i++) {
		struct iop_rtp r;
		int ilen;

		iop.iter = i;
		iop_gen_rtp(rng, plains[i], ssrc[i % 2], (uint16_t)(FIRST_SEQ + i / 2), &r);
		plens[i] = r.len;
		memcpy(bufs[i], plains[i], r.len);
		ilen = (int)r.len;
		IOP_CHECK_SRTP(srtp_protect(tx, bufs[i], &ilen), srtp_err_status_ok);
		v[i] = (struct ksrtp_pkt){ bufs[i], (uint32_t)ilen, IOP_BUF, 1 };
	}
	open_batch(rx, v, 2 * NPKT);
out:
	ksrtp_session_free(rx);
	if (tx)
		srtp_dealloc(tx);
}

static void sender(const struct test_profile *pr, unsigned long long *rng)
{
	uint32_t ssrc = (uint32_t)test_rand(rng);
	struct ksrtp_pkt v[NPKT];
	struct iop_keys k;
	ksrtp_session *tx;
	srtp_t ref, rx;
	unsigned int i;
	int got;

	iop.iter = -1;
	iop_keys_random(pr, rng, &k);
	tx = iop_ksrtp_new(pr, &k, KSRTP_OUTBOUND, ssrc, 0, 0);
	ref = iop_srtp_new(pr, &k, ssrc_specific, ssrc, false);
	rx = iop_srtp_new(pr, &k, ssrc_specific, ssrc, false);
	if (!tx || !ref || !rx)
		goto out;
	for (i = 0; i < NPKT; i++) {
		struct iop_rtp r;

		iop_gen_rtp(rng, plains[i], ssrc, (uint16_t)(FIRST_SEQ + i), &r);
		plens[i] = r.len;
		memcpy(bufs[i], plains[i], r.len);
		v[i] = (struct ksrtp_pkt){ bufs[i], (uint32_t)r.len, IOP_BUF, 1 };
	}
	got = ksrtp_protect_batch(tx, v, NPKT);
	IOP_CHECK(got == NPKT);
	for (i = 0; i < NPKT; i++) {
		uint8_t lib[IOP_BUF];
		int ilen = (int)plens[i];

		iop.iter = i;
		IOP_CHECK_ERR(v[i].status, 0);
		memcpy(lib, plains[i], plens[i]);
		IOP_CHECK_SRTP(srtp_protect(ref, lib, &ilen), srtp_err_status_ok);
		IOP_CHECK_PKT(bufs[i], (size_t)v[i].len, lib, (size_t)ilen);
		ilen = (int)v[i].len;
		IOP_CHECK_SRTP(srtp_unprotect(rx, bufs[i], &ilen), srtp_err_status_ok);
		IOP_CHECK_PKT(bufs[i], (size_t)ilen, plains[i], plens[i]);
	}
	iop.iter = -1;
out:
	ksrtp_session_free(tx);
	if (ref)
		srtp_dealloc(ref);
	if (rx)
		srtp_dealloc(rx);
}

int main(void)
{
	unsigned long long rng = SEED;
	size_t i;

	if (iop_init("batch_first_wrap", SEED))
		return T_FAIL;
	for (i = 0; i < TEST_NPROFILES; i++) {
		iop.profile = test_profiles[i].name;
		if (!iop_applies(&test_profiles[i], false))
			continue;
		specific(&test_profiles[i], &rng);
		if (iop_applies(&test_profiles[i], true))
			template(&test_profiles[i], &rng);
		sender(&test_profiles[i], &rng);
	}
	return iop_finish();
}
