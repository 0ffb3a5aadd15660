/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KSRTP_SELFTEST_H
#define _KSRTP_SELFTEST_H

/* RFC 7714 and RFC 3711 known answers through the batch path; 0 or -errno. */
int ksrtp_selftest(void);

#endif /* _KSRTP_SELFTEST_H */
