/* SPDX-License-Identifier: MIT */
/*
 * What every test program shares: exit codes (as automake and liburing's
 * tests use them) and a failure report naming file and line. Each test is a
 * small program that tests one thing; main() returns T_PASS, T_FAIL or T_SKIP.
 */
#ifndef KSRTP_TEST_H
#define KSRTP_TEST_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ksrtp/ksrtp.h"

#define T_PASS 0
#define T_FAIL 1
#define T_SKIP 77

/*
 * The four profiles: RFC 7714 section 12 (16-octet GCM tags, 12-octet
 * salts), RFC 3711 section 8.2 (AES-CM: 14-octet salt, 80-bit tag) and RFC
 * 5764 section 4.1.2 (_32: 32-bit SRTP tag; SRTCP keeps 80 bits, as libsrtp's
 * srtp_crypto_policy_set_rtcp_default does).
 */
struct test_profile {
	enum ksrtp_profile id;
	const char *name;
	size_t key_len;		/* master key */
	size_t salt_len;	/* master salt */
	size_t rtp_tag_len;
	size_t rtcp_tag_len;
	bool gcm;
};

static const struct test_profile test_profiles[] = {
	{ KSRTP_AEAD_AES_128_GCM, "AEAD_AES_128_GCM", 16, 12, 16, 16, true },
	{ KSRTP_AEAD_AES_256_GCM, "AEAD_AES_256_GCM", 32, 12, 16, 16, true },
	{ KSRTP_AES_CM_128_HMAC_SHA1_80, "AES_CM_128_HMAC_SHA1_80", 16, 14, 10, 10, false },
	{ KSRTP_AES_CM_128_HMAC_SHA1_32, "AES_CM_128_HMAC_SHA1_32", 16, 14, 4, 10, false },
};
#define TEST_NPROFILES (sizeof(test_profiles) / sizeof(test_profiles[0]))

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

/*
 * The engine a suite runs on. Suites that can run on either engine make
 * their sessions from test_config(), which reads
 *   KSRTP_TEST_ENGINE     user (default) | kernel | auto
 *   KSRTP_TEST_TRANSPORT  ioctl (default) | uring
 * The host runs them on the user engine; tests/vm runs the applicable ones
 * on the kernel engine inside the VM, once per transport. A value outside
 * those is a failure, never a silent run on the default.
 */
static inline const char *test_env(const char *name, const char *dflt)
{
	const char *v = getenv(name);

	return v && *v ? v : dflt;
}

static inline struct ksrtp_config test_config(void)
{
	const char *engine = test_env("KSRTP_TEST_ENGINE", "user");
	const char *transport = test_env("KSRTP_TEST_TRANSPORT", "ioctl");
	struct ksrtp_config cfg;

	memset(&cfg, 0, sizeof(cfg));
	if (!strcmp(engine, "user")) {
		cfg.engine = KSRTP_ENGINE_USER;
	} else if (!strcmp(engine, "kernel")) {
		cfg.engine = KSRTP_ENGINE_KERNEL;
	} else if (!strcmp(engine, "auto")) {
		cfg.engine = KSRTP_ENGINE_AUTO;
	} else {
		fprintf(stderr, "KSRTP_TEST_ENGINE=%s: want user, kernel or auto\n", engine);
		exit(T_FAIL);
	}
	if (!strcmp(transport, "ioctl")) {
		cfg.kernel_transport = KSRTP_KERNEL_IOCTL;
	} else if (!strcmp(transport, "uring")) {
		cfg.kernel_transport = KSRTP_KERNEL_URING;
	} else {
		fprintf(stderr, "KSRTP_TEST_TRANSPORT=%s: want ioctl or uring\n", transport);
		exit(T_FAIL);
	}
	return cfg;
}

/*
 * Whether the engine under test carries a stream of this profile (any_ssrc:
 * as a template). The kernel engine has the GCM profiles only and no
 * templates; user and auto (per-stream fallback) have everything. A test
 * leaves out what does not apply and says so with test_not_applicable().
 */
static inline bool test_engine_has(enum ksrtp_profile profile, bool any_ssrc)
{
	if (strcmp(test_env("KSRTP_TEST_ENGINE", "user"), "kernel"))
		return true;
	return !any_ssrc &&
	       (profile == KSRTP_AEAD_AES_128_GCM || profile == KSRTP_AEAD_AES_256_GCM);
}

static inline void test_not_applicable(const char *what)
{
	printf("not applicable on the %s engine: %s\n", test_env("KSRTP_TEST_ENGINE", "user"),
	       what);
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
