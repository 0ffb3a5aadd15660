// SPDX-License-Identifier: MIT
/*
 * Outbound size padding (ksrtp.h enum ksrtp_pad_policy), every profile the
 * engine under test carries (test_config(): the VM runs it on the kernel
 * engine): the sealed size of each packet is exactly the policy's, the
 * padding is RFC 3550 section 5.1's (P bit, zero octets, the last one the
 * count) as a receiver without KSRTP_STRIP_PADDING sees it, and a receiver
 * with it gets the packet back as it was before padding. A packet that
 * cannot be padded (cap, the 255-octet count, a constant size it does not
 * fit) fails with KSRTP_ENOSPACE and changes nothing: the same index seals
 * afterwards. With KSRTP_CRYPTEX the padding leaves room for the empty
 * extension block cryptex adds. Bad policies are KSRTP_EINVAL.
 */
#include "unit.h"

#define SSRC 0x50ad0001u
#define BUF 2048

struct rig {
	const struct test_profile *pr;
	ksrtp_session *tx, *rx_strip, *rx_plain;
	uint16_t seq;
};

static ksrtp_session *session(void)
{
	struct ksrtp_config cfg = test_config();
	int err = 1;
	ksrtp_session *s = ksrtp_session_new(&cfg, &err);

	if (!s)
		UNIT_FATAL("ksrtp_session_new: %s", ksrtp_strerror(err));
	return s;
}

static void rig_init(struct rig *r, const struct test_profile *pr, uint8_t policy, uint16_t size)
{
	struct ksrtp_policy p = unit_policy(pr, KSRTP_OUTBOUND, SSRC);

	r->pr = pr;
	r->seq = 100;
	p.pad_policy = policy;
	p.pad_size = size;
	r->tx = session();
	unit_add(r->tx, &p);
	p = unit_policy(pr, KSRTP_INBOUND, SSRC);
	p.flags = KSRTP_STRIP_PADDING;
	r->rx_strip = session();
	unit_add(r->rx_strip, &p);
	p.flags = 0;
	r->rx_plain = session();
	unit_add(r->rx_plain, &p);
}

static void rig_free(struct rig *r)
{
	ksrtp_session_free(r->tx);
	ksrtp_session_free(r->rx_strip);
	ksrtp_session_free(r->rx_plain);
}

/* An RTP packet of len octets in all (12-octet header), RTP timestamp ts. */
static size_t rtp_of(uint8_t *buf, uint16_t seq, uint32_t ts, size_t len)
{
	size_t n = unit_rtp(buf, SSRC, seq, 0, -1, len - 12);

	unit_put_be32(buf + 4, ts);
	return n;
}

/*
 * Seal plain[0..len) and check: sealed to want + tag; the plain receiver
 * sees the packet with want - len octets of padding appended (on top of
 * any it had: had_pad, its count); the stripping receiver sees it without
 * any padding.
 */
static void send_check(struct rig *r, const uint8_t *plain, size_t len, size_t want,
		       unsigned int had_pad)
{
	uint8_t buf[BUF], copy[BUF];
	size_t l = len, sealed, add = want - len, i;
	int err;

	memcpy(buf, plain, len);
	err = ksrtp_protect(r->tx, buf, &l, sizeof(buf));
	CHECK_ERR(err, 0);
	if (err)
		return;
	sealed = l;
	CHECK(sealed == want + r->pr->rtp_tag_len);
	if (sealed != want + r->pr->rtp_tag_len)
		fprintf(stderr, "  %zu-octet packet sealed to %zu, want %zu + tag %zu\n", len,
			sealed, want, r->pr->rtp_tag_len);

	memcpy(copy, buf, sealed);
	l = sealed;
	CHECK_ERR(ksrtp_unprotect(r->rx_plain, copy, &l), 0);
	CHECK(l == want);
	if (l == want) {
		CHECK(copy[0] == (plain[0] | (add || had_pad ? 0x20 : 0)));
		CHECK_MEM(copy + 1, plain + 1, len - 1);
		for (i = len; add && i + 1 < want; i++)
			CHECK(copy[i] == 0);
		if (add || had_pad)
			CHECK(copy[want - 1] == had_pad + add);
	}

	l = sealed;
	CHECK_ERR(ksrtp_unprotect(r->rx_strip, buf, &l), 0);
	CHECK(l == len - had_pad);
	if (l == len - had_pad) {
		CHECK(buf[0] == (plain[0] & ~0x20));
		CHECK_MEM(buf + 1, plain + 1, l - 1);
	}
}

