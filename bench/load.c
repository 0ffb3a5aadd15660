// SPDX-License-Identifier: MIT
/*
 * ksrtp-bench load: drives ksrtp-relay on loopback (load.h says how) and
 * reports what it forwards when offered more than it can take, its capacity
 * (the most it forwards without loss, see load_capacity()), and the CPU each
 * of its workers used; then runs at a fraction of that capacity and checks
 * that nothing is lost there. Above capacity packets are dropped, and every
 * drop must be accounted for.
 *
 * The generator (sending and receiving threads, sealing and opening as much
 * as the relay) runs on CPUs other than the relay's where there are enough
 * (struct load_cpus), and on a machine with few cores it is often the
 * bottleneck: the output says when the senders could not even fill the
 * relay's socket, when they offered less than the rate asked for (every
 * figure is the rate really offered, the target beside it), and the
 * per-worker CPU whether the relay was the one running out.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "bench.h"
#include "load.h"

#define LOAD_SLOT 2048
#define LOAD_BATCH 32		/* RTP packets per sendmmsg, and per protect_batch */
#define LOAD_RTCP_MAX 64	/* make_rtcp()'s packet, CNAME included */
#define LOAD_RX_BATCH 64
#define LOAD_SSRC0 0x10ad0000u
#define LOAD_WINDOW (1u << 17)	/* packets a receiver tracks per stream for duplicates */
#define LOAD_QUIET_MS 300	/* no delivery for this long: the run is over */
#define LOAD_DRAIN_MS 10000	/* unless the relay's socket still holds packets */
#define LOAD_WAIT_MS 5000	/* the most the relay may take to answer */
#define LOAD_SOCKET_BUFFER (32 << 20)	/* as the relay's (bench/relay/io.c says why) */
#define LOAD_MAX_BACKLOG_S 0.002	/* a late sender catches up at most this much at once */
/*
 * A pacing sender ahead of its schedule sleeps until this much is due (at
 * most a batch): a wakeup and a sendmmsg() per packet cost more than the
 * packet. Measured on 2 cores with 16 receivers (1200-byte payloads,
 * AES_CM_128_HMAC_SHA1_80): paced packet by packet the sender took 70-90%
 * of a core, the receiving thread beside it fell behind and its sockets
 * overflowed from 29000 packets/s; paced by 100 us, 35-55%, and nothing
 * was lost up to 38000-43000. A packet leaves at most this late, in a
 * burst of the few due, as from a media server's pacer.
 */
#define LOAD_PACE_NS 100000
/*
 * Where the relay and the generator run: the relay's workers on CPUs of
 * their own (the first the process may use, one a worker), the generator's
 * threads on the rest, when there are more CPUs than workers; otherwise
 * all share them. On a machine with few cores the generator needs about as
 * much CPU as the relay (it seals and opens every packet too), and a relay
 * that shares a core with it waits for it: measured on 2 cores, 20 s soaks
 * at 80% of capacity, 3 of 3 lost packets at the relay's socket with every
 * thread SCHED_RR (the relay waited out the receiving thread's 100 ms
 * round-robin slice: its worst wait for a CPU 100.2 ms, perf sched), 1 of
 * 3 with none real-time and unpinned, 2 of 3 with the relay on a core of
 * its own and 8 MiB socket buffers, 0 of 3 with 32 MiB (bench/relay/io.c).
 * Nothing runs real-time: with the relay ranked above the receiving thread
 * instead, overload collapsed (51000-79000 packets/s forwarded at 93% of
 * the relay's CPU, against about 290000), most likely because the kernel's
 * ksoftirqd, in the normal class, waited behind the real-time threads.
 */
struct load_cpus {
	bool pinned;
	unsigned int available;			/* CPUs the process may use */
	unsigned int relay[LOAD_MAX_WORKERS], nrelay;
	unsigned int generator[CPU_SETSIZE], ngenerator;
};

static void load_cpus_of(const struct load_setup *s, struct load_cpus *c)
{
	unsigned int cpus[CPU_SETSIZE], i;

	memset(c, 0, sizeof(*c));
	c->available = bench_allowed_cpus(cpus, CPU_SETSIZE);
	if (c->available <= s->threads)
		return;
	c->pinned = true;
	for (i = 0; i < c->available; i++) {
		if (i < s->threads)
			c->relay[c->nrelay++] = cpus[i];
		else
			c->generator[c->ngenerator++] = cpus[i];
	}
}

/* Which packets of one stream one receiver has had, in a sliding window. */
struct track {
	uint64_t next;		/* highest counter seen + 1 */
	uint64_t bits[LOAD_WINDOW / 64];
};

/* One thread of the generator: a sending one, or a receiving one. */
struct gen_thread {
	struct load *l;
	unsigned int id;
	pthread_t thread;
	ksrtp_session *tx;	/* sending: its senders' outbound streams */
	uint8_t *buf;		/* 2 x LOAD_BATCH (RTP, SRTCP) or LOAD_RX_BATCH slots */
	/* one run */
	double rate;		/* sending: RTP packets/s, 0 as fast as it can */
	uint64_t t0, end;
	uint64_t last;		/* receiving: when it last had packets to read */
	struct load_count rtp, rtcp;	/* sent, or delivered and bad */
	uint64_t skipped;	/* sending: RTP packets skipped for being late */
	double cpu_s;		/* sending: this thread's CPU time */
	int rc;
};

struct party_keys {
	uint8_t key[32], salt[14];
};

struct load {
	struct load_setup setup;
	unsigned int key_len, salt_len;
	char dir[64], config[128], stats[128], log[128];
	pid_t relay;
	struct sockaddr_storage relay_addr;
	socklen_t relay_addr_len;
	/* senders: sender s belongs to sending thread s % threads */
	int sfd[LOAD_MAX_SENDERS];
	uint64_t counter[LOAD_MAX_SENDERS];
	/* receivers: receiver r to receiving thread r % threads */
	int rfd[LOAD_MAX_RECEIVERS];
	unsigned int rport[LOAD_MAX_RECEIVERS];
	ksrtp_session *rx[LOAD_MAX_RECEIVERS];
	struct track *track;	/* [receiver * senders + sender] */
	struct track *rtcp_track;	/* the same for SRTCP, by count / rtcp_every */
	struct gen_thread send[LOAD_MAX_GEN_THREADS], recv[LOAD_MAX_GEN_THREADS];
	unsigned int nsend, nrecv;
	struct load_cpus cpus;
	atomic_bool sending_done;
};

/*
 * A generator thread onto the generator's CPUs, where there is a plan
 * (a failure is said, and the thread runs where the scheduler puts it).
 */
static void pin_generator(const struct load *l)
{
	if (l->cpus.pinned)
		bench_pin_cpus(l->cpus.generator, l->cpus.ngenerator);
}

static uint64_t now_ns(void)
{
	return bench_now_ns(CLOCK_MONOTONIC);
}

static void sleep_ns(uint64_t ns)
{
	struct timespec ts = { .tv_sec = (time_t)(ns / 1000000000u),
			       .tv_nsec = (long)(ns % 1000000000u) };

	nanosleep(&ts, NULL);
}

/* ---- the packets: RTP header, an 8-byte counter, a pattern of both ---- */

static uint8_t pattern(unsigned int sender, uint64_t counter, unsigned int i)
{
	return (uint8_t)(counter * 131 + sender * 7 + i);
}

static void put_be(uint8_t *p, uint64_t v, unsigned int bytes)
{
	while (bytes--)
		*p++ = (uint8_t)(v >> (8 * bytes));
}

static uint64_t get_be(const uint8_t *p, unsigned int bytes)
{
	uint64_t v = 0;

	while (bytes--)
		v = v << 8 | *p++;
	return v;
}

static size_t make_packet(uint8_t *p, unsigned int sender, uint64_t counter, unsigned int payload)
{
	uint32_t ssrc = LOAD_SSRC0 + sender;
	unsigned int i;

	p[0] = 0x80;
	p[1] = 96;
	put_be(p + 2, counter, 2);	/* sequence number */
	put_be(p + 4, counter, 4);	/* timestamp */
	put_be(p + 8, ssrc, 4);
	put_be(p + 12, counter, 8);
	for (i = 8; i < payload; i++)
		p[12 + i] = pattern(sender, counter, i);
	return 12 + payload;
}

/* An opened packet: its sender and counter if it is intact and one of ours. */
static bool check_packet(const struct load *l, const uint8_t *p, size_t len,
			 unsigned int *sender, uint64_t *counter)
{
	unsigned int i, payload = l->setup.payload;
	uint32_t ssrc;
	uint64_t c;

	if (len != 12 + payload)
		return false;
	ssrc = (uint32_t)get_be(p + 8, 4);
	if (ssrc - LOAD_SSRC0 >= l->setup.senders)
		return false;
	*sender = ssrc - LOAD_SSRC0;
	c = get_be(p + 12, 8);
	for (i = 8; i < payload; i++)
		if (p[12 + i] != pattern(*sender, c, i))
			return false;
	*counter = c;
	return true;
}

