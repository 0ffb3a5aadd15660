/* SPDX-License-Identifier: MIT */
/*
 * Shared by the unit tests (tests/unit/): the profile table, fixed keys,
 * session setup, RTP/RTCP packet builders and guarded buffers.
 *
 * Unit tests are self-interop only: ksrtp seals, ksrtp opens. They prove
 * properties (errors, untouched buffers, untouched stream state), not the
 * wire format, which the vector and interop suites pin down.
 *
 * Every helper is static inline so a test that does not use one does not
 * trip -Wunused-function under WERROR=1.
 */
#ifndef KSRTP_TESTS_UNIT_H
#define KSRTP_TESTS_UNIT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "test.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* SRTCP trailer: E flag + 31-bit index (RFC 3711 section 3.4). */
#define UNIT_SRTCP_INDEX_LEN 4
#define UNIT_SRTCP_E 0x80000000u

/* Two unrelated master keys and salts (long enough for every profile). */
static const uint8_t unit_key[32] = {
	0xe1, 0xf9, 0x7a, 0x0d, 0x3e, 0x01, 0x8b, 0xe0, 0xd6, 0x4f, 0xa3, 0x2c, 0x06, 0xde, 0x41, 0x39,
	0x0e, 0xc6, 0x75, 0xad, 0x49, 0x8a, 0xfe, 0xeb, 0xb6, 0x96, 0x0b, 0x3a, 0xab, 0xe6, 0xc1, 0x73,
};
static const uint8_t unit_salt[14] = {
	0x0e, 0xc6, 0x75, 0xad, 0x49, 0x8a, 0xfe, 0xeb, 0xb6, 0x96, 0x0b, 0x3a, 0xab, 0xe6,
};
static const uint8_t unit_key2[32] = {
	0x3c, 0x41, 0xd8, 0x95, 0x6e, 0x10, 0x27, 0xb2, 0x99, 0x05, 0xf7, 0x5a, 0xc4, 0x1b, 0x88, 0x2d,
	0x70, 0x13, 0xae, 0x5f, 0x02, 0xe9, 0x46, 0xcb, 0x31, 0x8e, 0x67, 0xd0, 0x1a, 0xb5, 0x4c, 0xf3,
};
static const uint8_t unit_salt2[14] = {
	0x5b, 0x07, 0xe2, 0x9a, 0x13, 0xcd, 0x68, 0xf1, 0x24, 0x8f, 0x3d, 0xa6, 0x50, 0x7e,
};

/* ---- failure context: a failed CHECK is followed by what was being tested ---- */

static int unit_mark_;
static char unit_ctx_[256];

/* Name the case that follows; failures from here on are reported with it. */
static inline void unit_case(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(unit_ctx_, sizeof(unit_ctx_), fmt, ap);
	va_end(ap);
	unit_mark_ = test_failures;
}

/* Close the case: if anything failed since unit_case(), say in which case. */
static inline void unit_case_end(void)
{
	if (test_failures != unit_mark_)
		fprintf(stderr, "  ^ %d failure(s) in: %s\n", test_failures - unit_mark_, unit_ctx_);
	unit_mark_ = test_failures;
}

/* Give up at once (setup failed; nothing after it would mean anything). */
#define UNIT_FATAL(...)                                                               \
	do {                                                                          \
		fprintf(stderr, "%s:%d: fatal: ", __FILE__, __LINE__);                \
		fprintf(stderr, __VA_ARGS__);                                         \
		fputc('\n', stderr);                                                  \
		exit(T_FAIL);                                                         \
	} while (0)

/* ---- sessions and streams ---- */

static inline struct ksrtp_policy unit_policy(const struct test_profile *pr,
					      enum ksrtp_direction dir, uint32_t ssrc)
{
	struct ksrtp_policy p = {
		.profile = pr->id,
		.direction = dir,
		.ssrc = ssrc,
		.key = unit_key,
		.key_len = pr->key_len,
		.salt = unit_salt,
		.salt_len = pr->salt_len,
	};
	return p;
}

