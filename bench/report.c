// SPDX-License-Identifier: MIT
/*
 * ksrtp-bench report: every other subcommand in turn, then one report of
 * them all. The subcommands are the ones this binary lists (BENCH_COMMAND()),
 * so a new one joins the report by being linked in. Each runs in a child
 * process with --json into the output directory and its table into a log
 * there; ksrtp-bench kernel runs on /dev/ksrtp when the host has it, else
 * through --vm-command (make bench: the qemu TCG VM of tests/vm, whose
 * figures are emulation speed and are labelled so).
 *
 * Honest by construction: each subcommand measures its comparisons side by
 * side, interleaved, in one run (a contender its JSON says ran apart is
 * labelled so); the report asks every one for at least
 * REPORT_MIN_RUNS runs (except --quick), checks that every figure has them,
 * and lists every noisy figure (spread > BENCH_NOISY_SPREAD).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fanout.h"
#include "ksrtp/ksrtp.h"
#include "report.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#define DEFAULT_OUT "bench/out"
#define KERNEL_DEVICE "/dev/ksrtp"

/*
 * What the report knows about some subcommands: arguments it adds (crypto:
 * the sizes of its throughput plot; fewer with --quick) and how long one takes, measured on the
 * shared 2-core machine this was written on (full: at REPORT_DEFAULT_RUNS
 * runs, scaled by --runs). Others get a guess until they have run once; from
 * then on the last run's time is the estimate.
 */
struct known_command {
	const char *name;
	const char *args;
	const char *quick_args;	/* instead of args with --quick */
	bool threads_per_cpu;	/* --threads 1,2,4,..,<online CPUs>, when its options have it */
	const char *quick_skip;	/* why --quick leaves it out, or NULL */
	double quick_s;
	double full_s;
};

static const struct known_command known[] = {
	{ "crypto", "--sizes 64,160,400,800,1200", "--sizes 64,400,1200", false, NULL, 10, 160 },
	{ "fanout", "", "", true, NULL, 3, 40 },	/* scaling: one forwarder a CPU */
	{ "kernel", "", "", false, NULL, 20, 65 },	/* in the VM: module build, boot, TCG */
	{ "load", "", "", false, NULL, 4, 15 },
	{ "privacy", "", "", false, NULL, 1, 2 },
	{ "soak", "", "", false, "a soak takes minutes by design (make check-soak: 30 s)", 0, 75 },
	{ "video", "", "", false, NULL, 2, 50 },
};

#define GUESS_QUICK_S 10
#define GUESS_FULL_S 60

static const char options_help[] =
	"  --quick          smoke run: every subcommand with --quick (under a minute)\n"
	"  --runs N         runs per figure, given to every subcommand (default 7; at\n"
	"                   least 5, except with --quick, where each has its own)\n"
	"  --run-ms MS      length of one run, given to every subcommand (default: each\n"
	"                   subcommand's own)\n"
	"  --clock wall|cpu given to every subcommand that takes it (default: each\n"
	"                   subcommand's own)\n"
	"  --out DIR        where report.md, report.json, the SVG plots and each\n"
	"                   subcommand's JSON and output go (default " DEFAULT_OUT ")\n"
	"  --json FILE      the merged report (default DIR/report.json)\n"
	"  --only LIST      run only these subcommands (comma separated)\n"
	"  --skip LIST      leave these subcommands out\n"
	"  --args NAME:ARGS more arguments for subcommand NAME (space separated; the\n"
	"                   option may be repeated)\n"
	"  --vm-command CMD shell command that runs 'ksrtp-bench kernel' in a VM, given\n"
	"                   its arguments in $KSRTP_BENCH_ARGS (make bench: the qemu TCG\n"
	"                   VM of tests/vm); used when " KERNEL_DEVICE " is not here\n"
	"  --vm-json FILE   where that command leaves the kernel subcommand's JSON\n"
	"  --redraw         run nothing: write report.md, report.json and the plots\n"
	"                   again from DIR/report.json of the last run (its machine,\n"
	"                   steps and figures), with this binary's way of reporting them\n"
	"  --help           this text\n"
	"  Runs every other subcommand this binary lists, one at a time, with a\n"
	"  progress line each and the total time estimated first; prints the\n"
	"  summary tables at the end. Exit status 1 when a subcommand failed (the\n"
	"  report is written all the same).\n";

