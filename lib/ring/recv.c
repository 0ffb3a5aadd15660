// SPDX-License-Identifier: MIT
/*
 * Receiving: multishot IORING_OP_RECVMSG (Linux 6.0) into a provided-buffer
 * ring (5.19) whose buffers are arena slots, one armed request delivering a
 * completion per datagram until it runs out of buffers (-ENOBUFS, without
 * IORING_CQE_F_MORE) or fails; then it is re-armed once slots are back.
 * recvmmsg() where the kernel has neither.
 *
 * With KSRTP_RING_GRO the socket has UDP_GRO (Linux 5.0) and the kernel may
 * hand over a whole train as one datagram with its segment size in a
 * UDP_GRO cmsg. Such a datagram can be 64 KiB, larger than a slot, so GRO
 * receives into RX_GRO_BUFS big buffers instead and each segment is copied
 * into a slot of its own as it is handed out.
 *
 * A multishot buffer holds struct io_uring_recvmsg_out, the name (none:
 * msg_namelen 0), the control data (the GRO cmsg) and then the payload.
 */
#define _GNU_SOURCE /* struct mmsghdr, sendmmsg, recvmmsg */
#include <errno.h>
#include <poll.h>
#include <sys/mman.h>
#include <time.h>

#include "ring/ring.h"

enum gro_buf_state {
	GRO_FREE = 0,
	GRO_POSTED,		/* lent to the kernel (multishot) */
	GRO_HELD,		/* holds a datagram not yet handed out */
};

#define BGID 0			/* the one buffer group */

static bool gro(const struct ksrtp_ring *r)
{
	return r->flags & KSRTP_RING_GRO;
}

static uint8_t *gro_buf(const struct ksrtp_ring *r, uint32_t i)
{
	return r->gro + (size_t)i * RX_GRO_BUF_BYTES;
}

/* ---- the pending queue ---- */

static void pending_push(struct ksrtp_ring *r, uint32_t buf, uint32_t off, uint32_t len,
			 uint16_t seg)
{
	uint32_t tail = (r->pending_head + r->pending_n) % r->pending_cap;

	/* Never full: an entry holds a buffer, and there are no more buffers than entries. */
	r->pending[tail] = (struct rx_pending){ .buf = buf, .off = off, .len = len, .seg = seg };
	r->pending_n++;
	r->st.rx_gro_splits += seg && len > seg;
}

static void pending_pop(struct ksrtp_ring *r)
{
	r->pending_head = (r->pending_head + 1) % r->pending_cap;
	r->pending_n--;
}

/* A buffer whose datagram is dropped or used up goes back where it came from. */
static void buf_done(struct ksrtp_ring *r, uint32_t buf)
{
	if (gro(r)) {
		r->gro_state[buf] = GRO_FREE;
	} else {
		arena_give(&r->arena, buf);
		r->st.rx_posted--;
	}
}

/* ---- multishot ---- */

/* Lend free slots (or GRO buffers) to the kernel, up to the ring's size. */
static void rx_post(struct ksrtp_ring *r)
{
	int mask = io_uring_buf_ring_mask(r->br_entries), k = 0;
	uint32_t i;

	if (gro(r)) {
		for (i = 0; i < RX_GRO_BUFS; i++) {
			if (r->gro_state[i] != GRO_FREE)
				continue;
			io_uring_buf_ring_add(r->br, gro_buf(r, i), RX_GRO_BUF_BYTES, (uint16_t)i,
					      mask, k++);
			r->gro_state[i] = GRO_POSTED;
		}
	} else {
		while (r->st.rx_posted < r->rx_slots) {
			long s = arena_take(&r->arena);

			if (s < 0)
				break;
			r->arena.state[s] = SLOT_POSTED;
			io_uring_buf_ring_add(r->br, arena_slot(&r->arena, (uint32_t)s),
					      KSRTP_ARENA_SLOT, (uint16_t)s, mask, k++);
			r->st.rx_posted++;
		}
	}
	if (k)
		io_uring_buf_ring_advance(r->br, k);
}

static bool rx_have_posted(const struct ksrtp_ring *r)
{
	uint32_t i;

	if (!gro(r))
		return r->st.rx_posted > r->pending_n;
	for (i = 0; i < RX_GRO_BUFS; i++)
		if (r->gro_state[i] == GRO_POSTED)
			return true;
	return false;
}

static int rx_arm(struct ksrtp_ring *r)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&r->uring);
	int ret;

	if (!sqe)
		return KSRTP_EKERNEL;	/* sends always leave the SQ empty */
	io_uring_prep_recvmsg_multishot(sqe, r->rx_fd, &r->rx_msg, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = BGID;
	sqe->user_data = UD_RECV;
	do
		ret = io_uring_submit(&r->uring);
	while (ret == -EINTR);
	if (ret < 0) {
		r->st.last_errno = -ret;
		return KSRTP_EKERNEL;
	}
	r->rx_armed = true;
	r->st.rx_arms++;
	return 0;
}

