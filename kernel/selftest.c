// SPDX-License-Identifier: GPL-2.0
/*
 * Known-answer self-test at module load, through the same path the ioctls
 * take: a file context, an arena, SAs, ksrtp_batch_run(). Prints
 * "ksrtp: <name>: pass" per check; any failure refuses the load.
 *
 * Vectors: RFC 7714 sections 16 (SRTP) and 17 (SRTCP), with session keys
 * (already derived), SSRC 0x5501a0b2 seq 0xf17b ROC 0 for RTP, SSRC
 * 0x4d617273 SRTCP index 0x5d4 for RTCP. Data as carried by pion/srtp,
 * srtp_cipher_aead_aes_gcm_rfc_test.go, whose section 17 plaintext follows
 * the RFC 7714 errata on section 17.1. The KDF: RFC 3711 appendix B.3.
 * Cryptex: RFC 9335 appendix A.2.3 (AEAD_AES_128_GCM, two CSRCs and a
 * one-byte extension: the AAD is not contiguous), with its session keys.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "batch.h"
#include "device.h"
#include "selftest.h"

#define ST_BUF 128

static const char key128[] =
	"\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f";
static const char key256[] =
	"\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"
	"\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f";
static const char salt[] =
	"\x51\x75\x69\x64\x20\x70\x72\x6f\x20\x71\x75\x6f";

/* RFC 7714 section 16: the RTP packet. */
static const char rtp_plain[] =
	"\x80\x40\xf1\x7b\x80\x41\xf8\xd3\x55\x01\xa0\xb2\x47\x61\x6c\x6c"
	"\x69\x61\x20\x65\x73\x74\x20\x6f\x6d\x6e\x69\x73\x20\x64\x69\x76"
	"\x69\x73\x61\x20\x69\x6e\x20\x70\x61\x72\x74\x65\x73\x20\x74\x72"
	"\x65\x73";
/* RFC 7714 section 17 (errata 17.1): the RTCP packet. */
static const char rtcp_plain[] =
	"\x81\xc8\x00\x0d\x4d\x61\x72\x73\x4e\x54\x50\x31\x4e\x54\x50\x32"
	"\x52\x54\x50\x20\x00\x00\x04\x2a\x00\x00\xe9\x30\x4c\x75\x6e\x61"
	"\xde\xad\xbe\xef\xde\xad\xbe\xef\xde\xad\xbe\xef\xde\xad\xbe\xef"
	"\xde\xad\xbe\xef";

struct blob {
	const u8 *p;
	unsigned int n;
};

/* A string literal of bytes, without its NUL. */
#define BLOB(s) { .p = (const u8 *)(s), .n = sizeof(s) - 1 }

struct kat {
	const char *name;
	u32 profile;
	struct blob key;
	bool rtcp;
	bool unencrypted;	/* SRTCP E = 0 */
	struct blob sealed;
};

