// SPDX-License-Identifier: MIT
/*
 * KSRTP_PKTZ_EQUAL_SPLIT (media.h), on VP8, VP9 (non-flexible and flexible)
 * and the generic format:
 *
 *   - the packet count is the default split's (ksrtp_packetize_count
 *     agrees), every packet but the last carries ceil(payload / count)
 *     octets of RTP payload, the last one less than count octets fewer;
 *     RTP headers and VP9 descriptors are the default split's, the data
 *     in order is the frame, byte for byte;
 *   - VP8 partitions (RFC 7741 section 4.2): PID and S follow where each
 *     packet's data now begins; a VP9 SS longer than the share leaves the
 *     first packet one octet of data and the rest equal;
 *   - streams round-trip through the assembler byte for byte;
 *   - with KSRTP_PAD_TRAIN (and TRAIN with a pad_size) through
 *     ksrtp_protect_batch() every sealed packet of a frame has one length,
 *     which the default split does not reach for every frame;
 *   - through lib/ring (ksrtp_outbound_new passes the packetizer flags):
 *     each frame of more than one packet is one GSO send, and arrives as
 *     equal datagrams.
 */
#include "../ring/ring_test.h"
#include "media_test.h"

#define MAX_PKTS 256

static uint8_t slots[2][MAX_PKTS][MT_SLOT];
static struct ksrtp_pkt v[2][MAX_PKTS];	/* [0] default split, [1] equal split */
static uint8_t frame[64000];

static void reset_slots(unsigned int k)
{
	unsigned int i;

	for (i = 0; i < MAX_PKTS; i++) {
		v[k][i].data = slots[k][i];
		v[k][i].cap = MT_SLOT;
		v[k][i].len = 0;
	}
}

/* Length of the payload descriptor at the start of packet p's payload (SS included). */
static int desc_len(uint8_t codec, const struct ksrtp_pkt *p)
{
	struct ksrtp_vp8_desc d8;
	struct ksrtp_vp9_desc d9;
	static struct ksrtp_vp9_ss ss;

	if (codec == KSRTP_CODEC_VP8)
		return ksrtp_vp8_parse(p->data + 12, p->len - 12, &d8);
	if (codec == KSRTP_CODEC_VP9)
		return ksrtp_vp9_parse(p->data + 12, p->len - 12, &d9, &ss);
	return 0;
}

/*
 * Packetize f with the default split into v[0] and with the equal split
 * into v[1] (two streams started alike) and check the equal one's shape
 * against the default. Returns the packet count.
 */
static int both(struct ksrtp_packetizer pz[2], const struct ksrtp_frame *f)
{
	int want = ksrtp_packetize_count(&pz[1], f), n[2], i, d;
	size_t total = 0, share, head, data = 0;
	unsigned int k;

	CHECK(want > 0 && want == ksrtp_packetize_count(&pz[0], f));
	for (k = 0; k < 2; k++) {
		reset_slots(k);
		n[k] = ksrtp_packetize(&pz[k], f, v[k], MAX_PKTS);
	}
	CHECK(n[0] == want && n[1] == want);
	if (n[1] != want || want <= 0)
		return 0;
	for (i = 0; i < want; i++)
		total += v[1][i].len - 12;
	share = (total + (size_t)want - 1) / (size_t)want;
	/* A VP9 SS as long as the share: one octet of data, the rest share what is left. */
	d = desc_len(pz[1].codec, &v[1][0]);
	head = v[1][0].len - 12;
	if (d >= 0 && (size_t)d >= share && want > 1) {
		CHECK(head == (size_t)d + 1);
		share = (total - head + (size_t)want - 2) / (size_t)(want - 1);
	} else {
		CHECK(head == share || want == 1);
	}
	for (i = 0; i < want; i++) {
		const struct ksrtp_pkt *p = &v[1][i];

		/* Same RTP header as the default split's packet i. */
		CHECK(!memcmp(p->data, v[0][i].data, 12));
		if (i == 0)
			CHECK(want > 1 || p->len == 12 + total);
		else if (i + 1 < want)
			CHECK(p->len == 12 + share);
		else
			CHECK(p->len <= 12 + share && p->len + (uint32_t)want > 12 + share);
		d = desc_len(pz[1].codec, p);
		CHECK(d >= 0 && (uint32_t)d < p->len - 12);
		if (d < 0)
			return want;
		/* VP9 B/E (and everything else) as the default split has them. */
		if (pz[1].codec == KSRTP_CODEC_VP9)
			CHECK(!memcmp(p->data + 12, v[0][i].data + 12, (size_t)d));
		CHECK(data + p->len - 12 - (size_t)d <= f->len &&
		      !memcmp(p->data + 12 + d, f->data + data, p->len - 12 - (size_t)d));
		data += p->len - 12 - (size_t)d;
	}
	CHECK(data == f->len);
	/* Same descriptors in all: the same number of payload octets as the default. */
	for (i = 0; i < want; i++)
		total -= v[0][i].len - 12;
	CHECK(total == 0);
	return want;
}

