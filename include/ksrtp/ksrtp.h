/* SPDX-License-Identifier: MIT */
/*
 * ksrtp.h - SRTP/SRTCP sealing for call servers.
 *
 * A session holds SRTP streams, each keyed by SSRC and direction. Outbound
 * streams are sealed with ksrtp_protect*(), inbound streams are opened with
 * ksrtp_unprotect*(). Packets are processed in place: protect appends at most
 * KSRTP_MAX_TRAILER bytes, unprotect shrinks the packet.
 *
 * Profiles (wire format identical to libsrtp2):
 *   KSRTP_AEAD_AES_128_GCM, KSRTP_AEAD_AES_256_GCM      RFC 7714
 *   KSRTP_AES_CM_128_HMAC_SHA1_80, _32                  RFC 3711, RFC 5764
 * Session keys are derived from the master key and salt with the RFC 3711
 * section 4.3 KDF (key derivation rate 0).
 *
 * A session is not thread safe: use one per thread, or serialize calls.
 * Every call returns 0 (or a count) on success and a negative KSRTP_E* code on
 * failure; a failed call leaves the stream state and the packet unchanged.
 */
#ifndef KSRTP_KSRTP_H
#define KSRTP_KSRTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define KSRTP_API __attribute__((visibility("default")))
#else
#define KSRTP_API
#endif

/*
 * The version this header belongs to (semantic versioning: a new minor
 * adds, never changes). ksrtp_version() says which library is linked, which
 * with the shared library may be a newer one than the program was built with.
 */
#define KSRTP_VERSION_MAJOR 0
#define KSRTP_VERSION_MINOR 1
#define KSRTP_VERSION_PATCH 0

/* "MAJOR.MINOR.PATCH" of the library linked. */
KSRTP_API const char *ksrtp_version(void);

/*
 * Largest number of bytes ksrtp_protect*() may append (SRTCP GCM: tag +
 * index; SRTP GCM with KSRTP_CRYPTEX adding an empty extension block: 4 + tag).
 */
#define KSRTP_MAX_TRAILER 20

/* Replay window bounds, in packets (ksrtp_policy.replay_window). */
#define KSRTP_REPLAY_WINDOW_DEFAULT 1024
#define KSRTP_REPLAY_WINDOW_MIN 64
#define KSRTP_REPLAY_WINDOW_MAX 32768

enum ksrtp_error {
	KSRTP_OK = 0,
	KSRTP_EAUTH = -1,	 /* authentication tag mismatch */
	KSRTP_EREPLAY = -2,	 /* packet index already seen, or older than the window */
	KSRTP_EMALFORMED = -3,	 /* packet does not parse, or is too short */
	KSRTP_ENOSTREAM = -4,	 /* no stream for this SSRC in this direction */
	KSRTP_ENOSPACE = -5,	 /* cap too small for the sealed packet */
	KSRTP_EINVAL = -6,	 /* invalid argument (NULL, bad key length, ...) */
	KSRTP_ENOMEM = -7,	 /* out of memory */
	KSRTP_EUNSUPPORTED = -8, /* profile or feature not supported by the engine */
	KSRTP_EKERNEL = -9,	 /* the kernel engine failed or is unavailable */
	KSRTP_EEXIST = -10,	 /* a stream for this SSRC and direction exists */
	KSRTP_EINDEX = -11,	 /* index space exhausted (SRTP 2^48, SRTCP 2^31): rekey */
	KSRTP_ENOCRYPTEX = -12,	 /* KSRTP_REQUIRE_CRYPTEX: CSRCs or extensions not in cryptex form */
};

