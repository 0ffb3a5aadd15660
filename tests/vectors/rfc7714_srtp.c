// SPDX-License-Identifier: MIT
/*
 * RFC 7714 section 16: SRTP AEAD_AES_128_GCM and AEAD_AES_256_GCM known
 * answers. Protecting the section 16 plaintext must give the published SRTP
 * packet byte for byte (16.1.1, 16.2.1), and unprotecting that packet must
 * give the plaintext back (16.1.2, 16.2.2).
 *
 * The vectors are stated with session keys, so the streams are made below the
 * KDF with ksrtp_add_stream_with_session_keys(). RFC 7714 has no
 * authenticate-only form for SRTP (only SRTCP has the E flag, section 9.3),
 * and neither does ksrtp, so there is none here.
 */
#include "internal.h"
#include "test.h"

#define RFC7714_RTP_SSRC 0x5501a0b2u	/* section 16: SSRC of the sample packet */
#define PKT_CAP 256

/* RFC 7714 section 16: session salt "Quid pro quo", shared by both key sizes. */
static const char session_salt_hex[] = "51 75 69 64 20 70 72 6f 20 71 75 6f";

/*
 * RFC 7714 section 16: the RTP packet (seq 0xf17b, SSRC 0x5501a0b2, ROC 0)
 * whose payload is "Gallia est omnis divisa in partes tres".
 * Cross-checked: pion/srtp srtp_cipher_aead_aes_gcm_rfc_test.go.
 */
static const char rtp_plain_hex[] =
	"8040f17b 8041f8d3 5501a0b2 47616c6c 69612065 7374206f 6d6e6973 20646976"
	"69736120 696e2070 61727465 73207472 6573";

struct srtp_vector {
	const char *name;
	enum ksrtp_profile profile;
	const char *key_hex;	/* session encryption key */
	const char *srtp_hex;	/* header || ciphertext || 16-octet tag */
};

static const struct srtp_vector vectors[] = {
	{
		/* RFC 7714 sections 16.1.1 and 16.1.2; also pion/srtp (path above). */
		"AEAD_AES_128_GCM (RFC 7714 16.1)",
		KSRTP_AEAD_AES_128_GCM,
		"00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f",
		"8040f17b 8041f8d3 5501a0b2 f24de3a3 fb34de6c acba861c 9d7e4bca be633bd5"
		"0d294e6f 42a5f47a 51c7d19b 36de3adf 8833899d 7f27beb1 6a9152cf 765ee439"
		"0cce",
	},
	{
		/* RFC 7714 sections 16.2.1 and 16.2.2; also pion/srtp (path above). */
		"AEAD_AES_256_GCM (RFC 7714 16.2)",
		KSRTP_AEAD_AES_256_GCM,
		"00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f"
		"10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f",
		"8040f17b 8041f8d3 5501a0b2 32b1de78 a822fe12 ef9f78fa 332e33aa b1801238"
		"9a58e2f3 b50b2a02 76ffae0f 1ba63799 b87b7aa3 db36dfff d6b0f9bb 7878d7a7"
		"6c13",
	},
};

/*
 * A session (engine: test_config()) with one stream keyed directly by the
 * vector's session key and salt. The policy still has to pass
 * ksrtp_policy_check(), which only looks at the master key and salt lengths;
 * the entry point below the KDF ignores their bytes. They are deliberately not the session key, so
 * a stream that were derived from them would fail the vector.
 */
static ksrtp_session *vector_session(const struct srtp_vector *v, enum ksrtp_direction dir)
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
	key_len = test_hex(v->key_hex, keys.rtp_key, sizeof(keys.rtp_key));
	salt_len = test_hex(session_salt_hex, keys.rtp_salt, sizeof(keys.rtp_salt));
	CHECK(info && key_len == info->key_len && salt_len == info->salt_len);
	/* Section 17 uses the same key and salt for SRTCP; keep the stream whole. */
	memcpy(keys.rtcp_key, keys.rtp_key, sizeof(keys.rtcp_key));
	memcpy(keys.rtcp_salt, keys.rtp_salt, sizeof(keys.rtcp_salt));

	memset(&p, 0, sizeof(p));
	p.profile = v->profile;
	p.direction = dir;
	p.ssrc = RFC7714_RTP_SSRC;
	p.key = unused_master;
	p.key_len = key_len;
	p.salt = unused_master;
	p.salt_len = salt_len;
	p.roc = 0;	/* section 16: ROC 0, so the packet index is 0xf17b */

	s = ksrtp_session_new(&cfg, &err);
	CHECK_ERR(err, 0);
	if (!s)
		return NULL;
	err = ksrtp_add_stream_with_session_keys(s, &p, &keys);
	CHECK_ERR(err, 0);
	if (err) {
		ksrtp_session_free(s);
		return NULL;
	}
	return s;
}

static void test_protect(const struct srtp_vector *v)
{
	uint8_t pkt[PKT_CAP], want[PKT_CAP];
	size_t len, want_len;
	ksrtp_session *s = vector_session(v, KSRTP_OUTBOUND);

	if (!s)
		return;
	len = test_hex(rtp_plain_hex, pkt, sizeof(pkt));
	want_len = test_hex(v->srtp_hex, want, sizeof(want));
	CHECK_ERR(ksrtp_protect(s, pkt, &len, sizeof(pkt)), 0);
	CHECK(len == want_len);
	if (len == want_len)
		CHECK_MEM(pkt, want, want_len);
	else
		fprintf(stderr, "%s: protect gave %zu bytes, want %zu\n", v->name, len, want_len);
	ksrtp_session_free(s);
}

static void test_unprotect(const struct srtp_vector *v)
{
	uint8_t pkt[PKT_CAP], want[PKT_CAP];
	size_t len, want_len;
	ksrtp_session *s = vector_session(v, KSRTP_INBOUND);

	if (!s)
		return;
	len = test_hex(v->srtp_hex, pkt, sizeof(pkt));
	want_len = test_hex(rtp_plain_hex, want, sizeof(want));
	CHECK_ERR(ksrtp_unprotect(s, pkt, &len), 0);
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