static void equal_streams(struct ksrtp_packetizer pz[2], uint8_t codec, uint16_t mtu,
			  uint16_t flags)
{
	mt_packetizer(&pz[0], codec, mtu, flags, 100);
	mt_packetizer(&pz[1], codec, mtu, flags | KSRTP_PKTZ_EQUAL_SPLIT, 100);
}

/* Every frame length 1..max (VP8 also with partitions), at several MTUs. */
static void shapes(uint8_t codec, uint16_t flags)
{
	static const uint16_t mtus[] = { KSRTP_MEDIA_MTU_MIN, 100, 1200 };
	struct ksrtp_packetizer pz[2];
	struct ksrtp_frame f = { .data = frame };
	unsigned int m;
	uint32_t len, mtu;

	for (m = 0; m < sizeof(mtus) / sizeof(mtus[0]); m++) {
		mtu = mtus[m];
		equal_streams(pz, codec, mtus[m], flags);
		for (len = 1; len <= 12 * mtu + 5; len += len < 3 * mtu ? 1 : 7) {
			f.len = len;
			f.rtp_ts = len * 3000;
			f.flags = len % 10 == 1 ? KSRTP_FRAME_KEY : 0;
			if (flags & KSRTP_PKTZ_VP9_FLEXIBLE && !(f.flags & KSRTP_FRAME_KEY)) {
				f.n_ref = 1;
				f.p_diff[0] = 1;
			} else {
				f.n_ref = 0;
			}
			both(pz, &f);
		}
	}
	CHECK(pz[1].frames == pz[0].frames && pz[1].packets == pz[0].packets &&
	      pz[1].bytes == pz[0].bytes);
}

static struct ksrtp_vp8_desc vp8_desc(unsigned int i)
{
	struct ksrtp_vp8_desc d;

	CHECK(ksrtp_vp8_parse(v[1][i].data + 12, v[1][i].len - 12, &d) > 0);
	return d;
}

/* VP8 PID and S where the equal split puts each packet's data. */
static void vp8_partitions(void)
{
	struct ksrtp_packetizer pz[2];
	uint32_t parts[9] = { 97, 97, 97 };
	struct ksrtp_frame f = { .data = frame, .len = 291, .n_parts = 3, .part_len = parts };
	struct ksrtp_vp8_desc d;
	unsigned int i;

	/*
	 * One-octet descriptors, mtu 100: 294 payload octets in 3 packets of
	 * 98, data at 0, 97, 194, where the partitions begin: S on each (the
	 * default split's packets begin at 0, 99, 198: S on the first only).
	 */
	equal_streams(pz, KSRTP_CODEC_VP8, 100, KSRTP_PKTZ_NO_PICTURE_ID);
	CHECK(both(pz, &f) == 3);
	for (i = 0; i < 3; i++) {
		d = vp8_desc(i);
		CHECK(d.pid == i && (d.flags & KSRTP_VP8_S) && v[1][i].len == 12 + 98);
	}
	/* Partition 1 (40..236) spans packets 1 and 2: PID 1 on both, S on neither. */
	parts[0] = 40;
	parts[1] = 197;
	parts[2] = 54;
	CHECK(both(pz, &f) == 3);
	d = vp8_desc(1);
	CHECK(d.pid == 1 && !(d.flags & KSRTP_VP8_S));
	d = vp8_desc(2);
	CHECK(d.pid == 1 && !(d.flags & KSRTP_VP8_S));
	/* Nine partitions of 97: PIDs 0..7, 7; S on all but the second PID 7. */
	for (i = 0; i < 9; i++)
		parts[i] = 97;
	f.n_parts = 9;
	f.len = 9 * 97;
	CHECK(both(pz, &f) == 9);
	for (i = 0; i < 9; i++) {
		d = vp8_desc(i);
		CHECK(d.pid == (i < 7 ? i : 7) && !!(d.flags & KSRTP_VP8_S) == (i < 8));
	}
}

