// SPDX-License-Identifier: MIT
/*
 * The VP9 payload descriptor parser and writer (ksrtp_vp9_parse/_write)
 * against octets made by hand from RFC 9628 section 4.2 (descriptor, both
 * modes) and section 4.2.1 (scalability structure):
 *
 *   - each descriptor parses to the right length and fields, every shorter
 *     prefix is KSRTP_EMALFORMED (exact-size copies), and the writer gives
 *     back the same octets;
 *   - F without I is ignored ("MUST also be set to zero and ignored by
 *     receivers"), so no reference indices are read;
 *   - the MUSTs: TID 0 when P = 0, D = 0 on spatial layer 0, at most three
 *     P_DIFFs, and a P_DIFF of 0 (a picture predicting from itself);
 *   - SS sizes that run past the packet: N_S + 1 resolutions, N_G pictures
 *     of R P_DIFFs each.
 */
#include "media_test.h"

static struct ksrtp_vp9_ss ss_want, ss_got;

static int parse_exact(const uint8_t *buf, size_t len, struct ksrtp_vp9_desc *d,
		       struct ksrtp_vp9_ss *ss)
{
	uint8_t *e = mt_alloc(len);
	int n;

	memcpy(e, buf, len);
	n = ksrtp_vp9_parse(len ? e : NULL, len, d, ss);
	free(e);
	return n;
}

static bool same(const struct ksrtp_vp9_desc *a, const struct ksrtp_vp9_desc *b)
{
	return a->flags == b->flags && a->m == b->m && a->picture_id == b->picture_id &&
	       a->tid == b->tid && a->u == b->u && a->sid == b->sid && a->d == b->d &&
	       a->tl0picidx == b->tl0picidx && a->n_ref == b->n_ref &&
	       !memcmp(a->p_diff, b->p_diff, sizeof(a->p_diff));
}

/* Parse, truncate, write back. */
static void check_vector(const char *name, const char *hex, const struct ksrtp_vp9_desc *want,
			 const struct ksrtp_vp9_ss *ss)
{
	uint8_t buf[64], out[64];
	struct ksrtp_vp9_desc d;
	size_t n = test_hex(hex, buf, sizeof(buf)), k;
	int r;

	r = parse_exact(buf, n, &d, &ss_got);
	if (r != (int)n || !same(&d, want)) {
		fprintf(stderr, "%s: parsed %d of %zu octets, fields %s\n", name, r, n,
			same(&d, want) ? "right" : "wrong");
		test_failures++;
	}
	if (ss && memcmp(&ss_got, ss, sizeof(*ss))) {
		fprintf(stderr, "%s: SS parsed wrong\n", name);
		test_failures++;
	}
	for (k = 0; k < n; k++) {
		if (parse_exact(buf, k, &d, &ss_got) != KSRTP_EMALFORMED ||
		    parse_exact(buf, k, &d, NULL) != KSRTP_EMALFORMED) {
			fprintf(stderr, "%s: %zu of %zu octets parsed\n", name, k, n);
			test_failures++;
		}
	}
	r = ksrtp_vp9_write(out, sizeof(out), want, ss);
	if (r != (int)n || memcmp(out, buf, n)) {
		fprintf(stderr, "%s: writer gave %d octets, not the vector\n", name, r);
		test_failures++;
	}
	CHECK_ERR(ksrtp_vp9_write(out, n - 1, want, ss), KSRTP_ENOSPACE);
}

