// SPDX-License-Identifier: MIT
/*
 * What an SFU calls: an outbound stream (frame -> packetize into slots ->
 * one protect_batch -> one train), the inbound side (recv -> one
 * unprotect_batch -> assembler -> frames, with a flush timer for gaps that
 * will not fill), and forwarding (one opened packet or a frame's worth,
 * sealed for N peers, N trains in one send).
 *
 * Where the session is on the kernel engine (engine_kernel.h, the linked
 * path) packets are made straight in the module's arena and sealed on the
 * way out, in the send's own io_uring submission.
 */
#include <stdlib.h>
#include <time.h>

#include "engine_kernel.h"
#include "ring/ring.h"

#define INBOUND_BATCH 64
#define INBOUND_MAX_BATCHES 16	/* a poll returns to its caller after this many */

/* ---- outbound ---- */

struct ksrtp_outbound {
	struct ksrtp_ring *r;
	ksrtp_session *s;
	struct ksrtp_packetizer pz;
	struct ksrtp_dest dest;
	struct sockaddr_storage addr;	/* dest.addr points here */
	struct ksrtp_pkt *v;
	size_t v_cap;
};

ksrtp_outbound *ksrtp_outbound_new(ksrtp_ring *r, ksrtp_session *s,
				   const struct ksrtp_packetizer_config *pz,
				   const struct ksrtp_dest *to, int *err)
{
	struct ksrtp_outbound *o;
	int ret = KSRTP_EINVAL;

	if (!r || !s || !pz || !to || to->fd < 0 || (to->addr_len && !to->addr) ||
	    to->addr_len > sizeof(o->addr))
		goto fail;
	ret = KSRTP_ENOMEM;
	o = calloc(1, sizeof(*o));
	if (!o)
		goto fail;
	ret = ksrtp_packetizer_init(&o->pz, pz);
	if (ret) {
		free(o);
		goto fail;
	}
	o->r = r;
	o->s = s;
	o->dest = *to;
	if (to->addr_len) {
		memcpy(&o->addr, to->addr, to->addr_len);
		o->dest.addr = (struct sockaddr *)&o->addr;
	}
	return o;
fail:
	if (err)
		*err = ret;
	return NULL;
}

void ksrtp_outbound_free(ksrtp_outbound *o)
{
	if (!o)
		return;
	free(o->v);
	free(o);
}

const struct ksrtp_packetizer *ksrtp_outbound_packetizer(const ksrtp_outbound *o)
{
	return &o->pz;
}

/*
 * The linked path: packetize into k's link slots (descriptors idx..), each
 * GSO send sealed by the URING_CMD linked in front of it.
 */
static int send_frame_linked(struct ksrtp_outbound *o, const struct ksrtp_frame *f,
			     struct ksrtp_kernel *k, uint32_t idx, unsigned int n)
{
	struct ring_link link = { .k = k, .idx = idx };
	struct ksrtp_train t;
	int np, i, sent;

	np = ksrtp_packetize(&o->pz, f, o->v, n);
	for (i = 0; i < np; i++) {
		int len = ksrtp_kernel_link_desc(k, idx + (uint32_t)i, &o->v[i]);

		if (len < 0) {
			np = len;
			break;
		}
		o->v[i].len = (uint32_t)len;
	}
	if (np < 0) {
		ksrtp_kernel_link_put(k, n);
		return np;
	}
	t = (struct ksrtp_train){ .dest = &o->dest, .v = o->v, .n = (unsigned int)np };
	sent = ksrtp_ring_send_linked(o->r, &t, &link, 1);
	ksrtp_kernel_link_put(k, n);
	/* A batch that failed to seal was not sent (its send cancelled): say why. */
	for (i = 0; i < np; i++)
		if (o->v[i].status)
			return o->v[i].status;
	return sent;
}

