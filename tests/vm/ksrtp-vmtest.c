// SPDX-License-Identifier: MIT
/*
 * ksrtp-vmtest: the module's ABI from userspace, run inside the test VM
 * (tests/vm/init). Each check prints "@@ PASS name" or "@@ FAIL name" on
 * stdout (the serial console); details of a failure go before it.
 *
 * - info: INFO fields, and that gcm(aes) is an AES-NI driver;
 * - sa-add-del: SA_ADD/SA_DEL/SA_STATS, including every invalid argument;
 * - vectors-{ioctl,uring}: RFC 7714 sections 16/17 through SEAL and OPEN;
 * - crosscheck-{ioctl,uring}: random RTP/RTCP packets sealed by the module
 *   and by libksrtp's user engine (ipsec-mb) must agree byte for byte, and
 *   each side opens the other's; rollover, replay, tamper included;
 * - abuse-*: hostile arguments and concurrent misuse; the kernel must
 *   answer with errors, never crash or warn (tests/vm/init greps dmesg);
 * - lib-engine: libksrtp's kernel engine over both transports: AUTO picks
 *   the module, KERNEL refuses what the module lacks, AUTO falls back per
 *   stream (profile, any_ssrc, max_sas), slot-size limit, SA_STATS;
 * - all-or-nothing-{ioctl,uring}: KSRTP_BATCH_ALL_OR_NOTHING fails a batch
 *   with a bad descriptor (-EBADMSG), statuses still written back;
 * - uring-linked-send: a SEAL linked to the sendmsg of its slots: the
 *   sealed bytes arrive; one bad descriptor cancels the send (nothing
 *   arrives).
 *
 * Statically linked: libksrtp.a, libIPSec_MB.a, liburing.a (2.3: no
 * URING_CMD helper, so io_uring_prep_rw + cmd_op + payload at addr3).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/ksrtp.h>

#include "ksrtp/ksrtp.h"

#define NSLOTS 64
#define SLOT KSRTP_SLOT_SIZE

static int failures;

#define EXPECT(cond)                                                                  \
	do {                                                                          \
		if (!(cond)) {                                                        \
			printf("  %s:%d: EXPECT(%s) failed\n", __func__, __LINE__, #cond); \
			failures++;                                                   \
		}                                                                     \
	} while (0)

#define EXPECT_EQ(got, want)                                                         \
	do {                                                                         \
		long long g_ = (long long)(got), w_ = (long long)(want);             \
		if (g_ != w_) {                                                      \
			printf("  %s:%d: %s = %lld, want %lld\n", __func__, __LINE__, \
			       #got, g_, w_);                                        \
			failures++;                                                  \
		}                                                                    \
	} while (0)

static void run(const char *name, void (*fn)(void))
{
	int before = failures;
	time_t t0 = time(NULL);

	fn();
	printf("@@ %s %s (%lds)\n", failures == before ? "PASS" : "FAIL", name,
	       (long)(time(NULL) - t0));
	fflush(stdout);
}

/* ---- random numbers (xorshift64*, fixed seed: runs are reproducible) ---- */

static uint64_t rng_state = 0x5eed0f4b5a7c0de1ull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static uint32_t rnd_below(uint32_t n)
{
	return n ? (uint32_t)(rnd() % n) : 0;
}

static void rnd_fill(void *p, size_t n)
{
	uint8_t *b = p;

	while (n--)
		*b++ = (uint8_t)rnd();
}

/* ---- the device ---- */

struct dev {
	int fd;
	uint8_t *arena;
	struct io_uring ring;
	bool ring_ok;
};

static bool dev_open(struct dev *d, unsigned int nslots)
{
	memset(d, 0, sizeof(*d));
	d->fd = open("/dev/ksrtp", O_RDWR | O_CLOEXEC);
	if (d->fd < 0) {
		perror("  open /dev/ksrtp");
		return false;
	}
	if (nslots) {
		d->arena = mmap(NULL, (size_t)nslots * SLOT, PROT_READ | PROT_WRITE, MAP_SHARED,
				d->fd, 0);
		if (d->arena == MAP_FAILED) {
			perror("  mmap");
			d->arena = NULL;
			return false;
		}
	}
	d->ring_ok = io_uring_queue_init(64, &d->ring, 0) == 0;
	return d->ring_ok;
}

static void dev_close(struct dev *d)
{
	if (d->ring_ok)
		io_uring_queue_exit(&d->ring);
	if (d->arena)
		munmap(d->arena, (size_t)NSLOTS * SLOT);
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
	d->arena = NULL;
	d->ring_ok = false;
}

static int xioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) < 0 ? -errno : 0;
}

static long batch_ioctl(struct dev *d, bool seal, struct ksrtp_desc *v, uint32_t n,
			uint32_t flags)
{
	struct ksrtp_batch b = { .descs = (uintptr_t)v, .count = n, .flags = flags };
	long r = ioctl(d->fd, seal ? KSRTP_IOC_SEAL : KSRTP_IOC_OPEN, &b);

	return r < 0 ? -errno : r;
}

/* One URING_CMD; returns the CQE's res. */
static int uring_cmd(struct dev *d, uint32_t cmd_op, const struct ksrtp_batch *b)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&d->ring);
	struct io_uring_cqe *cqe;
	int res;

	if (!sqe)
		return -EBUSY;
	io_uring_prep_rw(IORING_OP_URING_CMD, sqe, d->fd, NULL, 0, 0);
	sqe->cmd_op = cmd_op;
	memcpy(&sqe->addr3, b, sizeof(*b));
	if (io_uring_submit(&d->ring) != 1)
		return -EIO;
	if (io_uring_wait_cqe(&d->ring, &cqe))
		return -EIO;
	res = cqe->res;
	io_uring_cqe_seen(&d->ring, cqe);
	return res;
}

static long batch_uring(struct dev *d, bool seal, struct ksrtp_desc *v, uint32_t n,
			uint32_t flags)
{
	struct ksrtp_batch b = { .descs = (uintptr_t)v, .count = n, .flags = flags };

	return uring_cmd(d, seal ? KSRTP_IOC_SEAL : KSRTP_IOC_OPEN, &b);
}

typedef long (*batch_fn)(struct dev *, bool, struct ksrtp_desc *, uint32_t, uint32_t);

static int sa_add(struct dev *d, uint32_t profile, uint32_t dir, uint32_t ssrc,
		  const uint8_t *key, const uint8_t *salt, uint32_t flags, uint32_t roc,
		  uint32_t rtcp_index, uint32_t *id)
{
	struct ksrtp_sa_add a;
	int r;

	memset(&a, 0, sizeof(a));
	a.profile = profile;
	a.direction = dir;
	a.ssrc = ssrc;
	a.flags = flags;
	a.roc = roc;
	a.rtcp_index = rtcp_index;
	a.key_len = profile == KSRTP_PROF_AEAD_AES_256_GCM ? 32 : 16;
	a.salt_len = 12;
	memcpy(a.key, key, a.key_len);
	memcpy(a.salt, salt, 12);
	r = xioctl(d->fd, KSRTP_IOC_SA_ADD, &a);
	if (!r)
		*id = a.sa_id;
	return r;
}

static uint8_t *slot(struct dev *d, uint32_t i)
{
	return d->arena + (size_t)i * SLOT;
}

/* ---- info ---- */

static struct ksrtp_info info;

static void t_info(void)
{
	struct dev d;

	if (!dev_open(&d, 0)) {
		failures++;
		return;
	}
	EXPECT_EQ(xioctl(d.fd, KSRTP_IOC_INFO, &info), 0);
	EXPECT_EQ(info.abi_version, KSRTP_ABI_VERSION);
	EXPECT_EQ(info.slot_size, KSRTP_SLOT_SIZE);
	EXPECT_EQ(info.seal_trailer, KSRTP_SEAL_TRAILER);
	EXPECT_EQ(info.profiles, (1u << KSRTP_PROF_AEAD_AES_128_GCM) |
				 (1u << KSRTP_PROF_AEAD_AES_256_GCM));
	EXPECT(info.max_batch >= 1 && info.max_slots >= NSLOTS && info.max_sas >= 16);
	EXPECT(info.flags & KSRTP_INFO_CRYPTEX);
	EXPECT(memchr(info.driver, 0, sizeof(info.driver)) != NULL);
	EXPECT(info.reserved[0] == 0 && info.reserved[3] == 0);
	printf("  gcm(aes) driver %s%s, max_batch %u, max_slots %u, max_sas %u\n", info.driver,
	       info.flags & KSRTP_INFO_DRIVER_ASYNC ? " (async)" : "", info.max_batch,
	       info.max_slots, info.max_sas);
	EXPECT_EQ(xioctl(d.fd, KSRTP_IOC_INFO, NULL), -EFAULT);
	dev_close(&d);
}

static void t_driver_aesni(void)
{
	EXPECT(strstr(info.driver, "aesni") != NULL);
}

/* ---- SA management ---- */

static const uint8_t key32[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
				   17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31 };
static const uint8_t salt12[12] = { 0x51, 0x75, 0x69, 0x64, 0x20, 0x70, 0x72, 0x6f };

static void good_add(struct ksrtp_sa_add *a)
{
	memset(a, 0, sizeof(*a));
	a->profile = KSRTP_PROF_AEAD_AES_128_GCM;
	a->direction = KSRTP_DIR_OUTBOUND;
	a->ssrc = 0x1234;
	a->key_len = 16;
	a->salt_len = 12;
	memcpy(a->key, key32, 16);
	memcpy(a->salt, salt12, 12);
}

