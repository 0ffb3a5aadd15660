// SPDX-License-Identifier: MIT
/*
 * ksrtp-bench kernel: what the ABI of ksrtp.ko costs per packet. For each
 * batch size, side by side (interleaved, medians), RTP packets sealed by
 *
 *   raw AEAD loop     the module's own loop over arena slots (debugfs
 *                     raw_seal, kernel/bench.c): the crypto a SEAL submits,
 *                     nothing else; the ceiling every row is compared with
 *   SEAL ioctl        KSRTP_IOC_SEAL on descriptors of packets already in
 *                     the arena (the zero-copy ABI)
 *   SEAL URING_CMD    the same through io_uring IORING_OP_URING_CMD
 *   libksrtp ioctl,   ksrtp_protect_batch() on a KSRTP_ENGINE_KERNEL session:
 *   libksrtp uring    the ABI plus the library's copy into and out of slots
 *
 * and reports the per-packet ABI overhead (path - raw) / raw per round.
 * Meant for the test VM (make bench boots it), where the numbers are
 * emulation speed: only the ratios mean anything.
 *
 * The raw loop is root's (debugfs); /dev/ksrtp may be a group's (a udev
 * rule). Without the raw loop (not root, debugfs not mounted, a module
 * without it: its file does not open) the other paths still run and are
 * reported, their overhead "n/a" with the reason.
 */
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench.h"
#include "ksrtp/ksrtp.h"
#include "uapi/linux/ksrtp.h"

#define RAW_PATH "/sys/kernel/debug/ksrtp/raw_seal"
#define PASS_PACKETS 256	/* a pass: the same packets whatever the batch size */
#define MAX_BATCHES 8
#define RTP_HEADER 12
#define DEFAULT_RUNS 7
#define DEFAULT_RUN_MS 100
#define QUICK_RUNS 3
#define QUICK_RUN_MS 5
#define BENCH_SSRC 0x5eed0002u
#define OVERHEAD_TARGET 0.15	/* issue 3: at batch 64, <= 15% of the raw AEAD time */

struct kernel_options {
	struct bench_options common;
	unsigned int payload;
	unsigned int batches[MAX_BATCHES];
	unsigned int n_batches;
};

static const char options_help[] =
	"  --quick          smoke test: 3 runs of ~5 ms each\n"
	"  --runs N         runs per figure, the median is reported (default 7; 1..101)\n"
	"  --run-ms MS      length of one run in ms (default 100)\n"
	"  --payload N      RTP payload bytes after the 12-byte header (default 1200;\n"
	"                   1..2016, so that the sealed packet fits a 2048-byte slot)\n"
	"  --batches LIST   packets per SEAL call, comma separated (default 1,16,64,256)\n"
	"  --json FILE      also write every figure with all its runs as JSON\n"
	"  --clock wall|cpu CLOCK_MONOTONIC (default) or the thread's CPU time\n"
	"  --help           this text\n"
	"  Needs /dev/ksrtp; the raw loop, and so the overhead, root and debugfs\n"
	"  (" RAW_PATH "): without them the other paths run alone.\n";

/* ---- the contenders ---- */

struct kctx {
	unsigned int batch;
	unsigned int len;	/* packet bytes before sealing */
	int fd;
	uint8_t *arena;
	size_t arena_bytes;
	struct ksrtp_desc *descs;
	struct io_uring ring;
	bool ring_ok;
	uint16_t seq;
	/* raw */
	int raw_fd;
	/* libksrtp */
	ksrtp_session *session;
	uint8_t *bufs;		/* PASS_PACKETS packets of KSRTP_SLOT_SIZE bytes */
	struct ksrtp_pkt *pkts;
	uint32_t sa;
};

static void rtp_header(uint8_t *p, uint16_t seq)
{
	p[0] = 0x80;
	p[1] = 96;
	p[2] = (uint8_t)(seq >> 8);
	p[3] = (uint8_t)seq;
	p[8] = (uint8_t)(BENCH_SSRC >> 24);
	p[9] = (uint8_t)(BENCH_SSRC >> 16);
	p[10] = (uint8_t)(BENCH_SSRC >> 8);
	p[11] = (uint8_t)BENCH_SSRC;
}

static int raw_pass(void *arg)
{
	struct kctx *k = arg;
	char cmd[64];
	int n = snprintf(cmd, sizeof(cmd), "%u %u %u", k->len, k->batch, PASS_PACKETS / k->batch);

	return pwrite(k->raw_fd, cmd, (size_t)n, 0) == n ? 0 : -1;
}

