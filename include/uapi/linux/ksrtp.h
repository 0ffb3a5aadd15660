/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR MIT) */
/*
 * ksrtp.h - the ABI between ksrtp.ko (/dev/ksrtp) and userspace.
 *
 * Every open() of /dev/ksrtp is its own namespace of security associations
 * (SAs): an SA id is only meaningful on the file that created it. Packets
 * live in an arena mmap()ed from the same file: KSRTP_SLOT_SIZE-byte slots,
 * slot i at offset i * KSRTP_SLOT_SIZE, so no packet crosses a page. SEAL and
 * OPEN work in place on a batch of descriptors, through ioctl() or through
 * io_uring (IORING_OP_URING_CMD, cmd_op = KSRTP_IOC_SEAL or KSRTP_IOC_OPEN,
 * struct ksrtp_batch as the 16-byte command payload at sqe->addr3).
 *
 * Rules of the ABI: fixed-width types only, explicit padding, pointers as
 * __u64; every reserved field and every unknown flag bit must be 0 or the
 * call fails with EINVAL. The layout is frozen for KSRTP_ABI_VERSION; a
 * change bumps it.
 *
 * Wire format and semantics are those of libksrtp: SRTP and SRTCP with
 * AEAD_AES_128_GCM and AEAD_AES_256_GCM (RFC 7714), RFC 3711 key derivation
 * (rate 0), RFC 3711 Appendix A index estimation, sliding replay window,
 * and per SA the RFC 9335 cryptex header encryption.
 */
#ifndef _UAPI_LINUX_KSRTP_H
#define _UAPI_LINUX_KSRTP_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* 2: ksrtp_sa_stats.malformed_by; 3: KSRTP_SA_CRYPTEX, ksrtp_sa_stats.no_cryptex */
#define KSRTP_ABI_VERSION	3
#define KSRTP_DEVICE_NAME	"ksrtp"

/* The packet arena: fixed slots, page aligned. */
#define KSRTP_SLOT_SIZE		2048u
/* SEAL needs len <= KSRTP_SLOT_SIZE - KSRTP_SEAL_TRAILER (tag, SRTCP index). */
#define KSRTP_SEAL_TRAILER	20u
#define KSRTP_GCM_TAG_LEN	16u

/* Profiles (ksrtp_sa_add.profile, bits of ksrtp_info.profiles). */
#define KSRTP_PROF_AEAD_AES_128_GCM	1
#define KSRTP_PROF_AEAD_AES_256_GCM	2

/* Directions (ksrtp_sa_add.direction). */
#define KSRTP_DIR_OUTBOUND	1	/* SEAL */
#define KSRTP_DIR_INBOUND	2	/* OPEN */

/*
 * ksrtp_sa_add.flags. Same bit as libksrtp's KSRTP_RTCP_UNENCRYPTED: SRTCP
 * is authenticated only (E = 0, RFC 7714 section 9.3); inbound packets
 * whose E flag differs get KSRTP_ST_MALFORMED. libksrtp's
 * KSRTP_ALLOW_REPEAT_TX (bit 1) is refused with EOPNOTSUPP: sealing two
 * payloads under one GCM nonce would let the file holder forge packets, and
 * keys in kernel custody exist to prevent exactly that.
 */
#define KSRTP_SA_RTCP_UNENCRYPTED	(1u << 0)
/*
 * key and salt are session keys, used as they are for SRTP and SRTCP: the
 * KDF is skipped (RFC 7714's known-answer vectors; keys derived elsewhere).
 */
#define KSRTP_SA_SESSION_KEYS		(1u << 16)
/*
 * RFC 9335 cryptex, the same bits as libksrtp's KSRTP_CRYPTEX and
 * KSRTP_REQUIRE_CRYPTEX. CRYPTEX: CSRCs and RFC 8285 header extensions are
 * sealed with the payload. SEAL turns 0xBEDE into 0xC0DE and 0x100x into
 * 0xC2DE, and gives CSRCs without an extension an empty 0xC0DE block (4
 * bytes, within KSRTP_SEAL_TRAILER); an extension of another profile, or
 * one already 0xC0DE/0xC2DE, is KSRTP_ST_MALFORMED. OPEN decrypts
 * 0xC0DE/0xC2DE packets and hands them back as 0xBEDE/0x1000, and opens
 * others as plain SRTP. An SA without CRYPTEX looks at no extension
 * profile (cryptex costs it nothing). REQUIRE_CRYPTEX (inbound SAs with CRYPTEX, else
 * EINVAL): CSRCs or an extension in the clear get KSRTP_ST_NOCRYPTEX
 * before anything else is done (ksrtp_sa_stats.no_cryptex).
 */
