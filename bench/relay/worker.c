// SPDX-License-Identifier: MIT
/*
 * A worker: one thread, one socket, its own sessions. No lock anywhere on the
 * packet path; the main thread talks to a worker only through a request
 * (a new config to move to, a snapshot to take) that the worker picks up
 * between two batches and acknowledges. The main thread frees an old config
 * only once every worker has acknowledged its successor: a worker reads its
 * config without a lock because nobody frees it under it (RCU's grace
 * period, done by hand with a counter).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "relay.h"

/* How long a worker waits for packets before looking at its requests. */
#define POLL_MS 50
/* Draining at exit: at most this long, in case senders never stop. */
#define DRAIN_NS 1000000000ull

/*
 * What a worker needs to move to a config, allocated before it is asked to
 * (relay_worker_prepare): moving cannot then fail half-way for memory and
 * leave the worker on a config the main thread frees.
 */
struct relay_move {
	ksrtp_session **out;
	unsigned int *count, *first;
	struct relay_train *trains;
	bool *taken;		/* [old config's receivers]: kept by a new one */
};

struct relay_worker {
	unsigned int id;
	pthread_t thread;
	bool running;
	struct ksrtp_config session;	/* what every session of this worker is made from */
	struct relay_forward f;
	struct relay_move next;		/* for the pending config */
	/* Requests: written by main, then req bumped; ack = req when done. */
	const struct relay_config *pending;
	bool want_snapshot;
	int result;		/* the first error of the last request, and its line */
	unsigned int failed_line;
	atomic_uint req;
	atomic_uint ack;
	atomic_bool stop;
	struct relay_snapshot snap;
	unsigned int snap_streams, snap_receivers;	/* room in snap's arrays */
	char start_err[256];		/* why the thread could not start its transport */
};

static int add_stream(ksrtp_session *s, const struct relay_keys *k, uint32_t ssrc,
		      enum ksrtp_direction dir)
{
	struct ksrtp_policy p;

	memset(&p, 0, sizeof(p));
	p.profile = k->profile;
	p.direction = dir;
	p.ssrc = ssrc;
	p.key = k->key;
	p.key_len = k->key_len;
	p.salt = k->salt;
	p.salt_len = k->salt_len;
	p.replay_window = k->replay_window;
	return ksrtp_add_stream(s, &p);
}

/*
 * Keep the first error of a move, and the config line whose stream or
 * receiver it hit (0: no line's, opening the inbound session).
 */
static void failed(struct relay_worker *w, int err, unsigned int line)
{
	if (err && !w->result) {
		w->result = err;
		w->failed_line = line;
	}
}

/*
 * The inbound session follows nc: streams gone or rekeyed are removed, new or
 * rekeyed ones added; unchanged ones keep their replay window and ROC.
 */
static void sync_inbound(struct relay_worker *w, const struct relay_config *oc,
			 const struct relay_config *nc)
{
	struct relay_forward *f = &w->f;
	unsigned int i;
	int j;

	for (i = 0; oc && i < oc->nstreams; i++) {
		j = relay_config_stream(nc, oc->streams[i].ssrc);
		if (j < 0 || !relay_keys_equal(&oc->streams[i].keys, &nc->streams[j].keys))
			ksrtp_remove_stream(f->in, oc->streams[i].ssrc, KSRTP_INBOUND);
	}
	for (i = 0; i < nc->nstreams; i++) {
		j = oc ? relay_config_stream(oc, nc->streams[i].ssrc) : -1;
		if (j >= 0 && relay_keys_equal(&oc->streams[j].keys, &nc->streams[i].keys))
			continue;
		failed(w, add_stream(f->in, &nc->streams[i].keys, nc->streams[i].ssrc,
				     KSRTP_INBOUND), nc->streams[i].config_line);
	}
}

/* Old receiver with the same address and keys, not yet taken; or -1. */
static int same_receiver(const struct relay_config *oc, const bool *taken,
			 const struct relay_receiver *r)
{
	unsigned int i;

	for (i = 0; oc && i < oc->nreceivers; i++)
		if (!taken[i] && !memcmp(&oc->receivers[i].addr, &r->addr, sizeof(r->addr)) &&
		    relay_keys_equal(&oc->receivers[i].keys, &r->keys))
			return (int)i;
	return -1;
}

