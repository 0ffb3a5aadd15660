// SPDX-License-Identifier: MIT
/*
 * The packet path of one worker: a batch in, opened in one call, each packet
 * copied once per receiver of its stream, the copies sealed in one call per
 * receiver (each receiver is its own session, its own keys), and all of them
 * sent in one go, a train per receiver (io.c). SRTCP takes the same path,
 * opened and sealed one packet at a time (the library has no RTCP batch),
 * so that the receivers' RTCP is their own session's (RFC 3711 section 3.4:
 * each SRTCP index is per receiver's stream). Nothing here takes a lock or
 * allocates: the worker owns every session and buffer it touches.
 */
#include <string.h>

#include "relay.h"

/* RFC 5761 section 4: RTCP packet types 192..223 in the second octet. */
static bool is_rtcp(const struct ksrtp_pkt *p)
{
	return p->len >= 2 && p->data[1] >= 192 && p->data[1] <= 223;
}

/*
 * The SSRC of an opened packet: RTP's at octets 8..11 (RFC 3550 section
 * 5.1), RTCP's first packet's sender at octets 4..7 (section 6.4.1), the
 * one the library keys SRTCP by.
 */
static uint32_t pkt_ssrc(const struct ksrtp_pkt *p, bool rtcp)
{
	const uint8_t *d = p->data + (rtcp ? 4 : 8);

	return (uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 | (uint32_t)d[2] << 8 | d[3];
}

/* Fanout of an opened packet: its receivers in *first, their count returned. */
static unsigned int receivers_of(const struct relay_config *cfg, const struct ksrtp_pkt *p,
				 bool rtcp, const unsigned int **first)
{
	int s = relay_config_stream(cfg, pkt_ssrc(p, rtcp));

	/* Opened means the session has the stream, and the session matches cfg. */
	if (s < 0)
		return 0;
	*first = &cfg->fanout[cfg->fanout_start[s]];
	return cfg->fanout_start[s + 1] - cfg->fanout_start[s];
}

static void fail_all(struct ksrtp_pkt *v, unsigned int n, int err)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		v[i].status = err;
}

/* Without a session (it could not be made) nothing seals, and nothing goes out in clear. */
static void seal(ksrtp_session *s, struct ksrtp_pkt *v, unsigned int n, bool rtcp)
{
	unsigned int i;

	if (!rtcp) {
		if (ksrtp_protect_batch(s, v, n) < 0)
			fail_all(v, n, KSRTP_EINVAL);
		return;
	}
	for (i = 0; i < n; i++) {
		size_t len = v[i].len;

		v[i].status = s ? ksrtp_protect_rtcp(s, v[i].data, &len, v[i].cap) : KSRTP_EINVAL;
		v[i].len = (uint32_t)len;
	}
}

/* The same for opening: the inbound session, every sender stream. */
static void open_batch(ksrtp_session *s, struct ksrtp_pkt *v, unsigned int n, bool rtcp)
{
	unsigned int i;

	if (!rtcp) {
		if (ksrtp_unprotect_batch(s, v, n) < 0)
			fail_all(v, n, KSRTP_EINVAL);
		return;
	}
	for (i = 0; i < n; i++) {
		size_t len = v[i].len;

		v[i].status = s ? ksrtp_unprotect_rtcp(s, v[i].data, &len) : KSRTP_EINVAL;
		v[i].len = (uint32_t)len;
	}
}

static void swap_pkt(struct ksrtp_pkt *a, struct ksrtp_pkt *b)
{
	struct ksrtp_pkt p = *a;

	*a = *b;
	*b = p;
}

/*
 * Copy, seal and send the opened packets rx[start..end), all RTP or all
 * RTCP; they fan out to total copies.
 */
