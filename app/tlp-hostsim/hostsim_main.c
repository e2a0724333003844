/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * dpdk-tlp-hostsim [common options] <command> [options]
 *
 * The host side of the software PCIe link: a root complex with host memory,
 * connecting to a device side (a DPDK application with a tlp_sim tlpdev).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostsim.h"

static const struct hostsim_cmd *const hostsim_cmds[] = {
	&hostsim_cmd_bench_rtt,
	&hostsim_cmd_lspci,
	&hostsim_cmd_flr,
	&hostsim_cmd_traffic,
};

static void
hostsim_usage(FILE *f, const char *prog)
{
	unsigned int i;

	fprintf(f, "usage: %s [common options] <command> [options]\n\ncommands:\n", prog);
	for (i = 0; i < sizeof(hostsim_cmds) / sizeof(hostsim_cmds[0]); i++)
		fprintf(f, "  %-12s %s\n", hostsim_cmds[i]->name, hostsim_cmds[i]->summary);
	fprintf(f, "\ncommon options (before or after the command):\n");
	hostsim_common_usage(f);
	fprintf(f, "\nRun '%s <command> --help' for the options of a command.\n", prog);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		HOSTSIM_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	const struct hostsim_cmd *cmd = NULL;
	struct hostsim_opts opts;
	unsigned int i;
	int c, ret;

	hostsim_opts_init(&opts);
	/* Common options up to the command name ('+': stop at the first non-option). */
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		if (c == 'h')
			c = HOSTSIM_OPT_HELP;
		ret = hostsim_common_opt(c, optarg, &opts);
		if (ret == 2) {
			hostsim_usage(stdout, argv[0]);
			return 0;
		}
		if (ret != 1) {
			hostsim_usage(stderr, argv[0]);
			return 2;
		}
	}
	if (optind >= argc) {
		hostsim_usage(stderr, argv[0]);
		return 2;
	}
	for (i = 0; i < sizeof(hostsim_cmds) / sizeof(hostsim_cmds[0]); i++)
		if (strcmp(argv[optind], hostsim_cmds[i]->name) == 0)
			cmd = hostsim_cmds[i];
	if (cmd == NULL) {
		fprintf(stderr, "%s: unknown command '%s'\n\n", argv[0], argv[optind]);
		hostsim_usage(stderr, argv[0]);
		return 2;
	}
	argc -= optind;
	argv += optind;
	optind = 1;
	return cmd->run(argc, argv, &opts);
}
