// SPDX-License-Identifier: MIT
/*
 * One ipsec-mb manager per thread. A manager is about 200 KiB and holds the
 * multi-buffer job queues, so it belongs to a thread, not to a session: a
 * server with thousands of sessions on a few threads keeps a few managers.
 */
#include <pthread.h>
#include <stdlib.h>

#include "internal.h"

__thread IMB_MGR *ksrtp_tls_imb __attribute__((tls_model("initial-exec")));

static pthread_key_t imb_key;
static pthread_once_t imb_key_once = PTHREAD_ONCE_INIT;
static int imb_key_err;
static IMB_ARCH imb_arch;

static void imb_thread_exit(void *mgr)
{
	free_mb_mgr(mgr);
}

static void imb_key_create(void)
{
	imb_key_err = pthread_key_create(&imb_key, imb_thread_exit);
}

IMB_MGR *ksrtp_imb_init_thread(void)
{
	IMB_MGR *mgr;

	if (pthread_once(&imb_key_once, imb_key_create) || imb_key_err)
		return NULL;
	mgr = alloc_mb_mgr(0);
	if (!mgr)
		return NULL;
	init_mb_mgr_auto(mgr, &imb_arch);
	if (imb_get_errno(mgr) || pthread_setspecific(imb_key, mgr)) {
		free_mb_mgr(mgr);
		return NULL;
	}
	ksrtp_tls_imb = mgr;
	return mgr;
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