static void send_sized(struct rig *r, uint32_t ts, size_t len, size_t want)
{
	uint8_t plain[BUF];

	rtp_of(plain, r->seq++, ts, len);
	send_check(r, plain, len, want, 0);
}

/* CSRCs and no extension: cryptex adds an empty 4-octet extension block. */
static size_t cryptex_growth(size_t cc)
{
	return cc ? 4 : 0;
}

static size_t round_up(size_t n, size_t q)
{
	return (n + q - 1) / q * q;
}

static void bucket(const struct test_profile *pr)
{
	static const size_t lens[] = { 12, 13, 63, 64, 65, 100, 172, 1200, 1212, 1700 };
	static const size_t quanta[] = { 2, 8, 32, 128, 256 };
	struct rig r;
	size_t i, k, q;

	for (k = 0; k < ARRAY_SIZE(quanta); k++) {
		q = quanta[k];
		unit_case("%s: BUCKET %zu", pr->name, q);
		rig_init(&r, pr, KSRTP_PAD_BUCKET, (uint16_t)q);
		for (i = 0; i < ARRAY_SIZE(lens); i++)
			send_sized(&r, 1, lens[i], round_up(lens[i], q));
		rig_free(&r);
		unit_case_end();
	}
}

static void constant(const struct test_profile *pr)
{
	uint8_t plain[BUF];
	struct rig r;
	size_t len;

	unit_case("%s: CONSTANT 200", pr->name);
	rig_init(&r, pr, KSRTP_PAD_CONSTANT, 200);
	for (len = 12; len <= 200; len += 47)
		send_sized(&r, 1, len, 200);
	send_sized(&r, 1, 200, 200);
	/* Longer than the constant: refused, not sent with a size of its own. */
	len = rtp_of(plain, r.seq, 1, 201);
	unit_expect_fail_protect(r.tx, ksrtp_protect, plain, len, BUF, KSRTP_ENOSPACE,
				 "201 octets, constant 200");
	/* ... and nothing changed: the same sequence number seals now. */
	send_sized(&r, 1, 150, 200);
	rig_free(&r);
	unit_case_end();

	unit_case("%s: CONSTANT 400, a packet 300 octets short", pr->name);
	rig_init(&r, pr, KSRTP_PAD_CONSTANT, 400);
	len = rtp_of(plain, r.seq, 1, 100);
	unit_expect_fail_protect(r.tx, ksrtp_protect, plain, len, BUF, KSRTP_ENOSPACE,
				 "100 octets, constant 400: 300 > 255 octets of padding");
	send_sized(&r, 1, 145, 400);
	rig_free(&r);
	unit_case_end();
}

static void train(const struct test_profile *pr)
{
	struct rig r;

	unit_case("%s: TRAIN 0", pr->name);
	rig_init(&r, pr, KSRTP_PAD_TRAIN, 0);
	/* A frame as the packetizer makes it: full packets, then a short one. */
	send_sized(&r, 1000, 1212, 1212);
	send_sized(&r, 1000, 1212, 1212);
	send_sized(&r, 1000, 1100, 1212);
	/* 412 octets short: more than one padding count can say. */
	send_sized(&r, 1000, 800, 800);
	/* A new frame starts a new train. */
	send_sized(&r, 2000, 500, 500);
	send_sized(&r, 2000, 400, 500);
	send_sized(&r, 2000, 600, 600);
	send_sized(&r, 2000, 550, 600);
	send_sized(&r, 3000, 100, 100);
	rig_free(&r);
	unit_case_end();

	unit_case("%s: TRAIN 32", pr->name);
	rig_init(&r, pr, KSRTP_PAD_TRAIN, 32);
	/* The first packet, and one that cannot reach the train, go to a bucket. */
	send_sized(&r, 5000, 1000, 1024);
	send_sized(&r, 5000, 990, 1024);
	send_sized(&r, 5000, 700, 704);
	send_sized(&r, 6000, 20, 32);
	rig_free(&r);
	unit_case_end();
}

