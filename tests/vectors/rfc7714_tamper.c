// SPDX-License-Identifier: MIT
/*
 * RFC 7714 vectors, one bit flipped: every single-bit change to what the GCM
 * tag covers (ciphertext, tag, authenticated header fields, SRTCP index) must
 * make unprotect fail with KSRTP_EAUTH (a flipped SRTCP E flag: with
 * KSRTP_EMALFORMED, as ksrtp.h documents), leave the packet and its length as
 * they were (ksrtp.h: "on any failure pkt is left as it was"), and leave the
 * stream able to open the genuine packet afterwards (a forgery must not
 * advance the replay window).
 *
 * This matters most where the library decrypts in place before it knows the
 * tag is good (GCM open) or moves bytes around to build the AAD (SRTCP with
 * E = 0, RFC 7714 section 9.3): both must be undone on failure.
 */
#include "internal.h"
#include "test.h"

#define PKT_CAP 256
#define RFC7714_RTP_SSRC 0x5501a0b2u	/* RFC 7714 section 16 */
#define RFC7714_RTCP_SSRC 0x4d617273u	/* RFC 7714 section 17 */

/* RFC 7714 sections 16 and 17: session salt "Quid pro quo". */
static const char session_salt_hex[] = "51 75 69 64 20 70 72 6f 20 71 75 6f";

static const char key128_hex[] = "00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f";
static const char key256_hex[] = "00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f"
				 "10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f";

struct tamper_vector {
	const char *name;
	bool rtcp;
	enum ksrtp_profile profile;
	const char *key_hex;
	uint32_t flags;
	const char *wire_hex;	/* the protected packet, as published */
};

/*
 * The protected packets of RFC 7714 sections 16.1.1, 16.2.1 and 17.1 to 17.4
 * (SRTCP plaintext per the RFC 7714 errata on section 17.1), as carried by
 * pion/srtp srtp_cipher_aead_aes_gcm_rfc_test.go. tests/vectors/rfc7714_srtp.c
 * and rfc7714_srtcp.c check that they open to the RFC's plaintexts.
 */
static const struct tamper_vector vectors[] = {
	{
		"SRTP AEAD_AES_128_GCM (RFC 7714 16.1.1)", false,
		KSRTP_AEAD_AES_128_GCM, key128_hex, 0,
		"8040f17b 8041f8d3 5501a0b2 f24de3a3 fb34de6c acba861c 9d7e4bca be633bd5"
		"0d294e6f 42a5f47a 51c7d19b 36de3adf 8833899d 7f27beb1 6a9152cf 765ee439"
		"0cce",
	},
	{
		"SRTP AEAD_AES_256_GCM (RFC 7714 16.2.1)", false,
		KSRTP_AEAD_AES_256_GCM, key256_hex, 0,
		"8040f17b 8041f8d3 5501a0b2 32b1de78 a822fe12 ef9f78fa 332e33aa b1801238"
		"9a58e2f3 b50b2a02 76ffae0f 1ba63799 b87b7aa3 db36dfff d6b0f9bb 7878d7a7"
		"6c13",
	},
	{
		"SRTCP AEAD_AES_128_GCM E=1 (RFC 7714 17.1)", true,
		KSRTP_AEAD_AES_128_GCM, key128_hex, 0,
		"81c8000d 4d617273 63e94885 dcdab67c a727d766 2f6b7e99 7ff5c0f7 6c06f32d"
		"c676a5f1 730d6fda 4ce09b46 86303ded 0bb9275b c84aa458 96cf4d2f c5abf872"
		"45d9eade 800005d4",
	},
	{
		"SRTCP AEAD_AES_256_GCM E=1 (RFC 7714 17.2)", true,
		KSRTP_AEAD_AES_256_GCM, key256_hex, 0,
		"81c8000d 4d617273 d50ae4d1 f5ce5d30 4ba297e4 7d470c28 2c3ece5d bffe0a50"
		"a2eaa5c1 110555be 8415f658 c61de047 6f1b6fad 1d1eb30c 4446839f 57ff6f6c"
		"b26ac3be 800005d4",
	},
	{
		"SRTCP AEAD_AES_128_GCM E=0 (RFC 7714 17.3)", true,
		KSRTP_AEAD_AES_128_GCM, key128_hex, KSRTP_RTCP_UNENCRYPTED,
		"81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930 4c756e61"
		"deadbeef deadbeef deadbeef deadbeef deadbeef 841dd968 3dd78ec9 2ae58790"
		"125f62b3 000005d4",
	},
	{
		"SRTCP AEAD_AES_256_GCM E=0 (RFC 7714 17.4)", true,
		KSRTP_AEAD_AES_256_GCM, key256_hex, KSRTP_RTCP_UNENCRYPTED,
		"81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930 4c756e61"
		"deadbeef deadbeef deadbeef deadbeef deadbeef 91db4afb feee5a97 8fab4393"
		"ed2615fe 000005d4",
	},
};

/*
 * An inbound stream (engine: test_config()) keyed directly with the vector's
 * session key and salt (below the KDF). The master key and salt only have to
 * have the right lengths for ksrtp_policy_check(); their bytes are ignored.
 */
