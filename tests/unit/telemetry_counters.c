// SPDX-License-Identifier: MIT
/*
 * Attack telemetry (ksrtp.h struct ksrtp_session_stats, ksrtp_stats):
 * every counter moves by exactly what was injected, and by nothing else,
 * for every profile the engine under test carries (test_config(); the VM
 * runs it on the kernel engine, where the stream's counters come from the
 * module's SA_STATS and the session's from the library). Injected, each a
 * different number of times so that a swap shows: forged tags, replays,
 * each malformed reason (RTP too short, bad version, CSRC and extension
 * overruns, no room for the tag, oversize; RTCP too short, bad version,
 * no room for index and tag, E flag not the policy's; bad padding with
 * KSRTP_STRIP_PADDING), packets for SSRCs without a stream (RTP and RTCP),
 * cryptex refusals (KSRTP_REQUIRE_CRYPTEX; both engines carry cryptex
 * streams). Those that do not parse far enough for their SSRC, and the
 * unknown SSRCs, count in the session only. On the kernel engine a packet refused
 * for its padding was opened by the module first, and counts as opened too.
 */
#include "unit.h"

#define SSRC 0x7e1e0001u
#define OTHER_SSRC 0x7e1e0002u
#define BUF 2048

static ksrtp_session *session(void)
{
	struct ksrtp_config cfg = test_config();
	int err = 1;
	ksrtp_session *s = ksrtp_session_new(&cfg, &err);

	if (!s)
		UNIT_FATAL("ksrtp_session_new: %s", ksrtp_strerror(err));
	return s;
}

static ksrtp_session *session_with(const struct test_profile *pr, enum ksrtp_direction dir,
				   uint32_t ssrc, uint32_t flags)
{
	ksrtp_session *s = session();
	struct ksrtp_policy p = unit_policy(pr, dir, ssrc);

	p.flags = flags;
	unit_add(s, &p);
	return s;
}

/* Feed pkt[0..len) (a copy) to rx n times; each must fail with want. */
static void inject(ksrtp_session *rx, unit_unprotect_fn fn, const uint8_t *pkt, size_t len,
		   unsigned int n, int want, const char *what)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		uint8_t *e = unit_exact(pkt, len);
		size_t l = len;
		int err = fn(rx, e, &l);

		if (err != want) {
			fprintf(stderr, "%s: %s, want %s\n", what, ksrtp_strerror(err),
				ksrtp_strerror(want));
			test_failures++;
		}
		free(e);
	}
}

struct want {
	uint64_t auth, replays, unknown;
	uint64_t by[KSRTP_MALFORMED_SLOTS];	/* session */
	uint64_t stream_by[KSRTP_MALFORMED_SLOTS];
};

static uint64_t sum(const uint64_t *v)
{
	uint64_t s = 0;
	unsigned int i;

	for (i = 0; i < KSRTP_MALFORMED_SLOTS; i++)
		s += v[i];
	return s;
}

static void check_counters(ksrtp_session *rx, const struct want *w, uint64_t packets)
{
	struct ksrtp_session_stats ss;
	struct ksrtp_stats st = unit_stats(rx, SSRC, KSRTP_INBOUND);
	unsigned int i;

	CHECK_ERR(ksrtp_session_stats(rx, &ss), 0);
	CHECK(ss.auth_failures == w->auth);
	CHECK(ss.replays == w->replays);
	CHECK(ss.unknown_ssrc == w->unknown);
	CHECK(ss.no_cryptex == 0);
	CHECK(ss.malformed == sum(w->by));
	CHECK(st.packets == packets);
	CHECK(st.auth_failures == w->auth);
	CHECK(st.replays == w->replays);
	CHECK(st.malformed == sum(w->stream_by));
	for (i = 0; i < KSRTP_MALFORMED_SLOTS; i++) {
		if (ss.malformed_by[i] != w->by[i] || st.malformed_by[i] != w->stream_by[i]) {
			fprintf(stderr, "malformed reason %u: session %llu stream %llu, want %llu %llu\n",
				i, (unsigned long long)ss.malformed_by[i],
				(unsigned long long)st.malformed_by[i],
				(unsigned long long)w->by[i], (unsigned long long)w->stream_by[i]);
			test_failures++;
		}
	}
	CHECK_ERR(ksrtp_session_stats(NULL, &ss), KSRTP_EINVAL);
	CHECK_ERR(ksrtp_session_stats(rx, NULL), KSRTP_EINVAL);
}

