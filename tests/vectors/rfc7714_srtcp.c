// SPDX-License-Identifier: MIT
/*
 * RFC 7714 section 17: SRTCP AEAD_AES_128_GCM and AEAD_AES_256_GCM known
 * answers, both encrypted (E = 1, section 9.2: AAD = first 8 octets || E +
 * index) and authenticate-only (E = 0, section 9.3: AAD = whole packet || E +
 * index, nothing encrypted). Protecting the section 17 RTCP packet at SRTCP
 * index 0x5d4 must give the published SRTCP packet byte for byte, and
 * unprotecting that packet must give the RTCP packet back.
 *
 * The vectors are stated with session keys, so the streams are made below the
 * KDF with ksrtp_add_stream_keys_at() (internal.h). ksrtp numbers outbound
 * SRTCP packets from 1 (as libsrtp does), so the protect side starts the
 * stream as if 0x5d3 packets had been sent, which works on either engine.
 */
#include "internal.h"
#include "test.h"

#define RFC7714_RTCP_SSRC 0x4d617273u	/* section 17: "Mars" */
#define RFC7714_SRTCP_INDEX 0x5d4u	/* section 17: the index of every vector */
#define PKT_CAP 256

/* RFC 7714 section 17: session salt "Quid pro quo", shared by both key sizes. */
static const char session_salt_hex[] = "51 75 69 64 20 70 72 6f 20 71 75 6f";

static const char key128_hex[] = "00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f";
static const char key256_hex[] = "00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f"
				 "10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f";

/*
 * The RTCP packet that sections 17.1 to 17.4 seal and open. As published,
 * section 17 prints a plaintext that is not the packet its subsections
 * operate on; the RFC 7714 errata on section 17.1 correct the plaintext to
 * this one, which is consistent with every subsection's AAD and output. Data
 * as carried by pion/srtp srtp_cipher_aead_aes_gcm_rfc_test.go
 * (decryptedRTCPPacket), which follows the errata.
 */
static const char rtcp_plain_hex[] =
	"81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930 4c756e61"
	"deadbeef deadbeef deadbeef deadbeef deadbeef";

struct srtcp_vector {
	const char *name;
	enum ksrtp_profile profile;
	const char *key_hex;	/* session encryption key */
	uint32_t flags;		/* KSRTP_RTCP_UNENCRYPTED for the E = 0 forms */
	const char *srtcp_hex;	/* GCM SRTCP: body || 16-octet tag || E + index */
};

static const struct srtcp_vector vectors[] = {
	{
		/*
		 * RFC 7714 section 17.1 (encryption and tagging);
		 * pion/srtp srtp_cipher_aead_aes_gcm_rfc_test.go encryptedRTCPPacket.
		 */
		"AEAD_AES_128_GCM E=1 (RFC 7714 17.1)",
		KSRTP_AEAD_AES_128_GCM,
		key128_hex,
		0,
		"81c8000d 4d617273 63e94885 dcdab67c a727d766 2f6b7e99 7ff5c0f7 6c06f32d"
		"c676a5f1 730d6fda 4ce09b46 86303ded 0bb9275b c84aa458 96cf4d2f c5abf872"
		"45d9eade 800005d4",
	},
	{
		/*
		 * RFC 7714 section 17.2 (verification and decryption, 256);
		 * pion/srtp srtp_cipher_aead_aes_gcm_rfc_test.go encryptedRTCPPacket.
		 */
		"AEAD_AES_256_GCM E=1 (RFC 7714 17.2)",
		KSRTP_AEAD_AES_256_GCM,
		key256_hex,
		0,
		"81c8000d 4d617273 d50ae4d1 f5ce5d30 4ba297e4 7d470c28 2c3ece5d bffe0a50"
		"a2eaa5c1 110555be 8415f658 c61de047 6f1b6fad 1d1eb30c 4446839f 57ff6f6c"
		"b26ac3be 800005d4",
	},
	{
		/*
		 * RFC 7714 section 17.3 (tagging only, E = 0);
		 * pion/srtp srtp_cipher_aead_aes_gcm_rfc_test.go authenticatedRTCPPacket.
		 */
		"AEAD_AES_128_GCM E=0 (RFC 7714 17.3)",
		KSRTP_AEAD_AES_128_GCM,
		key128_hex,
		KSRTP_RTCP_UNENCRYPTED,
		"81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930 4c756e61"
		"deadbeef deadbeef deadbeef deadbeef deadbeef 841dd968 3dd78ec9 2ae58790"
		"125f62b3 000005d4",
	},
	{
		/*
		 * RFC 7714 section 17.4 (tag verification, 256, E = 0);
		 * pion/srtp srtp_cipher_aead_aes_gcm_rfc_test.go authenticatedRTCPPacket.
		 */
		"AEAD_AES_256_GCM E=0 (RFC 7714 17.4)",
		KSRTP_AEAD_AES_256_GCM,
		key256_hex,
		KSRTP_RTCP_UNENCRYPTED,
		"81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930 4c756e61"
		"deadbeef deadbeef deadbeef deadbeef deadbeef 91db4afb feee5a97 8fab4393"
		"ed2615fe 000005d4",
	},
};