/*
 * Engines. USER seals in this process with Intel ipsec-mb, every profile and
 * feature. KERNEL hands each stream to ksrtp.ko as a security association:
 * the keys live in the kernel (the library wipes its copy of the master key
 * once the module has it), packets are copied into the module's packet
 * arena and sealed or opened there, one ioctl() or one io_uring URING_CMD
 * per call (a batch larger than the module's max_batch takes one per
 * max_batch packets).
 * The module does AEAD_AES_128_GCM and AEAD_AES_256_GCM only, without
 * any_ssrc templates and without KSRTP_ALLOW_REPEAT_TX (a GCM nonce used
 * twice is exactly what kernel custody of the keys is meant to rule out);
 * a packet must fit an arena slot sealed (RTP and RTCP: at most 2028 bytes
 * before sealing, 2048 sealed; larger ones get KSRTP_ENOSPACE).
 *
 * AUTO picks KERNEL when /dev/ksrtp opens, its ABI version matches and the
 * configured transport works, else USER; ksrtp_session_engine() says which.
 * An AUTO session on the kernel falls back per stream: a stream the module
 * cannot carry (an AES-CM profile, any_ssrc, KSRTP_ALLOW_REPEAT_TX, or the
 * module's max_sas reached) runs on the user engine inside the same session,
 * so an SFU can hand every peer's policy to one session whatever it
 * negotiated; ksrtp_stream_engine() tells where a stream runs. A session
 * created with KSRTP_ENGINE_KERNEL never falls back: such streams are
 * refused with KSRTP_EUNSUPPORTED, because the caller asked for keys in
 * kernel custody.
 */
enum ksrtp_engine {
	KSRTP_ENGINE_AUTO,   /* kernel if /dev/ksrtp is usable, else user */
	KSRTP_ENGINE_USER,   /* userspace, Intel ipsec-mb */
	KSRTP_ENGINE_KERNEL, /* ksrtp.ko through /dev/ksrtp */
};

/* How the kernel engine talks to ksrtp.ko (ksrtp_config.kernel_transport). */
enum ksrtp_kernel_transport {
	KSRTP_KERNEL_IOCTL = 0, /* one ioctl(KSRTP_IOC_SEAL/OPEN) per batch (default) */
	KSRTP_KERNEL_URING,	/* one io_uring IORING_OP_URING_CMD per batch, on a
				 * small ring of the session's own */
};

enum ksrtp_profile {
	KSRTP_AEAD_AES_128_GCM = 1,
	KSRTP_AEAD_AES_256_GCM,
	KSRTP_AES_CM_128_HMAC_SHA1_80,
	KSRTP_AES_CM_128_HMAC_SHA1_32,
};

enum ksrtp_direction {
	KSRTP_OUTBOUND = 1,
	KSRTP_INBOUND,
};

/* ksrtp_policy.flags */
enum ksrtp_policy_flags {
	/*
	 * SRTCP is authenticated but not encrypted (E flag 0, RFC 3711 section
	 * 3.4, RFC 7714 section 9.3). Inbound packets whose E flag differs
	 * from the policy are rejected as KSRTP_EMALFORMED.
	 */
	KSRTP_RTCP_UNENCRYPTED = 1u << 0,
	/*
	 * Outbound: allow sending an RTP packet index again (retransmission of
	 * the identical packet, as libsrtp's allow_repeat_tx). Without it a
	 * repeated index is refused with KSRTP_EREPLAY, because sealing two
	 * different payloads under one GCM nonce breaks the cipher.
	 */
	KSRTP_ALLOW_REPEAT_TX = 1u << 1,
	/*
	 * Cryptex (RFC 9335): CSRCs and RFC 8285 header extensions are
	 * encrypted along with the payload. Outbound, a packet with CSRCs or
	 * an extension goes out with its extension profile 0xBEDE turned into
	 * 0xC0DE and 0x100x into 0xC2DE (the two-byte form's appbits are not
	 * kept); a packet with CSRCs and no extension gets an empty 0xC0DE
	 * block (4 bytes more, within KSRTP_MAX_TRAILER). A packet with
	 * neither is sent as it is, and an extension of any other profile
	 * (or one already 0xC0DE/0xC2DE) is KSRTP_EMALFORMED. Inbound, a
	 * 0xC0DE/0xC2DE packet is decrypted as cryptex and handed back with
	 * 0xBEDE/0x1000 (an empty block added by the sender stays, empty);
	 * other packets are opened as plain RFC 3711/7714 SRTP. A stream
	 * without the flag looks at no extension profile and pays nothing:
	 * 0xC0DE/0xC2DE is an extension like another there, so a cryptex
	 * packet from a peer that did not negotiate it fails authentication
	 * under GCM and, under AES-CM, opens with its header and payload still
	 * scrambled.
	 */
	KSRTP_CRYPTEX = 1u << 2,
	/*
	 * Inbound, with KSRTP_CRYPTEX: a packet with CSRCs or a header
	 * extension that is not in cryptex form is refused with
	 * KSRTP_ENOCRYPTEX before anything else is done with it (counted in
	 * ksrtp_stats.no_cryptex). A packet with neither has nothing to hide
	 * and is accepted, as a cryptex sender sends it unchanged (RFC 9335
	 * section 5.1).
	 */
	KSRTP_REQUIRE_CRYPTEX = 1u << 3,
	/*
	 * Inbound: once a packet has authenticated and is decrypted, remove
	 * its RTP padding (RFC 3550 section 5.1: P bit set, the last octet
	 * counts the padding octets, itself included) and clear the P bit. A
	 * count of 0 or one running past the payload is KSRTP_EMALFORMED
	 * (malformed_by[KSRTP_MALFORMED_PADDING]) with the packet handed back
	 * as received. The user engine reads the count before it commits the
	 * index (AES-CM: from one keystream block), so the stream is left as
	 * it was; on the kernel engine the module has opened the packet and
	 * committed its index before the library can read the count, so there
	 * it also counts as opened and a copy of it is a replay. RTP only;
	 * SRTCP is left as it is.
	 */
	KSRTP_STRIP_PADDING = 1u << 8,
};

