/* SPDX-License-Identifier: MIT */
/*
 * Shared by the ring tests (tests/ring/): a loopback UDP pair, sessions
 * with a key per peer, a train of numbered RTP packets sealed in arena
 * slots, its round trip through any transport pair, and the check that
 * every slot is back in the arena.
 *
 * Every wait is bounded (RT_TIMEOUT_MS): a test that would hang fails.
 */
#ifndef KSRTP_TESTS_RING_TEST_H
#define KSRTP_TESTS_RING_TEST_H

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ksrtp/ring.h"
#include "test.h"

#define RT_TIMEOUT_MS 2000
#define RT_SSRC 0x52494e47u	/* "RING" */

#define RT_FATAL(...)                                                                 \
	do {                                                                          \
		fprintf(stderr, "%s:%d: fatal: ", __FILE__, __LINE__);                \
		fprintf(stderr, __VA_ARGS__);                                         \
		fputc('\n', stderr);                                                  \
		exit(T_FAIL);                                                         \
	} while (0)

static inline double rt_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * 127.0.0.1 to test on. The test VM's init leaves lo down; there (as root)
 * the test moves into a network namespace of its own and brings its lo
 * up, which changes nothing outside the test. Elsewhere lo is up and
 * nothing happens.
 */
static inline void rt_loopback(void)
{
	static bool done;
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(9),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct ifreq ifr;
	int fd;
	bool up;

	if (done)
		return;
	done = true;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	/* A UDP connect looks the route up: ENETUNREACH while lo is down. */
	up = fd >= 0 && !connect(fd, (struct sockaddr *)&a, sizeof(a));
	if (fd >= 0)
		close(fd);
	if (up || unshare(CLONE_NEWNET))
		return;		/* up, or not ours to fix: the test will say why */
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && !ioctl(fd, SIOCGIFFLAGS, &ifr)) {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(fd, SIOCSIFFLAGS, &ifr))
			fprintf(stderr, "bringing up lo: %s\n", strerror(errno));
	}
	if (fd >= 0)
		close(fd);
}

/* A non-blocking UDP socket bound to 127.0.0.1 (port chosen by the kernel); *addr is where. */
static inline int rt_socket(struct sockaddr_in *addr)
{
	socklen_t alen = sizeof(*addr);
	int rcvbuf = 8 << 20;
	int fd;

	rt_loopback();
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	memset(addr, 0, sizeof(*addr));
	addr->sin_family = AF_INET;
	addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)addr, sizeof(*addr)) ||
	    getsockname(fd, (struct sockaddr *)addr, &alen))
		RT_FATAL("UDP socket on 127.0.0.1: %s", strerror(errno));
	/* Best effort (capped by net.core.rmem_max): tests receive after each train anyway. */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	return fd;
}

/* Two sockets, tx connected to rx. */
struct rt_link {
	int tx, rx;
	struct sockaddr_in rx_addr;
};

static inline void rt_link_open(struct rt_link *l)
{
	struct sockaddr_in tx_addr;

	l->rx = rt_socket(&l->rx_addr);
	l->tx = rt_socket(&tx_addr);
	if (connect(l->tx, (struct sockaddr *)&l->rx_addr, sizeof(l->rx_addr)))
		RT_FATAL("connect: %s", strerror(errno));
}

static inline void rt_link_close(struct rt_link *l)
{
	close(l->tx);
	close(l->rx);
}

static inline ksrtp_ring *rt_ring(uint8_t tx, uint8_t rx, uint16_t flags, uint32_t slots,
				  uint32_t rx_slots)
{
	struct ksrtp_ring_config cfg = { .tx = tx, .rx = rx, .flags = flags,
					 .arena_slots = slots, .rx_slots = rx_slots };
	int err = 0;
	ksrtp_ring *r = ksrtp_ring_new(&cfg, &err);

	if (!r)
		RT_FATAL("ksrtp_ring_new(tx %u, rx %u): %s", tx, rx, ksrtp_strerror(err));
	return r;
}

/* Every slot back: free, or held by the ring for receiving. */
static inline void rt_check_slots(ksrtp_ring *r)
{
	ksrtp_arena *a = ksrtp_ring_arena(r);
	struct ksrtp_ring_stats st;

	ksrtp_ring_stats(r, &st);
	if (ksrtp_arena_avail(a) + st.rx_posted != ksrtp_arena_slots(a)) {
		fprintf(stderr, "slot leak: %u free + %u receiving of %u\n", ksrtp_arena_avail(a),
			st.rx_posted, ksrtp_arena_slots(a));
		test_failures++;
	}
	CHECK(ksrtp_arena_bad_puts(a) == 0);
}

