// SPDX-License-Identifier: MIT
/* ksrtp-bench crypto: libsrtp2's srtp_protect()/srtp_unprotect(), the reference. */
#include <stdlib.h>

#include "crypto_bench.h"

struct libsrtp_bench {
	const struct crypto_group *g;
	srtp_t session;
	srtp_policy_t policy;
	uint8_t master[KSRTP_MAX_KEY_LEN + CRYPTO_MASTER_SALT_MAX];	/* policy.key */
};

static int libsrtp_reset(void *arg)
{
	struct libsrtp_bench *l = arg;
	srtp_err_status_t err;

	if (l->session)
		srtp_dealloc(l->session);
	l->session = NULL;
	err = srtp_create(&l->session, &l->policy);
	if (err) {
		fprintf(stderr, "ksrtp-bench: libsrtp2: srtp_create: error %d\n", err);
		return -1;
	}
	return 0;
}

int crypto_libsrtp_run(const struct crypto_group *g, srtp_t s, const char *who)
{
	unsigned int i;

	for (i = 0; i < g->packets; i++) {
		uint8_t *slot = crypto_slot(g, i);
		int len = (int)g->in_len;
		srtp_err_status_t err;

		memcpy(slot, crypto_input(g, i), g->in_len);
		if (g->dir == CRYPTO_PROTECT)
			err = srtp_protect(s, slot, &len);
		else
			err = srtp_unprotect(s, slot, &len);
		if (unlikely(err)) {
			char why[32];

			snprintf(why, sizeof(why), "srtp_err_status %d", err);
			return crypto_packet_failed(who, i, why);
		}
	}
	return 0;
}

static int libsrtp_pass(void *arg)
{
	struct libsrtp_bench *l = arg;

	return crypto_libsrtp_run(l->g, l->session, "libsrtp2");
}

static int libsrtp_verify(void *arg)
{
	struct libsrtp_bench *l = arg;

	return crypto_verify_slots(l->g, "libsrtp2");
}

static void libsrtp_destroy(void *arg)
{
	struct libsrtp_bench *l = arg;

	if (l->session)
		srtp_dealloc(l->session);
	ksrtp_wipe(l->master, sizeof(l->master));
	free(l);
}

int crypto_libsrtp_contender(const struct crypto_group *g, struct bench_contender *c)
{
	struct libsrtp_bench *l = calloc(1, sizeof(*l));

	if (!l) {
		fprintf(stderr, "ksrtp-bench: libsrtp2: out of memory\n");
		return -1;
	}
	l->g = g;
	g->prof->srtp_policy(&l->policy.rtp);
	g->prof->srtp_policy(&l->policy.rtcp);
	l->policy.ssrc.type = ssrc_specific;
	l->policy.ssrc.value = g->ssrc;
	memcpy(l->master, g->master, sizeof(l->master));
	l->policy.key = l->master;
	/* libsrtp2's own default replay window (128): what its users get. */
	l->policy.window_size = 0;
	*c = (struct bench_contender){
		.name = "libsrtp2",
		.role = BENCH_REFERENCE,
		.ctx = l,
		.reset = libsrtp_reset,
		.pass = libsrtp_pass,
		.verify = libsrtp_verify,
		.destroy = libsrtp_destroy,
	};
	return 0;
}