/* One SEAL of the batch through ioctl or URING_CMD; the count sealed or -errno. */
static int seal(struct kctx *k, bool uring)
{
	struct ksrtp_batch b = { .descs = (uintptr_t)k->descs, .count = k->batch };
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	int r;

	if (!uring) {
		r = ioctl(k->fd, KSRTP_IOC_SEAL, &b);
		return r < 0 ? -errno : r;
	}
	sqe = io_uring_get_sqe(&k->ring);
	if (!sqe)
		return -EBUSY;
	io_uring_prep_rw(IORING_OP_URING_CMD, sqe, k->fd, NULL, 0, 0);
	sqe->cmd_op = KSRTP_IOC_SEAL;
	memcpy(&sqe->addr3, &b, sizeof(b));
	r = io_uring_submit_and_wait(&k->ring, 1);
	if (r < 0)
		return r;
	r = io_uring_wait_cqe(&k->ring, &cqe);
	if (r < 0)
		return r;
	r = cqe->res;
	io_uring_cqe_seen(&k->ring, cqe);
	return r;
}

/*
 * The packets stay in their slots: each call gives them a fresh sequence
 * number (a sealed index is never sealed again) and their plaintext length
 * back; the payload is whatever the last seal left, which GCM does not mind.
 */
static int abi_pass(struct kctx *k, bool uring)
{
	unsigned int call, i;

	for (call = 0; call < PASS_PACKETS / k->batch; call++) {
		for (i = 0; i < k->batch; i++) {
			rtp_header(k->arena + (size_t)i * KSRTP_SLOT_SIZE, k->seq++);
			k->descs[i] = (struct ksrtp_desc){ .sa = k->sa, .slot = i, .len = k->len };
		}
		if (seal(k, uring) != (int)k->batch)
			return -1;
	}
	return 0;
}

static int ioctl_pass(void *arg)
{
	return abi_pass(arg, false);
}

static int uring_pass(void *arg)
{
	return abi_pass(arg, true);
}

static int lib_pass(void *arg)
{
	struct kctx *k = arg;
	unsigned int base, i;

	for (base = 0; base < PASS_PACKETS; base += k->batch) {
		for (i = base; i < base + k->batch; i++) {
			rtp_header(k->pkts[i].data, k->seq++);
			k->pkts[i].len = k->len;
		}
		if (ksrtp_protect_batch(k->session, k->pkts + base, k->batch) != (int)k->batch)
			return -1;
	}
	return 0;
}

/* Every descriptor of the last call sealed to len + tag. */
static int abi_verify(void *arg)
{
	struct kctx *k = arg;
	unsigned int i;

	for (i = 0; i < k->batch; i++)
		if (k->descs[i].status || k->descs[i].len != k->len + KSRTP_GCM_TAG_LEN)
			return -1;
	return 0;
}

static int lib_verify(void *arg)
{
	struct kctx *k = arg;
	unsigned int i;

	for (i = 0; i < PASS_PACKETS; i++)
		if (k->pkts[i].status || k->pkts[i].len != k->len + KSRTP_GCM_TAG_LEN)
			return -1;
	return 0;
}

static void kctx_destroy(void *arg)
{
	struct kctx *k = arg;

	if (!k)
		return;
	if (k->ring_ok)
		io_uring_queue_exit(&k->ring);
	if (k->arena)
		munmap(k->arena, k->arena_bytes);
	if (k->fd >= 0)
		close(k->fd);
	if (k->raw_fd >= 0)
		close(k->raw_fd);
	ksrtp_session_free(k->session);
	free(k->descs);
	free(k->bufs);
	free(k->pkts);
	free(k);
}

static const uint8_t bench_key[16] = { 0x6b, 0x65, 0x72, 0x6e, 0x65, 0x6c };
static const uint8_t bench_salt[12] = { 0x73, 0x61, 0x6c, 0x74 };

enum kind { RAW, ABI_IOCTL, ABI_URING, LIB_IOCTL, LIB_URING, N_KINDS };

static const char *const kind_names[N_KINDS] = {
	[RAW] = "raw AEAD loop (kernel)",
	[ABI_IOCTL] = "SEAL ioctl",
	[ABI_URING] = "SEAL URING_CMD",
	[LIB_IOCTL] = "libksrtp kernel, ioctl",
	[LIB_URING] = "libksrtp kernel, uring",
};

