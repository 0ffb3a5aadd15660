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
	 * other packets are opened as plain RFC 3711/7714 SRTP. Without this
	 * flag a 0xC0DE/0xC2DE packet is KSRTP_EMALFORMED in both directions:
	 * its header cannot mean what it says.
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
};

/* One packet of a batch: data[0..len) in, sealed or opened in place. */
struct ksrtp_pkt {
	uint8_t *data;
	uint32_t len;
	uint32_t cap;	/* protect: room at data, >= len + KSRTP_MAX_TRAILER */
	int32_t status; /* out: 0 or a KSRTP_E* code */
};

/* Per-stream counters (ksrtp_stream_stats). */
struct ksrtp_stats {
	uint64_t packets;	 /* sealed or opened */
	uint64_t bytes;		 /* payload bytes sealed or opened */
	uint64_t auth_failures;
	uint64_t replays;
	uint64_t malformed;	 /* packets for this stream that did not parse */
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
 * are invalid (s or v NULL).
 */
KSRTP_API int ksrtp_protect_batch(ksrtp_session *s, struct ksrtp_pkt *v, unsigned int n);
KSRTP_API int ksrtp_unprotect_batch(ksrtp_session *s, struct ksrtp_pkt *v, unsigned int n);

/* "KSRTP_EAUTH: authentication failed", ... for every code. */
KSRTP_API const char *ksrtp_strerror(int err);

#ifdef __cplusplus
}
#endif

#endif /* KSRTP_KSRTP_H */
