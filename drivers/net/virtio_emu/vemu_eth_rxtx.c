/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * Data path: each burst first takes part in the quiesce handshake, then
 * moves frames with the virtio-net data path of lib/virtio_emu. No lock.
 */

#include <rte_lcore.h>
#include <rte_service.h>

#include "vemu_eth.h"

/* The queue may be used in this burst: returns its engine queue or NULL. */
static __rte_always_inline struct virtio_emu_net_q *
vemu_eth_queue_enter(struct vemu_eth_queue *q)
{
	uint32_t lcore = rte_lcore_id();

	if (unlikely(__atomic_load_n(&q->lcore, __ATOMIC_RELAXED) != lcore))
		__atomic_store_n(&q->lcore, lcore, __ATOMIC_RELAXED);
	if (!virtio_emu_qsync_poll(q->sync, &q->seen))
		return NULL;
	/* Acquire: the engine queue set up by the control thread before publishing it. */
	return __atomic_load_n(&q->nq, __ATOMIC_ACQUIRE);
}

/*
 * An app may not call tx_burst for a long time (io forwarding with nothing
 * received): the Tx queue of the pair would never answer a stop request and
 * a device reset would wait for ever. The lcore polling the Rx queue answers
 * for the Tx queue when it is the lcore that polls that too (or the first
 * to claim it): outside tx_burst, it is not in the ring.
 */
static __rte_always_inline void
vemu_eth_txq_ack(struct vemu_eth_queue *txq)
{
	uint32_t lcore = rte_lcore_id();
	uint32_t cur = __atomic_load_n(&txq->lcore, __ATOMIC_RELAXED);

	if (unlikely(cur != lcore)) {
		if (cur != LCORE_ID_ANY ||
		    !__atomic_compare_exchange_n(&txq->lcore, &cur, lcore, false,
						 __ATOMIC_RELAXED, __ATOMIC_RELAXED))
			return;
	}
	virtio_emu_qsync_poll(txq->sync, &txq->seen);
}

uint16_t
vemu_eth_rx_burst(void *rxq, struct rte_mbuf **pkts, uint16_t n)
{
	struct vemu_eth_queue *q = rxq;
	struct virtio_emu_net_q *nq;
	uint64_t bytes = 0;
	uint16_t nb, i;

	/*
	 * No service core runs the control work: do it here, between two bursts
	 * (each one while idle, one in VEMU_ETH_SVC_EVERY while frames flow).
	 */
	if (unlikely(q->service_poll) && q->service_tick++ % VEMU_ETH_SVC_EVERY == 0)
		rte_service_run_iter_on_app_lcore(q->port->link->service_id, 1);
	nq = vemu_eth_queue_enter(q);
	vemu_eth_txq_ack(q->peer);
	if (unlikely(nq == NULL)) {
		q->service_tick = 0;
		return 0;
	}
	nb = virtio_emu_net_dequeue_burst(nq, pkts, n);
	/* Idle: the next burst runs the control work again. */
	if (nb == 0)
		q->service_tick = 0;
	for (i = 0; i < nb; i++) {
		pkts[i]->port = q->port->dev->data->port_id;
		bytes += pkts[i]->pkt_len;
	}
	q->packets += nb;
	q->bytes += bytes;
	return nb;
}

/*
 * Frames [nb, n) found no host buffer (or no running queue): they stay with
 * the caller, or with tx_drop_full=1 are freed and counted (xstat
 * tx_q<N>_drop_full, oerrors).
 */
static __rte_noinline uint16_t
vemu_eth_tx_full(struct vemu_eth_queue *q, struct rte_mbuf **pkts, uint16_t nb, uint16_t n)
{
	if (!q->drop_on_full || nb == n)
		return nb;
	rte_pktmbuf_free_bulk(&pkts[nb], n - nb);
	q->drop_full += n - nb;
	return n;
}

uint16_t
vemu_eth_tx_burst(void *txq, struct rte_mbuf **pkts, uint16_t n)
{
	struct vemu_eth_queue *q = txq;
	struct virtio_emu_net_q *nq;
	uint64_t bytes = 0;
	uint16_t nb, i;

	nq = vemu_eth_queue_enter(q);
	if (unlikely(nq == NULL))
		return vemu_eth_tx_full(q, pkts, 0, n);
	/* The mbufs taken are freed by the enqueue: count them first. */
	for (i = 0; i < n; i++)
		bytes += pkts[i]->pkt_len;
	nb = virtio_emu_net_enqueue_burst(nq, pkts, n);
	for (i = nb; i < n; i++)
		bytes -= pkts[i]->pkt_len;
	q->packets += nb;
	q->bytes += bytes;
	if (unlikely(nb < n))
		return vemu_eth_tx_full(q, pkts, nb, n);
	return nb;
}

uint16_t
vemu_eth_burst_none(void *q __rte_unused, struct rte_mbuf **pkts __rte_unused,
		    uint16_t n __rte_unused)
{
	return 0;
}
