/* SPDX-License-Identifier: GPL-2.0 */
/* The raw AEAD loop for ksrtp-bench kernel, in debugfs (bench.c). */
#ifndef _KSRTP_BENCH_H
#define _KSRTP_BENCH_H

void ksrtp_bench_init(void);
void ksrtp_bench_exit(void);

#endif /* _KSRTP_BENCH_H */
