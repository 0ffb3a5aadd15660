// SPDX-License-Identifier: MIT
/*
 * ksrtp protects compound RTCP (RFC 3550 section 6.1), libsrtp2 unprotects
 * it, for every profile: SR or RR first, then SDES, BYE, APP, RR in random
 * mixes, header-only packets (empty SRTCP payload) included, a few
 * delivered out of order. RFC 3711 section 3.4 (AES-CM: E + index, then the
 * tag) and RFC 7714 section 9 (GCM: tag, then E + index).
 */
#include "interop.h"

#define SEED 0x1d0c5a11f00d0003ULL
#define NPKT 300

static void run(const struct test_profile *pr, unsigned long long *rng, struct iop_pkt *pk)
{
	unsigned int order[NPKT], i;
	uint32_t ssrc = (uint32_t)test_rand(rng);
	struct iop_keys k;
	ksrtp_session *tx;
	srtp_t rx;

	iop_keys_random(pr, rng, &k);
	tx = iop_ksrtp_new(pr, &k, KSRTP_OUTBOUND, ssrc, 0, 0);
	rx = iop_srtp_new(pr, &k, ssrc_specific, ssrc, false);
	if (!tx || !rx)
		goto out;

	for (i = 0; i < NPKT; i++) {
		struct iop_pkt *p = &pk[i];
		size_t len, trailer_at;

		iop.iter = i;
		p->plain_len = iop_gen_rtcp(rng, p->plain, ssrc);
		memcpy(p->wire, p->plain, p->plain_len);
		len = p->plain_len;
		IOP_CHECK_ERR(ksrtp_protect_rtcp(tx, p->wire, &len, IOP_BUF), 0);
		IOP_CHECK(len == p->plain_len + 4 + pr->rtcp_tag_len);
		p->wire_len = len;
		/* The first 8 octets stay clear; the trailer says E = 1, index i + 1. */
		IOP_CHECK(memcmp(p->wire, p->plain, 8) == 0);
		trailer_at = pr->gcm ? len - 4 : p->plain_len;
		IOP_CHECK(iop_get32(p->wire + trailer_at) == (0x80000000u | (i + 1)));
	}

	iop_reorder(rng, order, NPKT);
	for (i = 0; i < NPKT; i++) {
		struct iop_pkt *p = &pk[order[i]];
		uint8_t buf[IOP_BUF];
		int len = (int)p->wire_len;

		iop.iter = order[i];
		memcpy(buf, p->wire, p->wire_len);
		IOP_CHECK_SRTP(srtp_unprotect_rtcp(rx, buf, &len), srtp_err_status_ok);
		IOP_CHECK_PKT(buf, (size_t)len, p->plain, p->plain_len);
	}
	iop.iter = -1;
out:
	ksrtp_session_free(tx);
	if (rx)
		srtp_dealloc(rx);
}

int main(void)
{
	return iop_main("rtcp_to_libsrtp", SEED, NPKT, run);
}