/*
 * The SRTCP compound packet that sender sends after its count-th RTP
 * packet (RFC 3550 section 6.1: a report first, an SDES CNAME with it): an
 * SR with no report blocks (section 6.4.1) and an SDES of one CNAME chunk
 * (section 6.5). Every field follows from sender and count, so a receiver
 * rebuilds it to compare: the packet and octet counts are the true ones, the
 * RTP timestamp is the last packet's (make_packet() stamps the counter), and
 * the NTP timestamp carries the 64-bit count instead of a wallclock no
 * receiver could rebuild; it tells copies apart, as the RTP payload's
 * counter does.
 */
static size_t make_rtcp(uint8_t *p, unsigned int sender, uint64_t count, unsigned int payload)
{
	uint32_t ssrc = LOAD_SSRC0 + sender;
	char cname[24];
	size_t n = (size_t)snprintf(cname, sizeof(cname), "load-sender-%u", sender);
	/* SSRC, CNAME item (type, length, text), null octets to the next 32-bit boundary */
	size_t chunk = (4 + 2 + n + 4) & ~(size_t)3;

	p[0] = 0x80;			/* V=2, no padding, RC=0 */
	p[1] = 200;			/* SR */
	put_be(p + 2, 6, 2);		/* length: 32-bit words - 1 */
	put_be(p + 4, ssrc, 4);
	put_be(p + 8, count, 8);	/* NTP timestamp: the count, see above */
	put_be(p + 16, count - 1, 4);	/* RTP timestamp */
	put_be(p + 20, count, 4);	/* sender's packet count */
	put_be(p + 24, count * payload, 4);	/* sender's octet count (payload octets) */
	p[28] = 0x81;			/* V=2, SC=1 */
	p[29] = 202;			/* SDES */
	put_be(p + 30, chunk / 4, 2);
	put_be(p + 32, ssrc, 4);
	p[36] = 1;			/* CNAME */
	p[37] = (uint8_t)n;
	memcpy(p + 38, cname, n);
	memset(p + 38 + n, 0, chunk - 6 - n);
	return 32 + chunk;
}

/* RFC 5761 section 4: RTCP packet types 192..223 in the second octet. */
static bool is_rtcp(const uint8_t *p, size_t len)
{
	return len >= 2 && p[1] >= 192 && p[1] <= 223;
}

/* An opened SRTCP packet: its sender and count if it is one make_rtcp() made. */
static bool check_rtcp(const struct load *l, const uint8_t *p, size_t len,
		       unsigned int *sender, uint64_t *count)
{
	uint8_t want[LOAD_RTCP_MAX];
	uint32_t ssrc;
	uint64_t c;

	if (len < 16 || !l->setup.rtcp_every)
		return false;
	ssrc = (uint32_t)get_be(p + 4, 4);
	c = get_be(p + 8, 8);
	if (ssrc - LOAD_SSRC0 >= l->setup.senders || !c || c % l->setup.rtcp_every)
		return false;
	*sender = ssrc - LOAD_SSRC0;
	if (len != make_rtcp(want, *sender, c, l->setup.payload) || memcmp(p, want, len))
		return false;
	*count = c;
	return true;
}

/* 0 for a first delivery, -1 for a duplicate or one too old to tell. */
static int track_mark(struct track *t, uint64_t c)
{
	uint64_t x;

	if (c + LOAD_WINDOW <= t->next)
		return -1;
	if (c >= t->next) {
		if (c - t->next >= LOAD_WINDOW)
			memset(t->bits, 0, sizeof(t->bits));
		else
			for (x = t->next; x <= c; x++)
				t->bits[x % LOAD_WINDOW / 64] &= ~(1ull << (x % 64));
		t->next = c + 1;
	}
	if (t->bits[c % LOAD_WINDOW / 64] & 1ull << (c % 64))
		return -1;
	t->bits[c % LOAD_WINDOW / 64] |= 1ull << (c % 64);
	return 0;
}

/* ---- the receiver thread ---- */

/* One SRTCP packet at receiver r: opened with r's keys, intact, the first copy. */
static void receive_rtcp(struct gen_thread *g, unsigned int r, uint8_t *p, size_t len)
{
	struct load *l = g->l;
	unsigned int sender;
	uint64_t count;

	if (ksrtp_unprotect_rtcp(l->rx[r], p, &len) || !check_rtcp(l, p, len, &sender, &count) ||
	    track_mark(&l->rtcp_track[r * l->setup.senders + sender],
		       count / l->setup.rtcp_every))
		g->rtcp.bad++;
	else
		g->rtcp.delivered++;
}

static void receive_batch(struct gen_thread *g, unsigned int r)
{
	struct load *l = g->l;
	struct mmsghdr msgs[LOAD_RX_BATCH];
	struct iovec iov[LOAD_RX_BATCH];
	struct ksrtp_pkt v[LOAD_RX_BATCH];
	unsigned int i, m, sender;
	uint64_t counter;
	int n;

	for (i = 0; i < LOAD_RX_BATCH; i++) {
		iov[i] = (struct iovec){ .iov_base = g->buf + (size_t)i * LOAD_SLOT,
					 .iov_len = LOAD_SLOT };
		msgs[i].msg_hdr = (struct msghdr){ .msg_iov = &iov[i], .msg_iovlen = 1 };
	}
	n = recvmmsg(l->rfd[r], msgs, LOAD_RX_BATCH, MSG_DONTWAIT, NULL);
	if (n <= 0)
		return;
	/* SRTCP one by one, as it comes; the RTP in one batch. */
	for (i = 0, m = 0; i < (unsigned int)n; i++)
		if (is_rtcp(iov[i].iov_base, msgs[i].msg_len))
			receive_rtcp(g, r, iov[i].iov_base, msgs[i].msg_len);
		else
			v[m++] = (struct ksrtp_pkt){ .data = iov[i].iov_base,
						     .len = msgs[i].msg_len, .cap = LOAD_SLOT };
	ksrtp_unprotect_batch(l->rx[r], v, m);
	for (i = 0; i < m; i++) {
		if (v[i].status || !check_packet(l, v[i].data, v[i].len, &sender, &counter) ||
		    track_mark(&l->track[r * l->setup.senders + sender], counter))
			g->rtp.bad++;
		else
			g->rtp.delivered++;
	}
}

static bool relay_drained(const struct load *l, uint64_t *deadline);

static void *receiver_main(void *arg)
{
	struct gen_thread *g = arg;
	struct load *l = g->l;
	struct pollfd pfd[LOAD_MAX_RECEIVERS];
	unsigned int r, n = 0, mine[LOAD_MAX_RECEIVERS];
	uint64_t quiet_since = 0, drain_deadline = 0;

	pin_generator(l);
	for (r = g->id; r < l->setup.receivers; r += l->nrecv) {
		pfd[n] = (struct pollfd){ .fd = l->rfd[r], .events = POLLIN };
		mine[n++] = r;
	}
	for (;;) {
		if (poll(pfd, n, 10) > 0) {
			quiet_since = 0;
			g->last = now_ns();
			for (r = 0; r < n; r++)
				if (pfd[r].revents & POLLIN)
					receive_batch(g, mine[r]);
		} else if (atomic_load(&l->sending_done)) {
			if (!quiet_since)
				quiet_since = now_ns();
			else if (now_ns() - quiet_since > LOAD_QUIET_MS * 1000000ull &&
				 relay_drained(l, &drain_deadline))
				return NULL;
		}
	}
}

/* ---- the relay process ---- */

static void hex(char *out, const uint8_t *v, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", v[i]);
}

static int random_keys(struct party_keys *k)
{
	return getrandom(k, sizeof(*k), 0) == (ssize_t)sizeof(*k) ? 0 : -1;
}

static const char *profile_name(enum ksrtp_profile p)
{
	switch (p) {
	case KSRTP_AEAD_AES_128_GCM: return "AEAD_AES_128_GCM";
	case KSRTP_AEAD_AES_256_GCM: return "AEAD_AES_256_GCM";
	case KSRTP_AES_CM_128_HMAC_SHA1_80: return "AES_CM_128_HMAC_SHA1_80";
	case KSRTP_AES_CM_128_HMAC_SHA1_32: return "AES_CM_128_HMAC_SHA1_32";
	}
	return "?";
}

static int add_stream(ksrtp_session *s, const struct load *l, const struct party_keys *k,
		      uint32_t ssrc, enum ksrtp_direction dir)
{
	struct ksrtp_policy p;

	memset(&p, 0, sizeof(p));
	p.profile = l->setup.profile;
	p.direction = dir;
	p.ssrc = ssrc;
	p.key = k->key;
	p.key_len = l->key_len;
	p.salt = k->salt;
	p.salt_len = l->salt_len;
	/* A receiver sees a relay with several workers interleave streams, never reorder one. */
	return ksrtp_add_stream(s, &p);
}

