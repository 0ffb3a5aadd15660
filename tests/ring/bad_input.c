// SPDX-License-Identifier: MIT
/*
 * Bad arguments get a clear KSRTP_E* code and change nothing: ring
 * configurations out of range, packets outside the arena or overrunning
 * their slot, a slot given back twice, more slots than there are, a
 * receive before listen, listening on what is not a UDP socket or twice, a
 * frame for a stream the session does not have (its slots come back), an
 * oversize packet to forward.
 */
#include "ring_test.h"	/* first: it defines _GNU_SOURCE */

#include <fcntl.h>

static void bad_config(struct ksrtp_ring_config cfg)
{
	int err = 0;

	CHECK(ksrtp_ring_new(&cfg, &err) == NULL);
	CHECK_ERR(err, KSRTP_EINVAL);
}

int main(void)
{
	static uint8_t outside[8192];
	struct ksrtp_packetizer_config pz = { .ssrc = 0x1234, .codec = KSRTP_CODEC_VP8,
					      .payload_type = 96 };
	struct ksrtp_inbound_config ic = { 0 };
	struct ksrtp_pkt v[4], in[1];
	struct ksrtp_train t;
	struct ksrtp_dest to;
	struct rt_link l;
	ksrtp_session *s;
	ksrtp_outbound *o;
	ksrtp_arena *a;
	ksrtp_ring *r;
	int err = 0, pipefd[2];
	unsigned int avail;

	bad_config((struct ksrtp_ring_config){ .tx = 9 });
	bad_config((struct ksrtp_ring_config){ .rx = 9 });
	bad_config((struct ksrtp_ring_config){ .flags = 0x80 });
	bad_config((struct ksrtp_ring_config){ .rx_slots = 100 });
	bad_config((struct ksrtp_ring_config){ .arena_slots = 64, .rx_slots = 64 });
	bad_config((struct ksrtp_ring_config){ .arena_slots = KSRTP_ARENA_SLOTS_MAX + 1 });
	bad_config((struct ksrtp_ring_config){ .sq_entries = 3 });

	rt_link_open(&l);
	to = (struct ksrtp_dest){ .fd = l.tx };
	r = rt_ring(KSRTP_TX_URING_GSO, KSRTP_RX_DEFAULT, 0, 64, 16);
	a = ksrtp_ring_arena(r);
	avail = ksrtp_arena_avail(a);

	/* Slots: too many, a double put, a foreign pointer. */
	CHECK_ERR(ksrtp_arena_get(a, v, avail + 1), KSRTP_ENOSPACE);
	CHECK(ksrtp_arena_avail(a) == avail);
	CHECK_ERR(ksrtp_arena_get(a, v, 2), 2);
	ksrtp_arena_put(a, v, 1);
	ksrtp_arena_put(a, v, 1);
	CHECK(ksrtp_arena_bad_puts(a) == 1 && ksrtp_arena_avail(a) == avail - 1);
	in[0] = (struct ksrtp_pkt){ .data = outside, .len = 100, .cap = sizeof(outside) };
	ksrtp_arena_put(a, in, 1);
	CHECK(ksrtp_arena_bad_puts(a) == 2 && ksrtp_arena_avail(a) == avail - 1);

	/* Sends of what is not a held slot, or overruns one: nothing sent, nothing taken. */
	v[1].len = 100;
	t = (struct ksrtp_train){ .dest = &to, .v = in, .n = 1 };
	CHECK_ERR(ksrtp_ring_send(r, &t, 1), KSRTP_EINVAL);
	t.v = v;				/* v[0] was given back */
	v[0].len = 100;
	t.n = 2;
	CHECK_ERR(ksrtp_ring_send(r, &t, 1), KSRTP_EINVAL);
	t.v = &v[1];
	t.n = 1;
	v[1].len = KSRTP_ARENA_SLOT + 1;
	CHECK_ERR(ksrtp_ring_send(r, &t, 1), KSRTP_EINVAL);
	v[1].len = 0;
	CHECK_ERR(ksrtp_ring_send(r, &t, 1), KSRTP_EINVAL);
	t.dest = NULL;
	v[1].len = 100;
	CHECK_ERR(ksrtp_ring_send(r, &t, 1), KSRTP_EINVAL);
	CHECK(ksrtp_arena_avail(a) == avail - 1);
	ksrtp_arena_put(a, &v[1], 1);
	CHECK(ksrtp_arena_avail(a) == avail);

	/* Receive before listen; listen on a pipe, on a closed fd, twice. */
	CHECK_ERR(ksrtp_ring_recv(r, in, 1, 0), KSRTP_EINVAL);
	if (pipe(pipefd))
		RT_FATAL("pipe: %s", strerror(errno));
	CHECK_ERR(ksrtp_ring_listen(r, pipefd[0]), KSRTP_EINVAL);
	CHECK_ERR(ksrtp_ring_listen(r, -1), KSRTP_EINVAL);
	CHECK_ERR(ksrtp_ring_listen(r, l.rx), 0);
	CHECK_ERR(ksrtp_ring_listen(r, l.rx), KSRTP_EINVAL);
	close(pipefd[0]);
	close(pipefd[1]);

	/* A frame for a stream the session does not have: the seal's error, slots back. */
	s = rt_session(KSRTP_OUTBOUND, RT_SSRC, 0);
	CHECK(ksrtp_outbound_new(r, NULL, &pz, &to, &err) == NULL);
	CHECK_ERR(err, KSRTP_EINVAL);
	o = ksrtp_outbound_new(r, s, &pz, &to, &err);
	CHECK(o != NULL);
	if (o) {
		CHECK_ERR(ksrtp_send_frame(o, outside, 0, 0, true), KSRTP_EINVAL);
		CHECK_ERR(ksrtp_send_frame(o, NULL, 10, 0, true), KSRTP_EINVAL);
		CHECK_ERR(ksrtp_send_frame(o, outside, 5000, 0, true), KSRTP_ENOSTREAM);
		ksrtp_outbound_free(o);
	}

	/* Forward: a packet larger than a slot can hold sealed; a NULL session. */
	{
		struct ksrtp_forward_target ft = { .session = s, .dest = to };

		in[0].len = KSRTP_ARENA_SLOT;
		CHECK_ERR(ksrtp_forward(r, in, 1, &ft, 1), KSRTP_EINVAL);
		in[0].len = 100;
		ft.session = NULL;
		CHECK_ERR(ksrtp_forward(r, in, 1, &ft, 1), KSRTP_EINVAL);
	}
	CHECK(ksrtp_inbound_new(r, &ic, &err) == NULL);
	CHECK_ERR(err, KSRTP_EINVAL);

	{
		struct ksrtp_ring_stats st;

		ksrtp_ring_stats(r, &st);
		CHECK(ksrtp_arena_avail(a) + st.rx_posted == ksrtp_arena_slots(a));
		CHECK(ksrtp_arena_bad_puts(a) == 2);
	}
	ksrtp_session_free(s);
	ksrtp_ring_free(r);
	rt_link_close(&l);
	return test_result();
}