static void vectors(void)
{
	struct ksrtp_vp9_desc d;

	/* |I|P|L|F|B|E|V|Z| = 0000 1100: one octet, B and E. */
	memset(&d, 0, sizeof(d));
	d.flags = KSRTP_VP9_B | KSRTP_VP9_E;
	check_vector("B, E", "0c", &d, NULL);

	/*
	 * Non-flexible: I P L B E = 1110 1100; |M=1| 0x12 | 0x34 |;
	 * |TID=2|U=1|SID=1|D=1| = 010 1 001 1; TL0PICIDX 7.
	 */
	memset(&d, 0, sizeof(d));
	d.flags = KSRTP_VP9_I | KSRTP_VP9_P | KSRTP_VP9_L | KSRTP_VP9_B | KSRTP_VP9_E;
	d.m = 1;
	d.picture_id = 0x1234;
	d.tid = 2;
	d.u = 1;
	d.sid = 1;
	d.d = 1;
	d.tl0picidx = 7;
	check_vector("non-flexible", "ec 92 34 53 07", &d, NULL);

	/*
	 * Flexible: I P L F B = 1111 1000; 7-bit PictureID 5; |TID=1|U|SID|D| =
	 * 001 0 000 0; P_DIFF 1 N=1, P_DIFF 2 N=1, P_DIFF 4 N=0 (no TL0PICIDX).
	 */
	memset(&d, 0, sizeof(d));
	d.flags = KSRTP_VP9_I | KSRTP_VP9_P | KSRTP_VP9_L | KSRTP_VP9_F | KSRTP_VP9_B;
	d.picture_id = 5;
	d.tid = 1;
	d.n_ref = 3;
	d.p_diff[0] = 1;
	d.p_diff[1] = 2;
	d.p_diff[2] = 4;
	check_vector("flexible, 3 references", "f8 05 20 03 05 08", &d, NULL);

	/* Flexible, one reference, Z: |I|P|-|F|-|E|-|Z| = 1101 0101; PictureID 127; P_DIFF 127. */
	memset(&d, 0, sizeof(d));
	d.flags = KSRTP_VP9_I | KSRTP_VP9_P | KSRTP_VP9_F | KSRTP_VP9_E | KSRTP_VP9_Z;
	d.picture_id = 127;
	d.n_ref = 1;
	d.p_diff[0] = 127;
	check_vector("flexible, 1 reference", "d5 7f fe", &d, NULL);

	/*
	 * Key picture with SS: I B V = 1000 1010; |M=1| 0x00 | 0x01 |;
	 * SS |N_S=1|Y=1|G=1|---| = 001 1 1 000; 320x180, 640x360; N_G = 2:
	 * |TID=0|U=0|R=1|--| = 000 0 01 00 with P_DIFF 2, |TID=1|U=1|R=0|--|.
	 */
	memset(&d, 0, sizeof(d));
	d.flags = KSRTP_VP9_I | KSRTP_VP9_B | KSRTP_VP9_V;
	d.m = 1;
	d.picture_id = 1;
	memset(&ss_want, 0, sizeof(ss_want));
	ss_want.n_s = 2;
	ss_want.y = 1;
	ss_want.g = 1;
	ss_want.width[0] = 320;
	ss_want.height[0] = 180;
	ss_want.width[1] = 640;
	ss_want.height[1] = 360;
	ss_want.n_g = 2;
	ss_want.pg[0].n_diff = 1;
	ss_want.pg[0].p_diff[0] = 2;
	ss_want.pg[1].tid = 1;
	ss_want.pg[1].u = 1;
	check_vector("SS", "8a 80 01 38 01 40 00 b4 02 80 01 68 02 04 02 30", &d, &ss_want);

	/* SS without resolutions or PG: |N_S=0|Y=0|G=0|---|. */
	memset(&d, 0, sizeof(d));
	d.flags = KSRTP_VP9_B | KSRTP_VP9_V;
	memset(&ss_want, 0, sizeof(ss_want));
	ss_want.n_s = 1;
	check_vector("bare SS", "0a 00", &d, &ss_want);
}

static void flexible_without_picture_id(void)
{
	uint8_t buf[8];
	struct ksrtp_vp9_desc d;
	size_t n = test_hex("5c 03", buf, sizeof(buf));	/* P F B E, no I */

	/* F is ignored: no P_DIFF is read, the descriptor is one octet. */
	CHECK(parse_exact(buf, n, &d, NULL) == 1);
	CHECK(d.flags == (KSRTP_VP9_P | KSRTP_VP9_B | KSRTP_VP9_E) && d.n_ref == 0);
	memset(&d, 0, sizeof(d));
	d.flags = KSRTP_VP9_F | KSRTP_VP9_P;
	d.n_ref = 1;
	d.p_diff[0] = 1;
	CHECK_ERR(ksrtp_vp9_write(buf, sizeof(buf), &d, NULL), KSRTP_EINVAL);
}

