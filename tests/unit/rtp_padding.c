// SPDX-License-Identifier: MIT
/*
 * RTP padding (RFC 3550 section 5.1, P bit): "The last octet of the padding
 * contains a count of how many padding octets should be ignored, including
 * itself." lib/rtp.h ksrtp_rtp_padding_len: 0 without the P bit; with it, the
 * count when 1 <= count <= payload length (everything after the header,
 * CSRCs and extension included in the header), else KSRTP_EMALFORMED. A
 * P bit on a packet with no payload at all is malformed: there is no octet
 * to hold the count. Exact-size buffers: the count is the last byte, and
 * nothing past it may be read.
 */
#include "rtp.h"
#include "unit.h"

static int padding(const uint8_t *pkt, size_t len)
{
	struct ksrtp_rtp_header h;
	uint8_t *e = unit_exact(pkt, len);
	int r;

	if (ksrtp_rtp_parse(e, len, &h))
		UNIT_FATAL("test packet does not parse");
	r = ksrtp_rtp_padding_len(e, len, &h);
	free(e);
	return r;
}

int main(void)
{
	uint8_t pkt[12 + 60 + 12 + 300];
	unsigned int cc, reported = 0;
	size_t n, hdr, payload;
	int ext, count, want, got;

	unit_case("no P bit");
	n = unit_rtp(pkt, 1, 1, 0, -1, 10);
	pkt[n - 1] = 0;	/* a count of 0 means nothing without the P bit */
	CHECK_ERR(padding(pkt, n), 0);
	pkt[n - 1] = 200;
	CHECK_ERR(padding(pkt, n), 0);
	unit_case_end();

	unit_case("P bit: every count for every payload length");
	for (cc = 0; cc < 16; cc += 5) {
		for (ext = -1; ext < 3; ext += 2) {
			for (payload = 0; payload <= 260; payload += payload < 8 ? 1 : 63) {
				n = unit_rtp(pkt, 2, 2, cc, ext, payload);
				hdr = n - payload;
				pkt[0] |= 0x20;
				for (count = 0; count < 256; count++) {
					if (!payload) {
						/* No octet for the count. */
						want = KSRTP_EMALFORMED;
					} else {
						pkt[n - 1] = (uint8_t)count;
						want = count >= 1 && (size_t)count <= payload ?
							       count : KSRTP_EMALFORMED;
					}
					got = padding(pkt, n);
					if (got != want && reported++ < 10) {
						fprintf(stderr, "CC %u ext %d payload %zu (header %zu) count %d: %d, want %d\n",
							cc, ext, payload, hdr, count, got, want);
						test_failures++;
					}
					if (!payload)
						break;
				}
			}
		}
	}
	unit_case_end();
	return test_result();
}
