// SPDX-License-Identifier: MIT
/*
 * Invalid arguments: NULL everywhere, policies with a wrong key or salt
 * length, an unknown profile, direction, replay window or flag. Each call
 * returns KSRTP_EINVAL (ksrtp.h, ksrtp_add_stream) and creates nothing: the
 * SSRC has no stream afterwards and the valid policy can still be added.
 * Duplicates are KSRTP_EEXIST and leave the first stream as it was.
 */
#include "unit.h"

#define SSRC 0x11223344u

static void null_session_and_packet(void)
{
	const struct test_profile *pr = &test_profiles[0];
	struct ksrtp_policy p = unit_policy(pr, KSRTP_OUTBOUND, SSRC);
	struct ksrtp_stats st;
	ksrtp_session *s = unit_session();
	uint8_t pkt[128], orig[128];
	size_t len, n;

	unit_case("NULL arguments");
	CHECK_ERR(ksrtp_add_stream(NULL, &p), KSRTP_EINVAL);
	CHECK_ERR(ksrtp_add_stream(s, NULL), KSRTP_EINVAL);
	CHECK_ERR(ksrtp_remove_stream(NULL, SSRC, KSRTP_OUTBOUND), KSRTP_EINVAL);
	CHECK_ERR(ksrtp_stream_stats(NULL, SSRC, KSRTP_OUTBOUND, &st), KSRTP_EINVAL);
	unit_add(s, &p);
	p.direction = KSRTP_INBOUND;
	unit_add(s, &p);
	CHECK_ERR(ksrtp_stream_stats(s, SSRC, KSRTP_OUTBOUND, NULL), KSRTP_EINVAL);

	n = unit_rtp(pkt, SSRC, 1, 0, -1, 40);
	memcpy(orig, pkt, sizeof(pkt));
	len = n;
	CHECK_ERR(ksrtp_protect(NULL, pkt, &len, sizeof(pkt)), KSRTP_EINVAL);
	CHECK_ERR(ksrtp_protect(s, NULL, &len, sizeof(pkt)), KSRTP_EINVAL);
	CHECK_ERR(ksrtp_protect(s, pkt, NULL, sizeof(pkt)), KSRTP_EINVAL);
	CHECK_ERR(ksrtp_unprotect(NULL, pkt, &len), KSRTP_EINVAL);
	CHECK_ERR(ksrtp_unprotect(s, NULL, &len), KSRTP_EINVAL);
	CHECK_ERR(ksrtp_unprotect(s, pkt, NULL), KSRTP_EINVAL);
	CHECK(len == n);
	CHECK_MEM(pkt, orig, sizeof(pkt));
	n = unit_rtcp(pkt, SSRC, 28, 1);
	memcpy(orig, pkt, sizeof(pkt));
	len = n;
	CHECK_ERR(ksrtp_protect_rtcp(NULL, pkt, &len, sizeof(pkt)), KSRTP_EINVAL);
	CHECK_ERR(ksrtp_protect_rtcp(s, NULL, &len, sizeof(pkt)), KSRTP_EINVAL);
	CHECK_ERR(ksrtp_protect_rtcp(s, pkt, NULL, sizeof(pkt)), KSRTP_EINVAL);
	CHECK_ERR(ksrtp_unprotect_rtcp(NULL, pkt, &len), KSRTP_EINVAL);
	CHECK_ERR(ksrtp_unprotect_rtcp(s, NULL, &len), KSRTP_EINVAL);
	CHECK_ERR(ksrtp_unprotect_rtcp(s, pkt, NULL), KSRTP_EINVAL);
	CHECK(len == n);
	CHECK_MEM(pkt, orig, sizeof(pkt));

	/* Batches: the arguments themselves invalid is a negative return (ksrtp.h). */
	CHECK_ERR(ksrtp_protect_batch(NULL, NULL, 0), KSRTP_EINVAL);
	CHECK_ERR(ksrtp_unprotect_batch(NULL, NULL, 0), KSRTP_EINVAL);
	CHECK_ERR(ksrtp_protect_batch(s, NULL, 1), KSRTP_EINVAL);
	CHECK_ERR(ksrtp_unprotect_batch(s, NULL, 1), KSRTP_EINVAL);
	CHECK_ERR(ksrtp_protect_batch(s, NULL, 0), 0);
	CHECK_ERR(ksrtp_unprotect_batch(s, NULL, 0), 0);

	/* Nothing above touched the streams. */
	st = unit_stats(s, SSRC, KSRTP_OUTBOUND);
	CHECK(st.packets == 0 && st.replays == 0 && st.malformed == 0);
	st = unit_stats(s, SSRC, KSRTP_INBOUND);
	CHECK(st.packets == 0 && st.auth_failures == 0 && st.malformed == 0);

	ksrtp_session_free(NULL);	/* as free(NULL) */
	ksrtp_session_free(s);
	unit_case_end();
}