/* The loopback address of family (AF_INET or AF_INET6) at port: its length. */
static socklen_t loopback(int family, unsigned int port, struct sockaddr_storage *a)
{
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)a;
	struct sockaddr_in *in = (struct sockaddr_in *)a;

	memset(a, 0, sizeof(*a));
	if (family == AF_INET6) {
		in6->sin6_family = AF_INET6;
		in6->sin6_addr = in6addr_loopback;
		in6->sin6_port = htons((uint16_t)port);
		return sizeof(*in6);
	}
	in->sin_family = AF_INET;
	in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	in->sin_port = htons((uint16_t)port);
	return sizeof(*in);
}

/* The same as the relay's config writes it, before ":port". */
static const char *loopback_name(int family)
{
	return family == AF_INET6 ? "[::1]" : "127.0.0.1";
}

static unsigned int port_of(const struct sockaddr_storage *a)
{
	return ntohs(a->ss_family == AF_INET6 ? ((const struct sockaddr_in6 *)a)->sin6_port :
						((const struct sockaddr_in *)a)->sin_port);
}

static int udp_socket(int family, unsigned int *port)
{
	struct sockaddr_storage a;
	socklen_t len = sizeof(a);
	int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0), size = LOAD_SOCKET_BUFFER;

	if (fd >= 0) {
		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
			setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
		if (!bind(fd, (struct sockaddr *)&a, loopback(family, 0, &a)) &&
		    !getsockname(fd, (struct sockaddr *)&a, &len)) {
			*port = port_of(&a);
			return fd;
		}
	}
	fprintf(stderr, "ksrtp-bench load: a UDP socket on %s: %s\n", loopback_name(family),
		strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

/* Keys for every party, the sessions, and the relay's config file. */
static int write_config(struct load *l)
{
	const unsigned int S = l->setup.senders, R = l->setup.receivers;
	const char *name = profile_name(l->setup.profile);
	char key_hex[65], salt_hex[29];
	struct party_keys k;
	unsigned int s, r;
	int fd, rc = 0;
	FILE *f;

	fd = open(l->config, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f)
		return -1;
	fprintf(f, "# ksrtp-bench load: %u senders, %u receivers\nlisten %s:0\n", S, R,
		loopback_name(l->setup.family));
	for (s = 0; s < S && !rc; s++) {
		rc = random_keys(&k) ||
		     add_stream(l->send[s % l->nsend].tx, l, &k, LOAD_SSRC0 + s, KSRTP_OUTBOUND);
		hex(key_hex, k.key, l->key_len);
		hex(salt_hex, k.salt, l->salt_len);
		fprintf(f, "stream ssrc=0x%08x profile=%s key=%s salt=%s\n", LOAD_SSRC0 + s, name,
			key_hex, salt_hex);
	}
	for (r = 0; r < R && !rc; r++) {
		rc = random_keys(&k);
		for (s = 0; s < S && !rc; s++)
			rc = add_stream(l->rx[r], l, &k, LOAD_SSRC0 + s, KSRTP_INBOUND);
		hex(key_hex, k.key, l->key_len);
		hex(salt_hex, k.salt, l->salt_len);
		fprintf(f, "receiver addr=%s:%u profile=%s key=%s salt=%s streams=all\n",
			loopback_name(l->setup.family), l->rport[r], name, key_hex, salt_hex);
	}
	explicit_bzero(&k, sizeof(k));
	explicit_bzero(key_hex, sizeof(key_hex));
	explicit_bzero(salt_hex, sizeof(salt_hex));
	if (fclose(f))
		rc = -1;
	return rc ? -1 : 0;
}

static void default_relay_path(char *out, size_t len)
{
	char self[PATH_MAX - 16];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n <= 0) {
		snprintf(out, len, "ksrtp-relay");
		return;
	}
	self[n] = 0;
	*strrchr(self, '/') = 0;
	snprintf(out, len, "%s/ksrtp-relay", self);
}

static int exec_relay(struct load *l)
{
	char path[PATH_MAX], fdarg[16], threads[16], line[64];
	int pipefd[2], port;
	struct pollfd pfd;
	ssize_t n;

	if (l->setup.relay_path)
		snprintf(path, sizeof(path), "%s", l->setup.relay_path);
	else
		default_relay_path(path, sizeof(path));
	if (pipe(pipefd))
		return -1;
	snprintf(fdarg, sizeof(fdarg), "%d", pipefd[1]);
	snprintf(threads, sizeof(threads), "%u", l->setup.threads);
	l->relay = fork();
	if (l->relay < 0)
		return -1;
	if (!l->relay) {
		int log = open(l->log, O_WRONLY | O_CREAT | O_APPEND, 0600);

		close(pipefd[0]);
		if (log < 0 || dup2(log, 2) < 0)
			_exit(127);
		if (l->cpus.pinned && bench_pin_cpus(l->cpus.relay, l->cpus.nrelay))
			_exit(127);
		execl(path, path, "--notify-fd", fdarg, "--stats-file", l->stats, "--threads",
		      threads, "--engine", l->setup.engine, "--kernel-transport",
		      l->setup.kernel_transport, l->config, (char *)NULL);
		fprintf(stderr, "exec %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	close(pipefd[1]);
	pfd = (struct pollfd){ .fd = pipefd[0], .events = POLLIN };
	n = poll(&pfd, 1, LOAD_WAIT_MS) == 1 ? read(pipefd[0], line, sizeof(line) - 1) : -1;
	close(pipefd[0]);
	if (n <= 0 || (line[n] = 0, sscanf(line, "ready port=%d", &port) != 1)) {
		fprintf(stderr, "ksrtp-bench load: %s did not start\n", path);
		return -1;
	}
	l->relay_addr_len = loopback(l->setup.family, (unsigned int)port, &l->relay_addr);
	return 0;
}

/* The whole of a small file, NUL-terminated; "" if missing. */
static void read_file(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, cap - 1) : 0;

	buf[n > 0 ? n : 0] = 0;
	if (fd >= 0)
		close(fd);
}

/* key=N on the stats line starting with `line`; 0 if none. */
static uint64_t stat_value(const char *stats, const char *line, const char *key)
{
	const char *l = strstr(stats, line), *v, *eol;
	char k[64];

	if (!l)
		return 0;
	eol = strchr(l, '\n');
	snprintf(k, sizeof(k), " %s=", key);
	v = strstr(l, k);
	return v && (!eol || v < eol) ? strtoull(v + strlen(k), NULL, 10) : 0;
}

/* SIGUSR1 and the stats file it writes, into buf. */
static int relay_stats(struct load *l, char *buf, size_t cap)
{
	uint64_t end = now_ns() + LOAD_WAIT_MS * 1000000ull;
	struct stat st;

	unlink(l->stats);
	if (kill(l->relay, SIGUSR1))
		return -1;
	while (stat(l->stats, &st))
		if (now_ns() > end)
			return -1;
		else
			sleep_ns(1000000);
	read_file(l->stats, buf, cap);
	return 0;
}

/*
 * What the kernel says of the family's UDP sockets bound to these ports
 * (/proc/net/udp{,6}): the drops it counted on them, and the bytes queued
 * on them still unread (queued may be NULL).
 */
static uint64_t socket_drops_queued(int family, const unsigned int *ports, unsigned int n,
				    uint64_t *queued)
{
	FILE *f = fopen(family == AF_INET6 ? "/proc/net/udp6" : "/proc/net/udp", "r");
	char line[512];
	uint64_t sum = 0;

	if (queued)
		*queued = 0;
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned int port, tx, rx, i;
		unsigned long long drops;
		char *tok = line, *save = NULL, *field[16], *colon;
		int nf = 0;

		while (nf < 16 && (field[nf] = strtok_r(tok, " \n", &save)))
			tok = NULL, nf++;
		/* sl local rem st tx:rx tr:tm retr uid timeout inode ref pointer drops */
		if (nf < 13 || !(colon = strrchr(field[1], ':')) || sscanf(colon, ":%x", &port) != 1 ||
		    sscanf(field[4], "%x:%x", &tx, &rx) != 2 || sscanf(field[12], "%llu", &drops) != 1)
			continue;
		for (i = 0; i < n; i++) {
			if (ports[i] != port)
				continue;
			sum += drops;
			if (queued)
				*queued += rx;
		}
	}
	fclose(f);
	return sum;
}

static uint64_t socket_drops(int family, const unsigned int *ports, unsigned int n)
{
	return socket_drops_queued(family, ports, n, NULL);
}