static ksrtp_session *vector_session(const struct tamper_vector *v)
{
	static const uint8_t unused_master[KSRTP_MAX_KEY_LEN] = { 0xa5 };
	const struct ksrtp_config cfg = test_config();
	struct ksrtp_session_keys keys;
	struct ksrtp_policy p;
	ksrtp_session *s;
	size_t key_len, salt_len;
	int err;

	memset(&keys, 0, sizeof(keys));
	key_len = test_hex(v->key_hex, keys.rtp_key, sizeof(keys.rtp_key));
	salt_len = test_hex(session_salt_hex, keys.rtp_salt, sizeof(keys.rtp_salt));
	memcpy(keys.rtcp_key, keys.rtp_key, sizeof(keys.rtcp_key));
	memcpy(keys.rtcp_salt, keys.rtp_salt, sizeof(keys.rtcp_salt));

	memset(&p, 0, sizeof(p));
	p.profile = v->profile;
	p.direction = KSRTP_INBOUND;
	p.ssrc = v->rtcp ? RFC7714_RTCP_SSRC : RFC7714_RTP_SSRC;
	p.key = unused_master;
	p.key_len = key_len;
	p.salt = unused_master;
	p.salt_len = salt_len;
	p.flags = v->flags;

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

static int unprotect(ksrtp_session *s, bool rtcp, uint8_t *pkt, size_t *len)
{
	return rtcp ? ksrtp_unprotect_rtcp(s, pkt, len) : ksrtp_unprotect(s, pkt, len);
}

/*
 * Which bits to flip, and what unprotect must say. Left out: the RTP/RTCP
 * version bits and the SSRC (they select or reject the stream before any
 * crypto, so other codes are right for them) and the RTP fields that change
 * the header's length (CC, X), which the parser may reject first.
 */
static bool flip_expect(const struct tamper_vector *v, size_t len, size_t byte, int bit,
			int *want)
{
	*want = KSRTP_EAUTH;
	if (!v->rtcp) {
		/* RFC 7714 section 8.2: the header is AAD; the timestamp is plain AAD. */
		if (byte >= 4 && byte < 8)
			return true;
		/* Ciphertext and tag (no CSRCs or extension in the section 16 packet). */
		return byte >= KSRTP_RTP_HEADER_LEN;
	}
	/* Octets 1-3 (PT, length) are AAD in both forms (RFC 7714 sections 9.2, 9.3). */
	if (byte >= 1 && byte < 4)
		return true;
	if (byte >= len - KSRTP_SRTCP_INDEX_LEN) {
		/*
		 * The E flag: the policy says whether packets are encrypted,
		 * and ksrtp.h documents a mismatch as KSRTP_EMALFORMED. The
		 * 31 index bits are in both the IV and the AAD.
		 */
		if (byte == len - KSRTP_SRTCP_INDEX_LEN && bit == 7)
			*want = KSRTP_EMALFORMED;
		return true;
	}
	/* Body after the first 8 octets (ciphertext, or AAD when E = 0) and tag. */
	return byte >= KSRTP_RTCP_HEADER_LEN;
}

/* Open a copy of wire with one bit flipped: must fail with want and change nothing. */
static void check_flip(ksrtp_session *s, const struct tamper_vector *v, const uint8_t *wire,
		       size_t wire_len, size_t byte, int bit, int want)
{
	uint8_t pkt[PKT_CAP], tampered[PKT_CAP];
	size_t len = wire_len;
	bool changed;
	int err;

	memcpy(pkt, wire, sizeof(pkt));
	pkt[byte] ^= (uint8_t)(1u << bit);
	memcpy(tampered, pkt, sizeof(tampered));
	err = unprotect(s, v->rtcp, pkt, &len);
	/* The whole buffer, not just len octets: nothing may be written past the packet. */
	changed = memcmp(pkt, tampered, sizeof(pkt)) != 0;
	if (err == want && len == wire_len && !changed)
		return;
	fprintf(stderr, "%s: byte %zu bit %d flipped: %d (%s), want %d (%s); len %zu, want %zu%s\n",
		v->name, byte, bit, err, ksrtp_strerror(err), want, ksrtp_strerror(want), len,
		wire_len, changed ? "; packet CHANGED" : "");
	test_failures++;
}

static void test_vector(const struct tamper_vector *v)
{
	uint8_t wire[PKT_CAP], pkt[PKT_CAP];
	size_t wire_len, len, byte;
	struct ksrtp_stats stats;
	uint64_t auth_failures = 0;
	unsigned int flips = 0;
	ksrtp_session *s = vector_session(v);
	int bit, want;

	if (!s)
		return;
	memset(wire, 0x5a, sizeof(wire));
	wire_len = test_hex(v->wire_hex, wire, sizeof(wire));

	for (byte = 0; byte < wire_len; byte++) {
		for (bit = 0; bit < 8; bit++) {
			if (!flip_expect(v, wire_len, byte, bit, &want))
				continue;
			check_flip(s, v, wire, wire_len, byte, bit, want);
			flips++;
			if (want == KSRTP_EAUTH)
				auth_failures++;
		}
	}
	CHECK(flips > 0);

	/* None of the forgeries may have moved the replay window or the keys. */
	memcpy(pkt, wire, sizeof(pkt));
	len = wire_len;
	CHECK_ERR(unprotect(s, v->rtcp, pkt, &len), 0);

	/* Each forgery is counted once, as an authentication failure (ksrtp_stats). */
	CHECK_ERR(ksrtp_stream_stats(s, v->rtcp ? RFC7714_RTCP_SSRC : RFC7714_RTP_SSRC,
				     KSRTP_INBOUND, &stats), 0);
	CHECK(stats.auth_failures == auth_failures);
	CHECK(stats.packets == 1);
	ksrtp_session_free(s);
}

int main(void)
{
	size_t i;

	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		int before = test_failures;

		test_vector(&vectors[i]);
		if (test_failures != before)
			fprintf(stderr, "%s: FAILED\n", vectors[i].name);
	}
	return test_result();
}