/* A VP9 SS longer than the equal share: the first packet keeps one octet of data. */
static void vp9_long_ss(void)
{
	static struct ksrtp_vp9_ss ss, got;
	struct ksrtp_packetizer pz[2];
	struct ksrtp_frame f = { .data = frame, .len = 30, .flags = KSRTP_FRAME_KEY, .ss = &ss };
	struct ksrtp_vp9_desc d;
	int dl;

	memset(&ss, 0, sizeof(ss));
	ss.n_s = 1;
	ss.g = 1;
	ss.n_g = 80;	/* 82 octets of SS, 85 of descriptor; 118 payload octets in 2 packets */
	equal_streams(pz, KSRTP_CODEC_VP9, 100, 0);
	CHECK(both(pz, &f) == 2);
	dl = ksrtp_vp9_parse(v[1][0].data + 12, v[1][0].len - 12, &d, &got);
	CHECK(dl == 85 && v[1][0].len == 12 + 85 + 1 && !memcmp(&got, &ss, sizeof(ss)));
	CHECK(v[1][0].data[12 + dl] == frame[0]);
	dl = ksrtp_vp9_parse(v[1][1].data + 12, v[1][1].len - 12, &d, NULL);
	CHECK(dl == 3 && v[1][1].len == 12 + 3 + 29 && !memcmp(v[1][1].data + 15, frame + 1, 29));
	/* Frames with it: as many packets as the default; after the first, equal. */
	for (f.len = 1; f.len < 2000; f.len += 3) {
		int n;

		f.rtp_ts += 3000;
		n = both(pz, &f);
		CHECK(n > 0);
	}
}

/* Streams of the equal split through the assembler: every frame out, byte for byte. */
static void roundtrip(uint8_t codec, uint16_t mtu, uint16_t flags, unsigned int frames)
{
	unsigned long long rng = 0xe9a1 + codec + mtu;
	unsigned int skip = codec == KSRTP_CODEC_GENERIC, i;
	struct ksrtp_assembler_stats stats;
	struct ksrtp_packetizer pz;
	struct mt_stream st;
	struct mt_rx rx;

	mt_packetizer(&pz, codec, mtu, flags | KSRTP_PKTZ_EQUAL_SPLIT, 65000);
	mt_stream_build(&st, &pz, frames, 6000, 25, &rng);
	mt_rx_init(&rx, mt_assembler(codec, 0, 0), &st);
	for (i = 0; i < st.np; i++) {
		CHECK_ERR(mt_push(rx.a, &st.p[i]), 0);
		mt_rx_drain(&rx);
	}
	ksrtp_assembler_flush(rx.a);
	mt_rx_drain(&rx);
	ksrtp_assembler_stats(rx.a, &stats);
	for (i = 0; i < st.nf; i++)
		CHECK(rx.got[i] == (i >= skip));
	CHECK(stats.frames == st.nf - skip && stats.packets == st.np);
	CHECK(!stats.lost && !stats.malformed && !stats.inconsistent && !stats.frames_dropped);
	mt_rx_free(&rx);
	ksrtp_assembler_free(rx.a);
	mt_stream_free(&st);
}

static ksrtp_session *padded_session(uint8_t policy, uint16_t size)
{
	struct ksrtp_config cfg = test_config();
	uint8_t key[16], salt[12];
	struct ksrtp_policy p = {
		.profile = KSRTP_AEAD_AES_128_GCM,
		.direction = KSRTP_OUTBOUND,
		.ssrc = 0xcafe0001u,
		.key = key,
		.key_len = sizeof(key),
		.salt = salt,
		.salt_len = sizeof(salt),
		.pad_policy = policy,
		.pad_size = size,
	};
	int err = 0;
	ksrtp_session *s;

	rt_key(0, key, salt);
	s = ksrtp_session_new(&cfg, &err);
	if (!s || (err = ksrtp_add_stream(s, &p)))
		MT_FATAL("session: %s", ksrtp_strerror(err));
	return s;
}

/*
 * Seal random frames of up to 256 packets under TRAIN (pad_size size):
 * with the equal split every packet of a frame has one sealed length;
 * returns how many frames of the default split did not (a check that the
 * test can tell).
 */
static unsigned int train(uint16_t mtu, uint16_t size)
{
	unsigned long long rng = 0x7a1e + mtu + size;
	ksrtp_session *s[2] = { padded_session(KSRTP_PAD_TRAIN, size),
				padded_session(KSRTP_PAD_TRAIN, size) };
	struct ksrtp_packetizer pz[2];
	struct ksrtp_frame f = { .data = frame };
	unsigned int j, k, uneven = 0;
	int n, i;

	equal_streams(pz, KSRTP_CODEC_VP8, mtu, KSRTP_PKTZ_LAYERS);
	for (j = 0; j < 300; j++) {
		/* VP8 with layers: 6-octet descriptors, so at most 255 packets. */
		f.len = 1 + (uint32_t)(test_rand(&rng) % (255u * (mtu - 6)));
		if (f.len > sizeof(frame))
			f.len = 1 + f.len % (uint32_t)sizeof(frame);
		f.rtp_ts = j * 3000;
		n = both(pz, &f);
		for (k = 0; k < 2 && n > 0; k++) {
			CHECK_ERR(ksrtp_protect_batch(s[k], v[k], (unsigned int)n), n);
			for (i = 0; i < n; i++)
				CHECK(v[k][i].status == 0);
		}
		for (i = 1; i < n; i++) {
			CHECK(v[1][i].len == v[1][0].len);
			if (v[0][i].len != v[0][0].len) {
				uneven++;
				break;
			}
		}
	}
	ksrtp_session_free(s[0]);
	ksrtp_session_free(s[1]);
	return uneven;
}

