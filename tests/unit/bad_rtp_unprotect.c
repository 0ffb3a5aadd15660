// SPDX-License-Identifier: MIT
/*
 * ksrtp_unprotect() on bad input, every profile. Starting from each genuine
 * SRTP packet: every truncation (0..len-1), every single-bit flip, version
 * not 2, CSRC count and header extension running past the end, an unknown
 * SSRC, a receiver with the wrong key or salt, lengths near SIZE_MAX. Each
 * must fail with the error a plain reading of RFC 3550 section 5.1 and
 * RFC 3711 section 3.3 predicts (see expected()), leave the packet as it
 * was (ksrtp.h: "on any failure pkt is left as it was"; for a tag failure
 * that means the ciphertext, even where GCM decrypts in place first), never
 * touch memory past len, and leave the stream as it was: afterwards the
 * genuine packet opens, its replay is refused, and the traffic counters
 * only count it.
 */
#include "unit.h"

#define SSRC 0x0badf00du
#define CAP 512

struct rx_model {
	const struct test_profile *pr;
	uint16_t first_seq, next_seq;	/* seqs [first, next) accepted so far, no wrap */
};

/*
 * What unprotect must say about a damaged copy of the genuine packet with
 * sequence number model->next_seq. Order (srtp.c and RFC 3711 section
 * 3.3.2 agree): header parse, stream lookup, room for the tag, replay check,
 * then the tag. A flipped sequence number may hit an index already seen
 * (EREPLAY) or one that is new (EAUTH): both are rejections that leave the
 * state alone, and *alt names the second acceptable answer.
 */
static int expected(const struct rx_model *m, const uint8_t *pkt, size_t len, int *alt)
{
	size_t hlen;
	uint16_t seq;

	*alt = 1;	/* no alternative */
	if (len < 12 || pkt[0] >> 6 != 2)
		return KSRTP_EMALFORMED;
	hlen = 12 + 4u * (pkt[0] & 0x0f);
	if (pkt[0] & 0x10) {
		if (hlen + 4 > len)
			return KSRTP_EMALFORMED;
		hlen += 4 + 4u * (pkt[hlen + 2] << 8 | pkt[hlen + 3]);
	}
	if (hlen > len)
		return KSRTP_EMALFORMED;
	if (unit_be32(pkt + 8) != SSRC)
		return KSRTP_ENOSTREAM;
	if (len < hlen + m->pr->rtp_tag_len)
		return KSRTP_EMALFORMED;
	seq = (uint16_t)(pkt[2] << 8 | pkt[3]);
	if (seq >= m->first_seq && seq < m->next_seq)
		return KSRTP_EREPLAY;
	if (seq != m->next_seq)
		*alt = KSRTP_EREPLAY;	/* far from the window: estimated as too old */
	return KSRTP_EAUTH;
}

struct tally {
	unsigned int auth, replay, malformed;
};

static void bad(ksrtp_session *rx, const struct rx_model *m, const uint8_t *pkt, size_t len,
		struct tally *t, const char *what)
{
	int alt, want = expected(m, pkt, len, &alt);
	int got = unit_expect_fail_unprotect2(rx, ksrtp_unprotect, pkt, len, want, alt, what);

	if (got == alt)
		want = alt;
	/* unit_expect_fail_unprotect2() runs each packet twice (exact and guarded). */
	if (want == KSRTP_EAUTH)
		t->auth += 2;
	else if (want == KSRTP_EREPLAY)
		t->replay += 2;
	else if (want == KSRTP_EMALFORMED)
		t->malformed += 2;
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

static void battery(ksrtp_session *rx, const struct rx_model *m, const uint8_t *sealed,
		    size_t slen, struct tally *t)
{
	struct bad_ctx c = { rx, m, t };
	uint8_t pkt[CAP];
	size_t i;
	unsigned int v;
	char what[96];

	unit_mutations(sealed, slen, pkt, bad_cb, &c);
	/* CSRC counts whose list runs into or past the tag. */
	for (v = 1; v < 16; v++) {
		if (v == (sealed[0] & 0x0fu))
			continue;
		memcpy(pkt, sealed, slen);
		pkt[0] = (uint8_t)((pkt[0] & 0xf0) | v);
		snprintf(what, sizeof(what), "CC set to %u", v);
		bad(rx, m, pkt, slen, t, what);
	}
	/* X set on a packet without an extension, and extension lengths up to 0xffff. */
	memcpy(pkt, sealed, slen);
	pkt[0] ^= 0x10;
	bad(rx, m, pkt, slen, t, "X bit flipped");
	if (sealed[0] & 0x10) {
		size_t at = 12 + 4u * (sealed[0] & 0x0f) + 2;
		static const uint16_t ext_lens[] = { 0x0100, 0x7fff, 0x8000, 0xffff };

		for (i = 0; i < ARRAY_SIZE(ext_lens); i++) {
			memcpy(pkt, sealed, slen);
			pkt[at] = (uint8_t)(ext_lens[i] >> 8);
			pkt[at + 1] = (uint8_t)ext_lens[i];
			snprintf(what, sizeof(what), "extension length %#x", ext_lens[i]);
			bad(rx, m, pkt, slen, t, what);
		}
	}
	/* An SSRC with no inbound stream. */
	memcpy(pkt, sealed, slen);
	unit_put_be32(pkt + 8, SSRC + 1);
	bad(rx, m, pkt, slen, t, "unknown SSRC");
}

/* Lengths no buffer can have must be refused from the arguments alone. */
static void huge_lengths(ksrtp_session *rx, const uint8_t *sealed, size_t slen)
{
	static const size_t lens[] = { SIZE_MAX, SIZE_MAX - 1, (size_t)UINT32_MAX + 1,
				       UINT32_MAX, 65536 };
	uint8_t *pkt = unit_exact(sealed, slen);
	size_t i, len;
	int err;

	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		len = lens[i];
		err = ksrtp_unprotect(rx, pkt, &len);
		CHECK_ERR(err, KSRTP_EMALFORMED);
		CHECK(len == lens[i]);
	}
	CHECK_MEM(pkt, sealed, slen);
	free(pkt);
}