/* Add must fail with EINVAL and leave nothing behind for the policy's SSRC. */
static void expect_rejected(ksrtp_session *s, const struct ksrtp_policy *p, const char *what)
{
	struct ksrtp_stats st;
	int err = ksrtp_add_stream(s, p);

	if (err != KSRTP_EINVAL) {
		fprintf(stderr, "policy with %s: add = %s, want KSRTP_EINVAL\n", what,
			ksrtp_strerror(err));
		test_failures++;
	}
	if (!err && !p->any_ssrc)
		ksrtp_remove_stream(s, p->ssrc, p->direction);
	if (p->direction == KSRTP_OUTBOUND || p->direction == KSRTP_INBOUND)
		CHECK_ERR(ksrtp_stream_stats(s, p->ssrc, p->direction, &st), KSRTP_ENOSTREAM);
}

static void bad_policies(const struct test_profile *pr)
{
	static const uint32_t bad_windows[] = { 1, 2, 32, 63, 32769, 65536, UINT32_MAX };
	static const uint32_t good_windows[] = { 0, 64, 65, 100, 1024, 32767, 32768 };
	static const int bad_profiles[] = { 0, 5, 6, -1, 0x7fffffff };
	static const int bad_dirs[] = { 0, 3, -1 };
	static const uint32_t bad_flags[] = { 1u << 29, 1u << 30, 1u << 31, ~0u };
	ksrtp_session *s = unit_session();
	struct ksrtp_policy good = unit_policy(pr, KSRTP_INBOUND, SSRC), p;
	char what[64];
	size_t i;
	int any;

	unit_case("%s: invalid policies", pr->name);
	for (any = 0; any < 2; any++) {
		good.any_ssrc = any;

		/* Wrong key and salt lengths: the profile's length only (ksrtp.h). */
		for (i = 0; i <= 33; i++) {
			if (i == pr->key_len)
				continue;
			p = good;
			p.key_len = i;
			snprintf(what, sizeof(what), "key_len %zu", i);
			expect_rejected(s, &p, what);
		}
		for (i = 0; i <= 16; i++) {
			if (i == pr->salt_len)
				continue;
			p = good;
			p.salt_len = i;
			snprintf(what, sizeof(what), "salt_len %zu", i);
			expect_rejected(s, &p, what);
		}
		p = good;
		p.key = NULL;
		expect_rejected(s, &p, "NULL key");
		p = good;
		p.salt = NULL;
		expect_rejected(s, &p, "NULL salt");
		for (i = 0; i < ARRAY_SIZE(bad_profiles); i++) {
			p = good;
			p.profile = (enum ksrtp_profile)bad_profiles[i];
			snprintf(what, sizeof(what), "profile %d", bad_profiles[i]);
			expect_rejected(s, &p, what);
		}
		for (i = 0; i < ARRAY_SIZE(bad_dirs); i++) {
			p = good;
			p.direction = (enum ksrtp_direction)bad_dirs[i];
			snprintf(what, sizeof(what), "direction %d", bad_dirs[i]);
			expect_rejected(s, &p, what);
		}
		for (i = 0; i < ARRAY_SIZE(bad_windows); i++) {
			p = good;
			p.replay_window = bad_windows[i];
			snprintf(what, sizeof(what), "replay_window %u", bad_windows[i]);
			expect_rejected(s, &p, what);
		}
		for (i = 0; i < ARRAY_SIZE(bad_flags); i++) {
			p = good;
			p.flags = bad_flags[i];
			snprintf(what, sizeof(what), "flags %#x", bad_flags[i]);
			expect_rejected(s, &p, what);
		}
	}

	/* After all that, the valid policies go in: no half-made stream or template is left. */
	good.any_ssrc = false;
	CHECK_ERR(ksrtp_add_stream(s, &good), 0);
	good.any_ssrc = true;
	CHECK_ERR(ksrtp_add_stream(s, &good), 0);

	/* Every window in 64..32768 (and 0, the default) is accepted. */
	for (i = 0; i < ARRAY_SIZE(good_windows); i++) {
		p = good;
		p.any_ssrc = false;
		p.ssrc = SSRC + 1 + (uint32_t)i;
		p.replay_window = good_windows[i];
		CHECK_ERR(ksrtp_add_stream(s, &p), 0);
	}
	ksrtp_session_free(s);
	unit_case_end();
}

