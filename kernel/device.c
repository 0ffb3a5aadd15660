// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/ksrtp: the misc device, its file operations, the arena mmap() and
 * the ioctls. Each open file is its own SA namespace; closing it destroys
 * its SAs, their keys wiped.
 */
#include <linux/bitmap.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "batch.h"
#include "compat.h"
#include "crypto.h"
#include "device.h"
#include "uring.h"

struct ksrtp_file *ksrtp_file_new(void)
{
	struct ksrtp_file *f = kzalloc(sizeof(*f), GFP_KERNEL_ACCOUNT);

	if (!f)
		return NULL;
	kref_init(&f->ref);
	mutex_init(&f->lock);
	ksrtp_sa_table_init(&f->sas, READ_ONCE(ksrtp_max_sas));
	f->max_batch = READ_ONCE(ksrtp_max_batch);
	f->max_slots = READ_ONCE(ksrtp_arena_slots);
	f->max_inflight = min_t(u32, READ_ONCE(ksrtp_max_inflight), KSRTP_INFLIGHT_MAX);
	return f;
}

static void ksrtp_file_release(struct kref *ref)
{
	struct ksrtp_file *f = container_of(ref, struct ksrtp_file, ref);
	u32 i;

	ksrtp_sa_table_destroy(&f->sas);
	ksrtp_batch_ctx_free(f->bctx);
	for (i = 0; i < KSRTP_INFLIGHT_MAX; i++)
		ksrtp_batch_ctx_free(f->pool[i]);
	bitmap_free(f->busy_slots);
	vfree(f->arena);
	mutex_destroy(&f->lock);
	kfree(f);
}

void ksrtp_file_put(struct ksrtp_file *f)
{
	if (f)
		kref_put(&f->ref, ksrtp_file_release);
}

int ksrtp_file_arena(struct ksrtp_file *f, u32 nslots)
{
	lockdep_assert_held(&f->lock);
	if (f->arena)
		return -EBUSY;
	if (!nslots || nslots > f->max_slots)
		return -EINVAL;
	f->busy_slots = bitmap_zalloc(nslots, GFP_KERNEL_ACCOUNT);
	if (!f->busy_slots)
		return -ENOMEM;
	f->arena = vmalloc_user((size_t)nslots * KSRTP_SLOT_SIZE);
	if (!f->arena) {
		bitmap_free(f->busy_slots);
		f->busy_slots = NULL;
		return -ENOMEM;
	}
	f->nslots = nslots;
	return 0;
}

int ksrtp_file_add_sa(struct ksrtp_file *f, const struct ksrtp_sa_params *p,
		      const struct ksrtp_session_keys *keys, u32 *id)
{
	struct ksrtp_sa *sa;
	int err;

	lockdep_assert_held(&f->lock);
	err = ksrtp_sa_params_check(p);
	if (err)
		return err;
	if (f->sas.count >= f->sas.max)
		return -ENOSPC;
	sa = ksrtp_sa_new(p, keys);
	if (IS_ERR(sa))
		return PTR_ERR(sa);
	err = ksrtp_sa_table_insert(&f->sas, sa);
	if (err) {
		ksrtp_sa_free(sa);
		return err;
	}
	*id = sa->id;
	return 0;
}

static int ksrtp_open(struct inode *inode, struct file *file)
{
	struct ksrtp_file *f = ksrtp_file_new();

	if (!f)
		return -ENOMEM;
	file->private_data = f;
	/* lseek() fails with -ESPIPE (no .llseek: no_llseek is gone from 6.12). */
	return nonseekable_open(inode, file);
}

static int ksrtp_release(struct inode *inode, struct file *file)
{
	/* Batches still in flight hold their own references. */
	ksrtp_file_put(file->private_data);
	return 0;
}

/*
 * The arena: the first mmap() sizes it (offset 0, whole slots, at most
 * arena_slots); later ones may map it again, up to its size.
 */
