// SPDX-License-Identifier: MIT
/*
 * The RTP header parser (lib/rtp.h, ksrtp_rtp_parse) against RFC 3550
 * section 5.1 (fixed header, CSRC list) and 5.3.1 (extension header: 16-bit
 * profile, 16-bit length in 32-bit words). Every packet sits in an
 * allocation of exactly its length, so the sanitizer build reports any byte
 * read past it.
 *
 *   - every length 0..11 of the fixed header is KSRTP_EMALFORMED;
 *   - version 0, 1, 3 is KSRTP_EMALFORMED;
 *   - for every CSRC count 0..15 and extension length, the exact length
 *     parses (header_len, ext_offset, ext_len right) and every shorter one
 *     is KSRTP_EMALFORMED: CSRC list, extension header, extension data;
 *   - an extension length of 0xffff words on a short packet;
 *   - the fields: marker, payload type, padding and extension bits, seq, SSRC.
 */
#include "rtp.h"
#include "unit.h"

static int parse_exact(const uint8_t *pkt, size_t len, struct ksrtp_rtp_header *h)
{
	uint8_t *e = unit_exact(pkt, len);
	int err = ksrtp_rtp_parse(e, len, h);

	CHECK_MEM(e, pkt, len);
	free(e);
	return err;
}

static void truncated_and_version(void)
{
	uint8_t pkt[64];
	struct ksrtp_rtp_header h;
	size_t n = unit_rtp(pkt, 0x01020304u, 0x0506, 0, -1, 20), len;
	unsigned int v;

	unit_case("fixed header: truncation and version");
	for (len = 0; len < 12; len++)
		CHECK_ERR(parse_exact(pkt, len, &h), KSRTP_EMALFORMED);
	CHECK_ERR(parse_exact(pkt, 12, &h), 0);
	CHECK_ERR(parse_exact(pkt, n, &h), 0);
	for (v = 0; v < 4; v++) {
		pkt[0] = (uint8_t)((pkt[0] & 0x3f) | v << 6);
		CHECK_ERR(parse_exact(pkt, n, &h), v == 2 ? 0 : KSRTP_EMALFORMED);
	}
	unit_case_end();
}

static void fields(void)
{
	uint8_t pkt[64];
	struct ksrtp_rtp_header h;
	size_t n;

	unit_case("header fields");
	n = unit_rtp(pkt, 0xfedcba98u, 0xabcd, 0, -1, 4);
	pkt[1] = 0x80 | 111;	/* marker, PT 111 */
	pkt[0] |= 0x20;		/* padding */
	CHECK_ERR(parse_exact(pkt, n, &h), 0);
	CHECK(h.ssrc == 0xfedcba98u);
	CHECK(h.seq == 0xabcd);
	CHECK(h.marker);
	CHECK(h.payload_type == 111);
	CHECK(h.padding);
	CHECK(!h.has_ext);
	CHECK(h.csrc_count == 0);
	CHECK(h.header_len == 12);
	pkt[1] = 0;
	pkt[0] &= (uint8_t)~0x20;
	CHECK_ERR(parse_exact(pkt, n, &h), 0);
	CHECK(!h.marker && h.payload_type == 0 && !h.padding);
	unit_case_end();
}

static void csrc_and_extension(void)
{
	static uint8_t pkt[12 + 60 + 4 + 4 * 300 + 16];
	struct ksrtp_rtp_header h;
	unsigned int cc, reported = 0;
	int w;
	size_t n, len, hdr;

	unit_case("CSRC list and extension bounds");
	for (cc = 0; cc < 16; cc++) {
		for (w = -1; w <= 300; w += w < 8 ? 1 : 73) {
			n = unit_rtp(pkt, 0x11111111u, 7, cc, w, 0);
			hdr = n;
			/* The exact length parses, with every field right. */
			if (parse_exact(pkt, n, &h) || h.header_len != hdr || h.csrc_count != cc ||
			    h.has_ext != (w >= 0) ||
			    (w >= 0 && (h.ext_offset != 12 + 4 * cc + 4 || h.ext_len != 4u * (unsigned int)w ||
					h.ext_profile != 0xbede))) {
				if (reported++ < 10)
					fprintf(stderr, "CC %u ext %d: exact length %zu misparsed\n",
						cc, w, n);
				test_failures++;
			}
			/* With payload after it, the same header. */
			if (parse_exact(pkt, n + 16, &h) || h.header_len != hdr) {
				if (reported++ < 10)
					fprintf(stderr, "CC %u ext %d: with payload misparsed\n", cc, w);
				test_failures++;
			}
			/* Every shorter length is malformed: CSRCs, extension header or data cut. */
			for (len = 0; len < n; len++) {
				if (parse_exact(pkt, len, &h) != KSRTP_EMALFORMED) {
					if (reported++ < 10)
						fprintf(stderr, "CC %u ext %d: %zu of %zu bytes parsed\n",
							cc, w, len, n);
					test_failures++;
				}
			}
		}
	}
	/* 0xffff words (262140 bytes) claimed on a short packet. */
	n = unit_rtp(pkt, 0x22222222u, 8, 3, 1, 40);
	pkt[12 + 12 + 2] = 0xff;
	pkt[12 + 12 + 3] = 0xff;
	CHECK_ERR(parse_exact(pkt, n, &h), KSRTP_EMALFORMED);
	unit_case_end();
}

int main(void)
{
	truncated_and_version();
	fields();
	csrc_and_extension();
	return test_result();
}
