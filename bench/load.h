/* SPDX-License-Identifier: MIT */
/*
 * The relay load generator, shared by `ksrtp-bench load` and `ksrtp-bench
 * soak` (load.c). It starts ksrtp-relay on 127.0.0.1, or [::1] with
 * --family 6, with a config it writes (S sender streams, R receivers that get
 * every stream, each party with keys of its own), sends SRTP from S sockets
 * (S flows, so SO_REUSEPORT spreads them over the relay's workers;
 * --gen-threads sending threads share the senders), receives at the R
 * receivers (as many receiving threads) and checks each delivered packet: it
 * authenticates with that receiver's keys, its payload is byte for byte what
 * the sender sealed, and it arrives once. With --rtcp-every N each stream
 * also sends an SRTCP compound packet (SR and SDES CNAME) after every N RTP
 * packets, checked the same way and counted apart.
 *
 * Loss is accounted for: every packet not delivered must be one that a
 * socket dropped for a full buffer (the relay's, counted by the kernel in
 * /proc/net/udp or udp6, costs R deliveries; a receiver's costs one) or that
 * the relay failed to seal or send (its own counters). The kernel does not
 * say which kind a socket dropped; the relay's count of RTCP received says
 * how many of its socket's drops were SRTCP.
 *
 * Every run records the rate asked for (the target) beside the rate the
 * senders really offered (RTP sent / seconds): a sender scheduled late does
 * not make up for lost time in one burst, so on a busy machine it offers
 * less, and such a run is flagged (load_short()). With more CPUs than the
 * relay has workers, the relay runs on CPUs of its own and the generator on
 * the rest (load.c says why).
 */
#ifndef KSRTP_BENCH_LOAD_H
#define KSRTP_BENCH_LOAD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "bench.h"
#include "ksrtp/ksrtp.h"

#define LOAD_MAX_SENDERS 64
#define LOAD_MAX_RECEIVERS 16
#define LOAD_MAX_WORKERS 64
#define LOAD_MAX_GEN_THREADS 16

struct load_setup {
	const char *relay_path;		/* NULL: ksrtp-relay beside this program */
	const char *engine;		/* the relay's --engine: auto, user, kernel */
	const char *kernel_transport;	/* the relay's --kernel-transport: ioctl, uring */
	unsigned int senders;
	unsigned int receivers;
	unsigned int threads;		/* the relay's --threads */
	unsigned int gen_threads;	/* sending threads, and as many receiving */
	unsigned int payload;		/* RTP payload bytes (>= 8) */
	enum ksrtp_profile profile;	/* every party's */
	int family;			/* AF_INET (127.0.0.1) or AF_INET6 ([::1]) */
	unsigned int rtcp_every;	/* an SRTCP packet per stream every N RTP; 0: none */
};

/* One kind of packet's fate at the receivers: RTP, or SRTCP. */
struct load_count {
	uint64_t sent;			/* by the senders */
	uint64_t expected;		/* sent x receivers */
	uint64_t delivered;		/* authenticated, intact, first copy */
	uint64_t lost;			/* expected - delivered */
	uint64_t bad;			/* failed to open, damaged, duplicated, stray */
};

/*
 * Offered below this fraction of the target: the generator could not offer
 * the rate asked for, and the run is flagged.
 */
#define LOAD_SHORT_OF_TARGET 0.95

