// SPDX-License-Identifier: MIT
/*
 * SRTCP protect and unprotect (RFC 3711 section 3.4, RFC 7714 section 9).
 * The stream is keyed by the SSRC of the first RTCP packet of the compound
 * packet (octets 4-7). SRTCP indices are 31 bits; the E flag says whether
 * the payload after the first 8 octets is encrypted.
 */
#include "crypto.h"
#include "engine_kernel.h"
#include "session.h"
#include "telemetry.h"

/* Version 2 and room for the header and SSRC of the first packet. */
static int rtcp_parse(const uint8_t *pkt, size_t len, uint32_t *ssrc)
{
	if (len < KSRTP_RTCP_HEADER_LEN || (pkt[0] >> 6) != 2)
		return KSRTP_EMALFORMED;
	*ssrc = ksrtp_load_be32(pkt + 4);
	return 0;
}

int ksrtp_protect_rtcp(ksrtp_session *s, uint8_t *pkt, size_t *len, size_t cap)
{
	struct ksrtp_stream *st;
	uint32_t ssrc, index, trailer;
	size_t l;
	bool is_template;
	IMB_MGR *mgr;
	int err;

	if (!s || !pkt || !len)
		return KSRTP_EINVAL;
	if (unlikely(s->kernel))
		return ksrtp_kernel_one(s->kernel, KSRTP_KOP_PROTECT_RTCP, pkt, len, cap);
	l = *len;
	if (l > KSRTP_MAX_PACKET_LEN)
		return KSRTP_EMALFORMED;
	if (cap < KSRTP_MAX_TRAILER || l > cap - KSRTP_MAX_TRAILER)
		return KSRTP_ENOSPACE;
	err = rtcp_parse(pkt, l, &ssrc);
	if (err)
		return err;
	st = ksrtp_session_stream(s, KSRTP_OUTBOUND, ssrc, &is_template);
	if (!st)
		return KSRTP_ENOSTREAM;
	mgr = ksrtp_imb();
	if (!mgr)
		return KSRTP_ENOMEM;
	if (st->rtcp_last_index >= KSRTP_SRTCP_INDEX_MAX)
		return KSRTP_EINDEX;
	if (is_template) {
		st = ksrtp_session_adopt(s, KSRTP_OUTBOUND, ssrc);
		if (!st)
			return KSRTP_ENOMEM;
	}
	/* libsrtp's SRTCP index starts at 1; so does ours, for identical output. */
	index = st->rtcp_last_index + 1;
	trailer = index | (st->flags & KSRTP_RTCP_UNENCRYPTED ? 0 : KSRTP_SRTCP_E_FLAG);
	if (st->gcm) {
		ksrtp_gcm_seal_rtcp(mgr, st, pkt, (uint32_t)l, trailer);
		*len = l + KSRTP_GCM_TAG_LEN + KSRTP_SRTCP_INDEX_LEN;
	} else {
		/* RFC 3711 section 3.4: header || payload || E + index || tag; all but the tag authenticated. */
		struct ksrtp_cm_op op;

		ksrtp_store_be32(pkt + l, trailer);
		op.keys = &st->keys.cm.rtcp;
		ksrtp_cm_iv(op.iv, op.keys, ssrc, index);
		op.buf = pkt;
		op.cipher_offset = KSRTP_RTCP_HEADER_LEN;
		op.cipher_len = trailer & KSRTP_SRTCP_E_FLAG ? (uint32_t)l - KSRTP_RTCP_HEADER_LEN : 0;
		op.hash_len = (uint32_t)l + KSRTP_SRTCP_INDEX_LEN;
		ksrtp_cm_run(mgr, &op, 1);
		if (op.status)
			return op.status;
		memcpy(pkt + l + KSRTP_SRTCP_INDEX_LEN, op.tag, st->rtcp_tag_len);
		*len = l + KSRTP_SRTCP_INDEX_LEN + st->rtcp_tag_len;
	}
	st->rtcp_last_index = index;
	st->stats.packets++;
	st->stats.bytes += l - KSRTP_RTCP_HEADER_LEN;
	return 0;
}

static int cm_open_rtcp(IMB_MGR *mgr, const struct ksrtp_stream *st, uint8_t *pkt, size_t len)
{
	struct ksrtp_cm_op op;
	uint32_t auth_len = (uint32_t)len - st->rtcp_tag_len;

	op.keys = &st->keys.cm.rtcp;
	op.buf = pkt;
	op.cipher_len = 0;
	op.hash_len = auth_len;
	ksrtp_cm_run(mgr, &op, 1);
	if (op.status)
		return op.status;
	if (ksrtp_ct_memcmp(op.tag, pkt + auth_len, st->rtcp_tag_len))
		return KSRTP_EAUTH;
	return 0;
}

