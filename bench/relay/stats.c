// SPDX-License-Identifier: MIT
/*
 * The counters dump, one "name key=value ..." line each, summed over the
 * workers: the relay's own counters, what the inbound sessions refused and
 * why (ksrtp_session_stats), then per stream what the library counted
 * opening it (auth_failures, replays and malformed are the attack
 * telemetry: a burst of auth failures on one stream is someone probing it),
 * then per receiver what was sealed for it. Names, SSRCs, addresses and
 * profiles only: never key material.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "relay.h"

/* An engine, or a stream's (KSRTP_ENGINE_USER/KERNEL, negative: none set up). */
static const char *engine_name(int e)
{
	return e == KSRTP_ENGINE_KERNEL ? "kernel" : e == KSRTP_ENGINE_USER ? "user" :
	       e == KSRTP_ENGINE_AUTO ? "auto" : "none";
}

static void print_counters(FILE *f, const char *what, const struct relay_counters *c)
{
	fprintf(f,
		"%s received=%llu forwarded=%llu rtcp=%llu seal_errors=%llu "
		"send_errors=%llu rx_overflow=%llu\n",
		what, (unsigned long long)c->received, (unsigned long long)c->forwarded,
		(unsigned long long)c->rtcp,
		(unsigned long long)c->seal_errors, (unsigned long long)c->send_errors,
		(unsigned long long)c->rx_overflow);
}

static void add_counters(struct relay_counters *sum, const struct relay_counters *c)
{
	sum->received += c->received;
	sum->forwarded += c->forwarded;
	sum->rtcp += c->rtcp;
	sum->seal_errors += c->seal_errors;
	sum->send_errors += c->send_errors;
	sum->rx_overflow += c->rx_overflow;
}

/* enum ksrtp_malformed_reason, as the stats name them. */
static const char *const malformed_names[] = {
	[KSRTP_MALFORMED_TOO_SHORT] = "too_short",
	[KSRTP_MALFORMED_VERSION] = "version",
	[KSRTP_MALFORMED_CSRC] = "csrc",
	[KSRTP_MALFORMED_EXTENSION] = "extension",
	[KSRTP_MALFORMED_NO_TAG] = "no_tag",
	[KSRTP_MALFORMED_RTCP_SHORT] = "rtcp_short",
	[KSRTP_MALFORMED_RTCP_E_FLAG] = "rtcp_e_flag",
	[KSRTP_MALFORMED_PADDING] = "padding",
	[KSRTP_MALFORMED_OVERSIZE] = "oversize",
	[KSRTP_MALFORMED_OTHER] = "other",
};

/*
 * What every worker's inbound session refused: the packets no stream
 * counts (unknown SSRCs, headers too broken to trust their SSRC) included.
 */
static void print_inbound(FILE *f, struct relay_worker *const *workers, unsigned int n)
{
	struct ksrtp_session_stats sum;
	unsigned int k, i;

	memset(&sum, 0, sizeof(sum));
	for (k = 0; k < n; k++) {
		const struct ksrtp_session_stats *s = &relay_worker_snapshot(workers[k])->inbound;

		sum.auth_failures += s->auth_failures;
		sum.replays += s->replays;
		sum.malformed += s->malformed;
		sum.unknown_ssrc += s->unknown_ssrc;
		sum.no_cryptex += s->no_cryptex;
		for (i = 0; i < KSRTP_MALFORMED_SLOTS; i++)
			sum.malformed_by[i] += s->malformed_by[i];
	}
	fprintf(f, "inbound auth_failures=%llu replays=%llu unknown_ssrc=%llu no_cryptex=%llu "
		"malformed=%llu", (unsigned long long)sum.auth_failures,
		(unsigned long long)sum.replays, (unsigned long long)sum.unknown_ssrc,
		(unsigned long long)sum.no_cryptex, (unsigned long long)sum.malformed);
	for (i = 0; i < sizeof(malformed_names) / sizeof(malformed_names[0]); i++)
		fprintf(f, " malformed_%s=%llu", malformed_names[i],
			(unsigned long long)sum.malformed_by[i]);
	fputc('\n', f);
}

