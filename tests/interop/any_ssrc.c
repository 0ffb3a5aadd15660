// SPDX-License-Identifier: MIT
/*
 * Wildcard streams, every profile. ksrtp's any_ssrc inbound template (as
 * libsrtp's ssrc_any_inbound) receives RTP and RTCP from a libsrtp2
 * ssrc_any_outbound sender that talks as several SSRCs at once, all with
 * the same sequence numbers, interleaved, one SSRC starting with RTCP. Each
 * SSRC becomes a stream of its own only once a packet of it authenticates:
 * a forged first packet is KSRTP_EAUTH and creates nothing. Replay state is
 * per SSRC: a sequence number seen on one SSRC is new on another
 * (RFC 3711 section 3.2.3: a cryptographic context per SSRC).
 *
 * The other way: ksrtp's any_ssrc outbound template against libsrtp2's
 * ssrc_any_outbound (same bytes) and ssrc_any_inbound (opens them).
 */
#include "interop.h"

#define SEED 0x1d0c5a11f00d000cULL
#define NSSRC 5
#define NPKT 400

static void inbound(const struct test_profile *pr, unsigned long long *rng)
{
	uint32_t ssrcs[NSSRC];
	uint16_t seqs[NSSRC];
	unsigned int counts[NSSRC] = { 0 }, i, j;
	bool started[NSSRC] = { false };
	struct iop_keys k;
	struct ksrtp_policy p;
	struct ksrtp_stats stats;
	ksrtp_session *rx;
	srtp_t tx;

	iop_keys_random(pr, rng, &k);
	for (j = 0; j < NSSRC; j++) {
		ssrcs[j] = (uint32_t)test_rand(rng);
		seqs[j] = 65535 - 20; /* the same on every SSRC, and each wraps */
	}
	tx = iop_srtp_new(pr, &k, ssrc_any_outbound, 0, false);
	rx = iop_ksrtp_session();
	if (!tx || !rx)
		goto out;
	iop_ksrtp_policy(pr, &k, KSRTP_INBOUND, 0, &p);
	p.any_ssrc = true;
	IOP_CHECK_ERR(ksrtp_add_stream(rx, &p), 0);

	for (i = 0; i < NPKT; i++) {
		uint8_t plain[IOP_BUF], wire[IOP_BUF], bad[IOP_BUF];
		size_t plen, wlen, len;
		bool rtcp;
		int ilen;

		iop.iter = i;
		j = iop_rand_below(rng, NSSRC);
		/* SSRC 0 opens with RTCP; after that one packet in five is RTCP. */
		rtcp = (j == 0 && !started[0]) || iop_rand_below(rng, 5) == 0;
		if (rtcp) {
			plen = iop_gen_rtcp(rng, plain, ssrcs[j]);
		} else {
			struct iop_rtp r;

			iop_gen_rtp(rng, plain, ssrcs[j], seqs[j]++, &r);
			plen = r.len;
		}
		memcpy(wire, plain, plen);
		ilen = (int)plen;
		if (rtcp)
			IOP_CHECK_SRTP(srtp_protect_rtcp(tx, wire, &ilen), srtp_err_status_ok);
		else
			IOP_CHECK_SRTP(srtp_protect(tx, wire, &ilen), srtp_err_status_ok);
		wlen = (size_t)ilen;

		if (!started[j]) {
			/* A forged first packet: refused, untouched, and no stream made. */
			memcpy(bad, wire, wlen);
			bad[wlen - 1] ^= 0x01;
			len = wlen;
			if (rtcp)
				IOP_CHECK_ERR(ksrtp_unprotect_rtcp(rx, bad, &len), KSRTP_EAUTH);
			else
				IOP_CHECK_ERR(ksrtp_unprotect(rx, bad, &len), KSRTP_EAUTH);
			IOP_CHECK(len == wlen);
			bad[wlen - 1] ^= 0x01;
			IOP_CHECK_PKT(bad, wlen, wire, wlen);
			IOP_CHECK_ERR(ksrtp_stream_stats(rx, ssrcs[j], KSRTP_INBOUND, &stats),
				      KSRTP_ENOSTREAM);
		}
		memcpy(bad, wire, wlen);
		len = wlen;
		if (rtcp)
			IOP_CHECK_ERR(ksrtp_unprotect_rtcp(rx, wire, &len), 0);
		else
			IOP_CHECK_ERR(ksrtp_unprotect(rx, wire, &len), 0);
		IOP_CHECK_PKT(wire, len, plain, plen);
		started[j] = true;
		counts[j]++;
		/* The same packet again is a replay of this SSRC's stream now. */
		len = wlen;
		if (rtcp)
			IOP_CHECK_ERR(ksrtp_unprotect_rtcp(rx, bad, &len), KSRTP_EREPLAY);
		else
			IOP_CHECK_ERR(ksrtp_unprotect(rx, bad, &len), KSRTP_EREPLAY);
	}
	iop.iter = -1;
	for (j = 0; j < NSSRC; j++) {
		IOP_CHECK_ERR(ksrtp_stream_stats(rx, ssrcs[j], KSRTP_INBOUND, &stats), 0);
		IOP_CHECK(stats.packets == counts[j]);
		IOP_CHECK(stats.replays == counts[j]);
		IOP_CHECK(counts[j] > 0);
	}
out:
	ksrtp_session_free(rx);
	if (tx)
		srtp_dealloc(tx);
}