static void t_sa(void)
{
	struct ksrtp_sa_add a;
	struct ksrtp_sa_del del;
	struct ksrtp_sa_stats st;
	struct dev d;
	uint32_t id;

	if (!dev_open(&d, 0)) {
		failures++;
		return;
	}
	good_add(&a);
	EXPECT_EQ(xioctl(d.fd, KSRTP_IOC_SA_ADD, &a), 0);
	id = a.sa_id;
	EXPECT(id != 0);
	/* Keys never come back: the kernel writes only sa_id. */
	EXPECT(!memcmp(a.key, key32, 16));
	memset(&st, 0, sizeof(st));
	st.sa_id = id;
	EXPECT_EQ(xioctl(d.fd, KSRTP_IOC_SA_STATS, &st), 0);
	EXPECT(st.packets == 0 && st.bytes == 0 && st.reserved[0] == 0);
	st.reserved0 = 1;
	EXPECT_EQ(xioctl(d.fd, KSRTP_IOC_SA_STATS, &st), -EINVAL);
	st.reserved0 = 0;
	st.sa_id = id + 100;
	EXPECT_EQ(xioctl(d.fd, KSRTP_IOC_SA_STATS, &st), -ENOENT);
	del.sa_id = id;
	del.reserved = 1;
	EXPECT_EQ(xioctl(d.fd, KSRTP_IOC_SA_DEL, &del), -EINVAL);
	del.reserved = 0;
	EXPECT_EQ(xioctl(d.fd, KSRTP_IOC_SA_DEL, &del), 0);
	EXPECT_EQ(xioctl(d.fd, KSRTP_IOC_SA_DEL, &del), -ENOENT);
	del.sa_id = 0;
	EXPECT_EQ(xioctl(d.fd, KSRTP_IOC_SA_DEL, &del), -ENOENT);
	EXPECT_EQ(xioctl(d.fd, KSRTP_IOC_SA_DEL, NULL), -EFAULT);
	EXPECT_EQ(xioctl(d.fd, KSRTP_IOC_SA_ADD, NULL), -EFAULT);
	EXPECT_EQ(xioctl(d.fd, KSRTP_IOC_SA_ADD, (void *)1), -EFAULT);

	good_add(&a); a.sa_id = 5;
	EXPECT_EQ(xioctl(d.fd, KSRTP_IOC_SA_ADD, &a), -EINVAL);
	good_add(&a); a.reserved[1] = 1;
	EXPECT_EQ(xioctl(d.fd, KSRTP_IOC_SA_ADD, &a), -EINVAL);
	good_add(&a); a.profile = 3;
	EXPECT_EQ(xioctl(d.fd, KSRTP_IOC_SA_ADD, &a), -EINVAL);
	good_add(&a); a.profile = 0;
	EXPECT_EQ(xioctl(d.fd, KSRTP_IOC_SA_ADD, &a), -EINVAL);
	good_add(&a); a.direction = 0;
	EXPECT_EQ(xioctl(d.fd, KSRTP_IOC_SA_ADD, &a), -EINVAL);
	good_add(&a); a.direction = 3;
	EXPECT_EQ(xioctl(d.fd, KSRTP_IOC_SA_ADD, &a), -EINVAL);
	good_add(&a); a.key_len = 32;	/* 128-bit profile */
	EXPECT_EQ(xioctl(d.fd, KSRTP_IOC_SA_ADD, &a), -EINVAL);
	good_add(&a); a.key_len = 0xffffffff;
	EXPECT_EQ(xioctl(d.fd, KSRTP_IOC_SA_ADD, &a), -EINVAL);
	good_add(&a); a.salt_len = 14;
	EXPECT_EQ(xioctl(d.fd, KSRTP_IOC_SA_ADD, &a), -EINVAL);
	good_add(&a); a.replay_window = 10;
	EXPECT_EQ(xioctl(d.fd, KSRTP_IOC_SA_ADD, &a), -EINVAL);
	good_add(&a); a.replay_window = KSRTP_WINDOW_MAX + 1;
	EXPECT_EQ(xioctl(d.fd, KSRTP_IOC_SA_ADD, &a), -EINVAL);
	good_add(&a); a.flags = 1u << 1;	/* libksrtp's ALLOW_REPEAT_TX */
	EXPECT_EQ(xioctl(d.fd, KSRTP_IOC_SA_ADD, &a), -EOPNOTSUPP);
	good_add(&a); a.flags = 1u << 7;
	EXPECT_EQ(xioctl(d.fd, KSRTP_IOC_SA_ADD, &a), -EINVAL);
	good_add(&a); a.flags = 0x80000000u;
	EXPECT_EQ(xioctl(d.fd, KSRTP_IOC_SA_ADD, &a), -EINVAL);
	/* Requiring cryptex: inbound SAs that have it only. */
	good_add(&a); a.direction = KSRTP_DIR_INBOUND; a.flags = KSRTP_SA_REQUIRE_CRYPTEX;
	EXPECT_EQ(xioctl(d.fd, KSRTP_IOC_SA_ADD, &a), -EINVAL);
	good_add(&a); a.flags = KSRTP_SA_CRYPTEX | KSRTP_SA_REQUIRE_CRYPTEX;
	EXPECT_EQ(xioctl(d.fd, KSRTP_IOC_SA_ADD, &a), -EINVAL);
	good_add(&a); a.rtcp_index = 0x7fffffff;
	EXPECT_EQ(xioctl(d.fd, KSRTP_IOC_SA_ADD, &a), -EINVAL);
	good_add(&a); a.direction = KSRTP_DIR_INBOUND; a.rtcp_index = 5;
	EXPECT_EQ(xioctl(d.fd, KSRTP_IOC_SA_ADD, &a), -EINVAL);
	good_add(&a); a.replay_window = KSRTP_WINDOW_MAX; a.profile = KSRTP_PROF_AEAD_AES_256_GCM;
	a.key_len = 32; memcpy(a.key, key32, 32);
	EXPECT_EQ(xioctl(d.fd, KSRTP_IOC_SA_ADD, &a), 0);
	/* Ids are not reused soon after a delete. */
	EXPECT(a.sa_id != id);
	dev_close(&d);
}

/* ---- RFC 7714 vectors (session keys given: KSRTP_SA_SESSION_KEYS) ---- */

static const uint8_t rtp_plain[] = {
	0x80, 0x40, 0xf1, 0x7b, 0x80, 0x41, 0xf8, 0xd3, 0x55, 0x01, 0xa0, 0xb2, 0x47, 0x61, 0x6c,
	0x6c, 0x69, 0x61, 0x20, 0x65, 0x73, 0x74, 0x20, 0x6f, 0x6d, 0x6e, 0x69, 0x73, 0x20, 0x64,
	0x69, 0x76, 0x69, 0x73, 0x61, 0x20, 0x69, 0x6e, 0x20, 0x70, 0x61, 0x72, 0x74, 0x65, 0x73,
	0x20, 0x74, 0x72, 0x65, 0x73 };
/* RFC 7714 section 17 with the errata on 17.1 (pion/srtp carries the same). */
static const uint8_t rtcp_plain[] = {
	0x81, 0xc8, 0x00, 0x0d, 0x4d, 0x61, 0x72, 0x73, 0x4e, 0x54, 0x50, 0x31, 0x4e, 0x54, 0x50,
	0x32, 0x52, 0x54, 0x50, 0x20, 0x00, 0x00, 0x04, 0x2a, 0x00, 0x00, 0xe9, 0x30, 0x4c, 0x75,
	0x6e, 0x61, 0xde, 0xad, 0xbe, 0xef, 0xde, 0xad, 0xbe, 0xef, 0xde, 0xad, 0xbe, 0xef, 0xde,
	0xad, 0xbe, 0xef, 0xde, 0xad, 0xbe, 0xef };

struct vec {
	const char *name;
	uint32_t profile;
	bool rtcp, e0;
	const char *hex;
};

/* Data: pion/srtp srtp_cipher_aead_aes_gcm_rfc_test.go (RFC 7714 sections 16, 17). */
static const struct vec vecs[] = {
	{ "srtp-128", KSRTP_PROF_AEAD_AES_128_GCM, false, false,
	  "8040f17b8041f8d35501a0b2f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a"
	  "51c7d19b36de3adf8833899d7f27beb16a9152cf765ee4390cce" },
	{ "srtp-256", KSRTP_PROF_AEAD_AES_256_GCM, false, false,
	  "8040f17b8041f8d35501a0b232b1de78a822fe12ef9f78fa332e33aab18012389a58e2f3b50b2a02"
	  "76ffae0f1ba63799b87b7aa3db36dfffd6b0f9bb7878d7a76c13" },
	{ "srtcp-128", KSRTP_PROF_AEAD_AES_128_GCM, true, false,
	  "81c8000d4d61727363e94885dcdab67ca727d7662f6b7e997ff5c0f76c06f32dc676a5f1730d6fda"
	  "4ce09b4686303ded0bb9275bc84aa45896cf4d2fc5abf87245d9eade800005d4" },
	{ "srtcp-256", KSRTP_PROF_AEAD_AES_256_GCM, true, false,
	  "81c8000d4d617273d50ae4d1f5ce5d304ba297e47d470c282c3ece5dbffe0a50a2eaa5c1110555be"
	  "8415f658c61de0476f1b6fad1d1eb30c4446839f57ff6f6cb26ac3be800005d4" },
	{ "srtcp-e0-128", KSRTP_PROF_AEAD_AES_128_GCM, true, true,
	  "81c8000d4d6172734e5450314e545032525450200000042a0000e9304c756e61deadbeefdeadbeef"
	  "deadbeefdeadbeefdeadbeef841dd9683dd78ec92ae58790125f62b3000005d4" },
	{ "srtcp-e0-256", KSRTP_PROF_AEAD_AES_256_GCM, true, true,
	  "81c8000d4d6172734e5450314e545032525450200000042a0000e9304c756e61deadbeefdeadbeef"
	  "deadbeefdeadbeefdeadbeef91db4afbfeee5a978fab4393ed2615fe000005d4" },
};

static size_t unhex(const char *h, uint8_t *out)
{
	size_t n = 0;

	for (; h[0] && h[1]; h += 2)
		out[n++] = (uint8_t)((h[0] % 32 + 9) % 25 * 16 + (h[1] % 32 + 9) % 25);
	return n;
}

static void vectors(batch_fn fn)
{
	static const uint8_t vkey[32] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
					  16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29,
					  30, 31 };
	static const uint8_t vsalt[12] = { 0x51, 0x75, 0x69, 0x64, 0x20, 0x70,
					   0x72, 0x6f, 0x20, 0x71, 0x75, 0x6f };
	uint8_t sealed[256];
	struct dev d;
	size_t i;

	if (!dev_open(&d, NSLOTS)) {
		failures++;
		return;
	}
	for (i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++) {
		const struct vec *v = &vecs[i];
		const uint8_t *plain = v->rtcp ? rtcp_plain : rtp_plain;
		size_t plain_len = v->rtcp ? sizeof(rtcp_plain) : sizeof(rtp_plain);
		size_t sealed_len = unhex(v->hex, sealed);
		uint32_t ssrc = v->rtcp ? 0x4d617273 : 0x5501a0b2;
		uint32_t flags = KSRTP_SA_SESSION_KEYS | (v->e0 ? KSRTP_SA_RTCP_UNENCRYPTED : 0);
		uint32_t bflags = v->rtcp ? KSRTP_BATCH_RTCP : 0;
		struct ksrtp_desc desc;
		uint32_t out, in;

		EXPECT_EQ(sa_add(&d, v->profile, KSRTP_DIR_OUTBOUND, ssrc, vkey, vsalt, flags, 0,
				 v->rtcp ? 0x5d3 : 0, &out), 0);
		EXPECT_EQ(sa_add(&d, v->profile, KSRTP_DIR_INBOUND, ssrc, vkey, vsalt, flags, 0, 0,
				 &in), 0);
		memcpy(slot(&d, 3), plain, plain_len);
		desc = (struct ksrtp_desc){ .sa = out, .slot = 3, .len = plain_len, .status = 99 };
		EXPECT_EQ(fn(&d, true, &desc, 1, bflags), 1);
		EXPECT_EQ(desc.status, 0);
		EXPECT_EQ(desc.len, sealed_len);
		if (memcmp(slot(&d, 3), sealed, sealed_len)) {
			printf("  %s: sealed packet differs from RFC 7714\n", v->name);
			failures++;
		}
		memcpy(slot(&d, 5), sealed, sealed_len);
		desc = (struct ksrtp_desc){ .sa = in, .slot = 5, .len = sealed_len, .status = 99 };
		EXPECT_EQ(fn(&d, false, &desc, 1, bflags), 1);
		EXPECT_EQ(desc.status, 0);
		EXPECT_EQ(desc.len, plain_len);
		EXPECT(!memcmp(slot(&d, 5), plain, plain_len));
	}
	dev_close(&d);
}

