// SPDX-License-Identifier: MIT
/*
 * any_ssrc templates (ksrtp.h; libsrtp's ssrc_any_inbound), every profile.
 *
 * Inbound: a stream is created for a new SSRC on the first packet that
 * authenticates, never for one that does not (issue 2): forged SRTP and
 * SRTCP, a packet too short for a tag, one sealed under another key and a
 * batch of forgeries leave ksrtp_stream_stats() at KSRTP_ENOSTREAM. Once
 * made, the stream is a normal one: it counts, refuses replays, keeps a
 * window apart from the other SSRCs of the template, and counts its own tag
 * failures. The packet's SSRC, not the template's, goes into the IV (RFC
 * 7714 section 8.1, RFC 3711 section 4.1.1): the senders here are ordinary
 * per-SSRC streams. An explicit stream takes precedence over the template.
 *
 * Outbound: the first packet sealed for a new SSRC makes its stream; one
 * refused before sealing (no room, malformed) makes none.
 */
#include "unit.h"

#define SLOT 200
#define TEMPLATE_SSRC 0xdeadbeefu	/* not a stream of its own */

struct pkt {
	uint8_t wire[SLOT], plain[SLOT];
	size_t len, plain_len;
};

static void seal_rtp(ksrtp_session *tx, struct pkt *p, uint32_t ssrc, uint16_t seq)
{
	p->plain_len = unit_rtp(p->plain, ssrc, seq, 1, 1, 40);
	memcpy(p->wire, p->plain, p->plain_len);
	p->len = unit_seal(tx, ksrtp_protect, p->wire, p->plain_len, SLOT);
}

static void seal_rtcp(ksrtp_session *tx, struct pkt *p, uint32_t ssrc)
{
	p->plain_len = unit_rtcp(p->plain, ssrc, 32, ssrc);
	memcpy(p->wire, p->plain, p->plain_len);
	p->len = unit_seal(tx, ksrtp_protect_rtcp, p->wire, p->plain_len, SLOT);
}

static void no_stream(const ksrtp_session *s, uint32_t ssrc, enum ksrtp_direction dir)
{
	struct ksrtp_stats st;
	int err = ksrtp_stream_stats(s, ssrc, dir, &st);

	if (err != KSRTP_ENOSTREAM) {
		fprintf(stderr, "SSRC %#x direction %d: stats = %s, want KSRTP_ENOSTREAM\n", ssrc,
			dir, ksrtp_strerror(err));
		test_failures++;
	}
}

/* A copy of p with one bit flipped at off from the end. */
static void forge(const struct pkt *p, uint8_t *out, size_t from_end)
{
	memcpy(out, p->wire, p->len);
	out[p->len - from_end] ^= 0x08;
}

