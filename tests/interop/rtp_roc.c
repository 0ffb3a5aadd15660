// SPDX-License-Identifier: MIT
/*
 * Streams that start with a nonzero rollover counter (RFC 3711 section
 * 3.3.1: the ROC is signalled out of band, e.g. when joining a running
 * stream), both ways: ksrtp's policy.roc against libsrtp2's
 * srtp_set_stream_roc(). Each stream then crosses a rollover to ROC + 1.
 *
 * Starting sequence numbers are 0, 12345 and 32768, never above 32768.
 * RFC 3711 section 3.3.1 (and ksrtp) take s_l from a stream's first
 * packet, so that packet's index is ROC || SEQ whatever SEQ is. libsrtp2
 * releases whose srtp_set_stream_roc() only rewrites the ROC half of the
 * replay index (srtp_rdbx_set_roc: s_l stays 0 on a fresh stream) then
 * guess the first index with srtp_index_guess(), and SEQ - s_l > 2^15
 * makes that ROC - 1 for any SEQ > 32768. Later releases (Debian's 2.5
 * among them) keep a "pending" ROC and use ROC || SEQ directly, as the RFC
 * does. Up to SEQ = 32768 all of them agree with the RFC, so the test stays
 * there and passes against either kind of libsrtp2.
 *
 * Steps between packets are 2000..29999: big forward jumps, yet under
 * 2^15, so the index estimate of either side has one answer (Appendix A).
 */
#include "interop.h"

#define SEED 0x1d0c5a11f00d0005ULL
#define MAX_PATH 64

static const uint16_t first_seqs[] = { 0, 12345, 32768 };

/* Sequence numbers from first, in big steps, across one wrap, then a few more. */
static unsigned int make_path(unsigned long long *rng, uint16_t first, uint16_t *seqs)
{
	unsigned int n = 0, i;
	uint16_t s = first;
	bool wrapped = false;

	seqs[n++] = s;
	while (!wrapped) {
		uint16_t next = (uint16_t)(s + 2000 + iop_rand_below(rng, 28000));

		wrapped = next < s;
		s = next;
		seqs[n++] = s;
	}
	for (i = 0; i < 8; i++)
		seqs[n++] = ++s;
	return n;
}

static void to_libsrtp(const struct test_profile *pr, unsigned long long *rng, uint32_t roc0,
		       uint16_t first)
{
	uint16_t seqs[MAX_PATH];
	unsigned int n = make_path(rng, first, seqs), i;
	uint32_t ssrc = (uint32_t)test_rand(rng), roc = 0;
	struct iop_keys k;
	ksrtp_session *tx;
	srtp_t rx, rx0;

	iop_keys_random(pr, rng, &k);
	tx = iop_ksrtp_new(pr, &k, KSRTP_OUTBOUND, ssrc, roc0, 0);
	rx = iop_srtp_new(pr, &k, ssrc_specific, ssrc, false);
	rx0 = iop_srtp_new(pr, &k, ssrc_specific, ssrc, false);
	if (!tx || !rx || !rx0)
		goto out;
	IOP_CHECK_SRTP(srtp_set_stream_roc(rx, ssrc, roc0), srtp_err_status_ok);

	for (i = 0; i < n; i++) {
		uint8_t plain[IOP_BUF], buf[IOP_BUF];
		struct iop_rtp r;
		size_t len;
		int ilen;

		iop.iter = i;
		iop_gen_rtp(rng, plain, ssrc, seqs[i], &r);
		memcpy(buf, plain, r.len);
		len = r.len;
		IOP_CHECK_ERR(ksrtp_protect(tx, buf, &len, IOP_BUF), 0);
		if (i == 0) {
			/* Control: a receiver left at ROC 0 cannot open it. */
			uint8_t copy[IOP_BUF];

			memcpy(copy, buf, len);
			ilen = (int)len;
			IOP_CHECK_SRTP(srtp_unprotect(rx0, copy, &ilen), srtp_err_status_auth_fail);
		}
		ilen = (int)len;
		IOP_CHECK_SRTP(srtp_unprotect(rx, buf, &ilen), srtp_err_status_ok);
		IOP_CHECK_PKT(buf, (size_t)ilen, plain, r.len);
	}
	iop.iter = -1;
	IOP_CHECK_SRTP(srtp_get_stream_roc(rx, ssrc, &roc), srtp_err_status_ok);
	IOP_CHECK(roc == roc0 + 1);
out:
	ksrtp_session_free(tx);
	if (rx)
		srtp_dealloc(rx);
	if (rx0)
		srtp_dealloc(rx0);
}

