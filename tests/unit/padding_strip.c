// SPDX-License-Identifier: MIT
/*
 * Inbound KSRTP_STRIP_PADDING, every profile the engine under test carries
 * (test_config(); the VM runs it on the kernel engine). The sender has no
 * padding policy, so any P bit and count go out sealed as they are. After
 * authentication a count of 1..payload is removed with the P bit; a count
 * of 0 or past the payload (RFC 3550 section 5.1), or a P bit with no
 * payload at all, is KSRTP_EMALFORMED with the packet handed back as
 * received, counted in malformed_by[KSRTP_MALFORMED_PADDING] of the stream
 * and the session. The user engine checks before the index is committed
 * (the same packet is refused the same way again); the module commits it
 * before the library can read the padding, so there the copy is a replay
 * (ksrtp.h). Payload sizes straddle AES blocks: AES-CM checks the count
 * from one keystream block before decrypting. A receiver without the flag
 * hands any padding back untouched.
 */
#include "unit.h"

#define SSRC 0x57219001u
#define BUF 2048

static ksrtp_session *session_with(const struct test_profile *pr, enum ksrtp_direction dir,
				   uint32_t flags)
{
	struct ksrtp_config cfg = test_config();
	struct ksrtp_policy p = unit_policy(pr, dir, SSRC);
	int err = 1;
	ksrtp_session *s = ksrtp_session_new(&cfg, &err);

	if (!s)
		UNIT_FATAL("ksrtp_session_new: %s", ksrtp_strerror(err));
	p.flags = flags;
	unit_add(s, &p);
	return s;
}

/* Whether rx's stream is an SA of ksrtp.ko (KERNEL, or AUTO with a GCM profile). */
static bool in_module(const ksrtp_session *rx)
{
	return ksrtp_stream_engine(rx, SSRC, KSRTP_INBOUND) == KSRTP_ENGINE_KERNEL;
}

static void run(const struct test_profile *pr)
{
	static const size_t payloads[] = { 0, 1, 15, 16, 17, 33, 100, 1200 };
	ksrtp_session *tx = session_with(pr, KSRTP_OUTBOUND, 0);
	ksrtp_session *rx = session_with(pr, KSRTP_INBOUND, KSRTP_STRIP_PADDING);
	ksrtp_session *rx_plain = session_with(pr, KSRTP_INBOUND, 0);
	struct ksrtp_session_stats ss;
	struct ksrtp_stats st;
	uint64_t bad = 0, replays = 0;
	uint16_t seq = 1;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(payloads); i++) {
		size_t pl = payloads[i];
		/* Counts to try: 0, 1, the whole payload, one past it, 255. */
		unsigned int counts[] = { 0, 1, (unsigned int)pl, (unsigned int)pl + 1, 255 };
		size_t c;

		for (c = 0; c < ARRAY_SIZE(counts); c++) {
			unsigned int count = counts[c];
			uint8_t plain[BUF], sealed[BUF], buf[BUF];
			size_t len, slen, l;
			bool good = count && count <= pl;
			int err;

			if (count > 255)
				continue;
			unit_case("%s: payload %zu, padding count %u", pr->name, pl, count);
			len = unit_rtp(plain, SSRC, seq++, 0, -1, pl);
			plain[0] |= 0x20;
			if (pl)
				plain[len - 1] = (uint8_t)count;
			memcpy(sealed, plain, len);
			slen = unit_seal(tx, ksrtp_protect, sealed, len, sizeof(sealed));

			/* Without the flag the padding is the application's business. */
			unit_open_ok(rx_plain, ksrtp_unprotect, sealed, slen, plain, len,
				     "no KSRTP_STRIP_PADDING");
			if (good) {
				plain[0] &= (uint8_t)~0x20;
				unit_open_ok(rx, ksrtp_unprotect, sealed, slen, plain, len - count,
					     "stripped");
				unit_case_end();
				continue;
			}
			bad++;
			memcpy(buf, sealed, slen);
			l = slen;
			CHECK_ERR(ksrtp_unprotect(rx, buf, &l), KSRTP_EMALFORMED);
			CHECK(l == slen);
			CHECK_MEM(buf, sealed, slen);
			/* Again: the user engine left the stream as it was. */
			memcpy(buf, sealed, slen);
			l = slen;
			err = ksrtp_unprotect(rx, buf, &l);
			if (in_module(rx)) {
				CHECK_ERR(err, KSRTP_EREPLAY);
				replays++;
			} else {
				CHECK_ERR(err, KSRTP_EMALFORMED);
				bad++;
			}
			CHECK_MEM(buf, sealed, slen);
			unit_case_end();
		}
	}
	unit_case("%s: counters", pr->name);
	st = unit_stats(rx, SSRC, KSRTP_INBOUND);
	CHECK(st.malformed == bad);
	CHECK(st.malformed_by[KSRTP_MALFORMED_PADDING] == bad);
	CHECK_ERR(ksrtp_session_stats(rx, &ss), 0);
	CHECK(ss.malformed == bad);
	CHECK(ss.malformed_by[KSRTP_MALFORMED_PADDING] == bad);
	CHECK(ss.auth_failures == 0 && ss.replays == replays);
	if (ss.malformed != bad)
		fprintf(stderr, "  session malformed %llu, want %llu\n",
			(unsigned long long)ss.malformed, (unsigned long long)bad);
	unit_case_end();
	ksrtp_session_free(tx);
	ksrtp_session_free(rx);
	ksrtp_session_free(rx_plain);
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
	}
	return test_result();
}