/* A user-engine session; the test cannot go on without one. */
static inline ksrtp_session *unit_session(void)
{
	struct ksrtp_config cfg = { .engine = KSRTP_ENGINE_USER };
	int err = 1;
	ksrtp_session *s = ksrtp_session_new(&cfg, &err);

	if (!s)
		UNIT_FATAL("ksrtp_session_new: %s", ksrtp_strerror(err));
	return s;
}

/*
 * A session on the engine under test (test_config(): the user engine on
 * the host, the kernel engine in the VM, tests/vm/engine-tests).
 */
static inline ksrtp_session *unit_session_tested(void)
{
	struct ksrtp_config cfg = test_config();
	int err = 1;
	ksrtp_session *s = ksrtp_session_new(&cfg, &err);

	if (!s)
		UNIT_FATAL("ksrtp_session_new: %s", ksrtp_strerror(err));
	return s;
}

static inline void unit_add(ksrtp_session *s, const struct ksrtp_policy *p)
{
	int err = ksrtp_add_stream(s, p);

	if (err)
		UNIT_FATAL("ksrtp_add_stream(ssrc %#x, dir %d): %s", p->ssrc, p->direction,
			   ksrtp_strerror(err));
}

/* A session holding just the stream of policy p. */
static inline ksrtp_session *unit_session_with(const struct ksrtp_policy *p)
{
	ksrtp_session *s = unit_session();

	unit_add(s, p);
	return s;
}

static inline struct ksrtp_stats unit_stats(const ksrtp_session *s, uint32_t ssrc,
					    enum ksrtp_direction dir)
{
	struct ksrtp_stats st;
	int err = ksrtp_stream_stats(s, ssrc, dir, &st);

	if (err) {
		fprintf(stderr, "ksrtp_stream_stats(ssrc %#x, dir %d): %s\n", ssrc, dir,
			ksrtp_strerror(err));
		test_failures++;
		memset(&st, 0, sizeof(st));
	}
	return st;
}

/* ---- packet builders ---- */

/* Bytes of payload are a function of (seed, offset), so corruption shows. */
static inline uint8_t unit_byte(uint32_t seed, size_t i)
{
	uint32_t x = seed * 2654435761u + (uint32_t)i * 40503u;

	return (uint8_t)(x >> 13 ^ x >> 24);
}

/*
 * An RTP packet (RFC 3550 section 5.1): V=2, PT 96, cc CSRCs, and when
 * ext_words >= 0 an RFC 8285 one-byte extension block of that many 32-bit
 * words (elements of ID 1, length 1 and a padding byte, then zero padding),
 * then payload_len payload bytes. Returns the length.
 */
static inline size_t unit_rtp(uint8_t *buf, uint32_t ssrc, uint16_t seq, unsigned int cc,
			      int ext_words, size_t payload_len)
{
	size_t n = 12, i;

	buf[0] = (uint8_t)(0x80 | (ext_words >= 0 ? 0x10 : 0) | (cc & 0x0f));
	buf[1] = 96;
	buf[2] = (uint8_t)(seq >> 8);
	buf[3] = (uint8_t)seq;
	buf[4] = 0x00;
	buf[5] = 0x01;
	buf[6] = (uint8_t)(seq >> 8);
	buf[7] = (uint8_t)seq;
	buf[8] = (uint8_t)(ssrc >> 24);
	buf[9] = (uint8_t)(ssrc >> 16);
	buf[10] = (uint8_t)(ssrc >> 8);
	buf[11] = (uint8_t)ssrc;
	for (i = 0; i < (cc & 0x0f); i++, n += 4) {
		buf[n] = 0xc5;
		buf[n + 1] = 0x5c;
		buf[n + 2] = 0x00;
		buf[n + 3] = (uint8_t)i;
	}
	if (ext_words >= 0) {
		buf[n++] = 0xbe;
		buf[n++] = 0xde;
		buf[n++] = (uint8_t)(ext_words >> 8);
		buf[n++] = (uint8_t)ext_words;
		for (i = 0; i < 4u * (unsigned int)ext_words; i++)
			buf[n + i] = (i & 3) == 0 ? 0x10 : (i & 3) == 1 ? (uint8_t)i : 0;
		n += 4u * (unsigned int)ext_words;
	}
	for (i = 0; i < payload_len; i++)
		buf[n + i] = unit_byte(ssrc ^ seq, i);
	return n + payload_len;
}

