// SPDX-License-Identifier: MIT
/*
 * ksrtp_inbound_poll on a thread whose crypto engine cannot be set up
 * (ipsec-mb's manager allocation fails: posix_memalign is made to fail
 * here): ksrtp_unprotect_batch() refuses the whole batch with
 * KSRTP_ENOMEM and sets no packet's status. The packets it never opened
 * must not be taken as opened: none counted opened, none pushed to the
 * assembler, every slot back.
 */
/* ring_test.h first: it defines _GNU_SOURCE. */
#include "ring_test.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>

static atomic_bool fail_aligned;

/*
 * ipsec-mb's alloc_mb_mgr() allocates with posix_memalign; everything else
 * passes through. Default visibility: the build hides symbols, and a hidden
 * one would not take the library's calls.
 */
__attribute__((visibility("default"))) int posix_memalign(void **p, size_t align, size_t size)
{
	static int (*real)(void **, size_t, size_t);

	if (atomic_load(&fail_aligned))
		return ENOMEM;
	if (!real)
		real = (int (*)(void **, size_t, size_t))dlsym(RTLD_NEXT, "posix_memalign");
	return real(p, align, size);
}

static void *poll_thread(void *arg)
{
	ksrtp_inbound *in = arg;
	int r;

	atomic_store(&fail_aligned, true);
	r = ksrtp_inbound_poll(in, RT_TIMEOUT_MS);
	atomic_store(&fail_aligned, false);
	CHECK_ERR(r, 0);
	return NULL;
}

int main(void)
{
	struct ksrtp_inbound_config ic = { .assembler = { .codec = KSRTP_CODEC_VP8 } };
	struct ksrtp_inbound_stats st;
	struct ksrtp_frame_info fi;
	uint8_t pkt[256], out[256];
	size_t len;
	struct rt_link l;
	ksrtp_session *stx, *srx;
	ksrtp_inbound *in;
	ksrtp_ring *rx;
	pthread_t t;
	int err = 0;

	if (test_config().engine == KSRTP_ENGINE_KERNEL)
		return T_SKIP;	/* the module opens these, no ipsec-mb manager needed */
	rt_link_open(&l);
	rx = rt_ring(KSRTP_TX_SENDTO, KSRTP_RX_DEFAULT, 0, 256, 64);
	stx = rt_session(KSRTP_OUTBOUND, RT_SSRC, 0);
	srx = rt_session(KSRTP_INBOUND, RT_SSRC, 0);
	ic.session = srx;
	CHECK_ERR(ksrtp_ring_listen(rx, l.rx), 0);
	in = ksrtp_inbound_new(rx, &ic, &err);
	if (!in)
		RT_FATAL("setup: %s", ksrtp_strerror(err));

	/* One sealed VP8 packet, a whole key frame (S bit, marker). */
	len = rt_fill(pkt, 1, 40);
	pkt[1] |= 0x80;
	pkt[12] = 0x10;	/* VP8 descriptor: S, partition 0 */
	CHECK_ERR(ksrtp_protect(stx, pkt, &len, sizeof(pkt)), 0);
	CHECK(send(l.tx, pkt, len, 0) == (ssize_t)len);

	CHECK(pthread_create(&t, NULL, poll_thread, in) == 0);
	CHECK(pthread_join(t, NULL) == 0);

	ksrtp_inbound_stats(in, &st);
	CHECK(st.packets == 1);
	CHECK(st.opened == 0 && st.other_errors == 1);
	CHECK_ERR(ksrtp_inbound_pop(in, &fi, out, sizeof(out)), 0);

	ksrtp_inbound_free(in);
	rt_check_slots(rx);
	ksrtp_ring_free(rx);
	ksrtp_session_free(stx);
	ksrtp_session_free(srx);
	rt_link_close(&l);
	return test_result();
}