/* A packet with padding of its own: one block, its count the sum. */
static void existing_padding(const struct test_profile *pr)
{
	uint8_t plain[BUF];
	struct rig r;
	size_t len;

	unit_case("%s: BUCKET 64 on a packet with 5 octets of padding", pr->name);
	rig_init(&r, pr, KSRTP_PAD_BUCKET, 64);
	len = rtp_of(plain, r.seq++, 1, 100);
	plain[0] |= 0x20;
	plain[len - 1] = 5;
	send_check(&r, plain, len, 128, 5);
	/* A count that does not parse (0) is refused, not extended. */
	len = rtp_of(plain, r.seq, 1, 100);
	plain[0] |= 0x20;
	plain[len - 1] = 0;
	unit_expect_fail_protect(r.tx, ksrtp_protect, plain, len, BUF, KSRTP_EMALFORMED,
				 "padding count 0");
	/* 250 octets of padding already: 250 + 28 does not fit one count. */
	len = rtp_of(plain, r.seq, 1, 356);
	plain[0] |= 0x20;
	plain[len - 1] = 250;
	unit_expect_fail_protect(r.tx, ksrtp_protect, plain, len, BUF, KSRTP_ENOSPACE,
				 "250 + 28 octets of padding");
	send_sized(&r, 1, 300, 320);
	rig_free(&r);
	unit_case_end();
}

/* The padded packet must fit cap with the trailer; if not, nothing changes. */
static void cap(const struct test_profile *pr)
{
	uint8_t plain[BUF], buf[BUF];
	struct rig r;
	size_t len, l;

	unit_case("%s: cap", pr->name);
	rig_init(&r, pr, KSRTP_PAD_BUCKET, 64);
	len = rtp_of(plain, r.seq, 1, 100);
	unit_expect_fail_protect(r.tx, ksrtp_protect, plain, len, 128 + KSRTP_MAX_TRAILER - 1,
				 KSRTP_ENOSPACE, "cap one short of 128 + KSRTP_MAX_TRAILER");
	memcpy(buf, plain, len);
	l = len;
	CHECK_ERR(ksrtp_protect(r.tx, buf, &l, 128 + KSRTP_MAX_TRAILER), 0);
	CHECK(l == 128 + r.pr->rtp_tag_len);
	rig_free(&r);
	unit_case_end();
}

/*
 * With KSRTP_CRYPTEX a packet with CSRCs and no extension gains an empty
 * extension block (RFC 9335 section 5.1): the padding leaves room for it,
 * so the sealed size is still the constant one.
 */
static void cryptex_constant(const struct test_profile *pr)
{
	struct ksrtp_policy p = unit_policy(pr, KSRTP_OUTBOUND, SSRC);
	ksrtp_session *tx = session(), *rx = session();
	uint8_t plain[BUF], buf[BUF];
	size_t len, l, cc, payload;
	uint16_t seq = 1;

	p.pad_policy = KSRTP_PAD_CONSTANT;
	p.pad_size = 200;
	p.flags = KSRTP_CRYPTEX;
	if (ksrtp_add_stream(tx, &p)) {
		test_not_applicable("cryptex streams");
		goto out;
	}
	p = unit_policy(pr, KSRTP_INBOUND, SSRC);
	p.flags = KSRTP_CRYPTEX | KSRTP_STRIP_PADDING;
	unit_add(rx, &p);
	unit_case("%s: CONSTANT 200 with cryptex", pr->name);
	for (cc = 0; cc <= 2; cc += 2) {
		for (payload = 20; payload <= 160; payload += 70) {
			len = unit_rtp(plain, SSRC, seq++, (unsigned int)cc, cc ? -1 : 1, payload);
			memcpy(buf, plain, len);
			l = len;
			CHECK_ERR(ksrtp_protect(tx, buf, &l, sizeof(buf)), 0);
			CHECK(l == 200 + pr->rtp_tag_len);
			/* Opened: the padding gone, an empty block where the sender added one. */
			CHECK_ERR(ksrtp_unprotect(rx, buf, &l), 0);
			CHECK(l == len + cryptex_growth(cc));
			CHECK_MEM(buf + l - payload, plain + len - payload, payload);
		}
	}
	unit_case_end();
out:
	ksrtp_session_free(tx);
	ksrtp_session_free(rx);
}

