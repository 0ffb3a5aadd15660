// SPDX-License-Identifier: MIT
#include "ksrtp/ksrtp.h"

#define KSRTP_STR(x) #x
#define KSRTP_XSTR(x) KSRTP_STR(x)

const char *ksrtp_version(void)
{
	return KSRTP_XSTR(KSRTP_VERSION_MAJOR) "." KSRTP_XSTR(KSRTP_VERSION_MINOR) "."
		KSRTP_XSTR(KSRTP_VERSION_PATCH);
}
