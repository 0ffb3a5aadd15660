// SPDX-License-Identifier: MIT
/*
 * The kernel engine (see engine_kernel.h): /dev/ksrtp, its arena, SA ids
 * by (SSRC, direction), batches through ioctl or io_uring URING_CMD.
 *
 * What the library checks itself, before the kernel sees a packet, is what
 * the user engine checks before it looks a stream up (arguments, room, the
 * RTP or RTCP header), so both engines give the same code for the same bad
 * packet. Everything after the lookup (lengths against the tag, replay,
 * authentication, index exhaustion) is the module's verdict.
 */
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <unistd.h>

#include "uapi/linux/ksrtp.h"
/* The ABI says 16u, internal.h says 16: the same tag length, one definition. */
#undef KSRTP_GCM_TAG_LEN

#include "engine_kernel.h"
#include "padding.h"
#include "rtp.h"
#include "session.h"
#include "telemetry.h"

#define KSRTP_DEVICE_PATH "/dev/" KSRTP_DEVICE_NAME
#define URING_ENTRIES 4
/*
 * Slots of the arena lent to lib/ring's linked path (engine_kernel.h), past
 * those of the engine's own batches: a keyframe's worth of packets, or a
 * forwarded batch, without a flush in between.
 */
#define LINK_SLOTS 256

/*
 * Padding is plaintext RTP, so the library pads before SEAL and strips
 * after OPEN (padding.h); a stream with a padding policy or
 * KSRTP_STRIP_PADDING keeps its state here.
 */
struct kernel_pad {
	struct ksrtp_pad pad;		/* outbound policy and train */
	bool cryptex;			/* outbound: the module applies KSRTP_CRYPTEX */
	bool strip;			/* inbound: KSRTP_STRIP_PADDING */
	uint64_t malformed;		/* inbound: refused for their padding after OPEN */
};

/*
 * SSRC -> SA id, one map per direction: the design of stream_table.h (open
 * addressing, linear probing, load <= 1/2, its keyed ksrtp_ssrc_home()), but
 * the value is the 32-bit SA id itself (never 0 for a live SA), and the
 * stream's padding state when it has one.
 */
struct sa_slot {
	uint32_t ssrc;
	uint32_t sa;	/* 0: empty */
	bool cryptex;	/* KSRTP_SA_CRYPTEX: SEAL may grow a packet by 4 (padding.h) */
	struct kernel_pad *pad;
};

struct sa_map {
	struct sa_slot *slots;
	uint32_t mask;
	uint32_t shift;
	uint32_t count;
	uint32_t seed;
};

#define SA_MAP_INITIAL_BITS 4

static uint32_t sa_map_home(const struct sa_map *m, uint32_t ssrc)
{
	return ksrtp_ssrc_home(ssrc, m->seed, m->shift);
}

static int sa_map_init(struct sa_map *m, uint32_t seed)
{
	m->slots = calloc(1u << SA_MAP_INITIAL_BITS, sizeof(*m->slots));
	if (!m->slots)
		return KSRTP_ENOMEM;
	m->mask = (1u << SA_MAP_INITIAL_BITS) - 1;
	m->shift = 32 - SA_MAP_INITIAL_BITS;
	m->count = 0;
	m->seed = seed;
	return 0;
}

/* The slot holding ssrc, or the empty slot that ends its probe run. */
static struct sa_slot *sa_map_slot(const struct sa_map *m, uint32_t ssrc)
{
	uint32_t i = sa_map_home(m, ssrc);

	while (m->slots[i].sa && m->slots[i].ssrc != ssrc)
		i = (i + 1) & m->mask;
	return &m->slots[i];
}

static uint32_t sa_map_find(const struct sa_map *m, uint32_t ssrc)
{
	return sa_map_slot(m, ssrc)->sa;
}

static int sa_map_insert(struct sa_map *m, uint32_t ssrc, uint32_t sa, bool cryptex,
			 struct kernel_pad *pad)
{
	struct sa_slot *slot;

	if ((m->count + 1) * 2 > m->mask + 1) {
		struct sa_map bigger = *m;
		uint32_t i;

		if (m->shift == 1)
			return KSRTP_ENOMEM;
		bigger.slots = calloc((size_t)m->mask * 2 + 2, sizeof(*bigger.slots));
		if (!bigger.slots)
			return KSRTP_ENOMEM;
		bigger.mask = m->mask * 2 + 1;
		bigger.shift = m->shift - 1;
		for (i = 0; i <= m->mask; i++)
			if (m->slots[i].sa)
				*sa_map_slot(&bigger, m->slots[i].ssrc) = m->slots[i];
		free(m->slots);
		*m = bigger;
	}
	slot = sa_map_slot(m, ssrc);
	slot->ssrc = ssrc;
	slot->sa = sa;
	slot->cryptex = cryptex;
	slot->pad = pad;
	m->count++;
	return 0;
}

