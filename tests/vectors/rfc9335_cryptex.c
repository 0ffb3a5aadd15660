// SPDX-License-Identifier: MIT
/*
 * RFC 9335 Appendix A: cryptex known answers, all of them. A.1 (AES-CTR,
 * AES_CM_128_HMAC_SHA1_80) and A.2 (AEAD_AES_128_GCM), each with a one-byte
 * and a two-byte extension, the same with two CSRCs, and an empty one-byte
 * and an empty two-byte extension with two CSRCs. Master key, master salt,
 * SSRC 0xcafebabe, the sequence numbers and ROC 0 are the RFC's; the hex
 * below is as the RFC prints it (cross-checked: juberti/cryptex,
 * draft-ietf-avtcore-cryptex.md, "Test Vectors", the draft that became
 * RFC 9335).
 *
 * For each vector: ksrtp_protect() on a KSRTP_CRYPTEX stream gives the
 * encrypted packet byte for byte; ksrtp_unprotect() on a KSRTP_CRYPTEX |
 * KSRTP_REQUIRE_CRYPTEX stream gives the plaintext back (0xBEDE/0x1000
 * restored, RFC 9335 section 5.2). Then every vector of a family goes through
 * one protect_batch and one unprotect_batch call. And one case the RFC
 * implies rather than prints (section 5.1): the A.x.5 packet without its
 * empty extension (CSRCs, X = 0) must be sent with an empty 0xC0DE block
 * added, which is byte for byte the A.x.5 encrypted packet.
 *
 * The section's session keys are checked against the KDF too (RFC 3711
 * section 4.3). Debian's libsrtp2 (2.5) predates cryptex, so these vectors
 * are the only interop check; the rest is self-interop across engines (the
 * GCM half also runs on the kernel engine in the VM, tests/vm/engine-tests).
 */
#include "internal.h"
#include "test.h"

#define CRYPTEX_SSRC 0xcafebabeu
#define PKT_CAP 256
#define NVEC 6

struct family {
	const char *name;
	enum ksrtp_profile profile;
	const char *master_key_hex;
	const char *master_salt_hex;
	const char *session_key_hex;
	const char *session_salt_hex;
	const char *auth_key_hex;	/* NULL for GCM */
	struct {
		const char *name;
		const char *plain_hex;
		const char *srtp_hex;
	} v[NVEC];
};

/* The plaintext packets are the same in A.1 and A.2. */
#define A_1BYTE "900f1235 decafbad cafebabe bede0001 51000200 abababab abababab abababab abababab"
#define A_2BYTE "900f1236 decafbad cafebabe 10000001 05020002 abababab abababab abababab abababab"
#define A_1BYTE_CSRC                                                                  \
	"920f1238 decafbad cafebabe 0001e240 0000b26e bede0001 51000200 abababab abababab " \
	"abababab abababab"
#define A_2BYTE_CSRC                                                                  \
	"920f1239 decafbad cafebabe 0001e240 0000b26e 10000001 05020002 abababab abababab " \
	"abababab abababab"
#define A_EMPTY1_CSRC                                                                 \
	"920f123a decafbad cafebabe 0001e240 0000b26e bede0000 abababab abababab abababab " \
	"abababab"
#define A_EMPTY2_CSRC                                                                 \
	"920f123b decafbad cafebabe 0001e240 0000b26e 10000000 abababab abababab abababab " \
	"abababab"
/* A.x.5 as a sender hands it over: CSRCs, no extension (X = 0). */
#define A_CSRC_NO_EXT \
	"820f123a decafbad cafebabe 0001e240 0000b26e abababab abababab abababab abababab"

