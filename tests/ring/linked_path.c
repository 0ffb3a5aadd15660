// SPDX-License-Identifier: MIT
/*
 * The linked path (lib/engine_kernel.h, lib/ring/send.c): on the kernel
 * engine with the URING_CMD transport, ksrtp_send_frame and ksrtp_forward
 * on io_uring+gso packetize (or copy) straight into the module's arena,
 * and each GSO send goes in one io_uring submission behind the SEAL of
 * its packets, linked to it.
 *
 * On every engine (the user engine on the host, the kernel engine in the
 * VM, tests/vm/engine-tests):
 *  - frames of 1 to 60 packets arrive sealed and byte for byte what a
 *    packetizer of the same configuration makes, opened by a user-engine
 *    receiver; each frame goes in one io_uring_enter; and the same from a
 *    ring with one SQ entry, no room for a linked pair (the linked path
 *    then seals by ioctl first, and the seal failure below is tested on
 *    it too);
 *  - a frame whose seal fails part way (the stream's index space runs out
 *    at the ROC 2^32 - 1 wrap, KSRTP_EINDEX) returns that code and none of
 *    its packets arrives: the sealed ones are not sent without the others,
 *    the unsealed ones never in plaintext; the next frames on a good
 *    stream still arrive;
 *  - ksrtp_forward to 5 receivers, each its own session and keys, in one
 *    io_uring_enter, each receiver's copies open with its keys only; 24
 *    packets of different sizes (24 sends, so 24 SEALs on one file, more
 *    than the module takes in flight) all arrive;
 *  - every slot of the ring is back afterwards.
 * Where the path is linked, a frame and a fan-out larger than the ring's
 * own arena (8 slots) go out anyway, 100 times over (their packets never
 * took a ring slot, and the module's slots come back each time); the copy
 * path says KSRTP_ENOSPACE there, and that is checked too.
 */
#include "ring_test.h"

#include <stdlib.h>

#define PEERS 5
#define FWD_N 8
#define UNEQUAL_N 24
#define BIG_FRAME_PACKETS 20
#define MTU 1200
#define ROUNDS 100

/* A session with one stream of peer's key (roc: the stream's initial ROC). */
static ksrtp_session *session(const struct ksrtp_config *cfg, enum ksrtp_direction dir,
			      unsigned int peer, uint32_t roc)
{
	uint8_t key[16], salt[12];
	struct ksrtp_policy p = {
		.profile = KSRTP_AEAD_AES_128_GCM,
		.direction = dir,
		.ssrc = RT_SSRC,
		.key = key,
		.key_len = sizeof(key),
		.salt = salt,
		.salt_len = sizeof(salt),
		.roc = roc,
	};
	int err = 0;
	ksrtp_session *s;

	rt_key(peer, key, salt);
	s = ksrtp_session_new(cfg, &err);
	if (!s || (err = ksrtp_add_stream(s, &p)))
		RT_FATAL("session: %s", ksrtp_strerror(err));
	return s;
}

static const struct ksrtp_config user_cfg = { .engine = KSRTP_ENGINE_USER };

static struct ksrtp_packetizer_config pz_cfg(uint16_t seq)
{
	return (struct ksrtp_packetizer_config){ .ssrc = RT_SSRC, .codec = KSRTP_CODEC_GENERIC,
						 .payload_type = 96, .mtu = MTU,
						 .flags = KSRTP_PKTZ_EXPLICIT_START, .seq = seq };
}

/* Packets the reference packetizer made: what must arrive. */
struct expected {
	struct ksrtp_pkt v[64];
	uint8_t buf[64][KSRTP_ARENA_SLOT];
	unsigned int n;
};