static int cm_decrypt_rtcp(IMB_MGR *mgr, const struct ksrtp_stream *st, uint8_t *pkt,
			   uint32_t body_len, uint32_t ssrc, uint32_t trailer)
{
	struct ksrtp_cm_op op;

	if (!(trailer & KSRTP_SRTCP_E_FLAG) || body_len == KSRTP_RTCP_HEADER_LEN)
		return 0;
	op.keys = &st->keys.cm.rtcp;
	ksrtp_cm_iv(op.iv, op.keys, ssrc, trailer & KSRTP_SRTCP_INDEX_MAX);
	op.buf = pkt;
	op.cipher_offset = KSRTP_RTCP_HEADER_LEN;
	op.cipher_len = body_len - KSRTP_RTCP_HEADER_LEN;
	op.hash_len = 0;
	ksrtp_cm_run(mgr, &op, 1);
	return op.status;
}

int ksrtp_unprotect_rtcp(ksrtp_session *s, uint8_t *pkt, size_t *len)
{
	enum ksrtp_malformed_reason reason = KSRTP_MALFORMED_RTCP_SHORT;
	struct ksrtp_stream *st, *owner;
	uint32_t ssrc, trailer, index, body_len, tag_len;
	size_t l;
	bool is_template, encrypted;
	IMB_MGR *mgr;
	int err;

	if (!s || !pkt || !len)
		return KSRTP_EINVAL;
	if (unlikely(s->kernel))
		return ksrtp_kernel_one(s->kernel, KSRTP_KOP_UNPROTECT_RTCP, pkt, len, 0);
	l = *len;
	if (l > KSRTP_MAX_PACKET_LEN || rtcp_parse(pkt, l, &ssrc)) {
		ksrtp_tm_refused(&s->stats, NULL, KSRTP_EMALFORMED,
				 ksrtp_tm_header_reason(pkt, l, true));
		return KSRTP_EMALFORMED;
	}
	st = ksrtp_session_stream(s, KSRTP_INBOUND, ssrc, &is_template);
	if (!st) {
		ksrtp_tm_refused(&s->stats, NULL, KSRTP_ENOSTREAM, 0);
		return KSRTP_ENOSTREAM;
	}
	tag_len = st->rtcp_tag_len;
	if (l < KSRTP_RTCP_HEADER_LEN + KSRTP_SRTCP_INDEX_LEN + tag_len) {
		err = KSRTP_EMALFORMED;
		goto count;
	}
	/* GCM: ... || tag || E + index (RFC 7714 9.1); AES-CM: ... || E + index || tag (RFC 3711 3.4). */
	body_len = (uint32_t)l - tag_len - KSRTP_SRTCP_INDEX_LEN;
	trailer = ksrtp_load_be32(pkt + (st->gcm ? l - KSRTP_SRTCP_INDEX_LEN : body_len));
	encrypted = trailer & KSRTP_SRTCP_E_FLAG;
	if (encrypted != !(st->flags & KSRTP_RTCP_UNENCRYPTED)) {
		err = KSRTP_EMALFORMED;
		reason = KSRTP_MALFORMED_RTCP_E_FLAG;
		goto count;
	}
	index = trailer & KSRTP_SRTCP_INDEX_MAX;
	err = ksrtp_replay_check(&st->rtcp_replay, index);
	if (err)
		goto count;
	mgr = ksrtp_imb();
	if (!mgr)
		return KSRTP_ENOMEM;
	if (st->gcm)
		err = ksrtp_gcm_open_rtcp(mgr, st, pkt, body_len, trailer);
	else
		err = cm_open_rtcp(mgr, st, pkt, l);
	if (err)
		goto count;
	owner = is_template ? ksrtp_session_adopt(s, KSRTP_INBOUND, ssrc) : st;
	if (!owner) {
		if (st->gcm && encrypted) /* undo the decryption */
			ksrtp_gcm_seal_rtcp(mgr, st, pkt, body_len, trailer);
		return KSRTP_ENOMEM;
	}
	if (!st->gcm) {
		err = cm_decrypt_rtcp(mgr, st, pkt, body_len, ssrc, trailer);
		if (err)
			return err;
	}
	ksrtp_replay_commit(&owner->rtcp_replay, index);
	owner->stats.packets++;
	owner->stats.bytes += body_len - KSRTP_RTCP_HEADER_LEN;
	*len = body_len;
	return 0;
count:
	ksrtp_tm_refused(&s->stats, is_template ? NULL : &st->stats, err, reason);
	return err;
}
