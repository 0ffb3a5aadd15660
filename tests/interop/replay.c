// SPDX-License-Identifier: MIT
/*
 * Replay protection on packets from libsrtp2 (RFC 3711 section 3.3.2), RTP
 * and RTCP, every profile. ksrtp must refuse with KSRTP_EREPLAY, leaving
 * the packet untouched: the packet just opened, any earlier one still in
 * the window (across the sequence-number wrap too), and ones that fell out
 * of the window. Packets held back and delivered late (inside the window,
 * never seen) are not replays and open. A refused replay never blocks the
 * genuine packet after it.
 *
 * Windows: ksrtp's default SRTP window is 1024 packets
 * (KSRTP_REPLAY_WINDOW_DEFAULT); SRTCP's is 128, as libsrtp's.
 */
#include "interop.h"

#define SEED 0x1d0c5a11f00d000bULL
#define NRTP 1300
#define NRTCP 300
#define RTP_WINDOW KSRTP_REPLAY_WINDOW_DEFAULT
#define RTCP_WINDOW 128
#define HOLD 7	/* a held-back packet arrives this many packets late */

/* Try p again: it must be refused as a replay, untouched. */
static void expect_replay(ksrtp_session *rx, const struct iop_pkt *p, bool rtcp)
{
	uint8_t buf[IOP_BUF];
	size_t len = p->wire_len;

	memcpy(buf, p->wire, p->wire_len);
	if (rtcp)
		IOP_CHECK_ERR(ksrtp_unprotect_rtcp(rx, buf, &len), KSRTP_EREPLAY);
	else
		IOP_CHECK_ERR(ksrtp_unprotect(rx, buf, &len), KSRTP_EREPLAY);
	IOP_CHECK(len == p->wire_len);
	IOP_CHECK_PKT(buf, len, p->wire, p->wire_len);
}

static void expect_open(ksrtp_session *rx, const struct iop_pkt *p, bool rtcp)
{
	uint8_t buf[IOP_BUF];
	size_t len = p->wire_len;

	memcpy(buf, p->wire, p->wire_len);
	if (rtcp)
		IOP_CHECK_ERR(ksrtp_unprotect_rtcp(rx, buf, &len), 0);
	else
		IOP_CHECK_ERR(ksrtp_unprotect(rx, buf, &len), 0);
	IOP_CHECK_PKT(buf, len, p->plain, p->plain_len);
}

/*
 * Deliver n sealed packets in order, except every 50th, which is held back
 * HOLD packets. After each delivery, replay it, and now and then an
 * earlier packet that is still inside the window. Returns the number of
 * replays tried.
 */
static unsigned int deliver(unsigned long long *rng, ksrtp_session *rx, struct iop_pkt *pk,
			    unsigned int n, unsigned int window, bool rtcp)
{
	unsigned int i, replays = 0;

	for (i = 0; i < n; i++) {
		iop.iter = i;
		if (i % 50 == 25)
			continue; /* held back */
		expect_open(rx, &pk[i], rtcp);
		expect_replay(rx, &pk[i], rtcp);
		replays++;
		if (i >= HOLD && (i - HOLD) % 50 == 25) {
			/* Late, inside the window, never seen: opens; then it is a replay. */
			iop.iter = i - HOLD;
			expect_open(rx, &pk[i - HOLD], rtcp);
			expect_replay(rx, &pk[i - HOLD], rtcp);
			replays++;
		}
		if (i > 0 && iop_rand_below(rng, 4) == 0) {
			unsigned int back = 1 + iop_rand_below(rng, i < window - 1 ? i : window - 1);

			if ((i - back) % 50 == 25 && back < HOLD)
				continue; /* still held back: not a replay yet */
			iop.iter = i - back;
			expect_replay(rx, &pk[i - back], rtcp);
			replays++;
		}
	}
	/* Out of the window: the first packets are far behind now. */
	for (i = 0; i < 10; i++) {
		iop.iter = i;
		expect_replay(rx, &pk[i], rtcp);
		replays++;
	}
	iop.iter = -1;
	return replays;
}

static void run(const struct test_profile *pr, unsigned long long *rng, struct iop_pkt *pk)
{
	uint32_t ssrc = (uint32_t)test_rand(rng);
	uint16_t seq = 65535 - NRTP / 2; /* the wrap is in the middle */
	unsigned int i, replays;
	struct iop_keys k;
	struct ksrtp_stats stats;
	ksrtp_session *rx;
	srtp_t tx;

	iop_keys_random(pr, rng, &k);
	tx = iop_srtp_new(pr, &k, ssrc_specific, ssrc, false);
	rx = iop_ksrtp_new(pr, &k, KSRTP_INBOUND, ssrc, 0, 0);
	if (!tx || !rx)
		goto out;

	/* SRTP */
	for (i = 0; i < NRTP; i++, seq++) {
		int len;

		iop.iter = i;
		iop_gen_rtp(rng, pk[i].plain, ssrc, seq, &pk[i].r);
		pk[i].plain_len = pk[i].r.len;
		memcpy(pk[i].wire, pk[i].plain, pk[i].plain_len);
		len = (int)pk[i].plain_len;
		IOP_CHECK_SRTP(srtp_protect(tx, pk[i].wire, &len), srtp_err_status_ok);
		pk[i].wire_len = (size_t)len;
	}
	replays = deliver(rng, rx, pk, NRTP, RTP_WINDOW, false);
	IOP_CHECK_ERR(ksrtp_stream_stats(rx, ssrc, KSRTP_INBOUND, &stats), 0);
	IOP_CHECK(stats.packets == NRTP);
	IOP_CHECK(stats.replays == replays);

	/* SRTCP */
	for (i = 0; i < NRTCP; i++) {
		int len;

		iop.iter = i;
		pk[i].plain_len = iop_gen_rtcp(rng, pk[i].plain, ssrc);
		memcpy(pk[i].wire, pk[i].plain, pk[i].plain_len);
		len = (int)pk[i].plain_len;
		IOP_CHECK_SRTP(srtp_protect_rtcp(tx, pk[i].wire, &len), srtp_err_status_ok);
		pk[i].wire_len = (size_t)len;
	}
	replays += deliver(rng, rx, pk, NRTCP, RTCP_WINDOW, true);
	IOP_CHECK_ERR(ksrtp_stream_stats(rx, ssrc, KSRTP_INBOUND, &stats), 0);
	IOP_CHECK(stats.packets == NRTP + NRTCP);
	IOP_CHECK(stats.replays == replays);
	IOP_CHECK(stats.auth_failures == 0);
out:
	ksrtp_session_free(rx);
	if (tx)
		srtp_dealloc(tx);
}

int main(void)
{
	return iop_main("replay", SEED, NRTP, run);
}