/* Receivers whose key or salt differ from the sender's: a tag failure, nothing else. */
static void wrong_keys(const struct test_profile *pr, const uint8_t *sealed, size_t slen)
{
	struct ksrtp_policy p = unit_policy(pr, KSRTP_INBOUND, SSRC);
	struct ksrtp_stats st;
	ksrtp_session *rx;
	int k;

	for (k = 0; k < 3; k++) {
		p.key = k & 1 ? unit_key2 : unit_key;
		p.salt = k & 2 ? unit_salt2 : unit_salt;
		if (k == 0) {
			/* The first byte alone differs. */
			static uint8_t key[32];

			memcpy(key, unit_key, sizeof(key));
			key[0] ^= 1;
			p.key = key;
		}
		rx = unit_session_with(&p);
		unit_expect_fail_unprotect(rx, ksrtp_unprotect, sealed, slen, KSRTP_EAUTH,
					   k == 0 ? "key off by one bit" : k == 1 ? "wrong key" :
					   "wrong salt");
		st = unit_stats(rx, SSRC, KSRTP_INBOUND);
		CHECK(st.packets == 0 && st.bytes == 0 && st.auth_failures == 2);
		ksrtp_session_free(rx);
	}
}

static void run(const struct test_profile *pr)
{
	struct ksrtp_policy p = unit_policy(pr, KSRTP_OUTBOUND, SSRC);
	ksrtp_session *tx = unit_session_with(&p), *rx;
	struct rx_model m = { pr, 1000, 1000 };
	struct ksrtp_stats before, after;
	uint8_t plain[CAP], sealed[CAP];
	struct tally t;
	size_t n, slen;
	unsigned int i;

	p.direction = KSRTP_INBOUND;
	rx = unit_session_with(&p);
	/* Shapes: plain, CSRCs, extension, both, empty payload, one big. */
	for (i = 0; i < 6; i++, m.next_seq++) {
		unit_case("%s: bad unprotect before seq %u", pr->name, m.next_seq);
		n = unit_rtp(plain, SSRC, m.next_seq, i & 1 ? 2 + i : 0, i & 2 ? (int)i : -1,
			     i == 4 ? 0 : i == 5 ? 300 : 13 * i + 1);
		memcpy(sealed, plain, n);
		slen = unit_seal(tx, ksrtp_protect, sealed, n, sizeof(sealed));
		if (i == 0)
			wrong_keys(pr, sealed, slen);

		before = unit_stats(rx, SSRC, KSRTP_INBOUND);
		memset(&t, 0, sizeof(t));
		battery(rx, &m, sealed, slen, &t);
		huge_lengths(rx, sealed, slen);
		after = unit_stats(rx, SSRC, KSRTP_INBOUND);
		/* Nothing was opened; every tag failure and replay was counted once. */
		CHECK(after.packets == before.packets && after.bytes == before.bytes);
		CHECK(after.auth_failures - before.auth_failures == t.auth);
		CHECK(after.replays - before.replays == t.replay);
		CHECK(after.malformed - before.malformed <= t.malformed);

		/* The state is as it was: the genuine packet opens, once. */
		unit_open_ok(rx, ksrtp_unprotect, sealed, slen, plain, n, "genuine after the bad");
		CHECK_ERR(unit_open(rx, ksrtp_unprotect, sealed, slen), KSRTP_EREPLAY);
		after = unit_stats(rx, SSRC, KSRTP_INBOUND);
		CHECK(after.packets == before.packets + 1);
		/* bytes counts payload: what follows the header (RFC 3550 section 5.1). */
		CHECK(after.bytes == before.bytes + (n - unit_rtp_hlen(plain)));
		unit_case_end();
	}
	ksrtp_session_free(tx);
	ksrtp_session_free(rx);
}

int main(void)
{
	size_t i;

	for (i = 0; i < TEST_NPROFILES; i++)
		run(&test_profiles[i]);
	return test_result();
}
