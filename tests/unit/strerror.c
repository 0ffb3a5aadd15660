// SPDX-License-Identifier: MIT
/*
 * ksrtp_strerror (ksrtp.h: "KSRTP_EAUTH: authentication failed", ... for
 * every code; DESIGN.md: it names each). Every code of enum ksrtp_error gets
 * a string that starts with the code's own name, no two alike, none the
 * unknown-code string; codes outside the enum all get that one string, never
 * NULL.
 */
#include <limits.h>

#include "unit.h"

static const struct {
	int code;
	const char *name;
} codes[] = {
	{ KSRTP_OK, "KSRTP_OK" },
	{ KSRTP_EAUTH, "KSRTP_EAUTH" },
	{ KSRTP_EREPLAY, "KSRTP_EREPLAY" },
	{ KSRTP_EMALFORMED, "KSRTP_EMALFORMED" },
	{ KSRTP_ENOSTREAM, "KSRTP_ENOSTREAM" },
	{ KSRTP_ENOSPACE, "KSRTP_ENOSPACE" },
	{ KSRTP_EINVAL, "KSRTP_EINVAL" },
	{ KSRTP_ENOMEM, "KSRTP_ENOMEM" },
	{ KSRTP_EUNSUPPORTED, "KSRTP_EUNSUPPORTED" },
	{ KSRTP_EKERNEL, "KSRTP_EKERNEL" },
	{ KSRTP_EEXIST, "KSRTP_EEXIST" },
	{ KSRTP_EINDEX, "KSRTP_EINDEX" },
	{ KSRTP_ENOCRYPTEX, "KSRTP_ENOCRYPTEX" },
};
#define NCODES (ARRAY_SIZE(codes))

int main(void)
{
	/* Far from the enum, so codes added later do not land here. */
	static const int unknown_codes[] = { 1, 2, 100, -100, -1000, INT_MIN, INT_MAX };
	const char *unknown = ksrtp_strerror(-1000);
	size_t i, j, n;

	CHECK(unknown != NULL && unknown[0] != '\0');
	for (i = 0; i < NCODES; i++) {
		const char *s = ksrtp_strerror(codes[i].code);

		if (!s) {
			fprintf(stderr, "%s: NULL\n", codes[i].name);
			test_failures++;
			continue;
		}
		n = strlen(codes[i].name);
		/* The name, then a separator: KSRTP_E must not match KSRTP_EX... */
		if (strncmp(s, codes[i].name, n) || (s[n] != ':' && s[n] != '\0')) {
			fprintf(stderr, "%s: \"%s\" does not start with its name\n", codes[i].name, s);
			test_failures++;
		}
		if (unknown && !strcmp(s, unknown)) {
			fprintf(stderr, "%s: the unknown-code string\n", codes[i].name);
			test_failures++;
		}
		for (j = 0; j < i; j++) {
			const char *t = ksrtp_strerror(codes[j].code);

			if (t && !strcmp(s, t)) {
				fprintf(stderr, "%s and %s share \"%s\"\n", codes[i].name,
					codes[j].name, s);
				test_failures++;
			}
		}
	}
	for (i = 0; i < ARRAY_SIZE(unknown_codes); i++) {
		const char *s = ksrtp_strerror(unknown_codes[i]);

		if (!s || !unknown || strcmp(s, unknown)) {
			fprintf(stderr, "code %d: \"%s\", not the unknown-code string\n",
				unknown_codes[i], s ? s : "(null)");
			test_failures++;
		}
	}
	/* The unknown string does not pretend to be a code. */
	CHECK(unknown && strncmp(unknown, "KSRTP_", 6) != 0);
	return test_result();
}
