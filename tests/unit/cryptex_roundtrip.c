// SPDX-License-Identifier: MIT
/*
 * Cryptex (RFC 9335) round trips, every profile, single calls and batches,
 * across engines: the user engine seals and the engine under test
 * (test_config(): the user engine on the host, the kernel engine in the VM)
 * opens, and the other way round. Debian's libsrtp2 (2.5) predates cryptex,
 * so beyond the RFC 9335 vectors (tests/vectors/rfc9335_cryptex.c) this is
 * self-interop.
 *
 * Packets: 0, 1, 2 or 15 CSRCs; no extension, or a one-byte (0xBEDE) or
 * two-byte (0x100x, with app bits) block of 0, 1 or 5 words; 0, 1 or 160
 * payload bytes. Sealed (section 5.1): the fixed header as it was; 0xC0DE or
 * 0xC2DE with the block's length; CSRCs and extension data encrypted; 4
 * bytes more (an empty 0xC0DE block) for CSRCs without an extension; a
 * packet with neither sealed as plain SRTP. Opened (section 5.2): the
 * plaintext with 0xBEDE or 0x1000 (the app bits do not survive; 0xC2DE has
 * none), and the added empty block kept. A batch seals and opens the same
 * bytes as single calls.
 */
#include "unit.h"

#define SSRC 0x0c0de123u
#define NPKT (4 * 7 * 3)
#define CAP 320

struct plain {
	uint8_t buf[CAP];
	size_t len;
	uint8_t want[CAP];	/* what opening gives back */
	size_t want_len;
	unsigned int cc;
	int words;		/* -1: no extension */
};

/* Packet i of the set, at sequence number seq0 + i. */
static void make(struct plain *p, unsigned int i, uint16_t seq0)
{
	static const unsigned int ccs[] = { 0, 1, 2, 15 };
	static const int words[] = { -1, 0, 1, 5, 0, 1, 5 };
	static const size_t payloads[] = { 0, 1, 160 };
	unsigned int e = i / 3 % 7;
	bool two_byte = e >= 4;
	size_t ext;

	p->cc = ccs[i / 21];
	p->words = words[e];
	p->len = unit_rtp(p->buf, SSRC, (uint16_t)(seq0 + i), p->cc, p->words, payloads[i % 3]);
	ext = 12 + 4 * p->cc;
	memcpy(p->want, p->buf, p->len);
	p->want_len = p->len;
	if (two_byte) {
		p->buf[ext] = 0x10;
		p->buf[ext + 1] = 0x07;	/* app bits 7 */
		p->want[ext] = 0x10;
		p->want[ext + 1] = 0x00;
	}
	if (p->words < 0 && p->cc) {
		/* The empty block the sender adds stays (section 5.2). */
		p->want[0] |= 0x10;
		memmove(p->want + ext + 4, p->want + ext, p->len - ext);
		memcpy(p->want + ext, "\xbe\xde\x00\x00", 4);
		p->want_len += 4;
	}
}

static void check_sealed(const struct test_profile *pr, const struct plain *p,
			 const uint8_t *s, size_t len)
{
	size_t ext = 12 + 4 * p->cc, i;
	bool added = p->words < 0 && p->cc;

	CHECK(len == p->len + pr->rtp_tag_len + (added ? 4 : 0));
	CHECK_MEM(s + 1, p->buf + 1, 11);
	if (!p->cc && p->words < 0) {
		CHECK(s[0] == p->buf[0]);
		return;
	}
	CHECK(s[0] == (p->buf[0] | 0x10));
	CHECK(s[ext] == (p->words >= 0 && p->buf[ext] == 0x10 ? 0xc2 : 0xc0));
	CHECK(s[ext + 1] == 0xde);
	CHECK(s[ext + 2] == 0 && s[ext + 3] == (p->words > 0 ? p->words : 0));
	/* Encrypted: 4 or more bytes all equal to the plaintext would be a 2^-32 event. */
	if (p->cc)
		CHECK(memcmp(s + 12, p->buf + 12, 4 * p->cc) != 0);
	/* No word of the extension data shows through. */
	for (i = 0; p->words > 0 && i + 4 <= 4 * (size_t)p->words; i += 4)
		CHECK(memcmp(s + ext + 4 + i, p->buf + ext + 4 + i, 4) != 0);
}

