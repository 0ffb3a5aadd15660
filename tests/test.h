/* SPDX-License-Identifier: MIT */
/*
 * What every test program shares: exit codes (as automake and liburing's
 * tests use them) and a failure report naming file and line. Each test is a
 * small program that tests one thing; main() returns T_PASS, T_FAIL or T_SKIP.
 */
#ifndef KSRTP_TEST_H
#define KSRTP_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ksrtp/ksrtp.h"

#define T_PASS 0
#define T_FAIL 1
#define T_SKIP 77

/* Report and count a failed condition; the test goes on, main returns test_result(). */
static int test_failures;

#define CHECK(cond)                                                                  \
	do {                                                                         \
		if (!(cond)) {                                                       \
			fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, \
				#cond);                                              \
			test_failures++;                                             \
		}                                                                    \
	} while (0)

/* Compare two ksrtp return codes and name both on failure. */
#define CHECK_ERR(got, want)                                                           \
	do {                                                                           \
		int got_ = (got), want_ = (want);                                       \
		if (got_ != want_) {                                                   \
			fprintf(stderr, "%s:%d: %s = %d (%s), want %d (%s)\n", __FILE__, \
				__LINE__, #got, got_, ksrtp_strerror(got_), want_,     \
				ksrtp_strerror(want_));                                \
			test_failures++;                                               \
		}                                                                      \
	} while (0)

#define CHECK_MEM(a, b, n) CHECK(memcmp((a), (b), (n)) == 0)

static inline int test_result(void)
{
	return test_failures ? T_FAIL : T_PASS;
}

/* Parse a hex string (spaces ignored) into out; returns the byte count. */
static inline size_t test_hex(const char *hex, unsigned char *out, size_t cap)
{
	size_t n = 0;
	int hi = -1;

	for (; *hex; hex++) {
		int v;

		if (*hex >= '0' && *hex <= '9')
			v = *hex - '0';
		else if (*hex >= 'a' && *hex <= 'f')
			v = *hex - 'a' + 10;
		else if (*hex >= 'A' && *hex <= 'F')
			v = *hex - 'A' + 10;
		else
			continue;
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n == cap) {
			fprintf(stderr, "test_hex: more than %zu bytes\n", cap);
			exit(T_FAIL);
		}
		out[n++] = (unsigned char)(hi << 4 | v);
		hi = -1;
	}
	return n;
}

/* xorshift64*: reproducible pseudo-random data for tests (not for keys). */
static inline unsigned long long test_rand(unsigned long long *state)
{
	unsigned long long x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

#endif /* KSRTP_TEST_H */