int ksrtp_send_frame_ex(ksrtp_outbound *o, const struct ksrtp_frame *f)
{
	struct ksrtp_kernel *k;
	struct ksrtp_train t;
	int n, np, sealed, i;

	if (!o || !f)
		return KSRTP_EINVAL;
	n = ksrtp_packetize_count(&o->pz, f);
	if (n < 0)
		return n;
	if (ksrtp_ring_reserve((void **)&o->v, &o->v_cap, (size_t)n, sizeof(*o->v)))
		return KSRTP_ENOMEM;
	k = ksrtp_ring_link_engine(o->r, o->s, o->pz.ssrc);
	if (k) {
		int idx = ksrtp_kernel_link_take(k, o->v, (unsigned int)n);

		if (idx >= 0)
			return send_frame_linked(o, f, k, (uint32_t)idx, (unsigned int)n);
	}
	np = ksrtp_arena_get(&o->r->arena, o->v, (unsigned int)n);
	if (np < 0)
		return np;
	np = ksrtp_packetize(&o->pz, f, o->v, (unsigned int)n);
	if (np < 0) {
		ksrtp_arena_put(&o->r->arena, o->v, (unsigned int)n);
		return np;
	}
	sealed = ksrtp_protect_batch(o->s, o->v, (unsigned int)np);
	if (sealed != np) {
		int status = sealed < 0 ? sealed : KSRTP_EINVAL;

		for (i = 0; i < np && sealed >= 0; i++)
			if (o->v[i].status) {
				status = o->v[i].status;
				break;
			}
		ksrtp_arena_put(&o->r->arena, o->v, (unsigned int)n);
		return status;
	}
	/* The packetizer may use fewer slots than counted; the spare go back. */
	ksrtp_arena_put(&o->r->arena, o->v + np, (unsigned int)(n - np));
	t = (struct ksrtp_train){ .dest = &o->dest, .v = o->v, .n = (unsigned int)np };
	return ksrtp_ring_send(o->r, &t, 1);
}

int ksrtp_send_frame(ksrtp_outbound *o, const uint8_t *data, size_t len, uint32_t rtp_ts,
		     bool keyframe)
{
	struct ksrtp_frame f = {
		.data = data,
		.len = (uint32_t)len,
		.rtp_ts = rtp_ts,
		.flags = keyframe ? KSRTP_FRAME_KEY : 0,
	};

	if (!data || !len || len > UINT32_MAX)
		return KSRTP_EINVAL;
	return ksrtp_send_frame_ex(o, &f);
}

/* ---- inbound ---- */

struct ksrtp_inbound {
	struct ksrtp_ring *r;
	struct ksrtp_inbound_config cfg;
	ksrtp_assembler *a;
	uint8_t *frame;
	size_t frame_cap;
	int64_t last_rx_ms;	/* when the last packet came */
	bool flushed;		/* since it came */
	unsigned int batch;	/* packets a receive: at most half the assembler's window */
	struct ksrtp_inbound_stats st;
	struct ksrtp_pkt v[INBOUND_BATCH];
};

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

ksrtp_inbound *ksrtp_inbound_new(ksrtp_ring *r, const struct ksrtp_inbound_config *cfg, int *err)
{
	struct ksrtp_inbound *in;
	int ret = KSRTP_EINVAL;

	if (!r || !cfg || !cfg->session)
		goto fail;
	ret = KSRTP_ENOMEM;
	in = calloc(1, sizeof(*in));
	if (!in)
		goto fail;
	in->a = ksrtp_assembler_new(&cfg->assembler, &ret);
	if (!in->a) {
		free(in);
		goto fail;
	}
	in->frame_cap = ksrtp_assembler_max_frame(in->a);
	in->frame = malloc(in->frame_cap);
	if (!in->frame) {
		ksrtp_inbound_free(in);
		ret = KSRTP_ENOMEM;
		goto fail;
	}
	in->r = r;
	in->cfg = *cfg;
	/* Frames are popped after every batch: a batch must not push any out of the window. */
	in->batch = (cfg->assembler.window ? cfg->assembler.window : KSRTP_ASM_WINDOW_DEFAULT) / 2;
	if (in->batch > INBOUND_BATCH)
		in->batch = INBOUND_BATCH;
	if (!in->cfg.flush_ms)
		in->cfg.flush_ms = KSRTP_INBOUND_FLUSH_MS_DEFAULT;
	in->last_rx_ms = mono_ms();
	in->flushed = true;
	return in;
fail:
	if (err)
		*err = ret;
	return NULL;
}