/*
 * Whether the run is over for the receivers, nothing arriving for a while:
 * only once the relay's socket holds nothing unread, since a slow relay (or
 * an emulated machine's stall) can pause its deliveries with packets still
 * queued; and at the latest LOAD_DRAIN_MS after the first such pause, so that
 * a relay that stopped forwarding ends the run, its loss unaccounted for.
 */
static bool relay_drained(const struct load *l, uint64_t *deadline)
{
	unsigned int port = port_of(&l->relay_addr);
	uint64_t queued;

	if (!*deadline)
		*deadline = now_ns() + LOAD_DRAIN_MS * 1000000ull;
	socket_drops_queued(l->setup.family, &port, 1, &queued);
	return !queued || now_ns() > *deadline;
}

/*
 * Packets dropped on the CPUs' input backlogs, summed (the second column of
 * /proc/net/softnet_stat, hexadecimal): loopback packets queue there on
 * their way to a socket, and a slow machine (an emulated one) overflows it.
 */
static uint64_t backlog_drops(void)
{
	FILE *f = fopen("/proc/net/softnet_stat", "r");
	unsigned int processed, dropped;
	uint64_t sum = 0;
	char line[512];

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%x %x", &processed, &dropped) == 2)
			sum += dropped;
	fclose(f);
	return sum;
}

/* Clock ticks the relay's workers (threads named relay-wN) and this process have run. */
static unsigned int relay_ticks(pid_t pid, uint64_t *ticks)
{
	char path[320], comm[32], stat[1024];
	unsigned int n = 0, w;
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		unsigned long long ut, st;
		const char *p;

		snprintf(path, sizeof(path), "/proc/%d/task/%s/comm", (int)pid, e->d_name);
		read_file(path, comm, sizeof(comm));
		if (sscanf(comm, "relay-w%u", &w) != 1 || w >= LOAD_MAX_WORKERS)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/stat", (int)pid, e->d_name);
		read_file(path, stat, sizeof(stat));
		p = strrchr(stat, ')');
		/* after "(comm)": state ppid ... utime is field 14, stime 15 */
		if (p && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
				&ut, &st) == 2) {
			ticks[w] = ut + st;
			if (w + 1 > n)
				n = w + 1;
		}
	}
	closedir(d);
	return n;
}

static double process_cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

struct load *load_start(const struct load_setup *setup)
{
	struct load *l = calloc(1, sizeof(*l));
	struct ksrtp_config cfg = { .engine = KSRTP_ENGINE_USER };
	unsigned int s, r, t, port;
	int gcm;

	if (!l)
		return NULL;
	l->setup = *setup;
	load_cpus_of(setup, &l->cpus);
	for (s = 0; s < LOAD_MAX_SENDERS; s++)
		l->sfd[s] = -1;
	for (r = 0; r < LOAD_MAX_RECEIVERS; r++)
		l->rfd[r] = -1;
	gcm = setup->profile == KSRTP_AEAD_AES_128_GCM || setup->profile == KSRTP_AEAD_AES_256_GCM;
	l->key_len = setup->profile == KSRTP_AEAD_AES_256_GCM ? 32 : 16;
	l->salt_len = gcm ? 12 : 14;
	snprintf(l->dir, sizeof(l->dir), "/tmp/ksrtp-bench-load.XXXXXX");
	if (!mkdtemp(l->dir)) {
		perror("ksrtp-bench load: mkdtemp");
		free(l);
		return NULL;
	}
	snprintf(l->config, sizeof(l->config), "%s/relay.conf", l->dir);
	snprintf(l->stats, sizeof(l->stats), "%s/stats", l->dir);
	snprintf(l->log, sizeof(l->log), "%s/relay.log", l->dir);
	l->track = calloc((size_t)setup->senders * setup->receivers, sizeof(*l->track));
	if (setup->rtcp_every)
		l->rtcp_track = calloc((size_t)setup->senders * setup->receivers,
				       sizeof(*l->rtcp_track));
	if (!l->track || (setup->rtcp_every && !l->rtcp_track))
		goto fail;
	/* No more threads of a kind than parties to share among them. */
	l->nsend = setup->gen_threads < setup->senders ? setup->gen_threads : setup->senders;
	l->nrecv = setup->gen_threads < setup->receivers ? setup->gen_threads : setup->receivers;
	for (t = 0; t < l->nsend; t++) {
		l->send[t] = (struct gen_thread){ .l = l, .id = t };
		l->send[t].buf = aligned_alloc(4096, (size_t)2 * LOAD_BATCH * LOAD_SLOT);
		l->send[t].tx = ksrtp_session_new(&cfg, NULL);
		if (!l->send[t].buf || !l->send[t].tx)
			goto fail;
	}
	for (t = 0; t < l->nrecv; t++) {
		l->recv[t] = (struct gen_thread){ .l = l, .id = t };
		l->recv[t].buf = aligned_alloc(4096, (size_t)LOAD_RX_BATCH * LOAD_SLOT);
		if (!l->recv[t].buf)
			goto fail;
	}
	for (s = 0; s < setup->senders; s++)
		if ((l->sfd[s] = udp_socket(setup->family, &port)) < 0)
			goto fail;
	for (r = 0; r < setup->receivers; r++)
		if ((l->rfd[r] = udp_socket(setup->family, &l->rport[r])) < 0 ||
		    !(l->rx[r] = ksrtp_session_new(&cfg, NULL)))
			goto fail;
	if (write_config(l) || exec_relay(l))
		goto fail;
	return l;
fail:
	fprintf(stderr, "ksrtp-bench load: setting up failed\n");
	load_stop(l);
	return NULL;
}

static void add_msg(struct load *l, struct mmsghdr *msg, struct iovec *iov, void *p, size_t len)
{
	*iov = (struct iovec){ .iov_base = p, .iov_len = len };
	msg->msg_hdr = (struct msghdr){ .msg_name = &l->relay_addr,
					.msg_namelen = l->relay_addr_len,
					.msg_iov = iov, .msg_iovlen = 1 };
}

/*
 * Send n RTP packets of sender s (one of g's), sealed, each followed by its
 * SRTCP packet when it is an rtcp_every-th one; 0 or -1.
 */
static int send_batch(struct gen_thread *g, unsigned int s, unsigned int n)
{
	struct load *l = g->l;
	const unsigned int every = l->setup.rtcp_every;
	struct ksrtp_pkt v[LOAD_BATCH];
	struct mmsghdr msgs[2 * LOAD_BATCH];
	struct iovec iov[2 * LOAD_BATCH];
	uint64_t first = l->counter[s];
	unsigned int i, m = 0, rtcp = 0, sent = 0;

	for (i = 0; i < n; i++) {
		uint8_t *p = g->buf + (size_t)i * LOAD_SLOT;

		v[i] = (struct ksrtp_pkt){ .data = p, .cap = LOAD_SLOT };
		v[i].len = (uint32_t)make_packet(p, s, l->counter[s]++, l->setup.payload);
	}
	if (ksrtp_protect_batch(g->tx, v, n) != (int)n)
		return -1;
	for (i = 0; i < n; i++) {
		add_msg(l, &msgs[m], &iov[m], v[i].data, v[i].len);
		m++;
		if (every && (first + i + 1) % every == 0) {
			uint8_t *p = g->buf + (size_t)(LOAD_BATCH + rtcp) * LOAD_SLOT;
			size_t len = make_rtcp(p, s, first + i + 1, l->setup.payload);

			if (ksrtp_protect_rtcp(g->tx, p, &len, LOAD_SLOT))
				return -1;
			add_msg(l, &msgs[m], &iov[m], p, len);
			m++;
			rtcp++;
		}
	}
	while (sent < m) {
		int k = sendmmsg(l->sfd[s], msgs + sent, m - sent, 0);

		if (k < 0 && errno != EINTR)
			return -1;
		if (k > 0)
			sent += (unsigned int)k;
	}
	g->rtp.sent += n;
	g->rtcp.sent += rtcp;
	return 0;
}

/*
 * A sending thread: its senders in turn, a batch each, at g->rate until
 * g->end. Paced by deadline: packet k is due at t0 + k / rate, and each
 * wakeup sends what is due by then.
 */
