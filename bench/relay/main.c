// SPDX-License-Identifier: MIT
/*
 * ksrtp-relay: arguments, signals, the workers' lifetime.
 *
 * The main thread handles every signal synchronously (sigwaitinfo), so
 * nothing runs in a signal handler; the workers block them all.
 *   SIGHUP   reload the config: unchanged streams and receivers keep their
 *            state, added ones appear, removed ones go; a bad file is
 *            refused and the running config stays
 *   SIGUSR1  write the counters (stats.c)
 *   SIGTERM  drain and exit 0 (SIGINT too)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "relay.h"

#define MAX_THREADS 256

struct relay {
	const char *config_path;
	const char *stats_path;		/* NULL: stderr */
	struct relay_config *cfg;
	struct relay_worker *workers[MAX_THREADS];
	unsigned int nworkers;
	struct ksrtp_config session;	/* every worker's sessions: engine, kernel transport */
	unsigned long reloads;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ksrtp-relay [options] CONFIG\n\n"
		"Forward SRTP from senders to receivers, opened with each sender's keys and\n"
		"sealed again with each receiver's (the config format is in README.md).\n\n"
		"  --threads N        workers, one per core (default 1): each has its own\n"
		"                     socket on the listen port (SO_REUSEPORT) and sessions\n"
		"  --engine E         auto (default: the kernel's when /dev/ksrtp is usable),\n"
		"                     user or kernel\n"
		"  --kernel-transport T\n"
		"                     how the kernel engine reaches ksrtp.ko: ioctl (default,\n"
		"                     one ioctl a batch) or uring (one io_uring URING_CMD)\n"
		"  --stats-file PATH  where SIGUSR1 and exit write the counters (default stderr)\n"
		"  --notify-fd FD     once listening, write \"ready port=N\\n\" to FD, close it\n"
		"  --help\n\n"
		"Signals: SIGHUP reloads CONFIG, SIGUSR1 writes the counters, SIGTERM drains\n"
		"and exits 0.\n");
}

static int parse_uint(const char *s, unsigned int max, unsigned int *out)
{
	unsigned long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = (unsigned int)v;
	return 0;
}

