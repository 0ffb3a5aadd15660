// SPDX-License-Identifier: MIT
/*
 * An LD_PRELOAD shim for tests/relay/packet_path_calls: it counts, in every
 * thread of the process it is loaded into, the calls that take a lock or
 * touch the heap, and at exit writes the counts to the file named by
 * KSRTP_COUNT_CALLS_OUT, one "name count" line each.
 *
 * Only calls that go through the dynamic linker are seen: the relay's and
 * libksrtp.a's (linked into it), liburing's and ipsec-mb's. glibc's own
 * allocations are seen too (glibc routes them through the interposable
 * malloc), its internal locks are not (they are not pthread_mutex_lock).
 *
 * Each wrapper counts, then calls the next definition (dlsym RTLD_NEXT):
 * libc's, or the sanitizer runtime's in a SAN=1 build. dlsym may itself
 * allocate before the real allocator is known; that is served from a static
 * buffer and never handed on to the real free.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default")))

enum counted {
	C_MALLOC, C_CALLOC, C_REALLOC, C_REALLOCARRAY, C_FREE, C_ALIGNED_ALLOC,
	C_POSIX_MEMALIGN, C_MEMALIGN, C_VALLOC,
	C_MUTEX_LOCK, C_MUTEX_TRYLOCK, C_MUTEX_TIMEDLOCK,
	C_RWLOCK_RDLOCK, C_RWLOCK_TRYRDLOCK, C_RWLOCK_WRLOCK, C_RWLOCK_TRYWRLOCK,
	C_SPIN_LOCK, C_SPIN_TRYLOCK, C_COND_WAIT, C_COND_TIMEDWAIT,
	C_SEM_WAIT, C_SEM_TIMEDWAIT, C_SEM_TRYWAIT,
	C_N
};

/* "alloc.*" and "lock.*": the test sums each kind. */
static const char *const names[C_N] = {
	[C_MALLOC] = "alloc.malloc",
	[C_CALLOC] = "alloc.calloc",
	[C_REALLOC] = "alloc.realloc",
	[C_REALLOCARRAY] = "alloc.reallocarray",
	[C_FREE] = "alloc.free",
	[C_ALIGNED_ALLOC] = "alloc.aligned_alloc",
	[C_POSIX_MEMALIGN] = "alloc.posix_memalign",
	[C_MEMALIGN] = "alloc.memalign",
	[C_VALLOC] = "alloc.valloc",
	[C_MUTEX_LOCK] = "lock.pthread_mutex_lock",
	[C_MUTEX_TRYLOCK] = "lock.pthread_mutex_trylock",
	[C_MUTEX_TIMEDLOCK] = "lock.pthread_mutex_timedlock",
	[C_RWLOCK_RDLOCK] = "lock.pthread_rwlock_rdlock",
	[C_RWLOCK_TRYRDLOCK] = "lock.pthread_rwlock_tryrdlock",
	[C_RWLOCK_WRLOCK] = "lock.pthread_rwlock_wrlock",
	[C_RWLOCK_TRYWRLOCK] = "lock.pthread_rwlock_trywrlock",
	[C_SPIN_LOCK] = "lock.pthread_spin_lock",
	[C_SPIN_TRYLOCK] = "lock.pthread_spin_trylock",
	[C_COND_WAIT] = "lock.pthread_cond_wait",
	[C_COND_TIMEDWAIT] = "lock.pthread_cond_timedwait",
	[C_SEM_WAIT] = "lock.sem_wait",
	[C_SEM_TIMEDWAIT] = "lock.sem_timedwait",
	[C_SEM_TRYWAIT] = "lock.sem_trywait",
};

static atomic_ulong counts[C_N];

static void count(enum counted c)
{
	atomic_fetch_add_explicit(&counts[c], 1, memory_order_relaxed);
}

/* The next definition of name; the process cannot go on without it. */
static void *next(const char *name)
{
	void *f = dlsym(RTLD_NEXT, name);

	if (!f) {
		static const char msg[] = "count_calls.so: a symbol is missing\n";

		(void)!write(2, msg, sizeof(msg) - 1);
		abort();
	}
	return f;
}

/* ---- the heap ---- */

static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static void *(*real_reallocarray)(void *, size_t, size_t);
static void (*real_free)(void *);
static void *(*real_aligned_alloc)(size_t, size_t);
static int (*real_posix_memalign)(void **, size_t, size_t);
static void *(*real_memalign)(size_t, size_t);
static void *(*real_valloc)(size_t);

/* What dlsym allocates while the allocator is being looked up. */
static _Alignas(64) char bootstrap[4096];
static size_t bootstrap_used;
static int resolving;

static bool from_bootstrap(const void *p)
{
	return (const char *)p >= bootstrap && (const char *)p < bootstrap + sizeof(bootstrap);
}

static void *bootstrap_alloc(size_t size)
{
	size_t at = (bootstrap_used + 15) & ~(size_t)15;

	if (size > sizeof(bootstrap) - at)
		return NULL;
	bootstrap_used = at + size;
	return memset(bootstrap + at, 0, size);
}

/*
 * The first allocation comes before any thread is started (the dynamic
 * linker, libc's start), so this runs once, in one thread.
 */
static void resolve_heap(void)
{
	resolving = 1;
	real_malloc = next("malloc");
	real_calloc = next("calloc");
	real_realloc = next("realloc");
	real_reallocarray = next("reallocarray");
	real_free = next("free");
	real_aligned_alloc = next("aligned_alloc");
	real_posix_memalign = next("posix_memalign");
	real_memalign = next("memalign");
	real_valloc = next("valloc");
	resolving = 0;
}

