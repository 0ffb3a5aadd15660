// SPDX-License-Identifier: MIT
/*
 * RFC 8285 header extension elements (lib/rtp.h: ksrtp_rtp_ext_begin and
 * ksrtp_rtp_ext_next). One-byte form (profile 0xBEDE, section 4.2): 4-bit
 * ID, 4-bit length - 1, zero padding bytes between elements, ID 15 ends the
 * block whatever follows. Two-byte form (0x100 and 4 app bits, section 4.3):
 * 8-bit ID, 8-bit length (0 allowed), zero padding; 15 is an ordinary ID
 * there. An element running past the block is KSRTP_EMALFORMED.
 *
 * The block is the last thing in an allocation of exactly the packet's size,
 * so any read past the block is a read past the allocation (sanitizer
 * build).
 */
#include "rtp.h"
#include "unit.h"

struct elem {
	uint8_t id, len;
	size_t off;		/* of its data, from the start of the block */
};

/* A packet: 12-byte header with X, then profile, length, the block (padded to words). */
static uint8_t *make(uint16_t profile, const uint8_t *block, size_t block_len, size_t *len)
{
	size_t words = (block_len + 3) / 4, n = 12 + 4 + 4 * words;
	uint8_t tmp[12 + 4 + 512];

	unit_rtp(tmp, 0xe1e1e1e1u, 1, 0, -1, 0);
	tmp[0] |= 0x10;
	tmp[12] = (uint8_t)(profile >> 8);
	tmp[13] = (uint8_t)profile;
	tmp[14] = (uint8_t)(words >> 8);
	tmp[15] = (uint8_t)words;
	memset(tmp + 16, 0, 4 * words);
	memcpy(tmp + 16, block, block_len);
	*len = n;
	return unit_exact(tmp, n);
}

/*
 * Iterate the block and compare with want[0..n); the walk must end with
 * `end` (0 or KSRTP_EMALFORMED) right after the n elements.
 */
static void expect(const char *what, uint16_t profile, const uint8_t *block, size_t block_len,
		   const struct elem *want, unsigned int n, int end)
{
	struct ksrtp_rtp_header h;
	struct ksrtp_rtp_ext_iter it;
	struct ksrtp_rtp_ext_element e;
	size_t len;
	uint8_t *pkt = make(profile, block, block_len, &len);
	unsigned int i;
	int r;

	unit_case("%s", what);
	CHECK_ERR(ksrtp_rtp_parse(pkt, len, &h), 0);
	CHECK_ERR(ksrtp_rtp_ext_begin(pkt, &h, &it), 0);
	for (i = 0; i < n; i++) {
		r = ksrtp_rtp_ext_next(&it, &e);
		if (r != 1) {
			fprintf(stderr, "element %u: %d (%s), want one\n", i, r, ksrtp_strerror(r));
			test_failures++;
			break;
		}
		CHECK(e.id == want[i].id);
		CHECK(e.len == want[i].len);
		CHECK(e.data == pkt + 16 + want[i].off);
	}
	if (i == n) {
		CHECK_ERR(ksrtp_rtp_ext_next(&it, &e), end);
		/* The end is sticky: asking again neither reads on nor changes the answer. */
		if (end == 0)
			CHECK_ERR(ksrtp_rtp_ext_next(&it, &e), 0);
	}
	free(pkt);
	unit_case_end();
}

static void one_byte(void)
{
	static const uint8_t a[] = { 0x10, 0xaa, 0x00, 0x21, 0xbb, 0xcc, 0x00, 0x00 };
	static const struct elem ea[] = { { 1, 1, 1 }, { 2, 2, 4 } };
	/* ID 15 stops the walk; the "element" after it would run past the block. */
	static const uint8_t b[] = { 0x10, 0xaa, 0xf0, 0x3f, 0x00, 0x00, 0x00, 0x00 };
	static const uint8_t b2[] = { 0xff, 0x10, 0xaa, 0x00 };
	static const uint8_t c[] = { 0x10, 0xaa, 0x00, 0x3f };
	static const uint8_t h[] = { 0x00, 0x00, 0x00, 0x11 };
	/* Header byte and data one short of the length: left == length, not 1 + length. */
	static const uint8_t h2[] = { 0x00, 0x12, 0xaa, 0xbb };
	static const uint8_t empty[] = { 0 };
	static const uint8_t pad[] = { 0, 0, 0, 0, 0, 0, 0, 0 };
	uint8_t d[20], g[8];
	struct elem ed[] = { { 14, 16, 1 } };
	struct elem eg[] = { { 1, 4, 1 }, { 7, 1, 6 } };

	/* One byte of header, 16 of data: the largest one-byte element. */
	memset(d, 0, sizeof(d));
	d[0] = 0xef;
	memset(d + 1, 0x5a, 16);
	/* Two elements that end exactly at the end of the block. */
	memcpy(g, (const uint8_t[]){ 0x13, 1, 2, 3, 4, 0x70, 9, 0 }, 8);

	expect("one-byte: two elements with padding", 0xbede, a, sizeof(a), ea, 2, 0);
	expect("one-byte: ID 15 ends the block", 0xbede, b, sizeof(b), ea, 1, 0);
	expect("one-byte: ID 15 first", 0xbede, b2, sizeof(b2), NULL, 0, 0);
	expect("one-byte: length past the block", 0xbede, c, sizeof(c), ea, 1, KSRTP_EMALFORMED);
	expect("one-byte: last byte claims two", 0xbede, h, sizeof(h), NULL, 0, KSRTP_EMALFORMED);
	expect("one-byte: one data byte short", 0xbede, h2, sizeof(h2), NULL, 0, KSRTP_EMALFORMED);
	expect("one-byte: 16 data bytes", 0xbede, d, sizeof(d), ed, 1, 0);
	expect("one-byte: elements filling the block", 0xbede, g, sizeof(g), eg, 2, 0);
	expect("one-byte: empty block", 0xbede, empty, 0, NULL, 0, 0);
	expect("one-byte: padding only", 0xbede, pad, sizeof(pad), NULL, 0, 0);
}

