// SPDX-License-Identifier: MIT
/*
 * The VP9 packetizer (ksrtp_packetize on a KSRTP_CODEC_VP9 stream),
 * RFC 9628:
 *
 *   - B on a layer frame's first packet, E on its last, the marker bit
 *     only on the last packet of a picture (section 4.1): a picture of two
 *     spatial layers sent as two frames, the first with MORE_LAYERS;
 *   - one PictureID and one TL0PICIDX for all layers of a picture, the
 *     PictureID moving on per picture, TL0PICIDX per TID 0 picture; the
 *     layer frames of a picture must share its timestamp and go up in SID;
 *   - P clear on key pictures, layer indices TID/U/SID/D (section 4.2);
 *   - the SS (section 4.2.1) in the first packet of the frame that carries
 *     it, and that packet still exactly 12 + mtu bytes: less data in it;
 *   - flexible mode: P_DIFFs in every packet of an inter frame, none on a
 *     key frame, refused when missing;
 *   - an SS longer than the MTU is refused.
 */
#include "media_test.h"

#define MTU 200

static uint8_t slots[64][MT_SLOT];
static struct ksrtp_pkt v[64];
static uint8_t frame[8192];
static struct ksrtp_vp9_ss ss, got_ss;

static int send(struct ksrtp_packetizer *pz, const struct ksrtp_frame *f)
{
	unsigned int i;

	for (i = 0; i < 64; i++) {
		v[i].data = slots[i];
		v[i].cap = MT_SLOT;
	}
	return ksrtp_packetize(pz, f, v, 64);
}

static struct ksrtp_vp9_desc desc(int i, int *dl)
{
	struct ksrtp_vp9_desc d;

	*dl = ksrtp_vp9_parse(v[i].data + 12, v[i].len - 12, &d, &got_ss);
	CHECK(*dl > 0);
	return d;
}

static void spatial_picture(void)
{
	struct ksrtp_packetizer pz;
	struct ksrtp_frame f = { .data = frame };
	struct ksrtp_vp9_desc d;
	int n, i, dl, ss_len;
	size_t data = 0;

	mt_packetizer(&pz, KSRTP_CODEC_VP9, MTU, KSRTP_PKTZ_LAYERS, 1000);
	memset(&ss, 0, sizeof(ss));
	ss.n_s = 2;
	ss.y = 1;
	ss.width[0] = 320;
	ss.height[0] = 180;
	ss.width[1] = 640;
	ss.height[1] = 360;
	ss_len = 1 + 8;
	/* Spatial layer 0 of a key picture, 500 bytes, the SS in its first packet. */
	f.len = 500;
	f.flags = KSRTP_FRAME_KEY | KSRTP_FRAME_MORE_LAYERS;
	f.ss = &ss;
	n = send(&pz, &f);
	/* Descriptor I(2) L(2) = 5 octets; first packet 200 - 5 - 9 = 186 data, then 195. */
	CHECK(n == 3 && n == 1 + (500 - 186 + 194) / 195);
	for (i = 0; i < n; i++) {
		d = desc(i, &dl);
		CHECK(i == n - 1 ? v[i].len <= 12 + MTU : v[i].len == 12 + MTU);
		CHECK(!(v[i].data[1] & 0x80));	/* more layers follow: no marker */
		CHECK(d.flags == (KSRTP_VP9_I | KSRTP_VP9_L |
				  (i == 0 ? KSRTP_VP9_B | KSRTP_VP9_V : 0) |
				  (i == n - 1 ? KSRTP_VP9_E : 0)));
		CHECK(d.m == 1 && d.picture_id == 100 && d.sid == 0 && d.tid == 0 && !d.d);
		CHECK(d.tl0picidx == 8);
		CHECK(dl == (i == 0 ? 5 + ss_len : 5));
		CHECK(!memcmp(v[i].data + 12 + dl, frame + data, v[i].len - 12 - (uint32_t)dl));
		data += v[i].len - 12 - (uint32_t)dl;
	}
	CHECK(data == 500);
	d = desc(0, &dl);
	CHECK(!memcmp(&got_ss, &ss, sizeof(ss)));
	/* The rest of the picture has its timestamp, and a higher spatial layer. */
	f.len = 300;
	f.flags = KSRTP_FRAME_KEY | KSRTP_FRAME_INTER_LAYER;
	f.ss = NULL;
	f.rtp_ts = 1;
	f.sid = 1;
	CHECK_ERR(send(&pz, &f), KSRTP_EINVAL);
	f.rtp_ts = 0;
	f.sid = 0;
	f.flags = KSRTP_FRAME_KEY;
	CHECK_ERR(send(&pz, &f), KSRTP_EINVAL);
	/* Spatial layer 1 of the same picture: same PictureID and TL0PICIDX, marker at its end. */
	f.flags = KSRTP_FRAME_KEY | KSRTP_FRAME_INTER_LAYER;
	f.sid = 1;
	n = send(&pz, &f);
	CHECK(n == 2);
	for (i = 0; i < n; i++) {
		d = desc(i, &dl);
		CHECK(!!(v[i].data[1] & 0x80) == (i == n - 1));
		CHECK(d.flags == (KSRTP_VP9_I | KSRTP_VP9_L | (i == 0 ? KSRTP_VP9_B : 0) |
				  (i == n - 1 ? KSRTP_VP9_E : 0)));
		CHECK(d.picture_id == 100 && d.sid == 1 && d.d == 1 && d.tl0picidx == 8);
	}
	/* The next picture, TID 1 inter: PictureID 101, TL0PICIDX stays 8, P set. */
	f.len = 100;
	f.flags = KSRTP_FRAME_LAYER_SYNC | KSRTP_FRAME_NO_UPPER_REF;
	f.sid = 0;
	f.tid = 1;
	f.rtp_ts = 3000;
	CHECK(send(&pz, &f) == 1);
	d = desc(0, &dl);
	CHECK(d.flags == (KSRTP_VP9_I | KSRTP_VP9_P | KSRTP_VP9_L | KSRTP_VP9_B | KSRTP_VP9_E |
			  KSRTP_VP9_Z));
	CHECK(d.picture_id == 101 && d.tid == 1 && d.u == 1 && d.tl0picidx == 8);
	CHECK(v[0].data[1] & 0x80);
	/* A key picture cannot be TID 1 (P = 0 needs TID 0). */
	f.flags = KSRTP_FRAME_KEY;
	CHECK_ERR(send(&pz, &f), KSRTP_EINVAL);
	/* Inter-layer dependency on spatial layer 0 is refused (D must be 0 there). */
	f.flags = KSRTP_FRAME_INTER_LAYER;
	f.tid = 0;
	CHECK_ERR(send(&pz, &f), KSRTP_EINVAL);
}