void ksrtp_inbound_free(ksrtp_inbound *in)
{
	if (!in)
		return;
	ksrtp_assembler_free(in->a);
	free(in->frame);
	free(in);
}

/* Open a received batch and push what authenticated; the slots go back. */
static void inbound_take(struct ksrtp_inbound *in, unsigned int n)
{
	unsigned int i;

	/* Statuses say it all, a batch refused whole included (ksrtp.h). */
	ksrtp_unprotect_batch(in->cfg.session, in->v, n);
	for (i = 0; i < n; i++) {
		switch (in->v[i].status) {
		case 0:
			in->st.opened++;
			break;
		case KSRTP_EAUTH:
			in->st.auth_failures++;
			break;
		case KSRTP_EREPLAY:
			in->st.replays++;
			break;
		default:
			in->st.other_errors++;
		}
	}
	in->st.packets += n;
	ksrtp_assembler_push_batch(in->a, in->v, n);
	ksrtp_arena_put(&in->r->arena, in->v, n);
}

/* Hand every complete frame to on_frame; how many. */
static int inbound_deliver(struct ksrtp_inbound *in)
{
	struct ksrtp_frame_info fi;
	int frames = 0;

	while (ksrtp_assembler_pop(in->a, &fi, in->frame, in->frame_cap) == 1) {
		in->cfg.on_frame(in->cfg.arg, &fi, in->frame);
		frames++;
	}
	return frames;
}

int ksrtp_inbound_poll(ksrtp_inbound *in, int timeout_ms)
{
	unsigned int batches = 0;
	int64_t now, flush_at;
	int n, frames = 0;

	if (!in)
		return KSRTP_EINVAL;
	/* Wake for the flush deadline if it comes first. */
	now = mono_ms();
	flush_at = in->last_rx_ms + in->cfg.flush_ms;
	if (!in->flushed && (timeout_ms < 0 || now + timeout_ms > flush_at))
		timeout_ms = flush_at > now ? (int)(flush_at - now) : 0;
	n = ksrtp_ring_recv(in->r, in->v, in->batch, timeout_ms);
	if (n < 0)
		return n;
	if (n) {
		in->last_rx_ms = mono_ms();
		in->flushed = false;
	} else if (!in->flushed && mono_ms() >= in->last_rx_ms + in->cfg.flush_ms) {
		ksrtp_assembler_flush(in->a);
		in->st.flushes++;
		in->flushed = true;
	}
	if (!in->cfg.on_frame) {
		/* One batch: the caller pops before the next. */
		if (n)
			inbound_take(in, (unsigned int)n);
		return 0;
	}
	/* Then whatever else is there already, without waiting, frames out after each batch. */
	for (;;) {
		if (n > 0)
			inbound_take(in, (unsigned int)n);
		frames += inbound_deliver(in);
		if (n <= 0 || ++batches == INBOUND_MAX_BATCHES)
			break;
		n = ksrtp_ring_recv(in->r, in->v, in->batch, 0);
	}
	return frames;
}

int ksrtp_inbound_pop(ksrtp_inbound *in, struct ksrtp_frame_info *fi, uint8_t *buf, size_t cap)
{
	if (!in)
		return KSRTP_EINVAL;
	return ksrtp_assembler_pop(in->a, fi, buf, cap);
}

void ksrtp_inbound_stats(const ksrtp_inbound *in, struct ksrtp_inbound_stats *st)
{
	*st = in->st;
	ksrtp_assembler_stats(in->a, &st->assembler);
}

/* ---- forwarding ---- */

/* The SSRC every packet of in[0..n) has, or false when they differ. */
static bool one_ssrc(const struct ksrtp_pkt *in, unsigned int n, uint32_t *ssrc)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (in[i].len < 12 || ksrtp_load_be32(in[i].data + 8) != ksrtp_load_be32(in[0].data + 8))
			return false;
	*ssrc = ksrtp_load_be32(in[0].data + 8);
	return true;
}

/*
 * Which peers take the linked path (their copies go straight into link
 * slots of their session's kernel engine): r->fwd_link[j]. Returns how
 * many do not, whose copies need ring slots.
 */