static void *sender_main(void *arg)
{
	struct gen_thread *g = arg;
	struct load *l = g->l;
	double skipped = 0, max_backlog = g->rate * LOAD_MAX_BACKLOG_S + LOAD_BATCH;
	double burst = g->rate * LOAD_PACE_NS / 1e9;
	unsigned int s = g->id;
	struct timespec cpu;
	uint64_t t;

	pin_generator(l);
	if (burst < 1)
		burst = 1;
	if (burst > LOAD_BATCH)
		burst = LOAD_BATCH;
	for (t = now_ns(); t < g->end && !g->rc; t = now_ns()) {
		unsigned int n = LOAD_BATCH;

		if (g->rate > 0) {
			double allowed = g->rate * (double)(t - g->t0) / 1e9 - (double)g->rtp.sent -
					 skipped;

			/*
			 * Late (this thread was not scheduled): a media source
			 * does not make up for lost time in one burst, and
			 * neither does the generator. What it skips lowers the
			 * offered rate it reports.
			 */
			if (allowed > max_backlog) {
				skipped += allowed - max_backlog;
				allowed = max_backlog;
			}
			if (allowed < burst) {
				/* Ahead of the schedule: wait until a burst is due. */
				sleep_ns((uint64_t)((burst - allowed) / g->rate * 1e9));
				continue;
			}
			if (allowed < n)
				n = (unsigned int)allowed;
		}
		g->rc = send_batch(g, s, n);
		s += l->nsend;
		if (s >= l->setup.senders)
			s = g->id;
	}
	g->skipped = (uint64_t)skipped;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu);
	g->cpu_s = (double)cpu.tv_sec + (double)cpu.tv_nsec / 1e9;
	return NULL;
}

static void count_lost(struct load_count *c, unsigned int receivers)
{
	c->expected = c->sent * receivers;
	c->lost = c->expected > c->delivered ? c->expected - c->delivered : 0;
}

int load_run(struct load *l, double rate, unsigned int ms, struct load_result *out,
	     void (*tick)(void *ctx, double seconds), void *ctx)
{
	const unsigned int R = l->setup.receivers;
	const int family = l->setup.family;
	unsigned int relay_port = port_of(&l->relay_addr), t, w, started = 0;
	uint64_t t0, end, now, next_tick, ticks0[LOAD_MAX_WORKERS] = { 0 };
	uint64_t ticks1[LOAD_MAX_WORKERS] = { 0 };
	uint64_t relay_drops0, recv_drops0, backlog_drops0, backlog_drops1, errors0, rtcp_in0;
	/* Rates per second of the schedule the senders kept, as the target's. */
	const double seconds = ms / 1e3;
	double cpu0, busy, sender_cpu_s = 0;
	char stats[1 << 16];
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (relay_stats(l, stats, sizeof(stats)))
		return -1;
	errors0 = stat_value(stats, "total", "seal_errors") +
		  stat_value(stats, "total", "send_errors");
	rtcp_in0 = stat_value(stats, "total", "rtcp");
	relay_drops0 = socket_drops(family, &relay_port, 1);
	recv_drops0 = socket_drops(family, l->rport, R);
	backlog_drops0 = backlog_drops();
	atomic_store(&l->sending_done, false);
	for (t = 0; t < l->nrecv; t++) {
		memset(&l->recv[t].rtp, 0, sizeof(l->recv[t].rtp));
		memset(&l->recv[t].rtcp, 0, sizeof(l->recv[t].rtcp));
		l->recv[t].last = 0;
		if (pthread_create(&l->recv[t].thread, NULL, receiver_main, &l->recv[t]))
			break;
	}
	relay_ticks(l->relay, ticks0);
	cpu0 = process_cpu_s();
	t0 = now_ns();
	end = t0 + ms * 1000000ull;
	for (started = 0; t == l->nrecv && started < l->nsend; started++) {
		struct gen_thread *g = &l->send[started];

		g->rate = rate / l->nsend;
		g->t0 = t0;
		g->end = end;
		memset(&g->rtp, 0, sizeof(g->rtp));
		memset(&g->rtcp, 0, sizeof(g->rtcp));
		g->rc = 0;
		if (pthread_create(&g->thread, NULL, sender_main, g))
			break;
	}
	/* This thread keeps time for the tick while the others send. */
	for (next_tick = t0 + 1000000000ull; (now = now_ns()) < end;) {
		if (tick && now >= next_tick) {
			tick(ctx, (double)(now - t0) / 1e9);
			next_tick += 1000000000ull;
		}
		sleep_ns((tick && next_tick < end ? next_tick : end) - now);
	}
	for (w = 0; w < started; w++) {
		pthread_join(l->send[w].thread, NULL);
		out->rtp.sent += l->send[w].rtp.sent;
		out->rtcp.sent += l->send[w].rtcp.sent;
		out->late_skipped += l->send[w].skipped;
		sender_cpu_s += l->send[w].cpu_s;
		rc |= l->send[w].rc;
	}
	atomic_store(&l->sending_done, true);
	/* CPU over the time busy: sending, then draining what queued up. */
	busy = seconds;
	for (w = 0; w < t; w++) {
		pthread_join(l->recv[w].thread, NULL);
		if (l->recv[w].last > t0 && (double)(l->recv[w].last - t0) / 1e9 > busy)
			busy = (double)(l->recv[w].last - t0) / 1e9;
		out->rtp.delivered += l->recv[w].rtp.delivered;
		out->rtp.bad += l->recv[w].rtp.bad;
		out->rtcp.delivered += l->recv[w].rtcp.delivered;
		out->rtcp.bad += l->recv[w].rtcp.bad;
	}
	if (t < l->nrecv || started < l->nsend)
		rc = -1;
	out->workers = relay_ticks(l->relay, ticks1);
	for (w = 0; w < out->workers; w++)
		out->worker_cpu[w] = 100.0 * (double)(ticks1[w] - ticks0[w]) /
				     (double)sysconf(_SC_CLK_TCK) / busy;
	out->generator_cpu = 100.0 * (process_cpu_s() - cpu0) / busy;
	out->sender_cpu = 100.0 * sender_cpu_s / seconds;
	if (rc || relay_stats(l, stats, sizeof(stats))) {
		fprintf(stderr, "ksrtp-bench load: %s\n", rc ? "sending failed" :
			"the relay did not answer SIGUSR1");
		return -1;
	}
	out->seconds = seconds;
	out->busy_seconds = busy;
	out->target_pps = rate;
	out->receivers = R;
	count_lost(&out->rtp, R);
	count_lost(&out->rtcp, R);
	out->relay_drops = socket_drops(family, &relay_port, 1) - relay_drops0;
	out->relay_rtcp_in = stat_value(stats, "total", "rtcp") - rtcp_in0;
	out->receiver_drops = socket_drops(family, l->rport, R) - recv_drops0;
	/* A CPU gone offline, or a 32-bit counter wrapped: no bound, so no accounting. */
	backlog_drops1 = backlog_drops();
	out->backlog_unknown = backlog_drops1 < backlog_drops0;
	out->backlog_drops = out->backlog_unknown ? 0 : backlog_drops1 - backlog_drops0;
	out->relay_reloads = stat_value(stats, "relay", "reloads");
	out->relay_errors = stat_value(stats, "total", "seal_errors") +
			    stat_value(stats, "total", "send_errors") - errors0;
	out->offered_pps = (double)out->rtp.sent / seconds;
	/* Over the time busy: in overload the relay works through its socket after the end. */
	out->relay_pps = (double)out->rtp.delivered / R / busy;
	if (!load_accounted(out))	/* where the relay lost them may show in its counters */
		fprintf(stderr, "ksrtp-bench load: a loss no drop explains; the relay's counters "
				"since it started:\n%s", stats);
	return 0;
}

bool load_short(const struct load_result *r)
{
	return r->target_pps > 0 && r->offered_pps < LOAD_SHORT_OF_TARGET * r->target_pps;
}

uint64_t load_lost(const struct load_result *r)
{
	return r->rtp.lost + r->rtcp.lost;
}

bool load_accounted(const struct load_result *r)
{
	const uint64_t R = r->receivers;
	const uint64_t counted = r->relay_drops * R + r->receiver_drops + r->relay_errors;
	/* What the relay's socket dropped of SRTCP: what it was sent and never read. */
	const uint64_t rtcp_drops = r->rtcp.sent - r->relay_rtcp_in;
	bool intact = !r->backlog_unknown && !r->rtp.bad && !r->rtcp.bad &&
		      r->rtp.delivered <= r->rtp.expected &&
		      r->rtcp.delivered <= r->rtcp.expected && r->relay_rtcp_in <= r->rtcp.sent;

	if (r->backlog_drops)	/* which packets the backlog dropped is not known */
		return intact && load_lost(r) >= counted &&
		       load_lost(r) <= counted + r->backlog_drops * R;
	return intact && rtcp_drops <= r->relay_drops && r->rtcp.lost >= rtcp_drops * R &&
	       r->rtp.lost >= (r->relay_drops - rtcp_drops) * R && load_lost(r) == counted;
}

pid_t load_relay_pid(const struct load *l)
{
	return l->relay;
}

unsigned long load_relay_rss_kib(const struct load *l)
{
	char path[64], status[4096];
	const char *v;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)l->relay);
	read_file(path, status, sizeof(status));
	v = strstr(status, "VmRSS:");
	return v ? strtoul(v + 6, NULL, 10) : 0;
}

