// SPDX-License-Identifier: MIT
/*
 * SRTCP on bad input, every profile, with the E flag set and clear
 * (KSRTP_RTCP_UNENCRYPTED, RFC 3711 section 3.4, RFC 7714 section 9.3).
 *
 * ksrtp_protect_rtcp(): truncated header (0..7 octets), version not 2,
 * unknown SSRC, cap too small, lengths near SIZE_MAX. A twin session that
 * sees only the genuine packets must produce identical output, so no bad
 * call consumed an SRTCP index.
 *
 * ksrtp_unprotect_rtcp(): every truncation (so every length below header +
 * index + tag), every single-bit flip (header, body, E flag, index, tag),
 * version, unknown SSRC, an E flag that does not match the policy, wrong
 * keys. Each fails as predicted by expected(), leaves the packet (the
 * ciphertext, for a tag failure) and everything around it untouched, and
 * leaves the stream able to open the genuine packet once.
 */
#include "unit.h"

#define SSRC 0x7c0ffee0u
#define CAP 600
/* SRTCP replay window (lib/internal.h, as libsrtp's SRTCP replay database). */
#define RTCP_WINDOW 128

struct rx_model {
	const struct test_profile *pr;
	bool encrypted;		/* the policy's E flag */
	uint32_t top;		/* indices 1..top accepted, in order; 0: none yet */
};

/*
 * RFC 3711 section 3.4 / RFC 7714 section 9: header (8 octets, RFC 3550
 * section 6.4), body, then E + index and tag in the profile's order. The
 * stream is the first packet's SSRC; a packet too short for index and tag
 * is malformed; an E flag other than the policy's is malformed (ksrtp.h,
 * KSRTP_RTCP_UNENCRYPTED); an index already seen or older than the window
 * is a replay; anything else damaged fails the tag.
 */
static int expected(const struct rx_model *m, const uint8_t *pkt, size_t len)
{
	uint32_t trailer, index;

	if (len < 8 || pkt[0] >> 6 != 2)
		return KSRTP_EMALFORMED;
	if (unit_be32(pkt + 4) != SSRC)
		return KSRTP_ENOSTREAM;
	if (len < 8 + UNIT_SRTCP_INDEX_LEN + m->pr->rtcp_tag_len)
		return KSRTP_EMALFORMED;
	trailer = unit_be32(pkt + unit_srtcp_trailer_off(m->pr, len));
	if (!!(trailer & UNIT_SRTCP_E) != m->encrypted)
		return KSRTP_EMALFORMED;
	index = trailer & ~UNIT_SRTCP_E;
	/* 1..top were all accepted; 0 was never sent but is in the window while top < 128. */
	if (m->top && index <= m->top && (index >= 1 || m->top >= RTCP_WINDOW))
		return KSRTP_EREPLAY;
	return KSRTP_EAUTH;
}

struct tally {
	unsigned int auth, replay;
};

static void bad(ksrtp_session *rx, const struct rx_model *m, const uint8_t *pkt, size_t len,
		struct tally *t, const char *what)
{
	int want = expected(m, pkt, len);

	unit_expect_fail_unprotect(rx, ksrtp_unprotect_rtcp, pkt, len, want, what);
	if (want == KSRTP_EAUTH)
		t->auth += 2;	/* run twice: exact-size and guarded buffer */
	else if (want == KSRTP_EREPLAY)
		t->replay += 2;
}

/* bad() as unit_mutations() calls it. */
struct bad_ctx {
	ksrtp_session *rx;
	const struct rx_model *m;
	struct tally *t;
};

static void bad_cb(void *ctx, const uint8_t *pkt, size_t len, const char *what)
{
	struct bad_ctx *c = ctx;

	bad(c->rx, c->m, pkt, len, c->t, what);
}

static void unprotect_battery(ksrtp_session *rx, const struct rx_model *m, const uint8_t *sealed,
			      size_t slen, struct tally *t)
{
	struct bad_ctx c = { rx, m, t };
	uint8_t pkt[CAP];
	size_t i;
	char what[96];

	unit_mutations(sealed, slen, pkt, bad_cb, &c);
	/* Index rewritten to far ahead, 0, and the largest 31-bit value: the tag covers it. */
	{
		static const uint32_t idx[] = { 0, 1000, 0x7ffffffeu, 0x7fffffffu };
		size_t off = unit_srtcp_trailer_off(m->pr, slen);

		for (i = 0; i < ARRAY_SIZE(idx); i++) {
			memcpy(pkt, sealed, slen);
			unit_put_be32(pkt + off, idx[i] | (m->encrypted ? UNIT_SRTCP_E : 0));
			snprintf(what, sizeof(what), "index rewritten to %#x", idx[i]);
			bad(rx, m, pkt, slen, t, what);
		}
	}
	memcpy(pkt, sealed, slen);
	unit_put_be32(pkt + 4, SSRC ^ 0x80000000u);
	bad(rx, m, pkt, slen, t, "unknown SSRC");
}

