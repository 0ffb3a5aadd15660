// SPDX-License-Identifier: MIT
/*
 * ksrtp_protect() on bad input, every profile: a truncated fixed header
 * (every length 0..11), version not 2, a CSRC list or header extension
 * (header or length) running past the end, an unknown SSRC, cap too small
 * (below KSRTP_MAX_TRAILER, and up to len + KSRTP_MAX_TRAILER - 1), lengths
 * near SIZE_MAX. Each must return its error, write nothing anywhere (ksrtp.h:
 * "a failed call leaves the stream state and the packet unchanged") and not
 * read past len (sanitizer build, exact-size buffers).
 *
 * Stream state unchanged is shown by a twin: a second session with the same
 * keys gets only the genuine packets. Had a bad call consumed a sequence
 * number or moved the rollover counter, the victim's next genuine packet
 * would be refused as a repeat or sealed under another index, and the two
 * outputs would differ.
 */
#include "unit.h"

#define SSRC 0x5eed0001u
#define CAP 512

/* The bad variants of the next genuine packet (same SSRC and seq). */
static void battery(ksrtp_session *s, const uint8_t *genuine, size_t glen, uint16_t seq)
{
	uint8_t pkt[CAP];
	size_t len, cap, hlen;
	unsigned int v, cc, w;
	char what[96];

	/* RFC 3550 section 5.1: the fixed header is 12 octets. */
	for (len = 0; len < 12; len++) {
		snprintf(what, sizeof(what), "header truncated to %zu", len);
		unit_expect_fail_protect(s, ksrtp_protect, genuine, len, len + KSRTP_MAX_TRAILER,
					 KSRTP_EMALFORMED, what);
	}
	/* Version 0, 1 and 3. */
	for (v = 0; v < 4; v++) {
		if (v == 2)
			continue;
		memcpy(pkt, genuine, glen);
		pkt[0] = (uint8_t)((pkt[0] & 0x3f) | v << 6);
		snprintf(what, sizeof(what), "version %u", v);
		unit_expect_fail_protect(s, ksrtp_protect, pkt, glen, glen + KSRTP_MAX_TRAILER,
					 KSRTP_EMALFORMED, what);
	}
	/* CSRC count past the end: every short length for every count. */
	for (cc = 1; cc < 16; cc++) {
		len = unit_rtp(pkt, SSRC, seq, cc, -1, 0);
		for (hlen = 12; hlen < len; hlen++) {
			snprintf(what, sizeof(what), "CC %u, %zu bytes", cc, hlen);
			unit_expect_fail_protect(s, ksrtp_protect, pkt, hlen,
						 hlen + KSRTP_MAX_TRAILER, KSRTP_EMALFORMED, what);
		}
	}
	/* Extension header (RFC 3550 section 5.3.1) and extension data past the end. */
	for (cc = 0; cc < 3; cc++) {
		for (w = 0; w < 4; w++) {
			len = unit_rtp(pkt, SSRC, seq, cc, (int)w, 0);
			for (hlen = 12 + 4 * cc; hlen < len; hlen++) {
				snprintf(what, sizeof(what), "CC %u, %u ext words, %zu bytes", cc, w,
					 hlen);
				unit_expect_fail_protect(s, ksrtp_protect, pkt, hlen,
							 hlen + KSRTP_MAX_TRAILER, KSRTP_EMALFORMED,
							 what);
			}
		}
		/* A length field of 0xffff words with the packet otherwise whole. */
		len = unit_rtp(pkt, SSRC, seq, cc, 2, 30);
		pkt[12 + 4 * cc + 2] = 0xff;
		pkt[12 + 4 * cc + 3] = 0xff;
		unit_expect_fail_protect(s, ksrtp_protect, pkt, len, len + KSRTP_MAX_TRAILER,
					 KSRTP_EMALFORMED, "extension length 0xffff");
	}
	/* An SSRC without an outbound stream. */
	memcpy(pkt, genuine, glen);
	pkt[11] ^= 0x01;
	unit_expect_fail_protect(s, ksrtp_protect, pkt, glen, glen + KSRTP_MAX_TRAILER,
				 KSRTP_ENOSTREAM, "unknown SSRC");
	/* cap below len + KSRTP_MAX_TRAILER (ksrtp.h), including below the trailer itself. */
	for (cap = 0; cap < glen + KSRTP_MAX_TRAILER; cap++) {
		snprintf(what, sizeof(what), "cap %zu", cap);
		unit_expect_fail_protect(s, ksrtp_protect, genuine, glen, cap, KSRTP_ENOSPACE, what);
	}
	/* The largest packet the API takes, one byte short of room. */
	{
		static uint8_t big[65535 + KSRTP_MAX_TRAILER];

		memcpy(big, genuine, glen);
		unit_expect_fail_protect(s, ksrtp_protect, big, 65535, 65535 + KSRTP_MAX_TRAILER - 1,
					 KSRTP_ENOSPACE, "len 65535, cap one short");
	}
}