static void t_vectors_ioctl(void)
{
	vectors(batch_ioctl);
}

static void t_vectors_uring(void)
{
	vectors(batch_uring);
}

/* ---- kernel vs user engine on random packets ---- */

static size_t random_rtp(uint8_t *p, uint32_t ssrc, uint16_t seq, size_t max_payload)
{
	unsigned int cc = rnd_below(4), i;
	bool ext = rnd_below(3) == 0;
	size_t len = 12;

	p[0] = (uint8_t)(0x80 | (ext ? 0x10 : 0) | cc);
	p[1] = (uint8_t)rnd();
	p[2] = seq >> 8;
	p[3] = (uint8_t)seq;
	rnd_fill(p + 4, 4);
	p[8] = ssrc >> 24;
	p[9] = ssrc >> 16;
	p[10] = ssrc >> 8;
	p[11] = (uint8_t)ssrc;
	for (i = 0; i < cc; i++, len += 4)
		rnd_fill(p + len, 4);
	if (ext) {
		unsigned int words = rnd_below(5);

		p[len] = 0xbe;
		p[len + 1] = 0xde;
		p[len + 2] = 0;
		p[len + 3] = (uint8_t)words;
		rnd_fill(p + len + 4, words * 4);
		len += 4 + words * 4;
	}
	i = rnd_below(8) == 0 ? 0 : rnd_below((uint32_t)max_payload + 1);
	rnd_fill(p + len, i);
	return len + i;
}

static size_t random_rtcp(uint8_t *p, uint32_t ssrc, size_t max_len)
{
	size_t len = 8 + 4 * rnd_below((uint32_t)(max_len - 8) / 4 + 1);

	rnd_fill(p, len);
	p[0] = (uint8_t)(0x80 | (p[0] & 0x1f));
	p[1] = 200 + rnd_below(5);
	p[4] = ssrc >> 24;
	p[5] = ssrc >> 16;
	p[6] = ssrc >> 8;
	p[7] = (uint8_t)ssrc;
	return len;
}

static ksrtp_session *user_session(uint32_t profile, enum ksrtp_direction dir, uint32_t ssrc,
				   const uint8_t *key, const uint8_t *salt, uint32_t flags,
				   uint32_t roc)
{
	const struct ksrtp_config cfg = { .engine = KSRTP_ENGINE_USER };
	struct ksrtp_policy p;
	ksrtp_session *s;
	int err = 0;

	s = ksrtp_session_new(&cfg, &err);
	if (!s) {
		printf("  ksrtp_session_new: %s\n", ksrtp_strerror(err));
		return NULL;
	}
	memset(&p, 0, sizeof(p));
	p.profile = profile == KSRTP_PROF_AEAD_AES_256_GCM ? KSRTP_AEAD_AES_256_GCM
							   : KSRTP_AEAD_AES_128_GCM;
	p.direction = dir;
	p.ssrc = ssrc;
	p.key = key;
	p.key_len = profile == KSRTP_PROF_AEAD_AES_256_GCM ? 32 : 16;
	p.salt = salt;
	p.salt_len = 12;
	p.roc = roc;
	p.flags = flags;
	err = ksrtp_add_stream(s, &p);
	if (err) {
		printf("  ksrtp_add_stream: %s\n", ksrtp_strerror(err));
		ksrtp_session_free(s);
		return NULL;
	}
	return s;
}

#define XBATCH 16

/*
 * One SSRC, one profile: batches of random packets sealed by both engines
 * and compared, then each side opens the other's output.
 */
static void crosscheck_one(struct dev *d, batch_fn fn, uint32_t profile, bool rtcp, bool e0,
			   unsigned int rounds)
{
	uint8_t key[32], salt[12], orig[XBATCH][SLOT], user[XBATCH][SLOT], tampered[SLOT];
	size_t orig_len[XBATCH], user_len[XBATCH];
	uint32_t ssrc = (uint32_t)rnd(), roc = rnd_below(3) ? rnd_below(4) : 0xfffffffe;
	uint32_t kflags = e0 ? KSRTP_SA_RTCP_UNENCRYPTED : 0;
	uint32_t uflags = e0 ? KSRTP_RTCP_UNENCRYPTED : 0;
	uint32_t bflags = rtcp ? KSRTP_BATCH_RTCP : 0;
	uint16_t seq = (uint16_t)(0xffff - rnd_below(12)); /* rollover inside batch 1 */
	ksrtp_session *us_out, *us_in;
	struct ksrtp_desc v[XBATCH];
	uint32_t out, in;
	unsigned int r, i, n;
	int err;

	rnd_fill(key, sizeof(key));
	rnd_fill(salt, sizeof(salt));
	if (roc == 0xfffffffe && !rtcp)
		roc = 7;
	EXPECT_EQ(sa_add(d, profile, KSRTP_DIR_OUTBOUND, ssrc, key, salt, kflags, roc, 0, &out), 0);
	EXPECT_EQ(sa_add(d, profile, KSRTP_DIR_INBOUND, ssrc, key, salt, kflags, roc, 0, &in), 0);
	us_out = user_session(profile, KSRTP_OUTBOUND, ssrc, key, salt, uflags, roc);
	us_in = user_session(profile, KSRTP_INBOUND, ssrc, key, salt, uflags, roc);
	if (!us_out || !us_in) {
		failures++;
		goto out;
	}
	for (r = 0; r < rounds; r++) {
		n = r ? 1 + rnd_below(XBATCH) : XBATCH;
		for (i = 0; i < n; i++) {
			if (rtcp)
				orig_len[i] = random_rtcp(orig[i], ssrc, SLOT - KSRTP_SEAL_TRAILER);
			else
				orig_len[i] = random_rtp(orig[i], ssrc, seq++, 1200);
			memcpy(slot(d, i), orig[i], orig_len[i]);
			v[i] = (struct ksrtp_desc){ .sa = out, .slot = i, .len = orig_len[i],
						    .status = 99 };
			memcpy(user[i], orig[i], orig_len[i]);
			user_len[i] = orig_len[i];
			err = rtcp ? ksrtp_protect_rtcp(us_out, user[i], &user_len[i], SLOT)
				   : ksrtp_protect(us_out, user[i], &user_len[i], SLOT);
			EXPECT_EQ(err, 0);
		}
		EXPECT_EQ(fn(d, true, v, n, bflags), n);
		for (i = 0; i < n; i++) {
			EXPECT_EQ(v[i].status, 0);
			EXPECT_EQ(v[i].len, user_len[i]);
			if (v[i].len != user_len[i] || memcmp(slot(d, i), user[i], user_len[i])) {
				printf("  profile %u rtcp %d e0 %d round %u packet %u: kernel and "
				       "user engine disagree\n", profile, rtcp, e0, r, i);
				failures++;
			}
		}
		/* The kernel opens the user engine's packets ... */
		for (i = 0; i < n; i++) {
			memcpy(slot(d, i), user[i], user_len[i]);
			v[i] = (struct ksrtp_desc){ .sa = in, .slot = i, .len = user_len[i],
						    .status = 99 };
		}
		/* ... one of them tampered with: refused, slot left as it came. */
		if (n > 1) {
			i = rnd_below(n);
			slot(d, i)[rnd_below(user_len[i])] ^= (uint8_t)(1 + rnd_below(255));
			memcpy(tampered, slot(d, i), user_len[i]);
		} else {
			i = XBATCH;
		}
		EXPECT_EQ(fn(d, false, v, n, bflags), n - (i < XBATCH));
		for (unsigned int k = 0; k < n; k++) {
			if (k == i) {
				EXPECT(v[k].status == KSRTP_ST_AUTH ||
				       v[k].status == KSRTP_ST_MALFORMED ||
				       v[k].status == KSRTP_ST_NOSTREAM ||
				       v[k].status == KSRTP_ST_REPLAY);
				EXPECT(!memcmp(slot(d, k), tampered, user_len[k]));
				continue;
			}
			EXPECT_EQ(v[k].status, 0);
			EXPECT_EQ(v[k].len, orig_len[k]);
			EXPECT(!memcmp(slot(d, k), orig[k], orig_len[k]));
		}
		/* Replays of the batch: all refused. */
		for (unsigned int k = 0; k < n; k++) {
			memcpy(slot(d, k), user[k], user_len[k]);
			v[k] = (struct ksrtp_desc){ .sa = in, .slot = k, .len = user_len[k] };
		}
		if (i < XBATCH) /* the tampered one was never accepted: leave it out */
			v[i].len = 0;
		fn(d, false, v, n, bflags);
		for (unsigned int k = 0; k < n; k++)
			if (k != i)
				EXPECT_EQ(v[k].status, KSRTP_ST_REPLAY);
		/* The user engine opens the kernel's packets (sealed again from orig). */
		for (unsigned int k = 0; k < n; k++) {
			size_t l = user_len[k];

			err = rtcp ? ksrtp_unprotect_rtcp(us_in, user[k], &l)
				   : ksrtp_unprotect(us_in, user[k], &l);
			EXPECT_EQ(err, 0);
			EXPECT_EQ(l, orig_len[k]);
			EXPECT(!memcmp(user[k], orig[k], orig_len[k]));
		}
	}
out:
	ksrtp_session_free(us_out);
	ksrtp_session_free(us_in);
}

static void crosscheck(batch_fn fn)
{
	static const uint32_t profiles[] = { KSRTP_PROF_AEAD_AES_128_GCM,
					     KSRTP_PROF_AEAD_AES_256_GCM };
	struct ksrtp_sa_stats st;
	struct dev d;
	unsigned int p;

	if (!dev_open(&d, NSLOTS)) {
		failures++;
		return;
	}
	for (p = 0; p < 2; p++) {
		crosscheck_one(&d, fn, profiles[p], false, false, 40);
		crosscheck_one(&d, fn, profiles[p], true, false, 15);
		crosscheck_one(&d, fn, profiles[p], true, true, 15);
	}
	/* Counters moved (SA 1 is the first outbound SA). */
	memset(&st, 0, sizeof(st));
	st.sa_id = 1;
	EXPECT_EQ(xioctl(d.fd, KSRTP_IOC_SA_STATS, &st), 0);
	EXPECT(st.packets > 0 && st.bytes > 0);
	st.sa_id = 2;
	EXPECT_EQ(xioctl(d.fd, KSRTP_IOC_SA_STATS, &st), 0);
	EXPECT(st.packets > 0 && st.replays > 0);
	dev_close(&d);
}

