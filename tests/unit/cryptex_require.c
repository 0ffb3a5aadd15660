// SPDX-License-Identifier: MIT
/*
 * KSRTP_REQUIRE_CRYPTEX (RFC 9335 section 5.2: a receiver that considers
 * cryptex mandatory stops processing a packet that is not in cryptex form).
 * For every profile, single calls and batches:
 *
 * - A genuine packet with CSRCs, or with a 0xBEDE or 0x100x extension,
 *   sealed by a sender without cryptex is refused with KSRTP_ENOCRYPTEX, the
 *   packet and its length untouched, counted in no_cryptex and nothing
 *   else; the replay window did not move (the same index, sealed with
 *   cryptex, opens afterwards).
 * - A packet with neither CSRCs nor an extension is accepted: a cryptex
 *   sender sends it unchanged (section 5.1).
 * - Without the REQUIRE flag, the same non-cryptex packets open normally.
 * - The policy: REQUIRE without KSRTP_CRYPTEX, or on an outbound stream, is
 *   KSRTP_EINVAL.
 *
 * The receiver is on the engine under test (test_config(); in the VM the
 * kernel engine, GCM profiles), the sender on the user engine. Self-interop
 * only: Debian's libsrtp2 (2.5) predates cryptex.
 */
#include "unit.h"

#define SSRC 0x5ec0de01u
#define CAP 256

static size_t seal(const struct test_profile *pr, uint32_t flags, uint8_t *buf, uint16_t seq,
		   unsigned int cc, int ext_words, bool two_byte)
{
	struct ksrtp_policy p = unit_policy(pr, KSRTP_OUTBOUND, SSRC);
	ksrtp_session *tx;
	size_t len = unit_rtp(buf, SSRC, seq, cc, ext_words, 40);

	if (two_byte)
		buf[12 + 4 * cc] = 0x10, buf[13 + 4 * cc] = 0x00;
	/* ROC 0 and a fresh stream: the index is seq, whatever came before. */
	p.flags = flags;
	tx = unit_session_with(&p);
	len = unit_seal(tx, ksrtp_protect, buf, len, CAP);
	ksrtp_session_free(tx);
	return len;
}

static ksrtp_session *receiver(const struct test_profile *pr, uint32_t flags)
{
	struct ksrtp_policy p = unit_policy(pr, KSRTP_INBOUND, SSRC);
	ksrtp_session *rx = unit_session_tested();

	p.flags = flags;
	unit_add(rx, &p);
	return rx;
}

static void refused(const struct test_profile *pr, unsigned int cc, int ext_words, bool two_byte)
{
	ksrtp_session *rx = receiver(pr, KSRTP_CRYPTEX | KSRTP_REQUIRE_CRYPTEX);
	uint8_t plain[CAP], pkt[CAP], ok[CAP];
	struct ksrtp_stats before, after;
	struct ksrtp_pkt v[2];
	size_t len, ok_len;

	unit_case("%s: cc %u, extension words %d%s, not cryptex", pr->name, cc, ext_words,
		  two_byte ? " (two-byte)" : "");
	len = seal(pr, 0, pkt, 100, cc, ext_words, two_byte);
	before = unit_stats(rx, SSRC, KSRTP_INBOUND);
	/* Two calls (exact-size copy and guarded copy), both refused, nothing changed. */
	unit_expect_fail_unprotect(rx, ksrtp_unprotect, pkt, len, KSRTP_ENOCRYPTEX,
				   "require cryptex");
	after = unit_stats(rx, SSRC, KSRTP_INBOUND);
	CHECK(after.no_cryptex == before.no_cryptex + 2);
	CHECK(after.packets == before.packets && after.bytes == before.bytes &&
	      after.auth_failures == before.auth_failures && after.replays == before.replays &&
	      after.malformed == before.malformed);

	/* The batch path: the refused packet next to a cryptex one of another index. */
	ok_len = seal(pr, KSRTP_CRYPTEX, ok, 101, cc, ext_words, two_byte);
	memcpy(plain, pkt, len);
	v[0] = (struct ksrtp_pkt){ pkt, (uint32_t)len, CAP, 1 };
	v[1] = (struct ksrtp_pkt){ ok, (uint32_t)ok_len, CAP, 1 };
	CHECK(ksrtp_unprotect_batch(rx, v, 2) == 1);
	CHECK_ERR(v[0].status, KSRTP_ENOCRYPTEX);
	CHECK_ERR(v[1].status, 0);
	CHECK(v[0].len == len && !memcmp(pkt, plain, len));
	after = unit_stats(rx, SSRC, KSRTP_INBOUND);
	CHECK(after.no_cryptex == before.no_cryptex + 3 && after.packets == before.packets + 1);

	/* Index 100 was never committed: sealed with cryptex it opens now. */
	len = seal(pr, KSRTP_CRYPTEX, pkt, 100, cc, ext_words, two_byte);
	CHECK_ERR(unit_open(rx, ksrtp_unprotect, pkt, len), 0);
	unit_case_end();
	ksrtp_session_free(rx);

	/* Without REQUIRE the plain packet opens (section 5.2: handled as its profile says). */
	unit_case("%s: cc %u, extension words %d, cryptex not required", pr->name, cc, ext_words);
	rx = receiver(pr, KSRTP_CRYPTEX);
	len = seal(pr, 0, pkt, 100, cc, ext_words, two_byte);
	CHECK_ERR(unit_open(rx, ksrtp_unprotect, pkt, len), 0);
	unit_case_end();
	ksrtp_session_free(rx);
}