static void two_byte(void)
{
	static const uint8_t a[] = { 0x01, 0x00, 0x00, 0x02, 0x03, 0xaa, 0xbb, 0xcc };
	static const struct elem ea[] = { { 1, 0, 2 }, { 2, 3, 5 } };
	static const uint8_t lone[] = { 0x01, 0x01, 0xaa, 0x05 };
	static const struct elem elone[] = { { 1, 1, 2 } };
	static const uint8_t past[] = { 0x01, 0xff, 0, 0, 0, 0, 0, 0 };
	/* Data one byte short of the length. */
	static const uint8_t short1[] = { 0x00, 0x00, 0x01, 0x02, 0xaa, 0x00, 0x05, 0x01 };
	static const struct elem eshort1[] = { { 1, 2, 4 } };
	static const uint8_t id15[] = { 0x0f, 0x01, 0xaa, 0x00 };
	static const struct elem e15[] = { { 15, 1, 2 } };
	static const uint8_t id255[] = { 0xff, 0x00, 0x00, 0x00 };
	static const struct elem e255[] = { { 255, 0, 2 } };
	static uint8_t big[260];
	static const struct elem ebig[] = { { 7, 255, 2 } };
	uint16_t app;

	big[0] = 7;
	big[1] = 255;
	memset(big + 2, 0x33, 255);

	expect("two-byte: length 0 and padding", 0x1000, a, sizeof(a), ea, 2, 0);
	for (app = 1; app < 16; app++)
		expect("two-byte: app bits", (uint16_t)(0x1000 | app), a, sizeof(a), ea, 2, 0);
	expect("two-byte: a lone ID byte at the end", 0x1000, lone, sizeof(lone), elone, 1,
	       KSRTP_EMALFORMED);
	expect("two-byte: length past the block", 0x1000, past, sizeof(past), NULL, 0,
	       KSRTP_EMALFORMED);
	expect("two-byte: data one byte short", 0x1000, short1, sizeof(short1), eshort1, 1,
	       KSRTP_EMALFORMED);
	expect("two-byte: ID 15 is an ordinary ID", 0x1000, id15, sizeof(id15), e15, 1, 0);
	expect("two-byte: ID 255", 0x1000, id255, sizeof(id255), e255, 1, 0);
	expect("two-byte: 255 data bytes", 0x1000, big, 257, ebig, 1, 0);
}

static void not_rfc8285(void)
{
	static const uint16_t profiles[] = { 0x0000, 0x1234, 0xbedf, 0xbede ^ 0x8000, 0x1010,
					     0x0100, 0x2000, 0xffff };
	static const uint8_t block[] = { 0x10, 0xaa, 0x00, 0x00 };
	struct ksrtp_rtp_header h;
	struct ksrtp_rtp_ext_iter it;
	uint8_t *pkt, plain[32];
	size_t i, len;

	unit_case("extensions that are not RFC 8285");
	for (i = 0; i < ARRAY_SIZE(profiles); i++) {
		pkt = make(profiles[i], block, sizeof(block), &len);
		CHECK_ERR(ksrtp_rtp_parse(pkt, len, &h), 0);
		CHECK_ERR(ksrtp_rtp_ext_begin(pkt, &h, &it), KSRTP_EUNSUPPORTED);
		free(pkt);
	}
	/* No extension at all. */
	len = unit_rtp(plain, 1, 1, 0, -1, 8);
	CHECK_ERR(ksrtp_rtp_parse(plain, len, &h), 0);
	CHECK_ERR(ksrtp_rtp_ext_begin(plain, &h, &it), KSRTP_EINVAL);
	unit_case_end();
}

int main(void)
{
	one_byte();
	two_byte();
	not_rfc8285();
	return test_result();
}
