// SPDX-License-Identifier: MIT
/*
 * The send transports behind ksrtp_ring_send(). Each takes trains of
 * sealed packets in arena slots and leaves every slot back in the arena.
 *
 * On loopback the network stack, not the syscall, is the cost of a packet
 * (about 2.6 us a 1200-byte datagram on the development machine, whichever
 * call carries it), so what pays is UDP GSO (UDP_SEGMENT, Linux 4.18): a
 * train of equal-sized datagrams goes down the stack as one, and is cut
 * into datagrams at the device or, on loopback, handed over whole to a
 * GRO receiver.
 *
 * The io_uring transports build one SENDMSG per train (GSO) or per packet,
 * submit them all with one io_uring_enter(), and wait for their own
 * completions. KSRTP_TX_GSO makes the same sendmsg()s directly, one
 * syscall a train, and takes their results the same way (send_completed).
 *
 * The linked path (engine_kernel.h): a train in link slots of the kernel
 * engine's arena, not yet sealed, goes as pairs of SQEs, the URING_CMD
 * SEAL of one GSO send's packets (all or nothing) linked with
 * IOSQE_IO_LINK to that send, every pair of the call in one
 * io_uring_enter(). A SEAL with a failed packet fails whole and io_uring
 * cancels its send, so plaintext never goes out; a SEAL that could not
 * run at all (every batch context of the file busy) is done again by
 * ioctl, and its packets are sent then.
 */
#define _GNU_SOURCE /* struct mmsghdr, sendmmsg, recvmmsg */
#include <errno.h>
#include <poll.h>
#include <unistd.h>

#include "engine_kernel.h"
#include "ring/ring.h"
#include "session.h"

/* The most bytes one GSO send carries: a UDP datagram's limit (65507 over IPv4), rounded down. */
#define GSO_MAX_BYTES 65000

/* Bounded wait for room in fd's send buffer; true when it may have some. */
static bool wait_writable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };

	return poll(&p, 1, KSRTP_RING_SEND_WAIT_MS) > 0 && !(p.revents & POLLNVAL);
}

static void tx_error(struct ksrtp_ring *r, uint32_t packets, int err)
{
	r->st.tx_errors += packets;
	r->st.last_errno = err;
}

static void tx_done(struct ksrtp_ring *r, struct ksrtp_train *t, uint32_t packets, uint64_t bytes)
{
	t->sent += packets;
	r->st.tx_packets += packets;
	r->st.tx_bytes += bytes;
}

/*
 * sendmsg() now, waiting once for room when the socket buffer is full.
 * Returns what sendmsg returned, or -errno.
 */
static ssize_t sendmsg_now(struct ksrtp_ring *r, int fd, const struct msghdr *m)
{
	bool waited = false;

	for (;;) {
		ssize_t n = sendmsg(fd, m, MSG_DONTWAIT);

		r->st.tx_calls++;
		if (n >= 0)
			return n;
		if (errno == EINTR)
			continue;
		if ((errno == EAGAIN || errno == ENOBUFS) && !waited) {
			r->st.tx_again++;
			waited = true;
			if (wait_writable(fd))
				continue;
		}
		return -errno;
	}
}

static void msg_init(struct msghdr *m, const struct ksrtp_dest *d, struct iovec *iov, size_t n)
{
	memset(m, 0, sizeof(*m));
	m->msg_name = (void *)d->addr;
	m->msg_namelen = d->addr_len;
	m->msg_iov = iov;
	m->msg_iovlen = n;
}

/* Packets first..first+count of t, one sendmsg() each. */
static void send_each(struct ksrtp_ring *r, struct ksrtp_train *t, uint32_t first, uint32_t count)
{
	uint32_t i;

	for (i = first; i < first + count; i++) {
		struct iovec iov = { .iov_base = t->v[i].data, .iov_len = t->v[i].len };
		struct msghdr m;
		ssize_t n;

		msg_init(&m, t->dest, &iov, 1);
		n = sendmsg_now(r, t->dest->fd, &m);
		if (n == (ssize_t)t->v[i].len)
			tx_done(r, t, 1, t->v[i].len);
		else
			tx_error(r, 1, n < 0 ? (int)-n : EMSGSIZE);
	}
}

/* ---- sendmmsg ---- */

