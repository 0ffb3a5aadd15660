// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: hostile RTP packets into a VP8 assembler (see
 * fuzz_media.h), and each payload's descriptor through ksrtp_vp8_parse:
 * whatever parses must write back (ksrtp_vp8_write) to a descriptor that
 * parses to the same fields.
 */
#include "fuzz_media.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void descriptor(const uint8_t *p, size_t len)
{
	struct ksrtp_vp8_desc d, again;
	uint8_t out[8];
	int n = ksrtp_vp8_parse(p, len, &d), w;

	if (n < 0)
		return;
	if ((size_t)n > len)
		abort();
	w = ksrtp_vp8_write(out, sizeof(out), &d);
	if (w < 0 || (size_t)w != ksrtp_vp8_desc_len(&d) ||
	    ksrtp_vp8_parse(out, (size_t)w, &again) != w || memcmp(&d, &again, sizeof(d)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_media_run(data, size, KSRTP_CODEC_VP8, descriptor);
	return 0;
}