/*
 * An RTCP sender report (RFC 3550 section 6.4.1) of len bytes (>= 8, a
 * multiple of 4 so the length field is exact) with SSRC ssrc; the body is
 * filler keyed by seed.
 */
static inline size_t unit_rtcp(uint8_t *buf, uint32_t ssrc, size_t len, uint32_t seed)
{
	size_t i;

	buf[0] = 0x80;
	buf[1] = 200;
	buf[2] = (uint8_t)((len / 4 - 1) >> 8);
	buf[3] = (uint8_t)(len / 4 - 1);
	buf[4] = (uint8_t)(ssrc >> 24);
	buf[5] = (uint8_t)(ssrc >> 16);
	buf[6] = (uint8_t)(ssrc >> 8);
	buf[7] = (uint8_t)ssrc;
	for (i = 8; i < len; i++)
		buf[i] = unit_byte(seed, i);
	return len;
}

/* Header length of a well-formed RTP packet: fixed part, CSRCs, extension. */
static inline size_t unit_rtp_hlen(const uint8_t *pkt)
{
	size_t h = 12 + 4u * (pkt[0] & 0x0f);

	if (pkt[0] & 0x10)
		h += 4 + 4u * (pkt[h + 2] << 8 | pkt[h + 3]);
	return h;
}

static inline uint32_t unit_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void unit_put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/*
 * The E + index word of a sealed SRTCP packet: after the tag for GCM (RFC
 * 7714 section 9.1), before it for AES-CM (RFC 3711 section 3.4).
 */
static inline size_t unit_srtcp_trailer_off(const struct test_profile *pr, size_t len)
{
	return pr->gcm ? len - UNIT_SRTCP_INDEX_LEN
		       : len - pr->rtcp_tag_len - UNIT_SRTCP_INDEX_LEN;
}

/* ---- guarded buffers ---- */

/*
 * A copy of n bytes in an allocation of exactly n bytes, so the sanitizer
 * build reports any read or write past the end (or before the start).
 * Not inlined: GCC's value tracking through the callers' loops otherwise
 * "finds" impossible sizes (-Walloc-size-larger-than under -Werror).
 */
static __attribute__((noinline, unused)) uint8_t *unit_exact(const uint8_t *src, size_t n)
{
	uint8_t *p = malloc(n ? n : 1);

	if (!p)
		UNIT_FATAL("out of memory");
	if (n)
		memcpy(p, src, n);
	return p;
}

/*
 * A buffer of size bytes with UNIT_CANARY known bytes before and after it,
 * for the plain build, where an out-of-bounds write would go unnoticed.
 * The first n bytes are src, the rest of the buffer a known filler too.
 */
#define UNIT_CANARY 64

struct unit_guard {
	uint8_t *mem;
	uint8_t *data;
	size_t size;
};

static inline uint8_t unit_canary_byte(size_t i)
{
	return (uint8_t)(0xa5 ^ (i * 29));
}

static inline struct unit_guard unit_guard_new(size_t size, const uint8_t *src, size_t n)
{
	struct unit_guard g;
	size_t i;

	g.size = size;
	g.mem = malloc(size + 2 * UNIT_CANARY);
	if (!g.mem)
		UNIT_FATAL("out of memory");
	for (i = 0; i < size + 2 * UNIT_CANARY; i++)
		g.mem[i] = unit_canary_byte(i);
	g.data = g.mem + UNIT_CANARY;
	if (n)
		memcpy(g.data, src, n);
	return g;
}