static void nothing_to_hide(const struct test_profile *pr)
{
	ksrtp_session *rx = receiver(pr, KSRTP_CRYPTEX | KSRTP_REQUIRE_CRYPTEX);
	uint8_t pkt[CAP], plain[CAP];
	size_t len, plain_len;

	unit_case("%s: no CSRCs, no extension, cryptex required", pr->name);
	plain_len = unit_rtp(plain, SSRC, 7, 0, -1, 40);
	/* With or without cryptex the sender puts out the same bytes. */
	len = seal(pr, 0, pkt, 7, 0, -1, false);
	unit_open_ok(rx, ksrtp_unprotect, pkt, len, plain, plain_len, "plain");
	len = seal(pr, KSRTP_CRYPTEX, pkt, 8, 0, -1, false);
	CHECK_ERR(unit_open(rx, ksrtp_unprotect, pkt, len), 0);
	CHECK(unit_stats(rx, SSRC, KSRTP_INBOUND).no_cryptex == 0);
	unit_case_end();
	ksrtp_session_free(rx);
}

static void policy(const struct test_profile *pr)
{
	ksrtp_session *s = unit_session_tested();
	struct ksrtp_policy p = unit_policy(pr, KSRTP_INBOUND, SSRC);

	unit_case("%s: policy checks", pr->name);
	p.flags = KSRTP_REQUIRE_CRYPTEX;
	CHECK_ERR(ksrtp_add_stream(s, &p), KSRTP_EINVAL);
	p.direction = KSRTP_OUTBOUND;
	p.flags = KSRTP_CRYPTEX | KSRTP_REQUIRE_CRYPTEX;
	CHECK_ERR(ksrtp_add_stream(s, &p), KSRTP_EINVAL);
	p.flags = KSRTP_CRYPTEX;
	CHECK_ERR(ksrtp_add_stream(s, &p), 0);
	p.direction = KSRTP_INBOUND;
	p.flags = KSRTP_CRYPTEX | KSRTP_REQUIRE_CRYPTEX;
	CHECK_ERR(ksrtp_add_stream(s, &p), 0);
	unit_case_end();
	ksrtp_session_free(s);
}

int main(void)
{
	size_t i;

	for (i = 0; i < TEST_NPROFILES; i++) {
		const struct test_profile *pr = &test_profiles[i];

		if (!test_engine_has(pr->id, false)) {
			test_not_applicable(pr->name);
			continue;
		}
		policy(pr);
		refused(pr, 2, -1, false);	/* CSRCs only */
		refused(pr, 0, 1, false);	/* 0xBEDE */
		refused(pr, 0, 2, true);	/* 0x1000 */
		refused(pr, 3, 0, false);	/* CSRCs and an empty block */
		nothing_to_hide(pr);
	}
	return test_result();
}