static struct kctx *kctx_new(enum kind kind, unsigned int batch, unsigned int len)
{
	struct kctx *k = calloc(1, sizeof(*k));
	struct ksrtp_sa_add a;
	unsigned int i;

	if (!k)
		return NULL;
	k->batch = batch;
	k->len = len;
	k->fd = -1;
	k->raw_fd = -1;
	k->seq = 1;
	if (kind == RAW) {
		k->raw_fd = open(RAW_PATH, O_RDWR | O_CLOEXEC);
		if (k->raw_fd < 0) {
			fprintf(stderr, "ksrtp-bench kernel: %s: %s\n", RAW_PATH, strerror(errno));
			goto fail;
		}
		return k;
	}
	if (kind == LIB_IOCTL || kind == LIB_URING) {
		struct ksrtp_config cfg = { .engine = KSRTP_ENGINE_KERNEL };
		struct ksrtp_policy p = {
			.profile = KSRTP_AEAD_AES_128_GCM, .direction = KSRTP_OUTBOUND,
			.ssrc = BENCH_SSRC, .key = bench_key, .key_len = 16,
			.salt = bench_salt, .salt_len = 12,
		};
		int err;

		cfg.kernel_transport = kind == LIB_URING ? KSRTP_KERNEL_URING : KSRTP_KERNEL_IOCTL;
		k->session = ksrtp_session_new(&cfg, &err);
		if (k->session)
			err = ksrtp_add_stream(k->session, &p);
		if (err) {
			fprintf(stderr, "ksrtp-bench kernel: kernel-engine session: %s\n",
				ksrtp_strerror(err));
			goto fail;
		}
		k->bufs = calloc(PASS_PACKETS, KSRTP_SLOT_SIZE);
		k->pkts = calloc(PASS_PACKETS, sizeof(*k->pkts));
		if (!k->bufs || !k->pkts)
			goto fail;
		for (i = 0; i < PASS_PACKETS; i++)
			k->pkts[i] = (struct ksrtp_pkt){ k->bufs + (size_t)i * KSRTP_SLOT_SIZE, len,
							 KSRTP_SLOT_SIZE, 0 };
		return k;
	}
	k->fd = open("/dev/" KSRTP_DEVICE_NAME, O_RDWR | O_CLOEXEC);
	if (k->fd < 0)
		goto fail_errno;
	k->arena_bytes = (size_t)batch * KSRTP_SLOT_SIZE;
	k->arena = mmap(NULL, k->arena_bytes, PROT_READ | PROT_WRITE, MAP_SHARED, k->fd, 0);
	if (k->arena == MAP_FAILED) {
		k->arena = NULL;
		goto fail_errno;
	}
	k->descs = calloc(batch, sizeof(*k->descs));
	if (!k->descs)
		goto fail;
	memset(&a, 0, sizeof(a));
	a.profile = KSRTP_PROF_AEAD_AES_128_GCM;
	a.direction = KSRTP_DIR_OUTBOUND;
	a.ssrc = BENCH_SSRC;
	a.key_len = 16;
	a.salt_len = 12;
	memcpy(a.key, bench_key, 16);
	memcpy(a.salt, bench_salt, 12);
	if (ioctl(k->fd, KSRTP_IOC_SA_ADD, &a) < 0)
		goto fail_errno;
	k->sa = a.sa_id;
	if (kind == ABI_URING) {
		if (io_uring_queue_init(4, &k->ring, 0) < 0)
			goto fail_errno;
		k->ring_ok = true;
	}
	return k;
fail_errno:
	fprintf(stderr, "ksrtp-bench kernel: /dev/%s: %s\n", KSRTP_DEVICE_NAME, strerror(errno));
fail:
	kctx_destroy(k);
	return NULL;
}

/* ---- one batch size ---- */

static json_object *overhead_json(const double *v, unsigned int runs)
{
	return bench_stats_json(v, runs);
}

/*
 * Whether the raw loop can run: NULL, or why not (then no overhead can be
 * had). Whatever keeps its file from opening is the same case: EACCES (not
 * root: debugfs is root's), ENOENT (debugfs not mounted, or a module
 * without the loop), ...
 */
static const char *raw_loop_missing(void)
{
	static char why[160];
	int fd = open(RAW_PATH, O_RDWR | O_CLOEXEC);

	if (fd >= 0) {
		close(fd);
		return NULL;
	}
	if (errno == EACCES || errno == EPERM)
		return "the raw AEAD loop needs root (debugfs)";
	if (errno == ENOENT)
		return "no raw AEAD loop (debugfs not mounted, or ksrtp.ko without it)";
	snprintf(why, sizeof(why), "no raw AEAD loop (%s: %s)", RAW_PATH, strerror(errno));
	return why;
}

