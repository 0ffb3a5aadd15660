// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: hostile RTP packets into a VP9 assembler (see
 * fuzz_media.h), and each payload's descriptor and scalability structure
 * through ksrtp_vp9_parse: whatever parses must write back
 * (ksrtp_vp9_write) to the same length and parse to the same fields.
 */
#include "fuzz_media.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct ksrtp_vp9_ss ss, ss_again;

static void descriptor(const uint8_t *p, size_t len)
{
	static uint8_t out[8 + 1 + 4 * KSRTP_VP9_MAX_SPATIAL + 1 + 4 * KSRTP_VP9_MAX_PG];
	struct ksrtp_vp9_desc d, again;
	int n = ksrtp_vp9_parse(p, len, &d, &ss), w;

	if (n < 0)
		return;
	if ((size_t)n > len)
		abort();
	w = ksrtp_vp9_write(out, sizeof(out), &d, &ss);
	if (w != n || ksrtp_vp9_parse(out, (size_t)w, &again, &ss_again) != w ||
	    memcmp(&d, &again, sizeof(d)) ||
	    ((d.flags & KSRTP_VP9_V) && memcmp(&ss, &ss_again, sizeof(ss))))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_media_run(data, size, KSRTP_CODEC_VP9, descriptor);
	return 0;
}