static void bad_policies(const struct test_profile *pr)
{
	static const struct {
		enum ksrtp_direction dir;
		uint8_t policy;
		uint16_t size;
		uint32_t flags;
		int want;
	} cases[] = {
		{ KSRTP_OUTBOUND, KSRTP_PAD_OFF, 0, 0, 0 },
		{ KSRTP_OUTBOUND, KSRTP_PAD_OFF, 64, 0, KSRTP_EINVAL },
		{ KSRTP_OUTBOUND, KSRTP_PAD_BUCKET, 1, 0, KSRTP_EINVAL },
		{ KSRTP_OUTBOUND, KSRTP_PAD_BUCKET, 256, 0, 0 },
		{ KSRTP_OUTBOUND, KSRTP_PAD_BUCKET, 257, 0, KSRTP_EINVAL },
		{ KSRTP_OUTBOUND, KSRTP_PAD_TRAIN, 0, 0, 0 },
		{ KSRTP_OUTBOUND, KSRTP_PAD_TRAIN, 1, 0, KSRTP_EINVAL },
		{ KSRTP_OUTBOUND, KSRTP_PAD_TRAIN, 257, 0, KSRTP_EINVAL },
		{ KSRTP_OUTBOUND, KSRTP_PAD_CONSTANT, 11, 0, KSRTP_EINVAL },
		{ KSRTP_OUTBOUND, KSRTP_PAD_CONSTANT, 12, 0, 0 },
		{ KSRTP_OUTBOUND, KSRTP_PAD_CONSTANT, 65515, 0, 0 },
		{ KSRTP_OUTBOUND, KSRTP_PAD_CONSTANT, 65516, 0, KSRTP_EINVAL },
		{ KSRTP_OUTBOUND, KSRTP_PAD_CONSTANT + 1, 64, 0, KSRTP_EINVAL },
		{ KSRTP_OUTBOUND, KSRTP_PAD_OFF, 0, KSRTP_STRIP_PADDING, KSRTP_EINVAL },
		{ KSRTP_INBOUND, KSRTP_PAD_BUCKET, 64, 0, KSRTP_EINVAL },
		{ KSRTP_INBOUND, KSRTP_PAD_OFF, 0, KSRTP_STRIP_PADDING, 0 },
	};
	size_t i;

	unit_case("%s: policy checks", pr->name);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		ksrtp_session *s = session();
		struct ksrtp_policy p = unit_policy(pr, cases[i].dir, SSRC);

		p.pad_policy = cases[i].policy;
		p.pad_size = cases[i].size;
		p.flags = cases[i].flags;
		CHECK_ERR(ksrtp_add_stream(s, &p), cases[i].want);
		ksrtp_session_free(s);
	}
	/* A retransmission must be the same plaintext; a train moves on. */
	if (test_engine_has(pr->id, false) &&
	    strcmp(test_env("KSRTP_TEST_ENGINE", "user"), "kernel")) {
		ksrtp_session *s = session();
		struct ksrtp_policy p = unit_policy(pr, KSRTP_OUTBOUND, SSRC);

		p.pad_policy = KSRTP_PAD_TRAIN;
		p.flags = KSRTP_ALLOW_REPEAT_TX;
		CHECK_ERR(ksrtp_add_stream(s, &p), KSRTP_EINVAL);
		p.pad_policy = KSRTP_PAD_BUCKET;
		p.pad_size = 16;
		CHECK_ERR(ksrtp_add_stream(s, &p), 0);
		ksrtp_session_free(s);
	}
	unit_case_end();
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
		bucket(pr);
		constant(pr);
		train(pr);
		existing_padding(pr);
		cap(pr);
		cryptex_constant(pr);
		bad_policies(pr);
	}
	return test_result();
}
