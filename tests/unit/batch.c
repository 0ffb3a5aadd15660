// SPDX-License-Identifier: MIT
/*
 * Batches with good and bad packets mixed, every profile. ksrtp.h: "Each
 * v[i].status says how packet i fared; one bad packet never affects
 * another", and the call returns the number that succeeded. DESIGN.md: all
 * or nothing per descriptor.
 *
 * Protect: NULL data, truncated header, unknown SSRC, cap too small,
 * version 1 and a repeated index sit between good packets, over more than
 * two internal chunks. The good packets must come out byte for byte as a
 * twin session sealing them one at a time makes them; the bad ones keep
 * their bytes and length.
 *
 * Unprotect: forged packets (one with a sequence number far ahead, placed
 * before lower genuine ones), NULL data, truncations, an unknown SSRC, a
 * duplicate inside the batch and replays from an earlier batch. Every
 * genuine packet opens, every bad one is refused with its own status and
 * left as it was.
 */
#include "unit.h"

#define SSRC 0xba7c0001u
#define N 75		/* more than two chunks of 32 (lib/srtp.c BATCH_CHUNK) */
#define ROOM 256

enum kind { GOOD, NULL_DATA, TRUNCATED, UNKNOWN_SSRC, NO_ROOM, VERSION_1, REPEAT, NKINDS };

struct slot {
	struct unit_guard g;
	enum kind kind;
	size_t len;		/* as submitted */
	uint8_t orig[ROOM];	/* as submitted */
	int want;
};

static const int kind_err[NKINDS] = {
	[GOOD] = 0,
	[NULL_DATA] = KSRTP_EINVAL,
	[TRUNCATED] = KSRTP_EMALFORMED,
	[UNKNOWN_SSRC] = KSRTP_ENOSTREAM,
	[NO_ROOM] = KSRTP_ENOSPACE,
	[VERSION_1] = KSRTP_EMALFORMED,
	[REPEAT] = KSRTP_EREPLAY,
};

struct sealed {
	uint8_t plain[ROOM], wire[ROOM];
	size_t plain_len, wire_len;
};

/* Protect a mixed batch; return the good packets, sealed, in order. */
static unsigned int protect_mixed(const struct test_profile *pr, ksrtp_session *tx,
				  ksrtp_session *twin, struct sealed *out)
{
	static struct slot slots[N];
	struct ksrtp_pkt v[N];
	unsigned int i, goods = 0;
	uint16_t seq = 65500;	/* the batch crosses the sequence wrap */
	uint16_t last_good = 0;
	int n;

	for (i = 0; i < N; i++) {
		struct slot *sl = &slots[i];
		uint8_t pkt[ROOM];
		size_t len, cap;

		/* Every other packet is good; the bad ones cycle through the kinds. */
		sl->kind = i & 1 ? (enum kind)(1 + (i / 2) % (NKINDS - 1)) : GOOD;
		len = unit_rtp(pkt, SSRC, sl->kind == REPEAT ? last_good : seq, i % 3,
			       i % 4 == 1 ? 1 : -1, 10 + (i * 7) % 90);
		cap = len + KSRTP_MAX_TRAILER;
		if (sl->kind == GOOD) {
			last_good = seq++;
			memcpy(out[goods].plain, pkt, len);
			out[goods].plain_len = len;
			goods++;
		} else if (sl->kind == TRUNCATED) {
			len = 7;
		} else if (sl->kind == UNKNOWN_SSRC) {
			pkt[8] ^= 0x10;
		} else if (sl->kind == NO_ROOM) {
			cap = len + KSRTP_MAX_TRAILER - 1;
		} else if (sl->kind == VERSION_1) {
			pkt[0] = (uint8_t)((pkt[0] & 0x3f) | 0x40);
		}
		sl->g = unit_guard_new(cap, pkt, len);
		sl->len = len;
		memcpy(sl->orig, pkt, len);
		sl->want = kind_err[sl->kind];
		v[i].data = sl->kind == NULL_DATA ? NULL : sl->g.data;
		v[i].len = (uint32_t)len;
		v[i].cap = (uint32_t)cap;
		v[i].status = 12345;	/* must be overwritten */
	}
	n = ksrtp_protect_batch(tx, v, N);
	CHECK_ERR(n, (int)goods);
	for (i = 0, goods = 0; i < N; i++) {
		struct slot *sl = &slots[i];

		if (v[i].status != sl->want) {
			fprintf(stderr, "%s: protect slot %u (kind %d): status %d (%s), want %s\n",
				pr->name, i, sl->kind, v[i].status, ksrtp_strerror(v[i].status),
				ksrtp_strerror(sl->want));
			test_failures++;
		}
		if (sl->kind == GOOD) {
			struct sealed *o = &out[goods++];

			/* The twin, one packet at a time: the batch path seals the same bytes. */
			memcpy(o->wire, o->plain, o->plain_len);
			o->wire_len = unit_seal(twin, ksrtp_protect, o->wire, o->plain_len, ROOM);
			CHECK(v[i].len == o->wire_len);
			CHECK(v[i].len == o->wire_len && memcmp(sl->g.data, o->wire, o->wire_len) == 0);
			CHECK(unit_guard_intact(&sl->g, sl->g.size));
		} else {
			CHECK(v[i].len == sl->len);
			CHECK_MEM(sl->g.data, sl->orig, sl->len);
			CHECK(unit_guard_intact(&sl->g, sl->len));
		}
		unit_guard_free(&sl->g);
	}
	return goods;
}