/* ---- children ---- */

int report_run_child(const char *log_path, const char *dir, int (*fn)(void *), void *arg)
{
	int fd, status;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "ksrtp-bench report: %s: %s\n", log_path, strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "ksrtp-bench report: fork: %s\n", strerror(errno));
		close(fd);
		return -1;
	}
	if (!pid) {
		if (dup2(fd, STDOUT_FILENO) < 0 || dup2(fd, STDERR_FILENO) < 0 ||
		    (dir && chdir(dir)))
			_exit(127);
		exit(fn(arg));
	}
	close(fd);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int run_command(void *arg)
{
	struct report_step *s = arg;

	optind = 0;	/* getopt_long starts afresh on the subcommand's argv */
	setvbuf(stdout, NULL, _IOLBF, 0);	/* its errors land in the log where they happen */
	return s->command->main(s->argc, s->argv);
}

static int run_vm_command(void *arg)
{
	const char *const *cmd_args = arg;

	setenv("KSRTP_BENCH_ARGS", cmd_args[1], 1);
	execl("/bin/sh", "sh", "-c", cmd_args[0], (char *)NULL);
	fprintf(stderr, "ksrtp-bench report: /bin/sh: %s\n", strerror(errno));
	return 127;
}

/* ---- the machine: what bench_machine_json() leaves out ---- */

/* The value of a "key<tabs>: value" line of /proc/cpuinfo, or NULL when it is another key's. */
static const char *cpuinfo_field(char *line, const char *key)
{
	size_t n = strlen(key);
	char *p = line + n;

	if (strncmp(line, key, n))
		return NULL;
	p += strspn(p, " \t");
	if (*p != ':')
		return NULL;	/* "model" is not "model name" */
	line[strcspn(line, "\n")] = 0;
	return p + 1 + strspn(p + 1, " ");
}