static void musts(void)
{
	static const char *const bad[] = {
		"a8 00 20 00",		/* I L B, P = 0 with TID 1 */
		"a8 00 01 00",		/* I L B, SID 0 with D */
		"d8 00 00",		/* I P F B, P_DIFF 0 */
		"d8 00 03 03 03 02",	/* I P F B, a fourth P_DIFF announced */
	};
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint8_t buf[16];
		struct ksrtp_vp9_desc d;
		size_t n = test_hex(bad[i], buf, sizeof(buf));

		if (parse_exact(buf, n, &d, NULL) != KSRTP_EMALFORMED) {
			fprintf(stderr, "\"%s\" parsed\n", bad[i]);
			test_failures++;
		}
	}
}

static void ss_sizes(void)
{
	uint8_t buf[1100];
	struct ksrtp_vp9_desc d;
	size_t n;

	/* N_S = 7 with Y: eight resolutions (32 octets), only 8 present. */
	n = test_hex("0a f0 00 10 00 10 00 20 00 20", buf, sizeof(buf));
	CHECK(parse_exact(buf, n, &d, &ss_got) == KSRTP_EMALFORMED);
	/* N_G = 255 pictures, two present. */
	n = test_hex("0a 08 ff 00 00", buf, sizeof(buf));
	CHECK(parse_exact(buf, n, &d, &ss_got) == KSRTP_EMALFORMED);
	/* A picture with R = 3 and two P_DIFFs. */
	n = test_hex("0a 08 01 0c 01 02", buf, sizeof(buf));
	CHECK(parse_exact(buf, n, &d, &ss_got) == KSRTP_EMALFORMED);
	/* The largest SS there is: 8 layers, 255 pictures of 3 P_DIFFs each. */
	memset(buf, 0, sizeof(buf));
	buf[0] = KSRTP_VP9_V;
	buf[1] = 0xe0 | 0x10 | 0x08;
	buf[34] = 255;
	for (n = 0; n < 255; n++) {
		buf[35 + 4 * n] = 0x0c;
		buf[36 + 4 * n] = 1;
		buf[37 + 4 * n] = 2;
		buf[38 + 4 * n] = 3;
	}
	n = 35 + 4 * 255;
	CHECK(parse_exact(buf, n, &d, &ss_got) == (int)n);
	CHECK(ss_got.n_s == 8 && ss_got.n_g == 255 && ss_got.pg[254].n_diff == 3 &&
	      ss_got.pg[254].p_diff[2] == 3);
	CHECK(ksrtp_vp9_write(buf, sizeof(buf), &d, &ss_got) == (int)n);
	CHECK(parse_exact(buf, n - 1, &d, &ss_got) == KSRTP_EMALFORMED);
}

static void writer_refuses(void)
{
	uint8_t out[64];
	struct ksrtp_vp9_desc d;

	memset(&d, 0, sizeof(d));
	d.flags = KSRTP_VP9_I;
	d.picture_id = 128;	/* needs m */
	CHECK_ERR(ksrtp_vp9_write(out, sizeof(out), &d, NULL), KSRTP_EINVAL);
	memset(&d, 0, sizeof(d));
	d.flags = KSRTP_VP9_L;
	d.tid = 1;		/* P = 0 */
	CHECK_ERR(ksrtp_vp9_write(out, sizeof(out), &d, NULL), KSRTP_EINVAL);
	memset(&d, 0, sizeof(d));
	d.flags = KSRTP_VP9_I | KSRTP_VP9_P | KSRTP_VP9_F;
	d.n_ref = 0;		/* flexible inter frame without references */
	CHECK_ERR(ksrtp_vp9_write(out, sizeof(out), &d, NULL), KSRTP_EINVAL);
	d.n_ref = 1;
	d.p_diff[0] = 128;
	CHECK_ERR(ksrtp_vp9_write(out, sizeof(out), &d, NULL), KSRTP_EINVAL);
	memset(&d, 0, sizeof(d));
	d.flags = KSRTP_VP9_V;
	CHECK_ERR(ksrtp_vp9_write(out, sizeof(out), &d, NULL), KSRTP_EINVAL);
	memset(&ss_want, 0, sizeof(ss_want));
	CHECK_ERR(ksrtp_vp9_write(out, sizeof(out), &d, &ss_want), KSRTP_EINVAL);	/* n_s 0 */
	ss_want.n_s = 1;
	ss_want.n_g = 1;	/* without g */
	CHECK_ERR(ksrtp_vp9_write(out, sizeof(out), &d, &ss_want), KSRTP_EINVAL);
}

int main(void)
{
	vectors();
	flexible_without_picture_id();
	musts();
	ss_sizes();
	writer_refuses();
	return test_result();
}
