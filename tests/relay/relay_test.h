/* SPDX-License-Identifier: MIT */
/*
 * The relay tests run the real ksrtp-relay ($(BUILD)/ksrtp-relay, found from
 * this program's own path $(BUILD)/tests/relay/NAME) on 127.0.0.1 with a
 * config written here, send SRTP at it from sender sockets and receive at
 * receiver sockets, each with keys of its own. Every wait is bounded: a hung
 * relay fails the test instead of hanging it.
 */
#ifndef KSRTP_TESTS_RELAY_TEST_H
#define KSRTP_TESTS_RELAY_TEST_H

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test.h"

#define RT_WAIT_MS 5000		/* the most any single step may take */
#define RT_PKT 2048

static inline long long rt_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline void rt_sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* ---- keys ---- */

/* Keys of a party: key and salt for a profile, from a seed, with their hex. */
struct rt_keys {
	const struct test_profile *profile;
	uint8_t key[32], salt[14];
	char key_hex[65], salt_hex[29];
};

static inline void rt_keys_make(struct rt_keys *k, const struct test_profile *p,
				unsigned long long seed)
{
	unsigned long long st = seed * 0x9E3779B97F4A7C15ULL + 1;
	size_t i;

	k->profile = p;
	for (i = 0; i < p->key_len; i++)
		k->key[i] = (uint8_t)test_rand(&st);
	for (i = 0; i < p->salt_len; i++)
		k->salt[i] = (uint8_t)test_rand(&st);
	for (i = 0; i < p->key_len; i++)
		sprintf(k->key_hex + 2 * i, "%02x", k->key[i]);
	for (i = 0; i < p->salt_len; i++)
		sprintf(k->salt_hex + 2 * i, "%02x", k->salt[i]);
}

static inline int rt_add_stream(ksrtp_session *s, const struct rt_keys *k, uint32_t ssrc,
				enum ksrtp_direction dir)
{
	struct ksrtp_policy p;

	memset(&p, 0, sizeof(p));
	p.profile = k->profile->id;
	p.direction = dir;
	p.ssrc = ssrc;
	p.key = k->key;
	p.key_len = k->profile->key_len;
	p.salt = k->salt;
	p.salt_len = k->profile->salt_len;
	return ksrtp_add_stream(s, &p);
}

static inline ksrtp_session *rt_session(void)
{
	struct ksrtp_config cfg = test_config();
	ksrtp_session *s = ksrtp_session_new(&cfg, NULL);

	if (!s) {
		fprintf(stderr, "ksrtp_session_new failed\n");
		exit(T_FAIL);
	}
	return s;
}

/* ---- sockets ---- */

/* A UDP socket on 127.0.0.1, a free port, room for every packet a test sends. */
static inline int rt_socket(struct sockaddr_in *addr)
{
	socklen_t len = sizeof(*addr);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), size = 8 << 20;

	if (fd >= 0 && setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));

	memset(addr, 0, sizeof(*addr));
	addr->sin_family = AF_INET;
	addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)addr, sizeof(*addr)) ||
	    getsockname(fd, (struct sockaddr *)addr, &len)) {
		perror("rt_socket");
		exit(T_FAIL);
	}
	return fd;
}

/* One datagram within timeout_ms: its length, or -1. */
static inline int rt_recv(int fd, uint8_t *buf, size_t cap, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;

	if (poll(&pfd, 1, timeout_ms) != 1)
		return -1;
	n = recv(fd, buf, cap, MSG_DONTWAIT);
	return n < 0 ? -1 : (int)n;
}

/* An RTP packet: 12-byte header, then the payload "ssrc seq" plus a pattern. */
static inline size_t rt_rtp(uint8_t *p, uint32_t ssrc, uint16_t seq, size_t payload)
{
	size_t i;

	p[0] = 0x80;
	p[1] = 96;
	p[2] = (uint8_t)(seq >> 8);
	p[3] = (uint8_t)seq;
	p[4] = p[5] = 0;
	p[6] = (uint8_t)(seq >> 8);
	p[7] = (uint8_t)seq;
	p[8] = (uint8_t)(ssrc >> 24);
	p[9] = (uint8_t)(ssrc >> 16);
	p[10] = (uint8_t)(ssrc >> 8);
	p[11] = (uint8_t)ssrc;
	for (i = 0; i < payload; i++)
		p[12 + i] = (uint8_t)(ssrc * 31 + seq * 7 + i);
	return 12 + payload;
}

