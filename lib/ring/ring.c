// SPDX-License-Identifier: MIT
/*
 * The ring: one io_uring, one arena, the chosen transports. Set up here;
 * sending is send.c, receiving recv.c.
 */
#define _GNU_SOURCE /* struct mmsghdr, sendmmsg, recvmmsg */
#include <errno.h>
#include <stdlib.h>

#include "ring/ring.h"

#define SQ_ENTRIES_DEFAULT 256
#define SQ_ENTRIES_MAX 4096
#define RX_SLOTS_DEFAULT 256

static bool pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

int ksrtp_ring_reserve(void **v, size_t *cap, size_t n, size_t sz)
{
	void *p;

	if (n <= *cap)
		return 0;
	p = realloc(*v, n * sz);
	if (!p)
		return KSRTP_ENOMEM;
	*v = p;
	*cap = n;
	return 0;
}

/*
 * COOP_TASKRUN: completions are posted when this thread next enters the
 * kernel instead of by an interrupt (5.19); older kernels refuse the flag.
 */
static int uring_init(struct ksrtp_ring *r, uint32_t cq_entries)
{
	struct io_uring_params p;
	int ret;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE | IORING_SETUP_COOP_TASKRUN;
	p.cq_entries = cq_entries;
	ret = io_uring_queue_init_params(r->sq_entries, &r->uring, &p);
	if (ret == -EINVAL) {
		memset(&p, 0, sizeof(p));
		p.flags = IORING_SETUP_CQSIZE;
		p.cq_entries = cq_entries;
		ret = io_uring_queue_init_params(r->sq_entries, &r->uring, &p);
	}
	return ret;
}

ksrtp_ring *ksrtp_ring_new(const struct ksrtp_ring_config *cfg, int *err)
{
	static const struct ksrtp_ring_config defaults;
	struct ksrtp_ring *r;
	uint32_t slots, rx_slots;
	int ret;

	if (!cfg)
		cfg = &defaults;
	slots = cfg->arena_slots ? cfg->arena_slots : KSRTP_ARENA_SLOTS_DEFAULT;
	rx_slots = cfg->rx_slots ? cfg->rx_slots : RX_SLOTS_DEFAULT;
	ret = KSRTP_EINVAL;
	if (cfg->tx > KSRTP_TX_GSO || cfg->rx > KSRTP_RX_MULTISHOT ||
	    (cfg->flags & ~KSRTP_RING_GRO) || slots > KSRTP_ARENA_SLOTS_MAX ||
	    !pow2(rx_slots) || rx_slots >= slots ||
	    (cfg->sq_entries && (!pow2(cfg->sq_entries) || cfg->sq_entries > SQ_ENTRIES_MAX)))
		goto fail;
	ret = KSRTP_ENOMEM;
	r = calloc(1, sizeof(*r));
	if (!r)
		goto fail;
	r->rx_fd = -1;
	r->flags = cfg->flags;
	r->rx_slots = rx_slots;
	r->sq_entries = cfg->sq_entries ? cfg->sq_entries : SQ_ENTRIES_DEFAULT;
	r->tx = cfg->tx ? cfg->tx : KSRTP_TX_URING_GSO;
	r->rx = cfg->rx;
	r->ops = calloc(r->sq_entries, sizeof(*r->ops));
	r->seals = calloc(r->sq_entries, sizeof(*r->seals));
	r->mmsg = calloc(KSRTP_RING_GSO_MAX, sizeof(*r->mmsg));
	r->mmsg_iov = calloc(KSRTP_RING_GSO_MAX, sizeof(*r->mmsg_iov));
	if (!r->ops || !r->seals || !r->mmsg || !r->mmsg_iov)
		goto fail_free;
	ret = ksrtp_arena_init(&r->arena, slots);
	if (ret)
		goto fail_free;
	/* Room for a completion per posted buffer besides the sends. */
	ret = uring_init(r, 2 * (r->sq_entries + rx_slots));
	r->uring_ok = !ret;
	if (!r->uring_ok && (r->tx == KSRTP_TX_URING || r->tx == KSRTP_TX_URING_GSO ||
			     r->rx == KSRTP_RX_MULTISHOT)) {
		ret = ret == -ENOSYS || ret == -EPERM ? KSRTP_EUNSUPPORTED : KSRTP_EKERNEL;
		goto fail_free;
	}
	if (!r->uring_ok && !cfg->tx)
		r->tx = KSRTP_TX_SENDMMSG;
	ret = ksrtp_ring_rx_init(r);
	if (ret)
		goto fail_free;
	return r;

fail_free:
	ksrtp_ring_free(r);
fail:
	if (err)
		*err = ret;
	return NULL;
}

void ksrtp_ring_free(ksrtp_ring *r)
{
	if (!r)
		return;
	/* The ring first: it cancels the armed receive, which uses the buffers. */
	if (r->uring_ok)
		io_uring_queue_exit(&r->uring);
	ksrtp_ring_rx_destroy(r);
	ksrtp_arena_destroy(&r->arena);
	free(r->ops);
	free(r->seals);
	free(r->mmsg);
	free(r->mmsg_iov);
	free(r->fwd_v);
	free(r->fwd_t);
	free(r->fwd_link);
	free(r);
}

ksrtp_arena *ksrtp_ring_arena(ksrtp_ring *r)
{
	return r ? &r->arena : NULL;
}

enum ksrtp_tx_mode ksrtp_ring_tx_mode(const ksrtp_ring *r)
{
	return r->tx;
}

enum ksrtp_rx_mode ksrtp_ring_rx_mode(const ksrtp_ring *r)
{
	return r->rx;
}

const char *ksrtp_tx_mode_name(enum ksrtp_tx_mode m)
{
	static const char *const names[] = {
		[KSRTP_TX_SENDTO] = "sendto",
		[KSRTP_TX_SENDMMSG] = "sendmmsg",
		[KSRTP_TX_URING] = "io_uring",
		[KSRTP_TX_URING_GSO] = "io_uring+gso",
		[KSRTP_TX_GSO] = "sendmsg+gso",
	};

	return (unsigned int)m < sizeof(names) / sizeof(names[0]) ? names[m] : NULL;
}

const char *ksrtp_rx_mode_name(enum ksrtp_rx_mode m)
{
	static const char *const names[] = {
		[KSRTP_RX_RECVMMSG] = "recvmmsg",
		[KSRTP_RX_MULTISHOT] = "multishot",
	};

	return (unsigned int)m < sizeof(names) / sizeof(names[0]) ? names[m] : NULL;
}

void ksrtp_ring_stats(const ksrtp_ring *r, struct ksrtp_ring_stats *st)
{
	*st = r->st;
}