/* 1 when both canaries and the bytes from `from` to size are as written. */
static inline int unit_guard_intact(const struct unit_guard *g, size_t from)
{
	size_t i;

	for (i = 0; i < UNIT_CANARY; i++)
		if (g->mem[i] != unit_canary_byte(i))
			return 0;
	for (i = UNIT_CANARY + from; i < g->size + 2 * UNIT_CANARY; i++)
		if (g->mem[i] != unit_canary_byte(i))
			return 0;
	return 1;
}

static inline void unit_guard_free(struct unit_guard *g)
{
	free(g->mem);
	g->mem = g->data = NULL;
}

/*
 * The contract of every failing call (ksrtp.h): "a failed call leaves the
 * stream state and the packet unchanged". Run fn on a copy of pkt[0..len)
 * twice: in an exact-size allocation (the sanitizer build sees any access
 * past it) and in a buffer of len bytes between canaries (the plain build
 * sees any write past len or before the start). Both runs must return want
 * (or, for the _2 form, both alt), which doubles as a check that the first
 * left no state behind; packet, length and the bytes around it must be
 * untouched. Returns the code of the first run.
 */
/* A test's check of one bad packet; ctx is the test's own. */
typedef void (*unit_bad_fn)(void *ctx, const uint8_t *pkt, size_t len, const char *what);

/*
 * The mutations an unprotect battery starts with, each handed to bad() with
 * a description: the sealed packet cut short to every length below slen,
 * each of its bits flipped in turn, and its version set to 0, 1 and 3.
 * pkt is scratch room for slen bytes.
 */
static inline void unit_mutations(const uint8_t *sealed, size_t slen, uint8_t *pkt,
				  unit_bad_fn bad, void *ctx)
{
	size_t len, i;
	unsigned int b, v;
	char what[96];

	for (len = 0; len < slen; len++) {
		snprintf(what, sizeof(what), "truncated to %zu of %zu", len, slen);
		bad(ctx, sealed, len, what);
	}
	for (i = 0; i < slen; i++) {
		for (b = 0; b < 8; b++) {
			memcpy(pkt, sealed, slen);
			pkt[i] ^= (uint8_t)(1u << b);
			snprintf(what, sizeof(what), "bit %u of byte %zu flipped", b, i);
			bad(ctx, pkt, slen, what);
		}
	}
	for (v = 0; v < 4; v += v == 1 ? 2 : 1) {
		memcpy(pkt, sealed, slen);
		pkt[0] = (uint8_t)((pkt[0] & 0x3f) | v << 6);
		snprintf(what, sizeof(what), "version %u", v);
		bad(ctx, pkt, slen, what);
	}
}

typedef int (*unit_protect_fn)(ksrtp_session *, uint8_t *, size_t *, size_t);
typedef int (*unit_unprotect_fn)(ksrtp_session *, uint8_t *, size_t *);

static inline int unit_expect_fail_unprotect2(ksrtp_session *s, unit_unprotect_fn fn,
					      const uint8_t *pkt, size_t len, int want, int alt,
					      const char *what)
{
	uint8_t *e = unit_exact(pkt, len);
	struct unit_guard g = unit_guard_new(len, pkt, len);
	size_t l1 = len, l2 = len;
	int r1, r2;

	r1 = fn(s, e, &l1);
	r2 = fn(s, g.data, &l2);
	if ((r1 != want && r1 != alt) || r2 != r1) {
		fprintf(stderr, "%s (len %zu): got %s / %s, want %s\n", what, len,
			ksrtp_strerror(r1), ksrtp_strerror(r2), ksrtp_strerror(want));
		test_failures++;
	}
	if (l1 != len || l2 != len || (len && memcmp(e, pkt, len)) ||
	    (len && memcmp(g.data, pkt, len)) || !unit_guard_intact(&g, len)) {
		fprintf(stderr, "%s (len %zu): packet, length or bytes around it changed\n", what,
			len);
		test_failures++;
	}
	free(e);
	unit_guard_free(&g);
	return r1;
}

static inline int unit_expect_fail_unprotect(ksrtp_session *s, unit_unprotect_fn fn,
					     const uint8_t *pkt, size_t len, int want,
					     const char *what)
{
	/* 1 is never a ksrtp return code: no alternative. */
	return unit_expect_fail_unprotect2(s, fn, pkt, len, want, 1, what);
}

