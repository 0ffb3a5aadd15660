// SPDX-License-Identifier: MIT
/*
 * AES_CM_128 + HMAC-SHA1 (RFC 3711) through ipsec-mb's job manager: a batch of
 * operations is submitted as jobs, so the HMACs of many packets run in the
 * multi-buffer SHA-1 lanes together. Short runs go to the thread's SHA-NI
 * manager instead (see imb.c).
 */
#include "crypto.h"

static void fill_job(IMB_JOB *job, struct ksrtp_cm_op *op)
{
	job->user_data = op;
	job->chain_order = IMB_ORDER_CIPHER_HASH;
	job->src = op->buf;
	if (op->cipher_len) {
		job->cipher_mode = IMB_CIPHER_CNTR;
		job->cipher_direction = IMB_DIR_ENCRYPT;
		job->enc_keys = op->keys->enc;
		job->dec_keys = op->keys->enc;
		job->key_len_in_bytes = 16;
		job->dst = op->buf + op->cipher_offset;
		job->cipher_start_src_offset_in_bytes = op->cipher_offset;
		job->msg_len_to_cipher_in_bytes = op->cipher_len;
		/* A 16-byte IV is the whole initial counter block (RFC 3711 4.1.1). */
		job->iv = op->iv;
		job->iv_len_in_bytes = 16;
	} else {
		job->cipher_mode = IMB_CIPHER_NULL;
		job->cipher_direction = IMB_DIR_ENCRYPT;
	}
	if (op->hash_len) {
		job->hash_alg = IMB_AUTH_HMAC_SHA_1;
		job->hash_start_src_offset_in_bytes = 0;
		job->msg_len_to_hash_in_bytes = op->hash_len;
		job->u.HMAC._hashed_auth_key_xor_ipad = op->keys->ipad;
		job->u.HMAC._hashed_auth_key_xor_opad = op->keys->opad;
		job->auth_tag_output = op->tag;
		job->auth_tag_output_len_in_bytes = KSRTP_HMAC_SHA1_LEN;
	} else {
		job->hash_alg = IMB_AUTH_NULL;
	}
}

static void complete(IMB_JOB *job)
{
	struct ksrtp_cm_op *op = job->user_data;

	op->status = job->status == IMB_STATUS_COMPLETED ? 0 : KSRTP_EINVAL;
}

void ksrtp_cm_run(IMB_MGR *mgr, struct ksrtp_cm_op *ops, unsigned int n)
{
	IMB_JOB *job;
	unsigned int i;

	if (n < KSRTP_CM_MULTI_BUFFER_MIN && ksrtp_tls_imb.few)
		mgr = ksrtp_tls_imb.few;

	for (i = 0; i < n; i++) {
		fill_job(IMB_GET_NEXT_JOB(mgr), &ops[i]);
		for (job = IMB_SUBMIT_JOB(mgr); job; job = IMB_GET_COMPLETED_JOB(mgr))
			complete(job);
	}
	while ((job = IMB_FLUSH_JOB(mgr)))
		complete(job);
}