static void expect_frame(struct ksrtp_packetizer *ref, struct expected *e,
			 const struct ksrtp_frame *f)
{
	unsigned int i;
	int n;

	for (i = 0; i < 64; i++)
		e->v[i] = (struct ksrtp_pkt){ .data = e->buf[i], .cap = KSRTP_ARENA_SLOT };
	n = ksrtp_packetize(ref, f, e->v, 64);
	if (n <= 0)
		RT_FATAL("reference packetizer: %d", n);
	e->n = (unsigned int)n;
}

/*
 * Receive on rx until e's packets are in (or the timeout): each opens
 * with srx and equals its expected packet byte for byte; nothing else
 * arrives. wait_ms: how long to wait for more when e->n is 0.
 */
static void receive_expected(ksrtp_ring *rx, ksrtp_session *srx, const struct expected *e,
			     int wait_ms)
{
	double deadline = rt_now() + (e->n ? RT_TIMEOUT_MS : wait_ms) / 1000.0;
	struct ksrtp_pkt in[64];
	bool seen[64] = { false };
	unsigned int got = 0, k, i;

	while ((got < e->n || !e->n) && rt_now() < deadline) {
		int r = ksrtp_ring_recv(rx, in, 64, 50);

		if (r < 0)
			RT_FATAL("ksrtp_ring_recv: %s", ksrtp_strerror(r));
		ksrtp_unprotect_batch(srx, in, (unsigned int)r);
		for (k = 0; k < (unsigned int)r; k++) {
			for (i = 0; i < e->n; i++)
				if (!seen[i] && !in[k].status && in[k].len == e->v[i].len &&
				    !memcmp(in[k].data, e->v[i].data, e->v[i].len))
					break;
			if (i == e->n) {
				fprintf(stderr, "a packet not expected (status %d, %u bytes)\n",
					in[k].status, in[k].len);
				test_failures++;
			} else {
				seen[i] = true;
				got++;
			}
		}
		ksrtp_arena_put(ksrtp_ring_arena(rx), in, (unsigned int)r);
	}
	if (got != e->n) {
		fprintf(stderr, "%u of %u packets arrived\n", got, e->n);
		test_failures++;
	}
}

static uint64_t tx_calls(ksrtp_ring *r)
{
	struct ksrtp_ring_stats st;

	ksrtp_ring_stats(r, &st);
	return st.tx_calls;
}

static struct expected e;

/*
 * Frames of 1..60 packets, byte-correct, one enter each (one_enter; a ring
 * whose submission queue has no room for a SEAL -> send pair seals by ioctl
 * and sends by sendmsg instead).
 */
static void frames(const struct ksrtp_config *cfg, ksrtp_ring *tx, ksrtp_ring *rx,
		   const struct ksrtp_dest *to, const uint8_t *data, bool one_enter)
{
	struct ksrtp_packetizer_config pc = pz_cfg(1000);
	ksrtp_session *stx = session(cfg, KSRTP_OUTBOUND, 0, 0);
	ksrtp_session *srx = session(&user_cfg, KSRTP_INBOUND, 0, 0);
	static const uint32_t lens[] = { 1, 700, MTU, MTU + 1, 8 * MTU - 3, 20 * MTU, 60 * MTU };
	struct ksrtp_packetizer ref;
	ksrtp_outbound *o;
	unsigned int i;
	int err = 0;

	o = ksrtp_outbound_new(tx, stx, &pc, to, &err);
	if (!o || ksrtp_packetizer_init(&ref, &pc))
		RT_FATAL("outbound: %s", ksrtp_strerror(err));
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		struct ksrtp_frame f = { .data = data + i, .len = lens[i], .rtp_ts = 3000 * i,
					 .flags = i == 0 ? KSRTP_FRAME_KEY : 0 };
		uint64_t calls = tx_calls(tx);

		expect_frame(&ref, &e, &f);
		CHECK_ERR(ksrtp_send_frame_ex(o, &f), (int)e.n);
		CHECK(!one_enter || tx_calls(tx) == calls + 1);
		receive_expected(rx, srx, &e, 0);
	}
	rt_check_slots(tx);
	ksrtp_outbound_free(o);
	ksrtp_session_free(stx);
	ksrtp_session_free(srx);
}

