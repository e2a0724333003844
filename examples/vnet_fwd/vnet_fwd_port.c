/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * Ports and the PMD's control service.
 *
 * net_virtio_emu does its control work (TLPs of the host: configuration
 * space, BAR registers, doorbells; device resets, FLR, the control queue) in
 * an rte_service it registers per TLP device, named "net_virtio_emu_<tlpdev>".
 * An application either maps that service to a service lcore, where it runs
 * next to nothing else, or leaves it unmapped: the PMD then runs it from the
 * Rx burst of queue 0 of each of its ports (its documented fallback), which
 * needs no extra lcore but makes the control work wait for the data path.
 * The choice is made when a port starts, so the service is mapped first.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_service.h>

#include "vnet_fwd.h"

/* Service ids are small integers (EAL has room for 64 services); invalid ones have no name. */
#define VNET_FWD_SERVICE_ID_MAX 1024

/* Map every net_virtio_emu service to @p lcore; returns how many were mapped. */
static int
vnet_fwd_service_map(uint32_t lcore, uint32_t enable)
{
	uint32_t id, found = 0, count = rte_service_get_count();
	const char *name;
	int mapped = 0, ret;

	/* Stop once every registered service was seen. */
	for (id = 0; found < count && id < VNET_FWD_SERVICE_ID_MAX; id++) {
		name = rte_service_get_name(id);
		if (name == NULL)
			continue;
		found++;
		if (strncmp(name, VNET_FWD_SERVICE_PREFIX, strlen(VNET_FWD_SERVICE_PREFIX)) != 0)
			continue;
		ret = rte_service_map_lcore_set(id, lcore, enable);
		if (ret != 0) {
			fprintf(stderr, "vnet_fwd: cannot map service %s to lcore %u: %s\n", name,
				lcore, strerror(-ret));
			return ret;
		}
		if (enable)
			printf("vnet_fwd: service %s runs on service lcore %u\n", name, lcore);
		mapped++;
	}
	return mapped;
}

/*
 * The service lcore must really loop: EAL gives no thread to a -s/-S lcore
 * that is not also in -l/--lcores (it only warns), and the PMD, seeing the
 * service mapped to a started service lcore, would then leave the control
 * work to nobody. Its loop counter moves within a second, even on a busy
 * machine.
 */
static int
vnet_fwd_service_check(uint32_t lcore)
{
	uint64_t loops = 0;
	unsigned int i;

	for (i = 0; i < 100; i++) {
		if (rte_service_lcore_attr_get(lcore, RTE_SERVICE_LCORE_ATTR_LOOPS, &loops) == 0 &&
		    loops != 0)
			return 0;
		rte_delay_us_sleep(10 * 1000);
	}
	fprintf(stderr, "vnet_fwd: service lcore %u does not run (an EAL -S lcore must also be "
		"in -l/--lcores)\n", lcore);
	return -ENOEXEC;
}

/*
 * Give the PMD's control work a service lcore: the one EAL made with -s/-S,
 * or the worker lcore named by --service-lcore, which is turned into one.
 * Without either, the PMD's fallback applies.
 */
