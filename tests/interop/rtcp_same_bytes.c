// SPDX-License-Identifier: MIT
/*
 * Byte for byte: the same compound RTCP packets sealed by ksrtp and by
 * libsrtp2 with the same master key and salt must come out identical, for
 * every profile. Both number SRTCP packets from index 1 (RFC 3711 section
 * 3.4 leaves the start open; libsrtp's srtp_rdb_increment starts at 1), so
 * the E + index word, the IV (RFC 3711 section 4.1.1, RFC 7714 section
 * 9.1), the AAD and the tag must all agree.
 */
#include "interop.h"

#define SEED 0x1d0c5a11f00d0007ULL
#define NPKT 200

static void run(const struct test_profile *pr, unsigned long long *rng,
		struct iop_pkt *pk __attribute__((unused)))
{
	uint32_t ssrc = (uint32_t)test_rand(rng);
	struct iop_keys k;
	ksrtp_session *ks;
	srtp_t ls;
	unsigned int i;

	iop_keys_random(pr, rng, &k);
	ks = iop_ksrtp_new(pr, &k, KSRTP_OUTBOUND, ssrc, 0, 0);
	ls = iop_srtp_new(pr, &k, ssrc_specific, ssrc, false);
	if (!ks || !ls)
		goto out;

	for (i = 0; i < NPKT; i++) {
		uint8_t plain[IOP_BUF], a[IOP_BUF], b[IOP_BUF];
		size_t plen, alen;
		int blen;

		iop.iter = i;
		plen = iop_gen_rtcp(rng, plain, ssrc);
		memcpy(a, plain, plen);
		memcpy(b, plain, plen);
		alen = plen;
		blen = (int)plen;
		IOP_CHECK_ERR(ksrtp_protect_rtcp(ks, a, &alen, IOP_BUF), 0);
		IOP_CHECK_SRTP(srtp_protect_rtcp(ls, b, &blen), srtp_err_status_ok);
		IOP_CHECK_PKT(a, alen, b, (size_t)blen);
		if (plen - 8 >= 4)
			IOP_CHECK(memcmp(a + 8, plain + 8, plen - 8) != 0);
	}
	iop.iter = -1;
out:
	ksrtp_session_free(ks);
	if (ls)
		srtp_dealloc(ls);
}

int main(void)
{
	return iop_main("rtcp_same_bytes", SEED, 0, run);
}