int load_stop(struct load *l)
{
	uint64_t end = now_ns() + LOAD_WAIT_MS * 1000000ull;
	unsigned int i;
	int status = 0, rc = 0;
	char tmp[160];

	if (l->relay > 0) {
		kill(l->relay, SIGTERM);
		while (waitpid(l->relay, &status, WNOHANG) != l->relay) {
			if (now_ns() > end) {
				kill(l->relay, SIGKILL);
				waitpid(l->relay, &status, 0);
				break;
			}
			sleep_ns(2000000);
		}
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			fprintf(stderr, "ksrtp-bench load: the relay did not exit 0 on SIGTERM\n");
			rc = -1;
		}
	}
	if (rc || l->relay <= 0) {
		char log[4096];

		read_file(l->log, log, sizeof(log));
		fprintf(stderr, "%s", log);
	}
	for (i = 0; i < LOAD_MAX_SENDERS; i++)
		if (l->sfd[i] >= 0)
			close(l->sfd[i]);
	for (i = 0; i < LOAD_MAX_RECEIVERS; i++) {
		if (l->rfd[i] >= 0)
			close(l->rfd[i]);
		ksrtp_session_free(l->rx[i]);
	}
	for (i = 0; i < LOAD_MAX_GEN_THREADS; i++) {
		ksrtp_session_free(l->send[i].tx);
		free(l->send[i].buf);
		free(l->recv[i].buf);
	}
	unlink(l->config);
	unlink(l->stats);
	snprintf(tmp, sizeof(tmp), "%s.tmp", l->stats);
	unlink(tmp);
	unlink(l->log);
	rmdir(l->dir);
	free(l->track);
	free(l->rtcp_track);
	free(l);
	return rc;
}

void load_print(FILE *f, const char *label, const struct load_result *r)
{
	char target[16] = "max";
	unsigned int w;

	if (r->target_pps > 0)
		snprintf(target, sizeof(target), "%.0f", r->target_pps);
	fprintf(f, "  %-10s %10s %10.0f %10.0f %11llu %9llu %8llu x%u + %-6llu %5s  cpu:", label,
		target, r->offered_pps, r->relay_pps, (unsigned long long)r->rtp.delivered,
		(unsigned long long)r->rtp.lost, (unsigned long long)r->relay_drops, r->receivers,
		(unsigned long long)(r->receiver_drops + r->relay_errors),
		load_accounted(r) ? "yes" : "NO");
	for (w = 0; w < r->workers; w++)
		fprintf(f, " w%u %.0f%%", w, r->worker_cpu[w]);
	fprintf(f, ", generator %.0f%% (senders %.0f%%)\n", r->generator_cpu, r->sender_cpu);
	if (r->backlog_drops)
		fprintf(f, "  %-10s and %llu packets dropped on the CPUs' input backlogs "
			   "(net.core.netdev_max_backlog, machine-wide): loss accounted between "
			   "the socket drops and those plus R x the backlog's\n", "",
			(unsigned long long)r->backlog_drops);
	if (load_short(r))
		fprintf(f, "  %-10s SHORT: generator could not offer the target rate: offered %.0f of "
			   "%.0f/s (%.0f%%); the senders fell behind their schedule and skipped %llu "
			   "packets (their CPU: %.0f%% of a core)\n", "",
			r->offered_pps, r->target_pps, 100 * r->offered_pps / r->target_pps,
			(unsigned long long)r->late_skipped, r->sender_cpu);
	if (r->rtcp.sent || r->rtcp.bad)
		fprintf(f, "  %-10s srtcp: %llu sent, %llu of %llu delivered, %llu lost (%lld dropped "
			   "at the relay's socket), %llu damaged or duplicated\n", "",
			(unsigned long long)r->rtcp.sent, (unsigned long long)r->rtcp.delivered,
			(unsigned long long)r->rtcp.expected, (unsigned long long)r->rtcp.lost,
			(long long)r->rtcp.sent - (long long)r->relay_rtcp_in,
			(unsigned long long)r->rtcp.bad);
}

/*
 * Offered more than it can take, a relay forwards full batches, cheaper per
 * packet than the small ones of a steady rate: what it forwards in overload
 * is more than it sustains without loss. So the capacity is found by
 * stepping the offered rate down from the overload figure, 10% a step,
 * until a run loses nothing.
 */
#define CAPACITY_STEP 0.9
#define CAPACITY_STEPS 12
/*
 * A run that lost nothing sets the capacity only if it was kept up with: its
 * last delivery came at most this long after the sending stopped. A relay
 * (or a receiving thread) that fell behind lives off its socket buffer
 * (tens of thousands of packets) and can end a short run without a loss at
 * a rate it cannot sustain: on 2 cores such a 1 s run set a capacity of
 * 288000 packets/s, and a 30 s soak at 80% of it then overflowed the
 * relay's socket. The receiving threads count too: a soak fails as surely
 * when their sockets overflow.
 */
#define CAPACITY_KEPT_UP_S 0.02

/* Whether a run lost nothing and was kept up with (CAPACITY_KEPT_UP_S). */
static bool kept_up(const struct load_result *r)
{
	return r->rtp.sent && !load_lost(r) && r->busy_seconds - r->seconds <= CAPACITY_KEPT_UP_S;
}

/*
 * Whether the relay sustains rate (pct% of the overload figure): every one
 * of runs runs at it, since a machine's speed varies by the second, lost
 * nothing and was kept up with. 0 if so (c's sustained_pps then the least
 * the senders offered in them, not what was asked for), 1 if not, -1 if a
 * run failed or lost what no drop explains. Each run into search.
 */
static int sustains(struct load *l, double rate, double pct, unsigned int runs, unsigned int ms,
		    struct load_capacity *c, json_object *search)
{
	struct load_result res;
	char label[32];
	unsigned int k;

	for (k = 0; k < runs; k++) {
		snprintf(label, sizeof(label), "%.0f%%%s", pct, k ? " again" : "");
		if (load_run(l, rate, ms, &res, NULL, NULL))
			return -1;
		load_print(stdout, label, &res);
		json_object_array_add(search, load_result_json(&res));
		if (!load_accounted(&res))
			return -1;
		if (!kept_up(&res)) {
			if (res.rtp.sent && !load_lost(&res))
				printf("  %-10s lost nothing, but deliveries went on %.0f ms after the "
				       "sending stopped: the relay or the receivers fell behind and "
				       "lived off their socket buffers\n", "",
				       1e3 * (res.busy_seconds - res.seconds));
			c->sustained_pps = 0;
			c->sustained_short = false;
			return 1;
		}
		if (!k || res.offered_pps < c->sustained_pps) {
			c->sustained_pps = res.offered_pps;
			c->sustained_short = load_short(&res);
		}
	}
	return 0;
}

int load_capacity(struct load *l, unsigned int runs, unsigned int ms, struct load_capacity *c,
		  json_object *json)
{
	json_object *over = json_object_new_array(), *search = json_object_new_array();
	struct load_result res;
	struct bench_stats st;
	unsigned int r;
	char label[32];
	double rate;
	int rc = -1;

	memset(c, 0, sizeof(*c));
	json_object_object_add(json, "overload_runs", over);
	json_object_object_add(json, "capacity_search", search);
	for (r = 0; r < runs; r++) {
		snprintf(label, sizeof(label), "max %u", r + 1);
		if (load_run(l, 0, ms, &res, NULL, NULL))
			return -1;
		load_print(stdout, label, &res);
		json_object_array_add(over, load_result_json(&res));
		if (!load_accounted(&res))
			return -1;
		c->overload[r] = res.relay_pps;
		c->saturated |= res.relay_drops > 0;
	}
	bench_stats_of(c->overload, runs, &st);
	c->overload_pps = st.median;
	json_object_object_add(json, "overload_pps", bench_stats_json(c->overload, runs));
	for (r = 0, rate = st.median; r < CAPACITY_STEPS; r++) {
		rc = sustains(l, rate, 100 * rate / st.median, runs, ms, c, search);
		if (rc <= 0 || r + 1 == CAPACITY_STEPS)
			break;
		rate *= CAPACITY_STEP;
	}
	if (rc < 0)
		return -1;
	if (!rc)
		c->sustained_target_pps = rate;
	printf("forwarded in overload: %.0f packets/s in (median; min %.0f, max %.0f%s)\n",
	       st.median, st.min, st.max,
	       (st.max - st.min) / st.median > BENCH_NOISY_SPREAD ? ", NOISY" : "");
	if (!c->saturated)
		printf("the senders never filled the relay's socket: the figures are the "
		       "generator's, the relay's capacity is higher\n");
	if (rc)
		printf("capacity: none; at every rate down to %.0f packets/s a run lost packets or "
		       "fell behind\n", rate);
	else
		printf("capacity: %.0f %spackets/s in (%.0f out), offered and delivered without loss "
		       "at the highest target whose %u runs all lost nothing and were kept up with "
		       "(target %.0f/s; the least offered of those runs)\n",
		       c->sustained_pps, l->setup.rtcp_every ? "RTP " : "",
		       c->sustained_pps * l->setup.receivers, runs, c->sustained_target_pps);
	if (!rc && c->sustained_short)
		printf("the generator offered only %.0f%% of that run's target: the capacity is a "
		       "lower bound, the relay may sustain more\n",
		       100 * c->sustained_pps / c->sustained_target_pps);
	json_object_object_add(json, "capacity_pps", json_object_new_double(c->sustained_pps));
	json_object_object_add(json, "capacity_target_pps",
			       json_object_new_double(c->sustained_target_pps));
	json_object_object_add(json, "capacity_offered_short",
			       json_object_new_boolean(c->sustained_short));
	json_object_object_add(json, "relay_saturated", json_object_new_boolean(c->saturated));
	json_object_object_add(json, "capacity_kept_up_s",
			       json_object_new_double(CAPACITY_KEPT_UP_S));
	return rc ? -1 : 0;	/* 1: no rate sustained */
}

