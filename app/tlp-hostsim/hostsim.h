/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#ifndef HOSTSIM_H
#define HOSTSIM_H

/*
 * dpdk-tlp-hostsim: the host side of the software PCIe link. One file per
 * subcommand; this header holds what they share: the common options, the
 * subcommand table entry, and host set-up.
 */

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

#include <tlpsim_host.h>

/* Options every subcommand takes. */
struct hostsim_opts {
	const char *socket;		/* --socket PATH (required) */
	uint16_t queues;		/* --queues N */
	uint32_t ring_size;		/* --ring-size SLOTS */
	uint64_t mem_mb;		/* --mem-mb N */
	uint64_t mem_base;		/* --mem-base ADDR */
	uint32_t cpl_timeout_ms;	/* --cpl-timeout-ms N */
	uint32_t connect_timeout_ms;	/* --connect-timeout-ms N */
	int core;			/* --core N, -1: not pinned */
	int verbose;			/* --verbose */
};

/* getopt_long codes of the common options (beyond any character). */
enum {
	HOSTSIM_OPT_SOCKET = 256,
	HOSTSIM_OPT_QUEUES,
	HOSTSIM_OPT_RING_SIZE,
	HOSTSIM_OPT_MEM_MB,
	HOSTSIM_OPT_MEM_BASE,
	HOSTSIM_OPT_CPL_TIMEOUT,
	HOSTSIM_OPT_CONNECT_TIMEOUT,
	HOSTSIM_OPT_CORE,
	HOSTSIM_OPT_VERBOSE,
	HOSTSIM_OPT_HELP,
	HOSTSIM_OPT_CMD_BASE = 512,	/* subcommands number their own options from here */
};

/* The common entries of a getopt_long table; a subcommand appends its own. */
#define HOSTSIM_COMMON_LONGOPTS \
	{ "socket", required_argument, NULL, HOSTSIM_OPT_SOCKET }, \
	{ "queues", required_argument, NULL, HOSTSIM_OPT_QUEUES }, \
	{ "ring-size", required_argument, NULL, HOSTSIM_OPT_RING_SIZE }, \
	{ "mem-mb", required_argument, NULL, HOSTSIM_OPT_MEM_MB }, \
	{ "mem-base", required_argument, NULL, HOSTSIM_OPT_MEM_BASE }, \
	{ "cpl-timeout-ms", required_argument, NULL, HOSTSIM_OPT_CPL_TIMEOUT }, \
	{ "connect-timeout-ms", required_argument, NULL, HOSTSIM_OPT_CONNECT_TIMEOUT }, \
	{ "core", required_argument, NULL, HOSTSIM_OPT_CORE }, \
	{ "verbose", no_argument, NULL, HOSTSIM_OPT_VERBOSE }, \
	{ "help", no_argument, NULL, HOSTSIM_OPT_HELP }

/* A subcommand. */
struct hostsim_cmd {
	const char *name;
	const char *summary;
	/* Run with the subcommand's arguments (argv[0] is its name). Exit status. */
	int (*run)(int argc, char **argv, struct hostsim_opts *opts);
	/* Print the subcommand's own options. */
	void (*usage)(FILE *f);
};

extern const struct hostsim_cmd hostsim_cmd_bench_rtt;
extern const struct hostsim_cmd hostsim_cmd_lspci;
extern const struct hostsim_cmd hostsim_cmd_flr;
extern const struct hostsim_cmd hostsim_cmd_traffic;

/* Defaults of the common options. */
void hostsim_opts_init(struct hostsim_opts *o);

/*
 * Handle one common option. Returns 1 when handled, 0 when @c is not a
 * common option, -1 on a bad value (message printed), 2 for --help.
 */
int hostsim_common_opt(int c, const char *arg, struct hostsim_opts *o);

/*
 * hostsim_common_opt() for a subcommand's getopt loop: -h is --help, and
 * the usage of @p cmd is printed when help was asked (return value 2).
 */
int hostsim_cmd_opt(int c, const char *arg, const struct hostsim_cmd *cmd, struct hostsim_opts *o);

/* Print the common options. */
void hostsim_common_usage(FILE *f);

/* Print the usage of one subcommand (common options included). */
void hostsim_cmd_usage(FILE *f, const struct hostsim_cmd *cmd);

/* Parse an unsigned number in [lo, hi]; prints an error naming @p name. */
int hostsim_parse_u64(const char *name, const char *s, uint64_t lo, uint64_t hi,
		      uint64_t *out);

/* Pin the calling thread to @p core (-1: leave it). 0 or -1 (message printed). */
int hostsim_pin(int core);

/*
 * Fill a host configuration from the common options (socket, queues, ring
 * size, memory, completion timeout, logging). Prints and returns -1 when
 * --socket is missing.
 */
int hostsim_host_conf(const struct hostsim_opts *o, struct tlpsim_host_conf *conf);

/*
 * Create the host from @p conf and connect it to the device side (waiting up
 * to --connect-timeout-ms). Prints the reason and returns -1 on failure.
 */
int hostsim_host_start(const struct hostsim_opts *o, const struct tlpsim_host_conf *conf,
		       struct tlpsim_host **hp);

/* Create the host from the options and connect it. 0 or -1 (message printed). */
int hostsim_host_open(const struct hostsim_opts *o, struct tlpsim_host **hp);

#endif /* HOSTSIM_H */