/* The first CPU's identity and every flag it has; *hypervisor: it has that flag. */
static void cpuinfo_json(json_object *o, bool *hypervisor)
{
	static const struct {
		const char *field, *key;
		bool number;
	} fields[] = {
		{ "vendor_id", "cpu_vendor", false },	  { "cpu family", "cpu_family", true },
		{ "model", "cpu_model_number", true },	  { "stepping", "cpu_stepping", true },
		{ "microcode", "cpu_microcode", false },
	};
	json_object *flags = json_object_new_array();
	FILE *f = fopen("/proc/cpuinfo", "r");
	char *line = NULL, *save = NULL, *tok;
	size_t size = 0, i;
	const char *v;

	*hypervisor = false;
	while (f && getline(&line, &size, f) > 0 && *line != '\n') {	/* a blank line ends cpu 0 */
		for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
			if ((v = cpuinfo_field(line, fields[i].field)))
				json_object_object_add(o, fields[i].key, fields[i].number ?
						       json_object_new_int(atoi(v)) :
						       json_object_new_string(v));
		if (!(v = cpuinfo_field(line, "flags")))
			continue;
		for (tok = strtok_r((char *)v, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
			json_object_array_add(flags, json_object_new_string(tok));
			*hypervisor |= !strcmp(tok, "hypervisor");
		}
	}
	free(line);
	if (f)
		fclose(f);
	json_object_object_add(o, "cpu_flags_all", flags);
}

/* The first line of f, without its newline, into buf; closes f (pclose when piped). */
static bool first_line(FILE *f, bool piped, char *buf, size_t size)
{
	bool ok = f && fgets(buf, (int)size, f);

	if (ok)
		buf[strcspn(buf, "\n")] = 0;
	if (f && piped)
		pclose(f);
	else if (f)
		fclose(f);
	return ok && *buf;
}

static void append_desc(char *desc, size_t size, const char *fmt, const char *v)
{
	size_t len = strlen(desc);

	snprintf(desc + len, size - len, "%s", len ? "; " : "");
	len = strlen(desc);
	snprintf(desc + len, size - len, fmt, v);
}

/*
 * What runs the machine: CPUID's hypervisor bit and vendor signature, Xen's
 * /sys/hypervisor/type, systemd-detect-virt where it is installed; and a
 * line that sums them up ("none detected" when nothing says so).
 */
static json_object *hypervisor_json(bool cpuid_flag)
{
	json_object *o = json_object_new_object();
	char buf[64], desc[256] = "";

	json_object_object_add(o, "cpuid_flag", json_object_new_boolean(cpuid_flag));
#if defined(__x86_64__) || defined(__i386__)
	if (cpuid_flag) {
		unsigned int eax, sig[3];
		char vendor[13];
		size_t i;

		/* leaf 0x40000000: "KVMKVMKVM", "Microsoft Hv", "VMwareVMware", ... */
		__cpuid(0x40000000, eax, sig[0], sig[1], sig[2]);
		memcpy(vendor, sig, 12);
		vendor[12] = 0;
		for (i = 0; i < 12 && vendor[i]; i++)
			if (vendor[i] < 0x20 || vendor[i] > 0x7e)
				vendor[i] = '.';
		json_object_object_add(o, "cpuid_vendor", json_object_new_string(vendor));
		append_desc(desc, sizeof(desc), "CPUID vendor '%s'", vendor);
	}
#endif
	if (first_line(fopen("/sys/hypervisor/type", "r"), false, buf, sizeof(buf))) {
		json_object_object_add(o, "sys_hypervisor_type", json_object_new_string(buf));
		append_desc(desc, sizeof(desc), "/sys/hypervisor/type %s", buf);
	}
	if (first_line(popen("systemd-detect-virt --vm 2>/dev/null", "r"), true, buf, sizeof(buf))) {
		json_object_object_add(o, "systemd_detect_virt_vm", json_object_new_string(buf));
		if (strcmp(buf, "none"))
			append_desc(desc, sizeof(desc), "systemd-detect-virt --vm: %s", buf);
	}
	if (!*desc)
		snprintf(desc, sizeof(desc), "%s", cpuid_flag ? "CPUID says a hypervisor, of no "
							       "known name" : "none detected");
	if (first_line(popen("systemd-detect-virt --container 2>/dev/null", "r"), true, buf,
		       sizeof(buf))) {
		json_object_object_add(o, "systemd_detect_virt_container",
				       json_object_new_string(buf));
		if (strcmp(buf, "none"))
			append_desc(desc, sizeof(desc), "container: %s", buf);
	}
	json_object_object_add(o, "description", json_object_new_string(desc));
	return o;
}

json_object *report_machine_json(const struct bench_machine *m)
{
	json_object *o = bench_machine_json(m), *lib = json_object_new_object();
	bool hypervisor;

	cpuinfo_json(o, &hypervisor);
	json_object_object_add(o, "hypervisor", hypervisor_json(hypervisor));
	json_object_object_add(lib, "version", json_object_new_string(ksrtp_version()));
	json_object_object_add(lib, "git_commit", json_object_new_string(KSRTP_BENCH_COMMIT));
	json_object_object_add(o, "libksrtp", lib);
	return o;
}

/* ---- the plan ---- */

static bool in_list(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p;

	for (p = list; p && *p; p += strcspn(p, ","), p += *p == ',') {
		if (!strncmp(p, name, n) && (p[n] == ',' || !p[n]))
			return true;
	}
	return false;
}

static const struct known_command *known_command(const char *name)
{
	unsigned int i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(known[i].name, name))
			return &known[i];
	return NULL;
}

static void add_arg(struct report_step *s, const char *arg, bool shown)
{
	size_t len = strlen(s->args);

	/* Room is kept for --json FILE, the last two, and the NULL after them. */
	if (shown && s->argc >= REPORT_MAX_ARGS - 3) {
		fprintf(stderr, "ksrtp-bench report: too many arguments for %s: '%s' left out\n",
			s->name, arg);
		return;
	}
	s->argv[s->argc++] = strdup(arg);
	if (shown)
		snprintf(s->args + len, sizeof(s->args) - len, "%s%s", len ? " " : "", arg);
}