static void inbound(const struct test_profile *pr)
{
	const uint32_t a = 0x0000a001u, b = 0x0000b002u, c = 0x0000c003u, d = 0x0000d004u;
	const uint32_t e = 0x0000e005u, x = 0x0000f006u;
	struct ksrtp_policy p = unit_policy(pr, KSRTP_OUTBOUND, a);
	ksrtp_session *tx = unit_session(), *tx2 = unit_session(), *rx = unit_session();
	struct pkt a1, a2, a3, ra, rb, b1, c1, d1, e1, e2, x1, x2, f[3];
	uint8_t buf[SLOT];
	struct ksrtp_pkt v[3];
	struct ksrtp_stats st;
	unsigned int i;

	unit_case("%s: inbound any_ssrc", pr->name);
	/* Senders: a, b, c, e, x under the template's key; d and x under key2. */
	unit_add(tx, &p);
	p.ssrc = b;
	unit_add(tx, &p);
	p.ssrc = c;
	unit_add(tx, &p);
	p.ssrc = e;
	unit_add(tx, &p);
	p.ssrc = x;
	unit_add(tx, &p);
	p.key = unit_key2;
	unit_add(tx2, &p);
	p.ssrc = d;
	unit_add(tx2, &p);
	seal_rtp(tx, &a1, a, 1);
	seal_rtp(tx, &a2, a, 2);
	seal_rtp(tx, &a3, a, 3);
	seal_rtcp(tx, &ra, a);
	seal_rtcp(tx, &rb, b);
	seal_rtp(tx, &b1, b, 1);
	seal_rtp(tx, &c1, c, 1);
	seal_rtp(tx2, &d1, d, 1);
	seal_rtp(tx, &e1, e, 1);
	seal_rtp(tx, &e2, e, 2);
	seal_rtp(tx, &x1, x, 1);
	seal_rtp(tx2, &x2, x, 1);
	for (i = 0; i < 3; i++)
		seal_rtp(tx, &f[i], i == 0 ? b : i == 1 ? c : e, 7);

	/* Receiver: the template, and an explicit stream for x under key2. */
	p = unit_policy(pr, KSRTP_INBOUND, TEMPLATE_SSRC);
	p.any_ssrc = true;
	unit_add(rx, &p);
	CHECK_ERR(ksrtp_add_stream(rx, &p), KSRTP_EEXIST);
	p.any_ssrc = false;
	p.ssrc = x;
	p.key = unit_key2;
	unit_add(rx, &p);
	no_stream(rx, TEMPLATE_SSRC, KSRTP_INBOUND);

	/* Nothing that fails makes a stream. */
	forge(&a1, buf, 1);
	unit_expect_fail_unprotect(rx, ksrtp_unprotect, buf, a1.len, KSRTP_EAUTH,
				   "forged SRTP, new SSRC");
	unit_expect_fail_unprotect(rx, ksrtp_unprotect, a1.wire,
				   unit_rtp_hlen(a1.wire) + pr->rtp_tag_len - 1, KSRTP_EMALFORMED,
				   "too short for the tag, new SSRC");
	forge(&ra, buf, ra.len - 9);	/* in the body */
	unit_expect_fail_unprotect(rx, ksrtp_unprotect_rtcp, buf, ra.len, KSRTP_EAUTH,
				   "forged SRTCP, new SSRC");
	no_stream(rx, a, KSRTP_INBOUND);
	unit_expect_fail_unprotect(rx, ksrtp_unprotect, d1.wire, d1.len, KSRTP_EAUTH,
				   "sealed under another key");
	no_stream(rx, d, KSRTP_INBOUND);
	for (i = 0; i < 3; i++) {
		forge(&f[i], f[i].plain, 2);	/* plain is free scratch now */
		v[i] = (struct ksrtp_pkt){ .data = f[i].plain, .len = (uint32_t)f[i].len };
	}
	CHECK_ERR(ksrtp_unprotect_batch(rx, v, 3), 0);
	for (i = 0; i < 3; i++)
		CHECK_ERR(v[i].status, KSRTP_EAUTH);
	no_stream(rx, b, KSRTP_INBOUND);
	no_stream(rx, c, KSRTP_INBOUND);
	no_stream(rx, e, KSRTP_INBOUND);

	/* The genuine packet from a makes a normal stream. */
	unit_open_ok(rx, ksrtp_unprotect, a1.wire, a1.len, a1.plain, a1.plain_len, "a, seq 1");
	st = unit_stats(rx, a, KSRTP_INBOUND);
	CHECK(st.packets == 1 && st.auth_failures == 0 && st.replays == 0);
	CHECK_ERR(unit_open(rx, ksrtp_unprotect, a1.wire, a1.len), KSRTP_EREPLAY);
	unit_open_ok(rx, ksrtp_unprotect, a2.wire, a2.len, a2.plain, a2.plain_len, "a, seq 2");
	forge(&a3, buf, 1);
	CHECK_ERR(unit_open(rx, ksrtp_unprotect, buf, a3.len), KSRTP_EAUTH);
	unit_open_ok(rx, ksrtp_unprotect_rtcp, ra.wire, ra.len, ra.plain, ra.plain_len, "a, SRTCP");
	st = unit_stats(rx, a, KSRTP_INBOUND);
	CHECK(st.packets == 3 && st.replays == 1 && st.auth_failures == 1);

	/* First contact by SRTCP works as well, and the stream then takes SRTP. */
	unit_open_ok(rx, ksrtp_unprotect_rtcp, rb.wire, rb.len, rb.plain, rb.plain_len,
		     "b, SRTCP first");
	unit_open_ok(rx, ksrtp_unprotect, b1.wire, b1.len, b1.plain, b1.plain_len, "b, seq 1");
	st = unit_stats(rx, b, KSRTP_INBOUND);
	CHECK(st.packets == 2);

	/* Another SSRC, same seq as a's: its own window. */
	unit_open_ok(rx, ksrtp_unprotect, c1.wire, c1.len, c1.plain, c1.plain_len, "c, seq 1");

	/* A new SSRC in a batch twice and once more: one stream, the copy a replay. */
	memcpy(buf, e1.wire, e1.len);
	v[0] = (struct ksrtp_pkt){ .data = e1.wire, .len = (uint32_t)e1.len };
	v[1] = (struct ksrtp_pkt){ .data = buf, .len = (uint32_t)e1.len };
	v[2] = (struct ksrtp_pkt){ .data = e2.wire, .len = (uint32_t)e2.len };
	CHECK_ERR(ksrtp_unprotect_batch(rx, v, 3), 2);
	CHECK_ERR(v[0].status, 0);
	CHECK_ERR(v[1].status, KSRTP_EREPLAY);
	CHECK_ERR(v[2].status, 0);
	CHECK(v[0].len == e1.plain_len && memcmp(e1.wire, e1.plain, e1.plain_len) == 0);
	CHECK(v[1].len == e1.len);
	st = unit_stats(rx, e, KSRTP_INBOUND);
	CHECK(st.packets == 2 && st.replays == 1);

	/* x has its own stream (key2): the template's key does not open it. */
	CHECK_ERR(unit_open(rx, ksrtp_unprotect, x1.wire, x1.len), KSRTP_EAUTH);
	unit_open_ok(rx, ksrtp_unprotect, x2.wire, x2.len, x2.plain, x2.plain_len, "x, key2");
	st = unit_stats(rx, x, KSRTP_INBOUND);
	CHECK(st.packets == 1 && st.auth_failures == 1);

	/* d (another key) never authenticated: still nothing. */
	no_stream(rx, d, KSRTP_INBOUND);
	ksrtp_session_free(tx);
	ksrtp_session_free(tx2);
	ksrtp_session_free(rx);
	unit_case_end();
}

