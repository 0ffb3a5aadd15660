// SPDX-License-Identifier: MIT
/*
 * A packet that fails authentication never touches the replay window
 * (issue 2; RFC 3711 section 3.3.2: the window is updated only "if the
 * packet is authentic"). Forged packets far ahead in sequence, one that
 * would be taken for the next ROC, and one at the next index are refused
 * with KSRTP_EAUTH; afterwards the oldest index of the window still opens
 * (a forged high index that slid the window would have pushed it out), the
 * next index still opens (a forged one that marked its bit would refuse
 * it), and a forged packet carrying a seen index is refused too.
 * Every profile, windows 64 and 1024, the packet copied to an exact-size
 * buffer and checked to be untouched.
 */
#include "unit.h"

#define SSRC 0xf0f0a5a5u

/* A forged copy of the vault's packet at idx: one tag bit flipped. */
static void forge_tag(const struct unit_vault *v, uint64_t idx, uint8_t *out, size_t *len)
{
	const uint8_t *pkt = unit_vault_get(v, idx, len);

	memcpy(out, pkt, *len);
	out[*len - 1] ^= 0x01;
}

static void run(const struct test_profile *pr, uint32_t w)
{
	/* ROC 1, seq 60000: a forged seq below 27232 is guessed to be in ROC 2. */
	const uint64_t t = (uint64_t)1 << 16 | 60000;
	const uint64_t idx[] = {
		t, t - (w - 1), t + 1, t + w + 10, t + 20000, (uint64_t)2 << 16 | 1000, t + 2,
	};
	struct ksrtp_policy p = unit_policy(pr, KSRTP_INBOUND, SSRC);
	uint8_t pkt[UNIT_VAULT_SLOT];
	struct unit_vault v;
	struct ksrtp_stats st;
	ksrtp_session *rx;
	unsigned int forged = 0, i;
	size_t len;
	int err;

	unit_case("%s: forged packets and the window of %u", pr->name, w);
	unit_vault_fill(&v, p, idx, ARRAY_SIZE(idx));
	p.replay_window = w;
	p.roc = 1;
	rx = unit_session_with(&p);

	CHECK_ERR(unit_vault_deliver(rx, &v, SSRC, t), 0);

	/* Forged: far ahead, a rollover ahead, the next index; tag flipped. */
	for (i = 3; i < 6; i++) {
		forge_tag(&v, idx[i], pkt, &len);
		unit_expect_fail_unprotect(rx, ksrtp_unprotect, pkt, len, KSRTP_EAUTH,
					   "forged ahead");
		forged += 2;
	}
	forge_tag(&v, t + 1, pkt, &len);
	unit_expect_fail_unprotect(rx, ksrtp_unprotect, pkt, len, KSRTP_EAUTH, "forged next");
	forged += 2;
	/*
	 * Forged by moving a genuine packet's sequence number far ahead: the
	 * tag (GCM: AAD and IV; AES-CM: HMAC) covers it.
	 */
	{
		const uint8_t *g = unit_vault_get(&v, t + 2, &len);

		memcpy(pkt, g, len);
		pkt[2] = (uint8_t)((t + w + 10) >> 8);
		pkt[3] = (uint8_t)(t + w + 10);
		unit_expect_fail_unprotect(rx, ksrtp_unprotect, pkt, len, KSRTP_EAUTH,
					   "seq moved ahead");
		forged += 2;
	}
	/* A forged copy of a seen packet is refused, as a replay or as a forgery. */
	forge_tag(&v, t, pkt, &len);
	{
		uint8_t *e = unit_exact(pkt, len);
		size_t l = len;

		err = ksrtp_unprotect(rx, e, &l);
		CHECK(err == KSRTP_EREPLAY || err == KSRTP_EAUTH);
		CHECK(l == len);
		CHECK_MEM(e, pkt, len);
		forged += err == KSRTP_EAUTH;
		free(e);
	}

	st = unit_stats(rx, SSRC, KSRTP_INBOUND);
	CHECK(st.auth_failures == forged);
	CHECK(st.packets == 1);

	/* The window is where the one genuine packet left it. */
	CHECK_ERR(unit_vault_deliver(rx, &v, SSRC, t - (w - 1)), 0);
	CHECK_ERR(unit_vault_deliver(rx, &v, SSRC, t + 1), 0);
	CHECK_ERR(unit_vault_deliver(rx, &v, SSRC, t + 2), 0);
	CHECK_ERR(unit_vault_deliver(rx, &v, SSRC, t), KSRTP_EREPLAY);
	/* And the genuine packets the forgeries imitated still open. */
	CHECK_ERR(unit_vault_deliver(rx, &v, SSRC, t + w + 10), 0);
	CHECK_ERR(unit_vault_deliver(rx, &v, SSRC, (uint64_t)2 << 16 | 1000), 0);
	CHECK_ERR(unit_vault_deliver(rx, &v, SSRC, t + 20000), 0);
	/* Now the window has slid: t is too old. */
	CHECK_ERR(unit_vault_deliver(rx, &v, SSRC, t), KSRTP_EREPLAY);
	st = unit_stats(rx, SSRC, KSRTP_INBOUND);
	CHECK(st.packets == 7);
	unit_case_end();

	ksrtp_session_free(rx);
	unit_vault_free(&v);
}

int main(void)
{
	size_t i;

	for (i = 0; i < TEST_NPROFILES; i++) {
		run(&test_profiles[i], 64);
		run(&test_profiles[i], 1024);
	}
	return test_result();
}