/* What one run delivered, and how the relay's workers spent the CPU. */
struct load_result {
	double seconds;			/* of sending */
	double busy_seconds;		/* that, and the drain after: to the last delivery */
	double target_pps;		/* RTP packets/s asked for; 0: as fast as the senders can */
	unsigned int receivers;		/* R */
	struct load_count rtp, rtcp;
	uint64_t relay_drops;		/* relay sockets' drops (each costs R) */
	uint64_t relay_rtcp_in;		/* SRTCP packets the relay read off its sockets */
	uint64_t receiver_drops;	/* receiver sockets' drops */
	/*
	 * Packets the kernel dropped on any CPU's input backlog
	 * (net.core.netdev_max_backlog; /proc/net/softnet_stat), which loopback
	 * traffic goes through before a socket: machine-wide, so an upper bound
	 * of ours, each costing 1 (to a receiver) to R (to the relay) deliveries.
	 */
	uint64_t backlog_drops;
	bool backlog_unknown;		/* the backlogs' count went down: not accounted */
	uint64_t relay_errors;		/* the relay's seal_errors + send_errors */
	uint64_t relay_reloads;		/* SIGHUPs the relay has taken, since it started */
	double offered_pps;		/* RTP sent / seconds: what the senders really offered */
	uint64_t late_skipped;		/* RTP packets not sent: a sender was scheduled too late */
	double relay_pps;		/* RTP packets in that the relay forwarded: delivered / R /
					 * busy_seconds */
	unsigned int workers;
	/* CPU time, % of one core, over busy_seconds (the senders' over seconds) */
	double worker_cpu[LOAD_MAX_WORKERS];	/* per relay worker */
	double generator_cpu;		/* this process (senders and receivers) */
	double sender_cpu;		/* the sending threads together */
};

struct load;

/* Keys, sockets, config; the relay started and listening. NULL (said why on stderr). */
struct load *load_start(const struct load_setup *setup);

/*
 * Send for ms milliseconds at rate packets/s (0: as fast as the senders
 * can), then wait until deliveries stop, and account. If tick is not NULL it
 * is called about once a second while sending (soak samples RSS there).
 * 0, or -1 when the relay or the generator failed.
 */
int load_run(struct load *l, double rate, unsigned int ms, struct load_result *out,
	     void (*tick)(void *ctx, double seconds), void *ctx);

/* A run at a target rate that offered less than LOAD_SHORT_OF_TARGET of it. */
bool load_short(const struct load_result *r);

/*
 * What the relay forwards in overload, and the capacity: the most it
 * sustains without loss. Rates count RTP packets; with --rtcp-every N an
 * SRTCP packet rides along every N, and a lost one is a loss too.
 */
struct load_capacity {
	double overload_pps;		/* median packets/s in, offered all the senders can */
	double sustained_pps;		/* the least offered (really sent and delivered)
					 * in the runs of the highest target at which all
					 * lost nothing and were kept up with */
	double sustained_target_pps;	/* the rate those runs asked for */
	bool sustained_short;		/* that run offered less than it asked for: the
					 * capacity is a lower bound */
	bool saturated;			/* the relay's socket overflowed in overload: if
					 * not, the generator was the bottleneck */
	double overload[BENCH_MAX_RUNS];
};

/*
 * runs overload runs of ms each, then, at falling rates from their median,
 * runs runs at each until all of them lose nothing and are kept up with
 * (load.c's CAPACITY_KEPT_UP_S); rows on stdout, every run into json. 0, or
 * -1 when a run failed, was not accounted for, or no rate was sustained.
 */
int load_capacity(struct load *l, unsigned int runs, unsigned int ms, struct load_capacity *c,
		  json_object *json);

/*
 * The loss is exactly what the counted drops explain, nothing arrived
 * damaged or twice (with input backlog drops, which cannot be told apart,
 * the loss lies between the socket drops and those plus R x the backlog's):
 * RTP and SRTCP lost add up to the drops, and each kind
 * lost at least the R copies of what the relay's socket dropped of it.
 */
bool load_accounted(const struct load_result *r);
/* Deliveries lost, RTP and SRTCP. */
uint64_t load_lost(const struct load_result *r);

/* The relay's process (soak sends it SIGHUP while packets flow). */
pid_t load_relay_pid(const struct load *l);
/* The relay's resident set (VmRSS), KiB; 0 if unknown. */
unsigned long load_relay_rss_kib(const struct load *l);

/* SIGTERM the relay (it must exit 0) and free everything; 0 or -1. */
int load_stop(struct load *l);

/* One run's line: target, offered, relay, delivered, drops, CPU; a short run flagged. */
void load_print(FILE *f, const char *label, const struct load_result *r);

/*
 * A run at a fraction of the capacity (load's check, soak's run): the
 * rate offered as a percentage of the capacity beside the target's, a
 * short run flagged, and the no-loss check said to hold at the offered
 * rate only; the same into json as fraction_pct and
 * offered_pct_of_capacity.
 */
