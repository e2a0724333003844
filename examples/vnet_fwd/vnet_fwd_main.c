/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * vnet_fwd: a DPDK application forwarding between an emulated virtio-net
 * function (net_virtio_emu) and another port, with burst-oriented lcore
 * loops.
 *
 * Lcores:
 *   main lcore     signals, statistics every --stats-period seconds, shutdown
 *   service lcore  net_virtio_emu's control work (its rte_service), when one
 *                  is given (--service-lcore N or EAL -S N); otherwise the
 *                  PMD does that work in the Rx burst of queue 0
 *   worker lcores  the data path: each owns some streams (one direction of
 *                  one queue pair) and loops over them (vnet_fwd_worker.c)
 *
 * Ports go in pairs in port id order: 0 <-> 1, 2 <-> 3... For instance:
 *   port 0: --vdev net_virtio_emu0,tlpdev=tlp_sim0 (a host on link 0)
 *   port 1: --vdev net_ring0 (frames sent to it come back: a loopback)
 * or port 1 a second emulated function, on a second link (another host).
 *
 * Usage: dpdk-vnet-fwd <EAL args> -- [--pairs N] [--burst N] [--desc N]
 *            [--mtu N] [--mbufs N] [--stats-period S] [--service-lcore N]
 *            [--mac-rewrite] [--drop]
 */

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "vnet_fwd.h"

#define VNET_FWD_MBUF_CACHE 256

volatile sig_atomic_t vnet_fwd_quit;

static void
vnet_fwd_signal(int sig __rte_unused)
{
	vnet_fwd_quit = 1;
}

static void
vnet_fwd_usage(const char *prog)
{
	printf("usage: %s <EAL args> -- [options]\n"
	       "  --pairs N          queue pairs per port (default 1)\n"
	       "  --burst N          frames per burst, 1..%u (default 32)\n"
	       "  --desc N           descriptors per queue (default 1024)\n"
	       "  --mtu N            MTU of every port (default: the largest all ports take)\n"
	       "  --mbufs N          mbufs in the pool (default 8191)\n"
	       "  --stats-period S   statistics every S seconds (default 1; 0: at exit)\n"
	       "  --service-lcore N  run net_virtio_emu's control service on worker lcore N\n"
	       "  --mac-rewrite      destination MAC := Tx port's, source := Rx port's\n"
	       "  --drop             drop what a Tx port refuses (default: hold and retry)\n",
	       prog, VNET_FWD_MAX_BURST);
}

