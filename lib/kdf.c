// SPDX-License-Identifier: MIT
/* Session key derivation, RFC 3711 section 4.3 (key derivation rate 0). */
#include "internal.h"

static const struct ksrtp_profile_info profiles[] = {
	/* RFC 7714 section 12: 16-octet tag, 12-octet salt, no auth key. */
	[KSRTP_AEAD_AES_128_GCM] = { 16, 12, 0, 16, 16, true },
	[KSRTP_AEAD_AES_256_GCM] = { 32, 12, 0, 16, 16, true },
	/* RFC 3711 section 5: 80-bit tag; RFC 5764 4.1.2: the _32 profile's SRTCP tag stays 80. */
	[KSRTP_AES_CM_128_HMAC_SHA1_80] = { 16, 14, 20, 10, 10, false },
	[KSRTP_AES_CM_128_HMAC_SHA1_32] = { 16, 14, 20, 4, 10, false },
};

const struct ksrtp_profile_info *ksrtp_profile_info(enum ksrtp_profile profile)
{
	if (profile < KSRTP_AEAD_AES_128_GCM || profile > KSRTP_AES_CM_128_HMAC_SHA1_32)
		return NULL;
	return &profiles[profile];
}

/* Key derivation labels, RFC 3711 section 4.3.2. */
enum kdf_label {
	LABEL_RTP_ENCRYPTION = 0x00,
	LABEL_RTP_AUTH = 0x01,
	LABEL_RTP_SALT = 0x02,
	LABEL_RTCP_ENCRYPTION = 0x03,
	LABEL_RTCP_AUTH = 0x04,
	LABEL_RTCP_SALT = 0x05,
};

/*
 * x = key_id XOR master_salt, key_id = label || r with r = 0 (kdr 0); the
 * PRF input block is x * 2^16. The salt occupies the block's first 14
 * octets; a 12-octet GCM salt is zero-padded, as libsrtp does (RFC 7714
 * section 11 keeps the RFC 3711 KDF).
 */
static int derive(const uint8_t *master_key, size_t key_len, const uint8_t *master_salt,
		  size_t salt_len, enum kdf_label label, uint8_t *out, size_t n)
{
	static const uint8_t zeros[KSRTP_MAX_KEY_LEN];
	uint8_t iv[16] = { 0 };

	memcpy(iv, master_salt, salt_len);
	iv[7] ^= (uint8_t)label;
	return ksrtp_aes_cm_xor(master_key, key_len, iv, zeros, out, n);
}

int ksrtp_kdf(enum ksrtp_profile profile, const uint8_t *master_key, const uint8_t *master_salt,
	      struct ksrtp_session_keys *out)
{
	const struct ksrtp_profile_info *info = ksrtp_profile_info(profile);
	const size_t kl = info ? info->key_len : 0, sl = info ? info->salt_len : 0;
	int err = 0;

	if (!info || !master_key || !master_salt || !out)
		return KSRTP_EINVAL;
	memset(out, 0, sizeof(*out));
	err |= derive(master_key, kl, master_salt, sl, LABEL_RTP_ENCRYPTION, out->rtp_key, kl);
	err |= derive(master_key, kl, master_salt, sl, LABEL_RTP_SALT, out->rtp_salt, sl);
	err |= derive(master_key, kl, master_salt, sl, LABEL_RTCP_ENCRYPTION, out->rtcp_key, kl);
	err |= derive(master_key, kl, master_salt, sl, LABEL_RTCP_SALT, out->rtcp_salt, sl);
	if (info->auth_key_len) {
		err |= derive(master_key, kl, master_salt, sl, LABEL_RTP_AUTH, out->rtp_auth,
			      info->auth_key_len);
		err |= derive(master_key, kl, master_salt, sl, LABEL_RTCP_AUTH, out->rtcp_auth,
			      info->auth_key_len);
	}
	if (err) {
		ksrtp_wipe(out, sizeof(*out));
		return KSRTP_ENOMEM;
	}
	return 0;
}