/*
 * The paths at one batch size; the first, RAW, only when raw_missing is
 * NULL. Their figures into groups.
 */
static int run_batch(const struct kernel_options *o, unsigned int batch, const char *raw_missing,
		     FILE *out, json_object *groups)
{
	static int (*const passes[N_KINDS])(void *) = {
		raw_pass, ioctl_pass, uring_pass, lib_pass, lib_pass,
	};
	static int (*const verifies[N_KINDS])(void *) = {
		NULL, abi_verify, abi_verify, lib_verify, lib_verify,
	};
	struct bench_contender c[N_KINDS];
	struct bench_figures fig[N_KINDS];
	const struct bench_contender *reference, *ceiling;
	double overhead[N_KINDS][BENCH_MAX_RUNS];
	const unsigned int first = raw_missing ? ABI_IOCTL : RAW;	/* c[first..] run */
	unsigned int i, r, len = RTP_HEADER + o->payload;
	json_object *jg, *jc;
	int err = 0;

	memset(c, 0, sizeof(c));
	for (i = first; i < N_KINDS; i++) {
		c[i].name = kind_names[i];
		c[i].role = i == RAW ? BENCH_CEILING : BENCH_SUBJECT;
		c[i].pass = passes[i];
		c[i].verify = verifies[i];
		c[i].destroy = kctx_destroy;
		c[i].ctx = kctx_new((enum kind)i, batch, len);
		if (!c[i].ctx)
			err = -1;
	}
	if (!err)
		err = bench_interleave(c + first, N_KINDS - first, PASS_PACKETS, &o->common);
	if (!err) {
		bench_figures_of(c + first, N_KINDS - first, o->common.runs, o->payload, fig + first,
				 &reference, &ceiling);
		fprintf(out, "\nbatch %u (%u-byte RTP packets, AEAD_AES_128_GCM, seal)\n", batch,
			len);
		fprintf(out, "  %-26s %10s %14s  %s\n", "path", "ns/pkt", "ABI overhead",
			"overhead min..max");
		jg = json_object_new_object();
		jc = json_object_new_array();
		for (i = first; i < N_KINDS; i++) {
			struct bench_stats ov;
			json_object *j = bench_figures_json(&c[i], &fig[i]);

			if (raw_missing) {
				fprintf(out, "  %-26s %10.1f %14s  n/a: %s%s\n", c[i].name,
					fig[i].ns_stats.median, "n/a", raw_missing,
					fig[i].noisy ? "  NOISY" : "");
				json_object_array_add(jc, j);
				continue;
			}
			for (r = 0; r < o->common.runs; r++)
				overhead[i][r] = c[i].ns_per_pkt[r] / c[RAW].ns_per_pkt[r] - 1;
			bench_stats_of(overhead[i], o->common.runs, &ov);
			if (i == RAW)
				fprintf(out, "  %-26s %10.1f %14s  %s\n", c[i].name,
					fig[i].ns_stats.median, "(ceiling)", "");
			else
				fprintf(out, "  %-26s %10.1f %+13.1f%%  %+.1f%%..%+.1f%%%s\n",
					c[i].name, fig[i].ns_stats.median, 100 * ov.median,
					100 * ov.min, 100 * ov.max, fig[i].noisy ? "  NOISY" : "");
			json_object_object_add(j, "abi_overhead", overhead_json(overhead[i],
										o->common.runs));
			json_object_array_add(jc, j);
		}
		json_object_object_add(jg, "batch", json_object_new_int64(batch));
		json_object_object_add(jg, "packet_bytes", json_object_new_int64(len));
		json_object_object_add(jg, "contenders", jc);
		json_object_array_add(groups, jg);
		if (batch == 64 && raw_missing) {
			fprintf(out, "  target at batch 64: ABI overhead <= %.0f%% of the raw AEAD "
				     "time: n/a: %s\n", 100 * OVERHEAD_TARGET, raw_missing);
		} else if (batch == 64) {
			struct bench_stats ov;

			bench_stats_of(overhead[ABI_IOCTL], o->common.runs, &ov);
			fprintf(out, "  target at batch 64: ABI overhead <= %.0f%% of the raw AEAD "
				     "time; SEAL ioctl %+.1f%%", 100 * OVERHEAD_TARGET,
				100 * ov.median);
			bench_stats_of(overhead[ABI_URING], o->common.runs, &ov);
			fprintf(out, ", URING_CMD %+.1f%%\n", 100 * ov.median);
		}
	}
	for (i = 0; i < N_KINDS; i++)
		kctx_destroy(c[i].ctx);
	return err;
}