/* Seal an RTP packet with s (outbound stream ssrc) and send it to `to`; its sealed length. */
static inline size_t rt_send(int fd, ksrtp_session *s, const struct sockaddr_in *to,
			     uint32_t ssrc, uint16_t seq, size_t payload, uint8_t *sealed)
{
	size_t len = rt_rtp(sealed, ssrc, seq, payload);
	int e = ksrtp_protect(s, sealed, &len, RT_PKT);

	if (e) {
		fprintf(stderr, "rt_send: protect: %s\n", ksrtp_strerror(e));
		exit(T_FAIL);
	}
	if (sendto(fd, sealed, len, 0, (const struct sockaddr *)to, sizeof(*to)) != (ssize_t)len) {
		perror("rt_send");
		exit(T_FAIL);
	}
	return len;
}

static inline void rt_send_raw(int fd, const struct sockaddr_in *to, const uint8_t *p, size_t len)
{
	if (sendto(fd, p, len, 0, (const struct sockaddr *)to, sizeof(*to)) != (ssize_t)len) {
		perror("rt_send_raw");
		exit(T_FAIL);
	}
}

/* ---- the relay ---- */

struct rt_relay {
	pid_t pid;
	char dir[64];		/* a temporary directory of the test's own */
	char config[128], stats[128], log[128];
	struct sockaddr_in addr;	/* where it listens */
	bool exited;
	int status;
};

static inline void rt_relay_path(char *out, size_t len)
{
	char self[PATH_MAX - 16];	/* room for the name in out */
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int up;

	if (n <= 0) {
		perror("readlink /proc/self/exe");
		exit(T_FAIL);
	}
	self[n] = 0;
	/* $(BUILD)/tests/relay/NAME -> $(BUILD) */
	for (up = 0; up < 3; up++) {
		char *slash = strrchr(self, '/');

		if (!slash) {
			fprintf(stderr, "%s: not under $(BUILD)/tests/relay/\n", self);
			exit(T_FAIL);
		}
		*slash = 0;
	}
	snprintf(out, len, "%s/ksrtp-relay", self);
}

static inline void rt_relay_init(struct rt_relay *r)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->dir, sizeof(r->dir), "/tmp/ksrtp-relay-test.XXXXXX");
	if (!mkdtemp(r->dir)) {
		perror("mkdtemp");
		exit(T_FAIL);
	}
	snprintf(r->config, sizeof(r->config), "%s/relay.conf", r->dir);
	snprintf(r->stats, sizeof(r->stats), "%s/stats", r->dir);
	snprintf(r->log, sizeof(r->log), "%s/stderr", r->dir);
}

static inline void rt_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f)) {
		perror(path);
		exit(T_FAIL);
	}
}

/* The whole of a file, NUL-terminated, in a static buffer ("" if missing). */
static inline const char *rt_read_file(const char *path)
{
	static char buf[1 << 16];
	FILE *f = fopen(path, "r");
	size_t n = 0;

	if (f) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = 0;
	return buf;
}

/*
 * Start the relay on config_text with extra arguments (NULL-terminated
 * list after argv0 options). 0 once it said it is listening, -1 if it exited
 * first (r->status has its exit status).
 */
