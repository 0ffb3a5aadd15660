// SPDX-License-Identifier: MIT
/*
 * Hostile payloads with valid SRTP tags: the sender tampers with its VP8
 * descriptors and frames before sealing (AEAD_AES_128_GCM, user engine,
 * ksrtp_protect_batch), so every packet opens (ksrtp_unprotect_batch
 * status 0), and ksrtp_assembler_push_batch takes them straight from the
 * batch. Tampered with: a descriptor cut short (refused by push: malformed,
 * its sequence number then lost), PIDs going down in a frame
 * (inconsistent), a key frame without its start code (malformed frame).
 * One more packet is altered after sealing: it fails authentication and
 * never reaches the assembler. None of those frames is delivered; every
 * other frame is, byte for byte.
 */
#include "media_test.h"

#define NF 12

static const uint8_t key[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
static const uint8_t salt[12] = { 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9 };

static ksrtp_session *session(enum ksrtp_direction dir, uint32_t ssrc)
{
	struct ksrtp_config cfg = { .engine = KSRTP_ENGINE_USER };
	struct ksrtp_policy p = {
		.profile = KSRTP_AEAD_AES_128_GCM,
		.direction = dir,
		.ssrc = ssrc,
		.key = key,
		.key_len = sizeof(key),
		.salt = salt,
		.salt_len = sizeof(salt),
	};
	int err = 0;
	ksrtp_session *s = ksrtp_session_new(&cfg, &err);

	if (!s)
		MT_FATAL("ksrtp_session_new: %s", ksrtp_strerror(err));
	err = ksrtp_add_stream(s, &p);
	if (err)
		MT_FATAL("ksrtp_add_stream: %s", ksrtp_strerror(err));
	return s;
}

int main(void)
{
	static struct ksrtp_pkt v[MT_MAX_PKTS];
	unsigned long long rng = 0x5a5a;
	struct ksrtp_packetizer pz;
	struct ksrtp_assembler_stats stats;
	struct mt_stream st;
	struct mt_rx rx;
	ksrtp_session *tx, *rxs;
	struct mt_packet *p;
	unsigned int i, kept;
	int ok;

	mt_packetizer(&pz, KSRTP_CODEC_VP8, 0, 0, 100);
	mt_stream_init(&st, KSRTP_CODEC_VP8, NF);
	for (i = 0; i < NF; i++)
		mt_stream_add(&st, &pz, 3000, i == 0 || i == 7, &rng);
	/* Frame 3: packet 0 cut to X with nothing after it. */
	p = &st.p[st.f[3].first_pkt];
	p[0].data[12] = 0x90;
	p[0].len = 13;
	/* Frame 5: PIDs 2, 1 after 0. */
	p = &st.p[st.f[5].first_pkt];
	p[1].data[12] = (p[1].data[12] & 0xe8) | 2;
	p[2].data[12] = (p[2].data[12] & 0xe8) | 1;
	/* Frame 7, a key frame: start code broken (descriptor 4 octets). */
	p = &st.p[st.f[7].first_pkt];
	p[0].data[12 + 4 + 3] ^= 0xff;

	tx = session(KSRTP_OUTBOUND, pz.ssrc);
	rxs = session(KSRTP_INBOUND, pz.ssrc);
	for (i = 0; i < st.np; i++) {
		v[i].data = st.p[i].data;
		v[i].len = st.p[i].len;
		v[i].cap = MT_SLOT;
	}
	ok = ksrtp_protect_batch(tx, v, st.np);
	CHECK(ok == (int)st.np);
	/* Frame 9: one packet altered on the wire. */
	st.p[st.f[9].first_pkt + 1].data[40] ^= 1;
	ok = ksrtp_unprotect_batch(rxs, v, st.np);
	CHECK(ok == (int)st.np - 1);
	CHECK_ERR(v[st.f[9].first_pkt + 1].status, KSRTP_EAUTH);

	mt_rx_init(&rx, mt_assembler(KSRTP_CODEC_VP8, 0, 0), &st);
	kept = ksrtp_assembler_push_batch(rx.a, v, st.np);
	CHECK(kept == st.np - 2);
	ksrtp_assembler_flush(rx.a);
	mt_rx_drain(&rx);
	ksrtp_assembler_stats(rx.a, &stats);
	for (i = 0; i < NF; i++) {
		bool hostile = i == 3 || i == 5 || i == 7 || i == 9;

		if (rx.got[i] != !hostile) {
			fprintf(stderr, "frame %u delivered %u times\n", i, rx.got[i]);
			test_failures++;
		}
	}
	CHECK(stats.malformed == 2 && stats.inconsistent == 1 && stats.lost == 2);
	CHECK(stats.frames == NF - 4);
	mt_rx_free(&rx);
	ksrtp_assembler_free(rx.a);
	mt_stream_free(&st);
	ksrtp_session_free(tx);
	ksrtp_session_free(rxs);
	return test_result();
}