static ksrtp_session *session(bool under_test, const struct test_profile *pr,
			      enum ksrtp_direction dir)
{
	struct ksrtp_policy pol = unit_policy(pr, dir, SSRC);
	ksrtp_session *s = under_test ? unit_session_tested() : unit_session();

	pol.flags = KSRTP_CRYPTEX;
	if (dir == KSRTP_INBOUND)
		pol.flags |= KSRTP_REQUIRE_CRYPTEX;
	unit_add(s, &pol);
	return s;
}

static struct plain pkts[NPKT];
static uint8_t single[NPKT][CAP], batched[NPKT][CAP];
static size_t single_len[NPKT];

static void round_trip(const struct test_profile *pr, bool tx_under_test)
{
	ksrtp_session *tx1 = session(tx_under_test, pr, KSRTP_OUTBOUND);
	ksrtp_session *tx2 = session(tx_under_test, pr, KSRTP_OUTBOUND);
	ksrtp_session *rx1 = session(!tx_under_test, pr, KSRTP_INBOUND);
	ksrtp_session *rx2 = session(!tx_under_test, pr, KSRTP_INBOUND);
	struct ksrtp_pkt v[NPKT];
	struct ksrtp_stats st;
	unsigned int i;

	unit_case("%s, sealed by the %s engine", pr->name, tx_under_test ? "tested" : "user");
	for (i = 0; i < NPKT; i++) {
		make(&pkts[i], i, 0xfff0);	/* the set crosses a ROC wrap */
		memcpy(single[i], pkts[i].buf, pkts[i].len);
		single_len[i] = unit_seal(tx1, ksrtp_protect, single[i], pkts[i].len, CAP);
		check_sealed(pr, &pkts[i], single[i], single_len[i]);
		memcpy(batched[i], pkts[i].buf, pkts[i].len);
		v[i] = (struct ksrtp_pkt){ batched[i], (uint32_t)pkts[i].len, CAP, 1 };
	}
	CHECK(ksrtp_protect_batch(tx2, v, NPKT) == NPKT);
	for (i = 0; i < NPKT; i++) {
		CHECK_ERR(v[i].status, 0);
		CHECK(v[i].len == single_len[i] && !memcmp(batched[i], single[i], v[i].len));
	}
	/* Singles open the batch's packets, a batch opens the singles'. */
	for (i = 0; i < NPKT; i++)
		unit_open_ok(rx1, ksrtp_unprotect, batched[i], v[i].len, pkts[i].want,
			     pkts[i].want_len, pr->name);
	for (i = 0; i < NPKT; i++)
		v[i] = (struct ksrtp_pkt){ single[i], (uint32_t)single_len[i], CAP, 1 };
	CHECK(ksrtp_unprotect_batch(rx2, v, NPKT) == NPKT);
	for (i = 0; i < NPKT; i++) {
		CHECK_ERR(v[i].status, 0);
		CHECK(v[i].len == pkts[i].want_len && !memcmp(single[i], pkts[i].want, v[i].len));
	}
	st = unit_stats(rx2, SSRC, KSRTP_INBOUND);
	CHECK(st.packets == NPKT && st.no_cryptex == 0 && st.malformed == 0 &&
	      st.auth_failures == 0);
	unit_case_end();
	ksrtp_session_free(tx1);
	ksrtp_session_free(tx2);
	ksrtp_session_free(rx1);
	ksrtp_session_free(rx2);
}

int main(void)
{
	size_t i;

	for (i = 0; i < TEST_NPROFILES; i++) {
		if (!test_engine_has(test_profiles[i].id, false)) {
			test_not_applicable(test_profiles[i].name);
			continue;
		}
		round_trip(&test_profiles[i], true);
		round_trip(&test_profiles[i], false);
	}
	return test_result();
}