#define KSRTP_SA_CRYPTEX		(1u << 2)
#define KSRTP_SA_REQUIRE_CRYPTEX	(1u << 3)
#define KSRTP_SA_FLAGS			(KSRTP_SA_RTCP_UNENCRYPTED | KSRTP_SA_SESSION_KEYS | \
					 KSRTP_SA_CRYPTEX | KSRTP_SA_REQUIRE_CRYPTEX)

/* Replay window, packets (ksrtp_sa_add.replay_window; 0 = default). */
#define KSRTP_WINDOW_DEFAULT	1024
#define KSRTP_WINDOW_MIN	64
#define KSRTP_WINDOW_MAX	32768

/*
 * Per-descriptor status: 0 or a negative code, the same numbers as
 * libksrtp's KSRTP_E* (include/ksrtp/ksrtp.h).
 */
#define KSRTP_ST_OK		0
#define KSRTP_ST_AUTH		(-1)	/* tag mismatch */
#define KSRTP_ST_REPLAY		(-2)	/* index seen, or older than the window */
#define KSRTP_ST_MALFORMED	(-3)	/* header does not parse, or too short */
#define KSRTP_ST_NOSTREAM	(-4)	/* no such SA on this file, wrong direction, SSRC */
#define KSRTP_ST_NOSPACE	(-5)	/* SEAL: len > KSRTP_SLOT_SIZE - trailer */
#define KSRTP_ST_INVAL		(-6)	/* slot out of range, len > slot, slot twice */
#define KSRTP_ST_NOMEM		(-7)
#define KSRTP_ST_KERNEL		(-9)	/* the crypto driver failed */
#define KSRTP_ST_INDEX		(-11)	/* index space exhausted: rekey */
#define KSRTP_ST_NOCRYPTEX	(-12)	/* OPEN: KSRTP_SA_REQUIRE_CRYPTEX, not cryptex */

/* KSRTP_IOC_INFO */
#define KSRTP_INFO_DRIVER_ASYNC	(1u << 0)	/* gcm(aes) driver is flagged async */
#define KSRTP_INFO_CRYPTEX	(1u << 1)	/* SA_ADD takes KSRTP_SA_CRYPTEX */
#define KSRTP_DRIVER_NAME_LEN	64

struct ksrtp_info {
	__u32 abi_version;	/* KSRTP_ABI_VERSION */
	__u32 flags;		/* KSRTP_INFO_* */
	__u32 profiles;		/* bit (1 << KSRTP_PROF_*) per supported profile */
	__u32 slot_size;	/* KSRTP_SLOT_SIZE */
	__u32 max_slots;	/* arena limit per file, slots */
	__u32 max_batch;	/* descriptors per SEAL/OPEN */
	__u32 max_sas;		/* SAs per file */
	__u32 seal_trailer;	/* KSRTP_SEAL_TRAILER */
	char driver[KSRTP_DRIVER_NAME_LEN];	/* gcm(aes) driver, NUL-terminated */
	__u64 reserved[4];	/* out: 0 */
};

/* KSRTP_IOC_SA_ADD: master key and salt in, SA id out. */
struct ksrtp_sa_add {
	__u32 profile;		/* KSRTP_PROF_* */
	__u32 direction;	/* KSRTP_DIR_* */
	__u32 ssrc;
	__u32 flags;		/* KSRTP_SA_* */
	__u32 replay_window;	/* packets, KSRTP_WINDOW_MIN..MAX; 0 = default */
	__u32 roc;		/* initial rollover counter */
	__u32 key_len;		/* 16 (128) or 32 (256) */
	__u32 salt_len;		/* 12 */
	__u8 key[32];		/* master key; wiped by the kernel after use */
	__u8 salt[16];		/* master salt */
	__u32 sa_id;		/* out: nonzero; must be 0 in */
	__u32 rtcp_index;	/* outbound: last SRTCP index sent (0: the next is 1) */
	__u64 reserved[2];	/* must be 0 */
};

/* KSRTP_IOC_SA_DEL */
struct ksrtp_sa_del {
	__u32 sa_id;
	__u32 reserved;		/* must be 0 */
};

/*
 * Why OPEN gave a packet KSRTP_ST_MALFORMED: the index into
 * ksrtp_sa_stats.malformed_by[], the same numbers as libksrtp's enum
 * ksrtp_malformed_reason (which also has reasons only the library sees).
 */
