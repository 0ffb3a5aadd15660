// SPDX-License-Identifier: MIT
/*
 * Write seed corpora for the fuzz targets: sequences of valid SRTP and SRTCP
 * packets sealed with the fuzz keys (fuzz_common.h) for every profile, with
 * CSRCs, one- and two-byte header extensions, padding, empty payloads, and a
 * sequence rollover; and the same for the cryptex streams (RFC 9335: 0xC0DE
 * and 0xC2DE headers, encrypted CSRCs and extensions, empty blocks added). Usage: make-seeds DIR (writes DIR/unprotect/ and
 * DIR/unprotect_rtcp/, one per fuzz target).
 */
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>

#include "fuzz_common.h"

struct seed {
	uint8_t data[16384];
	size_t len;
};

static void seed_add(struct seed *sd, const uint8_t *pkt, size_t len)
{
	if (sd->len + 2 + len > sizeof(sd->data))
		return;
	sd->data[sd->len++] = (uint8_t)(len >> 8);
	sd->data[sd->len++] = (uint8_t)len;
	memcpy(sd->data + sd->len, pkt, len);
	sd->len += len;
}

static int seed_write(const char *dir, const char *kind, unsigned int n, const struct seed *sd)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/seed-%03u", dir, kind, n);
	f = fopen(path, "wb");
	if (!f || fwrite(sd->data, 1, sd->len, f) != sd->len || fclose(f)) {
		perror(path);
		return -1;
	}
	return 0;
}

/* An RTP packet: variant picks CSRCs, extension form, padding and size. */
static size_t make_rtp(uint8_t *pkt, uint32_t ssrc, uint16_t seq, unsigned int variant)
{
	unsigned int cc = variant % 3, ext = variant / 3 % 3, pad = variant / 9 % 2;
	size_t payload = (variant * 53) % 300, len = 12, i;

	pkt[0] = (uint8_t)(0x80 | (pad ? 0x20 : 0) | (ext ? 0x10 : 0) | cc);
	pkt[1] = 96 | (variant & 1 ? 0x80 : 0);
	pkt[2] = (uint8_t)(seq >> 8);
	pkt[3] = (uint8_t)seq;
	memset(pkt + 4, 0x42, 4);
	pkt[8] = (uint8_t)(ssrc >> 24);
	pkt[9] = (uint8_t)(ssrc >> 16);
	pkt[10] = (uint8_t)(ssrc >> 8);
	pkt[11] = (uint8_t)ssrc;
	for (i = 0; i < cc * 4; i++)
		pkt[len++] = (uint8_t)(0xc0 + i);
	if (ext == 1) { /* RFC 8285 one-byte: id 1 len 2, id 2 len 1, pad */
		static const uint8_t one[] = { 0xbe, 0xde, 0x00, 0x02, 0x11, 0xaa, 0xbb,
					       0x20, 0xcc, 0x00, 0x00, 0x00 };
		memcpy(pkt + len, one, sizeof(one));
		len += sizeof(one);
	} else if (ext == 2) { /* RFC 8285 two-byte: id 5 len 3, pad */
		static const uint8_t two[] = { 0x10, 0x00, 0x00, 0x02, 0x05, 0x03,
					       0x01, 0x02, 0x03, 0x00, 0x00, 0x00 };
		memcpy(pkt + len, two, sizeof(two));
		len += sizeof(two);
	}
	for (i = 0; i < payload; i++)
		pkt[len++] = (uint8_t)(i * 7);
	if (pad) {
		pkt[len++] = 0;
		pkt[len++] = 0;
		pkt[len++] = 3;
	}
	return len;
}

/* Every seed must open in the fuzz targets' session, or the fuzzer starts blind. */
static int check_opens(ksrtp_session *rx, const uint8_t *pkt, size_t len, bool rtcp)
{
	uint8_t copy[2048];
	int err;

	memcpy(copy, pkt, len);
	err = rtcp ? ksrtp_unprotect_rtcp(rx, copy, &len) : ksrtp_unprotect(rx, copy, &len);
	if (err)
		fprintf(stderr, "make-seeds: a seed does not open: %s\n", ksrtp_strerror(err));
	return err;
}

static size_t make_rtcp(uint8_t *pkt, uint32_t ssrc, unsigned int variant)
{
	size_t words = 1 + variant % 12, len = 4 + 4 * words, i;

	pkt[0] = 0x81;
	pkt[1] = 200 + variant % 5;
	pkt[2] = (uint8_t)(words >> 8);
	pkt[3] = (uint8_t)words;
	pkt[4] = (uint8_t)(ssrc >> 24);
	pkt[5] = (uint8_t)(ssrc >> 16);
	pkt[6] = (uint8_t)(ssrc >> 8);
	pkt[7] = (uint8_t)ssrc;
	for (i = 8; i < len; i++)
		pkt[i] = (uint8_t)(i * 13);
	return len;
}

int main(int argc, char **argv)
{
	uint8_t pkt[2048];
	unsigned int n = 0, i, v;
	char path[4096];

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s%s", argv[1],
			 i == 0 ? "" : i == 1 ? "/unprotect" : "/unprotect_rtcp");
		if (mkdir(path, 0755) && errno != EEXIST) {
			perror(path);
			return 1;
		}
	}
	/* Streams 1..8 (per profile, plain and cryptex) and SSRC 77 (the any_ssrc template). */
	for (i = 0; i <= FUZZ_STREAMS; i++) {
		uint32_t ssrc = i < FUZZ_STREAMS ? i + 1 : 77;
		struct ksrtp_policy p = i < FUZZ_STREAMS ?
			fuzz_stream_policy(i, KSRTP_OUTBOUND) :
			fuzz_policy(FUZZ_TEMPLATE_PROFILE, KSRTP_OUTBOUND, ssrc);
		ksrtp_session *s = ksrtp_session_new(NULL, NULL);
		ksrtp_session *rx = fuzz_session(KSRTP_INBOUND);
		struct seed rtp = { .len = 0 }, rtcp = { .len = 0 };

		if (!s || ksrtp_add_stream(s, &p))
			return 1;
		for (v = 0; v < 24; v++) {
			size_t len = make_rtp(pkt, ssrc, (uint16_t)(65524 + v), v);

			if (ksrtp_protect(s, pkt, &len, sizeof(pkt)) ||
			    check_opens(rx, pkt, len, false))
				return 1;
			seed_add(&rtp, pkt, len);
			len = make_rtcp(pkt, ssrc, v);
			if (ksrtp_protect_rtcp(s, pkt, &len, sizeof(pkt)) ||
			    check_opens(rx, pkt, len, true))
				return 1;
			seed_add(&rtcp, pkt, len);
		}
		if (seed_write(argv[1], "unprotect", n, &rtp) ||
		    seed_write(argv[1], "unprotect_rtcp", n, &rtcp))
			return 1;
		n++;
		ksrtp_session_free(s);
		ksrtp_session_free(rx);
	}
	return 0;
}