/* Each space-separated word of words as an argument. */
static void add_args(struct report_step *s, const char *words)
{
	char *copy = strdup(words), *save = NULL, *w;

	for (w = copy ? strtok_r(copy, " ", &save) : NULL; w; w = strtok_r(NULL, " ", &save))
		add_arg(s, w, true);
	free(copy);
}

static void step_args(const struct report *r, struct report_step *s)
{
	const struct known_command *k = known_command(s->name);
	unsigned int i;
	char num[16];

	s->argv[s->argc++] = strdup(s->name);
	if (k)
		add_args(s, r->common.quick ? k->quick_args : k->args);
	if (k && k->threads_per_cpu && strstr(s->command->options, "--threads")) {
		/* A CPU each forwarder (its receivers count, no thread reads them): pinned then. */
		long cpus = (long)bench_allowed_cpus(NULL, 0);
		long top = cpus < 2 ? 2 : cpus < FANOUT_MAX_THREADS ? cpus : FANOUT_MAX_THREADS;
		char list[64] = "1";
		long t;

		/*
		 * Doubling up to one a CPU, or fanout's most: the points of the
		 * scaling curve: 1, the powers of 2 up to top and top, at most
		 * log2(top) + 2 counts.
		 */
		_Static_assert(FANOUT_MAX_THREADS <= 1L << (FANOUT_MAX_THREAD_COUNTS - 2),
			       "the doubling list fits in fanout's --threads");
		for (t = 2; t <= top; t *= 2)
			snprintf(list + strlen(list), sizeof(list) - strlen(list), ",%ld", t);
		if (t / 2 < top)
			snprintf(list + strlen(list), sizeof(list) - strlen(list), ",%ld", top);
		add_arg(s, "--threads", true);
		add_arg(s, list, true);
	}
	for (i = 0; i < r->n_extra_args; i++) {
		const char *a = r->extra_args[i];
		size_t len = strlen(s->name);

		if (!strncmp(a, s->name, len) && a[len] == ':')
			add_args(s, a + len + 1);
	}
	if (r->common.quick)
		add_arg(s, "--quick", true);
	if (r->runs_set || !r->common.quick) {
		snprintf(num, sizeof(num), "%u", r->common.runs);
		add_arg(s, "--runs", true);
		add_arg(s, num, true);
	}
	if (r->run_ms_set) {
		snprintf(num, sizeof(num), "%u", r->common.run_ms);
		add_arg(s, "--run-ms", true);
		add_arg(s, num, true);
	}
	/* Only where its help lists it: load and soak refuse a clock (wall time is theirs). */
	if (r->common.clock_set && strstr(s->command->options, "--clock wall|cpu")) {
		add_arg(s, "--clock", true);
		add_arg(s, r->common.clock == CLOCK_MONOTONIC ? "wall" : "cpu", true);
	}
	snprintf(s->json_path, sizeof(s->json_path), "%s/%s.json", r->out_dir, s->name);
	snprintf(s->log_path, sizeof(s->log_path), "%s/%s.txt", r->out_dir, s->name);
	add_arg(s, "--json", false);
	add_arg(s, s->json_path, false);
}

/* The last report's time for the same subcommand and arguments, or NAN. */
static double last_run_seconds(json_object *last, const struct report_step *s)
{
	json_object *steps = report_array(last, "steps"), *st;
	size_t i;

	/* report_string(): a hand-edited "command": null would give strcmp() a NULL */
	for (i = 0; steps && i < json_object_array_length(steps); i++) {
		st = json_object_array_get_idx(steps, i);
		if (!strcmp(report_string(st, "command"), s->name) &&
		    !strcmp(report_string(st, "args"), s->args) &&
		    !strcmp(report_string(st, "status"), "ok"))
			return report_number(st, "seconds");
	}
	return NAN;
}

