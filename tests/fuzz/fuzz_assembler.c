// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the frame assembler's sequencing. Packets are built
 * here from compact records, so the fuzzer moves sequence numbers,
 * timestamps and marker bits directly instead of rediscovering the RTP
 * header: reordering, loss, duplicates, jumps and wraps, padding-only
 * packets, a foreign SSRC, flushes. Frames are checked as in fuzz_media.h.
 *
 * Input: configuration octets 0 and 1 as fuzz_media.h, octet 2 the codec
 * (% 3). Then records, by their first octet:
 *   0x00-0xef  a packet: int8 sequence step, timestamp step (in 3000s),
 *              payload length, payload. Bit 0: marker; bit 1: 4 octets of
 *              RTP padding after the payload; bit 2: another SSRC.
 *   0xf0-0xf7  flush
 *   0xf8-0xff  the sequence number jumps by the next 2 octets
 */
#include "fuzz_media.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint16_t seq = 0;
	uint32_t ts = 0;
	unsigned int pops = 0;
	ksrtp_assembler *a;
	uint8_t codec, *buf;

	if (size < 3)
		return 0;
	codec = data[2] % 3;
	a = fuzz_media_assembler(codec, data[0], data[1]);
	buf = malloc(ksrtp_assembler_max_frame(a));
	if (!buf)
		abort();
	data += 3;
	size -= 3;
	while (size >= 1) {
		uint8_t op = *data++;

		size--;
		if (op >= 0xf8) {
			if (size < 2)
				break;
			seq = (uint16_t)(seq + (data[0] << 8 | data[1]));
			data += 2;
			size -= 2;
		} else if (op >= 0xf0) {
			ksrtp_assembler_flush(a);
		} else {
			size_t len, pad = op & 2 ? 4 : 0;
			uint8_t *pkt;

			if (size < 3)
				break;
			seq = (uint16_t)(seq + (int8_t)data[0]);
			ts += 3000u * data[1];
			len = data[2];
			data += 3;
			size -= 3;
			if (len > size)
				len = size;
			pkt = malloc(12 + len + pad);
			if (!pkt)
				abort();
			pkt[0] = (uint8_t)(0x80 | (pad ? 0x20 : 0));
			pkt[1] = (uint8_t)((op & 1 ? 0x80 : 0) | 96);
			pkt[2] = (uint8_t)(seq >> 8);
			pkt[3] = (uint8_t)seq;
			pkt[4] = (uint8_t)(ts >> 24);
			pkt[5] = (uint8_t)(ts >> 16);
			pkt[6] = (uint8_t)(ts >> 8);
			pkt[7] = (uint8_t)ts;
			memset(pkt + 8, op & 4 ? 0x22 : 0x11, 4);
			memcpy(pkt + 12, data, len);
			if (pad) {
				memset(pkt + 12 + len, 0, pad);
				pkt[12 + len + pad - 1] = (uint8_t)pad;
			}
			ksrtp_assembler_push(a, pkt, 12 + len + pad);
			free(pkt);
			data += len;
			size -= len;
		}
		fuzz_media_pop(a, codec, buf, &pops);
	}
	ksrtp_assembler_flush(a);
	fuzz_media_pop(a, codec, buf, &pops);
	free(buf);
	ksrtp_assembler_free(a);
	return 0;
}
