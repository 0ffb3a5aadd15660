// SPDX-License-Identifier: MIT
/*
 * ksrtp_forward on a thread whose crypto engine cannot be set up
 * (ipsec-mb's manager allocation fails: posix_memalign is made to fail
 * here): the peer's ksrtp_protect_batch() refuses the whole batch with
 * KSRTP_ENOMEM and sets no packet's status. Copies it never sealed must
 * not go out, least of all in clear: nothing sent, nothing on the wire,
 * every slot back.
 */
/* ring_test.h first: it defines _GNU_SOURCE. */
#include "ring_test.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>

#define N 4

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

struct job {
	ksrtp_ring *fw;
	const struct ksrtp_pkt *in;
	const struct ksrtp_forward_target *t;
	int ret;
};

static void *forward_thread(void *arg)
{
	struct job *j = arg;

	atomic_store(&fail_aligned, true);
	j->ret = ksrtp_forward(j->fw, j->in, N, j->t, 1);
	atomic_store(&fail_aligned, false);
	return NULL;
}

int main(void)
{
	static uint8_t plain[N][KSRTP_ARENA_SLOT], wire[KSRTP_ARENA_SLOT];
	struct ksrtp_forward_target t;
	struct ksrtp_pkt in[N];
	struct rt_link l;
	struct job job;
	ksrtp_session *stx;
	ksrtp_ring *fw;
	pthread_t th;
	unsigned int k;

	if (test_config().engine == KSRTP_ENGINE_KERNEL)
		return T_SKIP;	/* the module seals these, no ipsec-mb manager needed */
	rt_link_open(&l);
	fw = rt_ring(KSRTP_TX_SENDTO, KSRTP_RX_RECVMMSG, 0, 256, 16);
	stx = rt_session(KSRTP_OUTBOUND, RT_SSRC, 0);
	t = (struct ksrtp_forward_target){ .session = stx, .dest = { .fd = l.tx } };
	for (k = 0; k < N; k++)
		in[k] = (struct ksrtp_pkt){ .data = plain[k],
					    .len = rt_fill(plain[k], (uint16_t)k, 100) };

	job = (struct job){ .fw = fw, .in = in, .t = &t };
	CHECK(pthread_create(&th, NULL, forward_thread, &job) == 0);
	CHECK(pthread_join(th, NULL) == 0);
	CHECK_ERR(job.ret, 0);
	/* Nothing on the wire (a datagram sent before the call returned is queued by now). */
	CHECK(recv(l.rx, wire, sizeof(wire), MSG_DONTWAIT) < 0 && errno == EAGAIN);

	rt_check_slots(fw);
	ksrtp_ring_free(fw);
	ksrtp_session_free(stx);
	rt_link_close(&l);
	return test_result();
}