/* Round trip one packet from tx to rx on SSRC; 0 when it opens to the original. */
static int round_trip(ksrtp_session *tx, ksrtp_session *rx, uint32_t ssrc, uint16_t seq)
{
	uint8_t pkt[256], plain[256];
	size_t len = unit_rtp(pkt, ssrc, seq, 0, -1, 50), n = len;
	int err;

	memcpy(plain, pkt, len);
	err = ksrtp_protect(tx, pkt, &len, sizeof(pkt));
	if (!err)
		err = ksrtp_unprotect(rx, pkt, &len);
	if (!err && (len != n || memcmp(pkt, plain, n)))
		err = KSRTP_EMALFORMED;
	return err;
}

static void duplicates(const struct test_profile *pr)
{
	struct ksrtp_policy out = unit_policy(pr, KSRTP_OUTBOUND, SSRC);
	struct ksrtp_policy in = unit_policy(pr, KSRTP_INBOUND, SSRC);
	struct ksrtp_policy other;
	ksrtp_session *tx = unit_session(), *rx = unit_session();
	size_t k;

	unit_case("%s: duplicate streams", pr->name);
	unit_add(tx, &out);
	unit_add(rx, &in);
	CHECK_ERR(round_trip(tx, rx, SSRC, 1), 0);

	/* Same SSRC and direction: EEXIST whatever the rest of the policy says. */
	for (k = 0; k < TEST_NPROFILES; k++) {
		other = unit_policy(&test_profiles[k], KSRTP_OUTBOUND, SSRC);
		other.key = unit_key2;
		other.salt = unit_salt2;
		CHECK_ERR(ksrtp_add_stream(tx, &other), KSRTP_EEXIST);
		other.direction = KSRTP_INBOUND;
		CHECK_ERR(ksrtp_add_stream(rx, &other), KSRTP_EEXIST);
	}
	/* The first streams kept their keys and their replay state. */
	CHECK_ERR(round_trip(tx, rx, SSRC, 2), 0);
	CHECK_ERR(round_trip(tx, rx, SSRC, 2), KSRTP_EREPLAY);

	/* The other direction is another table: the same SSRC is fine there. */
	other = unit_policy(pr, KSRTP_INBOUND, SSRC);
	CHECK_ERR(ksrtp_add_stream(tx, &other), 0);
	other.direction = KSRTP_OUTBOUND;
	CHECK_ERR(ksrtp_add_stream(rx, &other), 0);

	/* One any_ssrc template per direction. */
	other = unit_policy(pr, KSRTP_INBOUND, 0);
	other.any_ssrc = true;
	CHECK_ERR(ksrtp_add_stream(rx, &other), 0);
	CHECK_ERR(ksrtp_add_stream(rx, &other), KSRTP_EEXIST);
	other.direction = KSRTP_OUTBOUND;
	CHECK_ERR(ksrtp_add_stream(rx, &other), 0);
	CHECK_ERR(ksrtp_add_stream(rx, &other), KSRTP_EEXIST);

	/* Remove: once, then ENOSTREAM; then the SSRC can be added again. */
	CHECK_ERR(ksrtp_remove_stream(tx, SSRC, 0), KSRTP_EINVAL);
	CHECK_ERR(ksrtp_remove_stream(tx, SSRC, 3), KSRTP_EINVAL);
	CHECK_ERR(ksrtp_remove_stream(tx, SSRC + 1, KSRTP_OUTBOUND), KSRTP_ENOSTREAM);
	CHECK_ERR(ksrtp_remove_stream(tx, SSRC, KSRTP_OUTBOUND), 0);
	CHECK_ERR(ksrtp_remove_stream(tx, SSRC, KSRTP_OUTBOUND), KSRTP_ENOSTREAM);
	CHECK_ERR(round_trip(tx, rx, SSRC, 3), KSRTP_ENOSTREAM);
	CHECK_ERR(ksrtp_add_stream(tx, &out), 0);
	/* A fresh outbound stream starts over; seq 3 is new to the receiver. */
	CHECK_ERR(round_trip(tx, rx, SSRC, 3), 0);

	ksrtp_session_free(tx);
	ksrtp_session_free(rx);
	unit_case_end();
}

static void stats_args(void)
{
	ksrtp_session *s = unit_session();
	struct ksrtp_stats st;

	unit_case("ksrtp_stream_stats arguments");
	CHECK_ERR(ksrtp_stream_stats(s, SSRC, KSRTP_OUTBOUND, &st), KSRTP_ENOSTREAM);
	CHECK_ERR(ksrtp_stream_stats(s, SSRC, 0, &st), KSRTP_EINVAL);
	CHECK_ERR(ksrtp_stream_stats(s, SSRC, 3, &st), KSRTP_EINVAL);
	ksrtp_session_free(s);
	unit_case_end();
}

int main(void)
{
	size_t i;

	null_session_and_packet();
	stats_args();
	for (i = 0; i < TEST_NPROFILES; i++) {
		bad_policies(&test_profiles[i]);
		duplicates(&test_profiles[i]);
	}
	return test_result();
}