/* Empty ssrc's slot, then refill the hole from the rest of its probe run. */
static void sa_map_remove(struct sa_map *m, uint32_t ssrc)
{
	struct sa_slot *hole = sa_map_slot(m, ssrc);
	uint32_t i, j;

	if (!hole->sa)
		return;
	m->count--;
	i = (uint32_t)(hole - m->slots);
	j = i;
	for (;;) {
		uint32_t home;

		/* All of it: a pad left behind would be freed again with the map. */
		m->slots[i] = (struct sa_slot){ 0 };
		do {
			j = (j + 1) & m->mask;
			if (!m->slots[j].sa)
				return;
			home = sa_map_home(m, m->slots[j].ssrc);
			/* Home cyclically in (i, j]: at i it would sit before its home. */
		} while (i <= j ? (i < home && home <= j) : (i < home || home <= j));
		m->slots[i] = m->slots[j];
		i = j;
	}
}

struct ksrtp_kernel {
	int fd;
	enum ksrtp_kernel_transport transport;
	bool fallback;
	bool ring_ok;
	uint8_t *arena;
	uint32_t nslots;		/* slots of the engine's batches = packets per SEAL/OPEN */
	uint32_t nlink;			/* link slots, after those (0: no linked path) */
	uint32_t link_next;		/* the next link slot handed out */
	uint32_t link_held;		/* link slots taken and not yet put back */
	struct ksrtp_desc *link_descs;	/* nlink: the linked SEALs' descriptors */
	uint32_t profiles;		/* INFO: bit per KSRTP_PROF_* */
	bool cryptex;			/* INFO: SAs take KSRTP_SA_CRYPTEX */
	struct sa_map sas[2];		/* [direction - 1] */
	ksrtp_session *user;		/* AUTO: streams the module cannot carry */
	struct ksrtp_desc *descs;	/* nslots: the kernel's batch */
	struct ksrtp_pkt **kpkts;	/* nslots: the caller's packet of descs[i] */
	struct kernel_pad **kpads;	/* nslots: its stream's padding state, or NULL */
	struct ksrtp_session_stats stats; /* inbound refusals (telemetry.h) */
	struct ksrtp_pkt *upkts;	/* nslots: copies of packets for the user engine */
	struct ksrtp_pkt **uorig;	/* nslots: where they came from */
	struct io_uring ring;
};

static int sys_err(int e)
{
	return e == ENOMEM ? KSRTP_ENOMEM : KSRTP_EKERNEL;
}

static void prep_uring_cmd(struct io_uring_sqe *sqe, int fd, unsigned long cmd,
			   const struct ksrtp_batch *b)
{
	/* liburing 2.3 has no URING_CMD helper: prep by hand, payload at addr3. */
	io_uring_prep_rw(IORING_OP_URING_CMD, sqe, fd, NULL, 0, 0);
	sqe->cmd_op = (uint32_t)cmd;
	memcpy(&sqe->addr3, b, sizeof(*b));
}

static int ioctl_batch(int fd, unsigned long cmd, struct ksrtp_batch *b)
{
	int r;

	do
		r = ioctl(fd, cmd, b);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : r;
}

/* One SEAL or OPEN of k->descs[0..n): the count that succeeded, or -errno. */
static int kernel_submit(struct ksrtp_kernel *k, bool seal, bool rtcp, uint32_t n)
{
	struct ksrtp_batch b = {
		.descs = (uintptr_t)k->descs,
		.count = n,
		.flags = rtcp ? KSRTP_BATCH_RTCP : 0,
	};
	unsigned long cmd = seal ? KSRTP_IOC_SEAL : KSRTP_IOC_OPEN;
	struct io_uring_cqe *cqe;
	struct io_uring_sqe *sqe;
	int r;

	if (k->transport == KSRTP_KERNEL_IOCTL)
		return ioctl_batch(k->fd, cmd, &b);
	do {
		sqe = io_uring_get_sqe(&k->ring);
		if (!sqe)
			return -EBUSY;
		prep_uring_cmd(sqe, k->fd, cmd, &b);
		/* The module completes the command inline: one enter, one CQE. */
		do
			r = io_uring_submit_and_wait(&k->ring, 1);
		while (r == -EINTR);
		if (r < 0)
			return r;
		do
			r = io_uring_wait_cqe(&k->ring, &cqe);
		while (r == -EINTR);
		if (r < 0)
			return r;
		r = cqe->res;
		io_uring_cqe_seen(&k->ring, cqe);
	} while (r == -EINTR || r == -EAGAIN);
	return r;
}

void ksrtp_kernel_close(struct ksrtp_kernel *k)
{
	int d;

	if (!k)
		return;
	ksrtp_session_free(k->user);
	if (k->ring_ok)
		io_uring_queue_exit(&k->ring);
	if (k->arena)
		munmap(k->arena, ((size_t)k->nslots + k->nlink) * KSRTP_SLOT_SIZE);
	/* Closing the file destroys its SAs; the module wipes their keys. */
	if (k->fd >= 0)
		close(k->fd);
	for (d = 0; d < 2; d++) {
		uint32_t i;

		for (i = 0; k->sas[d].slots && i <= k->sas[d].mask; i++)
			free(k->sas[d].slots[i].pad);
		free(k->sas[d].slots);
	}
	free(k->descs);
	free(k->link_descs);
	free(k->kpkts);
	free(k->kpads);
	free(k->upkts);
	free(k->uorig);
	free(k);
}