/* ---- options ---- */

static int parse_batches(const char *arg, struct kernel_options *o)
{
	char *copy = strdup(arg), *save = NULL, *tok;
	int err = copy ? 0 : -1;

	o->n_batches = 0;
	for (tok = copy ? strtok_r(copy, ",", &save) : NULL; tok && !err;
	     tok = strtok_r(NULL, ",", &save)) {
		unsigned int *b = &o->batches[o->n_batches];

		/* A pass is PASS_PACKETS packets: batch sizes that divide it. */
		if (o->n_batches == MAX_BATCHES || bench_parse_uint(tok, 1, PASS_PACKETS, b) ||
		    PASS_PACKETS % *b)
			err = -1;
		else
			o->n_batches++;
	}
	free(copy);
	return err || !o->n_batches ? -1 : 0;
}

enum { OPT_PAYLOAD = 1, OPT_BATCHES };

static const struct option kernel_longopts[] = {
	BENCH_COMMON_OPTIONS,
	{ "payload", required_argument, NULL, OPT_PAYLOAD },
	{ "batches", required_argument, NULL, OPT_BATCHES },
	{ NULL, 0, NULL, 0 },
};

/* One of kernel_longopts' own options into the struct kernel_options at ctx. */
static int parse_kernel_option(void *ctx, int val, const char *arg)
{
	struct kernel_options *o = ctx;

	switch (val) {
	case OPT_PAYLOAD:
		return bench_parse_uint(arg, 1, KSRTP_SLOT_SIZE - KSRTP_SEAL_TRAILER - RTP_HEADER,
					&o->payload);
	case OPT_BATCHES:
		return parse_batches(arg, o);
	}
	return 1;
}

static const struct bench_option_table kernel_option_table = {
	.command = &bench_kernel_command,
	.options = kernel_longopts,
	.parse_own = parse_kernel_option,
	.default_runs = DEFAULT_RUNS,
	.default_run_ms = DEFAULT_RUN_MS,
	.quick_runs = QUICK_RUNS,
	.quick_run_ms = QUICK_RUN_MS,
};

/* ---- the subcommand ---- */

static int module_info(struct ksrtp_info *info)
{
	int fd = open("/dev/" KSRTP_DEVICE_NAME, O_RDWR | O_CLOEXEC), err = 0;

	if (fd < 0 || ioctl(fd, KSRTP_IOC_INFO, info) < 0) {
		fprintf(stderr, "ksrtp-bench kernel: /dev/%s: %s (is ksrtp.ko loaded?)\n",
			KSRTP_DEVICE_NAME, strerror(errno));
		err = -1;
	}
	if (fd >= 0)
		close(fd);
	return err;
}

static void print_info(FILE *out, const struct ksrtp_info *info)
{
	fprintf(out, "ksrtp.ko:  ABI %u, gcm(aes) driver %s%s; max_batch %u, arena_slots %u, "
		     "max_sas %u\n", info->abi_version, info->driver,
		info->flags & KSRTP_INFO_DRIVER_ASYNC ? " (async)" : "", info->max_batch,
		info->max_slots, info->max_sas);
}

static json_object *info_json(const struct ksrtp_info *info)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "abi_version", json_object_new_int64(info->abi_version));
	json_object_object_add(o, "driver", json_object_new_string(info->driver));
	json_object_object_add(o, "driver_async",
			       json_object_new_boolean(info->flags & KSRTP_INFO_DRIVER_ASYNC));
	json_object_object_add(o, "max_batch", json_object_new_int64(info->max_batch));
	json_object_object_add(o, "max_slots", json_object_new_int64(info->max_slots));
	json_object_object_add(o, "max_sas", json_object_new_int64(info->max_sas));
	return o;
}