static void t_cross_ioctl(void)
{
	crosscheck(batch_ioctl);
}

static void t_cross_uring(void)
{
	crosscheck(batch_uring);
}

/* ---- abuse ---- */

static uint32_t rtp_pkt(struct dev *d, uint32_t i, uint32_t ssrc, uint16_t seq, size_t payload)
{
	uint8_t *p = slot(d, i);

	memset(p, 0xab, 12 + payload);
	p[0] = 0x80;
	p[1] = 96;
	p[2] = seq >> 8;
	p[3] = (uint8_t)seq;
	p[8] = ssrc >> 24;
	p[9] = ssrc >> 16;
	p[10] = ssrc >> 8;
	p[11] = (uint8_t)ssrc;
	return (uint32_t)(12 + payload);
}

static void abuse_batches(batch_fn fn)
{
	struct ksrtp_desc v[4];
	struct dev d, other, bare;
	uint32_t out, in, foreign, i;
	void *guard;

	if (!dev_open(&d, NSLOTS) || !dev_open(&other, NSLOTS) || !dev_open(&bare, 0)) {
		failures++;
		return;
	}
	EXPECT_EQ(sa_add(&d, 1, KSRTP_DIR_OUTBOUND, 42, key32, salt12, 0, 0, 0, &out), 0);
	EXPECT_EQ(sa_add(&d, 1, KSRTP_DIR_INBOUND, 42, key32, salt12, 0, 0, 0, &in), 0);
	for (i = 0; i < 5; i++)
		EXPECT_EQ(sa_add(&other, 1, KSRTP_DIR_OUTBOUND, 42, key32, salt12, 0, 0, 0,
				 &foreign), 0);

	/* No arena yet. */
	v[0] = (struct ksrtp_desc){ .sa = 1, .slot = 0, .len = 12 };
	EXPECT_EQ(fn(&bare, true, v, 1, 0), -ENXIO);
	/* Whole-batch errors. */
	EXPECT_EQ(fn(&d, true, v, 0, 0), 0);
	EXPECT_EQ(fn(&d, true, NULL, 0, 0), 0);
	EXPECT_EQ(fn(&d, true, v, 0xffffffffu, 0), -EINVAL);
	EXPECT_EQ(fn(&d, true, v, info.max_batch + 1, 0), -EINVAL);
	EXPECT_EQ(fn(&d, true, v, 1, 1u << 5), -EINVAL);
	EXPECT_EQ(fn(&d, true, v, 1, 0x80000000u), -EINVAL);
	EXPECT_EQ(fn(&d, true, NULL, 1, 0), -EFAULT);
	EXPECT_EQ(fn(&d, true, (void *)1, 1, 0), -EFAULT);
	EXPECT_EQ(fn(&d, true, (void *)0xffff888000000000ull, 1, 0), -EFAULT);
	EXPECT_EQ(fn(&d, false, (void *)0xffffffffff600000ull, 1, 0), -EFAULT);
	/* Descriptors running into an unmapped page. */
	guard = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap((char *)guard + 4096, 4096);
	EXPECT_EQ(fn(&d, true, (struct ksrtp_desc *)((char *)guard + 4096 - 16), 2, 0), -EFAULT);
	/* Read-only descriptors: processed, but the results cannot be written back. */
	memcpy(guard, &(struct ksrtp_desc){ .sa = out, .slot = 0,
					    .len = rtp_pkt(&d, 0, 42, 1, 10) },
	       sizeof(struct ksrtp_desc));
	mprotect(guard, 4096, PROT_READ);
	EXPECT_EQ(fn(&d, true, guard, 1, 0), -EFAULT);
	munmap(guard, 4096);

	/* Per-descriptor errors never spoil the rest. */
	v[0] = (struct ksrtp_desc){ .sa = out, .slot = 0, .len = rtp_pkt(&d, 0, 42, 10, 100) };
	v[1] = (struct ksrtp_desc){ .sa = out, .slot = NSLOTS, .len = 12 };
	v[2] = (struct ksrtp_desc){ .sa = out, .slot = 2, .len = rtp_pkt(&d, 2, 42, 11, 100) };
	v[3] = (struct ksrtp_desc){ .sa = out, .slot = 0xffffffffu, .len = 12 };
	EXPECT_EQ(fn(&d, true, v, 4, 0), 2);
	EXPECT(v[0].status == 0 && v[2].status == 0);
	EXPECT(v[1].status == KSRTP_ST_INVAL && v[3].status == KSRTP_ST_INVAL);
	EXPECT(v[1].slot == NSLOTS && v[1].len == 12);
	/* len beyond the slot; sealed packet would not fit. */
	v[0] = (struct ksrtp_desc){ .sa = out, .slot = 1, .len = SLOT + 1 };
	v[1] = (struct ksrtp_desc){ .sa = out, .slot = 2, .len = 0xffffffffu };
	v[2] = (struct ksrtp_desc){ .sa = out, .slot = 3, .len = rtp_pkt(&d, 3, 42, 12, 2020) };
	EXPECT_EQ(fn(&d, true, v, 3, 0), 0);
	EXPECT_EQ(v[0].status, KSRTP_ST_INVAL);
	EXPECT_EQ(v[1].status, KSRTP_ST_INVAL);
	EXPECT_EQ(v[2].status, KSRTP_ST_NOSPACE);
	/* SA ids: none, unknown, another file's, wrong direction, wrong SSRC. */
	v[0] = (struct ksrtp_desc){ .sa = 0, .slot = 0, .len = rtp_pkt(&d, 0, 42, 20, 10) };
	v[1] = (struct ksrtp_desc){ .sa = foreign, .slot = 1, .len = rtp_pkt(&d, 1, 42, 21, 10) };
	v[2] = (struct ksrtp_desc){ .sa = in, .slot = 2, .len = rtp_pkt(&d, 2, 42, 22, 10) };
	v[3] = (struct ksrtp_desc){ .sa = out, .slot = 3, .len = rtp_pkt(&d, 3, 43, 23, 10) };
	EXPECT_EQ(fn(&d, true, v, 4, 0), 0);
	for (i = 0; i < 4; i++)
		EXPECT_EQ(v[i].status, KSRTP_ST_NOSTREAM);
	/* Two descriptors on one slot: the second is refused. */
	v[0] = (struct ksrtp_desc){ .sa = out, .slot = 7, .len = rtp_pkt(&d, 7, 42, 30, 10) };
	v[1] = v[0];
	EXPECT_EQ(fn(&d, true, v, 2, 0), 1);
	EXPECT(v[0].status == 0 && v[1].status == KSRTP_ST_INVAL);
	/* Malformed headers. */
	v[0] = (struct ksrtp_desc){ .sa = out, .slot = 0, .len = rtp_pkt(&d, 0, 42, 40, 10) };
	slot(&d, 0)[0] = 0x40;				/* version 1 */
	v[1] = (struct ksrtp_desc){ .sa = out, .slot = 1, .len = rtp_pkt(&d, 1, 42, 41, 10) };
	slot(&d, 1)[0] = 0x8f;				/* 15 CSRCs in 22 bytes */
	v[2] = (struct ksrtp_desc){ .sa = out, .slot = 2, .len = rtp_pkt(&d, 2, 42, 42, 10) };
	slot(&d, 2)[0] = 0x90;				/* extension of 0xffff words */
	slot(&d, 2)[14] = 0xff;
	slot(&d, 2)[15] = 0xff;
	v[3] = (struct ksrtp_desc){ .sa = out, .slot = 3, .len = 11 };
	EXPECT_EQ(fn(&d, true, v, 4, 0), 0);
	for (i = 0; i < 4; i++)
		EXPECT_EQ(v[i].status, KSRTP_ST_MALFORMED);
	/* OPEN: too short for the tag; RTCP too short; E flag against the SA. */
	v[0] = (struct ksrtp_desc){ .sa = in, .slot = 0, .len = rtp_pkt(&d, 0, 42, 50, 15) };
	v[1] = (struct ksrtp_desc){ .sa = in, .slot = 1, .len = 0 };
	EXPECT_EQ(fn(&d, false, v, 2, 0), 0);
	EXPECT_EQ(v[0].status, KSRTP_ST_MALFORMED);
	EXPECT_EQ(v[1].status, KSRTP_ST_MALFORMED);
	memset(slot(&d, 0), 0, 40);
	slot(&d, 0)[0] = 0x80;
	slot(&d, 0)[1] = 200;
	slot(&d, 0)[7] = 42;
	v[0] = (struct ksrtp_desc){ .sa = in, .slot = 0, .len = 27 };	/* < 8 + 4 + 16 */
	v[1] = (struct ksrtp_desc){ .sa = in, .slot = 1, .len = 40 };
	memcpy(slot(&d, 1), slot(&d, 0), 40);				/* E = 0 trailer */
	EXPECT_EQ(fn(&d, false, v, 2, KSRTP_BATCH_RTCP), 0);
	EXPECT_EQ(v[0].status, KSRTP_ST_MALFORMED);
	EXPECT_EQ(v[1].status, KSRTP_ST_MALFORMED);
	/* Forged SRTCP with E = 1: authentication fails, slot unchanged. */
	slot(&d, 1)[36] = 0x80;
	memcpy(slot(&d, 2), slot(&d, 1), 40);
	v[0] = (struct ksrtp_desc){ .sa = in, .slot = 1, .len = 40 };
	EXPECT_EQ(fn(&d, false, v, 1, KSRTP_BATCH_RTCP), 0);
	EXPECT_EQ(v[0].status, KSRTP_ST_AUTH);
	EXPECT(!memcmp(slot(&d, 1), slot(&d, 2), 40));

	dev_close(&bare);
	dev_close(&other);
	dev_close(&d);
}

static void t_abuse_ioctl_batches(void)
{
	abuse_batches(batch_ioctl);
}

static void t_abuse_uring_batches(void)
{
	abuse_batches(batch_uring);
}