static int
vnet_fwd_parse_uint(const char *opt, const char *s, unsigned long lo, unsigned long hi,
		    unsigned long *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno != 0 || end == s || *end != '\0' || s[0] == '-' || v < lo || v > hi) {
		fprintf(stderr, "vnet_fwd: --%s %s: want a number in %lu..%lu\n", opt, s, lo, hi);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

static int
vnet_fwd_parse_args(int argc, char **argv, struct vnet_fwd_conf *conf)
{
	static const struct option opts[] = {
		{ "pairs", required_argument, NULL, 'p' },
		{ "burst", required_argument, NULL, 'b' },
		{ "desc", required_argument, NULL, 'd' },
		{ "mtu", required_argument, NULL, 'M' },
		{ "mbufs", required_argument, NULL, 'n' },
		{ "stats-period", required_argument, NULL, 'T' },
		{ "service-lcore", required_argument, NULL, 's' },
		{ "mac-rewrite", no_argument, NULL, 'm' },
		{ "drop", no_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long v;
	int c, idx;

	while ((c = getopt_long(argc, argv, "", opts, &idx)) != -1) {
		switch (c) {
		case 'p':
			if (vnet_fwd_parse_uint("pairs", optarg, 1, VNET_FWD_MAX_PAIRS, &v) != 0)
				return -EINVAL;
			conf->pairs = (uint16_t)v;
			break;
		case 'b':
			if (vnet_fwd_parse_uint("burst", optarg, 1, VNET_FWD_MAX_BURST, &v) != 0)
				return -EINVAL;
			conf->burst = (uint16_t)v;
			break;
		case 'd':
			if (vnet_fwd_parse_uint("desc", optarg, 64, 32768, &v) != 0)
				return -EINVAL;
			conf->nb_desc = (uint16_t)v;
			break;
		case 'M':
			if (vnet_fwd_parse_uint("mtu", optarg, RTE_ETHER_MIN_MTU, 9600, &v) != 0)
				return -EINVAL;
			conf->mtu = (uint16_t)v;
			break;
		case 'n':
			if (vnet_fwd_parse_uint("mbufs", optarg, 1024, 1u << 20, &v) != 0)
				return -EINVAL;
			conf->nb_mbufs = (uint32_t)v;
			break;
		case 'T':
			if (vnet_fwd_parse_uint("stats-period", optarg, 0, 3600, &v) != 0)
				return -EINVAL;
			conf->stats_period = (unsigned int)v;
			break;
		case 's':
			if (vnet_fwd_parse_uint("service-lcore", optarg, 0, RTE_MAX_LCORE - 1,
						&v) != 0)
				return -EINVAL;
			conf->service_lcore = (int)v;
			break;
		case 'm':
			conf->mac_rewrite = true;
			break;
		case 'D':
			conf->drop = true;
			break;
		default:
			vnet_fwd_usage(argv[0]);
			return -EINVAL;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "vnet_fwd: unexpected argument '%s'\n", argv[optind]);
		return -EINVAL;
	}
	return 0;
}

/* The main lcore between start and SIGINT/SIGTERM: statistics now and then. */
static void
vnet_fwd_main_loop(const struct vnet_fwd_ctx *ctx)
{
	uint64_t hz = rte_get_timer_hz(), next;

	next = rte_get_timer_cycles() + ctx->conf.stats_period * hz;
	while (!vnet_fwd_quit) {
		rte_delay_us_sleep(100 * 1000);
		if (ctx->conf.stats_period != 0 && rte_get_timer_cycles() >= next) {
			vnet_fwd_stats_print(ctx, "stats");
			next += ctx->conf.stats_period * hz;
		}
	}
}

/*
 * Shutdown, in the order the resources depend on each other: the workers
 * leave their loops; what the streams and the ports still hold goes back to
 * the pool; the ports stop and close (net_virtio_emu removes the function
 * from the link and unregisters its service); the service lcore stops; the
 * pool must then be full again (nothing leaked), and goes.
 */
static int
vnet_fwd_shutdown(struct vnet_fwd_ctx *ctx, bool workers_running)
{
	unsigned int avail, size;
	int ret = 0;

	vnet_fwd_quit = 1;
	if (workers_running)
		rte_eal_mp_wait_lcore();
	vnet_fwd_stats_print(ctx, "final");
	vnet_fwd_streams_flush(ctx);
	vnet_fwd_ports_drain(ctx);
	vnet_fwd_ports_close(ctx);
	vnet_fwd_service_teardown(ctx);
	if (ctx->mp != NULL) {
		avail = rte_mempool_avail_count(ctx->mp);
		size = ctx->mp->size;
		printf("vnet_fwd: mempool: %u of %u mbufs back\n", avail, size);
		if (avail != size) {
			fprintf(stderr, "vnet_fwd: %u mbufs leaked\n", size - avail);
			ret = -EFAULT;
		}
		rte_mempool_free(ctx->mp);
		ctx->mp = NULL;
	}
	return ret;
}

int
main(int argc, char **argv)
{
	struct vnet_fwd_ctx *ctx;
	struct sigaction sa;
	bool launched = false;
	int ret;

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "vnet_fwd: EAL initialisation failed: %s\n",
			rte_strerror(rte_errno));
		return 1;
	}
	argc -= ret;
	argv += ret;
	ctx = rte_zmalloc("vnet_fwd_ctx", sizeof(*ctx), RTE_CACHE_LINE_SIZE);
	if (ctx == NULL) {
		rte_eal_cleanup();
		return 1;
	}
	ctx->conf = (struct vnet_fwd_conf){
		.pairs = 1, .burst = 32, .nb_desc = 1024, .nb_mbufs = 8191, .stats_period = 1,
		.service_lcore = -1,
	};
	ctx->service_lcore = RTE_MAX_LCORE;
	ret = vnet_fwd_parse_args(argc, argv, &ctx->conf);
	if (ret != 0)
		goto out;

	/* Before the ports start, so that a signal during start-up is not lost. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = vnet_fwd_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	/* Room for jumbo frames as chains of default-sized mbufs. */
	ctx->mp = rte_pktmbuf_pool_create("vnet_fwd_pool", ctx->conf.nb_mbufs,
					  VNET_FWD_MBUF_CACHE, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
					  rte_socket_id());
	if (ctx->mp == NULL) {
		fprintf(stderr, "vnet_fwd: mbuf pool: %s\n", rte_strerror(rte_errno));
		ret = -rte_errno;
		goto out;
	}
	/* The service lcore first: the PMD picks its fallback when a port starts. */
	ret = vnet_fwd_service_setup(ctx);
	if (ret == 0)
		ret = vnet_fwd_ports_setup(ctx);
	if (ret == 0)
		ret = vnet_fwd_streams_init(ctx);
	if (ret != 0)
		goto out;

	ret = rte_eal_mp_remote_launch(vnet_fwd_worker, ctx, SKIP_MAIN);
	if (ret != 0) {
		fprintf(stderr, "vnet_fwd: cannot launch the workers: %s\n", strerror(-ret));
		goto out;
	}
	launched = true;
	printf("vnet_fwd: forwarding (SIGINT or SIGTERM to stop)\n");
	fflush(stdout);
	vnet_fwd_main_loop(ctx);
	printf("vnet_fwd: stopping\n");
out:
	if (vnet_fwd_shutdown(ctx, launched) != 0 && ret == 0)
		ret = -EFAULT;
	rte_free(ctx);
	rte_eal_cleanup();
	printf("vnet_fwd: %s\n", ret == 0 ? "bye" : "exit with errors");
	return ret == 0 ? 0 : 1;
}