void relay_stats_add(struct ksrtp_stats *sum, const struct ksrtp_stats *s)
{
	sum->packets += s->packets;
	sum->bytes += s->bytes;
	sum->auth_failures += s->auth_failures;
	sum->replays += s->replays;
	sum->malformed += s->malformed;
}

/* A stream's or receiver's figures over every worker; the engine is the first worker's. */
static struct relay_figures sum_figures(struct relay_worker *const *workers, unsigned int n,
					bool receiver, unsigned int i)
{
	struct relay_figures sum = { .engine = -1 };
	unsigned int k;

	for (k = 0; k < n; k++) {
		const struct relay_snapshot *s = relay_worker_snapshot(workers[k]);
		const struct relay_figures *fig;

		if (i >= (receiver ? s->nreceivers : s->nstreams))
			continue;
		fig = receiver ? &s->receivers[i] : &s->streams[i];
		relay_stats_add(&sum.stats, &fig->stats);
		if (sum.engine < 0)
			sum.engine = fig->engine;
	}
	return sum;
}

void relay_stats_print(FILE *f, const struct relay_config *cfg,
		       struct relay_worker *const *workers, unsigned int nworkers,
		       unsigned long reloads)
{
	struct relay_counters total;
	char what[64], io[64];
	unsigned int i;

	fprintf(f, "relay engine=%s io=%s workers=%u streams=%u receivers=%u reloads=%lu\n",
		engine_name(relay_worker_engine(workers[0])),
		relay_worker_io(workers[0], io, sizeof(io)), nworkers, cfg->nstreams,
		cfg->nreceivers, reloads);
	memset(&total, 0, sizeof(total));
	for (i = 0; i < nworkers; i++) {
		const struct relay_snapshot *s = relay_worker_snapshot(workers[i]);

		snprintf(what, sizeof(what), "worker id=%u", i);
		print_counters(f, what, &s->counters);
		add_counters(&total, &s->counters);
	}
	print_counters(f, "total", &total);
	print_inbound(f, workers, nworkers);
	for (i = 0; i < cfg->nstreams; i++) {
		const struct relay_stream *st = &cfg->streams[i];
		struct relay_figures s = sum_figures(workers, nworkers, false, i);

		fprintf(f,
			"stream ssrc=0x%08x profile=%s line=%u engine=%s packets=%llu bytes=%llu "
			"auth_failures=%llu replays=%llu malformed=%llu\n",
			st->ssrc, relay_profile_name(st->keys.profile), st->config_line,
			engine_name(s.engine), (unsigned long long)s.stats.packets,
			(unsigned long long)s.stats.bytes,
			(unsigned long long)s.stats.auth_failures,
			(unsigned long long)s.stats.replays, (unsigned long long)s.stats.malformed);
	}
	for (i = 0; i < cfg->nreceivers; i++) {
		const struct relay_receiver *r = &cfg->receivers[i];
		struct relay_figures s = sum_figures(workers, nworkers, true, i);
		char addr[RELAY_ADDR_STRLEN];

		fprintf(f, "receiver addr=%s profile=%s line=%u engine=%s sealed=%llu bytes=%llu\n",
			relay_addr_str(&r->addr, addr, sizeof(addr)),
			relay_profile_name(r->keys.profile), r->config_line,
			engine_name(s.engine), (unsigned long long)s.stats.packets,
			(unsigned long long)s.stats.bytes);
	}
	fflush(f);
}

int relay_stats_write(const char *path, const struct relay_config *cfg,
		      struct relay_worker *const *workers, unsigned int nworkers,
		      unsigned long reloads)
{
	char tmp[4096];
	FILE *f;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	relay_stats_print(f, cfg, workers, nworkers, reloads);
	if (ferror(f) | fclose(f) || rename(tmp, path)) {
		int e = -errno;

		unlink(tmp);
		return e ? e : -EIO;
	}
	return 0;
}
