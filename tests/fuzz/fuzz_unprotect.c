// SPDX-License-Identifier: MIT
/* libFuzzer target: ksrtp_unprotect() on hostile SRTP (see fuzz_common.h). */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_run(data, size, ksrtp_unprotect);
	return 0;
}