static unsigned int forward_links(struct ksrtp_ring *r, const struct ksrtp_pkt *in, unsigned int n,
				  const struct ksrtp_forward_target *t, unsigned int nt)
{
	unsigned int j, unlinked = 0;
	uint32_t ssrc;
	bool same = one_ssrc(in, n, &ssrc);

	for (j = 0; j < nt; j++) {
		struct ksrtp_kernel *k = same ? ksrtp_ring_link_engine(r, t[j].session, ssrc) : NULL;
		int idx = k ? ksrtp_kernel_link_take(k, r->fwd_v + (size_t)j * n, n) : -1;

		r->fwd_link[j] = (struct ring_link){ .k = idx >= 0 ? k : NULL,
						     .idx = idx >= 0 ? (uint32_t)idx : 0 };
		unlinked += idx < 0;
	}
	return unlinked;
}

static void forward_links_put(struct ksrtp_ring *r, unsigned int n, unsigned int nt)
{
	unsigned int j;

	for (j = 0; j < nt; j++)
		if (r->fwd_link[j].k)
			ksrtp_kernel_link_put(r->fwd_link[j].k, n);
}

int ksrtp_forward(ksrtp_ring *r, const struct ksrtp_pkt *in, unsigned int n,
		  const struct ksrtp_forward_target *t, unsigned int nt)
{
	size_t total = (size_t)n * nt;
	unsigned int i, j, unlinked;
	int sent;

	if (!r || (!in && n) || (!t && nt))
		return KSRTP_EINVAL;
	for (i = 0; i < n; i++)
		if (!in[i].data || !in[i].len || in[i].len > KSRTP_ARENA_SLOT - KSRTP_MAX_TRAILER)
			return KSRTP_EINVAL;
	for (j = 0; j < nt; j++)
		if (!t[j].session || (t[j].dest.addr_len && !t[j].dest.addr))
			return KSRTP_EINVAL;
	if (!total)
		return 0;
	if (ksrtp_ring_reserve((void **)&r->fwd_v, &r->fwd_v_cap, total, sizeof(*r->fwd_v)) ||
	    ksrtp_ring_reserve((void **)&r->fwd_t, &r->fwd_t_cap, nt, sizeof(*r->fwd_t)) ||
	    ksrtp_ring_reserve((void **)&r->fwd_link, &r->fwd_link_cap, nt, sizeof(*r->fwd_link)))
		return KSRTP_ENOMEM;
	unlinked = forward_links(r, in, n, t, nt);
	if ((size_t)unlinked * n > r->arena.nfree) {
		forward_links_put(r, n, nt);
		return KSRTP_ENOSPACE;
	}
	for (j = 0; j < nt; j++) {
		struct ksrtp_pkt *v = r->fwd_v + (size_t)j * n;
		struct ksrtp_kernel *k = r->fwd_link[j].k;
		unsigned int kept = 0;

		if (!k)
			ksrtp_arena_get(&r->arena, v, n);
		for (i = 0; i < n; i++) {
			memcpy(v[i].data, in[i].data, in[i].len);
			v[i].len = in[i].len;
		}
		if (!k)
			ksrtp_protect_batch(t[j].session, v, n);
		/* Copies that cannot seal are not sent; ring slots go back now. */
		for (i = 0; i < n; i++) {
			if (k) {
				int len = ksrtp_kernel_link_desc(k, r->fwd_link[j].idx + kept, &v[i]);

				v[i].status = len < 0 ? len : 0;
				if (len >= 0)
					v[i].len = (uint32_t)len;
			}
			if (v[i].status) {
				r->st.tx_errors++;
				if (!k)
					ksrtp_arena_put(&r->arena, &v[i], 1);
			} else {
				v[kept++] = v[i];
			}
		}
		r->fwd_t[j] = (struct ksrtp_train){ .dest = &t[j].dest, .v = v, .n = kept };
	}
	sent = ksrtp_ring_send_linked(r, r->fwd_t, r->fwd_link, nt);
	forward_links_put(r, n, nt);
	return sent;
}