/*
 * One receiver's session for nc: the old one when address and keys are
 * unchanged (its outbound streams keep their state, and with it GCM nonce
 * uniqueness), less the streams it no longer gets, plus the new ones.
 */
static void sync_receiver(struct relay_worker *w, const struct relay_config *oc, int o,
			  const struct relay_config *nc, unsigned int r, ksrtp_session **out)
{
	const struct relay_receiver *rc = &nc->receivers[r];
	unsigned int i;
	int err = 0, j;

	if (o >= 0) {
		*out = w->f.out[o];
		for (i = 0; i < oc->nstreams; i++) {
			uint32_t ssrc = oc->streams[i].ssrc;

			j = relay_config_stream(nc, ssrc);
			if (relay_receiver_wants(&oc->receivers[o], ssrc) &&
			    (j < 0 || !relay_receiver_wants(rc, ssrc)))
				ksrtp_remove_stream(*out, ssrc, KSRTP_OUTBOUND);
		}
	} else {
		*out = ksrtp_session_new(&w->session, &err);
		if (!*out) {
			failed(w, err, rc->config_line);
			return;
		}
	}
	for (i = 0; i < nc->nstreams; i++) {
		uint32_t ssrc = nc->streams[i].ssrc;

		if (!relay_receiver_wants(rc, ssrc) ||
		    ksrtp_stream_engine(*out, ssrc, KSRTP_OUTBOUND) != KSRTP_ENOSTREAM)
			continue;
		failed(w, add_stream(*out, &rc->keys, ssrc, KSRTP_OUTBOUND), rc->config_line);
	}
}

static void move_free(struct relay_move *m)
{
	free(m->out);
	free(m->count);
	free(m->first);
	free(m->trains);
	free(m->taken);
	memset(m, 0, sizeof(*m));
}

int relay_worker_prepare(struct relay_worker *w, const struct relay_config *nc)
{
	const struct relay_config *oc = w->f.cfg;
	size_t nr = nc->nreceivers ? nc->nreceivers : 1;
	struct relay_move *m = &w->next;

	move_free(m);
	m->out = calloc(nr, sizeof(*m->out));
	m->count = calloc(nr, sizeof(*m->count));
	m->first = calloc(nr, sizeof(*m->first));
	m->trains = calloc(nr, sizeof(*m->trains));
	m->taken = calloc(oc && oc->nreceivers ? oc->nreceivers : 1, sizeof(*m->taken));
	if (!m->out || !m->count || !m->first || !m->trains || !m->taken) {
		move_free(m);
		return KSRTP_ENOMEM;
	}
	return 0;
}

void relay_worker_unprepare(struct relay_worker *w)
{
	move_free(&w->next);
}

/*
 * Move the worker's sessions from f->cfg (NULL at start) to nc, in the
 * arrays relay_worker_prepare() allocated. Validation was done on the whole
 * file before; what can still fail here is a session's or a stream's memory
 * or the kernel engine: the first such error is kept (failed()), the worker
 * runs nc without what failed (its packets count as unknown_ssrc or
 * seal_errors).
 */
static void apply(struct relay_worker *w, const struct relay_config *nc)
{
	struct relay_forward *f = &w->f;
	const struct relay_config *oc = f->cfg;
	struct relay_move *m = &w->next, old;
	unsigned int r;
	int err = 0;

	if (!f->in) {
		f->in = ksrtp_session_new(&w->session, &err);
		failed(w, err, 0);	/* the session's, no line's */
	}
	if (f->in)
		sync_inbound(w, oc, nc);
	for (r = 0; r < nc->nreceivers; r++) {
		int o = same_receiver(oc, m->taken, &nc->receivers[r]);

		if (o >= 0)
			m->taken[o] = true;
		sync_receiver(w, oc, o, nc, r, &m->out[r]);
	}
	for (r = 0; oc && r < oc->nreceivers; r++)
		if (!m->taken[r])
			ksrtp_session_free(f->out[r]);
	/* The new arrays in, the old ones (and taken) out, in one move_free(). */
	old = (struct relay_move){ f->out, f->count, f->first, f->trains, m->taken };
	f->out = m->out;
	f->count = m->count;
	f->first = m->first;
	f->trains = m->trains;
	f->cfg = nc;
	memset(m, 0, sizeof(*m));
	move_free(&old);
}