int
vnet_fwd_service_setup(struct vnet_fwd_ctx *ctx)
{
	uint32_t list[RTE_MAX_LCORE];
	uint32_t lcore;
	int ret;

	ctx->service_lcore = RTE_MAX_LCORE;
	if (ctx->conf.service_lcore >= 0) {
		lcore = (uint32_t)ctx->conf.service_lcore;
		if (lcore == rte_get_main_lcore() || !rte_lcore_is_enabled(lcore)) {
			fprintf(stderr, "vnet_fwd: --service-lcore %u: not a worker lcore of -l/"
				"--lcores\n", lcore);
			return -EINVAL;
		}
		/* The lcore leaves the workers (RTE_LCORE_FOREACH_WORKER skips it). */
		ret = rte_service_lcore_add(lcore);
		if (ret != 0) {
			fprintf(stderr, "vnet_fwd: cannot make lcore %u a service lcore: %s\n",
				lcore, strerror(-ret));
			return ret;
		}
		ctx->service_lcore_ours = true;
	} else if (rte_service_lcore_list(list, RTE_DIM(list)) > 0) {
		lcore = list[0];	/* EAL's -s/-S */
	} else {
		printf("vnet_fwd: no service lcore: net_virtio_emu does its control work in "
		       "the Rx burst of queue 0 (give --service-lcore N or EAL -S N to move it)\n");
		return 0;
	}
	ret = vnet_fwd_service_map(lcore, 1);
	if (ret < 0)
		return ret;
	if (ret == 0)
		printf("vnet_fwd: no net_virtio_emu port: service lcore %u idles\n", lcore);
	/* EAL may have started its own service lcores already. */
	ret = rte_service_lcore_start(lcore);
	if (ret != 0 && ret != -EALREADY) {
		fprintf(stderr, "vnet_fwd: cannot start service lcore %u: %s\n", lcore,
			strerror(-ret));
		return ret;
	}
	ret = vnet_fwd_service_check(lcore);
	if (ret != 0)
		return ret;	/* no thread: nothing to stop or wait for */
	ctx->service_lcore = lcore;
	return 0;
}

/* After the ports are closed (the PMD has unregistered its services). */
void
vnet_fwd_service_teardown(struct vnet_fwd_ctx *ctx)
{
	if (ctx->service_lcore == RTE_MAX_LCORE)
		return;
	rte_service_lcore_stop(ctx->service_lcore);
	/* The service lcore's thread leaves its loop; wait for it. */
	rte_eal_wait_lcore(ctx->service_lcore);
	if (ctx->service_lcore_ours)
		rte_service_lcore_del(ctx->service_lcore);
	ctx->service_lcore = RTE_MAX_LCORE;
}

/*
 * Link state changes of an emulated function (the host driver set DRIVER_OK,
 * reset the device, went away). Called on the lcore that runs the PMD's
 * control work: keep it short.
 */
static int
vnet_fwd_lsc(uint16_t port, enum rte_eth_event_type type __rte_unused, void *arg __rte_unused,
	     void *ret_param __rte_unused)
{
	struct rte_eth_link link;

	if (rte_eth_link_get_nowait(port, &link) == 0)
		printf("vnet_fwd: port %u: link %s\n", port,
		       link.link_status == RTE_ETH_LINK_UP ? "up" : "down");
	fflush(stdout);
	return 0;
}

static int
vnet_fwd_port_setup(struct vnet_fwd_ctx *ctx, uint16_t port)
{
	struct rte_eth_conf conf = { 0 };
	struct rte_eth_dev_info info;
	char name[RTE_ETH_NAME_MAX_LEN];
	uint16_t q;
	int ret;

	ret = rte_eth_dev_info_get(port, &info);
	if (ret != 0)
		return ret;
	rte_eth_dev_get_name_by_port(port, name);
	if (info.max_rx_queues < ctx->conf.pairs || info.max_tx_queues < ctx->conf.pairs) {
		fprintf(stderr, "vnet_fwd: port %u (%s): %u queue pair(s) at most, --pairs %u "
			"(net_virtio_emu: devarg queues=)\n", port, name,
			RTE_MIN(info.max_rx_queues, info.max_tx_queues), ctx->conf.pairs);
		return -EINVAL;
	}
	/*
	 * Every port of the application gets the same MTU (frames go through
	 * unchanged): --mtu, or the largest all ports take. ethdev's default
	 * would be 1500, whatever the emulated function offers its host.
	 */
	conf.rxmode.mtu = ctx->mtu;
	/* Frames larger than one mbuf come and go as chains, where the port can. */
	conf.rxmode.offloads = info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_SCATTER;
	conf.txmode.offloads = info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	/* Link state interrupts where the port has them (net_virtio_emu does). */
	conf.intr_conf.lsc = (*info.dev_flags & RTE_ETH_DEV_INTR_LSC) != 0;
	ret = rte_eth_dev_configure(port, ctx->conf.pairs, ctx->conf.pairs, &conf);
	if (ret != 0) {
		fprintf(stderr, "vnet_fwd: port %u (%s): configure: %s\n", port, name,
			strerror(-ret));
		return ret;
	}
	for (q = 0; q < ctx->conf.pairs; q++) {
		ret = rte_eth_rx_queue_setup(port, q, ctx->conf.nb_desc,
					     rte_eth_dev_socket_id(port), NULL, ctx->mp);
		if (ret == 0)
			ret = rte_eth_tx_queue_setup(port, q, ctx->conf.nb_desc,
						     rte_eth_dev_socket_id(port), NULL);
		if (ret != 0) {
			fprintf(stderr, "vnet_fwd: port %u (%s): queue %u: %s\n", port, name, q,
				strerror(-ret));
			return ret;
		}
	}
	if (conf.intr_conf.lsc)
		rte_eth_dev_callback_register(port, RTE_ETH_EVENT_INTR_LSC, vnet_fwd_lsc, NULL);
	/* A forwarder takes every frame (an emulated function accepts and ignores it). */
	rte_eth_promiscuous_enable(port);
	ret = rte_eth_dev_start(port);
	if (ret != 0) {
		fprintf(stderr, "vnet_fwd: port %u (%s): start: %s\n", port, name,
			strerror(-ret));
		return ret;
	}
	printf("vnet_fwd: port %u (%s, %s): %u queue pair(s)\n", port, name, info.driver_name,
	       ctx->conf.pairs);
	return 0;
}

