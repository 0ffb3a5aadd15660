// SPDX-License-Identifier: MIT
/*
 * Tampered SRTP from libsrtp2 is refused by ksrtp, for every profile: one
 * flipped bit in the header (RFC 3711 section 3.1: the header is
 * authenticated; RFC 7714 section 8.2: it is the AAD), in the payload, or
 * in the tag gives KSRTP_EAUTH, leaves the packet and its length exactly as
 * they were (ksrtp.h: "on any failure pkt is left as it was"), and does
 * not block the genuine packet that follows. The stream's counters see
 * every failure and every good packet.
 *
 * Header bits are chosen where a flip keeps the packet parseable and the
 * stream the same: M/PT, timestamp, P, CSRCs, extension elements, and a
 * sequence-number bit that moves the index forward (a fresh index, so the
 * answer is EAUTH rather than EREPLAY). Flips of V, CC, X, the extension
 * length or the SSRC change what the packet parses as and are not tag
 * checks.
 */
#include "interop.h"

#define SEED 0x1d0c5a11f00d0009ULL
#define NPKT 200

/* Flip one header bit of p (see above); returns false when none fits. */
static bool flip_header(unsigned long long *rng, uint8_t *p, const struct iop_rtp *r)
{
	for (;;) {
		unsigned int what = iop_rand_below(rng, 6), bit = iop_rand_below(rng, 8);

		switch (what) {
		case 0: /* M / PT */
			p[1] ^= (uint8_t)(1u << bit);
			return true;
		case 1: /* timestamp */
			p[4 + iop_rand_below(rng, 4)] ^= (uint8_t)(1u << bit);
			return true;
		case 2: /* P */
			p[0] ^= 0x20;
			return true;
		case 3: /* a CSRC */
			if (!r->cc)
				continue;
			p[12 + iop_rand_below(rng, 4 * r->cc)] ^= (uint8_t)(1u << bit);
			return true;
		case 4: /* an extension element (or its padding) */
			if (!r->ext || r->hdr_len == r->ext_data)
				continue;
			p[r->ext_data + iop_rand_below(rng, (unsigned int)(r->hdr_len - r->ext_data))] ^=
				(uint8_t)(1u << bit);
			return true;
		default: { /* a clear bit 0..14 of SEQ: SEQ grows by < 2^15 */
			uint16_t seq = (uint16_t)(p[2] << 8 | p[3]);
			unsigned int k = iop_rand_below(rng, 15);

			if (seq & (1u << k))
				continue;
			seq ^= (uint16_t)(1u << k);
			iop_put16(p + 2, seq);
			return true;
		}
		}
	}
}

static void run(const struct test_profile *pr, unsigned long long *rng,
		struct iop_pkt *pk __attribute__((unused)))
{
	uint32_t ssrc = (uint32_t)test_rand(rng);
	uint16_t seq = (uint16_t)test_rand(rng);
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

	for (i = 0; i < NPKT; i++, seq++) {
		uint8_t plain[IOP_BUF], wire[IOP_BUF], bad[IOP_BUF], before[IOP_BUF];
		struct iop_rtp r;
		size_t wlen, len;
		unsigned int where;
		int ilen;

		iop.iter = i;
		iop_gen_rtp(rng, plain, ssrc, seq, &r);
		memcpy(wire, plain, r.len);
		ilen = (int)r.len;
		IOP_CHECK_SRTP(srtp_protect(tx, wire, &ilen), srtp_err_status_ok);
		wlen = (size_t)ilen;

		/* Header, payload, tag: each tampered copy is refused untouched. */
		for (where = 0; where < 3; where++) {
			memcpy(bad, wire, wlen);
			if (where == 0) {
				flip_header(rng, bad, &r);
			} else if (where == 1) {
				if (r.len == r.hdr_len)
					continue; /* no payload */
				bad[r.hdr_len + iop_rand_below(rng, (unsigned int)(r.len - r.hdr_len))] ^=
					(uint8_t)(1u << iop_rand_below(rng, 8));
			} else {
				bad[r.len + iop_rand_below(rng, (unsigned int)pr->rtp_tag_len)] ^=
					(uint8_t)(1u << iop_rand_below(rng, 8));
			}
			memcpy(before, bad, wlen);
			len = wlen;
			IOP_CHECK_ERR(ksrtp_unprotect(rx, bad, &len), KSRTP_EAUTH);
			IOP_CHECK(len == wlen);
			IOP_CHECK_PKT(bad, wlen, before, wlen);
			attempts++;
		}

		/* The genuine packet right after still opens. */
		len = wlen;
		IOP_CHECK_ERR(ksrtp_unprotect(rx, wire, &len), 0);
		IOP_CHECK_PKT(wire, len, plain, r.len);
	}
	iop.iter = -1;
	IOP_CHECK_ERR(ksrtp_stream_stats(rx, ssrc, KSRTP_INBOUND, &stats), 0);
	IOP_CHECK(stats.packets == NPKT);
	IOP_CHECK(stats.auth_failures == attempts);
	IOP_CHECK(stats.replays == 0 && stats.malformed == 0);
out:
	ksrtp_session_free(rx);
	if (tx)
		srtp_dealloc(tx);
}

int main(void)
{
	return iop_main("rtp_tamper", SEED, 0, run);
}