static void seal_and_send(struct relay_forward *f, unsigned int start, unsigned int end,
			  unsigned int total, bool rtcp)
{
	const struct relay_config *cfg = f->cfg;
	unsigned int i, k, n, r, sum = 0, sealed = 0, nt = 0, unsent;
	const unsigned int *rcv;

	if (relay_io_get(f->io, f->tx, total)) {
		f->counters.send_errors += total;	/* no buffer: the transport is stuck */
		return;
	}
	memset(f->count, 0, cfg->nreceivers * sizeof(*f->count));
	for (i = start; i < end; i++)
		if (!f->rx[i].status)
			for (n = receivers_of(cfg, &f->rx[i], rtcp, &rcv), k = 0; k < n; k++)
				f->count[rcv[k]]++;
	/* Each receiver's copies side by side: one protect_batch, one train per receiver. */
	for (r = 0; r < cfg->nreceivers; r++) {
		f->first[r] = sum;
		sum += f->count[r];
		f->count[r] = 0;
	}
	for (i = start; i < end; i++) {
		if (f->rx[i].status)
			continue;
		for (n = receivers_of(cfg, &f->rx[i], rtcp, &rcv), k = 0; k < n; k++) {
			struct ksrtp_pkt *t = &f->tx[f->first[rcv[k]] + f->count[rcv[k]]++];

			memcpy(t->data, f->rx[i].data, f->rx[i].len);
			t->len = f->rx[i].len;
			t->cap = RELAY_SLOT;
		}
	}
	for (r = 0; r < cfg->nreceivers; r++) {
		struct ksrtp_pkt *v = &f->tx[f->first[r]];

		if (!f->count[r])
			continue;
		seal(f->out[r], v, f->count[r], rtcp);
		/* What sealed to the front of the train; the rest goes back unsent. */
		for (i = 0, k = 0; i < f->count[r]; i++)
			if (!v[i].status)
				swap_pkt(&v[k++], &v[i]);
		relay_io_release(f->io, v + k, f->count[r] - k);
		if (k)
			f->trains[nt++] = (struct relay_train){ &cfg->receivers[r].addr, v, k };
		sealed += k;
	}
	f->counters.seal_errors += total - sealed;
	unsent = relay_io_send(f->io, f->trains, nt);
	f->counters.send_errors += unsent;
	f->counters.forwarded += sealed - unsent;
}

/* Open rx[start..end), all RTP or all RTCP, and forward it in chunks whose copies fit. */
static void forward(struct relay_forward *f, unsigned int start, unsigned int end, bool rtcp)
{
	const unsigned int *rcv;
	unsigned int i, first, total;

	open_batch(f->in, &f->rx[start], end - start, rtcp);
	for (i = start; i < end;) {
		for (first = i, total = 0; i < end; i++) {
			unsigned int k = f->rx[i].status ? 0 :
					 receivers_of(f->cfg, &f->rx[i], rtcp, &rcv);

			if (total + k > RELAY_TX_SLOTS)
				break;
			total += k;
		}
		seal_and_send(f, first, i, total, rtcp);
	}
}

int relay_forward_batch(struct relay_forward *f, int timeout_ms)
{
	unsigned int i, m = 0, c = 0;
	int n;

	n = relay_io_recv(f->io, f->rx, RELAY_BATCH, timeout_ms);
	if (n <= 0)
		return 0;
	f->counters.received += (unsigned int)n;
	/*
	 * RTP to the front, RTCP behind it: each kind opened and sealed its own
	 * way. Both keep their order of arrival: an SRTCP index more than the
	 * replay window (RFC 3711 section 3.3.2) below one already opened is
	 * refused, so a later SRTCP packet opened first would drop an earlier one.
	 */
	for (i = 0; i < (unsigned int)n; i++) {
		if (is_rtcp(&f->rx[i]))
			f->rtcp[c++] = f->rx[i];
		else
			f->rx[m++] = f->rx[i];
	}
	memcpy(&f->rx[m], f->rtcp, c * sizeof(f->rtcp[0]));
	f->counters.rtcp += c;
	forward(f, 0, m, false);
	forward(f, m, (unsigned int)n, true);
	relay_io_release(f->io, f->rx, (unsigned int)n);
	return n;
}
