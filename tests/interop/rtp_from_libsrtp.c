// SPDX-License-Identifier: MIT
/*
 * libsrtp2 protects RTP, ksrtp unprotects it, for every profile: random
 * payload sizes (0..1400), CSRC counts, one-byte and two-byte header
 * extensions (RFC 8285), padding (RFC 3550 section 5.1), a few lost and
 * reordered packets, and a sequence-number rollover in the middle that
 * ksrtp's index estimate (RFC 3711 section 3.3.1, Appendix A) must follow,
 * including a packet of the old ROC arriving after one of the new.
 */
#include "interop.h"

#define SEED 0x1d0c5a11f00d0002ULL
#define NPKT 500
/* The 16-bit sequence number wraps about 200 packets in. */
#define FIRST_SEQ (65535 - 200)

static void run(const struct test_profile *pr, unsigned long long *rng, struct iop_pkt *pk)
{
	unsigned int order[NPKT], i;
	uint32_t ssrc = (uint32_t)test_rand(rng);
	uint16_t seq = FIRST_SEQ;
	bool wrapped = false;
	struct iop_keys k;
	struct ksrtp_stats stats;
	uint64_t payload = 0;
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
		uint16_t next;

		iop.iter = i;
		iop_gen_rtp(rng, p->plain, ssrc, seq, &p->r);
		p->plain_len = p->r.len;
		payload += p->r.len - p->r.hdr_len;
		memcpy(p->wire, p->plain, p->plain_len);
		len = (int)p->plain_len;
		IOP_CHECK_SRTP(srtp_protect(tx, p->wire, &len), srtp_err_status_ok);
		IOP_CHECK((size_t)len == p->plain_len + pr->rtp_tag_len);
		p->wire_len = (size_t)len;
		next = (uint16_t)(seq + 1 + (iop_rand_below(rng, 16) ? 0 : iop_rand_below(rng, 4)));
		wrapped |= next < seq;
		seq = next;
	}
	IOP_CHECK(wrapped);

	/*
	 * Whatever the random order does, the first packet after the wrap
	 * arrives before the last one before it: the receiver sees ROC 1
	 * first and must still place the late ROC 0 packet right (RFC 3711
	 * Appendix A, v = ROC - 1).
	 */
	iop_reorder(rng, order, NPKT);
	for (i = 0; i + 1 < NPKT; i++) {
		uint16_t a = (uint16_t)(pk[i].plain[2] << 8 | pk[i].plain[3]);
		uint16_t b = (uint16_t)(pk[i + 1].plain[2] << 8 | pk[i + 1].plain[3]);
		unsigned int j, pa = 0, pb = 0;

		if (b > a)
			continue;
		for (j = 0; j < NPKT; j++) {
			if (order[j] == i)
				pa = j;
			else if (order[j] == i + 1)
				pb = j;
		}
		if (pa < pb) {
			order[pa] = i + 1;
			order[pb] = i;
		}
		break;
	}

	for (i = 0; i < NPKT; i++) {
		struct iop_pkt *p = &pk[order[i]];
		uint8_t buf[IOP_BUF];
		size_t len = p->wire_len;

		iop.iter = order[i];
		memcpy(buf, p->wire, p->wire_len);
		IOP_CHECK_ERR(ksrtp_unprotect(rx, buf, &len), 0);
		IOP_CHECK_PKT(buf, len, p->plain, p->plain_len);
	}
	iop.iter = -1;
	IOP_CHECK_ERR(ksrtp_stream_stats(rx, ssrc, KSRTP_INBOUND, &stats), 0);
	IOP_CHECK(stats.packets == NPKT);
	IOP_CHECK(stats.bytes == payload);
	IOP_CHECK(stats.auth_failures == 0 && stats.replays == 0 && stats.malformed == 0);
out:
	ksrtp_session_free(rx);
	if (tx)
		srtp_dealloc(tx);
}

int main(void)
{
	return iop_main("rtp_from_libsrtp", SEED, NPKT, run);
}
