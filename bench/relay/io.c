// SPDX-License-Identifier: MIT
/*
 * ksrtp-relay's transport: the library's io_uring ring (include/ksrtp/ring.h),
 * one per worker, each with its own UDP socket bound to the listen address
 * with SO_REUSEPORT. The kernel steers each packet to a worker by its SSRC
 * (steer_by_ssrc), so a stream's replay window and rollover counter live in
 * one worker whatever source port its packets come from: a sender behind a
 * NAT that rebinds keeps its state, and a packet replayed from another port
 * meets the window that has seen it. Packets live in the ring's arena slots:
 * received by multishot recvmsg (recvmmsg on kernels without it), sealed in
 * place, sent as one train per receiver (UDP GSO where the kernel takes it).
 * This file is the only one that knows the ring: the packet path (forward.c)
 * sees packets, trains and counts.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/filter.h>
#include <linux/sock_diag.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ksrtp/ring.h"
#include "relay.h"

/*
 * Socket buffers: what arrives while a worker is off its CPU. The kernel
 * charges a datagram's whole buffer (about 1.3 KiB for 228 bytes on
 * loopback) and grants twice what is asked: 8 MiB held about 55 ms at
 * 216000 packets/s, and 20 s at 80% of capacity on a shared 2-core machine
 * overflowed it in 2 of 3 runs with the worker on a core of its own; 32 MiB
 * (about 200 ms) in none of 3. Root may pass net.core.rmem_max.
 */
#define RELAY_SOCKET_BUFFER (32 << 20)
/* Receive slots lent to the kernel, plus a batch in hand, plus a chunk of copies. */
#define RELAY_ARENA_SLOTS 2048
#define RELAY_RX_SLOTS 256

struct relay_io {
	int fd;
	union relay_addr local;
	ksrtp_ring *ring;
	struct ksrtp_dest dest[RELAY_MAX_RECEIVERS];
	struct ksrtp_train train[RELAY_MAX_RECEIVERS];
};

/* Root may pass net.core.rmem_max/wmem_max (SO_*BUFFORCE); others get what is allowed. */
static void set_buffer(int fd, int force, int plain)
{
	int size = RELAY_SOCKET_BUFFER;

	if (setsockopt(fd, SOL_SOCKET, force, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, plain, &size, sizeof(size));
}

/* A UDP socket of addr's family; IPv6 only: the relay is one family (config.c). */
static int udp_socket(const union relay_addr *addr)
{
	int fd = socket(addr->sa.sa_family, SOCK_DGRAM | SOCK_CLOEXEC, 0), one = 1;

	if (fd >= 0 && addr->sa.sa_family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one))) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * The socket of an SO_REUSEPORT group a packet goes to, by its SSRC: a
 * classic BPF program the kernel runs on the UDP payload. RTCP (second
 * octet 192..223, RFC 5761 section 4) has the sender's SSRC at offset 4,
 * RTP (RFC 3550 section 5.1) at offset 8, as forward.c reads them. The SSRC
 * is multiplied by 2^32/phi and its high bits taken modulo the group's
 * size, so SSRCs allocated in sequence spread too. A packet too short for
 * its SSRC aborts the program, which then picks socket 0: that worker counts
 * it as malformed.
 */
static int steer_by_ssrc(int fd, unsigned int workers)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 1),
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 192, 0, 3),
		BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, 223, 2, 0),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 4),
		BPF_JUMP(BPF_JMP | BPF_JA, 1, 0, 0),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 8),
		BPF_STMT(BPF_ALU | BPF_MUL | BPF_K, 0x9e3779b9u),
		BPF_STMT(BPF_ALU | BPF_RSH | BPF_K, 16),
		BPF_STMT(BPF_ALU | BPF_MOD | BPF_K, workers),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	struct sock_fprog prog;

	memset(&prog, 0, sizeof(prog));	/* its padding goes to the kernel too */
	prog.len = sizeof(code) / sizeof(code[0]);
	prog.filter = code;
	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, &prog, sizeof(prog));
}

