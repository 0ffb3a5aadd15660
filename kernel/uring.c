// SPDX-License-Identifier: GPL-2.0
/*
 * IORING_OP_URING_CMD: cmd_op is KSRTP_IOC_SEAL or KSRTP_IOC_OPEN, the
 * payload a struct ksrtp_batch (16 bytes: fits a normal SQE at addr3).
 *
 * The batch runs to completion in the issuing context, all of its
 * requests submitted and then waited for once, and the result is returned
 * to io_uring, which posts it as the CQE's res. When io_uring issues
 * without blocking and the file is busy, -EAGAIN hands the command to
 * io_uring's worker, which issues it again allowed to block.
 */
#include <linux/fs.h>
#include <linux/ksrtp.h>

#include "batch.h"
#include "compat.h"
#include "uring.h"

int ksrtp_uring_cmd(struct io_uring_cmd *ioucmd, unsigned int issue_flags)
{
	struct ksrtp_file *f = ioucmd->file->private_data;
	const struct ksrtp_batch *payload;
	struct ksrtp_batch b;
	bool seal;

	switch (ioucmd->cmd_op) {
	case KSRTP_IOC_SEAL:
		seal = true;
		break;
	case KSRTP_IOC_OPEN:
		seal = false;
		break;
	default:
		return -ENOTTY;
	}
	if (ioucmd->flags)
		return -EINVAL;
	/* The payload may sit in the SQ ring, which userspace can write: read it once. */
	payload = ksrtp_uring_payload(ioucmd);
	b.descs = READ_ONCE(payload->descs);
	b.count = READ_ONCE(payload->count);
	b.flags = READ_ONCE(payload->flags);
	return ksrtp_batch_user(f, &b, seal, issue_flags & IO_URING_F_NONBLOCK);
}