static void protect_battery(ksrtp_session *tx, const uint8_t *plain, size_t n)
{
	static const size_t lens[] = { SIZE_MAX, SIZE_MAX - KSRTP_MAX_TRAILER,
				       (size_t)UINT32_MAX + 1, UINT32_MAX, 65536 };
	uint8_t pkt[CAP], *e;
	size_t len, cap, i;
	unsigned int v;
	char what[96];
	int err;

	for (len = 0; len < 8; len++) {
		snprintf(what, sizeof(what), "RTCP header truncated to %zu", len);
		unit_expect_fail_protect(tx, ksrtp_protect_rtcp, plain, len,
					 len + KSRTP_MAX_TRAILER, KSRTP_EMALFORMED, what);
	}
	for (v = 0; v < 4; v += v == 1 ? 2 : 1) {
		memcpy(pkt, plain, n);
		pkt[0] = (uint8_t)((pkt[0] & 0x3f) | v << 6);
		snprintf(what, sizeof(what), "RTCP version %u", v);
		unit_expect_fail_protect(tx, ksrtp_protect_rtcp, pkt, n, n + KSRTP_MAX_TRAILER,
					 KSRTP_EMALFORMED, what);
	}
	memcpy(pkt, plain, n);
	pkt[7] ^= 0x40;
	unit_expect_fail_protect(tx, ksrtp_protect_rtcp, pkt, n, n + KSRTP_MAX_TRAILER,
				 KSRTP_ENOSTREAM, "RTCP unknown SSRC");
	for (cap = 0; cap < n + KSRTP_MAX_TRAILER; cap++) {
		snprintf(what, sizeof(what), "RTCP cap %zu", cap);
		unit_expect_fail_protect(tx, ksrtp_protect_rtcp, plain, n, cap, KSRTP_ENOSPACE,
					 what);
	}
	e = unit_exact(plain, n);
	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		len = lens[i];
		err = ksrtp_protect_rtcp(tx, e, &len, SIZE_MAX);
		if (err != KSRTP_EMALFORMED && err != KSRTP_ENOSPACE) {
			fprintf(stderr, "RTCP len %zu cap SIZE_MAX: %s\n", lens[i],
				ksrtp_strerror(err));
			test_failures++;
		}
		CHECK(len == lens[i]);
		len = lens[i];
		CHECK_ERR(ksrtp_unprotect_rtcp(tx, e, &len), KSRTP_EMALFORMED);
		CHECK(len == lens[i]);
	}
	CHECK_MEM(e, plain, n);
	free(e);
}

/* The E flag of the packet and the policy disagree: EMALFORMED (ksrtp.h), nothing opened. */
static void e_flag_mismatch(const struct test_profile *pr)
{
	uint8_t pkt[CAP];
	unsigned int f;

	for (f = 0; f < 2; f++) {
		struct ksrtp_policy p = unit_policy(pr, KSRTP_OUTBOUND, SSRC);
		ksrtp_session *tx, *rx;
		struct ksrtp_stats st;
		size_t n, slen;

		p.flags = f ? KSRTP_RTCP_UNENCRYPTED : 0;
		tx = unit_session_with(&p);
		p.direction = KSRTP_INBOUND;
		p.flags = f ? 0 : KSRTP_RTCP_UNENCRYPTED;
		rx = unit_session_with(&p);
		n = unit_rtcp(pkt, SSRC, 48, 7);
		slen = unit_seal(tx, ksrtp_protect_rtcp, pkt, n, sizeof(pkt));
		unit_expect_fail_unprotect(rx, ksrtp_unprotect_rtcp, pkt, slen, KSRTP_EMALFORMED,
					   f ? "E=0 packet, E=1 policy" : "E=1 packet, E=0 policy");
		st = unit_stats(rx, SSRC, KSRTP_INBOUND);
		CHECK(st.packets == 0 && st.bytes == 0 && st.replays == 0);
		ksrtp_session_free(tx);
		ksrtp_session_free(rx);
	}
}