/* A seal that fails part way: the code back, nothing of the frame on the wire. */
static void seal_fails(const struct ksrtp_config *cfg, ksrtp_ring *tx, ksrtp_ring *rx,
		      const struct ksrtp_dest *to, const uint8_t *data)
{
	/* At ROC 2^32 - 1, packets 0..3 take seq 65532..65535, packet 4 would wrap. */
	struct ksrtp_packetizer_config pc = pz_cfg(65532);
	ksrtp_session *stx = session(cfg, KSRTP_OUTBOUND, 1, UINT32_MAX);
	ksrtp_session *srx = session(&user_cfg, KSRTP_INBOUND, 1, UINT32_MAX);
	struct ksrtp_frame f = { .data = data, .len = 8 * MTU, .flags = KSRTP_FRAME_KEY };
	struct ksrtp_packetizer ref;
	ksrtp_outbound *o;
	int err = 0;

	o = ksrtp_outbound_new(tx, stx, &pc, to, &err);
	if (!o || ksrtp_packetizer_init(&ref, &pc))
		RT_FATAL("outbound: %s", ksrtp_strerror(err));
	/* One packet before the wrap goes out. */
	f.len = MTU;
	expect_frame(&ref, &e, &f);
	CHECK_ERR(ksrtp_send_frame_ex(o, &f), 1);
	receive_expected(rx, srx, &e, 0);
	/* Then 8 packets, the last 5 past it: none arrives. */
	f.len = 8 * MTU;
	CHECK_ERR(ksrtp_send_frame_ex(o, &f), KSRTP_EINDEX);
	e.n = 0;
	receive_expected(rx, srx, &e, 300);
	rt_check_slots(tx);
	ksrtp_outbound_free(o);
	ksrtp_session_free(stx);
	ksrtp_session_free(srx);
}