static void *grow_zeroed(void *p, unsigned int *room, unsigned int n, size_t size)
{
	if (n > *room) {
		void *q = reallocarray(p, n, size);

		if (!q)
			return NULL;
		p = q;
		*room = n;
	}
	memset(p, 0, (size_t)n * size);
	return p;
}

/* Add a stream's figures and engine in session s to *fig (nothing if s has no such stream). */
static void stream_figures(ksrtp_session *s, uint32_t ssrc, enum ksrtp_direction dir,
			   struct relay_figures *fig)
{
	struct ksrtp_stats st;
	int engine;

	if (!s || ksrtp_stream_stats(s, ssrc, dir, &st))
		return;
	engine = ksrtp_stream_engine(s, ssrc, dir);
	relay_stats_add(&fig->stats, &st);
	if (fig->engine < 0)
		fig->engine = engine;
}

/* The worker's figures, for the config it runs; counters read by their owner only. */
static void take_snapshot(struct relay_worker *w)
{
	const struct relay_config *cfg = w->f.cfg;
	struct relay_snapshot *s = &w->snap;
	unsigned int i, r;
	void *p;

	w->f.counters.rx_overflow = relay_io_overflow(w->f.io);
	s->counters = w->f.counters;
	p = grow_zeroed(s->streams, &w->snap_streams, cfg->nstreams, sizeof(*s->streams));
	if (p)
		s->streams = p;
	p = grow_zeroed(s->receivers, &w->snap_receivers, cfg->nreceivers,
			sizeof(*s->receivers));
	if (p)
		s->receivers = p;
	s->nstreams = w->snap_streams >= cfg->nstreams ? cfg->nstreams : 0;
	s->nreceivers = w->snap_receivers >= cfg->nreceivers ? cfg->nreceivers : 0;
	memset(&s->inbound, 0, sizeof(s->inbound));
	if (w->f.in)
		ksrtp_session_stats(w->f.in, &s->inbound);
	for (i = 0; i < s->nstreams; i++) {
		s->streams[i].engine = -1;
		stream_figures(w->f.in, cfg->streams[i].ssrc, KSRTP_INBOUND, &s->streams[i]);
	}
	for (r = 0; r < s->nreceivers; r++) {
		s->receivers[r].engine = -1;
		for (i = 0; i < cfg->nstreams; i++)
			stream_figures(w->f.out[r], cfg->streams[i].ssrc, KSRTP_OUTBOUND,
				       &s->receivers[r]);
	}
}