/* The UDP_GRO segment size of a multishot completion, 0 if none. */
static uint16_t gro_segment(struct io_uring_recvmsg_out *o, struct msghdr *m)
{
	struct cmsghdr *c;

	for (c = io_uring_recvmsg_cmsg_firsthdr(o, m); c; c = io_uring_recvmsg_cmsg_nexthdr(o, m, c)) {
		int seg;

		if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO &&
		    c->cmsg_len >= CMSG_LEN(sizeof(int))) {
			memcpy(&seg, CMSG_DATA(c), sizeof(seg));
			return seg > 0 && seg < 65536 ? (uint16_t)seg : 0;
		}
	}
	return 0;
}

void ksrtp_ring_rx_cqe(struct ksrtp_ring *r, const struct io_uring_cqe *cqe)
{
	struct io_uring_recvmsg_out *o;
	uint32_t bid;
	uint8_t *buf;
	uint16_t seg = 0;

	if (!(cqe->flags & IORING_CQE_F_MORE))
		r->rx_armed = false;
	if (!(cqe->flags & IORING_CQE_F_BUFFER)) {
		if (cqe->res == -ENOBUFS) {
			r->st.rx_nobufs++;
		} else if (cqe->res < 0) {
			r->st.rx_errors++;
			r->st.last_errno = -cqe->res;
			r->rx_failed = true;
		}
		return;
	}
	bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
	if (gro(r)) {
		if (bid >= RX_GRO_BUFS)
			return;
		buf = gro_buf(r, bid);
		r->gro_state[bid] = GRO_HELD;
	} else {
		if (bid >= r->arena.nslots || r->arena.state[bid] != SLOT_POSTED)
			return;
		buf = arena_slot(&r->arena, bid);
		r->arena.state[bid] = SLOT_TAKEN;
	}
	if (cqe->res < 0) {
		r->st.rx_errors++;
		r->st.last_errno = -cqe->res;
		buf_done(r, bid);
		return;
	}
	o = io_uring_recvmsg_validate(buf, cqe->res, &r->rx_msg);
	if (!o || (o->flags & MSG_TRUNC) || !o->payloadlen) {
		r->st.rx_truncated += o && (o->flags & MSG_TRUNC);
		r->st.rx_errors += !o;
		buf_done(r, bid);
		return;
	}
	if (gro(r))
		seg = gro_segment(o, &r->rx_msg);
	pending_push(r, bid, (uint32_t)((uint8_t *)io_uring_recvmsg_payload(o, &r->rx_msg) - buf),
		     io_uring_recvmsg_payload_length(o, cqe->res, &r->rx_msg), seg);
}

/* Process the completions that are there; how many. */
static unsigned int rx_reap(struct ksrtp_ring *r)
{
	struct io_uring_cqe *cqe;
	unsigned int head, n = 0;

	io_uring_for_each_cqe(&r->uring, head, cqe) {
		if (cqe->user_data == UD_RECV)
			ksrtp_ring_rx_cqe(r, cqe);
		n++;
	}
	io_uring_cq_advance(&r->uring, n);
	return n;
}

/* ---- recvmmsg ---- */