static const struct kat kats[] = {
	{ "rfc7714-srtp-aes128gcm", KSRTP_PROF_AEAD_AES_128_GCM, BLOB(key128), false, false,
	  BLOB("\x80\x40\xf1\x7b\x80\x41\xf8\xd3\x55\x01\xa0\xb2\xf2\x4d\xe3\xa3"
	       "\xfb\x34\xde\x6c\xac\xba\x86\x1c\x9d\x7e\x4b\xca\xbe\x63\x3b\xd5"
	       "\x0d\x29\x4e\x6f\x42\xa5\xf4\x7a\x51\xc7\xd1\x9b\x36\xde\x3a\xdf"
	       "\x88\x33\x89\x9d\x7f\x27\xbe\xb1\x6a\x91\x52\xcf\x76\x5e\xe4\x39"
	       "\x0c\xce") },
	{ "rfc7714-srtp-aes256gcm", KSRTP_PROF_AEAD_AES_256_GCM, BLOB(key256), false, false,
	  BLOB("\x80\x40\xf1\x7b\x80\x41\xf8\xd3\x55\x01\xa0\xb2\x32\xb1\xde\x78"
	       "\xa8\x22\xfe\x12\xef\x9f\x78\xfa\x33\x2e\x33\xaa\xb1\x80\x12\x38"
	       "\x9a\x58\xe2\xf3\xb5\x0b\x2a\x02\x76\xff\xae\x0f\x1b\xa6\x37\x99"
	       "\xb8\x7b\x7a\xa3\xdb\x36\xdf\xff\xd6\xb0\xf9\xbb\x78\x78\xd7\xa7"
	       "\x6c\x13") },
	{ "rfc7714-srtcp-aes128gcm", KSRTP_PROF_AEAD_AES_128_GCM, BLOB(key128), true, false,
	  BLOB("\x81\xc8\x00\x0d\x4d\x61\x72\x73\x63\xe9\x48\x85\xdc\xda\xb6\x7c"
	       "\xa7\x27\xd7\x66\x2f\x6b\x7e\x99\x7f\xf5\xc0\xf7\x6c\x06\xf3\x2d"
	       "\xc6\x76\xa5\xf1\x73\x0d\x6f\xda\x4c\xe0\x9b\x46\x86\x30\x3d\xed"
	       "\x0b\xb9\x27\x5b\xc8\x4a\xa4\x58\x96\xcf\x4d\x2f\xc5\xab\xf8\x72"
	       "\x45\xd9\xea\xde\x80\x00\x05\xd4") },
	{ "rfc7714-srtcp-aes256gcm", KSRTP_PROF_AEAD_AES_256_GCM, BLOB(key256), true, false,
	  BLOB("\x81\xc8\x00\x0d\x4d\x61\x72\x73\xd5\x0a\xe4\xd1\xf5\xce\x5d\x30"
	       "\x4b\xa2\x97\xe4\x7d\x47\x0c\x28\x2c\x3e\xce\x5d\xbf\xfe\x0a\x50"
	       "\xa2\xea\xa5\xc1\x11\x05\x55\xbe\x84\x15\xf6\x58\xc6\x1d\xe0\x47"
	       "\x6f\x1b\x6f\xad\x1d\x1e\xb3\x0c\x44\x46\x83\x9f\x57\xff\x6f\x6c"
	       "\xb2\x6a\xc3\xbe\x80\x00\x05\xd4") },
	{ "rfc7714-srtcp-e0-aes128gcm", KSRTP_PROF_AEAD_AES_128_GCM, BLOB(key128), true, true,
	  BLOB("\x81\xc8\x00\x0d\x4d\x61\x72\x73\x4e\x54\x50\x31\x4e\x54\x50\x32"
	       "\x52\x54\x50\x20\x00\x00\x04\x2a\x00\x00\xe9\x30\x4c\x75\x6e\x61"
	       "\xde\xad\xbe\xef\xde\xad\xbe\xef\xde\xad\xbe\xef\xde\xad\xbe\xef"
	       "\xde\xad\xbe\xef\x84\x1d\xd9\x68\x3d\xd7\x8e\xc9\x2a\xe5\x87\x90"
	       "\x12\x5f\x62\xb3\x00\x00\x05\xd4") },
	{ "rfc7714-srtcp-e0-aes256gcm", KSRTP_PROF_AEAD_AES_256_GCM, BLOB(key256), true, true,
	  BLOB("\x81\xc8\x00\x0d\x4d\x61\x72\x73\x4e\x54\x50\x31\x4e\x54\x50\x32"
	       "\x52\x54\x50\x20\x00\x00\x04\x2a\x00\x00\xe9\x30\x4c\x75\x6e\x61"
	       "\xde\xad\xbe\xef\xde\xad\xbe\xef\xde\xad\xbe\xef\xde\xad\xbe\xef"
	       "\xde\xad\xbe\xef\x91\xdb\x4a\xfb\xfe\xee\x5a\x97\x8f\xab\x43\x93"
	       "\xed\x26\x15\xfe\x00\x00\x05\xd4") },
};

#define RTP_SSRC	0x5501a0b2u
#define RTCP_SSRC	0x4d617273u
#define RTCP_INDEX	0x5d4u

