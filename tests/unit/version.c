// SPDX-License-Identifier: MIT
/*
 * ksrtp_version() names the version of the header the library was built
 * with, "MAJOR.MINOR.PATCH", and the Makefile's (the shared library's file
 * name, ksrtp.pc) is read from the same macros.
 */
#include "test.h"

int main(void)
{
	char want[32];

	snprintf(want, sizeof(want), "%d.%d.%d", KSRTP_VERSION_MAJOR, KSRTP_VERSION_MINOR,
		 KSRTP_VERSION_PATCH);
	CHECK(!strcmp(ksrtp_version(), want));
	if (strcmp(ksrtp_version(), want))
		fprintf(stderr, "ksrtp_version() %s, header %s\n", ksrtp_version(), want);
	return test_result();
}
