// SPDX-License-Identifier: MIT
/*
 * Differential: ksrtp_unprotect_batch against ksrtp_unprotect one packet at
 * a time, every profile. The same stream of packets (reordered, duplicated,
 * jumping up to 2^15 - 1 ahead, wrapping the sequence number many times, one
 * in ten forged) goes to two receivers: one gets it in batches of 1 to 70
 * packets (so batches straddle the library's internal chunks), the other
 * packet by packet. Every packet must be opened by both or by neither, and
 * when opened give the same plaintext; the traffic counters must agree at
 * the end. When both refuse, KSRTP_EREPLAY and KSRTP_EAUTH may differ: an
 * old packet more than 2^15 behind is placed in the wrong ROC by RFC 3711
 * Appendix A, and whether that shows as a replay (alone: the window is
 * checked first) or as a tag failure (batch: staged before the window moved,
 * checked after) depends on the order of checks, not on the packet.
 *
 * The one-at-a-time receiver is the reference: issue 2 asks batch calls to
 * be the same operation, faster, and libsrtp (the interop peer) opens
 * packets one at a time.
 */
#include "unit.h"

#define SSRC 0x0d1ff000u
#define NDELIV 4000
#define MAXB 70

struct delivery {
	uint64_t idx;
	bool forged;
};

static void script(struct delivery *d, unsigned long long seed)
{
	uint64_t top = (uint64_t)9 << 16 | 61000;
	unsigned int i;

	for (i = 0; i < NDELIV; i++) {
		unsigned int r = (unsigned int)(test_rand(&seed) % 100);
		uint64_t idx;

		if (i == 0 || r < 50)
			idx = top + 1 + test_rand(&seed) % 3;
		else if (r < 75)
			idx = top - test_rand(&seed) % 1500;	/* reordered, duplicate, too old */
		else if (r < 80)
			idx = top + 32767 - test_rand(&seed) % 8192;	/* far ahead */
		else if (r < 90)
			idx = top + test_rand(&seed) % 2000;
		else
			idx = d[test_rand(&seed) % i].idx;	/* an earlier one, again */
		d[i].idx = idx;
		d[i].forged = test_rand(&seed) % 10 == 0;
		if (!d[i].forged && idx > top)
			top = idx;
	}
}

static bool refused(int err)
{
	return err == KSRTP_EREPLAY || err == KSRTP_EAUTH;
}

/* Both opened it, or both refused it (see above); a forgery is never opened. */
static bool agree(int batch, int single, bool forged)
{
	if (forged && (!batch || !single))
		return false;
	return batch == single || (refused(batch) && refused(single));
}

static void run(const struct test_profile *pr)
{
	static struct delivery d[NDELIV];
	static uint64_t idx[NDELIV];
	static uint8_t buf[MAXB][UNIT_VAULT_SLOT];
	struct ksrtp_policy p = unit_policy(pr, KSRTP_INBOUND, SSRC);
	unsigned long long seed = 0xd1ff0000ull + pr->id;
	unsigned int i, k, nb, reported = 0, opened = 0;
	struct ksrtp_pkt v[MAXB];
	struct ksrtp_stats sb, ss;
	struct unit_vault vault;
	ksrtp_session *rx, *twin;

	unit_case("%s: batches against one at a time", pr->name);
	script(d, seed);
	for (i = 0; i < NDELIV; i++)
		idx[i] = d[i].idx;
	unit_vault_fill(&vault, p, idx, NDELIV);
	p.roc = (uint32_t)(d[0].idx >> 16);
	rx = unit_session_with(&p);
	twin = unit_session_with(&p);

	for (i = 0; i < NDELIV; i += nb) {
		nb = 1 + (unsigned int)(test_rand(&seed) % MAXB);
		if (nb > NDELIV - i)
			nb = NDELIV - i;
		for (k = 0; k < nb; k++) {
			size_t len;
			const uint8_t *pkt = unit_vault_get(&vault, d[i + k].idx, &len);

			memcpy(buf[k], pkt, len);
			if (d[i + k].forged)
				buf[k][len - 1 - k % pr->rtp_tag_len] ^= 0x40;
			v[k] = (struct ksrtp_pkt){ .data = buf[k], .len = (uint32_t)len };
		}
		ksrtp_unprotect_batch(rx, v, nb);
		for (k = 0; k < nb; k++) {
			const struct delivery *e = &d[i + k];
			size_t len;
			const uint8_t *pkt = unit_vault_get(&vault, e->idx, &len);
			uint8_t one[UNIT_VAULT_SLOT], plain[UNIT_VAULT_SLOT];
			int single;

			memcpy(one, pkt, len);
			if (e->forged)
				one[len - 1 - k % pr->rtp_tag_len] ^= 0x40;
			single = ksrtp_unprotect(twin, one, &len);
			opened += !single;
			if (!agree(v[k].status, single, e->forged)) {
				if (reported++ < 10)
					fprintf(stderr,
						"delivery %u (index %#llx%s), %u of a batch of %u: batch %s, alone %s\n",
						i + k, (unsigned long long)e->idx,
						e->forged ? ", forged" : "", k, nb,
						ksrtp_strerror(v[k].status), ksrtp_strerror(single));
				test_failures++;
			} else if (!single &&
				   (v[k].len != len || memcmp(buf[k], one, len) ||
				    len != unit_vault_plain(plain, SSRC, e->idx) ||
				    memcmp(one, plain, len))) {
				if (reported++ < 10)
					fprintf(stderr, "delivery %u: opened to other bytes\n", i + k);
				test_failures++;
			}
		}
	}
	sb = unit_stats(rx, SSRC, KSRTP_INBOUND);
	ss = unit_stats(twin, SSRC, KSRTP_INBOUND);
	CHECK(sb.packets == ss.packets && sb.bytes == ss.bytes);
	/* The script must exercise both answers, and wrap a few times. */
	CHECK(opened > NDELIV / 3 && opened < NDELIV - NDELIV / 10);
	CHECK((d[NDELIV - 1].idx >> 16) > (d[0].idx >> 16) + 2);
	unit_case_end();
	ksrtp_session_free(rx);
	ksrtp_session_free(twin);
	unit_vault_free(&vault);
}

int main(void)
{
	size_t i;

	for (i = 0; i < TEST_NPROFILES; i++)
		run(&test_profiles[i]);
	return test_result();
}
