// SPDX-License-Identifier: MIT
/*
 * ksrtp protects RTP, libsrtp2 unprotects it, for every profile: random
 * payload sizes (0..1400), CSRC counts, one-byte and two-byte header
 * extensions (RFC 8285), padding (RFC 3550 section 5.1), a few lost and
 * reordered packets, and a sequence-number rollover in the middle (ROC 0 ->
 * 1, RFC 3711 section 3.3.1), which libsrtp2 must agree on.
 */
#include "interop.h"

#define SEED 0x1d0c5a11f00d0001ULL
#define NPKT 500
/* The 16-bit sequence number wraps about 200 packets in. */
#define FIRST_SEQ (65535 - 200)

static void run(const struct test_profile *pr, unsigned long long *rng, struct iop_pkt *pk)
{
	unsigned int order[NPKT], i;
	uint32_t ssrc = (uint32_t)test_rand(rng), roc = ~0u;
	uint16_t seq = FIRST_SEQ;
	bool wrapped = false;
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
		size_t len;
		uint16_t next;

		iop.iter = i;
		iop_gen_rtp(rng, p->plain, ssrc, seq, &p->r);
		p->plain_len = p->r.len;
		memcpy(p->wire, p->plain, p->plain_len);
		len = p->plain_len;
		IOP_CHECK_ERR(ksrtp_protect(tx, p->wire, &len, IOP_BUF), 0);
		IOP_CHECK(len == p->plain_len + pr->rtp_tag_len);
		/* RFC 3711 section 3.1: the header travels in the clear. */
		IOP_CHECK(memcmp(p->wire, p->plain, p->r.hdr_len) == 0);
		p->wire_len = len;
		/* Now and then a packet is lost: the sender skips sequence numbers. */
		next = (uint16_t)(seq + 1 + (iop_rand_below(rng, 16) ? 0 : iop_rand_below(rng, 4)));
		wrapped |= next < seq;
		seq = next;
	}
	IOP_CHECK(wrapped);

	iop_reorder(rng, order, NPKT);
	for (i = 0; i < NPKT; i++) {
		struct iop_pkt *p = &pk[order[i]];
		uint8_t buf[IOP_BUF];
		int len = (int)p->wire_len;

		iop.iter = order[i];
		memcpy(buf, p->wire, p->wire_len);
		IOP_CHECK_SRTP(srtp_unprotect(rx, buf, &len), srtp_err_status_ok);
		IOP_CHECK_PKT(buf, (size_t)len, p->plain, p->plain_len);
	}
	iop.iter = -1;
	/* libsrtp2 followed the rollover: its ROC is now 1. */
	IOP_CHECK_SRTP(srtp_get_stream_roc(rx, ssrc, &roc), srtp_err_status_ok);
	IOP_CHECK(roc == 1);
out:
	ksrtp_session_free(tx);
	if (rx)
		srtp_dealloc(rx);
}

int main(void)
{
	return iop_main("rtp_to_libsrtp", SEED, NPKT, run);
}