static void t_abuse_calls(void)
{
	struct ksrtp_batch b = { 0 };
	struct dev d;
	void *p;
	int r;

	if (!dev_open(&d, 0)) {
		failures++;
		return;
	}
	/* Unknown ioctl numbers, right numbers with wrong sizes or directions. */
	EXPECT_EQ(xioctl(d.fd, _IO(KSRTP_IOC_MAGIC, 0x50), NULL), -ENOTTY);
	EXPECT_EQ(xioctl(d.fd, _IOR('x', 1, int), &r), -ENOTTY);
	EXPECT_EQ(xioctl(d.fd, _IOW(KSRTP_IOC_MAGIC, 0x04, uint32_t), &r), -ENOTTY);
	EXPECT_EQ(xioctl(d.fd, _IOWR(KSRTP_IOC_MAGIC, 0x00, struct ksrtp_info), &info), -ENOTTY);
	EXPECT_EQ(xioctl(d.fd, KSRTP_IOC_SEAL, NULL), -EFAULT);
	/* URING_CMD: unknown cmd_op. */
	EXPECT_EQ(uring_cmd(&d, 0, &b), -ENOTTY);
	EXPECT_EQ(uring_cmd(&d, KSRTP_IOC_INFO, &b), -ENOTTY);
	EXPECT_EQ(uring_cmd(&d, 0xdeadbeef, &b), -ENOTTY);
	/* The device has no file position (no .llseek, nonseekable_open()). */
	EXPECT(lseek(d.fd, 0, SEEK_SET) == -1 && errno == ESPIPE);
	EXPECT(lseek(d.fd, 4096, SEEK_CUR) == -1 && errno == ESPIPE);
	/* mmap: offset, size over the limit, twice larger than the arena. */
	p = mmap(NULL, SLOT * 2, PROT_READ | PROT_WRITE, MAP_SHARED, d.fd, 4096);
	EXPECT(p == MAP_FAILED);
	p = mmap(NULL, SLOT * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE, d.fd, 0);
	EXPECT(p == MAP_FAILED);
	p = mmap(NULL, ((size_t)info.max_slots + 2) * SLOT, PROT_READ | PROT_WRITE, MAP_SHARED,
		 d.fd, 0);
	EXPECT(p == MAP_FAILED);
	p = mmap(NULL, 4 * SLOT, PROT_READ | PROT_WRITE, MAP_SHARED, d.fd, 0);
	EXPECT(p != MAP_FAILED);
	if (p != MAP_FAILED)
		munmap(p, 4 * SLOT);
	p = mmap(NULL, 8 * SLOT, PROT_READ | PROT_WRITE, MAP_SHARED, d.fd, 0);
	EXPECT(p == MAP_FAILED);
	p = mmap(NULL, 2 * SLOT, PROT_READ | PROT_WRITE, MAP_SHARED, d.fd, 0);
	EXPECT(p != MAP_FAILED);
	if (p != MAP_FAILED)
		munmap(p, 2 * SLOT);
	dev_close(&d);
}

/* Userspace scribbles on the arena while the kernel seals and opens it. */
static volatile bool stop;

static void *scribbler(void *arg)
{
	uint8_t *arena = arg;
	uint64_t x = 88172645463325252ull;

	while (!stop) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		arena[x % ((size_t)NSLOTS * SLOT)] = (uint8_t)(x >> 32);
	}
	return NULL;
}

/* Random CSRC count, and half the time an RFC 8285 extension of random length. */
static void cryptex_header(uint8_t *p, uint32_t len)
{
	uint32_t cc = rnd_below(16), words = rnd_below(8), ext = 12 + 4 * cc;

	p[0] = (uint8_t)(0x80 | cc);
	if (rnd_below(2) && ext + 4 + 4 * words <= len) {
		p[0] |= 0x10;
		p[ext] = 0xbe;
		p[ext + 1] = 0xde;
		p[ext + 2] = 0;
		p[ext + 3] = (uint8_t)words;
	}
}

static void t_abuse_scribble(void)
{
	struct ksrtp_desc v[XBATCH];
	uint32_t out, in, cx_out, cx_in, i, k;
	pthread_t th;
	struct dev d;

	if (!dev_open(&d, NSLOTS)) {
		failures++;
		return;
	}
	EXPECT_EQ(sa_add(&d, 2, KSRTP_DIR_OUTBOUND, 7, key32, salt12, 0, 0, 0, &out), 0);
	EXPECT_EQ(sa_add(&d, 2, KSRTP_DIR_INBOUND, 7, key32, salt12, 0, 0, 0, &in), 0);
	/* Cryptex moves the extension header around CSRCs the scribbler rewrites. */
	EXPECT_EQ(sa_add(&d, 2, KSRTP_DIR_OUTBOUND, 8, key32, salt12, KSRTP_SA_CRYPTEX, 0, 0,
			 &cx_out), 0);
	EXPECT_EQ(sa_add(&d, 2, KSRTP_DIR_INBOUND, 8, key32, salt12,
			 KSRTP_SA_CRYPTEX | KSRTP_SA_REQUIRE_CRYPTEX, 0, 0, &cx_in), 0);
	memset(v, 0, sizeof(v));
	stop = false;
	pthread_create(&th, NULL, scribbler, d.arena);
	for (k = 0; k < 600; k++) {
		bool rtcp = k % 3 == 0, cryptex = k % 6 >= 4;
		uint32_t ssrc = cryptex ? 8 : 7;

		for (i = 0; i < XBATCH; i++) {
			v[i].sa = cryptex ? (k & 1 ? cx_in : cx_out) : (k & 1 ? in : out);
			v[i].slot = i;
			/* A cryptex OPEN takes what the SEAL before it sealed. */
			if (cryptex && (k & 1) && v[i].status == KSRTP_ST_OK)
				continue;
			v[i].len = rtp_pkt(&d, i, ssrc, (uint16_t)(k * XBATCH + i),
					   rnd_below(1500));
			if (cryptex)
				cryptex_header(slot(&d, i), v[i].len);
			if (rnd_below(4) == 0)
				rnd_fill(slot(&d, i), v[i].len);
		}
		long r = (k % 4 < 2 ? batch_ioctl : batch_uring)(&d, !(k & 1), v, XBATCH,
								  rtcp ? KSRTP_BATCH_RTCP : 0);
		EXPECT(r >= 0 && r <= XBATCH);
		for (i = 0; i < XBATCH; i++)
			EXPECT(v[i].status <= 0 && v[i].status >= KSRTP_ST_NOCRYPTEX &&
			       v[i].len <= SLOT);
	}
	stop = true;
	pthread_join(th, NULL);
	dev_close(&d);
}

/* close() and munmap() while another thread has batches in flight. */
struct inflight {
	int fd;
	uint32_t sa;
	bool uring;
	int ebadf;
};

static void *inflight_loop(void *arg)
{
	struct inflight *f = arg;
	struct ksrtp_desc v[XBATCH];
	struct io_uring ring;
	unsigned int i, k;

	if (f->uring && io_uring_queue_init(32, &ring, 0))
		return NULL;
	for (k = 0; k < 2000 && !stop; k++) {
		struct ksrtp_batch b;

		for (i = 0; i < XBATCH; i++)
			v[i] = (struct ksrtp_desc){ .sa = f->sa, .slot = i, .len = 300 };
		b = (struct ksrtp_batch){ .descs = (uintptr_t)v, .count = XBATCH };
		if (f->uring) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
			struct io_uring_cqe *cqe;

			io_uring_prep_rw(IORING_OP_URING_CMD, sqe, f->fd, NULL, 0, 0);
			sqe->cmd_op = KSRTP_IOC_SEAL;
			memcpy(&sqe->addr3, &b, sizeof(b));
			io_uring_submit(&ring);
			if (!io_uring_wait_cqe(&ring, &cqe)) {
				if (cqe->res == -EBADF)
					f->ebadf++;
				io_uring_cqe_seen(&ring, cqe);
			}
		} else if (ioctl(f->fd, KSRTP_IOC_SEAL, &b) < 0 && errno == EBADF) {
			f->ebadf++;
		}
	}
	if (f->uring)
		io_uring_queue_exit(&ring);
	return NULL;
}

static void t_abuse_close_inflight(void)
{
	unsigned int round;

	for (round = 0; round < 8; round++) {
		struct inflight f[2];
		pthread_t th[2];
		struct dev d;
		uint32_t out;
		int j;

		if (!dev_open(&d, NSLOTS)) {
			failures++;
			return;
		}
		EXPECT_EQ(sa_add(&d, 1, KSRTP_DIR_OUTBOUND, 0, key32, salt12, 0, 0, 0, &out), 0);
		for (j = 0; j < XBATCH; j++)
			rtp_pkt(&d, j, 0, (uint16_t)j, 300 - 12);
		stop = false;
		for (j = 0; j < 2; j++) {
			f[j] = (struct inflight){ .fd = d.fd, .sa = out, .uring = j == 1 };
			pthread_create(&th[j], NULL, inflight_loop, &f[j]);
		}
		usleep(20000 + 10000 * round);
		if (round & 1) {
			munmap(d.arena, (size_t)NSLOTS * SLOT);
			d.arena = NULL;
		}
		close(d.fd);
		d.fd = -1;
		usleep(20000);
		stop = true;
		for (j = 0; j < 2; j++)
			pthread_join(th[j], NULL);
		dev_close(&d);
	}
}

/* Random ioctl and URING_CMD calls with random arguments. */
static void t_abuse_random_calls(void)
{
	static const unsigned long cmds[] = { KSRTP_IOC_INFO, KSRTP_IOC_SA_ADD, KSRTP_IOC_SA_DEL,
					      KSRTP_IOC_SA_STATS, KSRTP_IOC_SEAL, KSRTP_IOC_OPEN };
	unsigned int calls = 100000, i, bad = 0, ok = 0, sealed = 0;
	uint8_t *buf;
	struct dev d;

	if (!dev_open(&d, NSLOTS)) {
		failures++;
		return;
	}
	buf = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (i = 0; i < calls; i++) {
		unsigned long cmd = cmds[rnd_below(6)];
		uint8_t *arg = buf + rnd_below(65536 - 256);
		struct ksrtp_batch b;
		long r;

		if (rnd_below(50) == 0)
			cmd = (unsigned long)rnd();
		rnd_fill(arg, 128);
		if (cmd == KSRTP_IOC_SEAL || cmd == KSRTP_IOC_OPEN || rnd_below(4) == 0) {
			/* A batch that is often nearly valid. */
			struct ksrtp_desc *v = (struct ksrtp_desc *)(buf + 32768);
			unsigned int n = rnd_below(8), k;

			for (k = 0; k < n; k++) {
				v[k].sa = rnd_below(6);
				v[k].slot = rnd_below(NSLOTS + 2);
				v[k].len = rnd_below(2100);
				uint8_t *pk = slot(&d, v[k].slot % NSLOTS);

				rnd_fill(pk, 64);
				pk[0] = rnd_below(2) ? 0x80 : 0x90;
				memset(pk + 4, 0, 8);	/* RTP SSRC (and RTCP's) 0..2 */
				pk[11] = (uint8_t)rnd_below(3);
				pk[7] = pk[11];
			}
			b.descs = rnd_below(10) ? (uintptr_t)v : rnd();
			b.count = rnd_below(20) ? n : (uint32_t)rnd();
			b.flags = rnd_below(10) ? rnd_below(2) : (uint32_t)rnd();
			memcpy(arg, &b, sizeof(b));
		}
		if (cmd == KSRTP_IOC_SA_ADD && rnd_below(2)) {
			struct ksrtp_sa_add a;

			good_add(&a);
			a.direction = 1 + rnd_below(2);
			a.ssrc = rnd_below(3);
			if (rnd_below(3) == 0)
				((uint8_t *)&a)[rnd_below(sizeof(a))] = (uint8_t)rnd();
			memcpy(arg, &a, sizeof(a));
		}
		if (rnd_below(4) == 0) {
			r = uring_cmd(&d, (uint32_t)cmd, (struct ksrtp_batch *)arg);
		} else {
			r = ioctl(d.fd, cmd, rnd_below(100) ? (void *)arg : (void *)rnd());
			r = r < 0 ? -errno : r;
		}
		if (r == -ENOSPC) { /* SA table full: start over */
			struct ksrtp_sa_del del = { 0 };

			for (del.sa_id = 1; del.sa_id < 4096; del.sa_id++)
				ioctl(d.fd, KSRTP_IOC_SA_DEL, &del);
		}
		if (r < -4095)
			bad++;
		else if (r >= 0)
			ok++;
		if (r > 0 && (cmd == KSRTP_IOC_SEAL || cmd == KSRTP_IOC_OPEN))
			sealed += (unsigned int)r;
	}
	printf("  %u calls: %u succeeded, %u packets sealed or opened\n", calls, ok, sealed);
	EXPECT_EQ(bad, 0);
	munmap(buf, 65536);
	dev_close(&d);
}

