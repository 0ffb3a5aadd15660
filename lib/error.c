// SPDX-License-Identifier: MIT
/* Error names. */
#include "internal.h"

const char *ksrtp_strerror(int err)
{
	switch (err) {
	case KSRTP_OK:
		return "KSRTP_OK: success";
	case KSRTP_EAUTH:
		return "KSRTP_EAUTH: authentication failed";
	case KSRTP_EREPLAY:
		return "KSRTP_EREPLAY: replayed or too old packet";
	case KSRTP_EMALFORMED:
		return "KSRTP_EMALFORMED: malformed packet";
	case KSRTP_ENOSTREAM:
		return "KSRTP_ENOSTREAM: no stream for this SSRC";
	case KSRTP_ENOSPACE:
		return "KSRTP_ENOSPACE: buffer too small";
	case KSRTP_EINVAL:
		return "KSRTP_EINVAL: invalid argument";
	case KSRTP_ENOMEM:
		return "KSRTP_ENOMEM: out of memory";
	case KSRTP_EUNSUPPORTED:
		return "KSRTP_EUNSUPPORTED: not supported";
	case KSRTP_EKERNEL:
		return "KSRTP_EKERNEL: kernel engine failure";
	case KSRTP_EEXIST:
		return "KSRTP_EEXIST: stream already exists";
	case KSRTP_EINDEX:
		return "KSRTP_EINDEX: packet index space exhausted";
	case KSRTP_ENOCRYPTEX:
		return "KSRTP_ENOCRYPTEX: cryptex required, packet not cryptex-protected";
	default:
		return "unknown ksrtp error";
	}
}