struct ksrtp_kernel *ksrtp_kernel_open(enum ksrtp_kernel_transport transport, bool fallback,
				       int *err)
{
	struct ksrtp_kernel *k;
	struct ksrtp_info info;
	uint32_t seeds[2];
	int e = KSRTP_EKERNEL;

	if (transport != KSRTP_KERNEL_IOCTL && transport != KSRTP_KERNEL_URING) {
		*err = KSRTP_EINVAL;
		return NULL;
	}
	k = calloc(1, sizeof(*k));
	if (!k) {
		*err = KSRTP_ENOMEM;
		return NULL;
	}
	k->transport = transport;
	k->fallback = fallback;
	k->fd = open(KSRTP_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (k->fd < 0)
		goto fail;
	memset(&info, 0, sizeof(info));
	if (ioctl(k->fd, KSRTP_IOC_INFO, &info) < 0)
		goto fail;
	if (info.abi_version != KSRTP_ABI_VERSION || info.slot_size != KSRTP_SLOT_SIZE ||
	    info.seal_trailer != KSRTP_SEAL_TRAILER || !info.max_batch || !info.max_slots)
		goto fail;
	k->profiles = info.profiles;
	k->cryptex = info.flags & KSRTP_INFO_CRYPTEX;
	/* One slot per packet of the largest batch the module takes in one call. */
	k->nslots = info.max_batch < info.max_slots ? info.max_batch : info.max_slots;
	/*
	 * The linked path needs io_uring to the module and a module that
	 * fails a batch whole (KSRTP_BATCH_ALL_OR_NOTHING; older ones refuse
	 * the flag, even on an empty batch).
	 */
	if (transport == KSRTP_KERNEL_URING && info.max_slots > k->nslots) {
		struct ksrtp_batch probe = { .flags = KSRTP_BATCH_ALL_OR_NOTHING };

		if (ioctl_batch(k->fd, KSRTP_IOC_SEAL, &probe) == 0)
			k->nlink = info.max_slots - k->nslots < LINK_SLOTS ?
					   info.max_slots - k->nslots : LINK_SLOTS;
	}
	k->arena = mmap(NULL, ((size_t)k->nslots + k->nlink) * KSRTP_SLOT_SIZE,
			PROT_READ | PROT_WRITE, MAP_SHARED, k->fd, 0);
	if (k->arena == MAP_FAILED) {
		k->arena = NULL;
		e = sys_err(errno);
		goto fail;
	}
	e = KSRTP_ENOMEM;
	k->descs = calloc(k->nslots, sizeof(*k->descs));
	k->kpkts = calloc(k->nslots, sizeof(*k->kpkts));
	k->kpads = calloc(k->nslots, sizeof(*k->kpads));
	k->upkts = calloc(k->nslots, sizeof(*k->upkts));
	k->uorig = calloc(k->nslots, sizeof(*k->uorig));
	k->link_descs = calloc(k->nlink ? k->nlink : 1, sizeof(*k->link_descs));
	if (!k->descs || !k->kpkts || !k->kpads || !k->upkts || !k->uorig || !k->link_descs)
		goto fail;
	if (getrandom(seeds, sizeof(seeds), 0) != sizeof(seeds) ||
	    sa_map_init(&k->sas[0], seeds[0]) || sa_map_init(&k->sas[1], seeds[1]))
		goto fail;
	e = KSRTP_EKERNEL;
	if (transport == KSRTP_KERNEL_URING) {
		if (io_uring_queue_init(URING_ENTRIES, &k->ring, 0) < 0)
			goto fail;
		k->ring_ok = true;
	}
	/* An empty batch is a no-op: proves the transport reaches the module. */
	if (kernel_submit(k, true, false, 0) != 0)
		goto fail;
	return k;
fail:
	ksrtp_kernel_close(k);
	*err = e;
	return NULL;
}

/* ---- streams ---- */

/* The inner user-engine session of an AUTO session, made on first need. */
static ksrtp_session *user_session(struct ksrtp_kernel *k)
{
	const struct ksrtp_config cfg = { .engine = KSRTP_ENGINE_USER };

	if (!k->user)
		k->user = ksrtp_session_new(&cfg, NULL);
	return k->user;
}

/* Does the inner session have a stream of its own for ssrc (not a template)? */
static bool user_has(const struct ksrtp_kernel *k, uint32_t ssrc, enum ksrtp_direction dir)
{
	return k->user && ksrtp_table_find(&k->user->streams[dir - 1], ssrc);
}

/* 0 when the module can carry policy p (with keys, if given), else why not. */
static int kernel_can(const struct ksrtp_kernel *k, const struct ksrtp_policy *p,
		      const struct ksrtp_session_keys *keys)
{
	uint32_t prof = p->profile == KSRTP_AEAD_AES_128_GCM ? KSRTP_PROF_AEAD_AES_128_GCM :
			p->profile == KSRTP_AEAD_AES_256_GCM ? KSRTP_PROF_AEAD_AES_256_GCM : 0;

	if (!prof || !(k->profiles & 1u << prof))
		return KSRTP_EUNSUPPORTED;
	if (p->any_ssrc || (p->flags & KSRTP_ALLOW_REPEAT_TX))
		return KSRTP_EUNSUPPORTED;
	if ((p->flags & (KSRTP_CRYPTEX | KSRTP_REQUIRE_CRYPTEX)) && !k->cryptex)
		return KSRTP_EUNSUPPORTED;
	/* The module takes one session key and salt for SRTP and SRTCP alike. */
	if (keys && (memcmp(keys->rtp_key, keys->rtcp_key, p->key_len) ||
		     memcmp(keys->rtp_salt, keys->rtcp_salt, p->salt_len)))
		return KSRTP_EUNSUPPORTED;
	return 0;
}

/* SA_ADD; the argument, which held the key, is wiped whatever happens. */
static int sa_add(struct ksrtp_kernel *k, const struct ksrtp_policy *p,
		  const struct ksrtp_session_keys *keys, uint32_t rtcp_last_index, uint32_t *id)
{
	struct ksrtp_sa_add a;
	int r, e;

	memset(&a, 0, sizeof(a));
	a.profile = p->profile == KSRTP_AEAD_AES_128_GCM ? KSRTP_PROF_AEAD_AES_128_GCM
							 : KSRTP_PROF_AEAD_AES_256_GCM;
	a.direction = p->direction == KSRTP_OUTBOUND ? KSRTP_DIR_OUTBOUND : KSRTP_DIR_INBOUND;
	a.ssrc = p->ssrc;
	a.flags = p->flags & KSRTP_RTCP_UNENCRYPTED ? KSRTP_SA_RTCP_UNENCRYPTED : 0;
	if (p->flags & KSRTP_CRYPTEX)
		a.flags |= KSRTP_SA_CRYPTEX;
	if (p->flags & KSRTP_REQUIRE_CRYPTEX)
		a.flags |= KSRTP_SA_REQUIRE_CRYPTEX;
	a.replay_window = p->replay_window;
	a.roc = p->roc;
	a.rtcp_index = rtcp_last_index;
	a.key_len = (uint32_t)p->key_len;
	a.salt_len = (uint32_t)p->salt_len;
	if (keys) {
		a.flags |= KSRTP_SA_SESSION_KEYS;
		memcpy(a.key, keys->rtp_key, p->key_len);
		memcpy(a.salt, keys->rtp_salt, p->salt_len);
	} else {
		memcpy(a.key, p->key, p->key_len);
		memcpy(a.salt, p->salt, p->salt_len);
	}
	r = ioctl(k->fd, KSRTP_IOC_SA_ADD, &a);
	e = errno;
	*id = a.sa_id;
	explicit_bzero(&a, sizeof(a));
	if (r == 0)
		return *id ? 0 : KSRTP_EKERNEL;
	switch (e) {
	case EINVAL:
		return KSRTP_EINVAL;
	case EOPNOTSUPP:
		return KSRTP_EUNSUPPORTED;
	case ENOMEM:
	case ENOSPC:	/* max_sas reached */
		return KSRTP_ENOMEM;
	default:
		return KSRTP_EKERNEL;
	}
}

static void sa_del(struct ksrtp_kernel *k, uint32_t id)
{
	struct ksrtp_sa_del d = { .sa_id = id };

	ioctl(k->fd, KSRTP_IOC_SA_DEL, &d);
}

static int user_add(struct ksrtp_kernel *k, const struct ksrtp_policy *p,
		    const struct ksrtp_session_keys *keys, uint32_t rtcp_last_index)
{
	ksrtp_session *u = user_session(k);

	if (!u)
		return KSRTP_ENOMEM;
	if (keys)
		return ksrtp_add_stream_keys_at(u, p, keys, rtcp_last_index);
	return ksrtp_add_stream(u, p);
}

int ksrtp_kernel_add_stream(struct ksrtp_kernel *k, const struct ksrtp_policy *p,
			    const struct ksrtp_session_keys *keys, uint32_t rtcp_last_index)
{
	struct sa_map *m = &k->sas[p->direction - 1];
	struct kernel_pad *pad = NULL;
	uint32_t id;
	int err;

	if (!p->any_ssrc && (sa_map_find(m, p->ssrc) || user_has(k, p->ssrc, p->direction)))
		return KSRTP_EEXIST;
	err = kernel_can(k, p, keys);
	if (!err && (p->pad_policy || (p->flags & KSRTP_STRIP_PADDING))) {
		pad = calloc(1, sizeof(*pad));
		if (!pad)
			return KSRTP_ENOMEM;
		ksrtp_pad_init(&pad->pad, p);
		pad->cryptex = p->flags & KSRTP_CRYPTEX;
		pad->strip = p->flags & KSRTP_STRIP_PADDING;
	}
	if (!err) {
		err = sa_add(k, p, keys, rtcp_last_index, &id);
		if (!err) {
			err = sa_map_insert(m, p->ssrc, id, p->flags & KSRTP_CRYPTEX, pad);
			if (err) {
				sa_del(k, id);
				free(pad);
			}
			return err;
		}
		free(pad);
		/* Only a full SA table is worth retrying in userspace. */
		if (err != KSRTP_ENOMEM)
			return err;
	}
	if (!k->fallback)
		return err;
	return user_add(k, p, keys, rtcp_last_index);
}

int ksrtp_kernel_remove_stream(struct ksrtp_kernel *k, uint32_t ssrc, enum ksrtp_direction dir)
{
	struct sa_map *m = &k->sas[dir - 1];
	struct sa_slot *slot = sa_map_slot(m, ssrc);
	struct kernel_pad *pad = slot->pad;
	uint32_t id = slot->sa;

	if (!id)
		return k->user ? ksrtp_remove_stream(k->user, ssrc, dir) : KSRTP_ENOSTREAM;
	sa_map_remove(m, ssrc);
	sa_del(k, id);
	free(pad);
	return 0;
}

int ksrtp_kernel_stream_stats(struct ksrtp_kernel *k, uint32_t ssrc, enum ksrtp_direction dir,
			      struct ksrtp_stats *out)
{
	const struct sa_slot *slot = sa_map_slot(&k->sas[dir - 1], ssrc);
	struct ksrtp_sa_stats st;
	uint32_t id = slot->sa, i;

	if (!id)
		return k->user ? ksrtp_stream_stats(k->user, ssrc, dir, out) : KSRTP_ENOSTREAM;
	memset(&st, 0, sizeof(st));
	st.sa_id = id;
	if (ioctl(k->fd, KSRTP_IOC_SA_STATS, &st) < 0)
		return sys_err(errno);
	memset(out, 0, sizeof(*out));
	out->packets = st.packets;
	out->bytes = st.bytes;
	out->auth_failures = st.auth_failures;
	out->replays = st.replays;
	out->malformed = st.malformed;
	out->no_cryptex = st.no_cryptex;
	for (i = 0; i < KSRTP_MALFORMED_SLOTS && i < KSRTP_SA_MALFORMED_SLOTS; i++)
		out->malformed_by[i] = st.malformed_by[i];
	if (slot->pad) {
		out->malformed += slot->pad->malformed;
		out->malformed_by[KSRTP_MALFORMED_PADDING] += slot->pad->malformed;
	}
	return 0;
}

int ksrtp_kernel_session_stats(const struct ksrtp_kernel *k, struct ksrtp_session_stats *out)
{
	*out = k->stats;
	if (k->user)
		ksrtp_tm_add(out, &k->user->stats);
	return 0;
}

int ksrtp_kernel_stream_engine(const struct ksrtp_kernel *k, uint32_t ssrc,
			       enum ksrtp_direction dir)
{
	if (sa_map_find(&k->sas[dir - 1], ssrc))
		return KSRTP_ENGINE_KERNEL;
	return k->user ? ksrtp_stream_engine(k->user, ssrc, dir) : KSRTP_ENOSTREAM;
}

/* ---- packets ---- */

static bool op_seal(enum ksrtp_kernel_op op)
{
	return op == KSRTP_KOP_PROTECT || op == KSRTP_KOP_PROTECT_RTCP;
}

static bool op_rtcp(enum ksrtp_kernel_op op)
{
	return op == KSRTP_KOP_PROTECT_RTCP || op == KSRTP_KOP_UNPROTECT_RTCP;
}

/* The packet's SSRC, as the user engine parses it (RTP: the whole header). */
static int packet_ssrc(enum ksrtp_kernel_op op, const uint8_t *pkt, uint32_t len, uint32_t *ssrc)
{
	struct ksrtp_rtp_header h;
	int err;

	if (op_rtcp(op)) {
		if (len < KSRTP_RTCP_HEADER_LEN || (pkt[0] >> 6) != 2)
			return KSRTP_EMALFORMED;
		*ssrc = ksrtp_load_be32(pkt + 4);
		return 0;
	}
	err = ksrtp_rtp_parse(pkt, len, &h);
	if (err)
		return err;
	*ssrc = h.ssrc;
	return 0;
}

/*
 * Route one packet: 0 with *id (and *pad, the stream's padding state or
 * NULL) set for the module, 1 for the inner user session, or the packet's
 * status.
 */
static int route(const struct ksrtp_kernel *k, enum ksrtp_kernel_op op, const struct ksrtp_pkt *p,
		 uint32_t *id, struct kernel_pad **pad)
{
	enum ksrtp_direction dir = op_seal(op) ? KSRTP_OUTBOUND : KSRTP_INBOUND;
	const struct sa_slot *slot;
	uint32_t ssrc;
	int err;

	if (op_seal(op) && (p->cap < KSRTP_MAX_TRAILER || p->len > p->cap - KSRTP_MAX_TRAILER))
		return KSRTP_ENOSPACE;
	if (!p->data || p->len > KSRTP_MAX_PACKET_LEN)
		return KSRTP_EINVAL;
	err = packet_ssrc(op, p->data, p->len, &ssrc);
	if (err)
		return err;
	slot = sa_map_slot(&k->sas[dir - 1], ssrc);
	*id = slot->sa;
	*pad = slot->pad;
	if (!*id)
		return k->user ? 1 : KSRTP_ENOSTREAM;
	if (p->len > (op_seal(op) ? KSRTP_SLOT_SIZE - KSRTP_SEAL_TRAILER : KSRTP_SLOT_SIZE))
		return KSRTP_ENOSPACE;
	return 0;
}

/* The module's statuses are libksrtp's codes; anything else is a module fault. */
static int32_t desc_status(int32_t st)
{
	return st <= 0 && st >= KSRTP_ENOCRYPTEX ? st : KSRTP_EKERNEL;
}

/*
 * Count an inbound refusal in the session's telemetry: the library's own
 * (route()), or the module's verdict on a packet it was handed, whose
 * malformed reason is the one check the module makes that route() has not
 * made already (the stream's own counters are the module's, SA_STATS).
 */
static __attribute__((cold, noinline)) void count_refused(struct ksrtp_kernel *k,
							   enum ksrtp_kernel_op op,
							   const struct ksrtp_pkt *p, int err,
							   bool module)
{
	enum ksrtp_malformed_reason reason;

	if (op_seal(op))
		return;
	if (!module)
		reason = ksrtp_tm_header_reason(p->data, p->len, op_rtcp(op));
	else if (!op_rtcp(op))
		reason = KSRTP_MALFORMED_NO_TAG;
	else if (p->len < KSRTP_RTCP_HEADER_LEN + KSRTP_SRTCP_INDEX_LEN + KSRTP_GCM_TAG_LEN)
		reason = KSRTP_MALFORMED_RTCP_SHORT;
	else
		reason = KSRTP_MALFORMED_RTCP_E_FLAG;
	ksrtp_tm_refused(&k->stats, NULL, err, reason);
}

/*
 * Pad the copy in slot (padding.h) of the packet p for SEAL: its new
 * length, or KSRTP_ENOSPACE / KSRTP_EMALFORMED with the caller's packet
 * untouched.
 */
static int pad_for_seal(const struct kernel_pad *pad, uint8_t *slot, const struct ksrtp_pkt *p,
			uint32_t grow)
{
	uint32_t max = p->cap - KSRTP_MAX_TRAILER;
	struct ksrtp_rtp_header h;
	int err = ksrtp_rtp_parse(slot, p->len, &h);

	if (err)
		return err;
	if (max > KSRTP_SLOT_SIZE - KSRTP_SEAL_TRAILER)
		max = KSRTP_SLOT_SIZE - KSRTP_SEAL_TRAILER;
	return ksrtp_pad_apply(&pad->pad, slot, p->len, h.header_len, max, grow);
}

/*
 * KSRTP_STRIP_PADDING on the opened packet in slot, len octets: its new
 * length, or KSRTP_EMALFORMED (counted) when the padding does not parse;
 * the module has committed its index by now (ksrtp.h).
 */
static int strip_opened(struct ksrtp_kernel *k, struct kernel_pad *pad, uint8_t *slot,
			uint32_t len)
{
	struct ksrtp_rtp_header h;
	int n = ksrtp_rtp_parse(slot, len, &h);

	if (!n)
		n = ksrtp_pad_strip(slot, len, h.header_len);
	if (n < 0) {
		pad->malformed++;
		ksrtp_tm_refused(&k->stats, NULL, KSRTP_EMALFORMED, KSRTP_MALFORMED_PADDING);
	}
	return n;
}

/*
 * Run the n packets in k->descs / k->kpkts through the module and copy the
 * results back. Returns how many succeeded.
 */
static int kernel_flush(struct ksrtp_kernel *k, enum ksrtp_kernel_op op, uint32_t n)
{
	bool seal = op_seal(op);
	int r, done = 0;
	uint32_t i;

	if (!n)
		return 0;
	r = kernel_submit(k, seal, op_rtcp(op), n);
	for (i = 0; i < n; i++) {
		const struct ksrtp_desc *d = &k->descs[i];
		struct ksrtp_pkt *p = k->kpkts[i];
		struct kernel_pad *pad = k->kpads[i];
		uint8_t *slot = k->arena + (size_t)i * KSRTP_SLOT_SIZE;
		uint32_t len = d->len;

		if (r < 0) {
			p->status = sys_err(-r);
			continue;
		}
		p->status = desc_status(d->status);
		if (p->status) {
			if (unlikely(p->status >= KSRTP_EMALFORMED ||
				     p->status == KSRTP_ENOCRYPTEX))
				count_refused(k, op, p, p->status, true);
			continue;
		}
		/* Sealing stays within cap (padding included), opening only shrinks. */
		if (seal ? len > p->cap : len > p->len) {
			p->status = KSRTP_EKERNEL;
			continue;
		}
		if (unlikely(pad) && !seal && pad->strip) {
			int m = strip_opened(k, pad, slot, len);

			if (m < 0) {
				p->status = m;
				continue;
			}
			len = (uint32_t)m;
		}
		memcpy(p->data, slot, len);
		p->len = len;
		done++;
	}
	return done;
}

/* The inner session's share of a batch; statuses and lengths go back. */
static int user_flush(struct ksrtp_kernel *k, enum ksrtp_kernel_op op, uint32_t n)
{
	uint32_t i;
	int r;

	if (!n)
		return 0;
	r = op_seal(op) ? ksrtp_protect_batch(k->user, k->upkts, n)
			: ksrtp_unprotect_batch(k->user, k->upkts, n);
	for (i = 0; i < n; i++) {
		k->uorig[i]->len = k->upkts[i].len;
		k->uorig[i]->status = r < 0 ? r : k->upkts[i].status;
	}
	return r < 0 ? 0 : r;
}

/* Copy p into arena slot i as descriptor i for SA id (padded for SEAL): 0 or p's status. */
static int kernel_stage(struct ksrtp_kernel *k, enum ksrtp_kernel_op op, struct ksrtp_pkt *p,
			uint32_t id, struct kernel_pad *pad, uint32_t i)
{
	uint8_t *slot = k->arena + (size_t)i * KSRTP_SLOT_SIZE;
	int len = (int)p->len;

	memcpy(slot, p->data, p->len);
	if (unlikely(pad) && op == KSRTP_KOP_PROTECT && pad->pad.policy) {
		/* What SEAL adds for cryptex (padding.h): the P bit does not change it. */
		uint32_t grow = pad->cryptex ? ksrtp_pad_cryptex_growth(slot) : 0;

		len = pad_for_seal(pad, slot, p, grow);
		if (len < 0)
			return len;
		/*
		 * A batch is padded whole before SEAL, so the train takes each
		 * packet as it is staged (the user engine, once it is sealed):
		 * else no packet of a frame would join the ones before it in
		 * the same batch.
		 */
		ksrtp_pad_sent(&pad->pad, slot, (uint32_t)len + grow);
	}
	k->descs[i] = (struct ksrtp_desc){ .sa = id, .slot = i, .len = (uint32_t)len };
	k->kpkts[i] = p;
	k->kpads[i] = op == KSRTP_KOP_PROTECT || op == KSRTP_KOP_UNPROTECT ? pad : NULL;
	return 0;
}

int ksrtp_kernel_batch(struct ksrtp_kernel *k, enum ksrtp_kernel_op op, struct ksrtp_pkt *v,
		       unsigned int n)
{
	uint32_t nk = 0, nu = 0, id;
	struct kernel_pad *pad;
	unsigned int i;
	int done = 0;

	for (i = 0; i < n; i++) {
		struct ksrtp_pkt *p = &v[i];
		int r = route(k, op, p, &id, &pad);

		if (r == 1) {
			k->upkts[nu] = *p;
			k->uorig[nu++] = p;
		} else if (r == 0) {
			r = kernel_stage(k, op, p, id, pad, nk);
			if (r)
				p->status = r;
			else
				nk++;
		} else {
			p->status = r;
			if (r == KSRTP_EMALFORMED || r == KSRTP_ENOSTREAM)
				count_refused(k, op, p, r, false);
		}
		/*
		 * A stream is wholly on one side, so splitting a batch keeps
		 * every stream's packets in order.
		 */
		if (nk == k->nslots || nu == k->nslots) {
			done += kernel_flush(k, op, nk);
			done += user_flush(k, op, nu);
			nk = 0;
			nu = 0;
		}
	}
	done += kernel_flush(k, op, nk);
	done += user_flush(k, op, nu);
	return done;
}

int ksrtp_kernel_one(struct ksrtp_kernel *k, enum ksrtp_kernel_op op, uint8_t *pkt, size_t *len,
		     size_t cap)
{
	struct kernel_pad *pad;
	struct ksrtp_pkt p;
	uint32_t id;
	int r;

	if (!pkt || !len)
		return KSRTP_EINVAL;
	if (*len > KSRTP_MAX_PACKET_LEN) {
		if (!op_seal(op))
			ksrtp_tm_refused(&k->stats, NULL, KSRTP_EMALFORMED,
					 KSRTP_MALFORMED_OVERSIZE);
		return KSRTP_EMALFORMED;
	}
	p.data = pkt;
	p.len = (uint32_t)*len;
	p.cap = cap > UINT32_MAX ? UINT32_MAX : (uint32_t)cap;
	p.status = 0;
	r = route(k, op, &p, &id, &pad);
	if (r == 1) {
		switch (op) {
		case KSRTP_KOP_PROTECT:
			return ksrtp_protect(k->user, pkt, len, cap);
		case KSRTP_KOP_UNPROTECT:
			return ksrtp_unprotect(k->user, pkt, len);
		case KSRTP_KOP_PROTECT_RTCP:
			return ksrtp_protect_rtcp(k->user, pkt, len, cap);
		default:
			return ksrtp_unprotect_rtcp(k->user, pkt, len);
		}
	}
	if (r) {
		if (r == KSRTP_EMALFORMED || r == KSRTP_ENOSTREAM)
			count_refused(k, op, &p, r, false);
		return r;
	}
	r = kernel_stage(k, op, &p, id, pad, 0);
	if (r)
		return r;
	kernel_flush(k, op, 1);
	if (!p.status)
		*len = p.len;
	return p.status;
}

/* ---- the linked path (lib/ring) ---- */

bool ksrtp_kernel_link_ok(const struct ksrtp_kernel *k, uint32_t ssrc)
{
	const struct sa_slot *slot = sa_map_slot(&k->sas[KSRTP_OUTBOUND - 1], ssrc);

	return k->nlink && slot->sa && !slot->pad;
}

int ksrtp_kernel_link_take(struct ksrtp_kernel *k, struct ksrtp_pkt *v, unsigned int n)
{
	uint32_t first = k->link_next, i;

	if (n > k->nlink - k->link_next)
		return KSRTP_ENOSPACE;
	for (i = 0; i < n; i++)
		v[i] = (struct ksrtp_pkt){
			.data = k->arena + ((size_t)k->nslots + first + i) * KSRTP_SLOT_SIZE,
			.cap = KSRTP_SLOT_SIZE,
		};
	k->link_next += n;
	k->link_held += n;
	return (int)first;
}

void ksrtp_kernel_link_put(struct ksrtp_kernel *k, unsigned int n)
{
	k->link_held -= n < k->link_held ? n : k->link_held;
	/* Handed out in order, back all at once: none held, all free. */
	if (!k->link_held)
		k->link_next = 0;
}

int ksrtp_kernel_link_desc(struct ksrtp_kernel *k, uint32_t idx, const struct ksrtp_pkt *p)
{
	uintptr_t off = (uintptr_t)p->data - (uintptr_t)k->arena;
	const struct sa_slot *slot;
	struct ksrtp_rtp_header h;
	uint32_t s = (uint32_t)(off / KSRTP_SLOT_SIZE);
	int err;

	if ((uintptr_t)p->data < (uintptr_t)k->arena || off % KSRTP_SLOT_SIZE ||
	    s < k->nslots || s >= k->nslots + k->nlink || idx >= k->nlink)
		return KSRTP_EINVAL;
	if (p->len > KSRTP_SLOT_SIZE - KSRTP_SEAL_TRAILER)
		return KSRTP_ENOSPACE;
	err = ksrtp_rtp_parse(p->data, p->len, &h);
	if (err)
		return err;
	slot = sa_map_slot(&k->sas[KSRTP_OUTBOUND - 1], h.ssrc);
	if (!slot->sa || slot->pad)
		return KSRTP_ENOSTREAM;
	k->link_descs[idx] = (struct ksrtp_desc){ .sa = slot->sa, .slot = s, .len = p->len };
	/* SEAL adds the tag, and cryptex an empty header extension (padding.h). */
	return (int)(p->len + KSRTP_GCM_TAG_LEN +
		     (slot->cryptex ? ksrtp_pad_cryptex_growth(p->data) : 0));
}

static struct ksrtp_batch link_batch(struct ksrtp_kernel *k, uint32_t idx, uint32_t n)
{
	return (struct ksrtp_batch){
		.descs = (uintptr_t)(k->link_descs + idx),
		.count = n,
		.flags = KSRTP_BATCH_ALL_OR_NOTHING,
	};
}

void ksrtp_kernel_link_prep(struct ksrtp_kernel *k, struct io_uring_sqe *sqe, uint32_t idx,
			    uint32_t n)
{
	struct ksrtp_batch b = link_batch(k, idx, n);

	prep_uring_cmd(sqe, k->fd, KSRTP_IOC_SEAL, &b);
}

int ksrtp_kernel_link_seal_now(struct ksrtp_kernel *k, uint32_t idx, uint32_t n)
{
	struct ksrtp_batch b = link_batch(k, idx, n);

	return ioctl_batch(k->fd, KSRTP_IOC_SEAL, &b);
}

int ksrtp_kernel_link_status(const struct ksrtp_kernel *k, uint32_t idx, uint32_t sealed_len)
{
	const struct ksrtp_desc *d = &k->link_descs[idx];
	int32_t st = desc_status(d->status);

	return st ? st : d->len == sealed_len ? 0 : KSRTP_EKERNEL;
}