/* ---- many URING_CMD batches in flight on one ring ---- */

#define CC_BATCHES	32	/* SQEs in flight at once */
#define CC_PER		8	/* descriptors per batch */
#define CC_SLOTS	(CC_BATCHES * CC_PER)
#define CC_SAS		4

struct cc_dev {
	struct dev d;		/* fd and arena only: no ring of its own */
	uint32_t out[CC_SAS], in[CC_SAS];
};

static bool cc_open(struct cc_dev *c)
{
	c->d.fd = open("/dev/ksrtp", O_RDWR | O_CLOEXEC);
	if (c->d.fd < 0)
		return false;
	c->d.arena = mmap(NULL, (size_t)CC_SLOTS * SLOT, PROT_READ | PROT_WRITE, MAP_SHARED,
			c->d.fd, 0);
	if (c->d.arena == MAP_FAILED) {
		c->d.arena = NULL;
		return false;
	}
	for (int k = 0; k < CC_SAS; k++) {
		uint32_t prof = k & 1 ? KSRTP_PROF_AEAD_AES_256_GCM : KSRTP_PROF_AEAD_AES_128_GCM;
		uint8_t key[32];

		memcpy(key, key32, 32);
		key[0] ^= (uint8_t)k;
		if (sa_add(&c->d, prof, KSRTP_DIR_OUTBOUND, 0x1000u + k, key, salt12, 0,
			   k, 0, &c->out[k]) ||
		    sa_add(&c->d, prof, KSRTP_DIR_INBOUND, 0x1000u + k, key, salt12, 0,
			   k, 0, &c->in[k]))
			return false;
	}
	return true;
}

static void cc_close(struct cc_dev *c)
{
	if (c->d.arena)
		munmap(c->d.arena, (size_t)CC_SLOTS * SLOT);
	if (c->d.fd >= 0)
		close(c->d.fd);
	c->d.arena = NULL;
	c->d.fd = -1;
}

/* Batch b: slots b * CC_PER.., SA b % CC_SAS. */
static void cc_descs(struct ksrtp_desc v[CC_BATCHES][CC_PER], const uint32_t *sa,
		     const uint32_t len[CC_SLOTS])
{
	for (int b = 0; b < CC_BATCHES; b++)
		for (int i = 0; i < CC_PER; i++)
			v[b][i] = (struct ksrtp_desc){ .sa = sa[b % CC_SAS], .slot = b * CC_PER + i,
						       .len = len[b * CC_PER + i], .status = 99 };
}

static void cc_prep(struct io_uring *ring, int fd, bool seal, struct ksrtp_desc *v, int b)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	struct ksrtp_batch kb = { .descs = (uintptr_t)v, .count = CC_PER };

	io_uring_prep_rw(IORING_OP_URING_CMD, sqe, fd, NULL, 0, 0);
	sqe->cmd_op = seal ? KSRTP_IOC_SEAL : KSRTP_IOC_OPEN;
	memcpy(&sqe->addr3, &kb, sizeof(kb));
	io_uring_sqe_set_data64(sqe, (uint64_t)b);
}

/*
 * All CC_BATCHES batches submitted by one io_uring_submit, then every CQE
 * reaped: res[b] per batch. A batch that found no free context (-EAGAIN,
 * max_inflight) is submitted again, as libksrtp does; *eagain counts them.
 * Unless close_fd < 0, that fd is closed (and arena unmapped) right after
 * the submission, with every batch possibly still in flight.
 */
static int cc_run(struct io_uring *ring, int fd, bool seal, struct ksrtp_desc v[][CC_PER],
		  int res[CC_BATCHES], int *eagain, struct cc_dev *close_dev)
{
	int pending = CC_BATCHES, b;

	for (b = 0; b < CC_BATCHES; b++) {
		res[b] = -999;
		cc_prep(ring, fd, seal, v[b], b);
	}
	if (io_uring_submit(ring) != CC_BATCHES)
		return -1;
	if (close_dev)
		cc_close(close_dev);
	while (pending) {
		struct io_uring_cqe *cqe;

		if (io_uring_wait_cqe(ring, &cqe))
			return -1;
		b = (int)cqe->user_data;
		if (cqe->res == -EAGAIN && !close_dev) {
			(*eagain)++;
			cc_prep(ring, fd, seal, v[b], b);
			io_uring_cqe_seen(ring, cqe);
			if (io_uring_submit(ring) != 1)
				return -1;
			continue;
		}
		if (b >= 0 && b < CC_BATCHES)
			res[b] = cqe->res;
		io_uring_cqe_seen(ring, cqe);
		pending--;
	}
	return 0;
}

static void t_uring_concurrent(void)
{
	static uint8_t plain[CC_SLOTS][SLOT], tampered[CC_SLOTS][SLOT];
	static struct ksrtp_desc v[CC_BATCHES][CC_PER], w[CC_BATCHES][CC_PER];
	uint32_t len[CC_SLOTS], sealed_len[CC_SLOTS];
	int res[CC_BATCHES], eagain = 0, b, i, round;
	struct cc_dev a = { .d.fd = -1 }, ref = { .d.fd = -1 };
	struct io_uring ring;
	bool bad;

	if (io_uring_queue_init(2 * CC_BATCHES, &ring, 0)) {
		failures++;
		return;
	}
	if (!cc_open(&a) || !cc_open(&ref)) {
		printf("  open/mmap/SA_ADD failed\n");
		failures++;
		goto out;
	}
	for (round = 0; round < 3; round++) {
		/* The same plaintext in both arenas; seq unique per SA, no rollover. */
		for (i = 0; i < CC_SLOTS; i++) {
			b = i / CC_PER;
			len[i] = random_rtp(plain[i], 0x1000u + b % CC_SAS,
					    (uint16_t)(round * CC_SLOTS + i + 1), 1400);
			memcpy(a.d.arena + (size_t)i * SLOT, plain[i], len[i]);
			memcpy(ref.d.arena + (size_t)i * SLOT, plain[i], len[i]);
		}
		/* Reference: the ioctl path, one batch after another. */
		cc_descs(w, ref.out, len);
		for (b = 0; b < CC_BATCHES; b++)
			EXPECT_EQ(batch_ioctl(&ref.d, true, w[b], CC_PER, 0), CC_PER);
		/* SEAL: 32 batches in flight on one ring, one file. */
		cc_descs(v, a.out, len);
		EXPECT_EQ(cc_run(&ring, a.d.fd, true, v, res, &eagain, NULL), 0);
		bad = false;
		for (b = 0; b < CC_BATCHES; b++) {
			EXPECT_EQ(res[b], CC_PER);
			for (i = 0; i < CC_PER; i++) {
				uint32_t s = b * CC_PER + i;

				EXPECT_EQ(v[b][i].status, 0);
				EXPECT_EQ(v[b][i].len, w[b][i].len);
				EXPECT_EQ(v[b][i].slot, s);
				sealed_len[s] = w[b][i].len;
				if (memcmp(a.d.arena + (size_t)s * SLOT, ref.d.arena + (size_t)s * SLOT,
					   sealed_len[s]))
					bad = true;
			}
		}
		if (bad) {
			printf("  round %d: URING_CMD and ioctl SEAL disagree\n", round);
			failures++;
		}
		/* OPEN, 32 in flight, every fourth batch with one tampered packet. */
		for (b = 0; b < CC_BATCHES; b += 4) {
			uint32_t s = b * CC_PER + (uint32_t)rnd_below(CC_PER);

			a.d.arena[(size_t)s * SLOT + rnd_below(sealed_len[s])] ^= 0x20;
			memcpy(tampered[s], a.d.arena + (size_t)s * SLOT, sealed_len[s]);
		}
		cc_descs(v, a.in, sealed_len);
		EXPECT_EQ(cc_run(&ring, a.d.fd, false, v, res, &eagain, NULL), 0);
		for (b = 0; b < CC_BATCHES; b++) {
			int ok = 0;

			for (i = 0; i < CC_PER; i++) {
				uint32_t s = b * CC_PER + i;
				uint8_t *p = a.d.arena + (size_t)s * SLOT;

				if (v[b][i].status == 0) {
					ok++;
					EXPECT_EQ(v[b][i].len, len[s]);
					EXPECT(!memcmp(p, plain[s], len[s]));
				} else {
					/* Only the tampered one; its slot as it came. */
					EXPECT(b % 4 == 0);
					EXPECT(!memcmp(p, tampered[s], sealed_len[s]));
				}
			}
			EXPECT_EQ(res[b], ok);
			EXPECT_EQ(ok, b % 4 ? CC_PER : CC_PER - 1);
		}
		/* The genuine packets again: replays, except the tampered ones. */
		memcpy(a.d.arena, ref.d.arena, (size_t)CC_SLOTS * SLOT);
		cc_descs(v, a.in, sealed_len);
		EXPECT_EQ(cc_run(&ring, a.d.fd, false, v, res, &eagain, NULL), 0);
		for (b = 0; b < CC_BATCHES; b++)
			EXPECT_EQ(res[b], b % 4 ? 0 : 1);
	}
	/* close() and munmap() with every batch just submitted: all still finish. */
	for (i = 0; i < CC_SLOTS; i++)
		len[i] = random_rtp(a.d.arena + (size_t)i * SLOT, 0x1000u + i / CC_PER % CC_SAS,
				    (uint16_t)(round * CC_SLOTS + i + 1), 1400);
	cc_descs(v, a.out, len);
	EXPECT_EQ(cc_run(&ring, a.d.fd, true, v, res, &eagain, &a), 0);
	for (b = 0; b < CC_BATCHES; b++)
		EXPECT(res[b] == CC_PER || res[b] == -EAGAIN);
	printf("  3 rounds of %d x %d-packet batches in flight; %d resubmitted after -EAGAIN\n",
	       CC_BATCHES, CC_PER, eagain);
out:
	cc_close(&a);
	cc_close(&ref);
	io_uring_queue_exit(&ring);
}