/* Through ksrtp_outbound (sendmsg + UDP_SEGMENT): one GSO send a frame, equal datagrams. */
static void ring(uint8_t policy)
{
	unsigned long long rng = 0x919 + policy;
	struct ksrtp_packetizer_config pc = {
		.ssrc = 0xcafe0001u, .codec = KSRTP_CODEC_VP8, .payload_type = 96,
		.flags = KSRTP_PKTZ_EQUAL_SPLIT,
	};
	ksrtp_session *s = padded_session(policy, 0);
	struct ksrtp_ring_stats st;
	struct ksrtp_dest to;
	struct rt_link l;
	ksrtp_outbound *o;
	ksrtp_ring *r;
	unsigned int j;
	int err = 0, n, i;

	rt_link_open(&l);
	to = (struct ksrtp_dest){ .fd = l.tx };
	r = rt_ring(KSRTP_TX_GSO, KSRTP_RX_RECVMMSG, 0, 256, 16);
	o = ksrtp_outbound_new(r, s, &pc, &to, &err);
	if (!o)
		MT_FATAL("ksrtp_outbound_new: %s", ksrtp_strerror(err));
	CHECK(ksrtp_outbound_packetizer(o)->flags & KSRTP_PKTZ_EQUAL_SPLIT);
	for (j = 0; j < 40; j++) {
		uint32_t len = 1 + (uint32_t)(test_rand(&rng) % 30000), got[64];
		uint64_t gso_before;
		double deadline;

		ksrtp_ring_stats(r, &st);
		gso_before = st.tx_gso_sends;
		n = ksrtp_send_frame(o, frame, len, j * 3000, j == 0);
		CHECK(n > 0 && n <= 64);
		if (n <= 0 || n > 64)
			break;
		ksrtp_ring_stats(r, &st);
		CHECK(st.tx_gso_sends - gso_before == (n > 1) && st.tx_errors == 0);
		deadline = rt_now() + RT_TIMEOUT_MS / 1000.0;
		for (i = 0; i < n && rt_now() < deadline;) {
			uint8_t buf[MT_SLOT];
			ssize_t m = recv(l.rx, buf, sizeof(buf), 0);

			if (m > 0)
				got[i++] = (uint32_t)m;
			else
				sched_yield();
		}
		CHECK(i == n);
		for (i = 1; i < n; i++) {
			if (policy == KSRTP_PAD_TRAIN || i + 1 < n)
				CHECK(got[i] == got[0]);
			else
				CHECK(got[i] <= got[0] && got[i] + (uint32_t)n > got[0]);
		}
	}
	ksrtp_outbound_free(o);
	rt_check_slots(r);
	ksrtp_ring_free(r);
	ksrtp_session_free(s);
	rt_link_close(&l);
}

int main(void)
{
	unsigned long long rng = 0x5eed;
	size_t i;

	for (i = 0; i < sizeof(frame); i++)
		frame[i] = (uint8_t)test_rand(&rng);
	shapes(KSRTP_CODEC_VP8, KSRTP_PKTZ_LAYERS | KSRTP_PKTZ_KEYIDX);
	shapes(KSRTP_CODEC_VP8, KSRTP_PKTZ_NO_PICTURE_ID);
	shapes(KSRTP_CODEC_VP9, KSRTP_PKTZ_LAYERS);
	shapes(KSRTP_CODEC_VP9, KSRTP_PKTZ_VP9_FLEXIBLE);
	shapes(KSRTP_CODEC_GENERIC, 0);
	vp8_partitions();
	vp9_long_ss();
	roundtrip(KSRTP_CODEC_VP8, 0, KSRTP_PKTZ_LAYERS | KSRTP_PKTZ_KEYIDX, 200);
	roundtrip(KSRTP_CODEC_VP8, 100, 0, 60);
	roundtrip(KSRTP_CODEC_VP9, 0, KSRTP_PKTZ_LAYERS, 200);
	roundtrip(KSRTP_CODEC_VP9, 100, KSRTP_PKTZ_VP9_FLEXIBLE, 60);
	roundtrip(KSRTP_CODEC_GENERIC, 0, 0, 200);
	roundtrip(KSRTP_CODEC_GENERIC, 100, 0, 60);
	/* mtu 100: TRAIN alone pads any last packet up (at most 94 short), so no control. */
	train(100, 0);
	CHECK(train(1200, 0) > 0);
	CHECK(train(1200, 64) > 0);
	ring(KSRTP_PAD_OFF);
	ring(KSRTP_PAD_TRAIN);
	return test_result();
}