static int ksrtp_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct ksrtp_file *f = file->private_data;
	unsigned long size = vma->vm_end - vma->vm_start;
	int err;

	/* Shared only: a private copy of a slot would never see the kernel's writes. */
	if (vma->vm_pgoff || size % KSRTP_SLOT_SIZE || !(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (size / KSRTP_SLOT_SIZE > f->max_slots)
		return -EINVAL;
	mutex_lock(&f->lock);
	if (!f->arena) {
		err = ksrtp_file_arena(f, size / KSRTP_SLOT_SIZE);
		if (err)
			goto out;
	}
	err = -EINVAL;
	if (size > (size_t)f->nslots * KSRTP_SLOT_SIZE)
		goto out;
	err = remap_vmalloc_range(vma, f->arena, 0);
out:
	mutex_unlock(&f->lock);
	return err;
}

static long ioctl_info(void __user *arg)
{
	struct ksrtp_info info;
	bool async = false;
	int err;

	memset(&info, 0, sizeof(info));
	err = ksrtp_crypto_query(info.driver, sizeof(info.driver), &async);
	if (err)
		return err;
	info.abi_version = KSRTP_ABI_VERSION;
	info.flags = (async ? KSRTP_INFO_DRIVER_ASYNC : 0) | KSRTP_INFO_CRYPTEX;
	info.profiles = 1u << KSRTP_PROF_AEAD_AES_128_GCM | 1u << KSRTP_PROF_AEAD_AES_256_GCM;
	info.slot_size = KSRTP_SLOT_SIZE;
	info.max_slots = READ_ONCE(ksrtp_arena_slots);
	info.max_batch = READ_ONCE(ksrtp_max_batch);
	info.max_sas = READ_ONCE(ksrtp_max_sas);
	info.seal_trailer = KSRTP_SEAL_TRAILER;
	return copy_to_user(arg, &info, sizeof(info)) ? -EFAULT : 0;
}

static long ioctl_sa_add(struct ksrtp_file *f, void __user *arg)
{
	struct ksrtp_session_keys *keys;
	struct ksrtp_sa_params p;
	struct ksrtp_sa_add *a;
	long err;
	u32 id = 0;

	/* Heap, not stack: key material is wiped in one place, kfree_sensitive(). */
	a = kmalloc(sizeof(*a), GFP_KERNEL);
	keys = kmalloc(sizeof(*keys), GFP_KERNEL);
	err = -ENOMEM;
	if (!a || !keys)
		goto out;
	err = -EFAULT;
	if (copy_from_user(a, arg, sizeof(*a)))
		goto out;
	err = -EINVAL;
	if (a->sa_id || a->reserved[0] || a->reserved[1])
		goto out;
	p.profile = a->profile;
	p.direction = a->direction;
	p.ssrc = a->ssrc;
	p.flags = a->flags;
	p.replay_window = a->replay_window;
	p.roc = a->roc;
	p.rtcp_index = a->rtcp_index;
	err = ksrtp_sa_params_check(&p);
	if (err)
		goto out;
	err = -EINVAL;
	if (a->key_len != ksrtp_profile_key_len(p.profile) || a->salt_len != KSRTP_GCM_SALT_LEN)
		goto out;
	if (p.flags & KSRTP_SA_SESSION_KEYS) {
		memcpy(keys->rtp_key, a->key, sizeof(keys->rtp_key));
		memcpy(keys->rtcp_key, a->key, sizeof(keys->rtcp_key));
		memcpy(keys->rtp_salt, a->salt, sizeof(keys->rtp_salt));
		memcpy(keys->rtcp_salt, a->salt, sizeof(keys->rtcp_salt));
	} else {
		err = ksrtp_derive_keys(p.profile, a->key, a->salt, keys);
		if (err)
			goto out;
	}
	memzero_explicit(a->key, sizeof(a->key));
	memzero_explicit(a->salt, sizeof(a->salt));
	if (mutex_lock_interruptible(&f->lock)) {
		err = -EINTR;
		goto out;
	}
	err = ksrtp_file_add_sa(f, &p, keys, &id);
	mutex_unlock(&f->lock);
	if (err)
		goto out;
	/* Only the id goes back; the key fields of the user's struct are not written. */
	if (put_user(id, (u32 __user *)(arg + offsetof(struct ksrtp_sa_add, sa_id)))) {
		mutex_lock(&f->lock);
		ksrtp_sa_table_remove(&f->sas, id);
		mutex_unlock(&f->lock);
		err = -EFAULT;
	}
out:
	kfree_sensitive(keys);
	kfree_sensitive(a);
	return err;
}

static long ioctl_sa_del(struct ksrtp_file *f, void __user *arg)
{
	struct ksrtp_sa_del d;
	long err;

	if (copy_from_user(&d, arg, sizeof(d)))
		return -EFAULT;
	if (d.reserved)
		return -EINVAL;
	if (mutex_lock_interruptible(&f->lock))
		return -EINTR;
	err = ksrtp_sa_table_remove(&f->sas, d.sa_id);
	mutex_unlock(&f->lock);
	return err;
}

static long ioctl_sa_stats(struct ksrtp_file *f, void __user *arg)
{
	struct ksrtp_sa_stats_k k;
	struct ksrtp_sa_stats s;
	struct ksrtp_sa *sa;
	u32 id, reserved;

	if (get_user(id, (u32 __user *)arg) ||
	    get_user(reserved, (u32 __user *)(arg + offsetof(struct ksrtp_sa_stats, reserved0))))
		return -EFAULT;
	if (reserved)
		return -EINVAL;
	if (mutex_lock_interruptible(&f->lock))
		return -EINTR;
	sa = ksrtp_sa_find(&f->sas, id);
	if (sa)
		ksrtp_sa_get_stats(sa, &k);
	mutex_unlock(&f->lock);
	if (!sa)
		return -ENOENT;
	memset(&s, 0, sizeof(s));
	s.sa_id = id;
	s.packets = k.packets;
	s.bytes = k.bytes;
	s.auth_failures = k.auth_failures;
	s.replays = k.replays;
	s.malformed = k.malformed;
	s.no_cryptex = k.no_cryptex;
	memcpy(s.malformed_by, k.malformed_by, sizeof(s.malformed_by));
	return copy_to_user(arg, &s, sizeof(s)) ? -EFAULT : 0;
}

static long ioctl_batch(struct ksrtp_file *f, void __user *arg, bool seal)
{
	struct ksrtp_batch b;

	if (copy_from_user(&b, arg, sizeof(b)))
		return -EFAULT;
	return ksrtp_batch_user(f, &b, seal);
}

static long ksrtp_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct ksrtp_file *f = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case KSRTP_IOC_INFO:
		return ioctl_info(uarg);
	case KSRTP_IOC_SA_ADD:
		return ioctl_sa_add(f, uarg);
	case KSRTP_IOC_SA_DEL:
		return ioctl_sa_del(f, uarg);
	case KSRTP_IOC_SA_STATS:
		return ioctl_sa_stats(f, uarg);
	case KSRTP_IOC_SEAL:
		return ioctl_batch(f, uarg, true);
	case KSRTP_IOC_OPEN:
		return ioctl_batch(f, uarg, false);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations ksrtp_fops = {
	.owner = THIS_MODULE,
	.open = ksrtp_open,
	.release = ksrtp_release,
	.mmap = ksrtp_mmap,
	.unlocked_ioctl = ksrtp_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.uring_cmd = ksrtp_uring_cmd,
};

static struct miscdevice ksrtp_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = KSRTP_DEVICE_NAME,
	.fops = &ksrtp_fops,
	.mode = 0660,
};

int ksrtp_device_register(void)
{
	return misc_register(&ksrtp_misc);
}

void ksrtp_device_unregister(void)
{
	misc_deregister(&ksrtp_misc);
}