void load_print_fraction(FILE *f, const char *what, const struct load_result *r,
			 const struct load_capacity *c, unsigned int fraction, json_object *json)
{
	double pct = 100 * r->offered_pps / c->sustained_pps;

	fprintf(f, "%s: offered %.0f packets/s = %.0f%% of the capacity %.0f (target %u%%: %.0f/s); "
		   "%llu of %llu lost%s\n", what, r->offered_pps, pct, c->sustained_pps, fraction,
		r->target_pps, (unsigned long long)load_lost(r),
		(unsigned long long)(r->rtp.expected + r->rtcp.expected),
		load_lost(r) ? "  FAIL" : "");
	if (load_short(r))
		fprintf(f, "generator could not offer the target rate: offered %.0f of %.0f/s; the "
			   "no-loss check holds at the offered %.0f%% of capacity only, not at %u%%\n",
			r->offered_pps, r->target_pps, pct, fraction);
	json_object_object_add(json, "fraction_pct", json_object_new_int((int)fraction));
	json_object_object_add(json, "offered_pct_of_capacity", json_object_new_double(pct));
}

/* ---- the subcommand ---- */

#define DEFAULT_RUNS 5
#define DEFAULT_RUN_MS 1000
#define QUICK_RUNS 3
#define QUICK_RUN_MS 300

enum load_option {
	OPT_RATE = LOAD_OPT_NEXT,
	OPT_FRACTION,
};

struct load_options {
	struct load_setup setup;
	unsigned int rate;		/* 0: measure capacity, then check at fraction */
	unsigned int fraction;		/* percent */
};

static const char options_help[] =
	"  --quick          smoke test: runs of 300 ms, 3 in overload\n"
	"  --runs N         overload runs, capacity searched down from their median; and\n"
	"                   the runs each step of that search must all pass (default 5)\n"
	"  --run-ms MS      length of each run (default 1000)\n"
	LOAD_SETUP_HELP
	"  --rate PPS       offer this many RTP packets/s instead of measuring capacity\n"
	"  --fraction PCT   after measuring, check at PCT% of capacity: no loss\n"
	"                   (default 80); the output says what fraction was offered\n"
	"  --json FILE      also write every run as JSON\n"
	"  --help           this text\n"
	"  --clock is refused: the figures are packets a second of wall time through a\n"
	"  relay in another process, which no clock of this one's threads measures.\n"
	"  Exit status 1 when a packet (RTP or SRTCP) arrives damaged or twice, a loss\n"
	"  is not accounted for by counted drops, or anything is lost below capacity.\n";

static const struct option load_longopts[] = {
	BENCH_COMMON_OPTIONS,
	LOAD_SETUP_OPTIONS,
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "fraction", required_argument, NULL, OPT_FRACTION },
	{ NULL, 0, NULL, 0 },
};

int load_parse_setup(struct load_setup *s, int val, const char *arg)
{
	static const enum ksrtp_profile profiles[] = {
		KSRTP_AEAD_AES_128_GCM, KSRTP_AEAD_AES_256_GCM,
		KSRTP_AES_CM_128_HMAC_SHA1_80, KSRTP_AES_CM_128_HMAC_SHA1_32,
	};
	unsigned int i;

	switch (val) {
	case LOAD_OPT_RELAY:
		s->relay_path = arg;
		return 0;
	case LOAD_OPT_SENDERS:
		return bench_parse_uint(arg, 1, LOAD_MAX_SENDERS, &s->senders) ? 1 : 0;
	case LOAD_OPT_RECEIVERS:
		return bench_parse_uint(arg, 1, LOAD_MAX_RECEIVERS, &s->receivers) ? 1 : 0;
	case LOAD_OPT_THREADS:
		return bench_parse_uint(arg, 1, LOAD_MAX_WORKERS, &s->threads) ? 1 : 0;
	case LOAD_OPT_PAYLOAD:
		return bench_parse_uint(arg, 8, 1400, &s->payload) ? 1 : 0;
	case LOAD_OPT_PROFILE:
		for (i = 0; i < 4; i++)
			if (!strcmp(arg, profile_name(profiles[i]))) {
				s->profile = profiles[i];
				return 0;
			}
		return 1;
	case LOAD_OPT_GEN_THREADS:
		return bench_parse_uint(arg, 1, LOAD_MAX_GEN_THREADS, &s->gen_threads) ? 1 : 0;
	case LOAD_OPT_ENGINE:
		if (strcmp(arg, "auto") && strcmp(arg, "user") && strcmp(arg, "kernel"))
			return 1;
		s->engine = arg;
		return 0;
	case LOAD_OPT_FAMILY:
		if (strcmp(arg, "4") && strcmp(arg, "6"))
			return 1;
		s->family = *arg == '6' ? AF_INET6 : AF_INET;
		return 0;
	case LOAD_OPT_RTCP_EVERY:
		return bench_parse_uint(arg, 0, 1000000, &s->rtcp_every) ? 1 : 0;
	case LOAD_OPT_KERNEL_TRANSPORT:
		if (strcmp(arg, "ioctl") && strcmp(arg, "uring"))
			return 1;
		s->kernel_transport = arg;
		return 0;
	}
	return -1;
}

void load_setup_defaults(struct load_setup *s)
{
	*s = (struct load_setup){ .engine = "auto", .kernel_transport = "ioctl", .senders = 4,
				  .receivers = 2, .threads = 1, .gen_threads = 1, .payload = 200,
				  .profile = KSRTP_AEAD_AES_128_GCM, .family = AF_INET };
}

/* Where the relay and the generator run, in words. */
static const char *cpus_note(const struct load_setup *s, char *buf, size_t size)
{
	struct load_cpus c;
	char relay[64], gen[256];

	load_cpus_of(s, &c);
	if (!c.pinned) {
		snprintf(buf, size, "%u available, not more than the relay's %u worker%s: the relay "
			 "and the generator share them", c.available, s->threads,
			 s->threads == 1 ? "" : "s");
		return buf;
	}
	bench_cpu_list(relay, sizeof(relay), c.relay, c.nrelay);
	bench_cpu_list(gen, sizeof(gen), c.generator, c.ngenerator);
	snprintf(buf, size, "the relay on %s (a worker each), the generator on %s", relay, gen);
	return buf;
}

void load_print_header(FILE *f, const struct load_setup *s)
{
	char note[400];

	fprintf(f, "relay: %u worker%s on %s, %u senders -> %u receivers (each gets every "
		   "stream), %s, %u-byte payload, --engine %s --kernel-transport %s; generator: %u "
		   "sending and %u receiving thread%s\n", s->threads, s->threads == 1 ? "" : "s",
		loopback_name(s->family), s->senders, s->receivers, profile_name(s->profile),
		s->payload, s->engine, s->kernel_transport,
		s->gen_threads < s->senders ? s->gen_threads : s->senders,
		s->gen_threads < s->receivers ? s->gen_threads : s->receivers,
		s->gen_threads == 1 ? "" : "s");
	if (s->rtcp_every)
		fprintf(f, "SRTCP: each stream sends an SR + SDES CNAME after every %u RTP packets "
			   "(rates below count RTP)\n", s->rtcp_every);
	fprintf(f, "cpus: %s\n", cpus_note(s, note, sizeof(note)));
	fprintf(f, "  %-10s %10s %10s %10s %11s %9s %20s %5s\n", "run", "target/s", "offered/s",
		"relay in/s", "delivered", "lost", "drops: relay x R + rx", "acctd");
}

static void add_count_json(json_object *o, const struct load_count *c)
{
	json_object_object_add(o, "sent", json_object_new_int64((int64_t)c->sent));
	json_object_object_add(o, "expected", json_object_new_int64((int64_t)c->expected));
	json_object_object_add(o, "delivered", json_object_new_int64((int64_t)c->delivered));
	json_object_object_add(o, "lost", json_object_new_int64((int64_t)c->lost));
	json_object_object_add(o, "bad", json_object_new_int64((int64_t)c->bad));
}

