// SPDX-License-Identifier: MIT
/*
 * RFC 3711 Appendix B.2: the AES-CM keystream vector, through
 * ksrtp_aes_cm_xor(). With SSRC 0, ROC 0 and sequence number 0, the counter
 * block of RFC 3711 section 4.1.1 is just the session salt shifted left 16
 * bits; the keystream is what xoring over zeros gives. The appendix lists the
 * first three and the last three of 65282 blocks (1044512 octets); the last
 * three are NIST SP 800-38A F.5.1 CTR-AES128 output blocks, which the test
 * case was contrived to hit, so they double as an independent check.
 */
#include "internal.h"
#include "test.h"

#define B2_BLOCKS 65282u			/* RFC 3711 B.2: keystream segment length */
#define B2_LEN ((size_t)B2_BLOCKS * 16)	/* 1044512 octets */

/* RFC 3711 Appendix B.2. */
static const char session_key_hex[] = "2B7E151628AED2A6ABF7158809CF4F3C";
static const char counter0_hex[] = "F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000";	/* salt, shifted */

struct keystream_block {
	size_t index;		/* block number from the first counter */
	const char *hex;
};

static const struct keystream_block blocks[] = {
	/* RFC 3711 Appendix B.2, counters ...0000, ...0001, ...0002. */
	{ 0, "E03EAD0935C95E80E166B16DD92B4EB4" },
	{ 1, "D23513162B02D0F72A43A2FE4A5F97AB" },
	{ 2, "41E95B3BB0A2E8DD477901E4FCA894C0" },
	/*
	 * RFC 3711 Appendix B.2, counters ...FEFF, ...FF00, ...FF01; also NIST
	 * SP 800-38A F.5.1 output blocks 1 to 3 (same key, same counters).
	 */
	{ 0xfeff, "EC8CDF7398607CB0F2D21675EA9EA1E4" },
	{ 0xff00, "362B7C3C6773516318A077D7FC5073AE" },
	{ 0xff01, "6A2CC3787889374FBEB4C81B17BA6C44" },
};

int main(void)
{
	uint8_t key[16], iv[16], want[16], head[23];
	uint8_t *zeros, *out;
	size_t i;

	CHECK(test_hex(session_key_hex, key, sizeof(key)) == sizeof(key));
	CHECK(test_hex(counter0_hex, iv, sizeof(iv)) == sizeof(iv));

	zeros = calloc(1, B2_LEN);
	out = malloc(B2_LEN);
	if (!zeros || !out) {
		fprintf(stderr, "out of memory\n");
		return T_FAIL;
	}
	memset(out, 0x5a, B2_LEN);
	CHECK_ERR(ksrtp_aes_cm_xor(key, sizeof(key), iv, zeros, out, B2_LEN), 0);
	for (i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++) {
		CHECK(test_hex(blocks[i].hex, want, sizeof(want)) == sizeof(want));
		if (memcmp(out + blocks[i].index * 16, want, 16) != 0) {
			fprintf(stderr, "RFC 3711 B.2: keystream block 0x%zx differs\n",
				blocks[i].index);
			test_failures++;
		}
	}

	/*
	 * Packets are rarely whole blocks: a short run must be the same
	 * keystream prefix, and the output must not run past n.
	 */
	memset(head, 0x5a, sizeof(head));
	CHECK_ERR(ksrtp_aes_cm_xor(key, sizeof(key), iv, zeros, head, 20), 0);
	CHECK_MEM(head, out, 20);
	CHECK(head[20] == 0x5a && head[21] == 0x5a && head[22] == 0x5a);

	free(zeros);
	free(out);
	return test_result();
}
