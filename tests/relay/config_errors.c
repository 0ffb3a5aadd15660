// SPDX-License-Identifier: MIT
/*
 * Bad config files: the relay refuses to start (exit 1), and its one error
 * line names the file, the line and what is wrong, and never contains a key
 * or salt from the file (not even when the bad value is the key itself).
 */
#include "relay_test.h"

#define K16 "00112233445566778899aabbccddeeff"
#define K32 K16 "f0e1d2c3b4a5968778695a4b3c2d1e0f"
#define S12 "a0a1a2a3a4a5a6a7a8a9aaab"
#define S14 S12 "acad"
#define GOOD_STREAM "stream ssrc=0x1234 profile=AEAD_AES_128_GCM key=" K16 " salt=" S12 "\n"
#define GOOD_RECV "receiver addr=127.0.0.1:7000 profile=AEAD_AES_256_GCM key=" K32 \
	" salt=" S12 " streams=all\n"

static const struct bad_config {
	const char *text;
	unsigned int line;	/* 0: the error names no line */
	const char *says;
} cases[] = {
	{ "listen 127.0.0.1:0\nstream ssrc=0x1234 profile=AEAD_AES_128_GCM key=" K16 "zz salt=" S12
	  "\n", 2, "key: not hex" },
	{ "listen 127.0.0.1:0\nstream ssrc=0x1234 profile=AEAD_AES_256_GCM key=" K16 " salt=" S12
	  "\n", 2, "key: AEAD_AES_256_GCM takes 32 bytes" },
	{ "listen 127.0.0.1:0\n" GOOD_STREAM "stream ssrc=0x1234 profile=AES_CM_128_HMAC_SHA1_80 "
	  "key=" K16 " salt=" S14 "\n", 3, "duplicate stream ssrc=0x00001234 (also on line 2)" },
	{ "listen 127.0.0.1:0\n# a comment\n\n" GOOD_STREAM "stream ssrc=1 profile=AES_CM_128_HMAC_SHA1_32"
	  " key=" K16 " salt=" S12 "\n", 5, "salt: AES_CM_128_HMAC_SHA1_32 takes 14 bytes" },
	{ "listen 127.0.0.1:0\n" GOOD_STREAM "stream ssrc=2 profile=AEAD_AES_128_GCM key=" K16
	  " salt=" S12 " colour=blue\n", 3, "unknown field 'colour'" },
	{ "listen 127.0.0.1:70000\n", 1, "listen: port out of range" },
	{ "listen 127.0.0.1:0\n" GOOD_STREAM "receiver addr=127.0.0.1:0 profile=AEAD_AES_128_GCM "
	  "key=" K16 " salt=" S12 " streams=all\n", 3, "addr: port out of range (1..65535)" },
	{ "listen 127.0.0.1:0\n" GOOD_STREAM "receiver addr=localhost:9 profile=AEAD_AES_128_GCM "
	  "key=" K16 " salt=" S12 " streams=all\n", 3, "addr: not an IPv4 address" },
	{ "listen 127.0.0.1:0\n" GOOD_STREAM GOOD_RECV GOOD_RECV, 4, "duplicate receiver addr" },
	{ "listen 127.0.0.1:0\n" GOOD_STREAM "receiver addr=127.0.0.1:7000 profile=AEAD_AES_128_GCM "
	  "key=" K16 " salt=" S12 " streams=0x1234,0x99\n", 3, "streams: no stream has ssrc=0x00000099" },
	{ "listen 127.0.0.1:0\nstream ssrc=" K16 " profile=AEAD_AES_128_GCM key=" K16 " salt=" S12
	  "\n", 2, "ssrc: not a 32-bit number" },
	{ "listen 127.0.0.1:0\nstream ssrc=7 profile=AES_GCM key=" K16 " salt=" S12 "\n", 2,
	  "profile: unknown" },
	{ "listen 127.0.0.1:0\nstream ssrc=7 profile=AEAD_AES_128_GCM salt=" S12 "\n", 2,
	  "missing key=" },
	{ "listen 127.0.0.1:0\nstream ssrc=7 ssrc=8 profile=AEAD_AES_128_GCM key=" K16 " salt=" S12
	  "\n", 2, "ssrc given twice" },
	{ "listen 127.0.0.1:0\nstream ssrc=7 profile=AEAD_AES_128_GCM key " K16 " salt=" S12 "\n",
	  2, "want name=value" },
	{ "listen 127.0.0.1:0\nstream ssrc=7 profile=AEAD_AES_128_GCM key=" K16 " salt=" S12
	  " replay_window=10\n", 2, "replay_window: want 64..32768" },
	{ "listen 127.0.0.1:0\nforward everything\n", 2, "unknown directive 'forward'" },
	{ "listen 127.0.0.1:0\nlisten 127.0.0.1:1\n", 2, "listen given twice" },
	{ GOOD_STREAM, 0, "no listen line" },
	{ "listen 127.0.0.1:0 127.0.0.1:1\n", 1, "listen: want one address:port" },
	/* IPv6: brackets, a real address, and one family per relay. */
	{ "listen [::1:0\n", 1, "listen: want IPv4-address:port or [IPv6-address]:port" },
	{ "listen [::g]:0\n", 1, "listen: not an IPv6 address" },
	{ "listen [::1]:0\n" GOOD_STREAM GOOD_RECV, 3,
	  "addr: an IPv4 receiver, but the relay listens on IPv6" },
	{ "listen 127.0.0.1:0\n" GOOD_STREAM "receiver addr=[::1]:7000 profile=AEAD_AES_128_GCM "
	  "key=" K16 " salt=" S12 " streams=all\n", 3,
	  "addr: an IPv6 receiver, but the relay listens on IPv4" },
	/* Receivers the relay cannot send to; an empty item in a streams list. */
	{ "listen 127.0.0.1:0\n" GOOD_STREAM "receiver addr=0.0.0.0:7000 profile=AEAD_AES_128_GCM "
	  "key=" K16 " salt=" S12 " streams=all\n", 3,
	  "addr: the unspecified or the broadcast address" },
	{ "listen 127.0.0.1:0\n" GOOD_STREAM "receiver addr=255.255.255.255:7000 "
	  "profile=AEAD_AES_128_GCM key=" K16 " salt=" S12 " streams=all\n", 3,
	  "addr: the unspecified or the broadcast address" },
	{ "listen [::1]:0\n" GOOD_STREAM "receiver addr=[::]:7000 profile=AEAD_AES_128_GCM "
	  "key=" K16 " salt=" S12 " streams=all\n", 3,
	  "addr: the unspecified or the broadcast address" },
	{ "listen 127.0.0.1:0\n" GOOD_STREAM "receiver addr=127.0.0.1:7000 profile=AEAD_AES_128_GCM "
	  "key=" K16 " salt=" S12 " streams=0x1234,,7\n", 3, "streams: item 2 is empty" },
	/* Numbers are decimal or 0x-hexadecimal, never octal: 010 is ten, 08 eight. */
	{ "listen 127.0.0.1:0\n" GOOD_STREAM "receiver addr=127.0.0.1:7000 profile=AEAD_AES_128_GCM "
	  "key=" K16 " salt=" S12 " streams=010\n", 3, "streams: no stream has ssrc=0x0000000a" },
	{ "listen 127.0.0.1:0\nstream ssrc=08 profile=AEAD_AES_128_GCM key=" K16 " salt=" S12
	  "\n" GOOD_RECV "stream ssrc=8 profile=AEAD_AES_128_GCM key=" K16 " salt=" S12 "\n", 4,
	  "duplicate stream ssrc=0x00000008" },
	{ "listen 127.0.0.1:0\nstream ssrc=0x profile=AEAD_AES_128_GCM key=" K16 " salt=" S12
	  "\n", 2, "ssrc: " },
	{ "listen 127.0.0.1:0\nstream ssrc=0x0x1 profile=AEAD_AES_128_GCM key=" K16 " salt=" S12
	  "\n", 2, "ssrc: " },
	{ "listen 127.0.0.1:+0\n", 1, "listen: port out of range" },
	/* A key pasted on a line of its own, or before an '=': named, not shown. */
	{ "listen 127.0.0.1:0\n" K16 "\n", 2, "unknown directive '(not shown)'" },
	{ "listen 127.0.0.1:0\nstream ssrc=7 " S12 "=1 profile=AEAD_AES_128_GCM key=" K16
	  " salt=" S12 "\n", 2, "unknown field '(not shown)'" },
};

int main(void)
{
	struct rt_relay relay;
	char where[160];
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct bad_config *c = &cases[i];
		const char *log;

		rt_relay_init(&relay);
		CHECK(rt_relay_start(&relay, c->text, NULL) == -1);
		CHECK(relay.exited && WIFEXITED(relay.status) && WEXITSTATUS(relay.status) == 1);
		log = rt_read_file(relay.log);
		if (c->line)
			snprintf(where, sizeof(where), "%s:%u: ", relay.config, c->line);
		else
			snprintf(where, sizeof(where), "%s: ", relay.config);
		CHECK(strstr(log, where));
		CHECK(strstr(log, c->says));
		/* No key or salt, nor a long enough piece of one to matter. */
		CHECK(!strstr(log, "0011223344556677"));
		CHECK(!strstr(log, "f0e1d2c3b4a59687"));
		CHECK(!strstr(log, "a0a1a2a3a4a5a6a7"));
		if (!strstr(log, where) || !strstr(log, c->says))
			fprintf(stderr, "case %u: want '%s...%s', got: %s", i, where, c->says, log);
		rt_relay_cleanup(&relay);
	}
	return test_result();
}
