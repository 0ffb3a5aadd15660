// SPDX-License-Identifier: MIT
/*
 * ksrtp-bench: the bundled benchmarks, one subcommand per file. To add one,
 * write bench/<name>.c exporting a struct bench_command and list it here.
 */
#include <stdio.h>
#include <string.h>

#include "bench.h"

static const struct bench_command *const commands[] = {
	&bench_crypto_command,
	&bench_kernel_command,
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: ksrtp-bench <command> [options]\n"
		   "       ksrtp-bench <command> --help\n\n"
		   "commands:\n");
	for (i = 0; i < N_COMMANDS; i++)
		fprintf(f, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
	for (i = 0; i < N_COMMANDS; i++)
		fprintf(f, "\n%s options:\n%s", commands[i]->name, commands[i]->options);
	fprintf(f, "\nExit status: 0 done, 1 a contender or its setup failed, 2 usage.\n");
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return BENCH_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return BENCH_EXIT_OK;
	}
	for (i = 0; i < N_COMMANDS; i++)
		if (!strcmp(argv[1], commands[i]->name))
			return commands[i]->main(argc - 1, argv + 1);
	fprintf(stderr, "ksrtp-bench: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return BENCH_EXIT_USAGE;
}
