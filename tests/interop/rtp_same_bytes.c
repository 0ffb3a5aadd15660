// SPDX-License-Identifier: MIT
/*
 * Byte for byte: the same RTP packets sealed by ksrtp and by libsrtp2 with
 * the same master key and salt must come out identical, for every profile.
 * SRTP is deterministic (RFC 3711 section 4.1.1 counter-mode IV, RFC 7714
 * section 8.1 GCM IV, both from SSRC and packet index), so any difference
 * in key derivation (section 4.3), IV, AAD (the header with CSRCs and
 * extension, RFC 7714 section 8.2), or tag placement shows up here.
 * Two runs per profile: ROC 0 across a wrap, and a nonzero initial ROC
 * (starting at SEQ 1000; see rtp_roc.c for why not above 32768).
 */
#include "interop.h"

#define SEED 0x1d0c5a11f00d0006ULL
#define NPKT 300

static void run(const struct test_profile *pr, unsigned long long *rng, uint32_t roc0,
		uint16_t first)
{
	uint32_t ssrc = (uint32_t)test_rand(rng), roc = 0;
	uint16_t seq = first;
	struct iop_keys k;
	ksrtp_session *ks;
	srtp_t ls;
	unsigned int i;

	iop_keys_random(pr, rng, &k);
	ks = iop_ksrtp_new(pr, &k, KSRTP_OUTBOUND, ssrc, roc0, 0);
	ls = iop_srtp_new(pr, &k, ssrc_specific, ssrc, false);
	if (!ks || !ls)
		goto out;
	if (roc0)
		IOP_CHECK_SRTP(srtp_set_stream_roc(ls, ssrc, roc0), srtp_err_status_ok);

	for (i = 0; i < NPKT; i++) {
		uint8_t plain[IOP_BUF], a[IOP_BUF], b[IOP_BUF];
		struct iop_rtp r;
		size_t alen;
		int blen;

		iop.iter = i;
		iop_gen_rtp(rng, plain, ssrc, seq, &r);
		memcpy(a, plain, r.len);
		memcpy(b, plain, r.len);
		alen = r.len;
		blen = (int)r.len;
		IOP_CHECK_ERR(ksrtp_protect(ks, a, &alen, IOP_BUF), 0);
		IOP_CHECK_SRTP(srtp_protect(ls, b, &blen), srtp_err_status_ok);
		IOP_CHECK_PKT(a, alen, b, (size_t)blen);
		/* Not a copy of the plaintext: a payload of 4+ octets was encrypted. */
		if (r.len - r.hdr_len >= 4)
			IOP_CHECK(memcmp(a + r.hdr_len, plain + r.hdr_len, r.len - r.hdr_len) != 0);
		seq = (uint16_t)(seq + 1 + (iop_rand_below(rng, 16) ? 0 : iop_rand_below(rng, 4)));
	}
	iop.iter = -1;
	/* Both runs crossed into the next ROC (first + NPKT passes 65535, or not). */
	IOP_CHECK_SRTP(srtp_get_stream_roc(ls, ssrc, &roc), srtp_err_status_ok);
	IOP_CHECK(roc == roc0 + (first > 65535 - NPKT ? 1 : 0));
out:
	ksrtp_session_free(ks);
	if (ls)
		srtp_dealloc(ls);
}

int main(void)
{
	unsigned long long rng = SEED;
	size_t i;

	if (iop_init("rtp_same_bytes", SEED))
		return T_FAIL;
	for (i = 0; i < TEST_NPROFILES; i++) {
		iop.profile = test_profiles[i].name;
		if (!iop_applies(&test_profiles[i], false))
			continue;
		run(&test_profiles[i], &rng, 0, 65535 - 100);
		run(&test_profiles[i], &rng, 0x00c0ffee, 1000);
	}
	return iop_finish();
}