static void estimate(const struct report *r, json_object *last, struct report_step *s)
{
	const struct known_command *k = known_command(s->name);
	double t = last_run_seconds(last, s);

	if (!isnan(t)) {
		s->estimate_s = t;
		s->estimate_from = "last run";
	} else if (k) {
		s->estimate_s = r->common.quick ? k->quick_s
						: k->full_s * r->common.runs / REPORT_DEFAULT_RUNS;
		s->estimate_from = "model";
	} else {
		s->estimate_s = r->common.quick ? GUESS_QUICK_S : GUESS_FULL_S;
		s->estimate_from = "guess";
	}
}

static void plan(struct report *r)
{
	char last_path[PATH_MAX];
	json_object *last;

	snprintf(last_path, sizeof(last_path), "%s/report.json", r->out_dir);
	last = access(last_path, R_OK) ? NULL : json_object_from_file(last_path);
	bench_for_each_command(c) {
		struct report_step *s = &r->steps[r->n_steps];
		const char *name = (*c)->name;

		if (!strcmp(name, "report") || (r->only && !in_list(r->only, name)) ||
		    in_list(r->skip, name) || r->n_steps == REPORT_MAX_STEPS)
			continue;
		memset(s, 0, sizeof(*s));
		s->name = name;
		s->command = *c;
		s->where = "host";
		r->n_steps++;
		step_args(r, s);
		if (r->common.quick && known_command(name) && known_command(name)->quick_skip &&
		    !in_list(r->only, name)) {
			s->status = STEP_SKIPPED;
			snprintf(s->why, sizeof(s->why), "not with --quick: %s",
				 known_command(name)->quick_skip);
		}
		if (!strcmp(name, "kernel") && access(KERNEL_DEVICE, R_OK | W_OK)) {
			/* No module here: the VM, or nothing. */
			s->command = NULL;
			if (r->vm_command) {
				s->where = "qemu TCG VM (emulated: only ratios count)";
				snprintf(s->json_path, sizeof(s->json_path), "%s", r->vm_json);
			} else {
				s->status = STEP_SKIPPED;
				snprintf(s->why, sizeof(s->why),
					 "no %s here and no --vm-command", KERNEL_DEVICE);
			}
		}
		estimate(r, last, s);
	}
	json_object_put(last);
}

static void print_duration(FILE *f, double s)
{
	if (s < 90)
		fprintf(f, "%.0f s", s);
	else
		fprintf(f, "%.0f min %02.0f s", floor(s / 60), fmod(s, 60));
}

static void print_plan(const struct report *r)
{
	double total = 0;
	unsigned int i, n = 0;

	for (i = 0; i < r->n_steps; i++) {
		if (r->steps[i].status == STEP_SKIPPED)
			continue;
		total += r->steps[i].estimate_s;
		n++;
	}
	printf("ksrtp-bench report: %u step%s, about ", n, n == 1 ? "" : "s");
	print_duration(stdout, total);
	printf(" in all%s; output in %s\n", r->common.quick ? " (--quick)" : "", r->out_dir);
	for (i = 0; i < r->n_steps; i++) {
		const struct report_step *s = &r->steps[i];

		if (s->status == STEP_SKIPPED) {
			printf("  %-9s skipped: %s\n", s->name, s->why);
			continue;
		}
		printf("  %-9s ~", s->name);
		print_duration(stdout, s->estimate_s);
		printf(" (%s)  %s%s%s\n", s->estimate_from, s->args,
		       strcmp(s->where, "host") ? "  in the " : "",
		       strcmp(s->where, "host") ? s->where : "");
	}
	fflush(stdout);
}

/*
 * --redraw: the steps, figures and machine of the last report.json as it
 * recorded them; --only and --skip still choose among its steps.
 */
