// SPDX-License-Identifier: MIT
/*
 * ksrtp-relay's UDP transport: one socket per worker, all bound to the listen
 * address with SO_REUSEPORT, so the kernel spreads senders over the workers
 * by a hash of the 4-tuple and one sender's packets always reach the same
 * worker (and so the same replay state). recvmmsg/sendmmsg move a batch per
 * system call. This file is the one place to switch to another transport
 * (io_uring multishot receive and GSO sends) without touching the packet path.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "relay.h"

/* Socket buffers: bursts of a few milliseconds at a million packets/s. */
#define RELAY_SOCKET_BUFFER (8 << 20)
#define RELAY_SEND_MAX RELAY_TX_SLOTS

struct relay_io {
	int fd;
	struct sockaddr_in local;
	struct mmsghdr msgs[RELAY_SEND_MAX];
	struct iovec iov[RELAY_SEND_MAX];
	/* SO_RXQ_OVFL control messages, one per received packet. */
	char control[RELAY_BATCH][CMSG_SPACE(sizeof(uint32_t))];
};

/* Root may pass net.core.rmem_max/wmem_max (SO_*BUFFORCE); others get what is allowed. */
static void set_buffer(int fd, int force, int plain)
{
	int size = RELAY_SOCKET_BUFFER;

	if (setsockopt(fd, SOL_SOCKET, force, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, plain, &size, sizeof(size));
}

struct relay_io *relay_io_open(const struct sockaddr_in *addr, char *err, size_t errlen)
{
	struct relay_io *io = calloc(1, sizeof(*io));
	socklen_t len = sizeof(io->local);
	int one = 1;

	if (!io) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	io->fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (io->fd < 0 ||
	    setsockopt(io->fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) ||
	    setsockopt(io->fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof(one)) ||
	    bind(io->fd, (const struct sockaddr *)addr, sizeof(*addr)) ||
	    getsockname(io->fd, (struct sockaddr *)&io->local, &len)) {
		char a[32];

		snprintf(err, errlen, "listen %s: %s", relay_addr_str(addr, a, sizeof(a)),
			 strerror(errno));
		relay_io_close(io);
		return NULL;
	}
	set_buffer(io->fd, SO_RCVBUFFORCE, SO_RCVBUF);
	set_buffer(io->fd, SO_SNDBUFFORCE, SO_SNDBUF);
	return io;
}

void relay_io_close(struct relay_io *io)
{
	if (!io)
		return;
	if (io->fd >= 0)
		close(io->fd);
	free(io);
}

void relay_io_local(const struct relay_io *io, struct sockaddr_in *out)
{
	*out = io->local;
}

int relay_io_recv(struct relay_io *io, struct ksrtp_pkt *v, unsigned int n, int timeout_ms,
		  uint32_t *overflow)
{
	struct pollfd pfd = { .fd = io->fd, .events = POLLIN };
	unsigned int i;
	int got;

	if (n > RELAY_BATCH)
		n = RELAY_BATCH;
	if (timeout_ms && poll(&pfd, 1, timeout_ms) <= 0)
		return 0;
	for (i = 0; i < n; i++) {
		io->iov[i] = (struct iovec){ .iov_base = v[i].data, .iov_len = RELAY_SLOT };
		io->msgs[i].msg_hdr = (struct msghdr){
			.msg_iov = &io->iov[i],
			.msg_iovlen = 1,
			.msg_control = io->control[i],
			.msg_controllen = sizeof(io->control[i]),
		};
	}
	got = recvmmsg(io->fd, io->msgs, n, MSG_DONTWAIT, NULL);
	if (got <= 0)
		return 0;
	for (i = 0; i < (unsigned int)got; i++) {
		struct cmsghdr *cm = CMSG_FIRSTHDR(&io->msgs[i].msg_hdr);

		v[i].len = io->msgs[i].msg_len;
		v[i].cap = RELAY_SLOT;
		v[i].status = 0;
		/* A datagram that filled the slot was cut short: let it fail to parse. */
		if (io->msgs[i].msg_hdr.msg_flags & MSG_TRUNC)
			v[i].len = 0;
		for (; cm; cm = CMSG_NXTHDR(&io->msgs[i].msg_hdr, cm))
			if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SO_RXQ_OVFL)
				memcpy(overflow, CMSG_DATA(cm), sizeof(*overflow));
	}
	return got;
}

unsigned int relay_io_send(struct relay_io *io, const struct ksrtp_pkt *v,
			   const struct sockaddr_in *const *to, unsigned int n)
{
	unsigned int i, sent = 0, failed = 0;

	if (n > RELAY_SEND_MAX)
		n = RELAY_SEND_MAX;
	for (i = 0; i < n; i++) {
		io->iov[i] = (struct iovec){ .iov_base = v[i].data, .iov_len = v[i].len };
		io->msgs[i].msg_hdr = (struct msghdr){
			.msg_name = (void *)to[i],
			.msg_namelen = sizeof(*to[i]),
			.msg_iov = &io->iov[i],
			.msg_iovlen = 1,
		};
	}
	/* Blocking: a full send buffer slows the worker down instead of dropping. */
	while (sent + failed < n) {
		int r = sendmmsg(io->fd, io->msgs + sent + failed, n - sent - failed, 0);

		if (r > 0)
			sent += (unsigned int)r;
		else if (r < 0 && errno != EINTR)
			failed++;	/* this one packet (unreachable, ...): skip it */
	}
	return failed;
}