/*
 * Lengths no buffer can have: the library must refuse them from the
 * arguments alone, without touching pkt (a 64-byte buffer here). With cap
 * also near SIZE_MAX, a check written as len + KSRTP_MAX_TRAILER > cap would
 * wrap and pass.
 */
static void huge_lengths(ksrtp_session *s, const uint8_t *genuine, size_t glen)
{
	static const size_t lens[] = { SIZE_MAX, SIZE_MAX - 1, SIZE_MAX - KSRTP_MAX_TRAILER + 1,
				       SIZE_MAX - KSRTP_MAX_TRAILER, SIZE_MAX / 2 + 1,
				       (size_t)UINT32_MAX + 1, UINT32_MAX,
				       UINT32_MAX - KSRTP_MAX_TRAILER + 1, 65536 };
	static const size_t caps[] = { SIZE_MAX, SIZE_MAX - 1, UINT32_MAX, 65535 };
	uint8_t *pkt = unit_exact(genuine, glen);
	size_t i, j, len;
	int err;

	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		for (j = 0; j < ARRAY_SIZE(caps); j++) {
			len = lens[i];
			err = ksrtp_protect(s, pkt, &len, caps[j]);
			/*
			 * Too long to be a packet (EMALFORMED) or too long for
			 * cap (ENOSPACE): either names the problem; success or
			 * anything else does not.
			 */
			if (err != KSRTP_ENOSPACE && err != KSRTP_EMALFORMED) {
				fprintf(stderr, "len %zu cap %zu: %s\n", lens[i], caps[j],
					ksrtp_strerror(err));
				test_failures++;
			}
			CHECK(len == lens[i]);
		}
	}
	CHECK_MEM(pkt, genuine, glen);
	free(pkt);
}

/* Seal the genuine packet in the victim (with cap cap_v) and the twin; compare. */
static void genuine(ksrtp_session *victim, ksrtp_session *twin, const uint8_t *plain, size_t n,
		    size_t cap_v)
{
	size_t room = n + KSRTP_MAX_TRAILER;
	uint8_t *a = malloc(room), *b = malloc(room);
	size_t la = n, lb = n;

	if (!a || !b)
		UNIT_FATAL("out of memory");
	memcpy(a, plain, n);
	memcpy(b, plain, n);
	CHECK_ERR(ksrtp_protect(victim, a, &la, cap_v), 0);
	CHECK_ERR(ksrtp_protect(twin, b, &lb, room), 0);
	CHECK(la == lb && la > n);
	CHECK(la == lb && memcmp(a, b, la) == 0);
	free(a);
	free(b);
}

static void run(const struct test_profile *pr)
{
	struct ksrtp_policy p = unit_policy(pr, KSRTP_OUTBOUND, SSRC);
	ksrtp_session *victim = unit_session_with(&p), *twin = unit_session_with(&p);
	struct ksrtp_stats sv, st;
	uint8_t plain[CAP];
	unsigned int i;
	uint16_t seq;
	size_t n;

	for (i = 0; i < 6; i++) {
		/* Across the sequence wrap, so a lost ROC increment would show too. */
		seq = (uint16_t)(65533 + i);
		unit_case("%s: bad protect before seq %u", pr->name, seq);
		n = unit_rtp(plain, SSRC, seq, i % 3, i & 1 ? (int)i : -1, 20 + 37 * i);
		battery(victim, plain, n, seq);
		huge_lengths(victim, plain, n);
		/*
		 * The genuine packet, once with cap far beyond the buffer: cap is
		 * a promise of room, and the seal writes only what it appends.
		 */
		genuine(victim, twin, plain, n, i == 3 ? SIZE_MAX : n + KSRTP_MAX_TRAILER);
		unit_case_end();
	}
	unit_case("%s: stats after the bad calls", pr->name);
	sv = unit_stats(victim, SSRC, KSRTP_OUTBOUND);
	st = unit_stats(twin, SSRC, KSRTP_OUTBOUND);
	CHECK(sv.packets == 6 && sv.packets == st.packets);
	CHECK(sv.bytes == st.bytes);
	CHECK(sv.replays == 0 && sv.auth_failures == 0);
	unit_case_end();
	ksrtp_session_free(victim);
	ksrtp_session_free(twin);
}

int main(void)
{
	size_t i;

	for (i = 0; i < TEST_NPROFILES; i++)
		run(&test_profiles[i]);
	return test_result();
}