/* The MTU of every port: --mtu if all ports take it, else the smallest largest one. */
static int
vnet_fwd_mtu_choose(struct vnet_fwd_ctx *ctx)
{
	struct rte_eth_dev_info info;
	uint16_t mtu = UINT16_MAX, i;
	int ret;

	for (i = 0; i < ctx->nb_ports; i++) {
		ret = rte_eth_dev_info_get(ctx->ports[i], &info);
		if (ret != 0)
			return ret;
		if (ctx->conf.mtu > info.max_mtu) {
			fprintf(stderr, "vnet_fwd: --mtu %u: port %u takes %u at most "
				"(net_virtio_emu: devarg mtu=)\n", ctx->conf.mtu, ctx->ports[i],
				info.max_mtu);
			return -EINVAL;
		}
		mtu = RTE_MIN(mtu, info.max_mtu);
	}
	ctx->mtu = ctx->conf.mtu != 0 ? ctx->conf.mtu : mtu;
	printf("vnet_fwd: mtu %u\n", ctx->mtu);
	return 0;
}

/* Every available port, in port id order, forwarded in pairs (0, 1), (2, 3)... */
int
vnet_fwd_ports_setup(struct vnet_fwd_ctx *ctx)
{
	uint16_t port;
	int ret;

	ctx->nb_ports = 0;
	RTE_ETH_FOREACH_DEV(port) {
		if (ctx->nb_ports == VNET_FWD_MAX_PORTS) {
			fprintf(stderr, "vnet_fwd: more than %u ports\n", VNET_FWD_MAX_PORTS);
			return -E2BIG;
		}
		ctx->ports[ctx->nb_ports++] = port;
	}
	if (ctx->nb_ports == 0 || ctx->nb_ports % 2 != 0) {
		fprintf(stderr, "vnet_fwd: %u port(s): want an even number (--vdev net_virtio_emu0,"
			"tlpdev=... and --vdev net_ring0, for example)\n", ctx->nb_ports);
		return -EINVAL;
	}
	ret = vnet_fwd_mtu_choose(ctx);
	if (ret != 0)
		return ret;
	for (port = 0; port < ctx->nb_ports; port++) {
		ret = vnet_fwd_port_setup(ctx, ctx->ports[port]);
		if (ret != 0)
			return ret;
	}
	fflush(stdout);
	return 0;
}

/*
 * After the workers stopped: take back what the ports still hold. A net_ring
 * port's rings keep the frames sent to it and not yet received, and closing
 * it does not free them. Bounded: an emulated function whose host keeps
 * sending would never run dry.
 */
void
vnet_fwd_ports_drain(struct vnet_fwd_ctx *ctx)
{
	struct rte_mbuf *pkts[VNET_FWD_MAX_BURST];
	unsigned int i, round;
	uint16_t q, nb;

	for (i = 0; i < ctx->nb_ports; i++)
		for (q = 0; q < ctx->conf.pairs; q++)
			for (round = 0; round < 4096; round++) {
				nb = rte_eth_rx_burst(ctx->ports[i], q, pkts, RTE_DIM(pkts));
				if (nb == 0)
					break;
				rte_pktmbuf_free_bulk(pkts, nb);
			}
}