static void wrong_keys(const struct test_profile *pr, uint32_t flags, const uint8_t *sealed,
		       size_t slen)
{
	struct ksrtp_policy p = unit_policy(pr, KSRTP_INBOUND, SSRC);
	struct ksrtp_stats st;
	ksrtp_session *rx;
	int k;

	p.flags = flags;
	for (k = 1; k < 3; k++) {
		p.key = k & 1 ? unit_key2 : unit_key;
		p.salt = k & 2 ? unit_salt2 : unit_salt;
		rx = unit_session_with(&p);
		unit_expect_fail_unprotect(rx, ksrtp_unprotect_rtcp, sealed, slen, KSRTP_EAUTH,
					   k == 1 ? "RTCP wrong key" : "RTCP wrong salt");
		st = unit_stats(rx, SSRC, KSRTP_INBOUND);
		CHECK(st.packets == 0 && st.auth_failures == 2);
		ksrtp_session_free(rx);
	}
}

static void run(const struct test_profile *pr, uint32_t flags)
{
	static const size_t sizes[] = { 8, 28, 52, 100, 404 };
	struct ksrtp_policy p = unit_policy(pr, KSRTP_OUTBOUND, SSRC);
	ksrtp_session *tx, *twin, *rx;
	struct rx_model m = { pr, !(flags & KSRTP_RTCP_UNENCRYPTED), 0 };
	struct ksrtp_stats before, after;
	uint8_t plain[CAP], sealed[CAP], twin_sealed[CAP];
	struct tally t;
	size_t i, n, slen, tlen;

	p.flags = flags;
	tx = unit_session_with(&p);
	twin = unit_session_with(&p);
	p.direction = KSRTP_INBOUND;
	rx = unit_session_with(&p);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		unit_case("%s E=%d: bad SRTCP, packet %zu", pr->name, m.encrypted, i + 1);
		n = unit_rtcp(plain, SSRC, sizes[i], (uint32_t)i);
		protect_battery(tx, plain, n);
		memcpy(sealed, plain, n);
		memcpy(twin_sealed, plain, n);
		slen = unit_seal(tx, ksrtp_protect_rtcp, sealed, n, n + KSRTP_MAX_TRAILER);
		tlen = unit_seal(twin, ksrtp_protect_rtcp, twin_sealed, n, sizeof(twin_sealed));
		CHECK(slen == tlen && memcmp(sealed, twin_sealed, slen) == 0);
		/* The index (RFC 3711 section 3.3.2) counts the genuine packets only, from 1. */
		CHECK(unit_be32(sealed + unit_srtcp_trailer_off(pr, slen)) ==
		      (((uint32_t)i + 1) | (m.encrypted ? UNIT_SRTCP_E : 0)));
		if (i == 1)
			wrong_keys(pr, flags, sealed, slen);

		before = unit_stats(rx, SSRC, KSRTP_INBOUND);
		memset(&t, 0, sizeof(t));
		unprotect_battery(rx, &m, sealed, slen, &t);
		after = unit_stats(rx, SSRC, KSRTP_INBOUND);
		CHECK(after.packets == before.packets && after.bytes == before.bytes);
		CHECK(after.auth_failures - before.auth_failures == t.auth);
		CHECK(after.replays - before.replays == t.replay);

		unit_open_ok(rx, ksrtp_unprotect_rtcp, sealed, slen, plain, n,
			     "genuine SRTCP after the bad");
		CHECK_ERR(unit_open(rx, ksrtp_unprotect_rtcp, sealed, slen), KSRTP_EREPLAY);
		m.top++;
		after = unit_stats(rx, SSRC, KSRTP_INBOUND);
		CHECK(after.packets == before.packets + 1);
		unit_case_end();
	}
	unit_case("%s E=%d: protect stats", pr->name, m.encrypted);
	before = unit_stats(tx, SSRC, KSRTP_OUTBOUND);
	after = unit_stats(twin, SSRC, KSRTP_OUTBOUND);
	CHECK(before.packets == after.packets && before.bytes == after.bytes);
	unit_case_end();
	ksrtp_session_free(tx);
	ksrtp_session_free(twin);
	ksrtp_session_free(rx);
}

int main(void)
{
	size_t i;

	for (i = 0; i < TEST_NPROFILES; i++) {
		run(&test_profiles[i], 0);
		run(&test_profiles[i], KSRTP_RTCP_UNENCRYPTED);
		unit_case("%s: E flag against the policy", test_profiles[i].name);
		e_flag_mismatch(&test_profiles[i]);
		unit_case_end();
	}
	return test_result();
}