/*
 * A session (engine: test_config()) with one stream keyed directly by the
 * vector's session key and salt (section 17 uses the same ones for SRTP and
 * SRTCP), outbound as if rtcp_last_index packets had been sent.
 * ksrtp_policy_check() only looks at the master key and salt lengths; the
 * entry point below the KDF ignores their bytes. They are deliberately not
 * the session key, so a stream derived from them would fail the vector.
 */
static ksrtp_session *vector_session(const struct srtcp_vector *v, enum ksrtp_direction dir,
				     uint32_t rtcp_last_index)
{
	static const uint8_t unused_master[KSRTP_MAX_KEY_LEN] = { 0xa5 };
	const struct ksrtp_config cfg = test_config();
	const struct ksrtp_profile_info *info = ksrtp_profile_info(v->profile);
	struct ksrtp_session_keys keys;
	struct ksrtp_policy p;
	ksrtp_session *s;
	size_t key_len, salt_len;
	int err;

	memset(&keys, 0, sizeof(keys));
	key_len = test_hex(v->key_hex, keys.rtcp_key, sizeof(keys.rtcp_key));
	salt_len = test_hex(session_salt_hex, keys.rtcp_salt, sizeof(keys.rtcp_salt));
	CHECK(info && key_len == info->key_len && salt_len == info->salt_len);
	memcpy(keys.rtp_key, keys.rtcp_key, sizeof(keys.rtp_key));
	memcpy(keys.rtp_salt, keys.rtcp_salt, sizeof(keys.rtp_salt));

	memset(&p, 0, sizeof(p));
	p.profile = v->profile;
	p.direction = dir;
	p.ssrc = RFC7714_RTCP_SSRC;
	p.key = unused_master;
	p.key_len = key_len;
	p.salt = unused_master;
	p.salt_len = salt_len;
	p.flags = v->flags;

	s = ksrtp_session_new(&cfg, &err);
	CHECK_ERR(err, 0);
	if (!s)
		return NULL;
	err = ksrtp_add_stream_keys_at(s, &p, &keys, rtcp_last_index);
	CHECK_ERR(err, 0);
	if (err) {
		ksrtp_session_free(s);
		return NULL;
	}
	return s;
}

static void test_protect(const struct srtcp_vector *v)
{
	uint8_t pkt[PKT_CAP], want[PKT_CAP];
	size_t len, want_len;
	/* The next outbound packet gets last + 1: make that the vector's index. */
	ksrtp_session *s = vector_session(v, KSRTP_OUTBOUND, RFC7714_SRTCP_INDEX - 1);

	if (!s)
		return;
	len = test_hex(rtcp_plain_hex, pkt, sizeof(pkt));
	want_len = test_hex(v->srtcp_hex, want, sizeof(want));
	CHECK_ERR(ksrtp_protect_rtcp(s, pkt, &len, sizeof(pkt)), 0);
	CHECK(len == want_len);
	if (len == want_len)
		CHECK_MEM(pkt, want, want_len);
	else
		fprintf(stderr, "%s: protect gave %zu bytes, want %zu\n", v->name, len, want_len);
	/* The stream moved on: the next packet carries the following index. */
	len = test_hex(rtcp_plain_hex, pkt, sizeof(pkt));
	CHECK_ERR(ksrtp_protect_rtcp(s, pkt, &len, sizeof(pkt)), 0);
	CHECK(len == want_len);
	if (len == want_len)
		CHECK(ksrtp_load_be32(pkt + len - KSRTP_SRTCP_INDEX_LEN) ==
		      ((v->flags & KSRTP_RTCP_UNENCRYPTED ? 0 : KSRTP_SRTCP_E_FLAG) |
		       (RFC7714_SRTCP_INDEX + 1)));
	ksrtp_session_free(s);
}

static void test_unprotect(const struct srtcp_vector *v)
{
	uint8_t pkt[PKT_CAP], want[PKT_CAP];
	size_t len, want_len;
	ksrtp_session *s = vector_session(v, KSRTP_INBOUND, 0);

	if (!s)
		return;
	/* Inbound takes the index from the packet's trailer: no state to set. */
	len = test_hex(v->srtcp_hex, pkt, sizeof(pkt));
	want_len = test_hex(rtcp_plain_hex, want, sizeof(want));
	CHECK_ERR(ksrtp_unprotect_rtcp(s, pkt, &len), 0);
	CHECK(len == want_len);
	if (len == want_len)
		CHECK_MEM(pkt, want, want_len);
	else
		fprintf(stderr, "%s: unprotect gave %zu bytes, want %zu\n", v->name, len, want_len);
	ksrtp_session_free(s);
}

int main(void)
{
	size_t i;

	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		int before = test_failures;

		test_protect(&vectors[i]);
		test_unprotect(&vectors[i]);
		if (test_failures != before)
			fprintf(stderr, "%s: FAILED\n", vectors[i].name);
	}
	return test_result();
}