static const struct family families[] = {
	{
		"RFC 9335 A.1 AES-CTR (AES_CM_128_HMAC_SHA1_80)",
		KSRTP_AES_CM_128_HMAC_SHA1_80,
		"e1f97a0d3e018be0d64fa32c06de4139",
		"0ec675ad498afeebb6960b3aabe6",
		"c61e7a93744f39ee10734afe3ff7a087",
		"30cbbc08863d8c85d49db34a9ae1",
		"cebe321f6ff7716b6fd4ab49af256a156d38baa4",
		{
			{ "A.1.1 one-byte extension", A_1BYTE,
			  "900f1235 decafbad cafebabe c0de0001 eb923652 51c3e036 f8de27e9 c27ee3e0"
			  "b4651d9f bc4218a7 0244522f 34a5" },
			{ "A.1.2 two-byte extension", A_2BYTE,
			  "900f1236 decafbad cafebabe c2de0001 4ed9cc4e 6a712b30 96c5ca77 339d4204"
			  "ce0d7739 6cab6958 5fbce381 94a5" },
			{ "A.1.3 one-byte extension, CSRCs", A_1BYTE_CSRC,
			  "920f1238 decafbad cafebabe 8bb6e12b 5cff16dd c0de0001 92838c8c 09e58393"
			  "e1de3a9a 74734d67 45671338 c3acf11d a2df8423 bee0" },
			{ "A.1.4 two-byte extension, CSRCs", A_2BYTE_CSRC,
			  "920f1239 decafbad cafebabe f70e513e b90b9b25 c2de0001 bbed4848 faa64466"
			  "5f3d7f34 125914e9 f4d0ae92 3c6f479b 95a0f7b5 3133" },
			{ "A.1.5 empty one-byte extension, CSRCs", A_EMPTY1_CSRC,
			  "920f123a decafbad cafebabe 7130b6ab fe2ab0e3 c0de0000 e3d9f64b 25c9e74c"
			  "b4cf8e43 fb92e378 1c2c0cea b6b3a499 a14c" },
			{ "A.1.6 empty two-byte extension, CSRCs", A_EMPTY2_CSRC,
			  "920f123b decafbad cafebabe cbf24c12 4330e1c8 c2de0000 599dd45b c9d687b6"
			  "03e8b59d 771fd38e 88b170e0 cd31e125 eabe" },
		},
	},
	{
		"RFC 9335 A.2 AES-GCM (AEAD_AES_128_GCM)",
		KSRTP_AEAD_AES_128_GCM,
		"000102030405060708090a0b0c0d0e0f",
		"a0a1a2a3a4a5a6a7a8a9aaab",
		"077c6143cb221bc355ff23d5f984a16e",
		"9af3e95364ebac9c99c5a7c4",
		NULL,
		{
			{ "A.2.1 one-byte extension", A_1BYTE,
			  "900f1235 decafbad cafebabe c0de0001 39972dc9 572c4d99 e8fc355d e743fb2e"
			  "94f9d8ff 54e72f41 93bbc5c7 4ffab0fa 9fa0fbeb" },
			{ "A.2.2 two-byte extension", A_2BYTE,
			  "900f1236 decafbad cafebabe c2de0001 bb75a4c5 45cd1f41 3bdb7daa 2b1e3263"
			  "de313667 c9632490 81b35a65 f5cb6c88 b394235f" },
			{ "A.2.3 one-byte extension, CSRCs", A_1BYTE_CSRC,
			  "920f1238 decafbad cafebabe 63bbccc4 a7f695c4 c0de0001 8ad7c71f ac70a80c"
			  "92866b4c 6ba98546 ef913586 e95ffaaf fe956885 bb0647a8 bc094ac8" },
			{ "A.2.4 two-byte extension, CSRCs", A_2BYTE_CSRC,
			  "920f1239 decafbad cafebabe 3680524f 8d312b00 c2de0001 c78d1200 38422bc1"
			  "11a7187a 18246f98 0c059cc6 bc9df8b6 26394eca 344e4b05 d80fea83" },
			{ "A.2.5 empty one-byte extension, CSRCs", A_EMPTY1_CSRC,
			  "920f123a decafbad cafebabe 15b6bb43 37906fff c0de0000 b7b96453 7a2b03ab"
			  "7ba5389c e9331712 6b5d974d f30c6884 dcb651c5 e120c1da" },
			{ "A.2.6 empty two-byte extension, CSRCs", A_EMPTY2_CSRC,
			  "920f123b decafbad cafebabe dcb38c9e 48bf95f4 c2de0000 61ee432c f9203170"
			  "76613258 d3ce4236 c06ac429 681ad084 13512dc9 8b5207d8" },
		},
	},
};

struct master {
	uint8_t key[KSRTP_MAX_KEY_LEN];
	uint8_t salt[KSRTP_SALT_STORE_LEN];
	size_t key_len, salt_len;
};

static void family_master(const struct family *f, struct master *m)
{
	memset(m, 0, sizeof(*m));
	m->key_len = test_hex(f->master_key_hex, m->key, sizeof(m->key));
	m->salt_len = test_hex(f->master_salt_hex, m->salt, sizeof(m->salt));
}

static ksrtp_session *family_session(const struct family *f, enum ksrtp_direction dir)
{
	const struct ksrtp_config cfg = test_config();
	struct ksrtp_policy p;
	struct master m;
	ksrtp_session *s;
	int err;

	family_master(f, &m);
	memset(&p, 0, sizeof(p));
	p.profile = f->profile;
	p.direction = dir;
	p.ssrc = CRYPTEX_SSRC;
	p.key = m.key;
	p.key_len = m.key_len;
	p.salt = m.salt;
	p.salt_len = m.salt_len;
	p.roc = 0;	/* Appendix A: rollover counter 00000000 */
	p.flags = KSRTP_CRYPTEX;
	if (dir == KSRTP_INBOUND)
		p.flags |= KSRTP_REQUIRE_CRYPTEX;
	s = ksrtp_session_new(&cfg, &err);
	CHECK_ERR(err, 0);
	if (!s)
		return NULL;
	err = ksrtp_add_stream(s, &p);
	CHECK_ERR(err, 0);
	if (err) {
		ksrtp_session_free(s);
		return NULL;
	}
	return s;
}

