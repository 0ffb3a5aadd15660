// SPDX-License-Identifier: MIT
/*
 * The VP8 packetizer (ksrtp_packetize on a KSRTP_CODEC_VP8 stream):
 *
 *   - RTP header (RFC 3550 section 5.1): version 2, payload type, sequence
 *     numbers counting on across frames and wrapping, the frame's timestamp
 *     plus the stream offset, the marker on a frame's last packet only
 *     (RFC 7741 section 4.1);
 *   - sizes: every packet of a frame 12 + mtu bytes but the last;
 *   - descriptor (RFC 7741 section 4.2): PictureID 15-bit wrapping and 7-bit
 *     wrapping, TL0PICIDX incremented on TID 0 frames only, TID/Y, KEYIDX
 *     incremented on key frames; S on the first packet, and with partition
 *     lengths given PID per packet, S where a partition begins and only on
 *     the first packet of each PID, PID 7 for every partition past the 7th;
 *   - refusals leave the stream untouched: short buffers, too few packets,
 *     partition lengths that do not add up, fields VP8 does not have.
 */
#include "media_test.h"

#define MTU 100

static uint8_t slots[64][MT_SLOT];
static struct ksrtp_pkt v[64];
static uint8_t frame[8192];

static void reset_slots(uint32_t cap)
{
	unsigned int i;

	for (i = 0; i < 64; i++) {
		v[i].data = slots[i];
		v[i].cap = cap;
		v[i].len = 0;
	}
}

static uint16_t seq_of(const uint8_t *p)
{
	return (uint16_t)(p[2] << 8 | p[3]);
}

static uint32_t ts_of(const uint8_t *p)
{
	return (uint32_t)p[4] << 24 | (uint32_t)p[5] << 16 | (uint32_t)p[6] << 8 | p[7];
}

/* Packetize f; check the header and sizes of every packet; return the count. */
static int send(struct ksrtp_packetizer *pz, const struct ksrtp_frame *f)
{
	uint16_t seq = pz->seq;
	int n, i;
	size_t data = 0;

	int want = ksrtp_packetize_count(pz, f);

	reset_slots(MT_SLOT);
	n = ksrtp_packetize(pz, f, v, 64);
	CHECK(n > 0 && n == want);
	for (i = 0; i < n; i++) {
		const uint8_t *p = v[i].data;
		struct ksrtp_vp8_desc d;
		int dl = ksrtp_vp8_parse(p + 12, v[i].len - 12, &d);

		CHECK(p[0] == 0x80);
		CHECK((p[1] & 0x7f) == 96);
		CHECK(!!(p[1] & 0x80) == (i == n - 1));
		CHECK(seq_of(p) == (uint16_t)(seq + i));
		CHECK(ts_of(p) == 0x10000000u + f->rtp_ts);
		CHECK(p[8] == 0xca && p[9] == 0xfe && p[10] == 0x00 && p[11] == 0x01);
		CHECK(i == n - 1 ? v[i].len <= 12 + MTU : v[i].len == 12 + MTU);
		CHECK(dl > 0);
		CHECK(!memcmp(p + 12 + dl, f->data + data, v[i].len - 12 - (uint32_t)dl));
		data += v[i].len - 12 - (uint32_t)dl;
	}
	CHECK(data == f->len);
	CHECK(pz->seq == (uint16_t)(seq + n));
	return n;
}

static struct ksrtp_vp8_desc desc(int i)
{
	struct ksrtp_vp8_desc d;

	CHECK(ksrtp_vp8_parse(v[i].data + 12, v[i].len - 12, &d) > 0);
	return d;
}