/* ksrtp_forward of a frame's 8 packets to PEERS receivers in one enter. */
static void forward(const struct ksrtp_config *cfg, ksrtp_ring *fw, int out)
{
	static uint8_t plain[FWD_N][KSRTP_ARENA_SLOT];
	struct ksrtp_forward_target t[PEERS];
	struct sockaddr_in addr[PEERS];
	ksrtp_session *stx[PEERS], *srx[PEERS];
	ksrtp_ring *rx[PEERS];
	struct ksrtp_pkt in[FWD_N];
	int fd[PEERS];
	unsigned int j, k;
	uint64_t calls;

	for (j = 0; j < PEERS; j++) {
		fd[j] = rt_socket(&addr[j]);
		rx[j] = rt_ring(KSRTP_TX_SENDTO, KSRTP_RX_RECVMMSG, 0, 256, 64);
		CHECK_ERR(ksrtp_ring_listen(rx[j], fd[j]), 0);
		stx[j] = session(cfg, KSRTP_OUTBOUND, 10 + j, 0);
		srx[j] = session(&user_cfg, KSRTP_INBOUND, 10 + j, 0);
		t[j] = (struct ksrtp_forward_target){
			.session = stx[j],
			.dest = { .fd = out, .addr = (struct sockaddr *)&addr[j],
				  .addr_len = sizeof(addr[j]) },
		};
	}
	for (k = 0; k < FWD_N; k++) {
		in[k] = (struct ksrtp_pkt){ .data = plain[k], .cap = sizeof(plain[k]),
					    .len = rt_fill(plain[k], (uint16_t)(500 + k),
							   rt_payload(k, FWD_N, true)) };
		e.v[k] = in[k];
	}
	e.n = FWD_N;
	calls = tx_calls(fw);
	CHECK_ERR(ksrtp_forward(fw, in, FWD_N, t, PEERS), FWD_N * PEERS);
	CHECK(tx_calls(fw) == calls + 1);
	for (j = 0; j < PEERS; j++)
		receive_expected(rx[j], srx[j], &e, 0);
	/*
	 * 24 packets of as many sizes to one peer: a send (and so a SEAL) each,
	 * more than the module keeps in flight on a file (max_inflight 16):
	 * all arrive.
	 */
	for (k = 0; k < UNEQUAL_N; k++) {
		e.v[k] = (struct ksrtp_pkt){ .data = e.buf[k], .cap = KSRTP_ARENA_SLOT,
					     .len = rt_fill(e.buf[k], (uint16_t)(550 + k),
							    200 + 37 * k) };
	}
	e.n = UNEQUAL_N;
	calls = tx_calls(fw);
	CHECK_ERR(ksrtp_forward(fw, e.v, UNEQUAL_N, t, 1), UNEQUAL_N);
	printf("%u sends of different sizes: %llu calls\n", UNEQUAL_N,
	       (unsigned long long)(tx_calls(fw) - calls));
	receive_expected(rx[0], srx[0], &e, 0);
	/* Peer 0's copies do not open with peer 1's keys. */
	for (k = 0; k < FWD_N; k++)
		in[k].len = rt_fill(plain[k], (uint16_t)(600 + k), rt_payload(k, FWD_N, true));
	CHECK_ERR(ksrtp_forward(fw, in, FWD_N, t, 1), FWD_N);
	for (k = 0; k < FWD_N;) {
		struct ksrtp_pkt got[FWD_N];
		int r = ksrtp_ring_recv(rx[0], got, FWD_N, RT_TIMEOUT_MS), i;

		CHECK(r > 0);
		if (r <= 0)
			break;
		ksrtp_unprotect_batch(srx[1], got, (unsigned int)r);
		for (i = 0; i < r; i++)
			CHECK_ERR(got[i].status, KSRTP_EAUTH);
		ksrtp_arena_put(ksrtp_ring_arena(rx[0]), got, (unsigned int)r);
		k += (unsigned int)r;
	}
	rt_check_slots(fw);
	for (j = 0; j < PEERS; j++) {
		ksrtp_ring_free(rx[j]);
		close(fd[j]);
		ksrtp_session_free(stx[j]);
		ksrtp_session_free(srx[j]);
	}
}

/*
 * A ring of 8 slots: frames of 20 packets and a fan-out of 5 x 8 only fit
 * where the packets never take a ring slot (linked); else KSRTP_ENOSPACE.
 */
static void beyond_ring_arena(const struct ksrtp_config *cfg, bool linked, const uint8_t *data,
			      int out, const struct sockaddr_in *peer)
{
	const struct ksrtp_dest to = { .fd = out, .addr = (const struct sockaddr *)peer,
				       .addr_len = sizeof(*peer) };
	struct ksrtp_packetizer_config pc = pz_cfg(2000);
	ksrtp_ring *tiny = rt_ring(KSRTP_TX_URING_GSO, KSRTP_RX_RECVMMSG, 0, 8, 4);
	ksrtp_session *stx = session(cfg, KSRTP_OUTBOUND, 2, 0);
	struct ksrtp_forward_target t[PEERS];
	struct ksrtp_frame f = { .data = data, .len = BIG_FRAME_PACKETS * MTU };
	static uint8_t plain[FWD_N][KSRTP_ARENA_SLOT];
	struct ksrtp_pkt in[FWD_N];
	ksrtp_outbound *o;
	unsigned int i, j;
	int err = 0;

	o = ksrtp_outbound_new(tiny, stx, &pc, &to, &err);
	if (!o)
		RT_FATAL("outbound: %s", ksrtp_strerror(err));
	for (j = 0; j < PEERS; j++)
		t[j] = (struct ksrtp_forward_target){
			.session = session(cfg, KSRTP_OUTBOUND, 20 + j, 0), .dest = to };
	for (i = 0; i < ROUNDS; i++) {
		f.rtp_ts = 3000 * i;
		CHECK_ERR(ksrtp_send_frame_ex(o, &f), linked ? BIG_FRAME_PACKETS : KSRTP_ENOSPACE);
		for (j = 0; j < FWD_N; j++)
			in[j] = (struct ksrtp_pkt){
				.data = plain[j], .cap = sizeof(plain[j]),
				.len = rt_fill(plain[j], (uint16_t)(FWD_N * i + j), 100) };
		CHECK_ERR(ksrtp_forward(tiny, in, FWD_N, t, PEERS),
			  linked ? FWD_N * PEERS : KSRTP_ENOSPACE);
		if (test_failures)
			break;
	}
	rt_check_slots(tiny);
	ksrtp_outbound_free(o);
	ksrtp_ring_free(tiny);
	ksrtp_session_free(stx);
	for (j = 0; j < PEERS; j++)
		ksrtp_session_free(t[j].session);
}

