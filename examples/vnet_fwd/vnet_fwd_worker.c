/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * The data path: streams and the burst loop of the worker lcores.
 *
 * A worker lcore loops over its streams until SIGINT/SIGTERM. For each
 * stream it receives a burst from the Rx queue and offers it to the Tx queue
 * of the other port. A Tx queue may take fewer frames than offered (an
 * emulated function's host has posted too few receive buffers, or the host
 * driver is not up yet): the rest stay in the stream and are offered again
 * first at the next turn, so the host that sends is slowed down instead of
 * losing frames (back-pressure). With --drop they are freed and counted
 * instead, as a switch that never waits would do.
 */

#include <errno.h>
#include <stdio.h>

#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "vnet_fwd.h"

/* Spread the streams over the worker lcores, one after the other. */
int
vnet_fwd_streams_init(struct vnet_fwd_ctx *ctx)
{
	unsigned int workers[RTE_MAX_LCORE], nb_workers = 0, lcore, i, k = 0;
	uint16_t p, q, a, b;

	RTE_LCORE_FOREACH_WORKER(lcore)
		workers[nb_workers++] = lcore;
	if (nb_workers == 0) {
		fprintf(stderr, "vnet_fwd: no worker lcore left (give at least one more lcore "
			"than the main and the service lcores)\n");
		return -EINVAL;
	}
	for (p = 0; p < ctx->nb_ports; p += 2) {
		for (q = 0; q < ctx->conf.pairs; q++) {
			for (i = 0; i < 2; i++) {
				struct vnet_fwd_stream *s = &ctx->streams[k];

				a = ctx->ports[p + i];
				b = ctx->ports[p + 1 - i];
				s->rx_port = a;
				s->tx_port = b;
				s->queue = q;
				s->lcore = workers[k % nb_workers];
				rte_eth_macaddr_get(b, &s->dst_mac);
				rte_eth_macaddr_get(a, &s->src_mac);
				k++;
			}
		}
	}
	ctx->nb_streams = k;
	for (i = 0; i < ctx->nb_streams; i++)
		printf("vnet_fwd: lcore %u: port %u queue %u -> port %u queue %u\n",
		       ctx->streams[i].lcore, ctx->streams[i].rx_port, ctx->streams[i].queue,
		       ctx->streams[i].tx_port, ctx->streams[i].queue);
	return 0;
}

/* Destination: the Tx port's address; source: the Rx port's. */
static inline void
vnet_fwd_mac_rewrite(const struct vnet_fwd_stream *s, struct rte_mbuf **pkts, uint16_t nb)
{
	struct rte_ether_hdr *eth;
	uint16_t i;

	for (i = 0; i < nb; i++) {
		if (unlikely(rte_pktmbuf_data_len(pkts[i]) < sizeof(*eth)))
			continue;	/* the PMDs give no runts; a chain may, in theory */
		eth = rte_pktmbuf_mtod(pkts[i], struct rte_ether_hdr *);
		rte_ether_addr_copy(&s->dst_mac, &eth->dst_addr);
		rte_ether_addr_copy(&s->src_mac, &eth->src_addr);
	}
}

/* One turn of one stream. */
static inline void
vnet_fwd_stream_poll(struct vnet_fwd_stream *s, const struct vnet_fwd_conf *conf)
{
	uint16_t room, nb, sent;

	/*
	 * Receive only when the previous burst is gone. The Rx queue is polled
	 * even without room (n = 0): a net_virtio_emu Rx burst is also where the
	 * queue answers the PMD's stop requests (host reset, FLR), and, when no
	 * service lcore runs the control work, where Rx queue 0 does that work.
	 * A queue left unpolled would hold up the host's resets.
	 */
	room = s->nb == 0 ? conf->burst : 0;
	nb = rte_eth_rx_burst(s->rx_port, s->queue, s->pkts, room);
	if (nb != 0) {
		if (conf->mac_rewrite)
			vnet_fwd_mac_rewrite(s, s->pkts, nb);
		s->nb = nb;
		s->pos = 0;
	}
	if (s->nb == 0)
		return;
	/* The Tx queue takes what it can; the mbufs it takes are its own. */
	sent = rte_eth_tx_burst(s->tx_port, s->queue, &s->pkts[s->pos], s->nb - s->pos);
	s->pos += sent;
	if (s->pos < s->nb && conf->drop) {
		rte_pktmbuf_free_bulk(&s->pkts[s->pos], s->nb - s->pos);
		__atomic_store_n(&s->dropped, s->dropped + (s->nb - s->pos), __ATOMIC_RELAXED);
		s->pos = s->nb;
	}
	if (s->pos == s->nb)
		s->nb = 0;
}

/* The lcore loop: launched on every worker lcore with rte_eal_mp_remote_launch(). */
int
vnet_fwd_worker(void *arg)
{
	struct vnet_fwd_ctx *ctx = arg;
	struct vnet_fwd_stream *mine[VNET_FWD_MAX_STREAMS];
	unsigned int lcore = rte_lcore_id(), nb = 0, i;

	for (i = 0; i < ctx->nb_streams; i++)
		if (ctx->streams[i].lcore == lcore)
			mine[nb++] = &ctx->streams[i];
	if (nb == 0)
		return 0;	/* more workers than streams */
	while (!vnet_fwd_quit)
		for (i = 0; i < nb; i++)
			vnet_fwd_stream_poll(mine[i], &ctx->conf);
	return 0;
}

/* After the workers returned: free what the streams still hold. */
void
vnet_fwd_streams_flush(struct vnet_fwd_ctx *ctx)
{
	struct vnet_fwd_stream *s;
	unsigned int i;

	for (i = 0; i < ctx->nb_streams; i++) {
		s = &ctx->streams[i];
		if (s->pos < s->nb) {
			rte_pktmbuf_free_bulk(&s->pkts[s->pos], s->nb - s->pos);
			s->dropped += s->nb - s->pos;
		}
		s->nb = 0;
		s->pos = 0;
	}
}