json_object *load_setup_json(const struct load_setup *s)
{
	json_object *o = json_object_new_object();
	struct load_cpus c;
	char note[400];

	json_object_object_add(o, "family", json_object_new_int(s->family == AF_INET6 ? 6 : 4));
	json_object_object_add(o, "senders", json_object_new_int((int)s->senders));
	json_object_object_add(o, "receivers", json_object_new_int((int)s->receivers));
	json_object_object_add(o, "relay_threads", json_object_new_int((int)s->threads));
	json_object_object_add(o, "gen_threads", json_object_new_int((int)s->gen_threads));
	json_object_object_add(o, "payload_bytes", json_object_new_int((int)s->payload));
	json_object_object_add(o, "profile", json_object_new_string(profile_name(s->profile)));
	json_object_object_add(o, "engine", json_object_new_string(s->engine));
	json_object_object_add(o, "kernel_transport", json_object_new_string(s->kernel_transport));
	json_object_object_add(o, "rtcp_every", json_object_new_int((int)s->rtcp_every));
	load_cpus_of(s, &c);
	json_object_object_add(o, "cpus_available", json_object_new_int((int)c.available));
	json_object_object_add(o, "pinned", json_object_new_boolean(c.pinned));
	if (c.pinned) {
		json_object_object_add(o, "relay_cpus", bench_cpu_list_json(c.relay, c.nrelay));
		json_object_object_add(o, "generator_cpus",
				       bench_cpu_list_json(c.generator, c.ngenerator));
	}
	json_object_object_add(o, "cpus", json_object_new_string(cpus_note(s, note, sizeof(note))));
	return o;
}

json_object *load_result_json(const struct load_result *r)
{
	json_object *o = json_object_new_object(), *cpu = json_object_new_array(), *rtcp;
	unsigned int w;

	json_object_object_add(o, "seconds", json_object_new_double(r->seconds));
	json_object_object_add(o, "busy_seconds", json_object_new_double(r->busy_seconds));
	/* RTP at the top, as before SRTCP was sent; SRTCP in its own object */
	add_count_json(o, &r->rtp);
	rtcp = json_object_new_object();
	add_count_json(rtcp, &r->rtcp);
	json_object_object_add(rtcp, "relay_read",
			       json_object_new_int64((int64_t)r->relay_rtcp_in));
	json_object_object_add(o, "rtcp", rtcp);
	json_object_object_add(o, "relay_socket_drops",
			       json_object_new_int64((int64_t)r->relay_drops));
	json_object_object_add(o, "receiver_socket_drops",
			       json_object_new_int64((int64_t)r->receiver_drops));
	json_object_object_add(o, "relay_errors", json_object_new_int64((int64_t)r->relay_errors));
	json_object_object_add(o, "backlog_drops",
			       json_object_new_int64((int64_t)r->backlog_drops));
	json_object_object_add(o, "accounted", json_object_new_boolean(load_accounted(r)));
	json_object_object_add(o, "target_pps", json_object_new_double(r->target_pps));
	json_object_object_add(o, "offered_pps", json_object_new_double(r->offered_pps));
	json_object_object_add(o, "offered_short", json_object_new_boolean(load_short(r)));
	if (load_short(r)) {
		char note[128];

		snprintf(note, sizeof(note), "generator could not offer the target rate: offered "
			 "%.0f of %.0f/s", r->offered_pps, r->target_pps);
		json_object_object_add(o, "offered_short_note", json_object_new_string(note));
	}
	json_object_object_add(o, "late_skipped", json_object_new_int64((int64_t)r->late_skipped));
	json_object_object_add(o, "relay_pps", json_object_new_double(r->relay_pps));
	for (w = 0; w < r->workers; w++)
		json_object_array_add(cpu, json_object_new_double(r->worker_cpu[w]));
	json_object_object_add(o, "worker_cpu_pct", cpu);
	json_object_object_add(o, "generator_cpu_pct", json_object_new_double(r->generator_cpu));
	json_object_object_add(o, "sender_cpu_pct", json_object_new_double(r->sender_cpu));
	return o;
}

static int parse_load_option(void *ctx, int val, const char *arg)
{
	struct load_options *o = ctx;
	int rc = load_parse_setup(&o->setup, val, arg);

	if (rc >= 0)
		return rc;
	if (val == OPT_RATE)
		return bench_parse_uint(arg, 1, 100000000, &o->rate);
	if (val == OPT_FRACTION)
		return bench_parse_uint(arg, 1, 100, &o->fraction);
	return 1;
}

const struct bench_command bench_load_command;

static const struct bench_option_table load_option_table = {
	.command = &bench_load_command,
	.options = load_longopts,
	.parse_own = parse_load_option,
	.default_runs = DEFAULT_RUNS,
	.default_run_ms = DEFAULT_RUN_MS,
	.quick_runs = QUICK_RUNS,
	.quick_run_ms = QUICK_RUN_MS,
};

static int load_main(int argc, char **argv)
{
	struct load_options o = { .fraction = 80 };
	json_object *root = json_object_new_object(), *runs = json_object_new_array();
	struct load_result res[BENCH_MAX_RUNS], check;
	double pps[BENCH_MAX_RUNS], offered[BENCH_MAX_RUNS];
	struct load_capacity cap;
	struct bench_machine m;
	struct bench_options common;
	struct bench_stats st;
	bool ok = true;
	unsigned int r;
	struct load *l;
	char label[32];
	int exit_code;

	load_setup_defaults(&o.setup);
	if (!bench_parse_options(&load_option_table, argc, argv, &o, &common, &exit_code))
		return exit_code;
	if (common.clock_set) {
		fprintf(stderr, "ksrtp-bench load: --clock: the rates are per second of wall time\n");
		bench_usage(stderr, &bench_load_command);
		return BENCH_EXIT_USAGE;
	}
	bench_machine_probe(&m);
	bench_machine_print(stdout, &m);
	printf("(loopback: the generator seals and opens every packet too; where it runs, the "
	       "cpus: line says)\n\n");
	json_object_object_add(root, "machine", bench_machine_json(&m));
	json_object_object_add(root, "setup", load_setup_json(&o.setup));
	l = load_start(&o.setup);
	if (!l)
		return BENCH_EXIT_FAIL;
	load_print_header(stdout, &o.setup);
	if (o.rate) {
		/* At the rate asked for: what it forwards, loss accounted for. */
		for (r = 0; r < common.runs && ok; r++) {
			snprintf(label, sizeof(label), "rate %u", r + 1);
			ok = !load_run(l, o.rate, common.run_ms, &res[r], NULL, NULL);
			if (!ok)
				break;
			load_print(stdout, label, &res[r]);
			json_object_array_add(runs, load_result_json(&res[r]));
			pps[r] = res[r].relay_pps;
			offered[r] = res[r].offered_pps;
			ok = load_accounted(&res[r]);
		}
		json_object_object_add(root, "runs", runs);
		if (ok) {
			bench_stats_of(pps, common.runs, &st);
			printf("forwarded: %.0f packets/s in (median; min %.0f, max %.0f)",
			       st.median, st.min, st.max);
			bench_stats_of(offered, common.runs, &st);
			printf(" of %.0f offered (median) at a target of %u\n", st.median, o.rate);
			json_object_object_add(root, "forwarded_pps",
					       bench_stats_json(pps, common.runs));
			json_object_object_add(root, "offered_pps",
					       bench_stats_json(offered, common.runs));
		}
	} else {
		json_object_put(runs);
		ok = !load_capacity(l, common.runs, common.run_ms, &cap, root);
		snprintf(label, sizeof(label), "at %u%%", o.fraction);
		if (ok && !load_run(l, cap.sustained_pps * o.fraction / 100, common.run_ms, &check,
				    NULL, NULL)) {
			load_print(stdout, label, &check);
			ok = load_accounted(&check) && !load_lost(&check);
			load_print_fraction(stdout, "below capacity", &check, &cap, o.fraction, root);
			json_object_object_add(root, "below_capacity", load_result_json(&check));
		} else {
			ok = false;
		}
	}
	if (load_stop(l))
		ok = false;
	json_object_object_add(root, "ok", json_object_new_boolean(ok));
	if (common.json_path && bench_json_write(common.json_path, root))
		ok = false;
	json_object_put(root);
	if (!ok)
		fprintf(stderr, "ksrtp-bench load: FAILED\n");
	return ok ? BENCH_EXIT_OK : BENCH_EXIT_FAIL;
}

const struct bench_command bench_load_command = {
	.name = "load",
	.summary = "drive ksrtp-relay on loopback: capacity, per-worker CPU, every packet checked",
	.options = options_help,
	.main = load_main,
};
BENCH_COMMAND(bench_load_command);