/* SA_DEL while batches using the SA are in flight. */
static void t_uring_sa_del_inflight(void)
{
	static struct ksrtp_desc v[CC_BATCHES][CC_PER];
	uint32_t len[CC_SLOTS];
	struct cc_dev a = { .d.fd = -1 };
	struct io_uring ring;
	int b, i;

	if (io_uring_queue_init(2 * CC_BATCHES, &ring, 0)) {
		failures++;
		return;
	}
	if (!cc_open(&a)) {
		failures++;
		goto out;
	}
	for (i = 0; i < CC_SLOTS; i++)
		len[i] = rtp_pkt(&a.d, i, 0x1000u + (i / CC_PER) % CC_SAS,
				 (uint16_t)(i + 1), 200);
	cc_descs(v, a.out, len);
	for (b = 0; b < CC_BATCHES; b++)
		cc_prep(&ring, a.d.fd, true, v[b], b);
	EXPECT_EQ(io_uring_submit(&ring), CC_BATCHES);
	for (b = 0; b < CC_SAS; b++) {
		struct ksrtp_sa_del del = { .sa_id = a.out[b] };

		EXPECT_EQ(xioctl(a.d.fd, KSRTP_IOC_SA_DEL, &del), 0);
	}
	for (i = 0; i < CC_BATCHES; i++) {
		struct io_uring_cqe *cqe;

		if (io_uring_wait_cqe(&ring, &cqe)) {
			failures++;
			break;
		}
		b = (int)cqe->user_data;
		/* Prepared before the SA_DEL: sealed; after: no such SA. */
		EXPECT(cqe->res == CC_PER || cqe->res == 0 || cqe->res == -EAGAIN);
		if (cqe->res == 0)
			EXPECT_EQ(v[b][0].status, KSRTP_ST_NOSTREAM);
		io_uring_cqe_seen(&ring, cqe);
	}
out:
	cc_close(&a);
	io_uring_queue_exit(&ring);
}

/* ---- libksrtp's kernel engine: selection, fallback, limits ---- */

static struct ksrtp_policy lib_policy(enum ksrtp_profile profile, enum ksrtp_direction dir,
				      uint32_t ssrc)
{
	struct ksrtp_policy p;
	bool gcm = profile == KSRTP_AEAD_AES_128_GCM || profile == KSRTP_AEAD_AES_256_GCM;

	memset(&p, 0, sizeof(p));
	p.profile = profile;
	p.direction = dir;
	p.ssrc = ssrc;
	p.key = key32;
	p.key_len = profile == KSRTP_AEAD_AES_256_GCM ? 32 : 16;
	p.salt = key32;
	p.salt_len = gcm ? 12 : 14;
	return p;
}

static ksrtp_session *lib_session(enum ksrtp_engine engine, enum ksrtp_kernel_transport t)
{
	struct ksrtp_config cfg;
	ksrtp_session *s;
	int err = 1;

	memset(&cfg, 0, sizeof(cfg));
	cfg.engine = engine;
	cfg.kernel_transport = t;
	s = ksrtp_session_new(&cfg, &err);
	EXPECT(s != NULL);
	EXPECT_EQ(err, 0);
	return s;
}

/* One RTP packet of n bytes through protect and unprotect; 0 or the first error. */
static int lib_roundtrip(ksrtp_session *tx, ksrtp_session *rx, uint32_t ssrc, uint16_t seq,
			 size_t n)
{
	static uint8_t pkt[4096], plain[4096];
	size_t len;
	int err;

	rnd_fill(plain, n);
	plain[0] = 0x80;
	plain[2] = seq >> 8;
	plain[3] = (uint8_t)seq;
	plain[8] = ssrc >> 24;
	plain[9] = ssrc >> 16;
	plain[10] = ssrc >> 8;
	plain[11] = (uint8_t)ssrc;
	memcpy(pkt, plain, n);
	len = n;
	err = ksrtp_protect(tx, pkt, &len, sizeof(pkt));
	if (err)
		return err;
	if (len != n + 16)
		return -100;
	err = ksrtp_unprotect(rx, pkt, &len);
	if (err)
		return err;
	return len == n && !memcmp(pkt, plain, n) ? 0 : -101;
}

static void lib_engine_transport(enum ksrtp_kernel_transport t)
{
	const enum ksrtp_profile cm = KSRTP_AES_CM_128_HMAC_SHA1_80;
	struct ksrtp_policy p;
	struct ksrtp_stats st;
	ksrtp_session *k, *a, *rx;
	uint32_t i, max_sas = info.max_sas;
	int err;

	/* KERNEL: GCM streams only, never a fallback. */
	k = lib_session(KSRTP_ENGINE_KERNEL, t);
	rx = lib_session(KSRTP_ENGINE_KERNEL, t);
	if (!k || !rx)
		goto out;
	EXPECT_EQ(ksrtp_session_engine(k), KSRTP_ENGINE_KERNEL);
	p = lib_policy(cm, KSRTP_OUTBOUND, 1);
	EXPECT_EQ(ksrtp_add_stream(k, &p), KSRTP_EUNSUPPORTED);
	p = lib_policy(KSRTP_AEAD_AES_128_GCM, KSRTP_INBOUND, 1);
	p.any_ssrc = true;
	EXPECT_EQ(ksrtp_add_stream(k, &p), KSRTP_EUNSUPPORTED);
	p = lib_policy(KSRTP_AEAD_AES_128_GCM, KSRTP_OUTBOUND, 1);
	p.flags = KSRTP_ALLOW_REPEAT_TX;
	EXPECT_EQ(ksrtp_add_stream(k, &p), KSRTP_EUNSUPPORTED);
	EXPECT_EQ(ksrtp_stream_engine(k, 1, KSRTP_OUTBOUND), KSRTP_ENOSTREAM);
	p = lib_policy(KSRTP_AEAD_AES_256_GCM, KSRTP_OUTBOUND, 1);
	EXPECT_EQ(ksrtp_add_stream(k, &p), 0);
	EXPECT_EQ(ksrtp_add_stream(k, &p), KSRTP_EEXIST);
	EXPECT_EQ(ksrtp_stream_engine(k, 1, KSRTP_OUTBOUND), KSRTP_ENGINE_KERNEL);
	p.direction = KSRTP_INBOUND;
	EXPECT_EQ(ksrtp_add_stream(rx, &p), 0);
	/* Up to a full slot sealed, then KSRTP_ENOSPACE; stats from SA_STATS. */
	EXPECT_EQ(lib_roundtrip(k, rx, 1, 1, KSRTP_SLOT_SIZE - KSRTP_SEAL_TRAILER), 0);
	EXPECT_EQ(lib_roundtrip(k, rx, 1, 2, 100), 0);
	EXPECT_EQ(lib_roundtrip(k, rx, 1, 3, KSRTP_SLOT_SIZE - KSRTP_SEAL_TRAILER + 1),
		  KSRTP_ENOSPACE);
	EXPECT_EQ(ksrtp_stream_stats(k, 1, KSRTP_OUTBOUND, &st), 0);
	EXPECT_EQ(st.packets, 2);
	EXPECT_EQ(ksrtp_stream_stats(rx, 1, KSRTP_INBOUND, &st), 0);
	EXPECT_EQ(st.packets, 2);
	EXPECT_EQ(ksrtp_remove_stream(k, 1, KSRTP_OUTBOUND), 0);
	EXPECT_EQ(ksrtp_remove_stream(k, 1, KSRTP_OUTBOUND), KSRTP_ENOSTREAM);
	EXPECT_EQ(lib_roundtrip(k, rx, 1, 4, 100), KSRTP_ENOSTREAM);
	/* The module's max_sas: a KERNEL session is out of room. */
	for (i = 0, err = 0; i < max_sas && !err; i++) {
		p = lib_policy(KSRTP_AEAD_AES_128_GCM, KSRTP_OUTBOUND, 1000 + i);
		err = ksrtp_add_stream(k, &p);
	}
	EXPECT_EQ(err, 0);
	p = lib_policy(KSRTP_AEAD_AES_128_GCM, KSRTP_OUTBOUND, 999);
	EXPECT_EQ(ksrtp_add_stream(k, &p), KSRTP_ENOMEM);
	ksrtp_session_free(k);
	k = NULL;

	/* AUTO: the kernel, and per stream the user engine for what it cannot carry. */
	a = lib_session(KSRTP_ENGINE_AUTO, t);
	if (!a)
		goto out;
	EXPECT_EQ(ksrtp_session_engine(a), KSRTP_ENGINE_KERNEL);
	p = lib_policy(cm, KSRTP_OUTBOUND, 2);
	EXPECT_EQ(ksrtp_add_stream(a, &p), 0);
	EXPECT_EQ(ksrtp_stream_engine(a, 2, KSRTP_OUTBOUND), KSRTP_ENGINE_USER);
	p = lib_policy(KSRTP_AEAD_AES_128_GCM, KSRTP_OUTBOUND, 2);
	EXPECT_EQ(ksrtp_add_stream(a, &p), KSRTP_EEXIST);
	p = lib_policy(KSRTP_AEAD_AES_256_GCM, KSRTP_OUTBOUND, 1);
	EXPECT_EQ(ksrtp_add_stream(a, &p), 0);
	EXPECT_EQ(ksrtp_stream_engine(a, 1, KSRTP_OUTBOUND), KSRTP_ENGINE_KERNEL);
	EXPECT_EQ(lib_roundtrip(a, rx, 1, 10, 200), 0);
	p = lib_policy(KSRTP_AEAD_AES_128_GCM, KSRTP_INBOUND, 0);
	p.any_ssrc = true;
	EXPECT_EQ(ksrtp_add_stream(a, &p), 0);
	EXPECT_EQ(ksrtp_stream_engine(a, 77, KSRTP_INBOUND), KSRTP_ENGINE_USER);
	/* Past max_sas, AUTO's streams go on in userspace. */
	for (i = 0, err = 0; i < max_sas - 1 && !err; i++) {
		p = lib_policy(KSRTP_AEAD_AES_128_GCM, KSRTP_OUTBOUND, 1000 + i);
		err = ksrtp_add_stream(a, &p);
	}
	EXPECT_EQ(err, 0);
	EXPECT_EQ(ksrtp_stream_engine(a, 1000 + max_sas - 2, KSRTP_OUTBOUND), KSRTP_ENGINE_KERNEL);
	p = lib_policy(KSRTP_AEAD_AES_128_GCM, KSRTP_OUTBOUND, 999);
	EXPECT_EQ(ksrtp_add_stream(a, &p), 0);
	EXPECT_EQ(ksrtp_stream_engine(a, 999, KSRTP_OUTBOUND), KSRTP_ENGINE_USER);
	ksrtp_session_free(a);
out:
	ksrtp_session_free(k);
	ksrtp_session_free(rx);
}

