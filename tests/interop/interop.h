/* SPDX-License-Identifier: MIT */
/*
 * Shared by the interop tests (ksrtp <-> libsrtp2): the mapping from ksrtp
 * profiles to libsrtp2 crypto policies, session setup on both sides, and
 * generators of random but valid RTP (RFC 3550 section 5.1, RFC 8285 header
 * extensions, padding) and compound RTCP (RFC 3550 section 6) packets.
 *
 * Everything random comes from test_rand() with a fixed seed per program;
 * every failure prints the seed, profile and iteration so it can be
 * replayed.
 */
#ifndef KSRTP_TESTS_INTEROP_H
#define KSRTP_TESTS_INTEROP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include <srtp2/srtp.h>

#include "test.h"

/* Room for any generated packet plus either library's trailer (MKI included). */
#define IOP_BUF 2048
#define IOP_MAX_PAYLOAD 1400

/* ---- failure reports with the context needed to reproduce them ---- */

static struct {
	const char *test;
	unsigned long long seed;
	const char *profile;
	long iter;
	unsigned int printed;
} iop;

#ifndef IOP_MAX_REPORTS
#define IOP_MAX_REPORTS 40	/* then only counted */
#endif

static inline void iop_report(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static inline void iop_report(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	test_failures++;
	if (iop.printed++ >= IOP_MAX_REPORTS) {
		if (iop.printed == IOP_MAX_REPORTS + 1)
			fprintf(stderr, "(further failures not printed)\n");
		return;
	}
	fprintf(stderr, "%s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " [%s seed %#llx profile %s iter %ld]\n", iop.test, iop.seed,
		iop.profile ? iop.profile : "-", iop.iter);
}

#define IOP_CHECK(cond)                                                              \
	do {                                                                         \
		if (!(cond))                                                         \
			iop_report(__FILE__, __LINE__, "CHECK(%s) failed", #cond);   \
	} while (0)

#define IOP_CHECK_ERR(got, want)                                                      \
	do {                                                                          \
		int g_ = (got), w_ = (want);                                          \
		if (g_ != w_)                                                         \
			iop_report(__FILE__, __LINE__, "%s = %d (%s), want %d (%s)", #got, \
				   g_, ksrtp_strerror(g_), w_, ksrtp_strerror(w_));   \
	} while (0)

/* libsrtp2 status codes are plain numbers (srtp_err_status_t). */
#define IOP_CHECK_SRTP(got, want)                                                   \
	do {                                                                        \
		int g_ = (int)(got), w_ = (int)(want);                              \
		if (g_ != w_)                                                       \
			iop_report(__FILE__, __LINE__, "%s = srtp_err_status %d, want %d", \
				   #got, g_, w_);                                   \
	} while (0)

/* Compare two packets; on mismatch name the first differing octet. */
#define IOP_CHECK_PKT(a, alen, b, blen)                                                    \
	do {                                                                               \
		size_t al_ = (alen), bl_ = (blen), i_ = 0;                                 \
		const uint8_t *a_ = (a), *b_ = (b);                                        \
		while (i_ < al_ && i_ < bl_ && a_[i_] == b_[i_])                           \
			i_++;                                                              \
		if (al_ != bl_ || i_ != al_)                                               \
			iop_report(__FILE__, __LINE__,                                     \
				   "%s (%zu octets) != %s (%zu octets), first difference at %zu", \
				   #a, al_, #b, bl_, i_);                                  \
	} while (0)

/* ---- keys and policies ---- */

struct iop_keys {
	uint8_t key[32];
	uint8_t salt[14];
	uint8_t srtp_key[46];	/* libsrtp2 takes master key || master salt */
};

static inline void iop_fill(unsigned long long *rng, uint8_t *p, size_t n)
{
	while (n--)
		*p++ = (uint8_t)(test_rand(rng) >> 32);
}

static inline void iop_keys_random(const struct test_profile *pr, unsigned long long *rng,
				   struct iop_keys *k)
{
	memset(k, 0, sizeof(*k));
	iop_fill(rng, k->key, pr->key_len);
	iop_fill(rng, k->salt, pr->salt_len);
	memcpy(k->srtp_key, k->key, pr->key_len);
	memcpy(k->srtp_key + pr->key_len, k->salt, pr->salt_len);
}

/* The libsrtp2 crypto policies that are the same wire format as profile pr. */
static inline void iop_srtp_crypto(const struct test_profile *pr, srtp_crypto_policy_t *rtp,
				   srtp_crypto_policy_t *rtcp)
{
	switch (pr->id) {
	case KSRTP_AEAD_AES_128_GCM:
		srtp_crypto_policy_set_aes_gcm_128_16_auth(rtp);
		srtp_crypto_policy_set_aes_gcm_128_16_auth(rtcp);
		break;
	case KSRTP_AEAD_AES_256_GCM:
		srtp_crypto_policy_set_aes_gcm_256_16_auth(rtp);
		srtp_crypto_policy_set_aes_gcm_256_16_auth(rtcp);
		break;
	case KSRTP_AES_CM_128_HMAC_SHA1_80:
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(rtp);
		srtp_crypto_policy_set_rtcp_default(rtcp);
		break;
	case KSRTP_AES_CM_128_HMAC_SHA1_32:
		/* RFC 5764 4.1.2: SRTCP keeps the 80-bit tag. */
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(rtp);
		srtp_crypto_policy_set_rtcp_default(rtcp);
		break;
	}
}

/*
 * Fill a libsrtp2 policy for one stream. ssrc_type is ssrc_specific,
 * ssrc_any_inbound or ssrc_any_outbound. rtcp_auth_only: SRTCP with E = 0
 * (RFC 3711 section 3.4, RFC 7714 section 9.3).
 */
static inline void iop_srtp_policy(const struct test_profile *pr, struct iop_keys *k,
				   srtp_ssrc_type_t ssrc_type, uint32_t ssrc, bool rtcp_auth_only,
				   srtp_policy_t *p)
{
	memset(p, 0, sizeof(*p));
	iop_srtp_crypto(pr, &p->rtp, &p->rtcp);
	if (rtcp_auth_only)
		p->rtcp.sec_serv = sec_serv_auth;
	p->ssrc.type = ssrc_type;
	p->ssrc.value = ssrc;
	p->key = k->srtp_key;
	p->window_size = 1024;
	p->allow_repeat_tx = 0;
	p->next = NULL;
}

/* A libsrtp2 session with one policy; NULL (and a reported failure) if it cannot be made. */
static inline srtp_t iop_srtp_new(const struct test_profile *pr, struct iop_keys *k,
				  srtp_ssrc_type_t ssrc_type, uint32_t ssrc, bool rtcp_auth_only)
{
	srtp_policy_t p;
	srtp_t s = NULL;
	srtp_err_status_t st;

	iop_srtp_policy(pr, k, ssrc_type, ssrc, rtcp_auth_only, &p);
	st = srtp_create(&s, &p);
	if (st) {
		iop_report(__FILE__, __LINE__, "srtp_create(%s) = %d", pr->name, (int)st);
		return NULL;
	}
	return s;
}

static inline void iop_ksrtp_policy(const struct test_profile *pr, const struct iop_keys *k,
				    enum ksrtp_direction dir, uint32_t ssrc, struct ksrtp_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->profile = pr->id;
	p->direction = dir;
	p->ssrc = ssrc;
	p->key = k->key;
	p->key_len = pr->key_len;
	p->salt = k->salt;
	p->salt_len = pr->salt_len;
}

/*
 * Whether the engine under test (test_config()) carries profile pr, as an
 * any_ssrc template if asked; says so when it does not, and the caller
 * leaves that case out.
 */
static inline bool iop_applies(const struct test_profile *pr, bool any_ssrc)
{
	char what[64];

	if (test_engine_has(pr->id, any_ssrc))
		return true;
	snprintf(what, sizeof(what), "%s%s", pr->name, any_ssrc ? " any_ssrc" : "");
	test_not_applicable(what);
	return false;
}

/*
 * A ksrtp session on test_config()'s engine; NULL (and a reported failure)
 * if it cannot be made.
 */
static inline ksrtp_session *iop_ksrtp_session(void)
{
	struct ksrtp_config cfg = test_config();
	ksrtp_session *s;
	int err = 0;

	s = ksrtp_session_new(&cfg, &err);
	if (!s)
		iop_report(__FILE__, __LINE__, "ksrtp_session_new: %s", ksrtp_strerror(err));
	return s;
}

/* A ksrtp session with one stream (policy as iop_ksrtp_policy, plus roc and flags). */
static inline ksrtp_session *iop_ksrtp_new(const struct test_profile *pr, const struct iop_keys *k,
					   enum ksrtp_direction dir, uint32_t ssrc, uint32_t roc,
					   uint32_t flags)
{
	struct ksrtp_policy p;
	ksrtp_session *s = iop_ksrtp_session();
	int err;

	if (!s)
		return NULL;
	iop_ksrtp_policy(pr, k, dir, ssrc, &p);
	p.roc = roc;
	p.flags = flags;
	err = ksrtp_add_stream(s, &p);
	if (err) {
		iop_report(__FILE__, __LINE__, "ksrtp_add_stream(%s): %s", pr->name,
			   ksrtp_strerror(err));
		ksrtp_session_free(s);
		return NULL;
	}
	return s;
}

/*
 * Several streams of mixed profiles in one session (batch tests): stream i
 * has the (i mod n)-th of the n profiles the engine under test carries
 * (all of test_profiles on the user engine), its own SSRC and keys.
 */
#define IOP_MAX_STREAMS 16

struct iop_streams {
	unsigned int n;
	const struct test_profile *pr[IOP_MAX_STREAMS];
	uint32_t ssrc[IOP_MAX_STREAMS];
	struct iop_keys keys[IOP_MAX_STREAMS];
};

static inline void iop_streams_random(unsigned long long *rng, unsigned int n,
				      struct iop_streams *ss)
{
	const struct test_profile *usable[TEST_NPROFILES];
	unsigned int i, n_usable = 0;

	for (i = 0; i < TEST_NPROFILES; i++)
		if (iop_applies(&test_profiles[i], false))
			usable[n_usable++] = &test_profiles[i];
	ss->n = n;
	for (i = 0; i < n; i++) {
		ss->pr[i] = usable[i % n_usable];
		/* Distinct SSRCs: the low byte is the stream number. */
		ss->ssrc[i] = ((uint32_t)test_rand(rng) & ~0xffu) | i;
		iop_keys_random(ss->pr[i], rng, &ss->keys[i]);
	}
}

/* One libsrtp2 session holding a specific-SSRC policy per stream. */
static inline srtp_t iop_srtp_streams(struct iop_streams *ss)
{
	srtp_policy_t p[IOP_MAX_STREAMS];
	srtp_t s = NULL;
	srtp_err_status_t st;
	unsigned int i;

	for (i = 0; i < ss->n; i++) {
		iop_srtp_policy(ss->pr[i], &ss->keys[i], ssrc_specific, ss->ssrc[i], false, &p[i]);
		p[i].next = i + 1 < ss->n ? &p[i + 1] : NULL;
	}
	st = srtp_create(&s, p);
	if (st) {
		iop_report(__FILE__, __LINE__, "srtp_create(%u streams) = %d", ss->n, (int)st);
		return NULL;
	}
	return s;
}

/* One ksrtp session holding every stream in direction dir. */
static inline ksrtp_session *iop_ksrtp_streams(const struct iop_streams *ss,
					       enum ksrtp_direction dir)
{
	ksrtp_session *s = iop_ksrtp_session();
	struct ksrtp_policy p;
	unsigned int i;
	int err;

	for (i = 0; s && i < ss->n; i++) {
		iop_ksrtp_policy(ss->pr[i], &ss->keys[i], dir, ss->ssrc[i], &p);
		err = ksrtp_add_stream(s, &p);
		if (err) {
			iop_report(__FILE__, __LINE__, "ksrtp_add_stream(%u): %s", i,
				   ksrtp_strerror(err));
			ksrtp_session_free(s);
			s = NULL;
		}
	}
	return s;
}

/* ---- packet generators ---- */

static inline unsigned int iop_rand_below(unsigned long long *rng, unsigned int n)
{
	return (unsigned int)((test_rand(rng) >> 33) % n);
}

static inline void iop_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void iop_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline uint32_t iop_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Layout of a generated RTP packet. */
struct iop_rtp {
	size_t len;		/* whole packet */
	size_t hdr_len;		/* fixed header + CSRC list + extension */
	size_t ext_data;	/* offset of the extension elements (0: no extension) */
	size_t pad;		/* RTP padding octets, count octet included (0: P clear) */
	unsigned int cc;
	int ext;		/* 0 none, 1 one-byte (0xBEDE), 2 two-byte (0x100x) */
};

/*
 * RFC 8285 section 4.2: one-byte elements, 4-bit ID 1..14 and 4-bit
 * length - 1, zero padding to a 32-bit boundary. Returns the octets written.
 */
static inline size_t iop_ext_one_byte(unsigned long long *rng, uint8_t *p)
{
	unsigned int n = iop_rand_below(rng, 5), i;
	size_t off = 0;

	for (i = 0; i < n; i++) {
		unsigned int id = 1 + iop_rand_below(rng, 14), l = iop_rand_below(rng, 16);

		p[off++] = (uint8_t)(id << 4 | l);
		iop_fill(rng, p + off, l + 1);
		off += l + 1;
		if (iop_rand_below(rng, 4) == 0)
			p[off++] = 0; /* padding between elements is allowed */
	}
	while (off % 4)
		p[off++] = 0;
	return off;
}

/* RFC 8285 section 4.3: two-byte elements, 8-bit ID 1..255, 8-bit length (0 allowed). */
static inline size_t iop_ext_two_byte(unsigned long long *rng, uint8_t *p)
{
	unsigned int n = iop_rand_below(rng, 5), i;
	size_t off = 0;

	for (i = 0; i < n; i++) {
		unsigned int id = 1 + iop_rand_below(rng, 255), l = iop_rand_below(rng, 24);

		p[off++] = (uint8_t)id;
		p[off++] = (uint8_t)l;
		iop_fill(rng, p + off, l);
		off += l;
	}
	while (off % 4)
		p[off++] = 0;
	return off;
}

/*
 * A random valid RTP packet (RFC 3550 section 5.1) for ssrc and seq: 0..15
 * CSRCs, no / one-byte / two-byte header extension, 0..IOP_MAX_PAYLOAD
 * payload octets (one in 16 empty), a quarter of the non-empty ones with
 * the P bit and valid padding (the last octet counts the padding octets,
 * itself included).
 */
static inline void iop_gen_rtp(unsigned long long *rng, uint8_t *buf, uint32_t ssrc, uint16_t seq,
			       struct iop_rtp *r)
{
	size_t off, payload, i;

	memset(r, 0, sizeof(*r));
	r->cc = iop_rand_below(rng, 16);
	r->ext = (int)iop_rand_below(rng, 3);
	/* Uniform would almost never give the edge cases: empty and tiny payloads. */
	switch (iop_rand_below(rng, 16)) {
	case 0:
		payload = 0;
		break;
	case 1:
	case 2:
		payload = 1 + iop_rand_below(rng, 32);
		break;
	default:
		payload = iop_rand_below(rng, IOP_MAX_PAYLOAD + 1);
		break;
	}
	if (payload && iop_rand_below(rng, 4) == 0) {
		r->pad = 1 + iop_rand_below(rng, payload < 255 ? (unsigned int)payload : 255);
	}
	buf[0] = (uint8_t)(0x80 | (r->pad ? 0x20 : 0) | (r->ext ? 0x10 : 0) | r->cc);
	buf[1] = (uint8_t)((iop_rand_below(rng, 2) << 7) | (96 + iop_rand_below(rng, 32)));
	iop_put16(buf + 2, seq);
	iop_put32(buf + 4, (uint32_t)test_rand(rng));
	iop_put32(buf + 8, ssrc);
	off = 12;
	for (i = 0; i < r->cc; i++, off += 4)
		iop_put32(buf + off, (uint32_t)test_rand(rng));
	if (r->ext) {
		size_t n;

		r->ext_data = off + 4;
		if (r->ext == 1) {
			iop_put16(buf + off, 0xBEDE);
			n = iop_ext_one_byte(rng, buf + off + 4);
		} else {
			/* 0x100 and 4 "appbits" (RFC 8285 section 4.3). */
			iop_put16(buf + off, (uint16_t)(0x1000 | iop_rand_below(rng, 16)));
			n = iop_ext_two_byte(rng, buf + off + 4);
		}
		iop_put16(buf + off + 2, (uint16_t)(n / 4));
		off += 4 + n;
	}
	r->hdr_len = off;
	iop_fill(rng, buf + off, payload);
	if (r->pad) {
		memset(buf + off + payload - r->pad, 0, r->pad - 1);
		buf[off + payload - 1] = (uint8_t)r->pad;
	}
	r->len = off + payload;
}

/* A packet as sent (plain) and as it went over the wire (sealed). */
struct iop_pkt {
	uint8_t plain[IOP_BUF];
	uint8_t wire[IOP_BUF];
	size_t plain_len;
	size_t wire_len;
	struct iop_rtp r;	/* RTP layout (RTP packets only) */
};

static inline struct iop_pkt *iop_pkts(unsigned int n)
{
	struct iop_pkt *p = calloc(n, sizeof(*p));

	if (!p) {
		fprintf(stderr, "out of memory\n");
		exit(T_FAIL);
	}
	return p;
}

/* Start an RTCP packet (RFC 3550 section 6.4): V=2, count, type, length later. */
static inline void iop_rtcp_hdr(uint8_t *p, unsigned int count, uint8_t type)
{
	p[0] = (uint8_t)(0x80 | count);
	p[1] = type;
}

static inline void iop_rtcp_len(uint8_t *p, size_t octets)
{
	iop_put16(p + 2, (uint16_t)(octets / 4 - 1)); /* 32-bit words minus one */
}

/*
 * A random valid compound RTCP packet (RFC 3550 section 6.1): an SR or RR
 * from ssrc with 0..3 report blocks first, then 0..3 of SDES, BYE, APP, RR.
 * An RR with no blocks and nothing after it is just the 8-octet header,
 * an empty SRTCP payload. Returns the length.
 */
static inline size_t iop_gen_rtcp(unsigned long long *rng, uint8_t *buf, uint32_t ssrc)
{
	unsigned int rc = iop_rand_below(rng, 4), more = iop_rand_below(rng, 4), i;
	size_t off = 0, start;
	bool sr = iop_rand_below(rng, 2);

	iop_rtcp_hdr(buf, rc, sr ? 200 : 201);
	iop_put32(buf + 4, ssrc);
	off = 8;
	if (sr) {
		iop_fill(rng, buf + off, 20); /* NTP, RTP timestamps, counts */
		off += 20;
	}
	iop_fill(rng, buf + off, 24 * rc);
	off += 24 * rc;
	iop_rtcp_len(buf, off);
	for (i = 0; i < more; i++) {
		unsigned int kind = iop_rand_below(rng, 4), n;

		start = off;
		switch (kind) {
		case 0: /* SDES, one chunk with a CNAME (section 6.5) */
			iop_rtcp_hdr(buf + off, 1, 202);
			iop_put32(buf + off + 4, ssrc);
			off += 8;
			n = 1 + iop_rand_below(rng, 40);
			buf[off++] = 1;
			buf[off++] = (uint8_t)n;
			iop_fill(rng, buf + off, n);
			off += n;
			buf[off++] = 0; /* end of list, then pad to 32 bits */
			while ((off - start) % 4)
				buf[off++] = 0;
			break;
		case 1: /* BYE (section 6.6) with an optional reason */
			iop_rtcp_hdr(buf + off, 1, 203);
			iop_put32(buf + off + 4, ssrc);
			off += 8;
			n = iop_rand_below(rng, 20);
			if (n) {
				buf[off++] = (uint8_t)n;
				iop_fill(rng, buf + off, n);
				off += n;
				while ((off - start) % 4)
					buf[off++] = 0;
			}
			break;
		case 2: /* APP (section 6.7) */
			iop_rtcp_hdr(buf + off, iop_rand_below(rng, 32), 204);
			iop_put32(buf + off + 4, ssrc);
			memcpy(buf + off + 8, "ksrt", 4);
			off += 12;
			n = 4 * iop_rand_below(rng, 16);
			iop_fill(rng, buf + off, n);
			off += n;
			break;
		default: /* another RR */
			n = iop_rand_below(rng, 3);
			iop_rtcp_hdr(buf + off, n, 201);
			iop_put32(buf + off + 4, ssrc);
			off += 8;
			iop_fill(rng, buf + off, 24 * n);
			off += 24 * n;
			break;
		}
		iop_rtcp_len(buf + start, off - start);
	}
	return off;
}

/*
 * A delivery order for n packets: in order, except that about one in eight
 * neighbours swap places, as on a network that reorders a little. The
 * receivers must accept this (RFC 3711 section 3.3.2: a packet inside the
 * window that was not seen yet is fine).
 */
static inline void iop_reorder(unsigned long long *rng, unsigned int *order, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		order[i] = i;
	for (i = 0; i + 1 < n; i++) {
		if (iop_rand_below(rng, 8) == 0) {
			unsigned int t = order[i];

			order[i] = order[i + 1];
			order[i + 1] = t;
			i++;
		}
	}
}

/* ---- program setup ---- */

static inline int iop_init(const char *test, unsigned long long seed)
{
	srtp_err_status_t st;

	iop.test = test;
	iop.seed = seed;
	iop.iter = -1;
	st = srtp_init();
	if (st) {
		fprintf(stderr, "%s: srtp_init = %d\n", test, (int)st);
		return -1;
	}
	return 0;
}

static inline int iop_finish(void)
{
	srtp_shutdown();
	printf("%s: %s (%d failures)\n", iop.test, test_failures ? "FAIL" : "ok", test_failures);
	return test_result();
}

/*
 * The main() of a per-profile interop test: run(pr, &rng, pk) once for each
 * profile the engine under test carries, in order, with one random stream
 * from seed; pk is a scratch array of npkt packets shared by the runs (NULL
 * when npkt is 0).
 */
typedef void (*iop_run_fn)(const struct test_profile *pr, unsigned long long *rng,
			   struct iop_pkt *pk);

static inline int iop_main(const char *test, unsigned long long seed, unsigned int npkt,
			   iop_run_fn run)
{
	unsigned long long rng = seed;
	struct iop_pkt *pk;
	size_t i;

	if (iop_init(test, seed))
		return T_FAIL;
	pk = npkt ? iop_pkts(npkt) : NULL;
	for (i = 0; i < TEST_NPROFILES; i++) {
		iop.profile = test_profiles[i].name;
		if (iop_applies(&test_profiles[i], false))
			run(&test_profiles[i], &rng, pk);
	}
	free(pk);
	return iop_finish();
}

#endif /* KSRTP_TESTS_INTEROP_H */