int main(void)
{
	struct ksrtp_config cfg = test_config();
	struct sockaddr_in self, sink;
	struct rt_link l;
	struct ksrtp_dest to;
	const struct ksrtp_ring_config sq1 = { .tx = KSRTP_TX_URING_GSO, .rx = KSRTP_RX_RECVMMSG,
					       .arena_slots = 256, .rx_slots = 16, .sq_entries = 1 };
	ksrtp_ring *tx, *rx, *tx_sq1;
	ksrtp_session *probe;
	int err = 0;
	uint8_t *data = malloc(64 * MTU);
	int out, sink_fd;
	unsigned int i;
	bool linked;

	if (!data)
		RT_FATAL("out of memory");
	for (i = 0; i < 64 * MTU; i++)
		data[i] = (uint8_t)(i * 7 + i / 251);
	rt_link_open(&l);
	to = (struct ksrtp_dest){ .fd = l.tx };
	tx = rt_ring(KSRTP_TX_URING_GSO, KSRTP_RX_RECVMMSG, 0, 256, 16);
	rx = rt_ring(KSRTP_TX_SENDTO, KSRTP_RX_RECVMMSG, 0, 1024, 256);
	tx_sq1 = ksrtp_ring_new(&sq1, &err);
	if (!tx_sq1)
		RT_FATAL("ring with one SQ entry: %s", ksrtp_strerror(err));
	CHECK_ERR(ksrtp_ring_listen(rx, l.rx), 0);
	/*
	 * Linked where the stream is the module's and the transport URING_CMD:
	 * always on the kernel engine's uring run (tests/vm/engine-tests).
	 */
	probe = session(&cfg, KSRTP_OUTBOUND, 0, 0);
	linked = cfg.kernel_transport == KSRTP_KERNEL_URING &&
		 ksrtp_stream_engine(probe, RT_SSRC, KSRTP_OUTBOUND) == KSRTP_ENGINE_KERNEL;
	CHECK(linked || cfg.engine != KSRTP_ENGINE_KERNEL ||
	      cfg.kernel_transport != KSRTP_KERNEL_URING);
	ksrtp_session_free(probe);
	printf("%s path\n", linked ? "linked (SEAL -> send in one submission)" : "copy");
	if (!linked)
		test_not_applicable("the linked path (kernel engine, URING_CMD): the copy path "
				    "is tested instead");

	frames(&cfg, tx, rx, &to, data, true);
	frames(&cfg, tx_sq1, rx, &to, data, false);
	seal_fails(&cfg, tx, rx, &to, data);
	seal_fails(&cfg, tx_sq1, rx, &to, data);
	out = rt_socket(&self);
	forward(&cfg, tx, out);
	sink_fd = rt_socket(&sink);
	beyond_ring_arena(&cfg, linked, data, out, &sink);

	close(sink_fd);
	close(out);
	ksrtp_ring_free(tx);
	ksrtp_ring_free(tx_sq1);
	ksrtp_ring_free(rx);
	rt_link_close(&l);
	free(data);
	return test_result();
}