static void fields(void)
{
	struct ksrtp_packetizer pz;
	struct ksrtp_frame f = { .data = frame };
	struct ksrtp_vp8_desc d;
	int n, i;

	/* seq 65534 wraps inside the first frame; PictureID 32766 wraps after two frames. */
	mt_packetizer(&pz, KSRTP_CODEC_VP8, MTU, KSRTP_PKTZ_LAYERS | KSRTP_PKTZ_KEYIDX, 65534);
	pz.picture_id = 32766;
	/* Key frame, 250 bytes: descriptor 1 + X + 2 + L + T/K = 6, data 94 + 94 + 62. */
	f.len = 250;
	f.flags = KSRTP_FRAME_KEY;
	n = send(&pz, &f);
	CHECK(n == 3);
	for (i = 0; i < n; i++) {
		d = desc(i);
		CHECK(d.flags == ((i == 0 ? KSRTP_VP8_S : 0) | KSRTP_VP8_I | KSRTP_VP8_M |
				  KSRTP_VP8_L | KSRTP_VP8_T | KSRTP_VP8_K));
		CHECK(d.pid == 0 && d.picture_id == 32766 && d.tl0picidx == 8 && d.tid == 0 &&
		      d.keyidx == 4);
	}
	/* TID 1, layer sync, non-reference: TL0PICIDX stays, KEYIDX stays. */
	f.len = 50;
	f.rtp_ts = 3000;
	f.flags = KSRTP_FRAME_LAYER_SYNC | KSRTP_FRAME_NON_REF;
	f.tid = 1;
	CHECK(send(&pz, &f) == 1);
	d = desc(0);
	CHECK(d.flags == (KSRTP_VP8_S | KSRTP_VP8_N | KSRTP_VP8_I | KSRTP_VP8_M | KSRTP_VP8_L |
			  KSRTP_VP8_T | KSRTP_VP8_Y | KSRTP_VP8_K));
	CHECK(d.picture_id == 32767 && d.tl0picidx == 8 && d.tid == 1 && d.keyidx == 4);
	/* TID 0 again: TL0PICIDX moves, the PictureID wraps to 0. */
	f.rtp_ts = 6000;
	f.flags = 0;
	f.tid = 0;
	CHECK(send(&pz, &f) == 1);
	d = desc(0);
	CHECK(d.picture_id == 0 && d.tl0picidx == 9 && d.tid == 0 && !(d.flags & KSRTP_VP8_Y));
	CHECK(pz.frames == 3 && pz.packets == 5);
}

static void picture_id_7(void)
{
	struct ksrtp_packetizer pz;
	struct ksrtp_frame f = { .data = frame, .len = 20 };
	struct ksrtp_vp8_desc d;

	mt_packetizer(&pz, KSRTP_CODEC_VP8, MTU, KSRTP_PKTZ_PICTURE_ID_7, 0);
	pz.picture_id = 127;
	CHECK(send(&pz, &f) == 1);
	d = desc(0);
	CHECK(d.flags == (KSRTP_VP8_S | KSRTP_VP8_I) && d.picture_id == 127);
	CHECK(send(&pz, &f) == 1);
	CHECK(desc(0).picture_id == 0);
	/* Without PictureID the descriptor is one octet. */
	mt_packetizer(&pz, KSRTP_CODEC_VP8, MTU, KSRTP_PKTZ_NO_PICTURE_ID, 0);
	CHECK(send(&pz, &f) == 1);
	CHECK(v[0].len == 12 + 1 + 20 && v[0].data[12] == 0x10);
}

static void partitions(void)
{
	struct ksrtp_packetizer pz;
	uint32_t parts[9] = { 40, 148, 22 };
	struct ksrtp_frame f = { .data = frame, .len = 210, .n_parts = 3, .part_len = parts };
	struct ksrtp_vp8_desc d;
	unsigned int i;

	/* One-octet descriptor: 99 data octets a packet. Offsets 0, 99, 198. */
	mt_packetizer(&pz, KSRTP_CODEC_VP8, MTU, KSRTP_PKTZ_NO_PICTURE_ID, 0);
	CHECK(send(&pz, &f) == 3);
	/* 0: partition 0 begins; 99: inside partition 1 (40..188); 198: inside 2. */
	d = desc(0);
	CHECK(d.pid == 0 && (d.flags & KSRTP_VP8_S));
	d = desc(1);
	CHECK(d.pid == 1 && !(d.flags & KSRTP_VP8_S));
	d = desc(2);
	CHECK(d.pid == 2 && !(d.flags & KSRTP_VP8_S));

	/* Partitions that begin exactly where packets do: S on each. */
	parts[0] = 99;
	parts[1] = 99;
	parts[2] = 12;
	CHECK(send(&pz, &f) == 3);
	for (i = 0; i < 3; i++) {
		d = desc((int)i);
		CHECK(d.pid == i && (d.flags & KSRTP_VP8_S));
	}

	/* Nine partitions of 99: PIDs 0..7, 7; S on all but the second PID 7. */
	for (i = 0; i < 9; i++)
		parts[i] = 99;
	f.n_parts = 9;
	f.len = 9 * 99;
	CHECK(send(&pz, &f) == 9);
	for (i = 0; i < 9; i++) {
		d = desc((int)i);
		CHECK(d.pid == (i < 7 ? i : 7));
		CHECK(!!(d.flags & KSRTP_VP8_S) == (i < 8));
	}

	/* Partition 1 (octets 99..248) spans packets 1 and 2: PID 1 on both, S on the first. */
	parts[0] = 99;
	parts[1] = 150;
	parts[2] = 50;
	f.n_parts = 3;
	f.len = 299;
	CHECK(send(&pz, &f) == 4);
	CHECK(desc(1).pid == 1 && (desc(1).flags & KSRTP_VP8_S));
	CHECK(desc(2).pid == 1 && !(desc(2).flags & KSRTP_VP8_S));
	CHECK(desc(3).pid == 2 && !(desc(3).flags & KSRTP_VP8_S));
}