static int load_last_report(struct report *r)
{
	json_object *steps, *results, *method;
	char path[PATH_MAX];
	size_t i;

	snprintf(path, sizeof(path), "%s/report.json", r->out_dir);
	r->last = access(path, R_OK) ? NULL : json_object_from_file(path);
	steps = report_array(r->last, "steps");
	if (!steps) {
		fprintf(stderr, "ksrtp-bench report --redraw: %s: no report to redraw\n", path);
		return -1;
	}
	results = report_object(r->last, "results");
	method = report_member(r->last, "method");
	r->machine_json = json_object_get(report_object(r->last, "machine"));
	r->commit = report_string(r->last, "git_commit");
	r->common.quick = json_object_get_boolean(report_member(r->last, "quick"));
	r->runs_set = !isnan(report_number(method, "runs"));
	if (r->runs_set)
		r->common.runs = (unsigned int)report_number(method, "runs");
	for (i = 0; i < json_object_array_length(steps) && r->n_steps < REPORT_MAX_STEPS; i++) {
		json_object *o = json_object_array_get_idx(steps, i);
		const char *name = report_string(o, "command"), *status = report_string(o, "status");
		struct report_step *s = &r->steps[r->n_steps];

		if (!*name || (r->only && !in_list(r->only, name)) || in_list(r->skip, name))
			continue;
		memset(s, 0, sizeof(*s));
		s->name = name;
		s->where = report_string(o, "where");
		snprintf(s->args, sizeof(s->args), "%s", report_string(o, "args"));
		snprintf(s->why, sizeof(s->why), "%s", report_string(o, "why"));
		snprintf(s->log_path, sizeof(s->log_path), "%s", report_string(o, "log"));
		s->estimate_s = report_number(o, "estimate_seconds");
		s->seconds = report_number(o, "seconds");
		s->exit_code = isnan(report_number(o, "exit_code")) ? 0 :
			       (int)report_number(o, "exit_code");
		s->status = !strcmp(status, "ok")      ? STEP_OK :
			    !strcmp(status, "failed")  ? STEP_FAILED :
			    !strcmp(status, "skipped") ? STEP_SKIPPED : STEP_PENDING;
		/* a subcommand's output is an object; anything else is left out */
		s->json = json_object_get(report_object(results, name));
		r->n_steps++;
	}
	printf("ksrtp-bench report --redraw: %u step%s of %s (measured %s, commit %s)\n",
	       r->n_steps, r->n_steps == 1 ? "" : "s", path,
	       report_string(r->machine_json, "date"), r->commit);
	return 0;
}

/* ---- the steps ---- */

static void run_step(struct report *r, struct report_step *s, unsigned int k, unsigned int n)
{
	uint64_t start = bench_now_ns(CLOCK_MONOTONIC);
	const char *vm_args[2] = { r->vm_command, s->args };
	char why[sizeof(s->why)];

	printf("[%u/%u] %s%s%s ... (est. ", k, n, s->name, s->command ? "" : " in the ",
	       s->command ? "" : s->where);
	print_duration(stdout, s->estimate_s);
	printf(")");
	unlink(s->json_path);	/* what was there is not this run's */
	unlink(s->log_path);
	if (s->command)
		s->exit_code = report_run_child(s->log_path, NULL, run_command, s);
	else
		s->exit_code = report_run_child(s->log_path, NULL, run_vm_command, vm_args);
	s->seconds = (double)(bench_now_ns(CLOCK_MONOTONIC) - start) / 1e9;
	s->json = access(s->json_path, R_OK) ? NULL : json_object_from_file(s->json_path);
	/* Written through a copy: gcc cannot tell s->why from s->log_path (-Wrestrict). */
	if (s->exit_code == 0 && s->json) {
		s->status = STEP_OK;
	} else if (s->exit_code == 0 && !s->command) {
		/* make bench-vm succeeds without qemu, saying so in the log */
		s->status = STEP_SKIPPED;
		snprintf(why, sizeof(why), "the VM did not run (see %s)", s->log_path);
	} else {
		s->status = STEP_FAILED;
		snprintf(why, sizeof(why), "%s (exit %d); see %s",
			 s->json ? "failed" : "failed, no JSON", s->exit_code, s->log_path);
	}
	if (s->status != STEP_OK)
		memcpy(s->why, why, sizeof(s->why));
	printf(" %s in ", s->status == STEP_OK ? "done" : s->status == STEP_SKIPPED ? "skipped"
											: "FAILED");
	print_duration(stdout, s->seconds);
	printf("\n");
	if (s->status != STEP_OK)
		printf("      %s\n", s->why);
	fflush(stdout);
}