/* The master key of peer `peer` (each receiver of a fan-out has its own). */
static inline void rt_key(unsigned int peer, uint8_t key[16], uint8_t salt[12])
{
	unsigned int i;

	for (i = 0; i < 16; i++)
		key[i] = (uint8_t)(0x40 + 7 * i + 13 * peer);
	for (i = 0; i < 12; i++)
		salt[i] = (uint8_t)(0xa0 + 3 * i + peer);
}

/* A session on the engine under test (test_config()) with one stream of peer's key. */
static inline ksrtp_session *rt_session(enum ksrtp_direction dir, uint32_t ssrc, unsigned int peer)
{
	struct ksrtp_config cfg = test_config();
	uint8_t key[16], salt[12];
	struct ksrtp_policy p = {
		.profile = KSRTP_AEAD_AES_128_GCM,
		.direction = dir,
		.ssrc = ssrc,
		.key = key,
		.key_len = sizeof(key),
		.salt = salt,
		.salt_len = sizeof(salt),
	};
	int err = 0;
	ksrtp_session *s;

	rt_key(peer, key, salt);
	s = ksrtp_session_new(&cfg, &err);
	if (!s || (err = ksrtp_add_stream(s, &p)))
		RT_FATAL("session: %s", ksrtp_strerror(err));
	return s;
}

/* RTP packet k of a train: header (seq = k), payload bytes a function of k and i. */
static inline uint32_t rt_fill(uint8_t *p, uint16_t seq, uint32_t payload)
{
	uint32_t i;

	p[0] = 0x80;
	p[1] = 96;
	p[2] = (uint8_t)(seq >> 8);
	p[3] = (uint8_t)seq;
	memset(p + 4, 0, 4);
	p[8] = (uint8_t)(RT_SSRC >> 24);
	p[9] = (uint8_t)(RT_SSRC >> 16);
	p[10] = (uint8_t)(RT_SSRC >> 8);
	p[11] = (uint8_t)RT_SSRC;
	for (i = 0; i < payload; i++)
		p[12 + i] = (uint8_t)(seq * 31 + i);
	return 12 + payload;
}

static inline bool rt_payload_ok(const uint8_t *p, uint32_t len, uint16_t *seq)
{
	uint32_t i;

	if (len < 12 || p[0] != 0x80 || (p[1] & 0x7f) != 96)
		return false;
	*seq = (uint16_t)(p[2] << 8 | p[3]);
	for (i = 12; i < len; i++)
		if (p[i] != (uint8_t)(*seq * 31 + (i - 12)))
			return false;
	return true;
}

/* Payload size of packet k of a train: `equal` trains are a frame's (equal, last shorter). */
static inline uint32_t rt_payload(unsigned int k, unsigned int n, bool equal)
{
	if (equal)
		return k + 1 < n ? 1200 : 517;
	return 200 + (k * 137) % 1000;
}

/* n sealed packets of a train (seq first..first+n) into arena slots v. */
static inline void rt_train(ksrtp_ring *tx, ksrtp_session *stx, struct ksrtp_pkt *v, uint16_t first,
			    unsigned int n, bool equal)
{
	unsigned int k;

	CHECK_ERR(ksrtp_arena_get(ksrtp_ring_arena(tx), v, n), (int)n);
	for (k = 0; k < n; k++)
		v[k].len = rt_fill(v[k].data, (uint16_t)(first + k), rt_payload(k, n, equal));
	CHECK_ERR(ksrtp_protect_batch(stx, v, n), (int)n);
}

/*
 * Receive the train rt_train() made on rx and check: all n arrive, each
 * opens with srx, bytes as sent. Returns the number received intact.
 */
static inline unsigned int rt_expect(ksrtp_ring *rx, ksrtp_session *srx, uint16_t first,
				     unsigned int n, bool equal)
{
	struct ksrtp_pkt in[64];
	unsigned int k, got = 0;
	bool *seen = calloc(n, sizeof(bool));
	double deadline = rt_now() + RT_TIMEOUT_MS / 1000.0;

	if (!seen)
		RT_FATAL("out of memory");
	while (got < n && rt_now() < deadline) {
		int r = ksrtp_ring_recv(rx, in, 64, 100);

		if (r < 0) {
			fprintf(stderr, "ksrtp_ring_recv: %s\n", ksrtp_strerror(r));
			test_failures++;
			break;
		}
		CHECK_ERR(ksrtp_unprotect_batch(srx, in, (unsigned int)r), r);
		for (k = 0; k < (unsigned int)r; k++) {
			uint16_t seq, i;

			if (!in[k].status && rt_payload_ok(in[k].data, in[k].len, &seq) &&
			    (i = (uint16_t)(seq - first)) < n && !seen[i] &&
			    in[k].len == 12 + rt_payload(i, n, equal)) {
				seen[i] = true;
				got++;
			} else {
				fprintf(stderr, "packet %u of a batch of %d: wrong\n", k, r);
				test_failures++;
			}
		}
		ksrtp_arena_put(ksrtp_ring_arena(rx), in, (unsigned int)r);
	}
	if (got != n) {
		fprintf(stderr, "%u of %u packets arrived\n", got, n);
		test_failures++;
	}
	free(seen);
	return got;
}