/*
 * Outbound size padding (ksrtp_policy.pad_policy, pad_size), against the
 * traffic analysis that packet sizes allow (RFC 6562). It is RTP padding
 * (RFC 3550 section 5.1) added before sealing, so it is encrypted and any
 * standard receiver removes it. Sizes are of the RTP packet before sealing
 * (header, payload, padding); the wire adds the tag, a constant. The
 * padding count is one octet, so a packet grows by at most 255 octets.
 *
 *   TRAIN     every packet of a frame (a run of packets with the same RTP
 *             timestamp) is padded to the largest size the frame has had
 *             so far, so a frame shows its packet count, not its size. The
 *             library learns the train size from the frame's own packets
 *             (no lookahead, no policy field to keep in step with the
 *             encoder): packetizers send the full-size packets first and
 *             the short one last (include/ksrtp/media.h). A packet that
 *             would need more than 255 octets to reach it, and a frame's
 *             first packet, are rounded up to a multiple of pad_size
 *             instead (0: left as they are), which also hides the size of
 *             one-packet frames. Not with KSRTP_ALLOW_REPEAT_TX
 *             (KSRTP_EINVAL): a retransmission must be the identical
 *             plaintext, and the train it would meet has moved on.
 *   BUCKET    rounded up to a multiple of pad_size (2..256). The whole
 *             packet is rounded, not just the payload: header extensions
 *             vary in size too.
 *   CONSTANT  exactly pad_size octets (12..65515), e.g. constant-size
 *             audio. A packet longer than that, or more than 255 octets
 *             shorter, is refused with KSRTP_ENOSPACE rather than sent with
 *             a size of its own.
 *
 * A packet that already has padding keeps it: the new octets extend the
 * one padding block (RFC 3550 allows one), its count the sum; a padding
 * count that does not parse is KSRTP_EMALFORMED. When the padded packet
 * and the trailer do not fit cap (or the 255 octets), the call fails with
 * KSRTP_ENOSPACE and nothing changes.
 */
enum ksrtp_pad_policy {
	KSRTP_PAD_OFF = 0,
	KSRTP_PAD_TRAIN,
	KSRTP_PAD_BUCKET,
	KSRTP_PAD_CONSTANT,
};

/*
 * Session configuration. Zero-initialize it ({0} or memset): fields are only
 * ever added at the end, and 0 is always the default.
 */
struct ksrtp_config {
	enum ksrtp_engine engine;
	/*
	 * KERNEL and AUTO: the transport to ksrtp.ko. A value outside the
	 * enum makes KERNEL fail with KSRTP_EINVAL and AUTO use the user
	 * engine; the user engine ignores it.
	 */
	enum ksrtp_kernel_transport kernel_transport;
};