enum ukind { U_GOOD, U_FORGED, U_FORGED_AHEAD, U_NULL, U_SHORT_HDR, U_SHORT_TAG, U_UNKNOWN,
	     U_DUP, U_OLD_REPLAY };

struct uslot {
	enum ukind kind;
	int src;		/* index into the sealed packets */
	int want;
	uint8_t *data;		/* exact-size copy */
	size_t len;
	uint8_t orig[ROOM];
};

/*
 * Unprotect sealed[first..last) in one batch, with bad packets between the
 * good ones; *forged counts the tag failures it submitted.
 */
static void unprotect_mixed(const struct test_profile *pr, ksrtp_session *rx,
			    const struct sealed *sealed, unsigned int first, unsigned int last,
			    unsigned int *forged)
{
	static struct uslot slots[4 * N];
	static struct ksrtp_pkt v[4 * N];
	unsigned int i, n = 0, goods = 0;
	int r;

	for (i = first; i < last; i++) {
		static const enum ukind extras[] = { U_FORGED, U_FORGED_AHEAD, U_NULL, U_SHORT_HDR,
						     U_SHORT_TAG, U_UNKNOWN, U_OLD_REPLAY };
		unsigned int j = i - first;
		enum ukind extra = extras[j % (ARRAY_SIZE(extras))];

		/* A bad packet before the good one, the good one, and after it sometimes a dup. */
		slots[n].kind = extra == U_OLD_REPLAY && first == 0 ? U_FORGED : extra;
		slots[n++].src = (int)i;
		slots[n].kind = U_GOOD;
		slots[n++].src = (int)i;
		if (j % 5 == 2) {
			slots[n].kind = U_DUP;
			slots[n++].src = (int)i;
		}
	}
	for (i = 0; i < n; i++) {
		struct uslot *u = &slots[i];
		const struct sealed *s = &sealed[u->src];
		size_t hlen = unit_rtp_hlen(s->wire);

		memcpy(u->orig, s->wire, s->wire_len);
		u->len = s->wire_len;
		switch (u->kind) {
		case U_GOOD:
			u->want = 0;
			break;
		case U_DUP:
			u->want = KSRTP_EREPLAY;
			break;
		case U_OLD_REPLAY: {
			/* A packet the previous batch opened (first > 0 here). */
			const struct sealed *old = &sealed[(u->src - (int)first) % (int)first];

			memcpy(u->orig, old->wire, old->wire_len);
			u->len = old->wire_len;
			u->want = KSRTP_EREPLAY;
			break;
		}
		case U_FORGED:
			u->orig[u->len - 1] ^= 0x80;	/* the tag */
			u->want = KSRTP_EAUTH;
			(*forged)++;
			break;
		case U_FORGED_AHEAD:
			/*
			 * Far ahead in sequence, forged: were it to slide the window,
			 * the genuine packets after it in this batch would be too old.
			 */
			u->orig[2] = (uint8_t)(u->orig[2] + 0x40);
			u->want = KSRTP_EAUTH;
			(*forged)++;
			break;
		case U_NULL:
			u->want = KSRTP_EINVAL;
			break;
		case U_SHORT_HDR:
			u->len = 11;
			u->want = KSRTP_EMALFORMED;
			break;
		case U_SHORT_TAG:
			u->len = hlen + pr->rtp_tag_len - 1;
			u->want = KSRTP_EMALFORMED;
			break;
		case U_UNKNOWN:
			u->orig[11] ^= 0x01;
			u->want = KSRTP_ENOSTREAM;
			break;
		}
		u->data = u->kind == U_NULL ? NULL : unit_exact(u->orig, u->len);
		v[i].data = u->data;
		v[i].len = (uint32_t)u->len;
		v[i].cap = 0;	/* not used when opening */
		v[i].status = 12345;
		goods += u->kind == U_GOOD;
	}
	r = ksrtp_unprotect_batch(rx, v, n);
	CHECK_ERR(r, (int)goods);
	for (i = 0; i < n; i++) {
		struct uslot *u = &slots[i];
		const struct sealed *s = &sealed[u->src];

		if (v[i].status != u->want) {
			fprintf(stderr, "%s: unprotect slot %u (kind %d, packet %d): %s, want %s\n",
				pr->name, i, u->kind, u->src, ksrtp_strerror(v[i].status),
				ksrtp_strerror(u->want));
			test_failures++;
		}
		if (u->kind == U_GOOD) {
			CHECK(v[i].len == s->plain_len);
			CHECK(v[i].len == s->plain_len &&
			      memcmp(u->data, s->plain, s->plain_len) == 0);
		} else if (u->data) {
			CHECK(v[i].len == u->len);
			CHECK_MEM(u->data, u->orig, u->len);
		}
		free(u->data);
	}
}

