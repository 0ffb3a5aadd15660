// SPDX-License-Identifier: MIT
/*
 * SRTCP authenticated but not encrypted (E = 0; RFC 3711 section 3.4,
 * RFC 7714 section 9.3 for GCM, where the whole packet becomes AAD): ksrtp's
 * KSRTP_RTCP_UNENCRYPTED against libsrtp2's rtcp.sec_serv = sec_serv_auth,
 * both ways and byte for byte, for every profile. Also: the E flag must
 * match the policy, so an E = 0 packet reaching an encrypting stream and an
 * E = 1 packet reaching an authenticate-only one are both refused
 * (KSRTP_EMALFORMED, as ksrtp.h documents), buffer untouched.
 */
#include "interop.h"

#define SEED 0x1d0c5a11f00d0008ULL
#define NPKT 150

static void run(const struct test_profile *pr, unsigned long long *rng,
		struct iop_pkt *pk __attribute__((unused)))
{
	uint32_t ssrc_k = (uint32_t)test_rand(rng), ssrc_l = ssrc_k ^ 0x5a5a5a5a;
	struct iop_keys kk, kl;
	ksrtp_session *ktx = NULL, *krx = NULL, *krx_enc = NULL;
	srtp_t lref = NULL, lrx = NULL, ltx = NULL, ltx_enc = NULL;
	unsigned int i;

	iop_keys_random(pr, rng, &kk);
	iop_keys_random(pr, rng, &kl);
	/* ksrtp -> libsrtp2, and a libsrtp2 sender with the same keys for comparison. */
	ktx = iop_ksrtp_new(pr, &kk, KSRTP_OUTBOUND, ssrc_k, 0, KSRTP_RTCP_UNENCRYPTED);
	lref = iop_srtp_new(pr, &kk, ssrc_specific, ssrc_k, true);
	lrx = iop_srtp_new(pr, &kk, ssrc_specific, ssrc_k, true);
	/* libsrtp2 -> ksrtp, plus the mismatched pair. */
	ltx = iop_srtp_new(pr, &kl, ssrc_specific, ssrc_l, true);
	ltx_enc = iop_srtp_new(pr, &kl, ssrc_specific, ssrc_l, false);
	krx = iop_ksrtp_new(pr, &kl, KSRTP_INBOUND, ssrc_l, 0, KSRTP_RTCP_UNENCRYPTED);
	krx_enc = iop_ksrtp_new(pr, &kl, KSRTP_INBOUND, ssrc_l, 0, 0);
	if (!ktx || !lref || !lrx || !ltx || !ltx_enc || !krx || !krx_enc)
		goto out;

	for (i = 0; i < NPKT; i++) {
		uint8_t plain[IOP_BUF], a[IOP_BUF], b[IOP_BUF], c[IOP_BUF], e[IOP_BUF];
		size_t plen, alen, clen, elen;
		int blen, ilen;

		iop.iter = i;
		/* ksrtp seals with E = 0; libsrtp2 agrees on every byte and opens it. */
		plen = iop_gen_rtcp(rng, plain, ssrc_k);
		memcpy(a, plain, plen);
		memcpy(b, plain, plen);
		alen = plen;
		blen = (int)plen;
		IOP_CHECK_ERR(ksrtp_protect_rtcp(ktx, a, &alen, IOP_BUF), 0);
		IOP_CHECK_SRTP(srtp_protect_rtcp(lref, b, &blen), srtp_err_status_ok);
		IOP_CHECK_PKT(a, alen, b, (size_t)blen);
		IOP_CHECK(alen == plen + 4 + pr->rtcp_tag_len);
		/* The body travels in the clear; the trailer is E = 0, index i + 1. */
		IOP_CHECK(memcmp(a, plain, plen) == 0);
		IOP_CHECK(iop_get32(a + (pr->gcm ? alen - 4 : plen)) == i + 1);
		ilen = (int)alen;
		IOP_CHECK_SRTP(srtp_unprotect_rtcp(lrx, a, &ilen), srtp_err_status_ok);
		IOP_CHECK_PKT(a, (size_t)ilen, plain, plen);

		/* libsrtp2 seals with E = 0; ksrtp opens it. */
		plen = iop_gen_rtcp(rng, plain, ssrc_l);
		memcpy(c, plain, plen);
		blen = (int)plen;
		IOP_CHECK_SRTP(srtp_protect_rtcp(ltx, c, &blen), srtp_err_status_ok);
		clen = (size_t)blen;
		/* An encrypting stream refuses it, and leaves it as it was. */
		memcpy(b, c, clen);
		alen = clen;
		IOP_CHECK_ERR(ksrtp_unprotect_rtcp(krx_enc, b, &alen), KSRTP_EMALFORMED);
		IOP_CHECK(alen == clen);
		IOP_CHECK_PKT(b, alen, c, clen);
		IOP_CHECK_ERR(ksrtp_unprotect_rtcp(krx, c, &clen), 0);
		IOP_CHECK_PKT(c, clen, plain, plen);

		/* And an E = 1 packet does not pass an authenticate-only stream. */
		memcpy(e, plain, plen);
		blen = (int)plen;
		IOP_CHECK_SRTP(srtp_protect_rtcp(ltx_enc, e, &blen), srtp_err_status_ok);
		elen = (size_t)blen;
		memcpy(b, e, elen);
		IOP_CHECK_ERR(ksrtp_unprotect_rtcp(krx, e, &elen), KSRTP_EMALFORMED);
		IOP_CHECK_PKT(e, elen, b, (size_t)blen);
	}
	iop.iter = -1;
out:
	ksrtp_session_free(ktx);
	ksrtp_session_free(krx);
	ksrtp_session_free(krx_enc);
	if (lref)
		srtp_dealloc(lref);
	if (lrx)
		srtp_dealloc(lrx);
	if (ltx)
		srtp_dealloc(ltx);
	if (ltx_enc)
		srtp_dealloc(ltx_enc);
}

int main(void)
{
	return iop_main("rtcp_auth_only", SEED, 0, run);
}