static void send_mmsg(struct ksrtp_ring *r, struct ksrtp_train *t)
{
	uint32_t done = 0;
	bool waited = false;

	while (done < t->n) {
		uint32_t i, n = t->n - done < KSRTP_RING_GSO_MAX ? t->n - done : KSRTP_RING_GSO_MAX;
		int sent;

		for (i = 0; i < n; i++) {
			const struct ksrtp_pkt *p = &t->v[done + i];

			r->mmsg_iov[i] = (struct iovec){ .iov_base = p->data, .iov_len = p->len };
			msg_init(&r->mmsg[i].msg_hdr, t->dest, &r->mmsg_iov[i], 1);
		}
		sent = sendmmsg(t->dest->fd, r->mmsg, n, MSG_DONTWAIT);
		r->st.tx_calls++;
		if (sent > 0) {
			for (i = 0; i < (uint32_t)sent; i++)
				tx_done(r, t, 1, t->v[done + i].len);
			done += (uint32_t)sent;
			waited = false;
			continue;
		}
		if (sent < 0 && errno == EINTR)
			continue;
		if (sent < 0 && (errno == EAGAIN || errno == ENOBUFS) && !waited) {
			r->st.tx_again++;
			waited = true;
			if (wait_writable(t->dest->fd))
				continue;
		}
		/* The first packet failed: count it and go on with the next. */
		tx_error(r, 1, sent < 0 ? errno : EIO);
		done++;
		waited = false;
	}
}

/* ---- io_uring ---- */

/* Reap until every send op in flight has completed. */
static void reap_all(struct ksrtp_ring *r);
static void link_fallback(struct ksrtp_ring *r, struct send_op *op, struct ksrtp_kernel *k,
			  uint32_t idx);

static void submit_and_reap(struct ksrtp_ring *r)
{
	unsigned int tries = 0;
	int ret;

	/* EAGAIN, EBUSY: out of kernel memory, or completions to reap first. */
	while ((ret = io_uring_submit_and_wait(&r->uring, r->nops + r->nseals)) < 0 &&
	       (ret == -EINTR || ((ret == -EAGAIN || ret == -EBUSY) && tries++ < 100))) {
		if (ret != -EINTR)
			poll(NULL, 0, 1);
	}
	if (ret < 0) {
		/*
		 * The ring cannot be entered: stop using it (queued SQEs must
		 * never go in later, their slots are reused) and send these
		 * ops the plain way.
		 */
		uint32_t i;

		r->uring_broken = true;
		r->tx = KSRTP_TX_SENDMMSG;
		r->st.last_errno = -ret;
		for (i = 0; i < r->nops; i++) {
			struct send_op *op = &r->ops[i];

			if (op->seal)
				link_fallback(r, op, op->seal->k, op->seal->idx);
			else
				send_each(r, op->train, op->first, op->count);
		}
		r->nops = 0;
		r->nseals = 0;
		return;
	}
	r->st.tx_calls++;
	reap_all(r);
}

/* The completion of one send op. */
static void send_completed(struct ksrtp_ring *r, struct send_op *op, int res)
{
	struct ksrtp_train *t = op->train;

	if (res >= 0 && (uint32_t)res == op->bytes) {
		tx_done(r, t, op->count, op->bytes);
		r->st.tx_gso_sends += !!op->gso_size;
		return;
	}
	if (res < 0 && op->gso_size && (res == -EIO || res == -EINVAL || res == -EOPNOTSUPP)) {
		/* GSO refused (a device without checksum offload, a segment over the MTU). */
		r->gso_refused = true;
		r->st.tx_gso_fallbacks++;
		send_each(r, t, op->first, op->count);
		return;
	}
	if (res == -EAGAIN || res == -ENOBUFS) {
		r->st.tx_again++;
		if (wait_writable(t->dest->fd))
			res = (int)sendmsg_now(r, t->dest->fd, &op->msg);
		if (res >= 0 && (uint32_t)res == op->bytes) {
			tx_done(r, t, op->count, op->bytes);
			r->st.tx_gso_sends += !!op->gso_size;
			return;
		}
	}
	/* Failed, or short: a UDP send is all or nothing, so a short one is an error. */
	tx_error(r, op->count, res < 0 ? -res : EMSGSIZE);
}

static void link_completed(struct ksrtp_ring *r, struct seal_op *s);

