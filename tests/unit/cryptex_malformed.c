// SPDX-License-Identifier: MIT
/*
 * Cryptex (RFC 9335) against bad input, every profile. Each refused call
 * must leave the packet, its length and the bytes around it as they were
 * (unit_expect_fail_*: an exact-size copy for the sanitizer build, a
 * guarded one for the plain build) and the stream able to take the genuine
 * packet afterwards.
 *
 * Inbound, on a KSRTP_CRYPTEX stream, a genuine cryptex packet (2 CSRCs,
 * a 2-word extension) altered:
 *   - the extension length running past the packet, or into the tag, or a
 *     CSRC count running past it: KSRTP_EMALFORMED;
 *   - one bit flipped in an encrypted CSRC, in the clear extension header
 *     (0xC0DE -> 0xC2DE, the length), in the encrypted extension data, the
 *     payload or the tag; or 0xC0DE made 0xBEDE (then it is opened as plain
 *     SRTP): KSRTP_EAUTH (the extension header is AAD, RFC 9335 section 5.3).
 * A stream without KSRTP_CRYPTEX treats 0xC0DE as any extension (below).
 * Outbound, a cryptex stream refuses a plaintext already 0xC0DE and an
 * extension that is not RFC 8285's (section 5.1); an index refused is not
 * used up.
 * Growing a CSRC-only packet by its empty block stays within
 * KSRTP_MAX_TRAILER: no byte past cap is written.
 *
 * The streams under test are on the engine under test (test_config(); in
 * the VM the kernel engine, GCM profiles), genuine packets come from the
 * user engine. Self-interop only: Debian's libsrtp2 (2.5) predates cryptex.
 */
#include "unit.h"

#define SSRC 0xbadc0de5u
#define CAP 256
#define CC 2
#define EXT (12 + 4 * CC)	/* offset of the extension header */

static ksrtp_session *stream(const struct test_profile *pr, enum ksrtp_direction dir,
			     uint32_t flags)
{
	struct ksrtp_policy p = unit_policy(pr, dir, SSRC);
	ksrtp_session *s = unit_session_tested();

	p.flags = flags;
	unit_add(s, &p);
	return s;
}

/* A genuine cryptex packet at seq (user engine): CC CSRCs, a 2-word extension, 40 bytes. */
static size_t genuine(const struct test_profile *pr, uint8_t *buf, uint16_t seq)
{
	struct ksrtp_policy p = unit_policy(pr, KSRTP_OUTBOUND, SSRC);
	ksrtp_session *tx;
	size_t len = unit_rtp(buf, SSRC, seq, CC, 2, 40);

	p.flags = KSRTP_CRYPTEX;
	tx = unit_session_with(&p);
	len = unit_seal(tx, ksrtp_protect, buf, len, CAP);
	ksrtp_session_free(tx);
	return len;
}

static void inbound(const struct test_profile *pr)
{
	ksrtp_session *rx = stream(pr, KSRTP_INBOUND, KSRTP_CRYPTEX);
	uint8_t pkt[CAP], bad[CAP];
	size_t len = genuine(pr, pkt, 1), i;
	static const struct {
		const char *what;
		size_t off;
		uint8_t bit;
	} flips[] = {
		{ "encrypted CSRC", 12 + 3, 0x01 },
		{ "0xC0DE -> 0xC2DE", EXT, 0x02 },
		{ "0xC0DE -> 0xBEDE", EXT, 0x7e },	/* 0xC0 ^ 0x7E = 0xBE */
		{ "extension length", EXT + 3, 0x01 },	/* 2 -> 3 words */
		{ "encrypted extension data", EXT + 5, 0x80 },
		{ "payload", EXT + 4 + 8 + 20, 0x04 },
	};

	unit_case("%s: inbound", pr->name);
	CHECK(pkt[EXT] == 0xc0 && pkt[EXT + 1] == 0xde);
	for (i = 0; i < ARRAY_SIZE(flips); i++) {
		memcpy(bad, pkt, len);
		bad[flips[i].off] ^= flips[i].bit;
		unit_expect_fail_unprotect(rx, ksrtp_unprotect, bad, len, KSRTP_EAUTH,
					   flips[i].what);
	}
	memcpy(bad, pkt, len);
	bad[len - 1] ^= 0x01;
	unit_expect_fail_unprotect(rx, ksrtp_unprotect, bad, len, KSRTP_EAUTH, "tag");

	/* The extension length in the clear: past the packet, and into the tag. */
	memcpy(bad, pkt, len);
	bad[EXT + 2] = 0x01;
	unit_expect_fail_unprotect(rx, ksrtp_unprotect, bad, len, KSRTP_EMALFORMED,
				   "extension past the packet");
	memcpy(bad, pkt, len);
	bad[EXT + 3] = (uint8_t)((len - EXT - 4 - pr->rtp_tag_len) / 4 + 1);
	unit_expect_fail_unprotect(rx, ksrtp_unprotect, bad, len, KSRTP_EMALFORMED,
				   "extension into the tag");
	/* Cut inside the extension block, and a CSRC count past the end. */
	unit_expect_fail_unprotect(rx, ksrtp_unprotect, pkt, EXT + 6, KSRTP_EMALFORMED,
				   "truncated in the extension");
	memcpy(bad, pkt, len);
	bad[0] |= 0x0f;
	unit_expect_fail_unprotect(rx, ksrtp_unprotect, bad, 12 + 4 * 14, KSRTP_EMALFORMED,
				   "CSRCs past the end");

	/* None of that touched the stream: the genuine packet opens. */
	CHECK_ERR(unit_open(rx, ksrtp_unprotect, pkt, len), 0);
	unit_case_end();
	ksrtp_session_free(rx);
}