struct st_ctx {
	struct ksrtp_file *f;
	struct ksrtp_session_keys keys;
	u8 sealed[ST_BUF];	/* a copy, to tamper with */
};

static int add_sa(struct st_ctx *s, const struct kat *k, u32 dir, u32 *id)
{
	struct ksrtp_sa_params p = {
		.profile = k->profile,
		.direction = dir,
		.ssrc = k->rtcp ? RTCP_SSRC : RTP_SSRC,
		.flags = KSRTP_SA_SESSION_KEYS |
			 (k->unencrypted ? KSRTP_SA_RTCP_UNENCRYPTED : 0),
		/* The next SRTCP index sealed is the vector's. */
		.rtcp_index = k->rtcp && dir == KSRTP_DIR_OUTBOUND ? RTCP_INDEX - 1 : 0,
	};

	return ksrtp_file_add_sa(s->f, &p, &s->keys, id);
}

/* One packet through ksrtp_batch_run(); returns the descriptor's status. */
static int run_one(struct st_ctx *s, u32 id, u32 slot, const u8 *in, size_t len, bool rtcp,
		   bool seal, size_t *out_len)
{
	struct ksrtp_desc d = { .sa = id, .slot = slot, .len = len };
	int n;

	memcpy(s->f->arena + slot * KSRTP_SLOT_SIZE, in, len);
	n = ksrtp_batch_run(s->f, &d, 1, rtcp ? KSRTP_BATCH_RTCP : 0, seal);
	if (n < 0)
		return n;
	*out_len = d.len;
	return d.status;
}

static bool check(const char *name, const char *what, bool ok)
{
	if (!ok)
		pr_err("%s: %s: FAIL\n", name, what);
	return ok;
}

static int run_kat(struct st_ctx *s, const struct kat *k)
{
	const struct blob plain = k->rtcp ? (struct blob)BLOB(rtcp_plain)
					  : (struct blob)BLOB(rtp_plain);
	const unsigned int sealed_len = k->sealed.n;
	const u8 *slot0 = s->f->arena;
	u32 out_id, in_id;
	bool ok = true;
	size_t len;
	int st;

	if (k->key.n > sizeof(s->keys.rtp_key) || sealed_len > sizeof(s->sealed))
		return -EINVAL;
	memcpy(s->keys.rtp_key, k->key.p, k->key.n);
	memcpy(s->keys.rtp_salt, salt, sizeof(s->keys.rtp_salt));
	memcpy(s->sealed, k->sealed.p, sealed_len);
	memcpy(s->keys.rtcp_key, s->keys.rtp_key, sizeof(s->keys.rtcp_key));
	memcpy(s->keys.rtcp_salt, s->keys.rtp_salt, sizeof(s->keys.rtcp_salt));
	if (add_sa(s, k, KSRTP_DIR_OUTBOUND, &out_id) || add_sa(s, k, KSRTP_DIR_INBOUND, &in_id))
		return -ENOMEM;

	/* Seal: the published packet, byte for byte. */
	st = run_one(s, out_id, 0, plain.p, plain.n, k->rtcp, true, &len);
	ok &= check(k->name, "seal", !st && len == sealed_len &&
		    !memcmp(slot0, k->sealed.p, len));
	/* Open: the plaintext back. */
	st = run_one(s, in_id, 0, s->sealed, sealed_len, k->rtcp, false, &len);
	ok &= check(k->name, "open", !st && len == plain.n &&
		    !memcmp(slot0, plain.p, len));
	/* The same packet again: a replay. */
	st = run_one(s, in_id, 0, s->sealed, sealed_len, k->rtcp, false, &len);
	ok &= check(k->name, "replay", st == KSRTP_ST_REPLAY);
	/* A flipped bit: refused, and the slot holds the packet as it came. */
	ksrtp_sa_table_remove(&s->f->sas, in_id);
	if (add_sa(s, k, KSRTP_DIR_INBOUND, &in_id))
		return -ENOMEM;
	s->sealed[20] ^= 0x01;
	st = run_one(s, in_id, 0, s->sealed, sealed_len, k->rtcp, false, &len);
	ok &= check(k->name, "tamper", st == KSRTP_ST_AUTH &&
		    !memcmp(slot0, s->sealed, sealed_len));
	s->sealed[20] ^= 0x01;
	/* ... and the untampered packet still opens afterwards. */
	st = run_one(s, in_id, 0, s->sealed, sealed_len, k->rtcp, false, &len);
	ok &= check(k->name, "open-after-tamper", !st && len == plain.n);

	ksrtp_sa_table_remove(&s->f->sas, in_id);
	ksrtp_sa_table_remove(&s->f->sas, out_id);
	memzero_explicit(&s->keys, sizeof(s->keys));
	if (!ok)
		return -EBADMSG;
	pr_info("%s: pass\n", k->name);
	return 0;
}