const struct report_step *report_step_ok(const struct report *r, const char *name)
{
	unsigned int i;

	for (i = 0; i < r->n_steps; i++)
		if (r->steps[i].status == STEP_OK && !strcmp(r->steps[i].name, name))
			return &r->steps[i];
	return NULL;
}

/* ---- options ---- */

enum { OPT_OUT = 1, OPT_ONLY, OPT_SKIP, OPT_ARGS, OPT_VM_COMMAND, OPT_VM_JSON, OPT_REDRAW };

static const struct option report_longopts[] = {
	BENCH_COMMON_OPTIONS,
	{ "out", required_argument, NULL, OPT_OUT },
	{ "only", required_argument, NULL, OPT_ONLY },
	{ "skip", required_argument, NULL, OPT_SKIP },
	{ "args", required_argument, NULL, OPT_ARGS },
	{ "vm-command", required_argument, NULL, OPT_VM_COMMAND },
	{ "vm-json", required_argument, NULL, OPT_VM_JSON },
	{ "redraw", no_argument, NULL, OPT_REDRAW },
	{ NULL, 0, NULL, 0 },
};

static int parse_report_option(void *ctx, int val, const char *arg)
{
	struct report *r = ctx;

	switch (val) {
	case OPT_OUT:
		r->out_dir = arg;
		return !*arg;
	case OPT_ONLY:
		r->only = arg;
		return 0;
	case OPT_SKIP:
		r->skip = arg;
		return 0;
	case OPT_ARGS:
		if (!strchr(arg, ':') || r->n_extra_args == REPORT_MAX_STEPS)
			return 1;
		r->extra_args[r->n_extra_args++] = arg;
		return 0;
	case OPT_VM_COMMAND:
		r->vm_command = arg;
		return !*arg;
	case OPT_VM_JSON:
		r->vm_json = arg;
		return !*arg;
	case OPT_REDRAW:
		r->redraw = true;
		return 0;
	}
	return 1;
}

extern const struct bench_command bench_report_command;

/* --runs 0 and --run-ms 0 mean "not given": the parser fills in these when absent. */
static const struct bench_option_table report_option_table = {
	.command = &bench_report_command,
	.options = report_longopts,
	.parse_own = parse_report_option,
	.default_runs = 0,
	.default_run_ms = 0,
	.quick_runs = 0,
	.quick_run_ms = 0,
};

/*
 * name[0..len) is a subcommand the report runs; else a usage error naming
 * the ones it does (a misspelt --only would run nothing and look done).
 */
static bool step_name_known(const char *option, const char *name, size_t len)
{
	bench_for_each_command(c) {
		if (strcmp((*c)->name, "report") && strlen((*c)->name) == len &&
		    !strncmp((*c)->name, name, len))
			return true;
	}
	fprintf(stderr, "ksrtp-bench report: %s: no step named '%.*s'; the steps are:", option,
		(int)len, name);
	bench_for_each_command(c) {
		if (strcmp((*c)->name, "report"))
			fprintf(stderr, " %s", (*c)->name);
	}
	fprintf(stderr, "\n");
	return false;
}

static bool step_names_known(const struct report *r)
{
	const char *lists[2] = { r->only, r->skip }, *opts[2] = { "--only", "--skip" }, *p;
	unsigned int i;
	size_t n;

	for (i = 0; i < 2; i++) {
		for (p = lists[i]; p; p += n + 1) {
			n = strcspn(p, ",");
			if (!step_name_known(opts[i], p, n))
				return false;
			if (!p[n])
				break;
		}
	}
	for (i = 0; i < r->n_extra_args; i++)
		if (!step_name_known("--args", r->extra_args[i], strcspn(r->extra_args[i], ":")))
			return false;
	return true;
}

