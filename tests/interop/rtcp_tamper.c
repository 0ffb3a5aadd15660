// SPDX-License-Identifier: MIT
/*
 * Tampered SRTCP from libsrtp2 is refused by ksrtp, for every profile: one
 * flipped bit in the RTCP header (after V), in the (compound) body, in the
 * SRTCP index, or in the tag gives KSRTP_EAUTH (RFC 3711 section 3.4: all
 * but the tag is authenticated; RFC 7714 section 9.1: header and E + index
 * are AAD, the body is sealed), with packet and length left as they were,
 * and the genuine packet after it still opens. A flipped E flag no longer
 * matches the policy and is refused as KSRTP_EMALFORMED, also untouched.
 */
#include "interop.h"

#define SEED 0x1d0c5a11f00d000aULL
#define NPKT 150

static void run(const struct test_profile *pr, unsigned long long *rng,
		struct iop_pkt *pk __attribute__((unused)))
{
	uint32_t ssrc = (uint32_t)test_rand(rng);
	unsigned int i, attempts = 0;
	struct iop_keys k;
	struct ksrtp_stats stats;
	ksrtp_session *rx;
	srtp_t tx;

	iop_keys_random(pr, rng, &k);
	tx = iop_srtp_new(pr, &k, ssrc_specific, ssrc, false);
	rx = iop_ksrtp_new(pr, &k, KSRTP_INBOUND, ssrc, 0, 0);
	if (!tx || !rx)
		goto out;

	for (i = 0; i < NPKT; i++) {
		uint8_t plain[IOP_BUF], wire[IOP_BUF], bad[IOP_BUF], before[IOP_BUF];
		size_t plen, wlen, len, trailer_at, tag_at;
		unsigned int where;
		int ilen;

		iop.iter = i;
		plen = iop_gen_rtcp(rng, plain, ssrc);
		memcpy(wire, plain, plen);
		ilen = (int)plen;
		IOP_CHECK_SRTP(srtp_protect_rtcp(tx, wire, &ilen), srtp_err_status_ok);
		wlen = (size_t)ilen;
		/* AES-CM: body || E+index || tag; GCM: body || tag || E+index. */
		trailer_at = pr->gcm ? wlen - 4 : plen;
		tag_at = pr->gcm ? plen : plen + 4;

		for (where = 0; where < 5; where++) {
			int want = KSRTP_EAUTH;

			memcpy(bad, wire, wlen);
			switch (where) {
			case 0: /* header: the low 6 bits of octet 0 (P, count), PT, length */
				if (iop_rand_below(rng, 4) == 0)
					bad[0] ^= (uint8_t)(1u << iop_rand_below(rng, 6));
				else
					bad[1 + iop_rand_below(rng, 3)] ^=
						(uint8_t)(1u << iop_rand_below(rng, 8));
				break;
			case 1: /* body */
				if (plen == 8)
					continue; /* header-only packet */
				bad[8 + iop_rand_below(rng, (unsigned int)(plen - 8))] ^=
					(uint8_t)(1u << iop_rand_below(rng, 8));
				break;
			case 2: { /* a clear bit of the index: a fresh, larger index */
				uint32_t t = iop_get32(bad + trailer_at), b;

				do
					b = 1u << iop_rand_below(rng, 31);
				while (t & b);
				iop_put32(bad + trailer_at, t ^ b);
				break;
			}
			case 3: /* tag */
				bad[tag_at + iop_rand_below(rng, (unsigned int)pr->rtcp_tag_len)] ^=
					(uint8_t)(1u << iop_rand_below(rng, 8));
				break;
			default: /* E flag */
				bad[trailer_at] ^= 0x80;
				want = KSRTP_EMALFORMED;
				break;
			}
			memcpy(before, bad, wlen);
			len = wlen;
			IOP_CHECK_ERR(ksrtp_unprotect_rtcp(rx, bad, &len), want);
			IOP_CHECK(len == wlen);
			IOP_CHECK_PKT(bad, wlen, before, wlen);
			if (want == KSRTP_EAUTH)
				attempts++;
		}

		len = wlen;
		IOP_CHECK_ERR(ksrtp_unprotect_rtcp(rx, wire, &len), 0);
		IOP_CHECK_PKT(wire, len, plain, plen);
	}
	iop.iter = -1;
	IOP_CHECK_ERR(ksrtp_stream_stats(rx, ssrc, KSRTP_INBOUND, &stats), 0);
	IOP_CHECK(stats.packets == NPKT);
	IOP_CHECK(stats.auth_failures == attempts);
	IOP_CHECK(stats.replays == 0);
out:
	ksrtp_session_free(rx);
	if (tx)
		srtp_dealloc(tx);
}

int main(void)
{
	return iop_main("rtcp_tamper", SEED, 0, run);
}
