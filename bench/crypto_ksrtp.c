// SPDX-License-Identifier: MIT
/* ksrtp-bench crypto: libksrtp, a packet at a time and in batches. */
#include <stdlib.h>

#include "crypto_bench.h"

struct ksrtp_bench {
	const struct crypto_group *g;
	unsigned int batch;		/* 0: ksrtp_protect()/ksrtp_unprotect() */
	ksrtp_session *session;
	char name[32];
	struct ksrtp_pkt v[CRYPTO_SLOTS];
};

/* A fresh session and stream: the replay state starts over with the ring. */
static int ksrtp_reset(void *arg)
{
	struct ksrtp_bench *k = arg;
	const struct crypto_group *g = k->g;
	const struct ksrtp_config cfg = { .engine = KSRTP_ENGINE_USER };
	const struct ksrtp_policy policy = {
		.profile = g->prof->id,
		.direction = g->dir == CRYPTO_PROTECT ? KSRTP_OUTBOUND : KSRTP_INBOUND,
		.ssrc = g->ssrc,
		.key = g->master,
		.key_len = g->prof->key_len,
		.salt = g->master + g->prof->key_len,
		.salt_len = g->prof->salt_len,
	};
	int err;

	ksrtp_session_free(k->session);
	k->session = ksrtp_session_new(&cfg, &err);
	if (!k->session || (err = ksrtp_add_stream(k->session, &policy))) {
		fprintf(stderr, "ksrtp-bench: %s: %s\n", k->name, ksrtp_strerror(err));
		return -1;
	}
	return 0;
}

int crypto_ksrtp_single_run(const struct crypto_group *g, ksrtp_session *s, const char *who)
{
	unsigned int i;

	for (i = 0; i < g->packets; i++) {
		uint8_t *slot = crypto_slot(g, i);
		size_t len = g->in_len;
		int err;

		memcpy(slot, crypto_input(g, i), g->in_len);
		if (g->dir == CRYPTO_PROTECT)
			err = ksrtp_protect(s, slot, &len, CRYPTO_SLOT_SIZE);
		else
			err = ksrtp_unprotect(s, slot, &len);
		if (unlikely(err))
			return crypto_packet_failed(who, i, ksrtp_strerror(err));
	}
	return 0;
}

int crypto_ksrtp_batch_run(const struct crypto_group *g, ksrtp_session *s, unsigned int batch,
			   struct ksrtp_pkt *v, const char *who)
{
	unsigned int base, j;

	for (base = 0; base < g->packets; base += batch) {
		unsigned int n = g->packets - base < batch ? g->packets - base : batch;
		int done;

		for (j = 0; j < n; j++) {
			struct ksrtp_pkt *p = &v[j];

			p->data = crypto_slot(g, base + j);
			memcpy(p->data, crypto_input(g, base + j), g->in_len);
			p->len = g->in_len;
			p->cap = CRYPTO_SLOT_SIZE;
		}
		if (g->dir == CRYPTO_PROTECT)
			done = ksrtp_protect_batch(s, v, n);
		else
			done = ksrtp_unprotect_batch(s, v, n);
		if (likely(done == (int)n))
			continue;
		for (j = 0; j < n && !v[j].status; j++)
			;
		return crypto_packet_failed(who, base + j,
					    ksrtp_strerror(done < 0 ? done : v[j].status));
	}
	return 0;
}

static int ksrtp_single_pass(void *arg)
{
	struct ksrtp_bench *k = arg;

	return crypto_ksrtp_single_run(k->g, k->session, k->name);
}

static int ksrtp_batch_pass(void *arg)
{
	struct ksrtp_bench *k = arg;

	return crypto_ksrtp_batch_run(k->g, k->session, k->batch, k->v, k->name);
}

static int ksrtp_verify(void *arg)
{
	struct ksrtp_bench *k = arg;

	return crypto_verify_slots(k->g, k->name);
}

static void ksrtp_destroy(void *arg)
{
	struct ksrtp_bench *k = arg;

	ksrtp_session_free(k->session);
	free(k);
}

int crypto_ksrtp_contender(const struct crypto_group *g, unsigned int batch,
			   struct bench_contender *c)
{
	struct ksrtp_bench *k = calloc(1, sizeof(*k));

	if (!k || batch > CRYPTO_SLOTS) {
		fprintf(stderr, "ksrtp-bench: ksrtp batch %u: cannot set up\n", batch);
		free(k);
		return -1;
	}
	k->g = g;
	k->batch = batch;
	if (batch)
		snprintf(k->name, sizeof(k->name), "ksrtp batch %u", batch);
	else
		snprintf(k->name, sizeof(k->name), "ksrtp single");
	*c = (struct bench_contender){
		.name = k->name,
		.role = BENCH_SUBJECT,
		.ctx = k,
		.reset = ksrtp_reset,
		.pass = batch ? ksrtp_batch_pass : ksrtp_single_pass,
		.verify = ksrtp_verify,
		.destroy = ksrtp_destroy,
	};
	return 0;
}