static void outbound(const struct test_profile *pr, unsigned long long *rng)
{
	uint32_t ssrcs[NSSRC];
	uint16_t seqs[NSSRC];
	unsigned int i, j;
	struct iop_keys k;
	struct ksrtp_policy p;
	ksrtp_session *tx;
	srtp_t ref, rx;

	iop_keys_random(pr, rng, &k);
	for (j = 0; j < NSSRC; j++) {
		ssrcs[j] = (uint32_t)test_rand(rng);
		seqs[j] = (uint16_t)test_rand(rng);
	}
	tx = iop_ksrtp_session();
	ref = iop_srtp_new(pr, &k, ssrc_any_outbound, 0, false);
	rx = iop_srtp_new(pr, &k, ssrc_any_inbound, 0, false);
	if (!tx || !ref || !rx)
		goto out;
	iop_ksrtp_policy(pr, &k, KSRTP_OUTBOUND, 0, &p);
	p.any_ssrc = true;
	IOP_CHECK_ERR(ksrtp_add_stream(tx, &p), 0);

	for (i = 0; i < NPKT / 2; i++) {
		uint8_t plain[IOP_BUF], a[IOP_BUF], b[IOP_BUF];
		size_t plen, alen;
		bool rtcp = iop_rand_below(rng, 5) == 0;
		int blen;

		iop.iter = i;
		j = iop_rand_below(rng, NSSRC);
		if (rtcp) {
			plen = iop_gen_rtcp(rng, plain, ssrcs[j]);
		} else {
			struct iop_rtp r;

			iop_gen_rtp(rng, plain, ssrcs[j], seqs[j]++, &r);
			plen = r.len;
		}
		memcpy(a, plain, plen);
		memcpy(b, plain, plen);
		alen = plen;
		blen = (int)plen;
		if (rtcp) {
			IOP_CHECK_ERR(ksrtp_protect_rtcp(tx, a, &alen, IOP_BUF), 0);
			IOP_CHECK_SRTP(srtp_protect_rtcp(ref, b, &blen), srtp_err_status_ok);
		} else {
			IOP_CHECK_ERR(ksrtp_protect(tx, a, &alen, IOP_BUF), 0);
			IOP_CHECK_SRTP(srtp_protect(ref, b, &blen), srtp_err_status_ok);
		}
		IOP_CHECK_PKT(a, alen, b, (size_t)blen);
		blen = (int)alen;
		if (rtcp)
			IOP_CHECK_SRTP(srtp_unprotect_rtcp(rx, a, &blen), srtp_err_status_ok);
		else
			IOP_CHECK_SRTP(srtp_unprotect(rx, a, &blen), srtp_err_status_ok);
		IOP_CHECK_PKT(a, (size_t)blen, plain, plen);
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

	if (iop_init("any_ssrc", SEED))
		return T_FAIL;
	for (i = 0; i < TEST_NPROFILES; i++) {
		iop.profile = test_profiles[i].name;
		if (!iop_applies(&test_profiles[i], true))
			continue;
		inbound(&test_profiles[i], &rng);
		outbound(&test_profiles[i], &rng);
	}
	return iop_finish();
}