struct ksrtp_policy {
	enum ksrtp_profile profile;
	enum ksrtp_direction direction;
	uint32_t ssrc;
	bool any_ssrc;			/* a template: a stream per new SSRC, created
					 * on the first packet that authenticates */
	const uint8_t *key;
	size_t key_len;			/* master key: 16 or 32 bytes (by profile) */
	const uint8_t *salt;
	size_t salt_len;		/* master salt: 12 (GCM) or 14 (AES-CM) */
	uint32_t replay_window;		/* packets, 64..32768; 0 = default (1024) */
	uint32_t roc;			/* initial rollover counter */
	uint32_t flags;			/* enum ksrtp_policy_flags */
	uint8_t pad_policy;		/* outbound: enum ksrtp_pad_policy */
	uint16_t pad_size;		/* its size parameter, octets */
};

/* One packet of a batch: data[0..len) in, sealed or opened in place. */
struct ksrtp_pkt {
	uint8_t *data;
	uint32_t len;
	uint32_t cap;	/* protect: room at data, >= len + KSRTP_MAX_TRAILER */
	int32_t status; /* out: 0 or a KSRTP_E* code */
};

/*
 * Why a packet was refused with KSRTP_EMALFORMED: the index into
 * malformed_by[] of ksrtp_stats and ksrtp_session_stats. A new reason
 * takes the next number below KSRTP_MALFORMED_SLOTS, so the structs keep
 * their size.
 */
enum ksrtp_malformed_reason {
	KSRTP_MALFORMED_TOO_SHORT,	/* shorter than the fixed RTP (12) or RTCP (8) header */
	KSRTP_MALFORMED_VERSION,	/* version field not 2 */
	KSRTP_MALFORMED_CSRC,		/* the CSRC list runs past the end */
	KSRTP_MALFORMED_EXTENSION,	/* the header extension runs past the end */
	KSRTP_MALFORMED_NO_TAG,		/* SRTP: no room for the tag after the header */
	KSRTP_MALFORMED_RTCP_SHORT,	/* SRTCP: no room for the E + index word and the tag */
	KSRTP_MALFORMED_RTCP_E_FLAG,	/* SRTCP: E flag not the policy's */
	KSRTP_MALFORMED_PADDING,	/* KSRTP_STRIP_PADDING: count 0 or past the payload */
	KSRTP_MALFORMED_OVERSIZE,	/* longer than any UDP payload (65535 octets) */
	KSRTP_MALFORMED_OTHER,		/* anything else */
};
#define KSRTP_MALFORMED_SLOTS 16

/* Per-stream counters (ksrtp_stream_stats). */
struct ksrtp_stats {
	uint64_t packets;	 /* sealed or opened */
	uint64_t bytes;		 /* payload bytes sealed or opened */
	uint64_t auth_failures;
	uint64_t replays;
	uint64_t malformed;	 /* packets for this stream that did not parse */
	uint64_t no_cryptex;	 /* refused by KSRTP_REQUIRE_CRYPTEX */
	uint64_t malformed_by[KSRTP_MALFORMED_SLOTS]; /* malformed, by enum ksrtp_malformed_reason */
};

/*
 * Attack telemetry of a whole session (ksrtp_session_stats): what inbound
 * packets (ksrtp_unprotect*) were refused for, since the session was made,
 * streams removed since included. Packets that never reach a stream count
 * only here: those that do not parse far enough for their SSRC to be
 * trusted (too short, version, CSRC or extension overrun, oversize) and
 * those for an SSRC without a stream. The rest also count in their
 * stream's ksrtp_stats (where an any_ssrc template is still a template,
 * only here). A burst in any of them is someone probing: forged tags,
 * replays, fuzzed headers, SSRC scans.
 *
 * Counting costs nothing on the path of a good packet. A session is used
 * by one thread at a time (see above), so the user engine's counters are
 * plain integers; the module counts under each SA's lock.
 */
struct ksrtp_session_stats {
	uint64_t auth_failures;
	uint64_t replays;
	uint64_t malformed;
	uint64_t malformed_by[KSRTP_MALFORMED_SLOTS];
	uint64_t unknown_ssrc;	 /* no stream and no any_ssrc template for the SSRC */
	uint64_t no_cryptex;	 /* refused by KSRTP_REQUIRE_CRYPTEX */
};

typedef struct ksrtp_session ksrtp_session;

/*
 * Create a session. cfg may be NULL (engine AUTO, ioctl transport). On
 * failure returns NULL and stores the reason in *err when err is not NULL:
 * KSRTP_EKERNEL when KERNEL was asked for and /dev/ksrtp is missing, not
 * accessible, of another ABI version, or the transport does not work.
 */