static int parse_args(struct relay *r, int argc, char **argv, unsigned int *threads,
		      int *notify_fd)
{
	static const struct option options[] = {
		{ "threads", required_argument, NULL, 't' },
		{ "engine", required_argument, NULL, 'e' },
		{ "kernel-transport", required_argument, NULL, 'k' },
		{ "stats-file", required_argument, NULL, 's' },
		{ "notify-fd", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned int fd;
	int opt;

	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 't':
			if (parse_uint(optarg, MAX_THREADS, threads) || !*threads) {
				fprintf(stderr, "ksrtp-relay: --threads: want 1..%u\n", MAX_THREADS);
				return 2;
			}
			break;
		case 'e':
			if (!strcmp(optarg, "auto")) {
				r->session.engine = KSRTP_ENGINE_AUTO;
			} else if (!strcmp(optarg, "user")) {
				r->session.engine = KSRTP_ENGINE_USER;
			} else if (!strcmp(optarg, "kernel")) {
				r->session.engine = KSRTP_ENGINE_KERNEL;
			} else {
				fprintf(stderr, "ksrtp-relay: --engine: want auto, user or kernel\n");
				return 2;
			}
			break;
		case 'k':
			if (!strcmp(optarg, "ioctl")) {
				r->session.kernel_transport = KSRTP_KERNEL_IOCTL;
			} else if (!strcmp(optarg, "uring")) {
				r->session.kernel_transport = KSRTP_KERNEL_URING;
			} else {
				fprintf(stderr,
					"ksrtp-relay: --kernel-transport: want ioctl or uring\n");
				return 2;
			}
			break;
		case 's':
			r->stats_path = optarg;
			break;
		case 'n':
			if (parse_uint(optarg, 1u << 20, &fd) || fd < 3) {
				fprintf(stderr, "ksrtp-relay: --notify-fd: want a descriptor >= 3\n");
				return 2;
			}
			*notify_fd = (int)fd;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	r->config_path = argv[optind];
	return -1;
}

static void write_stats(struct relay *r)
{
	int e;

	if (!r->stats_path) {
		relay_stats_print(stderr, r->cfg, r->workers, r->nworkers, r->reloads);
		return;
	}
	e = relay_stats_write(r->stats_path, r->cfg, r->workers, r->nworkers, r->reloads);
	if (e)
		fprintf(stderr, "ksrtp-relay: %s: %s\n", r->stats_path, strerror(-e));
}

/*
 * Every worker takes cfg (or the current one again) and/or a snapshot; the
 * first error, and in *line (if not NULL) the config line it hit.
 */
static int broadcast(struct relay *r, const struct relay_config *cfg, bool snapshot,
		     unsigned int *line)
{
	unsigned int i;
	int err = 0, e;

	for (i = 0; i < r->nworkers; i++)
		relay_worker_request(r->workers[i], cfg, snapshot);
	for (i = 0; i < r->nworkers; i++) {
		e = relay_worker_wait(r->workers[i]);
		if (e && !err) {
			err = e;
			if (line)
				*line = relay_worker_failed_line(r->workers[i]);
		}
	}
	return err;
}

static void reload(struct relay *r)
{
	struct relay_config *nc;
	unsigned int i, line = 0;
	char err[512];
	int e;

	nc = relay_config_load(r->config_path, err, sizeof(err));
	if (!nc) {
		fprintf(stderr, "ksrtp-relay: reload refused, still running the old config: %s\n",
			err);
		return;
	}
	if (memcmp(&nc->listen, &r->cfg->listen, sizeof(nc->listen))) {
		fprintf(stderr, "ksrtp-relay: reload refused, still running the old config: "
				"%s: listen cannot change without a restart\n", r->config_path);
		relay_config_free(nc);
		return;
	}
	for (i = 0; i < r->nworkers; i++) {
		if (relay_worker_prepare(r->workers[i], nc)) {
			while (i--)
				relay_worker_unprepare(r->workers[i]);
			fprintf(stderr, "ksrtp-relay: reload refused, still running the old config: "
					"out of memory\n");
			relay_config_free(nc);
			return;
		}
	}
	e = broadcast(r, nc, false, &line);
	/* Every worker has moved to nc: nobody reads the old one any more. */
	relay_config_free(r->cfg);
	r->cfg = nc;
	r->reloads++;
	if (e)
		fprintf(stderr, "ksrtp-relay: reloaded, but %s:%u could not be set up: %s\n",
			r->config_path, line, ksrtp_strerror(e));
	else
		fprintf(stderr, "ksrtp-relay: reloaded: %u streams, %u receivers\n", nc->nstreams,
			nc->nreceivers);
}

static int start(struct relay *r, unsigned int threads)
{
	union relay_addr listen = r->cfg->listen;
	char err[512], addr[RELAY_ADDR_STRLEN];
	unsigned int i;

	for (i = 0; i < threads; i++) {
		r->workers[i] = relay_worker_start(i, threads, r->cfg, &listen, &r->session, err,
						   sizeof(err));
		if (!r->workers[i]) {
			fprintf(stderr, "ksrtp-relay: %s: %s\n", r->config_path, err);
			if (r->session.engine == KSRTP_ENGINE_KERNEL && access("/dev/ksrtp", R_OK | W_OK))
				fprintf(stderr, "ksrtp-relay: --engine kernel: /dev/ksrtp: %s "
						"(is ksrtp.ko loaded?)\n", strerror(errno));
			return -1;
		}
		r->nworkers++;
		/* Port 0 in the config: the others join the port the first one got. */
		relay_addr_set_port(&listen, relay_worker_port(r->workers[0]));
	}
	fprintf(stderr, "ksrtp-relay: listening on %s, %u workers, %s engine, %u streams, "
			"%u receivers\n", relay_addr_str(&listen, addr, sizeof(addr)), threads,
		relay_worker_engine(r->workers[0]) != KSRTP_ENGINE_KERNEL ? "user" :
		r->session.kernel_transport == KSRTP_KERNEL_URING ? "kernel (uring)" :
		"kernel (ioctl)", r->cfg->nstreams, r->cfg->nreceivers);
	return 0;
}

int main(int argc, char **argv)
{
	struct relay r = { .session.engine = KSRTP_ENGINE_AUTO };
	unsigned int threads = 1, i;
	int notify_fd = -1, rc, sig;
	char err[512];
	sigset_t set;

	rc = parse_args(&r, argc, argv, &threads, &notify_fd);
	if (rc >= 0)
		return rc;
	r.cfg = relay_config_load(r.config_path, err, sizeof(err));
	if (!r.cfg) {
		fprintf(stderr, "ksrtp-relay: %s\n", err);
		return 1;
	}
	/* Blocked before the workers start, so they inherit the mask. */
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	rc = start(&r, threads);
	if (!rc && notify_fd >= 0) {
		dprintf(notify_fd, "ready port=%u\n", relay_worker_port(r.workers[0]));
		close(notify_fd);
	}
	while (!rc) {
		sig = sigwaitinfo(&set, NULL);
		if (sig == SIGHUP) {
			reload(&r);
		} else if (sig == SIGUSR1) {
			broadcast(&r, r.cfg, true, NULL);
			write_stats(&r);
		} else if (sig == SIGTERM || sig == SIGINT) {
			break;
		}
	}
	for (i = 0; i < r.nworkers; i++)
		relay_worker_stop(r.workers[i]);
	for (i = 0; i < r.nworkers; i++)
		relay_worker_join(r.workers[i]);
	if (!rc) {
		write_stats(&r);
		fprintf(stderr, "ksrtp-relay: stopped\n");
	}
	for (i = 0; i < r.nworkers; i++)
		relay_worker_free(r.workers[i]);
	relay_config_free(r.cfg);
	return rc ? 1 : 0;
}