static void print_method(FILE *out, const struct kernel_options *o, bool tcg)
{
	fprintf(out, "\nmethod:\n"
		     "  Per batch size the paths run interleaved: %u runs of ~%u ms each,\n"
		     "  figures are medians. A pass seals %u packets of one SA (fresh\n"
		     "  sequence numbers) in calls of the batch size. The raw loop is the\n"
		     "  module's (debugfs raw_seal): the AEAD requests a SEAL submits and\n"
		     "  nothing else, one write() per pass. ABI overhead = (path - raw) / raw,\n"
		     "  per round, median: descriptor copies, validation, header parsing, SA\n"
		     "  lock and replay window, syscall or io_uring; the libksrtp rows add the\n"
		     "  library's copy of each packet into and out of the arena.\n",
		o->common.runs, o->common.run_ms, PASS_PACKETS);
	fprintf(out, "\nNOTE: %s\n"
		     "  timings are emulation speed: qemu TCG runs AES-NI about 40x slower\n"
		     "  than hardware, and syscalls at yet another ratio. Only the ratio to\n"
		     "  the raw AEAD loop in the same run means anything; no ns/pkt figure\n"
		     "  here says what a real machine does.\n",
		tcg ? "this guest runs under TCG (CPU model \"QEMU TCG\"), so these"
		    : "under TCG (qemu without KVM)");
}

static int kernel_main(int argc, char **argv)
{
	struct kernel_options o;
	struct bench_machine machine;
	struct ksrtp_info info;
	json_object *root, *groups, *method;
	const char *raw_missing;
	unsigned int i;
	int exit_code, err = 0;
	bool tcg;

	o = (struct kernel_options){
		.payload = 1200,
		.batches = { 1, 16, 64, 256 },
		.n_batches = 4,
	};
	if (!bench_parse_options(&kernel_option_table, argc, argv, &o, &o.common, &exit_code))
		return exit_code;
	memset(&info, 0, sizeof(info));
	if (module_info(&info))
		return BENCH_EXIT_FAIL;
	raw_missing = raw_loop_missing();
	bench_machine_probe(&machine);
	tcg = strstr(machine.cpu_model, "TCG") != NULL;
	printf("ksrtp-bench kernel: ABI overhead of ksrtp.ko against its raw AEAD loop\n\n");
	bench_machine_print(stdout, &machine);
	print_info(stdout, &info);
	print_method(stdout, &o, tcg);
	if (raw_missing)
		printf("\nNOTE: %s: the ABI paths run without it, their overhead is n/a\n",
		       raw_missing);
	root = json_object_new_object();
	groups = json_object_new_array();
	for (i = 0; i < o.n_batches && !err; i++) {
		if (o.batches[i] > info.max_batch || o.batches[i] > info.max_slots) {
			printf("\nbatch %u: more than the module's max_batch %u or arena_slots %u, "
			       "left out\n", o.batches[i], info.max_batch, info.max_slots);
			continue;
		}
		err = run_batch(&o, o.batches[i], raw_missing, stdout, groups);
		fflush(stdout);
	}
	if (tcg)
		printf("\n(TCG: emulation speed; read the overhead column, not the ns/pkt one)\n");
	method = json_object_new_object();
	json_object_object_add(method, "runs", json_object_new_int64(o.common.runs));
	json_object_object_add(method, "run_ms", json_object_new_int64(o.common.run_ms));
	json_object_object_add(method, "quick", json_object_new_boolean(o.common.quick));
	json_object_object_add(method, "pass_packets", json_object_new_int64(PASS_PACKETS));
	json_object_object_add(method, "overhead", json_object_new_string("(path - raw) / raw"));
	json_object_object_add(method, "raw_loop", json_object_new_boolean(!raw_missing));
	if (raw_missing)
		json_object_object_add(method, "overhead_na", json_object_new_string(raw_missing));
	json_object_object_add(method, "tcg", json_object_new_boolean(tcg));
	json_object_object_add(method, "note", json_object_new_string(
		"under TCG timings are emulation speed; only ratios to the raw loop count"));
	json_object_object_add(root, "command", json_object_new_string("kernel"));
	json_object_object_add(root, "machine", bench_machine_json(&machine));
	json_object_object_add(root, "module", info_json(&info));
	json_object_object_add(root, "method", method);
	json_object_object_add(root, "batches", groups);
	if (!err && o.common.json_path && bench_json_write(o.common.json_path, root))
		err = -1;
	json_object_put(root);
	return err ? BENCH_EXIT_FAIL : BENCH_EXIT_OK;
}

const struct bench_command bench_kernel_command = {
	.name = "kernel",
	.summary = "ksrtp.ko: SEAL through ioctl and URING_CMD against the module's raw AEAD "
		   "loop (in the test VM)",
	.options = options_help,
	.main = kernel_main,
};
BENCH_COMMAND(bench_kernel_command);