static void flexible(void)
{
	struct ksrtp_packetizer pz;
	struct ksrtp_frame f = { .data = frame, .len = 400 };
	struct ksrtp_vp9_desc d;
	int n, i, dl;

	mt_packetizer(&pz, KSRTP_CODEC_VP9, MTU, KSRTP_PKTZ_VP9_FLEXIBLE, 0);
	f.flags = KSRTP_FRAME_KEY;
	CHECK(send(&pz, &f) == 3);
	d = desc(0, &dl);
	CHECK(d.flags == (KSRTP_VP9_I | KSRTP_VP9_F | KSRTP_VP9_B) && d.n_ref == 0 && dl == 3);
	f.flags = 0;
	CHECK_ERR(send(&pz, &f), KSRTP_EINVAL);		/* an inter frame needs references */
	f.n_ref = 2;
	f.p_diff[0] = 1;
	f.p_diff[1] = 3;
	n = send(&pz, &f);
	CHECK(n == 3);
	for (i = 0; i < n; i++) {
		d = desc(i, &dl);
		CHECK(dl == 5 && d.n_ref == 2 && d.p_diff[0] == 1 && d.p_diff[1] == 3);
		CHECK(d.picture_id == 101);
	}
	f.flags = KSRTP_FRAME_KEY;	/* a key frame has none */
	CHECK_ERR(send(&pz, &f), KSRTP_EINVAL);
	f.flags = 0;
	f.p_diff[1] = 0;
	CHECK_ERR(send(&pz, &f), KSRTP_EINVAL);
	/* Non-flexible streams take no references. */
	mt_packetizer(&pz, KSRTP_CODEC_VP9, MTU, 0, 0);
	f.p_diff[1] = 3;
	CHECK_ERR(send(&pz, &f), KSRTP_EINVAL);
}

static void ss_too_long(void)
{
	struct ksrtp_packetizer pz;
	struct ksrtp_frame f = { .data = frame, .len = 150, .flags = KSRTP_FRAME_KEY, .ss = &ss };

	mt_packetizer(&pz, KSRTP_CODEC_VP9, MTU, 0, 0);
	memset(&ss, 0, sizeof(ss));
	ss.n_s = 1;
	ss.g = 1;
	ss.n_g = 100;	/* 102 octets of SS: the first packet carries 95 of 150 */
	CHECK(send(&pz, &f) == 2);
	ss.n_g = 250;	/* 252 octets of SS: longer than a packet */
	CHECK_ERR(send(&pz, &f), KSRTP_EINVAL);
	ss.n_s = 0;
	ss.n_g = 1;
	CHECK_ERR(send(&pz, &f), KSRTP_EINVAL);
}

int main(void)
{
	unsigned long long rng = 0x5eed;
	size_t i;

	for (i = 0; i < sizeof(frame); i++)
		frame[i] = (uint8_t)test_rand(&rng);
	spatial_picture();
	flexible();
	ss_too_long();
	return test_result();
}
