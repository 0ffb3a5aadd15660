// SPDX-License-Identifier: MIT
/*
 * The VP8 payload descriptor parser and writer (ksrtp_vp8_parse/_write)
 * against octets made by hand from the layout of RFC 7741 section 4.2:
 *
 *   - each descriptor parses to the right length and fields, every shorter
 *     prefix is KSRTP_EMALFORMED (from an exact-size copy, so the sanitizer
 *     build catches any read past it), and writing the fields back gives
 *     the same octets;
 *   - reserved bits (R, RSV) are ignored, as section 4.2 says;
 *   - the writer refuses fields out of range and a short buffer.
 */
#include "media_test.h"

struct vec {
	const char *name;
	const char *hex;
	struct ksrtp_vp8_desc d;
};

static const struct vec vecs[] = {
	/* |X=0|R|N=0|S=1|R|PID=0|: the one-octet form. */
	{ "S, PID 0", "10", { .flags = KSRTP_VP8_S } },
	/* |X=0|R|N=1|S=0|R|PID=5| */
	{ "N, PID 5", "25", { .flags = KSRTP_VP8_N, .pid = 5 } },
	/* X; |I=1|...|; |M=0| PictureID 17 | */
	{ "7-bit PictureID", "90 80 11", { .flags = KSRTP_VP8_S | KSRTP_VP8_I, .picture_id = 17 } },
	/* X; I; |M=1| 0x01 | 0x23 |: 15-bit PictureID 0x0123 */
	{ "15-bit PictureID", "90 80 81 23",
	  { .flags = KSRTP_VP8_S | KSRTP_VP8_I | KSRTP_VP8_M, .picture_id = 0x123 } },
	/*
	 * X, N, S, PID 3; |I|L|T|K|; PictureID 0x7fff (M); TL0PICIDX 0x55;
	 * |TID=2|Y=1|KEYIDX=17| = 10 1 10001.
	 */
	{ "every field", "b3 f0 ff ff 55 b1",
	  { .flags = KSRTP_VP8_N | KSRTP_VP8_S | KSRTP_VP8_I | KSRTP_VP8_M | KSRTP_VP8_L |
		     KSRTP_VP8_T | KSRTP_VP8_Y | KSRTP_VP8_K,
	    .pid = 3, .tid = 2, .keyidx = 17, .tl0picidx = 0x55, .picture_id = 0x7fff } },
	/* K alone still brings the T/K octet: |TID=0|Y=0|KEYIDX=31| */
	{ "KEYIDX only", "80 10 1f", { .flags = KSRTP_VP8_K, .keyidx = 31 } },
	/* T alone: |TID=3|Y=0|KEYIDX=0| */
	{ "TID only", "80 20 c0", { .flags = KSRTP_VP8_T, .tid = 3 } },
	/* L alone: TL0PICIDX 0 */
	{ "TL0PICIDX only", "80 40 00", { .flags = KSRTP_VP8_L } },
};

static bool same(const struct ksrtp_vp8_desc *a, const struct ksrtp_vp8_desc *b)
{
	return a->flags == b->flags && a->pid == b->pid && a->tid == b->tid &&
	       a->keyidx == b->keyidx && a->tl0picidx == b->tl0picidx &&
	       a->picture_id == b->picture_id;
}

static int parse_exact(const uint8_t *buf, size_t len, struct ksrtp_vp8_desc *d)
{
	uint8_t *e = mt_alloc(len);
	int n;

	memcpy(e, buf, len);
	n = ksrtp_vp8_parse(len ? e : NULL, len, d);
	free(e);
	return n;
}

static void vectors(void)
{
	unsigned int i;

	for (i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++) {
		uint8_t buf[16], out[16];
		struct ksrtp_vp8_desc d;
		size_t n = test_hex(vecs[i].hex, buf, sizeof(buf)), k;
		int r;

		r = parse_exact(buf, n, &d);
		if (r != (int)n || !same(&d, &vecs[i].d)) {
			fprintf(stderr, "%s: parsed %d, want %zu (fields %s)\n", vecs[i].name, r, n,
				same(&d, &vecs[i].d) ? "right" : "wrong");
			test_failures++;
		}
		CHECK(ksrtp_vp8_desc_len(&vecs[i].d) == n);
		/* With payload after it, the same length. */
		buf[n] = 0xaa;
		CHECK(parse_exact(buf, n + 1, &d) == (int)n);
		for (k = 0; k < n; k++) {
			if (parse_exact(buf, k, &d) != KSRTP_EMALFORMED) {
				fprintf(stderr, "%s: %zu of %zu octets parsed\n", vecs[i].name, k,
					n);
				test_failures++;
			}
		}
		r = ksrtp_vp8_write(out, sizeof(out), &vecs[i].d);
		if (r != (int)n || memcmp(out, buf, n)) {
			fprintf(stderr, "%s: writer gave %d octets, not the vector\n", vecs[i].name,
				r);
			test_failures++;
		}
		CHECK_ERR(ksrtp_vp8_write(out, n - 1, &vecs[i].d), KSRTP_ENOSPACE);
	}
}

static void reserved_bits_ignored(void)
{
	uint8_t buf[8];
	struct ksrtp_vp8_desc d;
	size_t n = test_hex("d0 8f 11", buf, sizeof(buf));	/* R bits set in both octets */

	CHECK(parse_exact(buf, n, &d) == 3);
	CHECK(d.flags == (KSRTP_VP8_S | KSRTP_VP8_I) && d.picture_id == 17 && d.pid == 0);
}

static void writer_refuses(void)
{
	uint8_t out[16];
	struct ksrtp_vp8_desc d;

	memset(&d, 0, sizeof(d));
	d.pid = 8;
	CHECK_ERR(ksrtp_vp8_write(out, sizeof(out), &d), KSRTP_EINVAL);
	memset(&d, 0, sizeof(d));
	d.flags = KSRTP_VP8_T;
	d.tid = 4;
	CHECK_ERR(ksrtp_vp8_write(out, sizeof(out), &d), KSRTP_EINVAL);
	memset(&d, 0, sizeof(d));
	d.flags = KSRTP_VP8_K;
	d.keyidx = 32;
	CHECK_ERR(ksrtp_vp8_write(out, sizeof(out), &d), KSRTP_EINVAL);
	memset(&d, 0, sizeof(d));
	d.flags = KSRTP_VP8_I;
	d.picture_id = 128;	/* needs M */
	CHECK_ERR(ksrtp_vp8_write(out, sizeof(out), &d), KSRTP_EINVAL);
	d.flags |= KSRTP_VP8_M;
	d.picture_id = 0x8000;
	CHECK_ERR(ksrtp_vp8_write(out, sizeof(out), &d), KSRTP_EINVAL);
	memset(&d, 0, sizeof(d));
	d.flags = KSRTP_VP8_Y;	/* Y lives in the TID octet */
	CHECK_ERR(ksrtp_vp8_write(out, sizeof(out), &d), KSRTP_EINVAL);
	CHECK_ERR(ksrtp_vp8_write(NULL, 16, &d), KSRTP_EINVAL);
}

int main(void)
{
	vectors();
	reserved_bits_ignored();
	writer_refuses();
	return test_result();
}
