// SPDX-License-Identifier: GPL-2.0
/*
 * ksrtp: SRTP/SRTCP AEAD_AES_*_GCM sealing in the kernel (RFC 7714), keys
 * in kernel custody, batches through ioctl and io_uring URING_CMD.
 *
 * Module parameters (read-only once loaded; each open file takes them as
 * they are when it is opened):
 *   max_sas      SAs per open file (default 1024, 1..65536)
 *   max_batch    descriptors per SEAL/OPEN call (default 256, 1..4096)
 *   arena_slots  2048-byte arena slots per open file (default 4096 = 8 MiB,
 *                1..65536)
 *   max_inflight io_uring batches in flight per open file (default 16,
 *                1..64); each holds a batch context (max_batch requests)
 *   uring_defer  test knob, writable: finish every io_uring batch in task
 *                work, as an asynchronous engine would (default N)
 *
 * With CONFIG_DEBUG_FS, /sys/kernel/debug/ksrtp/raw_seal (root only) runs the
 * raw AEAD loop that ksrtp-bench kernel compares the ABI with (bench.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/ksrtp.h>

#include "bench.h"
#include "crypto.h"
#include "device.h"
#include "selftest.h"

unsigned int ksrtp_max_sas = 1024;
module_param_named(max_sas, ksrtp_max_sas, uint, 0444);
MODULE_PARM_DESC(max_sas, "SAs per open file (1..65536, default 1024)");

unsigned int ksrtp_max_batch = 256;
module_param_named(max_batch, ksrtp_max_batch, uint, 0444);
MODULE_PARM_DESC(max_batch, "descriptors per SEAL/OPEN (1..4096, default 256)");

unsigned int ksrtp_arena_slots = 4096;
module_param_named(arena_slots, ksrtp_arena_slots, uint, 0444);
MODULE_PARM_DESC(arena_slots, "2048-byte arena slots per open file (1..65536, default 4096)");

/*
 * Test knob: finish every io_uring batch through task work, as when an
 * asynchronous crypto engine completes it, even when AES-NI has completed
 * it before ->uring_cmd returns (the VM tests run that path this way).
 */
bool ksrtp_uring_defer;
module_param_named(uring_defer, ksrtp_uring_defer, bool, 0644);
MODULE_PARM_DESC(uring_defer, "test: always finish URING_CMD batches in task work (default N)");

unsigned int ksrtp_max_inflight = 16;
module_param_named(max_inflight, ksrtp_max_inflight, uint, 0444);
MODULE_PARM_DESC(max_inflight, "io_uring SEAL/OPEN batches in flight per open file (1..64, default 16)");

/*
 * The gcm(aes) implementation by crypto API name: "gcm(aes)" lets the crypto
 * API pick the best one. An operator can pin a driver (a hardware engine);
 * the VM tests load "pcrypt(generic-gcm-aesni)", which completes every
 * request later from padata workers, to run the asynchronous completion
 * paths that AES-NI, done before the call returns, never takes.
 */
char *ksrtp_aead = "gcm(aes)";
module_param_named(aead, ksrtp_aead, charp, 0444);
MODULE_PARM_DESC(aead, "gcm(aes) implementation by crypto API name (default gcm(aes))");

static int __init ksrtp_init(void)
{
	int err;

	if (!ksrtp_max_sas || ksrtp_max_sas > 65536 || !ksrtp_max_batch ||
	    ksrtp_max_batch > 4096 || !ksrtp_arena_slots || ksrtp_arena_slots > 65536 ||
	    !ksrtp_max_inflight || ksrtp_max_inflight > KSRTP_INFLIGHT_MAX) {
		pr_err("module parameter out of range\n");
		return -EINVAL;
	}
	err = ksrtp_crypto_init();
	if (err) {
		pr_err("aead %s unavailable: %d\n", ksrtp_aead, err);
		return err;
	}
	err = ksrtp_selftest();
	if (err) {
		pr_err("self-test failed (%d): not loading\n", err);
		return err;
	}
	err = ksrtp_device_register();
	if (err)
		return err;
	ksrtp_bench_init();
	pr_info("gcm(aes) driver %s%s, ABI %d\n", ksrtp_crypto.driver,
		ksrtp_crypto.async ? " (async)" : "", KSRTP_ABI_VERSION);
	return 0;
}

static void __exit ksrtp_exit(void)
{
	ksrtp_bench_exit();
	ksrtp_device_unregister();
}

module_init(ksrtp_init);
module_exit(ksrtp_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("SRTP AES-GCM sealing with keys in kernel custody");
MODULE_AUTHOR("ksrtp authors");
MODULE_SOFTDEP("pre: gcm aesni_intel ghash_clmulni_intel");