static void from_libsrtp(const struct test_profile *pr, unsigned long long *rng, uint32_t roc0,
			 uint16_t first)
{
	uint16_t seqs[MAX_PATH];
	unsigned int n = make_path(rng, first, seqs), i;
	uint32_t ssrc = (uint32_t)test_rand(rng), roc = 0;
	struct iop_keys k;
	ksrtp_session *rx, *rx0;
	srtp_t tx;

	iop_keys_random(pr, rng, &k);
	tx = iop_srtp_new(pr, &k, ssrc_specific, ssrc, false);
	rx = iop_ksrtp_new(pr, &k, KSRTP_INBOUND, ssrc, roc0, 0);
	rx0 = iop_ksrtp_new(pr, &k, KSRTP_INBOUND, ssrc, 0, 0);
	if (!tx || !rx || !rx0)
		goto out;
	IOP_CHECK_SRTP(srtp_set_stream_roc(tx, ssrc, roc0), srtp_err_status_ok);

	for (i = 0; i < n; i++) {
		uint8_t plain[IOP_BUF], buf[IOP_BUF];
		struct iop_rtp r;
		size_t len;
		int ilen;

		iop.iter = i;
		iop_gen_rtp(rng, plain, ssrc, seqs[i], &r);
		memcpy(buf, plain, r.len);
		ilen = (int)r.len;
		IOP_CHECK_SRTP(srtp_protect(tx, buf, &ilen), srtp_err_status_ok);
		if (i == 0) {
			/* Control: a receiver left at ROC 0 cannot open it. */
			uint8_t copy[IOP_BUF];

			memcpy(copy, buf, (size_t)ilen);
			len = (size_t)ilen;
			IOP_CHECK_ERR(ksrtp_unprotect(rx0, copy, &len), KSRTP_EAUTH);
		}
		len = (size_t)ilen;
		IOP_CHECK_ERR(ksrtp_unprotect(rx, buf, &len), 0);
		IOP_CHECK_PKT(buf, len, plain, r.len);
	}
	iop.iter = -1;
	/* The sender's ROC moved on too: both sides crossed the same wrap. */
	IOP_CHECK_SRTP(srtp_get_stream_roc(tx, ssrc, &roc), srtp_err_status_ok);
	IOP_CHECK(roc == roc0 + 1);
out:
	ksrtp_session_free(rx);
	ksrtp_session_free(rx0);
	if (tx)
		srtp_dealloc(tx);
}

int main(void)
{
	unsigned long long rng = SEED;
	size_t i, j;

	if (iop_init("rtp_roc", SEED))
		return T_FAIL;
	for (i = 0; i < TEST_NPROFILES; i++) {
		iop.profile = test_profiles[i].name;
		if (!iop_applies(&test_profiles[i], false))
			continue;
		for (j = 0; j < sizeof(first_seqs) / sizeof(first_seqs[0]); j++) {
			/* A small ROC and one with high bits set (the IV/auth use all 32). */
			to_libsrtp(&test_profiles[i], &rng, 1, first_seqs[j]);
			from_libsrtp(&test_profiles[i], &rng, 1, first_seqs[j]);
			to_libsrtp(&test_profiles[i], &rng, 0x8badf00du, first_seqs[j]);
			from_libsrtp(&test_profiles[i], &rng, 0x8badf00du, first_seqs[j]);
		}
	}
	return iop_finish();
}
