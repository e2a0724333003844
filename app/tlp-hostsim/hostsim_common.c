/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/* What the subcommands share: common options, logging, host set-up. */

#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "hostsim.h"

void
hostsim_opts_init(struct hostsim_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->queues = 1;
	o->ring_size = TLPSIM_RING_SLOTS_DEFAULT;
	o->mem_mb = 64;
	o->mem_base = TLPSIM_HOST_MEM_BASE_DEFAULT;
	o->cpl_timeout_ms = TLPSIM_HOST_CPL_TIMEOUT_MS_DEFAULT;
	o->connect_timeout_ms = 5000;
	o->core = -1;
}

int
hostsim_parse_u64(const char *name, const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (s[0] == '\0' || s[0] == '-' || *end != '\0' || errno != 0 || v < lo || v > hi) {
		fprintf(stderr, "--%s: '%s' is not a number in %" PRIu64 "..%" PRIu64 "\n",
			name, s, lo, hi);
		return -1;
	}
	*out = v;
	return 0;
}

int
hostsim_common_opt(int c, const char *arg, struct hostsim_opts *o)
{
	uint64_t v;

	switch (c) {
	case HOSTSIM_OPT_SOCKET:
		o->socket = arg;
		return 1;
	case HOSTSIM_OPT_QUEUES:
		if (hostsim_parse_u64("queues", arg, 1, TLPSIM_MAX_QUEUES, &v) != 0)
			return -1;
		o->queues = (uint16_t)v;
		return 1;
	case HOSTSIM_OPT_RING_SIZE:
		if (hostsim_parse_u64("ring-size", arg, TLPSIM_RING_SLOTS_MIN,
				      TLPSIM_RING_SLOTS_MAX, &v) != 0)
			return -1;
		if (!tlpsim_ring_slots_valid(v)) {
			fprintf(stderr, "--ring-size: '%s' is not a power of two\n", arg);
			return -1;
		}
		o->ring_size = (uint32_t)v;
		return 1;
	case HOSTSIM_OPT_MEM_MB:
		if (hostsim_parse_u64("mem-mb", arg, 1, TLPSIM_MAX_HOST_MEM >> 20, &o->mem_mb) != 0)
			return -1;
		return 1;
	case HOSTSIM_OPT_MEM_BASE:
		if (hostsim_parse_u64("mem-base", arg, 0, UINT64_MAX, &v) != 0)
			return -1;
		if (v % TLPSIM_REGION_ALIGN != 0) {
			fprintf(stderr, "--mem-base: '%s' is not 4 KiB aligned\n", arg);
			return -1;
		}
		o->mem_base = v;
		return 1;
	case HOSTSIM_OPT_CPL_TIMEOUT:
		if (hostsim_parse_u64("cpl-timeout-ms", arg, 1, 60000, &v) != 0)
			return -1;
		o->cpl_timeout_ms = (uint32_t)v;
		return 1;
	case HOSTSIM_OPT_CONNECT_TIMEOUT:
		if (hostsim_parse_u64("connect-timeout-ms", arg, 0, 3600000, &v) != 0)
			return -1;
		o->connect_timeout_ms = (uint32_t)v;
		return 1;
	case HOSTSIM_OPT_CORE:
		if (hostsim_parse_u64("core", arg, 0, CPU_SETSIZE - 1, &v) != 0)
			return -1;
		o->core = (int)v;
		return 1;
	case HOSTSIM_OPT_VERBOSE:
		o->verbose = 1;
		return 1;
	case HOSTSIM_OPT_HELP:
		return 2;
	default:
		return 0;
	}
}

int
hostsim_cmd_opt(int c, const char *arg, const struct hostsim_cmd *cmd, struct hostsim_opts *o)
{
	int ret = hostsim_common_opt(c == 'h' ? HOSTSIM_OPT_HELP : c, arg, o);

	if (ret == 2)
		hostsim_cmd_usage(stdout, cmd);
	return ret;
}