static void reap_all(struct ksrtp_ring *r)
{
	uint32_t outstanding = r->nops + r->nseals, i;

	while (outstanding) {
		struct io_uring_cqe *cqe;
		int ret = io_uring_wait_cqe(&r->uring, &cqe);

		if (ret == -EINTR)
			continue;
		if (ret < 0) {
			/*
			 * The ring is broken: the sends' fate is unknown, count
			 * them failed, and never enter it again (a late
			 * completion would name an op since reused).
			 */
			for (i = 0; i < r->nops; i++)
				if (r->ops[i].train)
					tx_error(r, r->ops[i].count, -ret);
			r->uring_broken = true;
			r->tx = KSRTP_TX_SENDMMSG;
			r->nseals = 0;
			break;
		}
		if (cqe->user_data == UD_RECV) {
			ksrtp_ring_rx_cqe(r, cqe);
		} else if (cqe->user_data & UD_SEAL) {
			struct seal_op *s = (struct seal_op *)(uintptr_t)(cqe->user_data & ~(uint64_t)UD_SEAL);

			s->res = cqe->res;
			outstanding--;
		} else {
			struct send_op *op = io_uring_cqe_get_data(cqe);

			/* A linked send is judged with its seal, once both are in. */
			if (op->seal) {
				op->res = cqe->res;
			} else {
				send_completed(r, op, cqe->res);
				op->train = NULL;
			}
			outstanding--;
		}
		io_uring_cqe_seen(&r->uring, cqe);
	}
	for (i = 0; i < r->nseals; i++)
		link_completed(r, &r->seals[i]);
	r->nseals = 0;
	r->nops = 0;
}

/* An SQE, submitting what is queued when the SQ (or the op table) is full. */
static struct io_uring_sqe *get_sqe(struct ksrtp_ring *r)
{
	struct io_uring_sqe *sqe;

	if (r->nops == r->sq_entries)
		submit_and_reap(r);
	sqe = io_uring_get_sqe(&r->uring);
	if (!sqe) {
		submit_and_reap(r);
		sqe = io_uring_get_sqe(&r->uring);
	}
	return sqe;
}

/* The msghdr of one sendmsg of packets first..first+count of t, a GSO train when gso_size. */
static void op_fill(struct send_op *op, struct ksrtp_train *t, uint32_t first, uint32_t count,
		    uint16_t gso_size)
{
	uint32_t i;

	op->train = t;
	op->first = first;
	op->count = count;
	op->gso_size = gso_size;
	op->seal = NULL;
	op->bytes = 0;
	for (i = 0; i < count; i++) {
		op->iov[i].iov_base = t->v[first + i].data;
		op->iov[i].iov_len = t->v[first + i].len;
		op->bytes += t->v[first + i].len;
	}
	msg_init(&op->msg, t->dest, op->iov, count);
	if (gso_size) {
		struct cmsghdr *c;

		/* Its padding past CMSG_LEN goes to the kernel too: no stale bytes. */
		memset(op->cmsg, 0, sizeof(op->cmsg));
		op->msg.msg_control = op->cmsg;
		op->msg.msg_controllen = sizeof(op->cmsg);
		c = CMSG_FIRSTHDR(&op->msg);
		c->cmsg_level = SOL_UDP;
		c->cmsg_type = UDP_SEGMENT;
		c->cmsg_len = CMSG_LEN(sizeof(uint16_t));
		memcpy(CMSG_DATA(c), &gso_size, sizeof(gso_size));
	}
}

/* Queue one SENDMSG of packets first..first+count of t, as a GSO train when gso_size. */
static void queue_op(struct ksrtp_ring *r, struct ksrtp_train *t, uint32_t first, uint32_t count,
		     uint16_t gso_size)
{
	struct io_uring_sqe *sqe;
	struct send_op *op;

	if (r->uring_broken) {
		send_each(r, t, first, count);
		return;
	}
	sqe = get_sqe(r);
	if (!sqe) {
		tx_error(r, count, EBUSY);
		return;
	}
	op = &r->ops[r->nops++];
	op_fill(op, t, first, count, gso_size);
	/* MSG_DONTWAIT: a full socket buffer is EAGAIN, waited for with a bound, not forever. */
	io_uring_prep_sendmsg(sqe, t->dest->fd, &op->msg, MSG_DONTWAIT);
	io_uring_sqe_set_data(sqe, op);
}