/* RFC 9335 appendix A.2: session key and salt, SSRC; A.2.3: the packet, plain and sealed. */
static const char cx_key[] =
	"\x07\x7c\x61\x43\xcb\x22\x1b\xc3\x55\xff\x23\xd5\xf9\x84\xa1\x6e";
static const char cx_salt[] = "\x9a\xf3\xe9\x53\x64\xeb\xac\x9c\x99\xc5\xa7\xc4";
#define CX_SSRC		0xcafebabeu
static const char cx_plain[] =
	"\x92\x0f\x12\x38\xde\xca\xfb\xad\xca\xfe\xba\xbe\x00\x01\xe2\x40"
	"\x00\x00\xb2\x6e\xbe\xde\x00\x01\x51\x00\x02\x00\xab\xab\xab\xab"
	"\xab\xab\xab\xab\xab\xab\xab\xab\xab\xab\xab\xab";
static const char cx_sealed[] =
	"\x92\x0f\x12\x38\xde\xca\xfb\xad\xca\xfe\xba\xbe\x63\xbb\xcc\xc4"
	"\xa7\xf6\x95\xc4\xc0\xde\x00\x01\x8a\xd7\xc7\x1f\xac\x70\xa8\x0c"
	"\x92\x86\x6b\x4c\x6b\xa9\x85\x46\xef\x91\x35\x86\xe9\x5f\xfa\xaf"
	"\xfe\x95\x68\x85\xbb\x06\x47\xa8\xbc\x09\x4a\xc8";

static int add_cryptex_sa(struct st_ctx *s, u32 dir, u32 flags, u32 *id)
{
	struct ksrtp_sa_params p = {
		.profile = KSRTP_PROF_AEAD_AES_128_GCM,
		.direction = dir,
		.ssrc = CX_SSRC,
		.flags = KSRTP_SA_SESSION_KEYS | KSRTP_SA_CRYPTEX | flags,
	};

	return ksrtp_file_add_sa(s->f, &p, &s->keys, id);
}

/*
 * Seal gives the published packet, open gives the plaintext back; a flipped
 * bit in an encrypted CSRC is refused with the slot as it came; and an SA
 * requiring cryptex refuses the packet in the clear before it is opened.
 */