void load_print_fraction(FILE *f, const char *what, const struct load_result *r,
			 const struct load_capacity *c, unsigned int fraction, json_object *json);

/* ---- what `load` and `soak` share: the setup's options, the table ---- */

enum load_setup_option {
	LOAD_OPT_RELAY = 1,
	LOAD_OPT_SENDERS,
	LOAD_OPT_RECEIVERS,
	LOAD_OPT_THREADS,
	LOAD_OPT_PAYLOAD,
	LOAD_OPT_PROFILE,
	LOAD_OPT_ENGINE,
	LOAD_OPT_GEN_THREADS,
	LOAD_OPT_FAMILY,
	LOAD_OPT_RTCP_EVERY,
	LOAD_OPT_KERNEL_TRANSPORT,
	LOAD_OPT_NEXT,		/* a subcommand's own options from here */
};

#define LOAD_SETUP_OPTIONS						\
	{ "relay", required_argument, NULL, LOAD_OPT_RELAY },		\
	{ "senders", required_argument, NULL, LOAD_OPT_SENDERS },	\
	{ "receivers", required_argument, NULL, LOAD_OPT_RECEIVERS },	\
	{ "threads", required_argument, NULL, LOAD_OPT_THREADS },	\
	{ "payload", required_argument, NULL, LOAD_OPT_PAYLOAD },	\
	{ "profile", required_argument, NULL, LOAD_OPT_PROFILE },	\
	{ "engine", required_argument, NULL, LOAD_OPT_ENGINE },		\
	{ "gen-threads", required_argument, NULL, LOAD_OPT_GEN_THREADS },	\
	{ "family", required_argument, NULL, LOAD_OPT_FAMILY },		\
	{ "rtcp-every", required_argument, NULL, LOAD_OPT_RTCP_EVERY },	\
	{ "kernel-transport", required_argument, NULL, LOAD_OPT_KERNEL_TRANSPORT }

#define LOAD_SETUP_HELP								\
	"  --senders N      sender streams, each from its own socket (default 4; 1..64)\n" \
	"  --receivers N    receivers, each gets every stream (default 2; 1..16)\n"	\
	"  --threads N      relay workers, --threads of ksrtp-relay (default 1)\n"	\
	"  --gen-threads N  the generator's sending threads, and as many receiving\n" \
	"                   (default 1; to saturate a relay with several workers)\n" \
	"  --payload N      RTP payload bytes (default 200; 8..1400)\n"		\
	"  --profile NAME   AEAD_AES_128_GCM (default), AEAD_AES_256_GCM,\n"	\
	"                   AES_CM_128_HMAC_SHA1_80, AES_CM_128_HMAC_SHA1_32\n"	\
	"  --engine E       the relay's engine: auto (default), user, kernel\n"	\
	"  --kernel-transport T\n"						\
	"                   how the relay's kernel engine reaches ksrtp.ko: ioctl\n" \
	"                   (default) or uring (its --kernel-transport)\n"	\
	"  --family 4|6     every socket and the relay on 127.0.0.1 (4, default) or\n" \
	"                   [::1] (6)\n"						\
	"  --rtcp-every N   each stream also sends an SRTCP packet (an SR and SDES\n" \
	"                   CNAME) after every N RTP ones, checked and counted apart\n" \
	"                   (default 0: none; 1..1000000); rates count RTP only\n" \
	"  --relay PATH     ksrtp-relay to run (default: the one beside ksrtp-bench)\n"

void load_setup_defaults(struct load_setup *s);
/* One of LOAD_SETUP_OPTIONS: 0, 1 for a bad value; -1 when val is not one of them. */
int load_parse_setup(struct load_setup *s, int val, const char *arg);
/* The setup, and the header of load_print()'s table. */
void load_print_header(FILE *f, const struct load_setup *s);
json_object *load_result_json(const struct load_result *r);
/* The setup's choices that shape the figures: family, profile, parties, SRTCP, engine. */
json_object *load_setup_json(const struct load_setup *s);

#endif /* KSRTP_BENCH_LOAD_H */