/* One recvmmsg() into free slots (or GRO buffers) and onto the pending queue. */
static int rx_recvmmsg(struct ksrtp_ring *r, unsigned int want)
{
	uint32_t idx[KSRTP_RING_GSO_MAX], i, k = 0;
	int got;

	if (want > KSRTP_RING_GSO_MAX)
		want = KSRTP_RING_GSO_MAX;
	if (want > r->rx_slots)
		want = r->rx_slots;
	for (i = 0; i < (gro(r) ? RX_GRO_BUFS : want) && k < want; i++) {
		struct msghdr *m = &r->mmsg[k].msg_hdr;
		uint8_t *b;
		size_t size;

		if (gro(r)) {
			if (r->gro_state[i] != GRO_FREE)
				continue;
			idx[k] = i;
			b = gro_buf(r, i);
			size = RX_GRO_BUF_BYTES;
		} else {
			long s = arena_take(&r->arena);

			if (s < 0)
				break;
			idx[k] = (uint32_t)s;
			b = arena_slot(&r->arena, (uint32_t)s);
			size = KSRTP_ARENA_SLOT;
			r->st.rx_posted++;
		}
		r->mmsg_iov[k] = (struct iovec){ .iov_base = b, .iov_len = size };
		memset(m, 0, sizeof(*m));
		m->msg_iov = &r->mmsg_iov[k];
		m->msg_iovlen = 1;
		if (gro(r)) {
			m->msg_control = r->gro_cmsg[k];
			m->msg_controllen = RX_GRO_CMSG;
		}
		k++;
	}
	if (!k)
		return KSRTP_ENOSPACE;
	got = recvmmsg(r->rx_fd, r->mmsg, k, MSG_DONTWAIT, NULL);
	if (got < 0) {
		int err = errno;

		for (i = 0; i < k; i++)
			if (!gro(r))
				buf_done(r, idx[i]);
		if (err == EAGAIN || err == EINTR)
			return 0;
		r->st.rx_errors++;
		r->st.last_errno = err;
		/* ICMP of an earlier send on a connected socket: not this socket's fault. */
		return err == ECONNREFUSED ? 0 : KSRTP_EKERNEL;
	}
	for (i = 0; i < k; i++) {
		struct msghdr *m = &r->mmsg[i].msg_hdr;
		uint16_t seg = 0;

		if (i >= (uint32_t)got) {
			if (!gro(r))
				buf_done(r, idx[i]);
			continue;
		}
		if ((m->msg_flags & MSG_TRUNC) || !r->mmsg[i].msg_len) {
			r->st.rx_truncated += !!(m->msg_flags & MSG_TRUNC);
			if (!gro(r))
				buf_done(r, idx[i]);
			continue;
		}
		if (gro(r)) {
			struct cmsghdr *c;

			for (c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
				int v;

				if (c->cmsg_level != SOL_UDP || c->cmsg_type != UDP_GRO)
					continue;
				memcpy(&v, CMSG_DATA(c), sizeof(v));
				seg = v > 0 && v < 65536 ? (uint16_t)v : 0;
			}
			r->gro_state[idx[i]] = GRO_HELD;
		}
		pending_push(r, idx[i], 0, r->mmsg[i].msg_len, seg);
	}
	return 0;
}

/* ---- handing out ---- */