static int run_cryptex(struct st_ctx *s)
{
	const char *name = "rfc9335-a.2.3-cryptex-aes128gcm";
	const unsigned int plain_len = sizeof(cx_plain) - 1, sealed_len = sizeof(cx_sealed) - 1;
	const u8 *slot0 = s->f->arena;
	u32 out_id, in_id;
	bool ok = true;
	size_t len;
	int st;

	memcpy(s->keys.rtp_key, cx_key, sizeof(cx_key) - 1);
	memcpy(s->keys.rtp_salt, cx_salt, sizeof(s->keys.rtp_salt));
	memcpy(s->keys.rtcp_key, s->keys.rtp_key, sizeof(s->keys.rtcp_key));
	memcpy(s->keys.rtcp_salt, s->keys.rtp_salt, sizeof(s->keys.rtcp_salt));
	if (add_cryptex_sa(s, KSRTP_DIR_OUTBOUND, 0, &out_id) ||
	    add_cryptex_sa(s, KSRTP_DIR_INBOUND, KSRTP_SA_REQUIRE_CRYPTEX, &in_id))
		return -ENOMEM;
	st = run_one(s, out_id, 0, (const u8 *)cx_plain, plain_len, false, true, &len);
	ok &= check(name, "seal", !st && len == sealed_len && !memcmp(slot0, cx_sealed, len));
	memcpy(s->sealed, cx_sealed, sealed_len);
	s->sealed[13] ^= 0x01;
	st = run_one(s, in_id, 0, s->sealed, sealed_len, false, false, &len);
	ok &= check(name, "tamper", st == KSRTP_ST_AUTH && !memcmp(slot0, s->sealed, sealed_len));
	st = run_one(s, in_id, 0, (const u8 *)cx_sealed, sealed_len, false, false, &len);
	ok &= check(name, "open", !st && len == plain_len && !memcmp(slot0, cx_plain, len));
	/* The plaintext with a tag's worth of bytes: not cryptex, refused as it is. */
	memcpy(s->sealed, cx_plain, plain_len);
	memset(s->sealed + plain_len, 0, KSRTP_GCM_TAG_LEN);
	st = run_one(s, in_id, 0, s->sealed, plain_len + KSRTP_GCM_TAG_LEN, false, false, &len);
	ok &= check(name, "require", st == KSRTP_ST_NOCRYPTEX &&
		    !memcmp(slot0, s->sealed, plain_len + KSRTP_GCM_TAG_LEN));
	ksrtp_sa_table_remove(&s->f->sas, in_id);
	ksrtp_sa_table_remove(&s->f->sas, out_id);
	memzero_explicit(&s->keys, sizeof(s->keys));
	if (!ok)
		return -EBADMSG;
	pr_info("%s: pass\n", name);
	return 0;
}

/* RFC 3711 appendix B.3: the AES-CM PRF, labels 0 (key) and 2 (salt). */
static int run_kdf(void)
{
	static const u8 mk[16] = "\xe1\xf9\x7a\x0d\x3e\x01\x8b\xe0\xd6\x4f\xa3\x2c\x06\xde\x41\x39";
	static const u8 ms[14] = "\x0e\xc6\x75\xad\x49\x8a\xfe\xeb\xb6\x96\x0b\x3a\xab\xe6";
	static const u8 want_k[16] =
		"\xc6\x1e\x7a\x93\x74\x4f\x39\xee\x10\x73\x4a\xfe\x3f\xf7\xa0\x87";
	static const u8 want_s[14] = "\x30\xcb\xbc\x08\x86\x3d\x8c\x85\xd4\x9d\xb3\x4a\x9a\xe1";
	u8 k[16], sl[14];
	bool ok;

	ok = !ksrtp_kdf(mk, sizeof(mk), ms, sizeof(ms), 0x00, k, sizeof(k)) &&
	     !ksrtp_kdf(mk, sizeof(mk), ms, sizeof(ms), 0x02, sl, sizeof(sl)) &&
	     !memcmp(k, want_k, sizeof(k)) && !memcmp(sl, want_s, sizeof(sl));
	memzero_explicit(k, sizeof(k));
	if (!check("rfc3711-b.3-kdf", "derive", ok))
		return -EBADMSG;
	pr_info("rfc3711-b.3-kdf: pass\n");
	return 0;
}

int ksrtp_selftest(void)
{
	struct st_ctx *s;
	unsigned int i;
	int err;

	err = run_kdf();
	if (err)
		return err;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	s->f = ksrtp_file_new();
	if (!s->f) {
		kfree(s);
		return -ENOMEM;
	}
	mutex_lock(&s->f->lock);
	err = ksrtp_file_arena(s->f, 2);
	for (i = 0; !err && i < ARRAY_SIZE(kats); i++)
		err = run_kat(s, &kats[i]);
	if (!err)
		err = run_cryptex(s);
	mutex_unlock(&s->f->lock);
	ksrtp_file_put(s->f);
	kfree_sensitive(s);
	return err;
}