/* Seal and send a train of n packets on tx as one ksrtp_ring_send, then rt_expect() it. */
static inline unsigned int rt_roundtrip(ksrtp_ring *tx, ksrtp_ring *rx, const struct ksrtp_dest *to,
					ksrtp_session *stx, ksrtp_session *srx, uint16_t first,
					unsigned int n, bool equal)
{
	struct ksrtp_pkt v[256];
	struct ksrtp_train t = { .dest = to, .v = v, .n = n };

	if (n > 256)
		RT_FATAL("rt_roundtrip: %u packets", n);
	rt_train(tx, stx, v, first, n, equal);
	CHECK_ERR(ksrtp_ring_send(tx, &t, 1), (int)n);
	CHECK(t.sent == n);
	return rt_expect(rx, srx, first, n, equal);
}

/*
 * The whole test of one transport pair: trains of a frame's shape and of
 * mixed sizes, several rounds, then no slot missing.
 */
static inline int rt_transport_test(uint8_t txm, uint8_t rxm, uint16_t rx_flags)
{
	struct rt_link l;
	struct ksrtp_dest to;
	ksrtp_ring *tx, *rx;
	ksrtp_session *stx, *srx;
	struct ksrtp_ring_stats st;
	unsigned int round;
	uint16_t seq = 1000;

	rt_link_open(&l);
	to = (struct ksrtp_dest){ .fd = l.tx };
	tx = rt_ring(txm, KSRTP_RX_RECVMMSG, 0, 1024, 64);
	rx = rt_ring(KSRTP_TX_SENDTO, rxm, rx_flags, 1024, 256);
	CHECK_ERR(ksrtp_ring_listen(rx, l.rx), 0);
	stx = rt_session(KSRTP_OUTBOUND, RT_SSRC, 0);
	srx = rt_session(KSRTP_INBOUND, RT_SSRC, 0);
	for (round = 0; round < 20; round++) {
		unsigned int n = 1 + (round * 7) % 40;

		rt_roundtrip(tx, rx, &to, stx, srx, seq, n, round % 2 == 0);
		seq = (uint16_t)(seq + n);
		rt_check_slots(tx);
		rt_check_slots(rx);
	}
	ksrtp_ring_stats(tx, &st);
	printf("tx %s: %llu packets in %llu calls, %llu GSO sends, %llu errors\n",
	       ksrtp_tx_mode_name(ksrtp_ring_tx_mode(tx)), (unsigned long long)st.tx_packets,
	       (unsigned long long)st.tx_calls, (unsigned long long)st.tx_gso_sends,
	       (unsigned long long)st.tx_errors);
	CHECK(st.tx_errors == 0);
	CHECK((txm != KSRTP_TX_URING_GSO && txm != KSRTP_TX_GSO) || st.tx_gso_sends > 0);
	ksrtp_ring_stats(rx, &st);
	printf("rx %s%s: %llu packets, %llu GRO splits, %llu arms (%llu for want of buffers), "
	       "%llu truncated, %llu errors\n",
	       ksrtp_rx_mode_name(ksrtp_ring_rx_mode(rx)), rx_flags & KSRTP_RING_GRO ? "+gro" : "",
	       (unsigned long long)st.rx_packets, (unsigned long long)st.rx_gro_splits,
	       (unsigned long long)st.rx_arms, (unsigned long long)st.rx_nobufs,
	       (unsigned long long)st.rx_truncated,
	       (unsigned long long)st.rx_errors);
	CHECK(st.rx_errors == 0 && st.rx_truncated == 0);
	CHECK(!rxm || ksrtp_ring_rx_mode(rx) == rxm);
	ksrtp_session_free(stx);
	ksrtp_session_free(srx);
	ksrtp_ring_free(tx);
	ksrtp_ring_free(rx);
	rt_link_close(&l);
	return test_result();
}

#endif /* KSRTP_TESTS_RING_TEST_H */