EXPORT void *malloc(size_t size)
{
	if (resolving)
		return bootstrap_alloc(size);
	if (!real_malloc)
		resolve_heap();
	count(C_MALLOC);
	return real_malloc(size);
}

EXPORT void *calloc(size_t n, size_t size)
{
	if (resolving)
		return n && size > sizeof(bootstrap) / n ? NULL : bootstrap_alloc(n * size);
	if (!real_calloc)
		resolve_heap();
	count(C_CALLOC);
	return real_calloc(n, size);
}

EXPORT void *realloc(void *p, size_t size)
{
	if (!real_realloc && !resolving)
		resolve_heap();
	if (from_bootstrap(p)) {
		/* Never given back; its size is at most what follows it in the buffer. */
		size_t room = (size_t)(bootstrap + sizeof(bootstrap) - (char *)p);
		void *q = malloc(size);

		if (q)
			memcpy(q, p, size < room ? size : room);
		return q;
	}
	if (resolving)
		return bootstrap_alloc(size);
	count(C_REALLOC);
	return real_realloc(p, size);
}

EXPORT void *reallocarray(void *p, size_t n, size_t size)
{
	if (!real_reallocarray)
		resolve_heap();
	count(C_REALLOCARRAY);
	return real_reallocarray(p, n, size);
}

EXPORT void free(void *p)
{
	if (from_bootstrap(p))
		return;
	if (!real_free)
		resolve_heap();
	count(C_FREE);
	real_free(p);
}

EXPORT void *aligned_alloc(size_t align, size_t size)
{
	if (!real_aligned_alloc)
		resolve_heap();
	count(C_ALIGNED_ALLOC);
	return real_aligned_alloc(align, size);
}

EXPORT int posix_memalign(void **out, size_t align, size_t size)
{
	if (!real_posix_memalign)
		resolve_heap();
	count(C_POSIX_MEMALIGN);
	return real_posix_memalign(out, align, size);
}

EXPORT void *memalign(size_t align, size_t size)
{
	if (!real_memalign)
		resolve_heap();
	count(C_MEMALIGN);
	return real_memalign(align, size);
}

EXPORT void *valloc(size_t size)
{
	if (!real_valloc)
		resolve_heap();
	count(C_VALLOC);
	return real_valloc(size);
}

/* ---- locks and waits ---- */

/*
 * A wrapper that counts c and calls the next fn. The pointer is looked up
 * on the first call; two threads doing so at once store the same value.
 */
#define WRAP(c, ret, fn, params, args)                                              \
	EXPORT ret fn params                                                        \
	{                                                                           \
		static ret (*_Atomic real) params;                                  \
		ret (*f) params = atomic_load_explicit(&real, memory_order_relaxed); \
                                                                                    \
		if (!f) {                                                           \
			f = (ret (*) params)next(#fn);                              \
			atomic_store_explicit(&real, f, memory_order_relaxed);      \
		}                                                                   \
		count(c);                                                           \
		return f args;                                                      \
	}

WRAP(C_MUTEX_LOCK, int, pthread_mutex_lock, (pthread_mutex_t *m), (m))
WRAP(C_MUTEX_TRYLOCK, int, pthread_mutex_trylock, (pthread_mutex_t *m), (m))
WRAP(C_MUTEX_TIMEDLOCK, int, pthread_mutex_timedlock,
     (pthread_mutex_t *m, const struct timespec *t), (m, t))
WRAP(C_RWLOCK_RDLOCK, int, pthread_rwlock_rdlock, (pthread_rwlock_t *l), (l))
WRAP(C_RWLOCK_TRYRDLOCK, int, pthread_rwlock_tryrdlock, (pthread_rwlock_t *l), (l))
WRAP(C_RWLOCK_WRLOCK, int, pthread_rwlock_wrlock, (pthread_rwlock_t *l), (l))
WRAP(C_RWLOCK_TRYWRLOCK, int, pthread_rwlock_trywrlock, (pthread_rwlock_t *l), (l))
WRAP(C_SPIN_LOCK, int, pthread_spin_lock, (pthread_spinlock_t *l), (l))
WRAP(C_SPIN_TRYLOCK, int, pthread_spin_trylock, (pthread_spinlock_t *l), (l))
WRAP(C_COND_WAIT, int, pthread_cond_wait, (pthread_cond_t *c, pthread_mutex_t *m), (c, m))
WRAP(C_COND_TIMEDWAIT, int, pthread_cond_timedwait,
     (pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *t), (c, m, t))
WRAP(C_SEM_WAIT, int, sem_wait, (sem_t *s), (s))
WRAP(C_SEM_TIMEDWAIT, int, sem_timedwait, (sem_t *s, const struct timespec *t), (s, t))
WRAP(C_SEM_TRYWAIT, int, sem_trywait, (sem_t *s), (s))

/* ---- the report ---- */

/* At exit (the relay returns from main after SIGTERM): no stdio, no heap. */
__attribute__((destructor)) static void report(void)
{
	const char *path = getenv("KSRTP_COUNT_CALLS_OUT");
	char line[96];
	int fd, i, n;

	if (!path)
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	for (i = 0; i < C_N; i++) {
		n = snprintf(line, sizeof(line), "%s %lu\n", names[i],
			     atomic_load_explicit(&counts[i], memory_order_relaxed));
		if (write(fd, line, (size_t)n) != n)
			break;
	}
	close(fd);
}
