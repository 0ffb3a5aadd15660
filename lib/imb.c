// SPDX-License-Identifier: MIT
/*
 * ipsec-mb managers, per thread. A manager is about 200 KiB and holds the
 * multi-buffer job queues, so it belongs to a thread, not to a session: a
 * server with thousands of sessions on a few threads keeps a few managers.
 *
 * Each thread has two. The one ipsec-mb picks for the CPU (init_mb_mgr_auto)
 * does GCM and batches of AES-CM jobs, whose HMAC-SHA1s fill its multi-buffer
 * lanes. But flushing a lone job through those lanes costs a whole pass: on
 * an AVX-512 host, 760 ns for one 160-byte HMAC-SHA1 against 250 ns through
 * SHA-NI (and 3070 ns against 940 ns at 1200 bytes). So where the CPU has
 * SHA-NI, a second, SSE manager (which ipsec-mb runs on SHA-NI) takes runs of
 * fewer than KSRTP_CM_MULTI_BUFFER_MIN jobs.
 */
#include <pthread.h>
#include <stdlib.h>

#include "internal.h"

__thread struct ksrtp_imb_thread ksrtp_tls_imb __attribute__((tls_model("initial-exec")));

static pthread_key_t imb_key;
static pthread_once_t imb_key_once = PTHREAD_ONCE_INIT;
static int imb_key_err;
static IMB_ARCH imb_arch;

static void imb_thread_exit(void *arg)
{
	struct ksrtp_imb_thread *t = arg;

	if (t->few != t->multi)
		free_mb_mgr(t->few);
	free_mb_mgr(t->multi);
	t->few = NULL;
	t->multi = NULL;
}

static void imb_key_create(void)
{
	imb_key_err = pthread_key_create(&imb_key, imb_thread_exit);
}

IMB_MGR *ksrtp_imb_init_thread(void)
{
	struct ksrtp_imb_thread *t = &ksrtp_tls_imb;
	IMB_MGR *multi, *few;

	if (pthread_once(&imb_key_once, imb_key_create) || imb_key_err)
		return NULL;
	multi = alloc_mb_mgr(0);
	if (!multi)
		return NULL;
	init_mb_mgr_auto(multi, &imb_arch);
	few = multi;
	if (!imb_get_errno(multi) && imb_arch != IMB_ARCH_SSE &&
	    (multi->features & IMB_FEATURE_SHANI)) {
		few = alloc_mb_mgr(0);
		if (few)
			init_mb_mgr_sse(few);
		if (!few || imb_get_errno(few)) {
			free_mb_mgr(few);
			few = multi;
		}
	}
	if (imb_get_errno(multi) || pthread_setspecific(imb_key, t)) {
		if (few != multi)
			free_mb_mgr(few);
		free_mb_mgr(multi);
		return NULL;
	}
	t->few = few;
	t->multi = multi;
	return multi;
}

const char *ksrtp_imb_arch_name(void)
{
	static const char *const names[IMB_ARCH_NUM] = {
		[IMB_ARCH_NONE] = "none",	[IMB_ARCH_NOAESNI] = "no-aesni",
		[IMB_ARCH_SSE] = "SSE",		[IMB_ARCH_AVX] = "AVX",
		[IMB_ARCH_AVX2] = "AVX2",	[IMB_ARCH_AVX512] = "AVX512",
	};

	if (!ksrtp_imb() || imb_arch >= IMB_ARCH_NUM)
		return "unknown";
	return names[imb_arch];
}
