// SPDX-License-Identifier: MIT
/*
 * Engine selection (ksrtp.h, DESIGN.md "AUTO: kernel if /dev/ksrtp is
 * usable, else user"):
 *
 *   - KSRTP_ENGINE_USER gives a user-engine session that seals and opens;
 *   - AUTO (cfg NULL, or engine AUTO) gives a session whose engine is never
 *     reported as AUTO, and is USER when there is no /dev/ksrtp;
 *   - KERNEL without /dev/ksrtp fails with KSRTP_EKERNEL (it may not fall
 *     back: the caller asked for keys in kernel custody);
 *   - an engine outside the enum is KSRTP_EINVAL; err may be NULL.
 */
#include <unistd.h>

#include "unit.h"

#define SSRC 0xe4e4e4e4u

/* The session works: one packet each way, RTP and RTCP. */
static void works(ksrtp_session *s)
{
	const struct test_profile *pr = &test_profiles[0];
	struct ksrtp_policy p = unit_policy(pr, KSRTP_OUTBOUND, SSRC);
	uint8_t pkt[128], plain[128];
	size_t n, len;

	CHECK_ERR(ksrtp_add_stream(s, &p), 0);
	p.direction = KSRTP_INBOUND;
	CHECK_ERR(ksrtp_add_stream(s, &p), 0);
	n = unit_rtp(pkt, SSRC, 9, 0, -1, 33);
	memcpy(plain, pkt, n);
	len = n;
	CHECK_ERR(ksrtp_protect(s, pkt, &len, sizeof(pkt)), 0);
	CHECK(len == n + pr->rtp_tag_len);
	CHECK_ERR(ksrtp_unprotect(s, pkt, &len), 0);
	CHECK(len == n && memcmp(pkt, plain, n) == 0);
	n = unit_rtcp(pkt, SSRC, 24, 9);
	memcpy(plain, pkt, n);
	len = n;
	CHECK_ERR(ksrtp_protect_rtcp(s, pkt, &len, sizeof(pkt)), 0);
	CHECK_ERR(ksrtp_unprotect_rtcp(s, pkt, &len), 0);
	CHECK(len == n && memcmp(pkt, plain, n) == 0);
}

int main(void)
{
	bool have_dev = access("/dev/ksrtp", F_OK) == 0;
	struct ksrtp_config cfg;
	ksrtp_session *s;
	int err, use_null;

	unit_case("KSRTP_ENGINE_USER");
	cfg.engine = KSRTP_ENGINE_USER;
	err = 1;
	s = ksrtp_session_new(&cfg, &err);
	CHECK(s != NULL);
	CHECK_ERR(err, 0);
	if (s) {
		CHECK(ksrtp_session_engine(s) == KSRTP_ENGINE_USER);
		works(s);
		ksrtp_session_free(s);
	}
	unit_case_end();

	unit_case("KSRTP_ENGINE_AUTO (%s /dev/ksrtp)", have_dev ? "with" : "without");
	for (use_null = 0; use_null < 2; use_null++) {
		cfg.engine = KSRTP_ENGINE_AUTO;
		err = 1;
		s = ksrtp_session_new(use_null ? NULL : &cfg, &err);
		CHECK(s != NULL);
		CHECK_ERR(err, 0);
		if (!s)
			continue;
		CHECK(ksrtp_session_engine(s) != KSRTP_ENGINE_AUTO);
		if (!have_dev)
			CHECK(ksrtp_session_engine(s) == KSRTP_ENGINE_USER);
		works(s);
		ksrtp_session_free(s);
	}
	s = ksrtp_session_new(NULL, NULL);
	CHECK(s != NULL);
	ksrtp_session_free(s);
	unit_case_end();

	unit_case("KSRTP_ENGINE_KERNEL (%s /dev/ksrtp)", have_dev ? "with" : "without");
	cfg.engine = KSRTP_ENGINE_KERNEL;
	err = 1;
	s = ksrtp_session_new(&cfg, &err);
	if (!have_dev) {
		CHECK(s == NULL);
		CHECK_ERR(err, KSRTP_EKERNEL);
	} else if (s) {
		CHECK(ksrtp_session_engine(s) == KSRTP_ENGINE_KERNEL);
		CHECK_ERR(err, 0);
	} else {
		CHECK_ERR(err, KSRTP_EKERNEL);
	}
	ksrtp_session_free(s);
	s = ksrtp_session_new(&cfg, NULL);	/* err may be NULL */
	ksrtp_session_free(s);
	unit_case_end();

	unit_case("engines outside the enum");
	{
		static const int engines[] = { 3, 4, -1, 0x7fffffff };
		size_t i;

		for (i = 0; i < ARRAY_SIZE(engines); i++) {
			cfg.engine = (enum ksrtp_engine)engines[i];
			err = 1;
			s = ksrtp_session_new(&cfg, &err);
			CHECK(s == NULL);
			CHECK_ERR(err, KSRTP_EINVAL);
			ksrtp_session_free(s);
			CHECK(ksrtp_session_new(&cfg, NULL) == NULL);
		}
	}
	unit_case_end();
	return test_result();
}