/*
 * The same for protect: the packet sits in a buffer of cap bytes (or of len
 * bytes when the caller claims a cap below len); nothing in it or around it
 * may change.
 */
static inline int unit_expect_fail_protect(ksrtp_session *s, unit_protect_fn fn,
					   const uint8_t *pkt, size_t len, size_t cap, int want,
					   const char *what)
{
	size_t room = cap < len ? len : cap;
	uint8_t *e = malloc(room ? room : 1);
	struct unit_guard g = unit_guard_new(room, pkt, len);
	size_t l1 = len, l2 = len;
	int r1, r2;

	if (!e)
		UNIT_FATAL("out of memory");
	memcpy(e, g.data, room);	/* packet, then the guard's filler */
	r1 = fn(s, e, &l1, cap);
	r2 = fn(s, g.data, &l2, cap);
	if (r1 != want || r2 != want) {
		fprintf(stderr, "%s (len %zu, cap %zu): got %s / %s, want %s\n", what, len, cap,
			ksrtp_strerror(r1), ksrtp_strerror(r2), ksrtp_strerror(want));
		test_failures++;
	}
	if (l1 != len || l2 != len || memcmp(e, g.data, room) || memcmp(e, pkt, len) ||
	    !unit_guard_intact(&g, len)) {
		fprintf(stderr, "%s (len %zu, cap %zu): packet, length or buffer changed\n", what,
			len, cap);
		test_failures++;
	}
	free(e);
	unit_guard_free(&g);
	return r1;
}

/* Seal in a buffer of buf_cap bytes; the test cannot go on if it fails. */
static inline size_t unit_seal(ksrtp_session *s, unit_protect_fn fn, uint8_t *buf, size_t len,
			       size_t buf_cap)
{
	size_t l = len;
	int err = fn(s, buf, &l, buf_cap);

	if (err)
		UNIT_FATAL("sealing a genuine packet (len %zu): %s", len, ksrtp_strerror(err));
	return l;
}

/* Open a genuine packet (exact-size copy) and check it gives back plain[0..plain_len). */
static inline void unit_open_ok(ksrtp_session *s, unit_unprotect_fn fn, const uint8_t *pkt,
				size_t len, const uint8_t *plain, size_t plain_len,
				const char *what)
{
	uint8_t *e = unit_exact(pkt, len);
	size_t l = len;
	int err = fn(s, e, &l);

	if (err) {
		fprintf(stderr, "%s: opening a genuine packet: %s\n", what, ksrtp_strerror(err));
		test_failures++;
	} else if (l != plain_len || (plain && memcmp(e, plain, plain_len))) {
		fprintf(stderr, "%s: opened to %zu bytes, not the %zu sealed\n", what, l,
			plain_len);
		test_failures++;
	}
	free(e);
}

/* Open pkt[0..len) in an exact-size copy and return the code. */
static inline int unit_open(ksrtp_session *s, unit_unprotect_fn fn, const uint8_t *pkt, size_t len)
{
	uint8_t *e = unit_exact(pkt, len);
	size_t l = len;
	int err = fn(s, e, &l);

	free(e);
	return err;
}

/* ---- sealed packets at chosen indices ---- */

/*
 * The vault holds one sealed packet per chosen 48-bit index (ROC << 16 |
 * SEQ, RFC 3711 section 3.3.1) so a receiver can be fed any order. A sender
 * estimates its own index as a receiver does, so it can step forward by
 * less than 2^15 at a time: the vault seals the sorted indices in order on
 * one outbound stream whose initial ROC is the first index's, sealing (and
 * dropping) stepping stones across any wider gap.
 *
 * Each plaintext is a 12-byte header and the 8-byte index as payload.
 */
#define UNIT_VAULT_PLAIN 20
#define UNIT_VAULT_SLOT (UNIT_VAULT_PLAIN + KSRTP_MAX_TRAILER)