static void refusals(void)
{
	struct ksrtp_packetizer pz, before;
	uint32_t parts[2] = { 100, 100 };
	struct ksrtp_frame f = { .data = frame, .len = 250 };

	mt_packetizer(&pz, KSRTP_CODEC_VP8, MTU, KSRTP_PKTZ_LAYERS, 10);
	before = pz;
	reset_slots(MT_SLOT);
	CHECK_ERR(ksrtp_packetize(&pz, &f, v, 2), KSRTP_ENOSPACE);	/* needs 3 */
	/* Room for the packet but not for the SRTP trailer. */
	reset_slots(12 + MTU + KSRTP_MAX_TRAILER - 1);
	CHECK_ERR(ksrtp_packetize(&pz, &f, v, 64), KSRTP_ENOSPACE);
	reset_slots(MT_SLOT);
	v[1].data = NULL;
	CHECK_ERR(ksrtp_packetize(&pz, &f, v, 64), KSRTP_ENOSPACE);
	reset_slots(MT_SLOT);
	f.n_parts = 2;
	f.part_len = parts;	/* 200 != 250 */
	CHECK_ERR(ksrtp_packetize(&pz, &f, v, 64), KSRTP_EINVAL);
	parts[1] = 150;
	parts[0] = 0;
	CHECK_ERR(ksrtp_packetize(&pz, &f, v, 64), KSRTP_EINVAL);
	f.n_parts = 0;
	/* part_len without n_parts */
	CHECK_ERR(ksrtp_packetize(&pz, &f, v, 64), KSRTP_EINVAL);
	f.part_len = NULL;
	f.tid = 4;
	CHECK_ERR(ksrtp_packetize(&pz, &f, v, 64), KSRTP_EINVAL);
	f.tid = 0;
	f.sid = 1;
	CHECK_ERR(ksrtp_packetize(&pz, &f, v, 64), KSRTP_EINVAL);
	f.sid = 0;
	f.flags = KSRTP_FRAME_MORE_LAYERS;
	CHECK_ERR(ksrtp_packetize(&pz, &f, v, 64), KSRTP_EINVAL);
	f.flags = 0;
	f.len = 0;
	CHECK_ERR(ksrtp_packetize(&pz, &f, v, 64), KSRTP_EINVAL);
	CHECK(!memcmp(&pz, &before, sizeof(pz)));
	/* Not on an unlayered stream: a TID, or Y. */
	mt_packetizer(&pz, KSRTP_CODEC_VP8, MTU, 0, 10);
	f.len = 10;
	f.tid = 1;
	CHECK_ERR(ksrtp_packetize(&pz, &f, v, 64), KSRTP_EINVAL);
	f.tid = 0;
	f.flags = KSRTP_FRAME_LAYER_SYNC;
	CHECK_ERR(ksrtp_packetize(&pz, &f, v, 64), KSRTP_EINVAL);
}

int main(void)
{
	unsigned long long rng = 0x8badf00d;
	size_t i;

	for (i = 0; i < sizeof(frame); i++)
		frame[i] = (uint8_t)test_rand(&rng);
	fields();
	picture_id_7();
	partitions();
	refusals();
	return test_result();
}