/* op's sendmsg() now; the outcome as an io_uring completion's. */
static void send_msg_now(struct ksrtp_ring *r, struct send_op *op)
{
	ssize_t n;

	do
		n = sendmsg(op->train->dest->fd, &op->msg, MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	r->st.tx_calls++;
	send_completed(r, op, n < 0 ? -errno : (int)n);
}

/* The same as one sendmsg() now (KSRTP_TX_GSO). */
static void send_op_now(struct ksrtp_ring *r, struct ksrtp_train *t, uint32_t first,
			uint32_t count, uint16_t gso_size)
{
	struct send_op op;

	op_fill(&op, t, first, count, gso_size);
	send_msg_now(r, &op);
}

/* ---- the linked path ---- */

/*
 * After a SEAL of op's packets that ran (all of them, or -EBADMSG): each
 * packet's status into its train. True when every packet sealed to the
 * length its iovec carries.
 */
static bool link_statuses(struct send_op *op, struct ksrtp_kernel *k, uint32_t idx)
{
	bool all = true;
	uint32_t i;

	for (i = 0; i < op->count; i++) {
		int st = ksrtp_kernel_link_status(k, idx + i, (uint32_t)op->iov[i].iov_len);

		op->train->v[op->first + i].status = st;
		all = all && !st;
	}
	return all;
}

/* Nothing of op went out: its packets failed with status st (0: see link_statuses). */
static void link_failed(struct ksrtp_ring *r, struct send_op *op, int st, int err)
{
	uint32_t i;

	for (i = 0; st && i < op->count; i++)
		op->train->v[op->first + i].status = st;
	tx_error(r, op->count, err);
}

/*
 * Where the linked SEAL could not run (no room for the pair, a broken
 * ring, every batch context of the file busy): the same SEAL by ioctl,
 * then the send, only if every packet sealed.
 */
static void link_fallback(struct ksrtp_ring *r, struct send_op *op, struct ksrtp_kernel *k,
			  uint32_t idx)
{
	int res = ksrtp_kernel_link_seal_now(k, idx, op->count);

	if (res < 0 && res != -EBADMSG)
		link_failed(r, op, KSRTP_EKERNEL, -res);
	else if (!link_statuses(op, k, idx) || res < 0)
		link_failed(r, op, 0, EBADMSG);
	else if (r->uring_broken)
		send_each(r, op->train, op->first, op->count);
	else
		send_msg_now(r, op);
}

/* Both completions of a SEAL -> send pair are in. */
static void link_completed(struct ksrtp_ring *r, struct seal_op *s)
{
	struct send_op *op = s->send;

	if (s->res >= 0) {
		/* Sealed and sent (a length the module got wrong is the packet's status). */
		link_statuses(op, s->k, s->idx);
		send_completed(r, op, op->res);
	} else if (s->res == -EBADMSG) {
		/* A packet failed to seal: io_uring cancelled the send (op->res -ECANCELED). */
		link_statuses(op, s->k, s->idx);
		link_failed(r, op, 0, EBADMSG);
	} else {
		/* The SEAL did not run, nothing is sealed, the send was cancelled. */
		link_fallback(r, op, s->k, s->idx);
	}
	op->train = NULL;
}

/*
 * Queue the SEAL of packets first..first+count of t (k's link descriptors
 * idx..) and, linked to it, their SENDMSG: two SQEs of one submission.
 */
static void queue_linked(struct ksrtp_ring *r, struct ksrtp_train *t, struct ksrtp_kernel *k,
			 uint32_t idx, uint32_t first, uint32_t count, uint16_t gso_size)
{
	struct io_uring_sqe *cmd, *send;
	struct send_op *op;
	struct seal_op *s;

	/* Never split a pair across submissions: a lone linked SEAL would guard nothing. */
	if (!r->uring_broken && r->nops &&
	    (r->nops == r->sq_entries || io_uring_sq_space_left(&r->uring) < 2))
		submit_and_reap(r);
	if (r->uring_broken || io_uring_sq_space_left(&r->uring) < 2) {
		struct send_op now;

		op_fill(&now, t, first, count, gso_size);
		link_fallback(r, &now, k, idx);
		return;
	}
	cmd = io_uring_get_sqe(&r->uring);
	send = io_uring_get_sqe(&r->uring);
	op = &r->ops[r->nops++];
	s = &r->seals[r->nseals++];
	op_fill(op, t, first, count, gso_size);
	op->seal = s;
	*s = (struct seal_op){ .k = k, .idx = idx, .send = op };
	ksrtp_kernel_link_prep(k, cmd, idx, count);
	io_uring_sqe_set_flags(cmd, IOSQE_IO_LINK);
	io_uring_sqe_set_data(cmd, (void *)((uintptr_t)s | UD_SEAL));
	io_uring_prep_sendmsg(send, t->dest->fd, &op->msg, MSG_DONTWAIT);
	io_uring_sqe_set_data(send, op);
}

struct ksrtp_kernel *ksrtp_ring_link_engine(const struct ksrtp_ring *r, ksrtp_session *s,
					    uint32_t ssrc)
{
	if (r->tx != KSRTP_TX_URING_GSO || r->gso_refused || r->uring_broken || !s->kernel)
		return NULL;
	return ksrtp_kernel_link_ok(s->kernel, ssrc) ? s->kernel : NULL;
}

/*
 * Cut train t into GSO sends: runs of packets of one size (the segment),
 * each run ending early at a shorter packet, which it still carries (the
 * kernel allows the last segment to be short). A run of one is a plain send.
 * With link, each run is sealed on the way (queue_linked).
 */
static void queue_train(struct ksrtp_ring *r, struct ksrtp_train *t, bool gso, bool now,
			const struct ring_link *link)
{
	uint32_t i = 0;

	while (i < t->n) {
		uint32_t seg = t->v[i].len, j = i + 1, max = KSRTP_RING_GSO_MAX;

		if (gso && GSO_MAX_BYTES / seg < max)
			max = GSO_MAX_BYTES / seg;
		while (gso && j < t->n && j - i < max && t->v[j].len <= seg) {
			j++;
			if (t->v[j - 1].len < seg)
				break;
		}
		if (!gso)
			j = i + 1;
		if (link)
			queue_linked(r, t, link->k, link->idx + i, i, j - i,
				     j - i > 1 ? (uint16_t)seg : 0);
		else if (now)
			send_op_now(r, t, i, j - i, j - i > 1 ? (uint16_t)seg : 0);
		else
			queue_op(r, t, i, j - i, j - i > 1 ? (uint16_t)seg : 0);
		i = j;
	}
}

/* ---- the interface ---- */

/* Every packet a slot the caller holds, its bytes inside the slot. */
static bool trains_valid(const struct ksrtp_ring *r, const struct ksrtp_train *t, unsigned int nt)
{
	unsigned int k, i;

	for (k = 0; k < nt; k++) {
		if (!t[k].dest || (!t[k].v && t[k].n) || (t[k].dest->addr_len && !t[k].dest->addr))
			return false;
		for (i = 0; i < t[k].n; i++) {
			const struct ksrtp_pkt *p = &t[k].v[i];
			long s = arena_slot_of(&r->arena, p->data);

			if (s < 0 || r->arena.state[s] != SLOT_TAKEN || !p->len ||
			    (size_t)(p->data - arena_slot(&r->arena, (uint32_t)s)) + p->len >
				    KSRTP_ARENA_SLOT)
				return false;
		}
	}
	return true;
}

int ksrtp_ring_send(ksrtp_ring *r, struct ksrtp_train *t, unsigned int nt)
{
	if (!r || (!t && nt) || !trains_valid(r, t, nt))
		return KSRTP_EINVAL;
	return ksrtp_ring_send_linked(r, t, NULL, nt);
}

int ksrtp_ring_send_linked(struct ksrtp_ring *r, struct ksrtp_train *t,
			   const struct ring_link *link, unsigned int nt)
{
	uint64_t before;
	unsigned int k, i;

	before = r->st.tx_packets;
	for (k = 0; k < nt; k++)
		t[k].sent = 0;
	switch (r->tx) {
	case KSRTP_TX_SENDTO:
		for (k = 0; k < nt; k++)
			send_each(r, &t[k], 0, t[k].n);
		break;
	case KSRTP_TX_SENDMMSG:
		for (k = 0; k < nt; k++)
			send_mmsg(r, &t[k]);
		break;
	case KSRTP_TX_GSO:
		for (k = 0; k < nt; k++)
			queue_train(r, &t[k], !r->gso_refused, true, NULL);
		break;
	default:
		for (k = 0; k < nt; k++) {
			const struct ring_link *l = link && link[k].k ? &link[k] : NULL;

			queue_train(r, &t[k], l || (r->tx == KSRTP_TX_URING_GSO && !r->gso_refused),
				    false, l);
		}
		if (r->nops)
			submit_and_reap(r);
		break;
	}
	for (k = 0; k < nt; k++)
		if (!link || !link[k].k)
			for (i = 0; i < t[k].n; i++)
				arena_give(&r->arena,
					   (uint32_t)arena_slot_of(&r->arena, t[k].v[i].data));
	return (int)(r->st.tx_packets - before);
}
