// SPDX-License-Identifier: MIT
/*
 * SFU forwarding: opened RTP packets (a frame's 8, then single packets)
 * re-sealed by ksrtp_forward for 5 receivers, each with its own session
 * and keys, sent from one unconnected socket to 5 addresses on each
 * transport. Each receiver opens exactly its copies with its own keys,
 * byte for byte what was forwarded; another receiver's keys do not open
 * them. No slot is lost.
 */
#include "ring_test.h"

#define PEERS 5
#define N 8

static const uint8_t modes[] = { KSRTP_TX_SENDTO, KSRTP_TX_SENDMMSG, KSRTP_TX_URING,
				 KSRTP_TX_URING_GSO, KSRTP_TX_GSO };

int main(void)
{
	static uint8_t plain[N][KSRTP_ARENA_SLOT];
	struct ksrtp_forward_target t[PEERS];
	struct sockaddr_in addr[PEERS], self;
	ksrtp_session *srx[PEERS], *stx[PEERS], *wrong;
	ksrtp_ring *rx[PEERS];
	struct ksrtp_pkt in[N], got[8];
	struct ksrtp_ring_stats st;
	unsigned int m, j, k;
	uint16_t seq = 100;
	int fd[PEERS], out, r;

	out = rt_socket(&self);
	for (j = 0; j < PEERS; j++) {
		fd[j] = rt_socket(&addr[j]);
		rx[j] = rt_ring(KSRTP_TX_SENDTO, KSRTP_RX_DEFAULT, 0, 256, 64);
		CHECK_ERR(ksrtp_ring_listen(rx[j], fd[j]), 0);
		stx[j] = rt_session(KSRTP_OUTBOUND, RT_SSRC, j);
		srx[j] = rt_session(KSRTP_INBOUND, RT_SSRC, j);
		t[j] = (struct ksrtp_forward_target){
			.session = stx[j],
			.dest = { .fd = out, .addr = (struct sockaddr *)&addr[j],
				  .addr_len = sizeof(addr[j]) },
		};
	}
	wrong = rt_session(KSRTP_INBOUND, RT_SSRC, PEERS);
	for (m = 0; m < sizeof(modes); m++) {
		ksrtp_ring *fw = rt_ring(modes[m], KSRTP_RX_RECVMMSG, 0, 256, 16);

		/* A frame's worth, then one packet. */
		for (k = 0; k < N; k++)
			in[k] = (struct ksrtp_pkt){ .data = plain[k], .cap = sizeof(plain[k]),
						    .len = rt_fill(plain[k], (uint16_t)(seq + k),
								   rt_payload(k, N, true)) };
		CHECK_ERR(ksrtp_forward(fw, in, N, t, PEERS), N * PEERS);
		for (j = 0; j < PEERS; j++)
			rt_expect(rx[j], srx[j], seq, N, true);
		seq = (uint16_t)(seq + N);
		in[0].len = rt_fill(plain[0], seq, rt_payload(0, 1, true));
		CHECK_ERR(ksrtp_forward(fw, in, 1, t, PEERS), PEERS);
		/* Receiver 0's copy does not open with keys it was not sealed with. */
		r = ksrtp_ring_recv(rx[0], got, 8, RT_TIMEOUT_MS);
		CHECK(r == 1);
		if (r == 1) {
			CHECK_ERR(ksrtp_unprotect_batch(wrong, got, 1), 0);
			CHECK_ERR(got[0].status, KSRTP_EAUTH);
			ksrtp_arena_put(ksrtp_ring_arena(rx[0]), got, 1);
		}
		for (j = 1; j < PEERS; j++)
			rt_expect(rx[j], srx[j], seq, 1, true);
		seq++;
		ksrtp_ring_stats(fw, &st);
		CHECK(st.tx_packets == (N + 1) * PEERS && st.tx_errors == 0);
		CHECK((modes[m] != KSRTP_TX_URING_GSO && modes[m] != KSRTP_TX_GSO) ||
		      st.tx_gso_sends == PEERS);
		/* Nothing in, or no one to send to: nothing sent. */
		CHECK_ERR(ksrtp_forward(fw, in, 0, t, PEERS), 0);
		CHECK_ERR(ksrtp_forward(fw, in, N, t, 0), 0);
		CHECK_ERR(ksrtp_forward(fw, NULL, N, t, PEERS), KSRTP_EINVAL);
		rt_check_slots(fw);
		ksrtp_ring_free(fw);
	}
	for (j = 0; j < PEERS; j++) {
		rt_check_slots(rx[j]);
		ksrtp_ring_free(rx[j]);
		ksrtp_session_free(stx[j]);
		ksrtp_session_free(srx[j]);
		close(fd[j]);
	}
	ksrtp_session_free(wrong);
	close(out);
	return test_result();
}