KSRTP_API ksrtp_session *ksrtp_session_new(const struct ksrtp_config *cfg, int *err);

/* Free a session and all its streams; key material is zeroized first. */
KSRTP_API void ksrtp_session_free(ksrtp_session *s);

/* The engine a session runs on (never KSRTP_ENGINE_AUTO). */
KSRTP_API enum ksrtp_engine ksrtp_session_engine(const ksrtp_session *s);

/*
 * The engine that carries the stream for ssrc in direction dir (an
 * any_ssrc template covers every SSRC without a stream of its own):
 * KSRTP_ENGINE_USER or KSRTP_ENGINE_KERNEL, or KSRTP_ENOSTREAM /
 * KSRTP_EINVAL. Only an AUTO session on the kernel can have both.
 */
KSRTP_API int ksrtp_stream_engine(const ksrtp_session *s, uint32_t ssrc,
				  enum ksrtp_direction dir);

/*
 * Add a stream (or, with any_ssrc, a template for one direction). The master
 * key and salt are copied, the session keys derived, the copies wiped (on
 * the kernel engine the module derives them and the library keeps nothing).
 * Errors: KSRTP_EINVAL (lengths, profile, direction, window), KSRTP_EEXIST;
 * on a KERNEL session also KSRTP_EUNSUPPORTED (see enum ksrtp_engine),
 * KSRTP_ENOMEM (out of memory, or the module's max_sas reached) and
 * KSRTP_EKERNEL.
 */
KSRTP_API int ksrtp_add_stream(ksrtp_session *s, const struct ksrtp_policy *p);

/* Remove the stream for ssrc in direction dir; its keys are zeroized. */
KSRTP_API int ksrtp_remove_stream(ksrtp_session *s, uint32_t ssrc, enum ksrtp_direction dir);

/* Counters of one stream. */
KSRTP_API int ksrtp_stream_stats(const ksrtp_session *s, uint32_t ssrc, enum ksrtp_direction dir,
		       struct ksrtp_stats *out);

/*
 * The session's attack telemetry (struct ksrtp_session_stats). On the
 * kernel engine the module's verdicts are counted as the library reads
 * them back, the library's own checks where it makes them.
 */
KSRTP_API int ksrtp_session_stats(const ksrtp_session *s, struct ksrtp_session_stats *out);

/*
 * Seal the RTP packet pkt[0..*len) in place; cap is the room at pkt and
 * must be >= *len + KSRTP_MAX_TRAILER. On success *len grows by the tag.
 */
KSRTP_API int ksrtp_protect(ksrtp_session *s, uint8_t *pkt, size_t *len, size_t cap);

/*
 * Open the SRTP packet pkt[0..*len) in place. On success *len shrinks by the
 * tag and pkt holds the RTP packet; on any failure pkt is left as it was.
 */
KSRTP_API int ksrtp_unprotect(ksrtp_session *s, uint8_t *pkt, size_t *len);

/* The same for (compound) RTCP packets, keyed by the first packet's SSRC. */
KSRTP_API int ksrtp_protect_rtcp(ksrtp_session *s, uint8_t *pkt, size_t *len, size_t cap);
KSRTP_API int ksrtp_unprotect_rtcp(ksrtp_session *s, uint8_t *pkt, size_t *len);

/*
 * Seal or open n packets in one call. Each v[i].status says how packet i
 * fared; one bad packet never affects another. Returns the number of
 * packets that succeeded, or a negative code when the arguments themselves
 * are invalid (s or v NULL) or the batch cannot run at all (KSRTP_ENOMEM:
 * no crypto context for this thread), in which case every status is that
 * code too.
 */
KSRTP_API int ksrtp_protect_batch(ksrtp_session *s, struct ksrtp_pkt *v, unsigned int n);
KSRTP_API int ksrtp_unprotect_batch(ksrtp_session *s, struct ksrtp_pkt *v, unsigned int n);

/* "KSRTP_EAUTH: authentication failed", ... for every code. */
KSRTP_API const char *ksrtp_strerror(int err);

#ifdef __cplusplus
}
#endif

#endif /* KSRTP_KSRTP_H */