/* Stop, then close: the PMD releases its queues, the function and its service. */
void
vnet_fwd_ports_close(struct vnet_fwd_ctx *ctx)
{
	unsigned int i;
	int ret;

	for (i = 0; i < ctx->nb_ports; i++) {
		ret = rte_eth_dev_stop(ctx->ports[i]);
		if (ret != 0)
			fprintf(stderr, "vnet_fwd: port %u: stop: %s\n", ctx->ports[i],
				strerror(-ret));
	}
	for (i = 0; i < ctx->nb_ports; i++) {
		rte_eth_dev_callback_unregister(ctx->ports[i], RTE_ETH_EVENT_INTR_LSC,
						vnet_fwd_lsc, NULL);
		ret = rte_eth_dev_close(ctx->ports[i]);
		if (ret != 0)
			fprintf(stderr, "vnet_fwd: port %u: close: %s\n", ctx->ports[i],
				strerror(-ret));
	}
	ctx->nb_ports = 0;
}

/* The PMD's drop reasons: its xstats named <dir>_q<N>_drop_<reason>, when not zero. */
static void
vnet_fwd_xstats_print(uint16_t port)
{
	struct rte_eth_xstat_name *names = NULL;
	struct rte_eth_xstat *xs = NULL;
	int n, i;

	n = rte_eth_xstats_get_names(port, NULL, 0);
	if (n <= 0)
		return;
	names = calloc((size_t)n, sizeof(*names));
	xs = calloc((size_t)n, sizeof(*xs));
	if (names == NULL || xs == NULL)
		goto out;
	if (rte_eth_xstats_get_names(port, names, (unsigned int)n) != n ||
	    rte_eth_xstats_get(port, xs, (unsigned int)n) != n)
		goto out;
	for (i = 0; i < n; i++)
		if (xs[i].value != 0 && strstr(names[xs[i].id].name, "_drop_") != NULL)
			printf("vnet_fwd:   port %u %s=%" PRIu64 "\n", port,
			       names[xs[i].id].name, xs[i].value);
out:
	free(names);
	free(xs);
}

/*
 * Per port: frames received and sent (ethdev basic stats), and dropped: by
 * the port (imissed, ierrors: e.g. a bad frame from the host; oerrors) and
 * by this application (--drop: refused by the port when sending to it).
 */
void
vnet_fwd_stats_print(const struct vnet_fwd_ctx *ctx, const char *when)
{
	struct rte_eth_stats st;
	struct rte_eth_link link;
	uint64_t app_drops;
	unsigned int i, k;

	for (i = 0; i < ctx->nb_ports; i++) {
		uint16_t port = ctx->ports[i];

		app_drops = 0;
		for (k = 0; k < ctx->nb_streams; k++) {
			const struct vnet_fwd_stream *s = &ctx->streams[k];

			if (s->tx_port != port)
				continue;
			app_drops += __atomic_load_n(&s->dropped, __ATOMIC_RELAXED);
		}
		if (rte_eth_stats_get(port, &st) != 0)
			memset(&st, 0, sizeof(st));
		if (rte_eth_link_get_nowait(port, &link) != 0)
			link.link_status = RTE_ETH_LINK_DOWN;
		printf("vnet_fwd: %s port %u: rx=%" PRIu64 " tx=%" PRIu64 " dropped=%" PRIu64
		       " (rx_missed=%" PRIu64 " rx_errors=%" PRIu64 " tx_errors=%" PRIu64
		       " refused=%" PRIu64 ") link=%s\n", when, port, st.ipackets, st.opackets,
		       st.imissed + st.ierrors + st.oerrors + app_drops, st.imissed,
		       st.ierrors, st.oerrors, app_drops,
		       link.link_status == RTE_ETH_LINK_UP ? "up" : "down");
		vnet_fwd_xstats_print(port);
	}
	fflush(stdout);
}
