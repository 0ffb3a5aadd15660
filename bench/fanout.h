/* SPDX-License-Identifier: MIT */
/*
 * ksrtp-bench fanout's limits that other subcommands plan with: the report
 * gives it --threads 1,2,4,...,<the CPUs it may use>, which must stay
 * within them on a machine of any size; and the scaling target.
 */
#ifndef KSRTP_BENCH_FANOUT_H
#define KSRTP_BENCH_FANOUT_H

#define FANOUT_MAX_THREADS 64		/* the largest count --threads takes */
#define FANOUT_MAX_THREAD_COUNTS 8	/* the most counts in its list, 1 included */
/* ksrtp's scaling target, judged by the report: >= 0.85 x linear, 1 to 16 threads. */
#define FANOUT_SCALING_TARGET 0.85
#define FANOUT_SCALING_THREADS 16

#endif /* KSRTP_BENCH_FANOUT_H */