static void outbound(const struct test_profile *pr)
{
	const uint32_t sp = 0x00001111u, sq = 0x00002222u;
	struct ksrtp_policy p = unit_policy(pr, KSRTP_OUTBOUND, TEMPLATE_SSRC);
	ksrtp_session *tx = unit_session(), *rx = unit_session();
	struct ksrtp_stats st;
	struct pkt a, r;
	uint8_t buf[SLOT];
	size_t n;

	unit_case("%s: outbound any_ssrc", pr->name);
	p.any_ssrc = true;
	unit_add(tx, &p);
	CHECK_ERR(ksrtp_add_stream(tx, &p), KSRTP_EEXIST);
	p = unit_policy(pr, KSRTP_INBOUND, sp);
	unit_add(rx, &p);
	p.ssrc = sq;
	unit_add(rx, &p);

	/* Refused before sealing: no stream. */
	n = unit_rtp(buf, sp, 1, 0, -1, 30);
	unit_expect_fail_protect(tx, ksrtp_protect, buf, n, n + KSRTP_MAX_TRAILER - 1,
				 KSRTP_ENOSPACE, "no room, new SSRC");
	buf[0] = 0x40 | (buf[0] & 0x3f);
	unit_expect_fail_protect(tx, ksrtp_protect, buf, n, n + KSRTP_MAX_TRAILER,
				 KSRTP_EMALFORMED, "version 1, new SSRC");
	unit_expect_fail_protect(tx, ksrtp_protect_rtcp, buf, 8, 8 + KSRTP_MAX_TRAILER - 1,
				 KSRTP_ENOSPACE, "SRTCP no room, new SSRC");
	no_stream(tx, sp, KSRTP_OUTBOUND);
	no_stream(tx, TEMPLATE_SSRC, KSRTP_OUTBOUND);

	/* Sealed: the stream exists, a receiver opens it, and it refuses a repeat. */
	seal_rtp(tx, &a, sp, 1);
	st = unit_stats(tx, sp, KSRTP_OUTBOUND);
	CHECK(st.packets == 1);
	unit_open_ok(rx, ksrtp_unprotect, a.wire, a.len, a.plain, a.plain_len, "outbound any_ssrc");
	n = unit_rtp(buf, sp, 1, 1, 1, 40);
	unit_expect_fail_protect(tx, ksrtp_protect, buf, n, n + KSRTP_MAX_TRAILER, KSRTP_EREPLAY,
				 "outbound any_ssrc, repeat");
	/* SRTCP first for sq. */
	seal_rtcp(tx, &r, sq);
	st = unit_stats(tx, sq, KSRTP_OUTBOUND);
	CHECK(st.packets == 1);
	unit_open_ok(rx, ksrtp_unprotect_rtcp, r.wire, r.len, r.plain, r.plain_len,
		     "outbound any_ssrc, SRTCP");
	ksrtp_session_free(tx);
	ksrtp_session_free(rx);
	unit_case_end();
}

int main(void)
{
	size_t i;

	for (i = 0; i < TEST_NPROFILES; i++) {
		inbound(&test_profiles[i]);
		outbound(&test_profiles[i]);
	}
	return test_result();
}