static inline int rt_relay_start(struct rt_relay *r, const char *config_text,
				 const char *const *extra)
{
	char path[PATH_MAX], fdarg[16], line[64];
	const char *argv[28];
	int pipefd[2], argc = 0, i, port;
	struct pollfd pfd;
	ssize_t n;

	rt_write_file(r->config, config_text);
	rt_relay_path(path, sizeof(path));
	if (pipe(pipefd)) {
		perror("pipe");
		exit(T_FAIL);
	}
	snprintf(fdarg, sizeof(fdarg), "%d", pipefd[1]);
	argv[argc++] = path;
	argv[argc++] = "--notify-fd";
	argv[argc++] = fdarg;
	argv[argc++] = "--stats-file";
	argv[argc++] = r->stats;
	/* In tests/vm the relay runs on the engine under test too. */
	if (getenv("KSRTP_TEST_ENGINE")) {
		argv[argc++] = "--engine";
		argv[argc++] = test_env("KSRTP_TEST_ENGINE", "user");
		argv[argc++] = "--kernel-transport";
		argv[argc++] = test_env("KSRTP_TEST_TRANSPORT", "ioctl");
	}
	for (i = 0; extra && extra[i] && argc < 26; i++)
		argv[argc++] = extra[i];
	argv[argc++] = r->config;
	argv[argc] = NULL;
	r->exited = false;
	r->pid = fork();
	if (r->pid < 0) {
		perror("fork");
		exit(T_FAIL);
	}
	if (!r->pid) {
		int log = open(r->log, O_WRONLY | O_CREAT | O_APPEND, 0600);

		close(pipefd[0]);
		if (log < 0 || dup2(log, 2) < 0)
			_exit(127);
		execv(path, (char *const *)argv);
		fprintf(stderr, "exec %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	close(pipefd[1]);
	pfd = (struct pollfd){ .fd = pipefd[0], .events = POLLIN };
	n = poll(&pfd, 1, RT_WAIT_MS) == 1 ? read(pipefd[0], line, sizeof(line) - 1) : -1;
	close(pipefd[0]);
	if (n <= 0) {
		/* It exited (a config error), or hangs: either way, reap it. */
		if (waitpid(r->pid, &r->status, WNOHANG) != r->pid) {
			kill(r->pid, SIGKILL);
			waitpid(r->pid, &r->status, 0);
		}
		r->exited = true;
		return -1;
	}
	line[n] = 0;
	if (sscanf(line, "ready port=%d", &port) != 1) {
		fprintf(stderr, "relay said '%s'\n", line);
		exit(T_FAIL);
	}
	r->addr.sin_family = AF_INET;
	r->addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	r->addr.sin_port = htons((uint16_t)port);
	return 0;
}

/* rt_relay_init() and rt_relay_start(), or the test fails with the relay's log. */
static inline void rt_relay_start_or_fail(struct rt_relay *r, const char *config_text,
					  const char *const *extra)
{
	rt_relay_init(r);
	if (rt_relay_start(r, config_text, extra)) {
		fprintf(stderr, "relay did not start:\n%s", rt_read_file(r->log));
		exit(T_FAIL);
	}
}

/*
 * One sender fanned out to n receivers on 127.0.0.1: the sender's keys
 * (profile 0, from sender_seed) on an outbound stream ssrc of tx and a socket;
 * receiver i's keys (profile 1 + i, from recv_seed + i) on an inbound stream
 * ssrc of a new session rx[i] and a socket; and in config the relay's config
 * naming them all (listen, the sender's stream, one receiver line each).
 * The sender's socket.
 */
static inline int rt_fanout_setup(ksrtp_session *tx, uint32_t ssrc,
				  unsigned long long sender_seed, struct rt_keys *sender_keys,
				  struct sockaddr_in *sender_addr, int n,
				  unsigned long long recv_seed, struct rt_keys *recv_keys,
				  struct sockaddr_in *recv_addr, int *recv_fd, ksrtp_session **rx,
				  char *config)
{
	char *c = config;
	int i, sender_fd;

	rt_keys_make(sender_keys, &test_profiles[0], sender_seed);
	CHECK_ERR(rt_add_stream(tx, sender_keys, ssrc, KSRTP_OUTBOUND), 0);
	sender_fd = rt_socket(sender_addr);
	c += sprintf(c, "listen 127.0.0.1:0\nstream ssrc=%u profile=%s key=%s salt=%s\n", ssrc,
		     sender_keys->profile->name, sender_keys->key_hex, sender_keys->salt_hex);
	for (i = 0; i < n; i++) {
		/* Profiles 1, 2, 3: 256-bit GCM and both AES-CM tag lengths. */
		rt_keys_make(&recv_keys[i], &test_profiles[1 + i], recv_seed + (unsigned int)i);
		recv_fd[i] = rt_socket(&recv_addr[i]);
		rx[i] = rt_session();
		CHECK_ERR(rt_add_stream(rx[i], &recv_keys[i], ssrc, KSRTP_INBOUND), 0);
		c += sprintf(c, "receiver addr=127.0.0.1:%u profile=%s key=%s salt=%s streams=%u\n",
			     ntohs(recv_addr[i].sin_port), recv_keys[i].profile->name,
			     recv_keys[i].key_hex, recv_keys[i].salt_hex, ssrc);
	}
	return sender_fd;
}

/* Wait up to ms for it to exit: true and r->status set, or false. */
static inline bool rt_relay_wait(struct rt_relay *r, int ms)
{
	long long end = rt_now_ms() + ms;

	while (!r->exited) {
		pid_t p = waitpid(r->pid, &r->status, WNOHANG);

		if (p == r->pid)
			r->exited = true;
		else if (rt_now_ms() > end)
			return false;
		else
			rt_sleep_ms(5);
	}
	return true;
}

/* The stats after SIGUSR1: the stats file, rewritten by the relay. */
static inline const char *rt_relay_stats(struct rt_relay *r)
{
	long long end = rt_now_ms() + RT_WAIT_MS;
	struct stat st;

	unlink(r->stats);
	kill(r->pid, SIGUSR1);
	while (stat(r->stats, &st) && rt_now_ms() < end)
		rt_sleep_ms(5);
	return rt_read_file(r->stats);
}

/* SIGHUP, then wait until the log says how the reload went. */
static inline const char *rt_relay_reload(struct rt_relay *r, const char *config_text)
{
	long long end = rt_now_ms() + RT_WAIT_MS;
	size_t before = strlen(rt_read_file(r->log));
	const char *log;

	rt_write_file(r->config, config_text);
	kill(r->pid, SIGHUP);
	do {
		rt_sleep_ms(5);
		log = rt_read_file(r->log);
	} while (!strstr(log + before, "reload") && rt_now_ms() < end);
	return log + before;
}

/* Stop it (SIGTERM), reap it, remove its files. Its exit status, or -1 if it hung. */
static inline int rt_relay_stop(struct rt_relay *r)
{
	int rc = -1;

	if (!r->exited)
		kill(r->pid, SIGTERM);
	if (!rt_relay_wait(r, RT_WAIT_MS)) {
		kill(r->pid, SIGKILL);
		waitpid(r->pid, &r->status, 0);
	} else if (WIFEXITED(r->status)) {
		rc = WEXITSTATUS(r->status);
	}
	r->exited = true;
	return rc;
}

static inline void rt_relay_cleanup(struct rt_relay *r)
{
	char tmp[160];

	if (!r->exited)
		rt_relay_stop(r);
	unlink(r->config);
	unlink(r->stats);
	snprintf(tmp, sizeof(tmp), "%s.tmp", r->stats);
	unlink(tmp);
	unlink(r->log);
	rmdir(r->dir);
}

/* Where key's value starts on the first line that starts with `line`; NULL if none. */
static inline const char *rt_stat_value(const char *stats, const char *line, const char *key)
{
	const char *l = stats;
	char k[64];

	snprintf(k, sizeof(k), " %s=", key);
	while (l && *l) {
		const char *eol = strchr(l, '\n');

		if (!strncmp(l, line, strlen(line))) {
			const char *v = strstr(l, k);

			return v && (!eol || v < eol) ? v + strlen(k) : NULL;
		}
		l = eol ? eol + 1 : NULL;
	}
	return NULL;
}

/* key=N on the first line that starts with `line`; -1 if none. */
static inline long long rt_stat(const char *stats, const char *line, const char *key)
{
	const char *v = rt_stat_value(stats, line, key);

	return v ? strtoll(v, NULL, 0) : -1;
}

/*
 * Stop the relay (SIGSTOP) and wait until every thread of it is stopped, so
 * that what is sent next queues on its sockets; SIGCONT goes on.
 */
static inline void rt_relay_freeze(struct rt_relay *r)
{
	long long end = rt_now_ms() + RT_WAIT_MS;
	char path[64], line[512];
	bool running;

	kill(r->pid, SIGSTOP);
	do {
		struct dirent *d;
		DIR *dir;

		running = false;
		snprintf(path, sizeof(path), "/proc/%d/task", (int)r->pid);
		dir = opendir(path);
		while (dir && !running && (d = readdir(dir))) {
			const char *paren;
			FILE *f;

			if (d->d_name[0] == '.')
				continue;
			/* The state follows the ") " that ends the name in .../TID/stat. */
			snprintf(path, sizeof(path), "/proc/%d/task/%.16s/stat", (int)r->pid,
				 d->d_name);
			f = fopen(path, "r");
			if (!f)
				continue;
			if (fgets(line, sizeof(line), f) && (paren = strrchr(line, ')')) &&
			    paren[1] == ' ' && paren[2] != 'T' && paren[2] != 't')
				running = true;
			fclose(f);
		}
		if (dir)
			closedir(dir);
		if (running)
			rt_sleep_ms(1);
	} while (running && rt_now_ms() < end);
}

/* Whether the stats line starting with `line` has key=want (a word). */
static inline bool rt_stat_is(const char *stats, const char *line, const char *key,
			      const char *want)
{
	const char *v = rt_stat_value(stats, line, key);
	size_t n = strlen(want);

	return v && !strncmp(v, want, n) && strchr(" \n", v[n]);
}

/*
 * The engine that must carry a relay stream of profile p: under
 * KSRTP_TEST_ENGINE=kernel or auto (tests/vm), the kernel's for the GCM
 * profiles (auto falls back to the user engine for AES-CM); else the user's.
 */
static inline const char *rt_expected_engine(const struct test_profile *p)
{
	return strcmp(test_env("KSRTP_TEST_ENGINE", "user"), "user") && p->gcm ? "kernel" : "user";
}

#endif /* KSRTP_TESTS_RELAY_TEST_H */