static bool parse_options(int argc, char **argv, struct report *r, int *exit_code)
{
	r->out_dir = DEFAULT_OUT;
	if (!bench_parse_options(&report_option_table, argc, argv, r, &r->common, exit_code))
		return false;
	r->runs_set = r->common.runs;
	r->run_ms_set = r->common.run_ms;
	if (!r->runs_set)
		r->common.runs = REPORT_DEFAULT_RUNS;
	if (!r->common.quick && r->common.runs < REPORT_MIN_RUNS) {
		fprintf(stderr, "ksrtp-bench report: --runs %u: a report takes the median of at "
				"least %u runs (or --quick)\n", r->common.runs, REPORT_MIN_RUNS);
		*exit_code = BENCH_EXIT_USAGE;
		return false;
	}
	if (!step_names_known(r)) {
		*exit_code = BENCH_EXIT_USAGE;
		return false;
	}
	if (r->vm_command && !r->vm_json) {
		fprintf(stderr, "ksrtp-bench report: --vm-command needs --vm-json\n");
		*exit_code = BENCH_EXIT_USAGE;
		return false;
	}
	r->json_path = r->common.json_path;
	if (!r->json_path) {
		snprintf(r->json_buf, sizeof(r->json_buf), "%s/report.json", r->out_dir);
		r->json_path = r->json_buf;
	}
	return true;
}

/* ---- the subcommand ---- */

static int make_dir(const char *path)
{
	char buf[PATH_MAX], *p;
	char saved;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + 1;; p++) {
		if (*p && *p != '/')
			continue;
		saved = *p;
		*p = 0;
		if (mkdir(buf, 0755) && errno != EEXIST) {
			fprintf(stderr, "ksrtp-bench report: %s: %s\n", buf, strerror(errno));
			return -1;
		}
		if (!saved)
			return 0;
		*p = saved;
	}
}

static int report_main(int argc, char **argv)
{
	static struct report r;	/* large: plots and steps */
	json_object *root;
	unsigned int i, k = 0, n = 0, failed = 0;
	int exit_code;

	if (!parse_options(argc, argv, &r, &exit_code))
		return exit_code;
	if (make_dir(r.out_dir))
		return BENCH_EXIT_FAIL;
	if (r.redraw) {
		if (load_last_report(&r)) {
			json_object_put(r.last);
			return BENCH_EXIT_FAIL;
		}
	} else {
		bench_machine_probe(&r.machine);
		r.machine_json = report_machine_json(&r.machine);
		r.commit = KSRTP_BENCH_COMMIT;
		plan(&r);
		print_plan(&r);
	}
	for (i = 0; i < r.n_steps && !r.redraw; i++)
		n += r.steps[i].status != STEP_SKIPPED;
	for (i = 0; i < r.n_steps && !r.redraw; i++) {
		if (r.steps[i].status == STEP_SKIPPED)
			continue;
		run_step(&r, &r.steps[i], ++k, n);
		failed += r.steps[i].status == STEP_FAILED;
	}
	report_plot(&r);
	root = report_json(&r);
	exit_code = bench_json_write(r.json_path, root) || report_write_markdown(&r);
	json_object_put(root);
	printf("\n");
	report_print_summary(stdout, &r);
	printf("\nreport: %s/report.md, %s", r.out_dir, r.json_path);
	if (r.n_plots)
		printf(", %u SVG plot%s", r.n_plots, r.n_plots == 1 ? "" : "s");
	else
		printf(" (no plots: %s)", r.plot_note);
	printf("\n");
	if (failed)
		printf("%u step%s FAILED\n", failed, failed == 1 ? "" : "s");
	for (i = 0; i < r.n_steps; i++) {
		json_object_put(r.steps[i].json);
		for (k = 0; k < (unsigned int)r.steps[i].argc; k++)
			free(r.steps[i].argv[k]);
	}
	json_object_put(r.machine_json);
	json_object_put(r.last);	/* after the steps: their names and wheres are its */
	return exit_code || failed ? BENCH_EXIT_FAIL : BENCH_EXIT_OK;
}

const struct bench_command bench_report_command = {
	.name = "report",
	.summary = "run every other subcommand and write one report (make bench)",
	.options = options_help,
	.main = report_main,
};
BENCH_COMMAND(bench_report_command);