struct relay_io *relay_io_open(const union relay_addr *addr, unsigned int id,
			       unsigned int workers, char *err, size_t errlen)
{
	struct relay_io *io = calloc(1, sizeof(*io));
	socklen_t len = sizeof(io->local);
	char a[RELAY_ADDR_STRLEN];
	int one = 1, e;

	if (!io) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	relay_addr_str(addr, a, sizeof(a));
	/*
	 * Socket 0 binds without SO_REUSEPORT, and takes it only once bound: a
	 * port somebody holds (another relay of the same user included, whose
	 * group it would otherwise join and take part of its traffic) fails
	 * with EADDRINUSE, and port 0 picks one that nobody holds. The others
	 * then join its group.
	 */
	io->fd = udp_socket(addr);
	if (io->fd < 0 ||
	    (id && setsockopt(io->fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one))) ||
	    bind(io->fd, &addr->sa, relay_addr_len(addr)) ||
	    (!id && setsockopt(io->fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one))) ||
	    getsockname(io->fd, &io->local.sa, &len)) {
		e = errno;
		snprintf(err, errlen, "listen %s: %s%s", a, strerror(e),
			 !id && e == EADDRINUSE ? " (another relay on this port?)" : "");
		relay_io_close(io);
		return NULL;
	}
	/* Once the group is whole (with fewer sockets, the kernel hashes the 4-tuple). */
	if (workers > 1 && id == workers - 1 && steer_by_ssrc(io->fd, workers)) {
		snprintf(err, errlen, "listen %s: steering packets by SSRC "
			 "(SO_ATTACH_REUSEPORT_CBPF): %s", a, strerror(errno));
		relay_io_close(io);
		return NULL;
	}
	set_buffer(io->fd, SO_RCVBUFFORCE, SO_RCVBUF);
	set_buffer(io->fd, SO_SNDBUFFORCE, SO_SNDBUF);
	return io;
}

int relay_io_start(struct relay_io *io, char *err, size_t errlen)
{
	struct ksrtp_ring_config rc = { .arena_slots = RELAY_ARENA_SLOTS,
					.rx_slots = RELAY_RX_SLOTS };
	char a[RELAY_ADDR_STRLEN];
	int e = 0;

	io->ring = ksrtp_ring_new(&rc, &e);
	if (io->ring)
		e = ksrtp_ring_listen(io->ring, io->fd);
	if (e)
		snprintf(err, errlen, "listen %s: io_uring: %s",
			 relay_addr_str(&io->local, a, sizeof(a)), ksrtp_strerror(e));
	return e;
}

void relay_io_close(struct relay_io *io)
{
	if (!io)
		return;
	ksrtp_ring_free(io->ring);
	if (io->fd >= 0)
		close(io->fd);
	free(io);
}

void relay_io_local(const struct relay_io *io, union relay_addr *out)
{
	*out = io->local;
}

const char *relay_io_name(const struct relay_io *io, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", ksrtp_tx_mode_name(ksrtp_ring_tx_mode(io->ring)),
		 ksrtp_rx_mode_name(ksrtp_ring_rx_mode(io->ring)));
	return buf;
}

int relay_io_recv(struct relay_io *io, struct ksrtp_pkt *v, unsigned int n, int timeout_ms)
{
	int got = ksrtp_ring_recv(io->ring, v, n, timeout_ms);

	return got > 0 ? got : 0;
}

void relay_io_release(struct relay_io *io, const struct ksrtp_pkt *v, unsigned int n)
{
	ksrtp_arena_put(ksrtp_ring_arena(io->ring), v, n);
}

int relay_io_get(struct relay_io *io, struct ksrtp_pkt *v, unsigned int n)
{
	return ksrtp_arena_get(ksrtp_ring_arena(io->ring), v, n) == (int)n ? 0 : -1;
}

unsigned int relay_io_send(struct relay_io *io, const struct relay_train *t, unsigned int nt)
{
	unsigned int k, total = 0;
	int sent;

	for (k = 0; k < nt; k++) {
		io->dest[k] = (struct ksrtp_dest){ .fd = io->fd, .addr_len = relay_addr_len(t[k].to),
						   .addr = &t[k].to->sa };
		io->train[k] = (struct ksrtp_train){ .dest = &io->dest[k], .v = t[k].v,
						     .n = t[k].n };
		total += t[k].n;
	}
	sent = ksrtp_ring_send(io->ring, io->train, nt);
	if (sent < 0) {
		/* Refused as a whole: the slots are still ours. */
		for (k = 0; k < nt; k++)
			relay_io_release(io, t[k].v, t[k].n);
		return total;
	}
	return total - (unsigned int)sent;
}

uint64_t relay_io_overflow(const struct relay_io *io)
{
	uint32_t mem[SK_MEMINFO_VARS];
	socklen_t len = sizeof(mem);

	/* What the kernel dropped for a full receive buffer (the drops of /proc/net/udp). */
	if (getsockopt(io->fd, SOL_SOCKET, SO_MEMINFO, mem, &len) || len <= SK_MEMINFO_DROPS * 4)
		return 0;
	return mem[SK_MEMINFO_DROPS];
}
