// SPDX-License-Identifier: MIT
/*
 * ksrtp-bench: the bundled benchmarks, one subcommand per file. To add one,
 * write bench/<name>.c defining a struct bench_command listed with
 * BENCH_COMMAND() (bench.h).
 */
#include <stdio.h>
#include <string.h>

#include "bench.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: ksrtp-bench <command> [options]\n"
		   "       ksrtp-bench <command> --help\n\n"
		   "commands:\n");
	bench_for_each_command(c)
		fprintf(f, "  %-10s %s\n", (*c)->name, (*c)->summary);
	bench_for_each_command(c)
		fprintf(f, "\n%s options:\n%s", (*c)->name, (*c)->options);
	fprintf(f, "\nExit status: 0 done, 1 a contender or its setup failed, 2 usage.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return BENCH_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return BENCH_EXIT_OK;
	}
	bench_for_each_command(c)
		if (!strcmp(argv[1], (*c)->name))
			return (*c)->main(argc - 1, argv + 1);
	fprintf(stderr, "ksrtp-bench: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return BENCH_EXIT_USAGE;
}