static void run(const struct test_profile *pr)
{
	ksrtp_session *tx = session_with(pr, KSRTP_OUTBOUND, SSRC, 0);
	ksrtp_session *tx_auth_only = session_with(pr, KSRTP_OUTBOUND, SSRC, KSRTP_RTCP_UNENCRYPTED);
	ksrtp_session *tx_other = session_with(pr, KSRTP_OUTBOUND, OTHER_SSRC, 0);
	ksrtp_session *rx = session_with(pr, KSRTP_INBOUND, SSRC, KSRTP_STRIP_PADDING);
	static uint8_t huge[65536];
	uint8_t good[8][BUF], pkt[BUF];
	size_t good_len[8], len;
	struct want w;
	uint64_t packets = 0;
	unsigned int i;
	uint16_t seq = 1;

	memset(&w, 0, sizeof(w));
	unit_case("%s: nothing yet", pr->name);
	check_counters(rx, &w, 0);
	unit_case_end();

	unit_case("%s: genuine packets, forged tags, replays", pr->name);
	for (i = 0; i < 8; i++) {
		len = unit_rtp(good[i], SSRC, seq++, 0, -1, 40);
		good_len[i] = unit_seal(tx, ksrtp_protect, good[i], len, BUF);
		unit_open_ok(rx, ksrtp_unprotect, good[i], good_len[i], NULL, len, "genuine");
		packets++;
	}
	len = unit_rtp(pkt, SSRC, seq++, 0, -1, 40);
	len = unit_seal(tx, ksrtp_protect, pkt, len, BUF);
	pkt[len - 1] ^= 0x01;
	inject(rx, ksrtp_unprotect, pkt, len, 7, KSRTP_EAUTH, "forged tag");
	w.auth = 7;
	for (i = 0; i < 5; i++)
		inject(rx, ksrtp_unprotect, good[i], good_len[i], 1, KSRTP_EREPLAY, "replay");
	w.replays = 5;
	check_counters(rx, &w, packets);
	unit_case_end();

	unit_case("%s: malformed RTP", pr->name);
	len = unit_rtp(pkt, SSRC, seq, 0, -1, 40);
	inject(rx, ksrtp_unprotect, pkt, 11, 1, KSRTP_EMALFORMED, "11 octets");
	w.by[KSRTP_MALFORMED_TOO_SHORT] = 1;
	pkt[0] = 0x40;
	inject(rx, ksrtp_unprotect, pkt, len, 2, KSRTP_EMALFORMED, "version 1");
	w.by[KSRTP_MALFORMED_VERSION] = 2;
	pkt[0] = 0x8f;	/* 15 CSRCs: 72 octets of header in a 52-octet packet */
	inject(rx, ksrtp_unprotect, pkt, len, 3, KSRTP_EMALFORMED, "CSRC overrun");
	w.by[KSRTP_MALFORMED_CSRC] = 3;
	len = unit_rtp(pkt, SSRC, seq, 0, 1, 20);
	pkt[14] = 0x40;	/* extension length: 16384 words */
	inject(rx, ksrtp_unprotect, pkt, len, 4, KSRTP_EMALFORMED, "extension overrun");
	w.by[KSRTP_MALFORMED_EXTENSION] = 4;
	len = unit_rtp(pkt, SSRC, seq, 0, -1, 0) + pr->rtp_tag_len - 1;
	inject(rx, ksrtp_unprotect, pkt, len, 5, KSRTP_EMALFORMED, "no room for the tag");
	w.by[KSRTP_MALFORMED_NO_TAG] = w.stream_by[KSRTP_MALFORMED_NO_TAG] = 5;
	unit_rtp(huge, SSRC, seq, 0, -1, 100);
	inject(rx, ksrtp_unprotect, huge, sizeof(huge), 6, KSRTP_EMALFORMED, "65536 octets");
	w.by[KSRTP_MALFORMED_OVERSIZE] = 6;
	/* Authenticated, padding count 0: after authentication only. */
	for (i = 0; i < 7; i++) {
		len = unit_rtp(pkt, SSRC, seq++, 0, -1, 30);
		pkt[0] |= 0x20;
		pkt[len - 1] = 0;
		len = unit_seal(tx, ksrtp_protect, pkt, len, BUF);
		inject(rx, ksrtp_unprotect, pkt, len, 1, KSRTP_EMALFORMED, "padding count 0");
	}
	w.by[KSRTP_MALFORMED_PADDING] = w.stream_by[KSRTP_MALFORMED_PADDING] = 7;
	/* The module opens (and counts) a packet before the library reads its padding. */
	if (ksrtp_stream_engine(rx, SSRC, KSRTP_INBOUND) == KSRTP_ENGINE_KERNEL)
		packets += 7;
	check_counters(rx, &w, packets);
	unit_case_end();

	unit_case("%s: malformed RTCP", pr->name);
	len = unit_rtcp(pkt, SSRC, 28, 1);
	inject(rx, ksrtp_unprotect_rtcp, pkt, 7, 2, KSRTP_EMALFORMED, "RTCP 7 octets");
	w.by[KSRTP_MALFORMED_TOO_SHORT] += 2;
	pkt[0] = 0x40;
	inject(rx, ksrtp_unprotect_rtcp, pkt, len, 1, KSRTP_EMALFORMED, "RTCP version 1");
	w.by[KSRTP_MALFORMED_VERSION] += 1;
	pkt[0] = 0x80;
	inject(rx, ksrtp_unprotect_rtcp, pkt, 8 + 4 + pr->rtcp_tag_len - 1, 3, KSRTP_EMALFORMED,
	       "SRTCP without room for index and tag");
	w.by[KSRTP_MALFORMED_RTCP_SHORT] = w.stream_by[KSRTP_MALFORMED_RTCP_SHORT] = 3;
	len = unit_seal(tx_auth_only, ksrtp_protect_rtcp, pkt, len, BUF);
	inject(rx, ksrtp_unprotect_rtcp, pkt, len, 4, KSRTP_EMALFORMED, "SRTCP E flag 0");
	w.by[KSRTP_MALFORMED_RTCP_E_FLAG] = w.stream_by[KSRTP_MALFORMED_RTCP_E_FLAG] = 4;
	check_counters(rx, &w, packets);
	unit_case_end();

	unit_case("%s: unknown SSRCs", pr->name);
	len = unit_rtp(pkt, OTHER_SSRC, 1, 0, -1, 40);
	len = unit_seal(tx_other, ksrtp_protect, pkt, len, BUF);
	inject(rx, ksrtp_unprotect, pkt, len, 3, KSRTP_ENOSTREAM, "RTP, unknown SSRC");
	len = unit_rtcp(pkt, OTHER_SSRC, 28, 2);
	len = unit_seal(tx_other, ksrtp_protect_rtcp, pkt, len, BUF);
	inject(rx, ksrtp_unprotect_rtcp, pkt, len, 2, KSRTP_ENOSTREAM, "RTCP, unknown SSRC");
	w.unknown = 5;
	/* Outbound refusals are the caller's own doing: not telemetry. */
	len = unit_rtp(pkt, OTHER_SSRC, 1, 0, -1, 40);
	CHECK_ERR(ksrtp_protect(rx, pkt, &len, BUF), KSRTP_ENOSTREAM);
	check_counters(rx, &w, packets);
	unit_case_end();

	ksrtp_session_free(tx);
	ksrtp_session_free(tx_auth_only);
	ksrtp_session_free(tx_other);
	ksrtp_session_free(rx);
}

