// SPDX-License-Identifier: MIT
/*
 * ksrtp-relay's transport: the library's io_uring ring (include/ksrtp/ring.h),
 * one per worker, each with its own UDP socket bound to the listen address
 * with SO_REUSEPORT, so the kernel spreads senders over the workers by a
 * hash of the 4-tuple and one sender's packets always reach the same worker
 * (and so the same replay state). Packets live in the ring's arena slots:
 * received by multishot recvmsg (recvmmsg on kernels without it), sealed in
 * place, sent as one train per receiver (UDP GSO where the kernel takes it).
 * This file is the only one that knows the ring: the packet path (forward.c)
 * sees packets, trains and counts.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/sock_diag.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ksrtp/ring.h"
#include "relay.h"

/* Socket buffers: bursts of a few milliseconds at a million packets/s. */
#define RELAY_SOCKET_BUFFER (8 << 20)
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

struct relay_io *relay_io_open(const union relay_addr *addr, char *err, size_t errlen)
{
	struct relay_io *io = calloc(1, sizeof(*io));
	socklen_t len = sizeof(io->local);
	char a[RELAY_ADDR_STRLEN];
	int one = 1;

	if (!io) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	io->fd = socket(addr->sa.sa_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	/* IPv6 only: the relay is one family (config.c), [::] never takes IPv4 too. */
	if (io->fd < 0 ||
	    (addr->sa.sa_family == AF_INET6 &&
	     setsockopt(io->fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one))) ||
	    setsockopt(io->fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) ||
	    bind(io->fd, &addr->sa, relay_addr_len(addr)) ||
	    getsockname(io->fd, &io->local.sa, &len)) {
		snprintf(err, errlen, "listen %s: %s", relay_addr_str(addr, a, sizeof(a)),
			 strerror(errno));
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
