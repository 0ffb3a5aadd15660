// SPDX-License-Identifier: MIT
/*
 * Batches over a session large enough that the batch calls fetch stream
 * state ahead (lib/srtp.c, PREFETCH_MIN_STREAMS): every packet to another of
 * 600 streams, with descriptors that cannot be peeked at mixed in (NULL
 * data, shorter than an RTP header, an unknown SSRC). Each status must be
 * what a single call gives, and sealed bytes identical to a twin session's
 * single calls; then the batch opens them back. Under the sanitizer build
 * this also proves the look-ahead never reads past a packet.
 */
#include "unit.h"

#define STREAMS 600
#define BATCH 64
#define ROUNDS 20

static uint32_t ssrc_of(unsigned int k)
{
	return 0x10000 + k * 7919u;
}

int main(void)
{
	const struct test_profile *pr = &test_profiles[0];
	ksrtp_session *tx = unit_session(), *twin = unit_session(), *rx = unit_session();
	static uint8_t bufs[BATCH][2048], want[BATCH][2048];
	struct ksrtp_pkt v[BATCH];
	unsigned long long rng = 0x5eed0f5eedull;
	uint16_t seq[STREAMS] = { 0 };
	unsigned int k, r, i;

	for (k = 0; k < STREAMS; k++) {
		struct ksrtp_policy p = unit_policy(pr, KSRTP_OUTBOUND, ssrc_of(k));

		unit_add(tx, &p);
		unit_add(twin, &p);
		p.direction = KSRTP_INBOUND;
		unit_add(rx, &p);
	}
	for (r = 0; r < ROUNDS; r++) {
		size_t want_len[BATCH];
		int want_status[BATCH], ok = 0, got;

		for (i = 0; i < BATCH; i++) {
			unsigned int kind = (unsigned int)(test_rand(&rng) % 16);
			unsigned int s = (unsigned int)(test_rand(&rng) % STREAMS);
			size_t len;

			v[i].data = bufs[i];
			v[i].cap = sizeof(bufs[i]);
			if (kind == 0) {		/* nothing to peek at */
				v[i].data = NULL;
				v[i].len = 12;
				want_status[i] = KSRTP_EINVAL;
				continue;
			}
			if (kind == 1) {		/* shorter than the fixed header */
				len = unit_rtp(bufs[i], ssrc_of(s), 1, 0, -1, 0);
				v[i].len = (uint32_t)(test_rand(&rng) % 12);
				want_status[i] = KSRTP_EMALFORMED;
				continue;
			}
			len = unit_rtp(bufs[i], kind == 2 ? 0xdead0000u : ssrc_of(s),
				       kind == 2 ? 1 : seq[s]++, 0, -1,
				       (size_t)(test_rand(&rng) % 1200));
			v[i].len = (uint32_t)len;
			memcpy(want[i], bufs[i], len);
			want_len[i] = len;
			want_status[i] = ksrtp_protect(twin, want[i], &want_len[i], sizeof(want[i]));
			ok += want_status[i] == 0;
		}
		got = ksrtp_protect_batch(tx, v, BATCH);
		CHECK_ERR(got, ok);
		for (i = 0; i < BATCH; i++) {
			CHECK_ERR(v[i].status, want_status[i]);
			if (!want_status[i] && v[i].status == 0) {
				CHECK(v[i].len == want_len[i]);
				CHECK_MEM(bufs[i], want[i], want_len[i]);
			}
		}
		/* Open what sealed, in the same batch shape (bad descriptors kept). */
		for (i = 0; i < BATCH; i++)
			if (want_status[i] == KSRTP_ENOSTREAM)
				v[i].len = (uint32_t)want_len[i] + 16;
		got = ksrtp_unprotect_batch(rx, v, BATCH);
		CHECK_ERR(got, ok);
		for (i = 0; i < BATCH; i++)
			CHECK_ERR(v[i].status, want_status[i]);
	}
	ksrtp_session_free(tx);
	ksrtp_session_free(twin);
	ksrtp_session_free(rx);
	return test_result();
}