/* Up to n pending datagrams into v (GRO: a segment each, copied into a slot). */
static unsigned int deliver(struct ksrtp_ring *r, struct ksrtp_pkt *v, unsigned int n)
{
	unsigned int got = 0;

	while (got < n && r->pending_n) {
		struct rx_pending *p = &r->pending[r->pending_head];

		if (!gro(r)) {
			v[got++] = (struct ksrtp_pkt){
				.data = arena_slot(&r->arena, p->buf) + p->off,
				.len = p->len,
				.cap = KSRTP_ARENA_SLOT - p->off,
			};
			r->st.rx_posted--;
			r->st.rx_bytes += p->len;
			pending_pop(r);
		} else {
			uint32_t take = p->seg && p->seg < p->len ? p->seg : p->len;
			long s;

			if (take > KSRTP_ARENA_SLOT) {
				/* A datagram larger than a slot: it cannot be handed out. */
				r->st.rx_truncated++;
				p->len = 0;
			} else {
				s = arena_take(&r->arena);
				if (s < 0)
					break;
				v[got] = (struct ksrtp_pkt){ .data = arena_slot(&r->arena, (uint32_t)s),
							     .len = take,
							     .cap = KSRTP_ARENA_SLOT };
				memcpy(v[got].data, gro_buf(r, p->buf) + p->off, take);
				got++;
				r->st.rx_bytes += take;
				p->off += take;
				p->len -= take;
			}
			if (!p->len) {
				buf_done(r, p->buf);
				pending_pop(r);
			}
		}
	}
	r->st.rx_packets += got;
	return got;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait up to ms (< 0: forever) for a completion or a readable socket. */
static int rx_wait(struct ksrtp_ring *r, int ms)
{
	if (r->rx == KSRTP_RX_MULTISHOT) {
		struct __kernel_timespec ts = { .tv_sec = ms / 1000,
						.tv_nsec = (long long)(ms % 1000) * 1000000 };
		struct io_uring_cqe *cqe;
		int ret;

		if (!ms)
			return io_uring_get_events(&r->uring);
		ret = io_uring_submit_and_wait_timeout(&r->uring, &cqe, 1, ms < 0 ? NULL : &ts,
						       NULL);
		return ret == -ETIME || ret == -EINTR ? 0 : ret;
	} else {
		struct pollfd p = { .fd = r->rx_fd, .events = POLLIN };

		return poll(&p, 1, ms) < 0 && errno != EINTR ? -errno : 0;
	}
}

int ksrtp_ring_recv(ksrtp_ring *r, struct ksrtp_pkt *v, unsigned int n, int timeout_ms)
{
	int64_t deadline = timeout_ms > 0 ? now_ms() + timeout_ms : 0;
	unsigned int got;
	int ret;

	if (!r || (!v && n) || r->rx_fd < 0)
		return KSRTP_EINVAL;
	for (;;) {
		int left;

		/* Slots given back since the last call go to the kernel before it runs dry. */
		if (r->rx == KSRTP_RX_MULTISHOT && !r->uring_broken)
			rx_post(r);
		got = deliver(r, v, n);
		if (got || !n)
			return (int)got;
		if (gro(r) && r->pending_n)
			return KSRTP_ENOSPACE;	/* data waiting, no slot to put it in */
		if (r->rx == KSRTP_RX_MULTISHOT) {
			if (r->uring_broken)
				return KSRTP_EKERNEL;
			rx_reap(r);
			if (r->pending_n)
				continue;
			if (r->rx_failed) {
				r->rx_failed = false;
				return KSRTP_EKERNEL;
			}
			if (!r->rx_armed) {
				if (!rx_have_posted(r))
					return KSRTP_ENOSPACE;
				ret = rx_arm(r);
				if (ret)
					return ret;
			}
		} else {
			ret = rx_recvmmsg(r, n);
			if (ret)
				return ret;
			if (r->pending_n)
				continue;
		}
		left = timeout_ms < 0 ? -1 : timeout_ms == 0 ? 0 : (int)(deadline - now_ms());
		if (timeout_ms > 0 && left <= 0)
			return 0;
		ret = rx_wait(r, left);
		if (ret < 0) {
			r->st.rx_errors++;
			r->st.last_errno = -ret;
			return KSRTP_EKERNEL;
		}
		if (!timeout_ms) {
			/* One look only. */
			if (r->rx == KSRTP_RX_MULTISHOT)
				rx_reap(r);
			else if ((ret = rx_recvmmsg(r, n)))
				return ret;
			return (int)deliver(r, v, n);
		}
	}
}

/* ---- set up ---- */

/* The provided-buffer ring (liburing 2.3 has no io_uring_setup_buf_ring). */
static int rx_buf_ring(struct ksrtp_ring *r)
{
	struct io_uring_buf_reg reg;
	long page = 4096;

	r->br_entries = gro(r) ? RX_GRO_BUFS : r->rx_slots;
	r->br_bytes = ((size_t)r->br_entries * sizeof(struct io_uring_buf) + page - 1) & ~(page - 1);
	r->br = mmap(NULL, r->br_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (r->br == MAP_FAILED) {
		r->br = NULL;
		return KSRTP_ENOMEM;
	}
	io_uring_buf_ring_init(r->br);
	memset(&reg, 0, sizeof(reg));
	reg.ring_addr = (uintptr_t)r->br;
	reg.ring_entries = r->br_entries;
	reg.bgid = BGID;
	if (io_uring_register_buf_ring(&r->uring, &reg, 0)) {
		munmap(r->br, r->br_bytes);
		r->br = NULL;
		return KSRTP_EUNSUPPORTED;
	}
	return 0;
}

int ksrtp_ring_rx_init(struct ksrtp_ring *r)
{
	int ret;

	r->pending_cap = r->rx_slots + RX_GRO_BUFS;
	r->pending = calloc(r->pending_cap, sizeof(*r->pending));
	if (!r->pending)
		return KSRTP_ENOMEM;
	if (gro(r)) {
		r->gro = mmap(NULL, (size_t)RX_GRO_BUFS * RX_GRO_BUF_BYTES, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (r->gro == MAP_FAILED) {
			r->gro = NULL;
			return KSRTP_ENOMEM;
		}
	}
	r->rx_msg.msg_controllen = gro(r) ? RX_GRO_CMSG : 0;
	if (r->rx == KSRTP_RX_RECVMMSG)
		return 0;
	ret = r->uring_ok ? rx_buf_ring(r) : KSRTP_EUNSUPPORTED;
	if (ret == KSRTP_EUNSUPPORTED && r->rx == KSRTP_RX_DEFAULT) {
		r->rx = KSRTP_RX_RECVMMSG;
		return 0;
	}
	if (!ret)
		r->rx = KSRTP_RX_MULTISHOT;
	return ret;
}

void ksrtp_ring_rx_destroy(struct ksrtp_ring *r)
{
	if (r->br)
		munmap(r->br, r->br_bytes);
	if (r->gro)
		munmap(r->gro, (size_t)RX_GRO_BUFS * RX_GRO_BUF_BYTES);
	free(r->pending);
}

int ksrtp_ring_listen(ksrtp_ring *r, int fd)
{
	int type = 0, one = 1;
	socklen_t len = sizeof(type);

	if (!r || r->rx_fd >= 0 || fd < 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) || type != SOCK_DGRAM)
		return KSRTP_EINVAL;
	if (gro(r) && setsockopt(fd, SOL_UDP, UDP_GRO, &one, sizeof(one))) {
		r->st.last_errno = errno;
		return KSRTP_EKERNEL;
	}
	r->rx_fd = fd;
	if (r->rx == KSRTP_RX_MULTISHOT) {
		rx_post(r);
		return rx_arm(r);
	}
	return 0;
}
