// SPDX-License-Identifier: MIT
/*
 * The inbound side taken by poll (no callback) and its flush timer: VP8
 * frames 0..4 of 3 packets are sent with ksrtp_send_frame, and the last
 * packet of frame 3 is lost on the way. Frames 0-2 come out at once;
 * frame 4 waits behind the gap (too few packets follow it for the
 * assembler to give it up) until the flush timer does, flush_ms after the
 * last packet; frame 3 never comes out; the loss is counted once.
 */
/* ring_test.h first: it defines _GNU_SOURCE. */
#include "ring_test.h"
#include "media/media_test.h"

#define FLUSH_MS 150

int main(void)
{
	struct ksrtp_packetizer_config pzc = { .ssrc = RT_SSRC, .codec = KSRTP_CODEC_VP8,
					       .payload_type = 96 };
	struct ksrtp_inbound_config ic = { .assembler = { .codec = KSRTP_CODEC_VP8 },
					   .flush_ms = FLUSH_MS };
	static uint8_t frame[5][3000], out[65536], relay[KSRTP_ARENA_SLOT];
	unsigned long long rng = 7;
	struct ksrtp_inbound_stats st;
	struct ksrtp_frame_info fi;
	struct sockaddr_in mid_addr;
	struct ksrtp_dest to;
	struct rt_link l;
	ksrtp_session *stx, *srx;
	ksrtp_ring *tx, *rx;
	ksrtp_outbound *o;
	ksrtp_inbound *in;
	unsigned int i, popped = 0, seen[5] = { 0 }, pkt = 0;
	double t_last = 0, t4 = 0, deadline;
	int mid, err = 0, r;

	rt_link_open(&l);
	mid = rt_socket(&mid_addr);
	to = (struct ksrtp_dest){ .fd = l.tx, .addr = (struct sockaddr *)&mid_addr,
				  .addr_len = sizeof(mid_addr) };
	tx = rt_ring(KSRTP_TX_DEFAULT, KSRTP_RX_RECVMMSG, 0, 256, 16);
	rx = rt_ring(KSRTP_TX_SENDTO, KSRTP_RX_DEFAULT, 0, 256, 64);
	stx = rt_session(KSRTP_OUTBOUND, RT_SSRC, 0);
	srx = rt_session(KSRTP_INBOUND, RT_SSRC, 0);
	o = ksrtp_outbound_new(tx, stx, &pzc, &to, &err);
	ic.session = srx;
	CHECK_ERR(ksrtp_ring_listen(rx, l.rx), 0);
	in = ksrtp_inbound_new(rx, &ic, &err);
	if (!o || !in)
		RT_FATAL("setup: %s", ksrtp_strerror(err));

	for (i = 0; i < 5; i++) {
		mt_frame_bytes(KSRTP_CODEC_VP8, i == 0 || i == 4, frame[i], sizeof(frame[i]), &rng);
		CHECK_ERR(ksrtp_send_frame(o, frame[i], sizeof(frame[i]), i * 3000, i == 0 || i == 4),
			  3);
	}
	/* The channel: all but packet 12 (frame 3's last) from mid to the receiver, in order. */
	while ((r = (int)recv(mid, relay, sizeof(relay), MSG_DONTWAIT)) > 0) {
		if (pkt++ != 11)
			CHECK(sendto(mid, relay, (size_t)r, 0, (struct sockaddr *)&l.rx_addr,
				     sizeof(l.rx_addr)) == r);
		t_last = rt_now();
	}
	CHECK(pkt == 15);

	deadline = rt_now() + RT_TIMEOUT_MS / 1000.0;
	while (popped < 4 && rt_now() < deadline) {
		CHECK(ksrtp_inbound_poll(in, 20) == 0);
		while ((r = ksrtp_inbound_pop(in, &fi, out, sizeof(out))) == 1) {
			i = (fi.rtp_ts - ksrtp_outbound_packetizer(o)->ts_offset) / 3000;
			CHECK(i < 5 && fi.len == sizeof(frame[0]) && !memcmp(out, frame[i], fi.len));
			seen[i < 5 ? i : 0]++;
			if (i == 4)
				t4 = rt_now();
			popped++;
		}
		CHECK_ERR(r, 0);
	}
	CHECK(seen[0] == 1 && seen[1] == 1 && seen[2] == 1 && seen[3] == 0 && seen[4] == 1);
	/* Not before the timer: flush_ms after the last packet (a little slack for the clock). */
	CHECK(t4 - t_last >= (FLUSH_MS - 20) / 1000.0);
	ksrtp_inbound_stats(in, &st);
	CHECK(st.flushes == 1 && st.assembler.lost == 1 && st.opened == 14 && st.packets == 14);
	CHECK(st.assembler.frames_dropped == 1);

	ksrtp_inbound_free(in);
	ksrtp_outbound_free(o);
	rt_check_slots(tx);
	rt_check_slots(rx);
	ksrtp_ring_free(tx);
	ksrtp_ring_free(rx);
	ksrtp_session_free(stx);
	ksrtp_session_free(srx);
	close(mid);
	rt_link_close(&l);
	return test_result();
}