struct unit_vault {
	size_t n;
	uint64_t *idx;		/* sorted, unique */
	uint8_t *pkt;		/* n slots of UNIT_VAULT_SLOT bytes */
	uint8_t *len;
};

static inline size_t unit_vault_plain(uint8_t *buf, uint32_t ssrc, uint64_t idx)
{
	size_t n = unit_rtp(buf, ssrc, (uint16_t)idx, 0, -1, 0);

	unit_put_be32(buf + n, (uint32_t)(idx >> 32));
	unit_put_be32(buf + n + 4, (uint32_t)idx);
	return n + 8;
}

static inline int unit_u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Seal the packets at idx[0..n) (any order, repeats allowed) for ssrc under policy p. */
static inline void unit_vault_fill(struct unit_vault *v, struct ksrtp_policy p,
				   const uint64_t *idx, size_t n)
{
	ksrtp_session *tx;
	uint8_t buf[UNIT_VAULT_SLOT];
	uint64_t cur;
	size_t i, m, len;

	v->idx = malloc((n ? n : 1) * sizeof(*v->idx));
	v->pkt = malloc((n ? n : 1) * UNIT_VAULT_SLOT);
	v->len = malloc(n ? n : 1);
	if (!v->idx || !v->pkt || !v->len)
		UNIT_FATAL("out of memory");
	memcpy(v->idx, idx, n * sizeof(*idx));
	qsort(v->idx, n, sizeof(*v->idx), unit_u64_cmp);
	for (i = m = 0; i < n; i++)
		if (!m || v->idx[m - 1] != v->idx[i])
			v->idx[m++] = v->idx[i];
	v->n = m;
	if (!m)
		return;
	p.direction = KSRTP_OUTBOUND;
	p.roc = (uint32_t)(v->idx[0] >> 16);
	p.flags = 0;
	tx = unit_session_with(&p);
	cur = v->idx[0];
	for (i = 0; i < m; i++) {
		while (v->idx[i] - cur >= 32768) {
			cur += 32767;
			len = unit_vault_plain(buf, p.ssrc, cur);
			unit_seal(tx, ksrtp_protect, buf, len, sizeof(buf));
		}
		len = unit_vault_plain(v->pkt + i * UNIT_VAULT_SLOT, p.ssrc, v->idx[i]);
		v->len[i] = (uint8_t)unit_seal(tx, ksrtp_protect, v->pkt + i * UNIT_VAULT_SLOT, len,
					       UNIT_VAULT_SLOT);
		cur = v->idx[i];
	}
	ksrtp_session_free(tx);
}

/* The sealed packet for idx (which must have been filled). */
static inline const uint8_t *unit_vault_get(const struct unit_vault *v, uint64_t idx, size_t *len)
{
	size_t lo = 0, hi = v->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v->idx[mid] < idx)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == v->n || v->idx[lo] != idx)
		UNIT_FATAL("index %#llx not in the vault", (unsigned long long)idx);
	*len = v->len[lo];
	return v->pkt + lo * UNIT_VAULT_SLOT;
}

/*
 * Feed the vault's packet for idx to rx (exact-size copy); on success check
 * it opened to the plaintext. Returns the code.
 */
static inline int unit_vault_deliver(ksrtp_session *rx, const struct unit_vault *v, uint32_t ssrc,
				     uint64_t idx)
{
	uint8_t plain[UNIT_VAULT_SLOT];
	size_t len, n;
	const uint8_t *pkt = unit_vault_get(v, idx, &len);
	uint8_t *e = unit_exact(pkt, len);
	int err;

	err = ksrtp_unprotect(rx, e, &len);
	if (!err) {
		n = unit_vault_plain(plain, ssrc, idx);
		if (len != n || memcmp(e, plain, n)) {
			fprintf(stderr, "index %#llx opened to the wrong bytes\n",
				(unsigned long long)idx);
			test_failures++;
		}
	}
	free(e);
	return err;
}

static inline void unit_vault_free(struct unit_vault *v)
{
	free(v->idx);
	free(v->pkt);
	free(v->len);
}

#endif /* KSRTP_TESTS_UNIT_H */