void
hostsim_common_usage(FILE *f)
{
	fprintf(f,
		"  --socket PATH            device side's socket (tlp_sim path=), required\n"
		"  --queues N               queues, as the device's queues= (default 1)\n"
		"  --ring-size SLOTS        slots per ring, as the device's ring_size=\n"
		"                           (default %u)\n"
		"  --mem-mb N               host memory in MiB (default 64)\n"
		"  --mem-base ADDR          bus address of host memory (default 0x%llx)\n"
		"  --cpl-timeout-ms N       completion timeout (default %u)\n"
		"  --connect-timeout-ms N   wait this long for the device side (default 5000)\n"
		"  --core N                 pin the host thread to CPU N\n"
		"  --verbose                log link events to stderr\n"
		"  --help                   this help\n",
		TLPSIM_RING_SLOTS_DEFAULT, TLPSIM_HOST_MEM_BASE_DEFAULT,
		TLPSIM_HOST_CPL_TIMEOUT_MS_DEFAULT);
}

void
hostsim_cmd_usage(FILE *f, const struct hostsim_cmd *cmd)
{
	fprintf(f, "usage: dpdk-tlp-hostsim %s [options]\n%s\n\noptions:\n", cmd->name,
		cmd->summary);
	if (cmd->usage != NULL)
		cmd->usage(f);
	fprintf(f, "\ncommon options:\n");
	hostsim_common_usage(f);
}

int
hostsim_pin(int core)
{
	cpu_set_t set;

	if (core < 0)
		return 0;
	CPU_ZERO(&set);
	CPU_SET(core, &set);
	if (sched_setaffinity(0, sizeof(set), &set) != 0) {
		fprintf(stderr, "cannot pin to core %d: %s\n", core, strerror(errno));
		return -1;
	}
	return 0;
}

static void
hostsim_log(void *arg, int level, const char *msg)
{
	(void)arg;
	fprintf(stderr, "hostsim: %s%s\n", level <= TLPSIM_LOG_ERR ? "error: " : "", msg);
}

int
hostsim_host_conf(const struct hostsim_opts *o, struct tlpsim_host_conf *conf)
{
	if (o->socket == NULL) {
		fprintf(stderr, "--socket PATH is required\n");
		return -1;
	}
	tlpsim_host_conf_init(conf);
	conf->socket_path = o->socket;
	conf->nb_queues = o->queues;
	conf->ring_slots = o->ring_size;
	conf->regions[0].bus_addr = o->mem_base;
	conf->regions[0].size = o->mem_mb << 20;
	conf->cpl_timeout_ms = o->cpl_timeout_ms;
	/* One thread drives every queue: register accesses must not starve device DMA. */
	conf->sync_serves_all = 1;
	conf->log = hostsim_log;
	conf->log_level = o->verbose ? TLPSIM_LOG_DEBUG : TLPSIM_LOG_WARNING;
	/* Configuration errors are explained through the log callback. */
	if (conf->log_level < TLPSIM_LOG_ERR)
		conf->log_level = TLPSIM_LOG_ERR;
	return 0;
}

int
hostsim_host_start(const struct hostsim_opts *o, const struct tlpsim_host_conf *conf,
		   struct tlpsim_host **hp)
{
	const char *reason;
	int ret;

	ret = tlpsim_host_create(conf, hp);
	if (ret != 0) {
		fprintf(stderr, "cannot create the host: %s\n", strerror(-ret));
		return -1;
	}
	ret = tlpsim_host_connect(*hp, o->connect_timeout_ms);
	if (ret != 0) {
		reason = tlpsim_host_refusal(*hp, NULL);
		fprintf(stderr, "cannot connect to %s: %s%s%s\n", o->socket, strerror(-ret),
			reason[0] != '\0' ? ": " : "", reason);
		tlpsim_host_destroy(*hp);
		*hp = NULL;
		return -1;
	}
	return 0;
}

int
hostsim_host_open(const struct hostsim_opts *o, struct tlpsim_host **hp)
{
	struct tlpsim_host_conf conf;

	if (hostsim_host_conf(o, &conf) != 0)
		return -1;
	return hostsim_host_start(o, &conf, hp);
}
