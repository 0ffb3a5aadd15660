// SPDX-License-Identifier: MIT
/*
 * libsrtp2 protects compound RTCP (RFC 3550 section 6.1), ksrtp unprotects
 * it, for every profile: SR or RR first, then SDES, BYE, APP, RR in random
 * mixes, header-only packets (empty SRTCP payload) included, a few
 * delivered out of order (RFC 3711 section 3.3.2 applies to SRTCP indices
 * too).
 */
#include "interop.h"

#define SEED 0x1d0c5a11f00d0004ULL
#define NPKT 300

static void run(const struct test_profile *pr, unsigned long long *rng, struct iop_pkt *pk)
{
	unsigned int order[NPKT], i;
	uint32_t ssrc = (uint32_t)test_rand(rng);
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
		struct iop_pkt *p = &pk[i];
		int len;

		iop.iter = i;
		p->plain_len = iop_gen_rtcp(rng, p->plain, ssrc);
		memcpy(p->wire, p->plain, p->plain_len);
		len = (int)p->plain_len;
		IOP_CHECK_SRTP(srtp_protect_rtcp(tx, p->wire, &len), srtp_err_status_ok);
		IOP_CHECK((size_t)len == p->plain_len + 4 + pr->rtcp_tag_len);
		p->wire_len = (size_t)len;
	}

	iop_reorder(rng, order, NPKT);
	for (i = 0; i < NPKT; i++) {
		struct iop_pkt *p = &pk[order[i]];
		uint8_t buf[IOP_BUF];
		size_t len = p->wire_len;

		iop.iter = order[i];
		memcpy(buf, p->wire, p->wire_len);
		IOP_CHECK_ERR(ksrtp_unprotect_rtcp(rx, buf, &len), 0);
		IOP_CHECK_PKT(buf, len, p->plain, p->plain_len);
	}
	iop.iter = -1;
	IOP_CHECK_ERR(ksrtp_stream_stats(rx, ssrc, KSRTP_INBOUND, &stats), 0);
	IOP_CHECK(stats.packets == NPKT);
	IOP_CHECK(stats.auth_failures == 0 && stats.replays == 0 && stats.malformed == 0);
out:
	ksrtp_session_free(rx);
	if (tx)
		srtp_dealloc(tx);
}

int main(void)
{
	return iop_main("rtcp_from_libsrtp", SEED, NPKT, run);
}