static void handle_requests(struct relay_worker *w)
{
	unsigned int req = atomic_load_explicit(&w->req, memory_order_acquire);

	if (req == atomic_load_explicit(&w->ack, memory_order_relaxed))
		return;
	w->result = 0;
	w->failed_line = 0;
	if (w->pending && w->pending != w->f.cfg)
		apply(w, w->pending);
	if (w->want_snapshot)
		take_snapshot(w);
	atomic_store_explicit(&w->ack, req, memory_order_release);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void *run(void *arg)
{
	struct relay_worker *w = arg;
	uint64_t deadline;
	char name[16];

	/* "relay-wN" in /proc/PID/task/TID/comm: per-worker CPU for ksrtp-bench load. */
	snprintf(name, sizeof(name), "relay-w%u", w->id);
	pthread_setname_np(pthread_self(), name);
	/* The start is request 1: its answer is whether the transport runs. */
	w->result = relay_io_start(w->f.io, w->start_err, sizeof(w->start_err));
	atomic_store_explicit(&w->ack, 1, memory_order_release);
	if (w->result)
		return NULL;

	while (!atomic_load_explicit(&w->stop, memory_order_acquire)) {
		handle_requests(w);
		relay_forward_batch(&w->f, POLL_MS);
	}
	/* SIGTERM: finish what the socket holds, then the final figures. */
	deadline = now_ns() + DRAIN_NS;
	while (relay_forward_batch(&w->f, 0) > 0 && now_ns() < deadline)
		;
	handle_requests(w);
	take_snapshot(w);
	return NULL;
}

struct relay_worker *relay_worker_start(unsigned int id, unsigned int workers,
					const struct relay_config *cfg,
					const union relay_addr *listen,
					const struct ksrtp_config *session, char *err,
					size_t errlen)
{
	struct relay_worker *w = calloc(1, sizeof(*w));
	int e;

	if (!w) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	w->id = id;
	w->session = *session;
	w->f.io = relay_io_open(listen, id, workers, err, errlen);
	if (!w->f.io)
		goto fail;
	/* Built here, then handed over: from now on only the worker touches them. */
	e = relay_worker_prepare(w, cfg);
	if (e) {
		snprintf(err, errlen, "worker %u: %s", id, ksrtp_strerror(e));
		goto fail;
	}
	apply(w, cfg);
	if (w->result) {
		if (w->failed_line)
			snprintf(err, errlen, "line %u (worker %u): %s", w->failed_line, id,
				 ksrtp_strerror(w->result));
		else
			snprintf(err, errlen, "worker %u: opening a session: %s", id,
				 ksrtp_strerror(w->result));
		goto fail;
	}
	atomic_store_explicit(&w->req, 1, memory_order_relaxed);
	if (pthread_create(&w->thread, NULL, run, w)) {
		snprintf(err, errlen, "worker %u: cannot start a thread", id);
		goto fail;
	}
	w->running = true;
	if (relay_worker_wait(w)) {
		snprintf(err, errlen, "worker %u: %s", id, w->start_err);
		goto fail;
	}
	return w;
fail:
	relay_worker_free(w);
	return NULL;
}

unsigned int relay_worker_port(const struct relay_worker *w)
{
	union relay_addr a;

	relay_io_local(w->f.io, &a);
	return relay_addr_port(&a);
}

enum ksrtp_engine relay_worker_engine(const struct relay_worker *w)
{
	return ksrtp_session_engine(w->f.in);
}

const char *relay_worker_io(const struct relay_worker *w, char *buf, size_t len)
{
	return relay_io_name(w->f.io, buf, len);
}

void relay_worker_request(struct relay_worker *w, const struct relay_config *cfg,
			  bool snapshot)
{
	w->pending = cfg;
	w->want_snapshot = snapshot;
	atomic_fetch_add_explicit(&w->req, 1, memory_order_release);
}

int relay_worker_wait(struct relay_worker *w)
{
	const struct timespec tick = { .tv_nsec = 1000000 };
	unsigned int req = atomic_load_explicit(&w->req, memory_order_relaxed);

	while (atomic_load_explicit(&w->ack, memory_order_acquire) != req)
		nanosleep(&tick, NULL);
	return w->result;
}

unsigned int relay_worker_failed_line(const struct relay_worker *w)
{
	return w->failed_line;
}

const struct relay_snapshot *relay_worker_snapshot(const struct relay_worker *w)
{
	return &w->snap;
}

void relay_worker_stop(struct relay_worker *w)
{
	atomic_store_explicit(&w->stop, true, memory_order_release);
}

void relay_worker_join(struct relay_worker *w)
{
	if (w->running)
		pthread_join(w->thread, NULL);
	w->running = false;
}

void relay_worker_free(struct relay_worker *w)
{
	unsigned int r;

	if (!w)
		return;
	relay_worker_stop(w);
	relay_worker_join(w);
	for (r = 0; w->f.cfg && r < w->f.cfg->nreceivers; r++)
		ksrtp_session_free(w->f.out[r]);
	ksrtp_session_free(w->f.in);
	relay_io_close(w->f.io);
	move_free(&(struct relay_move){ w->f.out, w->f.count, w->f.first, w->f.trains, NULL });
	move_free(&w->next);
	free(w->snap.streams);
	free(w->snap.receivers);
	free(w);
}