static void run(const struct test_profile *pr)
{
	static struct sealed sealed[N];
	struct ksrtp_policy p = unit_policy(pr, KSRTP_OUTBOUND, SSRC);
	ksrtp_session *tx = unit_session_with(&p), *twin = unit_session_with(&p), *rx;
	struct ksrtp_stats st;
	unsigned int goods, half, forged = 0;

	p.direction = KSRTP_INBOUND;
	rx = unit_session_with(&p);

	unit_case("%s: protect batch, good and bad mixed", pr->name);
	goods = protect_mixed(pr, tx, twin, sealed);
	st = unit_stats(tx, SSRC, KSRTP_OUTBOUND);
	CHECK(st.packets == goods);
	unit_case_end();

	unit_case("%s: unprotect batches, good and bad mixed", pr->name);
	half = goods / 2;
	CHECK(half >= 7);	/* each batch meets every kind of bad packet */
	unprotect_mixed(pr, rx, sealed, 0, half, &forged);
	unprotect_mixed(pr, rx, sealed, half, goods, &forged);
	st = unit_stats(rx, SSRC, KSRTP_INBOUND);
	CHECK(st.packets == goods);
	CHECK(st.auth_failures == forged);
	unit_case_end();

	unit_case("%s: empty batches", pr->name);
	CHECK_ERR(ksrtp_protect_batch(tx, NULL, 0), 0);
	CHECK_ERR(ksrtp_unprotect_batch(rx, NULL, 0), 0);
	unit_case_end();

	ksrtp_session_free(tx);
	ksrtp_session_free(twin);
	ksrtp_session_free(rx);
}

int main(void)
{
	size_t i;

	for (i = 0; i < TEST_NPROFILES; i++)
		run(&test_profiles[i]);
	return test_result();
}