/* The session key, salt and authentication key the appendix lists. */
static void test_kdf(const struct family *f)
{
	struct ksrtp_session_keys keys;
	uint8_t want[KSRTP_HMAC_SHA1_LEN];
	struct master m;
	size_t n;

	family_master(f, &m);
	CHECK_ERR(ksrtp_kdf(f->profile, m.key, m.salt, &keys), 0);
	n = test_hex(f->session_key_hex, want, sizeof(want));
	CHECK_MEM(keys.rtp_key, want, n);
	n = test_hex(f->session_salt_hex, want, sizeof(want));
	CHECK_MEM(keys.rtp_salt, want, n);
	if (f->auth_key_hex) {
		n = test_hex(f->auth_key_hex, want, sizeof(want));
		CHECK_MEM(keys.rtp_auth, want, n);
	}
}

static void check_bytes(const char *what, const uint8_t *got, size_t got_len, const char *want_hex)
{
	uint8_t want[PKT_CAP];
	size_t want_len = test_hex(want_hex, want, sizeof(want));

	if (got_len != want_len || memcmp(got, want, want_len)) {
		fprintf(stderr, "%s: got %zu bytes, want %zu%s\n", what, got_len, want_len,
			got_len == want_len ? " (contents differ)" : "");
		test_failures++;
	}
}

static void test_protect(const struct family *f, const char *name, const char *plain_hex,
			 const char *srtp_hex)
{
	ksrtp_session *s = family_session(f, KSRTP_OUTBOUND);
	uint8_t pkt[PKT_CAP];
	size_t len;

	if (!s)
		return;
	len = test_hex(plain_hex, pkt, sizeof(pkt));
	CHECK_ERR(ksrtp_protect(s, pkt, &len, sizeof(pkt)), 0);
	check_bytes(name, pkt, len, srtp_hex);
	ksrtp_session_free(s);
}

static void test_unprotect(const struct family *f, const char *name, const char *srtp_hex,
			   const char *plain_hex)
{
	ksrtp_session *s = family_session(f, KSRTP_INBOUND);
	uint8_t pkt[PKT_CAP];
	size_t len;

	if (!s)
		return;
	len = test_hex(srtp_hex, pkt, sizeof(pkt));
	CHECK_ERR(ksrtp_unprotect(s, pkt, &len), 0);
	check_bytes(name, pkt, len, plain_hex);
	ksrtp_session_free(s);
}

/* All six packets of a family (sequence numbers ascending) in one call each way. */
static void test_batch(const struct family *f)
{
	static uint8_t bufs[NVEC][PKT_CAP];
	struct ksrtp_pkt v[NVEC];
	ksrtp_session *tx = family_session(f, KSRTP_OUTBOUND);
	ksrtp_session *rx = family_session(f, KSRTP_INBOUND);
	size_t i;

	if (!tx || !rx)
		goto out;
	for (i = 0; i < NVEC; i++) {
		v[i].data = bufs[i];
		v[i].len = (uint32_t)test_hex(f->v[i].plain_hex, bufs[i], PKT_CAP);
		v[i].cap = PKT_CAP;
		v[i].status = 1;
	}
	CHECK(ksrtp_protect_batch(tx, v, NVEC) == NVEC);
	for (i = 0; i < NVEC; i++) {
		CHECK_ERR(v[i].status, 0);
		check_bytes(f->v[i].name, v[i].data, v[i].len, f->v[i].srtp_hex);
	}
	CHECK(ksrtp_unprotect_batch(rx, v, NVEC) == NVEC);
	for (i = 0; i < NVEC; i++) {
		CHECK_ERR(v[i].status, 0);
		check_bytes(f->v[i].name, v[i].data, v[i].len, f->v[i].plain_hex);
	}
out:
	ksrtp_session_free(tx);
	ksrtp_session_free(rx);
}

int main(void)
{
	size_t i, k;

	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		const struct family *f = &families[i];
		int before = test_failures;

		if (!test_engine_has(f->profile, false)) {
			test_not_applicable(f->name);
			continue;
		}
		test_kdf(f);
		for (k = 0; k < NVEC; k++) {
			test_protect(f, f->v[k].name, f->v[k].plain_hex, f->v[k].srtp_hex);
			test_unprotect(f, f->v[k].name, f->v[k].srtp_hex, f->v[k].plain_hex);
		}
		test_batch(f);
		/* Section 5.1: CSRCs and no extension -> the empty 0xC0DE block of A.x.5. */
		test_protect(f, "CSRCs without extension (A.x.5 sent)", A_CSRC_NO_EXT,
			     f->v[4].srtp_hex);
		if (test_failures != before)
			fprintf(stderr, "%s: FAILED\n", f->name);
	}
	return test_result();
}
