// SPDX-License-Identifier: GPL-2.0
/*
 * The raw AEAD loop that ksrtp-bench kernel measures the ABI against: what
 * SEAL does to a batch of RTP packets minus everything that is not crypto.
 *
 * A debugfs file (root only, not part of the ABI, absent without
 * CONFIG_DEBUG_FS), so the device and its ioctls stay as they are:
 *
 *   /sys/kernel/debug/ksrtp/raw_seal
 *     write "LEN BATCH ROUNDS": ROUNDS times, seal BATCH LEN-byte RTP
 *       packets lying in BATCH 2048-byte slots of a vmalloc()ed arena,
 *       exactly as SEAL submits them (IV from SSRC and a fresh index, one
 *       preallocated request per slot over a scatterlist of the slot, the
 *       12-byte header as AAD, the tag after the packet; all submitted,
 *       then one wait); no descriptor copies, validation, header parsing,
 *       SA lock or replay window.
 *     read: "LEN BATCH ROUNDS NS" of the last run, NS timed in the kernel.
 *
 * The state (one transform, the arena, the requests) is kept between
 * writes with the same LEN and BATCH, so a write costs the loop and a
 * syscall, which the benchmark spreads over a whole pass of packets.
 */
#include <linux/bits.h>
#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/ksrtp.h>

#include "bench.h"
#include "crypto.h"

#define RAW_RTP_HEADER_LEN	12
#define RAW_MAX_BATCH		4096
#define RAW_MAX_PACKETS		BIT(24)	/* per write: bounded work */
#define RAW_SSRC		0x5eedbe17u

static const u8 raw_key[16] = { 0x6b, 0x73, 0x72, 0x74, 0x70, 0x2d, 0x62, 0x65,
				0x6e, 0x63, 0x68 };
static const u8 raw_salt[KSRTP_GCM_IV_LEN] = { 0x72, 0x61, 0x77 };

static struct {
	struct mutex lock;	/* protects everything below */
	struct dentry *dir;
	struct crypto_aead *tfm;
	u8 *arena;
	struct ksrtp_crypt **crypt;
	u32 len, batch;
	u64 index;
	u32 last_rounds;
	u64 last_ns;
} raw = { .lock = __MUTEX_INITIALIZER(raw.lock) };

static void raw_free(void)
{
	u32 i;

	if (raw.crypt)
		for (i = 0; i < raw.batch; i++)
			ksrtp_crypt_free(raw.crypt[i]);
	kvfree(raw.crypt);
	raw.crypt = NULL;
	vfree(raw.arena);
	raw.arena = NULL;
	if (raw.tfm)
		crypto_free_aead(raw.tfm);
	raw.tfm = NULL;
	raw.batch = 0;
	raw.len = 0;
}

static int raw_setup(u32 len, u32 batch)
{
	struct crypto_aead *tfm;
	u32 i;

	if (raw.tfm && raw.len == len && raw.batch == batch)
		return 0;
	raw_free();
	tfm = ksrtp_aead_new(raw_key, sizeof(raw_key));
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	raw.tfm = tfm;
	raw.batch = batch;
	raw.len = len;
	raw.arena = vzalloc((size_t)batch * KSRTP_SLOT_SIZE);
	raw.crypt = kvcalloc(batch, sizeof(*raw.crypt), GFP_KERNEL_ACCOUNT);
	if (!raw.arena || !raw.crypt)
		goto nomem;
	for (i = 0; i < batch; i++) {
		raw.crypt[i] = ksrtp_crypt_alloc();
		if (!raw.crypt[i])
			goto nomem;
		/* An RTP version 2 header; the payload's bytes do not matter to GCM. */
		raw.arena[(size_t)i * KSRTP_SLOT_SIZE] = 0x80;
	}
	return 0;
nomem:
	raw_free();
	return -ENOMEM;
}

/* One SEAL's worth of crypto, ROUNDS times; returns 0 or the first error. */
static int raw_run(u32 rounds, u64 *ns)
{
	struct ksrtp_wait w;
	u64 start = ktime_get_ns();
	u32 r, i;
	int err = 0;

	for (r = 0; r < rounds && !err; r++) {
		ksrtp_wait_init(&w, NULL);
		for (i = 0; i < raw.batch; i++) {
			struct ksrtp_crypt *c = raw.crypt[i];
			u8 *pkt = raw.arena + (size_t)i * KSRTP_SLOT_SIZE;

			ksrtp_gcm_iv(c->iv, raw_salt, RAW_SSRC, raw.index++);
			ksrtp_sg_reset(c->src, &c->nsrc);
			err = ksrtp_sg_add(c->src, &c->nsrc, pkt, raw.len + KSRTP_GCM_TAG_LEN);
			ksrtp_sg_end(c->src, c->nsrc);
			if (err)
				break;
			ksrtp_crypt_submit(c, raw.tfm, true, true, RAW_RTP_HEADER_LEN,
					   raw.len - RAW_RTP_HEADER_LEN, &w);
		}
		ksrtp_wait_all(&w);
		for (i = 0; i < raw.batch && !err; i++)
			err = raw.crypt[i]->err;
		cond_resched();
	}
	*ns = ktime_get_ns() - start;
	return err;
}

static ssize_t raw_write(struct file *file, const char __user *ubuf, size_t count,
			 loff_t *ppos)
{
	u32 len, batch, rounds;
	char *buf;
	u64 ns;
	int err;

	if (count > 64)
		return -EINVAL;
	buf = memdup_user_nul(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	err = sscanf(buf, "%u %u %u", &len, &batch, &rounds) == 3 ? 0 : -EINVAL;
	kfree(buf);
	if (err)
		return err;
	if (len < RAW_RTP_HEADER_LEN || len > KSRTP_SLOT_SIZE - KSRTP_SEAL_TRAILER ||
	    !batch || batch > RAW_MAX_BATCH || !rounds ||
	    (u64)rounds * batch > RAW_MAX_PACKETS)
		return -EINVAL;
	if (mutex_lock_interruptible(&raw.lock))
		return -EINTR;
	err = raw_setup(len, batch);
	if (!err)
		err = raw_run(rounds, &ns);
	if (!err) {
		raw.last_rounds = rounds;
		raw.last_ns = ns;
	}
	mutex_unlock(&raw.lock);
	return err ? err : count;
}

static ssize_t raw_read(struct file *file, char __user *ubuf, size_t count, loff_t *ppos)
{
	char buf[80];
	int n;

	mutex_lock(&raw.lock);
	n = scnprintf(buf, sizeof(buf), "%u %u %u %llu\n", raw.len, raw.batch, raw.last_rounds,
		      raw.last_ns);
	mutex_unlock(&raw.lock);
	return simple_read_from_buffer(ubuf, count, ppos, buf, n);
}

static const struct file_operations raw_fops = {
	.owner = THIS_MODULE,
	.write = raw_write,
	.read = raw_read,
	.llseek = default_llseek,
};

void ksrtp_bench_init(void)
{
	/* debugfs failures are not errors: the module works without the hook. */
	raw.dir = debugfs_create_dir(KSRTP_DEVICE_NAME, NULL);
	debugfs_create_file("raw_seal", 0600, raw.dir, NULL, &raw_fops);
}

void ksrtp_bench_exit(void)
{
	debugfs_remove_recursive(raw.dir);
	mutex_lock(&raw.lock);
	raw_free();
	mutex_unlock(&raw.lock);
}
