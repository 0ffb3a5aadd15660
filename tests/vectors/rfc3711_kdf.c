// SPDX-License-Identifier: MIT
/*
 * RFC 3711 Appendix B.3: the key derivation test vector (AES-128 counter mode
 * PRF, key derivation rate 0), through ksrtp_kdf(). The appendix derives the
 * SRTP cipher key (label 0x00), cipher salt (label 0x02) and auth key (label
 * 0x01); ksrtp must produce exactly those for both AES-CM profiles, which
 * share the RFC 3711 section 8.2 key and salt lengths.
 *
 * The appendix prints 94 octets of auth key stream; HMAC-SHA1 uses the first
 * 160 bits (RFC 3711 section 8.2, n_a = 160), so that prefix is what is
 * compared.
 */
#include "internal.h"
#include "test.h"

/*
 * RFC 3711 Appendix B.3. Cross-checked: OpenSSL evpkdf_srtp.txt (kdr 0 cases),
 * as quoted in several public test suites.
 */
static const char master_key_hex[] = "E1F97A0D3E018BE0D64FA32C06DE4139";
static const char master_salt_hex[] = "0EC675AD498AFEEBB6960B3AABE6";
static const char cipher_key_hex[] = "C61E7A93744F39EE10734AFE3FF7A087";
static const char cipher_salt_hex[] = "30CBBC08863D8C85D49DB34A9AE1";
static const char auth_key_hex[] =	/* all 94 octets the appendix lists */
	"CEBE321F6FF7716B6FD4AB49AF256A15 6D38BAA48F0A0ACF3C34E2359E6CDBCE"
	"E049646C43D9327AD175578EF7227098 6371C10C9A369AC2F94A8C5FBCDDDC25"
	"6D6E919A48B610EF17C2041E47403576 6B68642C59BBFC2F34DB60DBDFB2";

static void test_profile(enum ksrtp_profile profile, const char *name)
{
	uint8_t master_key[16], master_salt[14];
	uint8_t cipher_key[16], cipher_salt[14], auth_key[94];
	static const uint8_t zeros[KSRTP_SALT_STORE_LEN];
	struct ksrtp_session_keys keys;
	int before = test_failures;

	CHECK(test_hex(master_key_hex, master_key, sizeof(master_key)) == sizeof(master_key));
	CHECK(test_hex(master_salt_hex, master_salt, sizeof(master_salt)) == sizeof(master_salt));
	CHECK(test_hex(cipher_key_hex, cipher_key, sizeof(cipher_key)) == sizeof(cipher_key));
	CHECK(test_hex(cipher_salt_hex, cipher_salt, sizeof(cipher_salt)) == sizeof(cipher_salt));
	CHECK(test_hex(auth_key_hex, auth_key, sizeof(auth_key)) == sizeof(auth_key));

	memset(&keys, 0xee, sizeof(keys));
	CHECK_ERR(ksrtp_kdf(profile, master_key, master_salt, &keys), 0);
	CHECK_MEM(keys.rtp_key, cipher_key, sizeof(cipher_key));
	CHECK_MEM(keys.rtp_salt, cipher_salt, sizeof(cipher_salt));
	/* internal.h: salts are stored zero-padded to one 16-octet block. */
	CHECK_MEM(keys.rtp_salt + sizeof(cipher_salt), zeros,
		  KSRTP_SALT_STORE_LEN - sizeof(cipher_salt));
	CHECK_MEM(keys.rtp_auth, auth_key, KSRTP_HMAC_SHA1_LEN);
	if (test_failures != before)
		fprintf(stderr, "%s: RFC 3711 B.3 FAILED\n", name);
}

int main(void)
{
	test_profile(KSRTP_AES_CM_128_HMAC_SHA1_80, "AES_CM_128_HMAC_SHA1_80");
	/* RFC 5764 section 4.1.2: the _32 profile keeps the same KDF and lengths. */
	test_profile(KSRTP_AES_CM_128_HMAC_SHA1_32, "AES_CM_128_HMAC_SHA1_32");
	return test_result();
}