static void t_lib_engine(void)
{
	struct ksrtp_config cfg;
	ksrtp_session *s;
	int err;

	lib_engine_transport(KSRTP_KERNEL_IOCTL);
	lib_engine_transport(KSRTP_KERNEL_URING);
	/* A transport outside the enum: KERNEL refuses it, AUTO runs in userspace. */
	memset(&cfg, 0, sizeof(cfg));
	cfg.engine = KSRTP_ENGINE_KERNEL;
	cfg.kernel_transport = (enum ksrtp_kernel_transport)7;
	EXPECT(ksrtp_session_new(&cfg, &err) == NULL);
	EXPECT_EQ(err, KSRTP_EINVAL);
	cfg.engine = KSRTP_ENGINE_AUTO;
	s = ksrtp_session_new(&cfg, &err);
	EXPECT(s && ksrtp_session_engine(s) == KSRTP_ENGINE_USER);
	ksrtp_session_free(s);
	/* cfg NULL: AUTO over ioctl, here the kernel. */
	s = ksrtp_session_new(NULL, &err);
	EXPECT(s && ksrtp_session_engine(s) == KSRTP_ENGINE_KERNEL);
	ksrtp_session_free(s);
}

/* ---- KSRTP_BATCH_ALL_OR_NOTHING, and a SEAL linked to the send of its slots ---- */

#define AON_N 3
#define AON_PAYLOAD 100

/* AON_N packets in slots 0..AON_N-1; the middle one names bad_sa (inbound: NOSTREAM) unless 0. */
static void aon_batch(struct dev *d, struct ksrtp_desc *v, uint32_t out, uint32_t bad_sa,
		      uint16_t seq)
{
	uint32_t i;

	for (i = 0; i < AON_N; i++)
		v[i] = (struct ksrtp_desc){ .sa = i == 1 && bad_sa ? bad_sa : out, .slot = i,
					    .len = rtp_pkt(d, i, 42, (uint16_t)(seq + i),
							   AON_PAYLOAD) };
}

static void all_or_nothing(batch_fn fn)
{
	struct ksrtp_desc v[AON_N];
	uint32_t out, in;
	struct dev d;

	if (!dev_open(&d, NSLOTS)) {
		failures++;
		return;
	}
	EXPECT_EQ(sa_add(&d, 1, KSRTP_DIR_OUTBOUND, 42, key32, salt12, 0, 0, 0, &out), 0);
	EXPECT_EQ(sa_add(&d, 1, KSRTP_DIR_INBOUND, 42, key32, salt12, 0, 0, 0, &in), 0);
	/* The probe: an empty batch with the flag is a no-op. */
	EXPECT_EQ(fn(&d, true, v, 0, KSRTP_BATCH_ALL_OR_NOTHING), 0);
	aon_batch(&d, v, out, 0, 1);
	EXPECT_EQ(fn(&d, true, v, AON_N, KSRTP_BATCH_ALL_OR_NOTHING), AON_N);
	EXPECT(v[0].status == 0 && v[2].status == 0 && v[2].len == 12 + AON_PAYLOAD + 16);
	/* One bad descriptor fails the call; every status still comes back. */
	aon_batch(&d, v, out, in, 10);
	EXPECT_EQ(fn(&d, true, v, AON_N, KSRTP_BATCH_ALL_OR_NOTHING), -EBADMSG);
	EXPECT_EQ(v[1].status, KSRTP_ST_NOSTREAM);
	EXPECT(v[0].status == 0 && v[0].len == 12 + AON_PAYLOAD + 16 && v[2].status == 0);
	/* Not left in plaintext's place: the failed slot is untouched plaintext. */
	EXPECT(slot(&d, 1)[12] == 0xab && slot(&d, 1)[12 + AON_PAYLOAD - 1] == 0xab);
	/* Without the flag, the same batch counts its successes. */
	aon_batch(&d, v, out, in, 20);
	EXPECT_EQ(fn(&d, true, v, AON_N, 0), AON_N - 1);
	/* OPEN takes it too: the sealed good batch opens, a replay fails it. */
	aon_batch(&d, v, out, 0, 30);
	EXPECT_EQ(fn(&d, true, v, AON_N, 0), AON_N);
	v[0].sa = in;
	v[1].sa = in;
	v[2].sa = in;
	EXPECT_EQ(fn(&d, false, v, AON_N, KSRTP_BATCH_ALL_OR_NOTHING), AON_N);
	v[0].len += 16;
	v[1].len += 16;
	v[2].len += 16;
	EXPECT_EQ(fn(&d, false, v, AON_N, KSRTP_BATCH_ALL_OR_NOTHING), -EBADMSG);
	dev_close(&d);
}

static void t_aon_ioctl(void)
{
	all_or_nothing(batch_ioctl);
}

static void t_aon_uring(void)
{
	all_or_nothing(batch_uring);
}

/*
 * The SEAL (all or nothing) of AON_N slots linked (IOSQE_IO_LINK) to one
 * sendmsg of the same slots on a datagram socket pair, one submission:
 * sealed, the datagram arrives with the sealed bytes; with one bad
 * descriptor the SEAL fails (-EBADMSG), io_uring cancels the send
 * (-ECANCELED) and nothing arrives. (Such a batch finishes in task work,
 * kernel/uring.c says why: a good one inline would cancel its send on 6.1.)
 */
static void linked_send(struct dev *d, int sv[2], uint32_t out, uint32_t bad_sa, uint16_t seq)
{
	struct ksrtp_desc v[AON_N];
	struct ksrtp_batch b = { .descs = (uintptr_t)v, .count = AON_N,
				 .flags = KSRTP_BATCH_ALL_OR_NOTHING };
	struct iovec iov[AON_N];
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = AON_N };
	uint8_t got[AON_N * SLOT], want[AON_N * SLOT];
	int res[2] = { 1, 1 }, i;
	size_t total = 0;
	ssize_t n;

	aon_batch(d, v, out, bad_sa, seq);
	for (i = 0; i < AON_N; i++) {
		iov[i] = (struct iovec){ .iov_base = slot(d, (uint32_t)i), .iov_len = v[i].len + 16 };
		total += iov[i].iov_len;
	}
	for (i = 0; i < 2; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&d->ring);

		if (i == 0) {
			io_uring_prep_rw(IORING_OP_URING_CMD, sqe, d->fd, NULL, 0, 0);
			sqe->cmd_op = KSRTP_IOC_SEAL;
			memcpy(&sqe->addr3, &b, sizeof(b));
			io_uring_sqe_set_flags(sqe, IOSQE_IO_LINK);
		} else {
			io_uring_prep_sendmsg(sqe, sv[0], &msg, MSG_DONTWAIT);
		}
		io_uring_sqe_set_data64(sqe, (uint64_t)i);
	}
	EXPECT_EQ(io_uring_submit(&d->ring), 2);
	for (i = 0; i < 2; i++) {
		struct io_uring_cqe *cqe;

		if (io_uring_wait_cqe(&d->ring, &cqe)) {
			failures++;
			return;
		}
		res[cqe->user_data & 1] = cqe->res;
		io_uring_cqe_seen(&d->ring, cqe);
	}
	n = recv(sv[1], got, sizeof(got), MSG_DONTWAIT);
	if (bad_sa) {
		EXPECT_EQ(res[0], -EBADMSG);
		EXPECT_EQ(res[1], -ECANCELED);
		EXPECT_EQ(v[1].status, KSRTP_ST_NOSTREAM);
		EXPECT(n < 0 && errno == EAGAIN);
		return;
	}
	EXPECT_EQ(res[0], AON_N);
	EXPECT_EQ(res[1], (long long)total);
	EXPECT_EQ(n, (long long)total);
	for (i = 0, total = 0; i < AON_N; i++) {
		EXPECT_EQ(v[i].len, iov[i].iov_len);
		memcpy(want + total, slot(d, (uint32_t)i), iov[i].iov_len);
		total += iov[i].iov_len;
	}
	/* The wire got the sealed slots: ciphertext, not the 0xab payload. */
	EXPECT(n == (ssize_t)total && !memcmp(got, want, total) && got[12] != 0xab);
}

static void t_uring_linked_send(void)
{
	uint32_t out, in;
	struct dev d;
	int sv[2];

	if (!dev_open(&d, NSLOTS) || socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv)) {
		failures++;
		return;
	}
	EXPECT_EQ(sa_add(&d, 1, KSRTP_DIR_OUTBOUND, 42, key32, salt12, 0, 0, 0, &out), 0);
	EXPECT_EQ(sa_add(&d, 1, KSRTP_DIR_INBOUND, 42, key32, salt12, 0, 0, 0, &in), 0);
	linked_send(&d, sv, out, 0, 1);
	linked_send(&d, sv, out, in, 10);
	linked_send(&d, sv, out, 0, 20);
	close(sv[0]);
	close(sv[1]);
	dev_close(&d);
}

/*
 * With arguments, only the checks named (tests/vm/init's async run after
 * reloading the module on an asynchronous gcm(aes)), reported under
 * KSRTP_VMTEST_PREFIX.
 */
static int only_argc;
static char **only_argv;

static void run_named(const char *name, void (*fn)(void))
{
	const char *prefix = getenv("KSRTP_VMTEST_PREFIX");
	char full[128];
	int i;

	if (only_argc > 1) {
		for (i = 1; i < only_argc && strcmp(only_argv[i], name); i++)
			;
		if (i == only_argc)
			return;
	}
	snprintf(full, sizeof(full), "%s%s", prefix ? prefix : "", name);
	run(full, fn);
}

#define run run_named

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	only_argc = argc;
	only_argv = argv;
	run("info", t_info);
	run("driver-aesni", t_driver_aesni);
	run("sa-add-del", t_sa);
	run("vectors-ioctl", t_vectors_ioctl);
	run("vectors-uring", t_vectors_uring);
	run("crosscheck-ioctl", t_cross_ioctl);
	run("crosscheck-uring", t_cross_uring);
	run("abuse-ioctl-batches", t_abuse_ioctl_batches);
	run("abuse-uring-batches", t_abuse_uring_batches);
	run("abuse-calls", t_abuse_calls);
	run("abuse-scribble", t_abuse_scribble);
	run("abuse-close-inflight", t_abuse_close_inflight);
	run("abuse-random-calls", t_abuse_random_calls);
	run("lib-engine", t_lib_engine);
	run("uring-concurrent", t_uring_concurrent);
	run("uring-sa-del-inflight", t_uring_sa_del_inflight);
	run("all-or-nothing-ioctl", t_aon_ioctl);
	run("all-or-nothing-uring", t_aon_uring);
	run("uring-linked-send", t_uring_linked_send);
	return failures ? 1 : 0;
}