/*
 * Cryptex refusals: KSRTP_REQUIRE_CRYPTEX refusing CSRCs in the clear counts
 * no_cryptex in stream and session. (A stream without KSRTP_CRYPTEX looks at
 * no extension profile, so a 0xC0DE header is nothing to count there.)
 */
static void cryptex_counters(const struct test_profile *pr)
{
	ksrtp_session *tx = session_with(pr, KSRTP_OUTBOUND, SSRC, 0);
	ksrtp_session *rx = session();
	struct ksrtp_policy p = unit_policy(pr, KSRTP_INBOUND, SSRC);
	struct ksrtp_session_stats ss;
	struct ksrtp_stats st;
	uint8_t pkt[BUF];
	size_t len;

	p.flags = KSRTP_CRYPTEX | KSRTP_REQUIRE_CRYPTEX;
	if (ksrtp_add_stream(rx, &p)) {
		test_not_applicable("cryptex streams");
		ksrtp_session_free(rx);
		ksrtp_session_free(tx);
		return;
	}
	unit_case("%s: no_cryptex", pr->name);
	len = unit_rtp(pkt, SSRC, 1, 2, -1, 40);
	len = unit_seal(tx, ksrtp_protect, pkt, len, BUF);
	inject(rx, ksrtp_unprotect, pkt, len, 3, KSRTP_ENOCRYPTEX, "CSRCs in the clear");
	st = unit_stats(rx, SSRC, KSRTP_INBOUND);
	CHECK_ERR(ksrtp_session_stats(rx, &ss), 0);
	CHECK(st.no_cryptex == 3 && ss.no_cryptex == 3);
	CHECK(st.malformed == 0 && ss.malformed == 0 && ss.unknown_ssrc == 0);
	unit_case_end();

	ksrtp_session_free(tx);
	ksrtp_session_free(rx);
}

int main(void)
{
	size_t i;

	for (i = 0; i < TEST_NPROFILES; i++) {
		if (!test_engine_has(test_profiles[i].id, false)) {
			test_not_applicable(test_profiles[i].name);
			continue;
		}
		run(&test_profiles[i]);
		cryptex_counters(&test_profiles[i]);
	}
	return test_result();
}
