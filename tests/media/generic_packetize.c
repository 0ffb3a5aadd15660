// SPDX-License-Identifier: MIT
/*
 * The generic packetizer (no payload header) and the packetizer's stream
 * set-up:
 *
 *   - split at the MTU: a frame of exactly mtu bytes is one packet, mtu + 1
 *     is mtu and 1, 3 * mtu is three equal packets; the payload is the frame;
 *   - the marker bit on the last packet of every frame (RFC 3550 section
 *     5.1), sequence numbers wrapping at 65535;
 *   - the default MTU is 1200 bytes of payload: a 2048-byte arena slot
 *     takes a packet and KSRTP_MAX_TRAILER;
 *   - without KSRTP_PKTZ_EXPLICIT_START two streams start at different
 *     sequence numbers and timestamps (RFC 3550 section 5.1: random);
 *   - config refusals: codec, payload type, MTU bounds, flags that belong to
 *     another payload format; frame refusals: empty, codec fields.
 */
#include "media_test.h"

static uint8_t slots[8][MT_SLOT];
static struct ksrtp_pkt v[8];
static uint8_t frame[4096];

static int send(struct ksrtp_packetizer *pz, uint32_t len)
{
	struct ksrtp_frame f = { .data = frame, .len = len, .rtp_ts = 90000 };
	unsigned int i;

	for (i = 0; i < 8; i++) {
		v[i].data = slots[i];
		v[i].cap = MT_SLOT;
		v[i].status = -1;
	}
	return ksrtp_packetize(pz, &f, v, 8);
}

static void split(void)
{
	struct ksrtp_packetizer pz;
	unsigned int i;

	mt_packetizer(&pz, KSRTP_CODEC_GENERIC, 500, 0, 65534);
	CHECK(send(&pz, 500) == 1);
	CHECK(v[0].len == 512 && (v[0].data[1] & 0x80) && v[0].status == 0);
	CHECK(!memcmp(v[0].data + 12, frame, 500));
	CHECK(send(&pz, 501) == 2);
	CHECK(v[0].len == 512 && v[1].len == 13);
	CHECK(!(v[0].data[1] & 0x80) && (v[1].data[1] & 0x80));
	/* 65534 + 1 = 65535, then 0. */
	CHECK(v[0].data[2] == 0xff && v[0].data[3] == 0xff && v[1].data[2] == 0 &&
	      v[1].data[3] == 0);
	CHECK(!memcmp(v[1].data + 12, frame + 500, 1));
	CHECK(send(&pz, 1500) == 3);
	for (i = 0; i < 3; i++) {
		CHECK(v[i].len == 512);
		CHECK(!!(v[i].data[1] & 0x80) == (i == 2));
		CHECK(!memcmp(v[i].data + 12, frame + 500 * i, 500));
	}
	CHECK(pz.seq == 4 && pz.packets == 6 && pz.frames == 3);
	CHECK(pz.bytes == 512 + 512 + 13 + 3 * 512);
}

static void defaults(void)
{
	struct ksrtp_packetizer_config cfg = { .ssrc = 7, .payload_type = 100 };
	struct ksrtp_packetizer a, b;
	unsigned int i;

	CHECK_ERR(ksrtp_packetizer_init(&a, &cfg), 0);
	CHECK(a.mtu == KSRTP_MEDIA_MTU_DEFAULT);
	CHECK(KSRTP_MEDIA_RTP_HEADER + KSRTP_MEDIA_MTU_DEFAULT + KSRTP_MAX_TRAILER <= MT_SLOT);
	CHECK(send(&a, 4000) == 4);
	for (i = 0; i < 3; i++)
		CHECK(v[i].len == 12 + 1200);
	/* Random starts: equal only with probability 2^-48. */
	CHECK_ERR(ksrtp_packetizer_init(&a, &cfg), 0);
	CHECK_ERR(ksrtp_packetizer_init(&b, &cfg), 0);
	CHECK(a.seq != b.seq || a.ts_offset != b.ts_offset);
}

static void refusals(void)
{
	struct ksrtp_packetizer_config cfg = { .ssrc = 7, .payload_type = 96 };
	struct ksrtp_packetizer pz;
	struct ksrtp_frame f = { .data = frame, .len = 10 };

	cfg.codec = 3;
	CHECK_ERR(ksrtp_packetizer_init(&pz, &cfg), KSRTP_EINVAL);
	cfg.codec = KSRTP_CODEC_GENERIC;
	cfg.payload_type = 128;
	CHECK_ERR(ksrtp_packetizer_init(&pz, &cfg), KSRTP_EINVAL);
	cfg.payload_type = 96;
	cfg.mtu = 31;
	CHECK_ERR(ksrtp_packetizer_init(&pz, &cfg), KSRTP_EINVAL);
	cfg.mtu = 65535;
	CHECK_ERR(ksrtp_packetizer_init(&pz, &cfg), KSRTP_EINVAL);
	cfg.mtu = 0;
	cfg.flags = KSRTP_PKTZ_LAYERS;
	CHECK_ERR(ksrtp_packetizer_init(&pz, &cfg), KSRTP_EINVAL);
	cfg.flags = 1u << 15;
	CHECK_ERR(ksrtp_packetizer_init(&pz, &cfg), KSRTP_EINVAL);
	cfg.codec = KSRTP_CODEC_VP9;
	cfg.flags = KSRTP_PKTZ_KEYIDX;
	CHECK_ERR(ksrtp_packetizer_init(&pz, &cfg), KSRTP_EINVAL);
	cfg.flags = KSRTP_PKTZ_VP9_FLEXIBLE | KSRTP_PKTZ_NO_PICTURE_ID;
	CHECK_ERR(ksrtp_packetizer_init(&pz, &cfg), KSRTP_EINVAL);
	cfg.codec = KSRTP_CODEC_VP8;
	cfg.flags = KSRTP_PKTZ_VP9_FLEXIBLE;
	CHECK_ERR(ksrtp_packetizer_init(&pz, &cfg), KSRTP_EINVAL);
	CHECK_ERR(ksrtp_packetizer_init(NULL, &cfg), KSRTP_EINVAL);
	CHECK_ERR(ksrtp_packetizer_init(&pz, NULL), KSRTP_EINVAL);

	mt_packetizer(&pz, KSRTP_CODEC_GENERIC, 100, 0, 0);
	f.len = 0;
	CHECK_ERR(ksrtp_packetize_count(&pz, &f), KSRTP_EINVAL);
	f.len = 10;
	f.data = NULL;
	CHECK_ERR(ksrtp_packetize_count(&pz, &f), KSRTP_EINVAL);
	f.data = frame;
	f.flags = KSRTP_FRAME_KEY;	/* allowed: it says nothing on the wire */
	CHECK(ksrtp_packetize_count(&pz, &f) == 1);
	f.flags = KSRTP_FRAME_NON_REF;
	CHECK_ERR(ksrtp_packetize_count(&pz, &f), KSRTP_EINVAL);
	f.flags = 0;
	f.tid = 1;
	CHECK_ERR(ksrtp_packetize_count(&pz, &f), KSRTP_EINVAL);
	CHECK_ERR(ksrtp_packetize(&pz, NULL, v, 8), KSRTP_EINVAL);
	CHECK_ERR(ksrtp_packetize(&pz, &f, NULL, 8), KSRTP_EINVAL);
}

int main(void)
{
	unsigned long long rng = 42;
	size_t i;

	for (i = 0; i < sizeof(frame); i++)
		frame[i] = (uint8_t)test_rand(&rng);
	split();
	defaults();
	refusals();
	return test_result();
}