#define KSRTP_MAL_TOO_SHORT	0	/* shorter than the fixed RTP or RTCP header */
#define KSRTP_MAL_VERSION	1	/* version not 2 */
#define KSRTP_MAL_CSRC		2	/* CSRC list past the end */
#define KSRTP_MAL_EXTENSION	3	/* header extension past the end */
#define KSRTP_MAL_NO_TAG	4	/* SRTP: no room for the tag */
#define KSRTP_MAL_RTCP_SHORT	5	/* SRTCP: no room for tag and E + index */
#define KSRTP_MAL_RTCP_E_FLAG	6	/* SRTCP: E flag not the SA's */
#define KSRTP_SA_MALFORMED_SLOTS 16

/* KSRTP_IOC_SA_STATS */
struct ksrtp_sa_stats {
	__u32 sa_id;		/* in */
	__u32 reserved0;	/* must be 0 */
	__u64 packets;		/* out: sealed or opened */
	__u64 bytes;		/* out: payload bytes */
	__u64 auth_failures;
	__u64 replays;
	__u64 malformed;
	__u64 reserved[2];	/* out: 0 */
	/* ABI 2: malformed by KSRTP_MAL_*; they add up to malformed */
	__u64 malformed_by[KSRTP_SA_MALFORMED_SLOTS];
	/* ABI 3: OPEN refused by KSRTP_SA_REQUIRE_CRYPTEX */
	__u64 no_cryptex;
};

/*
 * One packet of a batch. The packet is arena slot `slot`, bytes [0, len).
 * On return len is the sealed or opened length and status the outcome;
 * sa and slot are written back as read.
 */
struct ksrtp_desc {
	__u32 sa;
	__u32 slot;
	__u32 len;
	__s32 status;		/* out: KSRTP_ST_* */
};

/* ksrtp_batch.flags */
#define KSRTP_BATCH_RTCP	(1u << 0)	/* packets are (S)RTCP, not (S)RTP */
/*
 * The batch succeeds whole or the call fails: when any descriptor's status
 * is not KSRTP_ST_OK the call returns -EBADMSG (the descriptors, statuses
 * included, are still written back). A SEAL linked (IOSQE_IO_LINK) to the
 * send of its slots then has the send cancelled (-ECANCELED): no slot whose
 * packet failed to seal, plaintext, goes out with the others. Modules
 * before this flag refuse it (EINVAL): an empty batch with it probes.
 */
#define KSRTP_BATCH_ALL_OR_NOTHING	(1u << 1)
#define KSRTP_BATCH_FLAGS	(KSRTP_BATCH_RTCP | KSRTP_BATCH_ALL_OR_NOTHING)

/*
 * KSRTP_IOC_SEAL / KSRTP_IOC_OPEN argument, and the URING_CMD payload (16
 * bytes, fits a normal SQE). The call returns the number of descriptors
 * whose status is KSRTP_ST_OK (the CQE's res for URING_CMD), or -errno when
 * the batch itself is invalid: EINVAL (flags, count > max_batch), EFAULT
 * (descs), ENXIO (no arena mmap()ed yet); or EBADMSG, see
 * KSRTP_BATCH_ALL_OR_NOTHING.
 *
 * ioctl() returns when the batch is done. A URING_CMD batch is
 * asynchronous: its CQE is posted once every packet has completed, and
 * only then are the descriptors (and the slots) the batch's results;
 * descs must stay valid until the CQE. Several URING_CMD batches may be in
 * flight on one file, up to the module parameter max_inflight (default
 * 16); beyond that the CQE's res is -EAGAIN: submit again once some have
 * completed. A slot that another batch in flight on the file is working
 * on gets KSRTP_ST_INVAL, as a slot named twice in one batch does.
 */
struct ksrtp_batch {
	__u64 descs;		/* struct ksrtp_desc[count], user pointer */
	__u32 count;		/* 0 is a no-op returning 0 */
	__u32 flags;		/* KSRTP_BATCH_* */
};

#define KSRTP_IOC_MAGIC		0xb7
#define KSRTP_IOC_INFO		_IOR(KSRTP_IOC_MAGIC, 0x00, struct ksrtp_info)
#define KSRTP_IOC_SA_ADD	_IOWR(KSRTP_IOC_MAGIC, 0x01, struct ksrtp_sa_add)
#define KSRTP_IOC_SA_DEL	_IOW(KSRTP_IOC_MAGIC, 0x02, struct ksrtp_sa_del)
#define KSRTP_IOC_SA_STATS	_IOWR(KSRTP_IOC_MAGIC, 0x03, struct ksrtp_sa_stats)
#define KSRTP_IOC_SEAL		_IOW(KSRTP_IOC_MAGIC, 0x04, struct ksrtp_batch)
#define KSRTP_IOC_OPEN		_IOW(KSRTP_IOC_MAGIC, 0x05, struct ksrtp_batch)

#endif /* _UAPI_LINUX_KSRTP_H */
