/* SPDX-License-Identifier: MIT */
/*
 * ksrtp-bench fanout's limits that other subcommands plan with: the report
 * gives it --threads 1,2,4,...,<online CPUs>, which must stay within them
 * on a machine of any size.
 */
#ifndef KSRTP_BENCH_FANOUT_H
#define KSRTP_BENCH_FANOUT_H

#define FANOUT_MAX_THREADS 64		/* the largest count --threads takes */
#define FANOUT_MAX_THREAD_COUNTS 8	/* the most counts in its list, 1 included */

#endif /* KSRTP_BENCH_FANOUT_H */
