// SPDX-License-Identifier: MIT
/* AES counter mode as RFC 3711 section 4.1.1 defines it, for the KDF and tests. */
#include "internal.h"

int ksrtp_aes_cm_xor(const uint8_t *key, size_t key_len, const uint8_t iv[16], const uint8_t *in,
		     uint8_t *out, size_t n)
{
	uint8_t enc[16 * 15] __attribute__((aligned(16)));
	uint8_t dec[16 * 15] __attribute__((aligned(16)));
	IMB_MGR *mgr = ksrtp_imb();
	IMB_JOB *job;
	int err = 0;

	if (!mgr)
		return KSRTP_ENOMEM;
	if (key_len == 16)
		IMB_AES_KEYEXP_128(mgr, key, enc, dec);
	else if (key_len == 32)
		IMB_AES_KEYEXP_256(mgr, key, enc, dec);
	else
		return KSRTP_EINVAL;

	job = IMB_GET_NEXT_JOB(mgr);
	job->cipher_mode = IMB_CIPHER_CNTR;
	job->cipher_direction = IMB_DIR_ENCRYPT;
	job->chain_order = IMB_ORDER_CIPHER_HASH;
	job->hash_alg = IMB_AUTH_NULL;
	job->enc_keys = enc;
	job->dec_keys = enc;
	job->key_len_in_bytes = key_len;
	job->src = in;
	job->dst = out;
	job->cipher_start_src_offset_in_bytes = 0;
	job->msg_len_to_cipher_in_bytes = n;
	/* A 16-byte IV is the whole initial counter block, as RFC 3711 uses it. */
	job->iv = iv;
	job->iv_len_in_bytes = 16;
	job = IMB_SUBMIT_JOB(mgr);
	if (!job)
		job = IMB_FLUSH_JOB(mgr);
	if (!job || job->status != IMB_STATUS_COMPLETED)
		err = KSRTP_EINVAL;
	while (IMB_FLUSH_JOB(mgr))
		;
	ksrtp_wipe(enc, sizeof(enc));
	ksrtp_wipe(dec, sizeof(dec));
	return err;
}