/*
 * A stream without KSRTP_CRYPTEX looks at no extension profile (it pays
 * nothing for cryptex): a genuine cryptex packet fails authentication under
 * GCM, its bytes as they came; under AES-CM it authenticates (HMAC-SHA1
 * covers the wire bytes either way) and opens with 0xC0DE and the CSRCs
 * still encrypted. Outbound, a 0xC0DE header is sealed as the caller wrote
 * it, CSRCs in the clear.
 */
static void not_negotiated(const struct test_profile *pr)
{
	ksrtp_session *rx = stream(pr, KSRTP_INBOUND, 0);
	ksrtp_session *tx = stream(pr, KSRTP_OUTBOUND, 0);
	uint8_t pkt[CAP], buf[CAP], ref[CAP];
	size_t len = genuine(pr, pkt, 1), plain_len, l;
	struct ksrtp_stats st;

	unit_case("%s: 0xC0DE on a stream without cryptex", pr->name);
	if (pr->gcm) {
		unit_expect_fail_unprotect(rx, ksrtp_unprotect, pkt, len, KSRTP_EAUTH,
					   "0xC0DE in");
		st = unit_stats(rx, SSRC, KSRTP_INBOUND);
		CHECK(st.auth_failures == 2 && st.malformed == 0 && st.packets == 0);
	} else {
		memcpy(buf, pkt, len);
		l = len;
		CHECK_ERR(ksrtp_unprotect(rx, buf, &l), 0);
		CHECK(l == len - pr->rtp_tag_len && !memcmp(buf, pkt, EXT + 4));
	}
	plain_len = unit_rtp(ref, SSRC, 1, CC, 2, 40);
	ref[EXT] = 0xc0;
	memcpy(buf, ref, plain_len);
	l = unit_seal(tx, ksrtp_protect, buf, plain_len, CAP);
	CHECK(l == plain_len + pr->rtp_tag_len && !memcmp(buf, ref, EXT + 4 + 8));
	unit_case_end();
	ksrtp_session_free(rx);
	ksrtp_session_free(tx);
}

static void outbound(const struct test_profile *pr)
{
	ksrtp_session *tx = stream(pr, KSRTP_OUTBOUND, KSRTP_CRYPTEX);
	uint8_t plain[CAP];
	size_t plain_len, cap, len;
	struct unit_guard g;

	unit_case("%s: outbound", pr->name);
	plain_len = unit_rtp(plain, SSRC, 5, CC, 1, 40);
	plain[EXT] = 0xc0;
	unit_expect_fail_protect(tx, ksrtp_protect, plain, plain_len, CAP, KSRTP_EMALFORMED,
				 "plaintext already 0xC0DE");
	plain[EXT] = 0xab;	/* an RFC 3550 extension of another profile, 0xABDE */
	unit_expect_fail_protect(tx, ksrtp_protect, plain, plain_len, CAP, KSRTP_EMALFORMED,
				 "not RFC 8285");
	plain[EXT] = 0xbe;
	unit_seal(tx, ksrtp_protect, plain, plain_len, CAP);

	/* CSRCs, no extension: 4 + tag bytes more, at most KSRTP_MAX_TRAILER. */
	plain_len = unit_rtp(plain, SSRC, 6, 15, -1, 33);
	cap = plain_len + KSRTP_MAX_TRAILER;
	g = unit_guard_new(cap, plain, plain_len);
	len = plain_len;
	CHECK_ERR(ksrtp_protect(tx, g.data, &len, cap), 0);
	CHECK(len == plain_len + 4 + pr->rtp_tag_len);
	CHECK(unit_guard_intact(&g, len));
	unit_guard_free(&g);
	unit_expect_fail_protect(tx, ksrtp_protect, plain, plain_len, cap - 1, KSRTP_ENOSPACE,
				 "cap one short");
	unit_case_end();
	ksrtp_session_free(tx);
}

int main(void)
{
	size_t i;

	for (i = 0; i < TEST_NPROFILES; i++) {
		if (!test_engine_has(test_profiles[i].id, false)) {
			test_not_applicable(test_profiles[i].name);
			continue;
		}
		inbound(&test_profiles[i]);
		not_negotiated(&test_profiles[i]);
		outbound(&test_profiles[i]);
	}
	return test_result();
}
